"""Import enforcement actions from .xlsx: every error listed, nothing half-written."""

from django.utils.translation import gettext_lazy as _

from inspections.commands import ImportCommand
from inspections.imports import ENFORCEMENT_OPTIONAL, ENFORCEMENT_REQUIRED, import_enforcement


class Command(ImportCommand):
    help = "从 Excel（.xlsx）导入执法记录；有任何错误则不写入。表头：" + "、".join(
        ENFORCEMENT_REQUIRED + ENFORCEMENT_OPTIONAL
    )
    kind = "enforcement"
    importer = staticmethod(import_enforcement)
    what = _("执法记录")
