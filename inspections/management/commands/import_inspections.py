"""Import paper inspection records from .xlsx: every error listed, nothing half-written."""

from django.utils.translation import gettext_lazy as _

from inspections.commands import ImportCommand
from inspections.imports import INSPECTION_OPTIONAL, INSPECTION_REQUIRED, import_inspections


class Command(ImportCommand):
    help = "从 Excel（.xlsx）导入检查记录；有任何错误则不写入。表头：" + "、".join(
        INSPECTION_REQUIRED + INSPECTION_OPTIONAL
    )
    kind = "inspections"
    importer = staticmethod(import_inspections)
    what = _("检查记录")
