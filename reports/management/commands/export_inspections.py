"""python manage.py export_inspections [--township NAME --industry CODE --from --to] --out 检查记录.xlsx"""

from django.utils.translation import gettext_lazy

from reports.list_commands import ListExportCommand


class Command(ListExportCommand):
    help = "导出检查记录（Excel），筛选条件与检查记录页相同。"
    identifier = "inspections"
    label = gettext_lazy("导出检查记录")
    period = ("date_from", "date_to")
