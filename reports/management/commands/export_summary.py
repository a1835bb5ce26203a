"""python manage.py export_summary --from 2026-01-01 --to 2026-06-30 --out 汇总.xlsx"""

from django.utils.translation import gettext_lazy

from reports.commands import ExportCommand


class Command(ExportCommand):
    help = "导出县级隐患排查治理汇总表（Excel），按乡镇分行，末行合计。"
    identifier = "summary"
    label = gettext_lazy("导出汇总表")

    def add_filters(self, parser):
        parser.add_argument(
            "--from", dest="found_from", required=True, help="发现日期从 YYYY-MM-DD"
        )
        parser.add_argument("--to", dest="found_to", required=True, help="发现日期至 YYYY-MM-DD")
        parser.add_argument("--as-of", dest="as_of", help="状态截至 YYYY-MM-DD（默认今天）")
        parser.add_argument("--township", help="只统计这个乡镇（名称）")
