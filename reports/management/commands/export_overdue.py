"""python manage.py export_overdue [--township NAME] --out 逾期清单.xlsx"""

from django.utils.translation import gettext_lazy

from reports.commands import ExportCommand


class Command(ExportCommand):
    help = "导出截至今天的逾期隐患清单（Excel），含逾期天数和督办单数。"
    identifier = "overdue"
    label = gettext_lazy("导出逾期清单")

    def add_filters(self, parser):
        parser.add_argument("--township", help="乡镇名称")
        parser.add_argument("--level", help="隐患等级：general|major")
