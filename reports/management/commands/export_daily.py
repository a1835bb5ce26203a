"""python manage.py export_daily [--date YYYY-MM-DD] --township NAME --out 日报.xlsx"""

from django.utils.translation import gettext_lazy

from reports.commands import ExportCommand


class Command(ExportCommand):
    help = "导出一个乡镇某日的隐患排查日报（Excel）。"
    identifier = "daily"
    label = gettext_lazy("导出日报")

    def add_filters(self, parser):
        parser.add_argument("--date", help="日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--township", required=True, help="乡镇名称")
