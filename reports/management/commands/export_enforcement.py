"""python manage.py export_enforcement [--township NAME --industry CODE --from --to] --out 执法记录.xlsx"""

from django.utils.translation import gettext_lazy

from reports.list_commands import ListExportCommand


class Command(ListExportCommand):
    help = "导出执法记录（Excel），筛选条件与执法记录页相同。"
    identifier = "enforcement"
    label = gettext_lazy("导出执法记录")
    period = ("date_from", "date_to")
