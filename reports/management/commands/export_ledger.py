"""python manage.py export_ledger [--status ... --township NAME --from --to --level ...] --out 台账.xlsx"""

from django.utils.translation import gettext_lazy

from reports.commands import ExportCommand


class Command(ExportCommand):
    help = "按筛选条件导出隐患台账（Excel），含处理记录工作表。"
    identifier = "ledger"
    label = gettext_lazy("导出隐患台账")

    def add_filters(self, parser):
        parser.add_argument(
            "--status",
            help="状态：found|deadline|fixed|closed|void|overdue|open|rectified|closed_asof|on_time",
        )
        parser.add_argument("--level", help="隐患等级：general|major")
        parser.add_argument("--township", help="乡镇名称")
        parser.add_argument("--industry", help="行业代码")
        parser.add_argument("--from", dest="found_from", help="发现日期从 YYYY-MM-DD")
        parser.add_argument("--to", dest="found_to", help="发现日期至 YYYY-MM-DD")
        parser.add_argument("--as-of", dest="as_of", help="状态截至 YYYY-MM-DD（默认今天）")
