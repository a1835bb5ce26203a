"""A stand-in exporter for the jobs tests: the enterprises a user sees, as .xlsx rows.

It has the interface of reports.exporters (``count()``, ``write(out, progress=...)``),
so the tests exercise the same paths a real exporter takes.
"""

import io

from openpyxl import Workbook, load_workbook

from grid import scoping

RUNNERS = {}  # kind → runner, for the current test only (see conftest)


def use_runner(kind, runner):
    """The worker runs ``runner`` for jobs of ``kind`` instead of the registered one."""
    RUNNERS[kind] = runner


class EnterpriseExporter:
    file_name = "企业名录_测试.xlsx"

    def __init__(self, user, params, fail_after=None):
        self.user = user
        self.params = params
        self.fail_after = fail_after

    def queryset(self):
        qs = scoping.enterprises_for(self.user).order_by("pk")
        name = self.params.get("name") if hasattr(self.params, "get") else None
        if name:
            qs = qs.filter(name__contains=name)
        return qs

    def count(self):
        return self.queryset().count()

    def write(self, out, progress):
        total = self.count()
        rows = []
        for done, ent in enumerate(self.queryset().iterator(), start=1):
            if self.fail_after is not None and done > self.fail_after:
                out.write(b"PK half a workbook")  # what a crash leaves behind
                raise RuntimeError("disk full")
            rows.append([ent.name, ent.uscc])
            progress(done, total)
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("企业")
        ws.append(["企业名称", "统一社会信用代码"])
        for row in rows:
            ws.append(row)
        wb.save(out)
        return total


def read_rows(content):
    wb = load_workbook(io.BytesIO(content), read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    return rows[0], rows[1:]
