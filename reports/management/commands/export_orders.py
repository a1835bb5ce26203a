"""python manage.py export_orders [--township NAME --industry CODE --from --to] --out 督办单.xlsx"""

from django.utils.translation import gettext_lazy

from reports.list_commands import ListExportCommand


class Command(ListExportCommand):
    help = "导出督办单（Excel），筛选条件与督办单页相同。"
    identifier = "orders"
    label = gettext_lazy("导出督办单")
    period = ("issued_from", "issued_to")
