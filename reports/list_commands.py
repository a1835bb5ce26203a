"""The export commands of the lists a report links to: the same filters as their pages.

Each command takes the period as ``--from``/``--to`` (checked like the other exports'),
``--township`` by name and ``--industry``, and renames the period to the parameters of its
list (``date_from``/``date_to``, ``issued_from``/``issued_to``).
"""

from reports.commands import ExportCommand


class ListExportCommand(ExportCommand):
    period = ("date_from", "date_to")

    def add_filters(self, parser):
        parser.add_argument("--township", help="乡镇名称")
        parser.add_argument("--industry", help="行业代码")
        parser.add_argument("--from", dest="found_from", help="开始日期 YYYY-MM-DD")
        parser.add_argument("--to", dest="found_to", help="结束日期 YYYY-MM-DD")

    def params(self, options):
        params = super().params(options)
        for shared, own in zip(("found_from", "found_to"), self.period, strict=True):
            if shared in params:
                params[own] = params.pop(shared)
        return params
