"""The ledger export carries the chosen library items (判定依据条款), without a query per row."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from hazards.models import Level
from reports.exporters import build_exporter
from tests.factories import make_criterion, make_standard
from tests.reports.conftest import bulk_hazards

pytestmark = pytest.mark.django_db


def _rows(user):
    out = io.BytesIO()
    build_exporter("ledger", user, {}).write(out)
    sheet = load_workbook(io.BytesIO(out.getvalue()))["隐患台账"]
    header = [c.value for c in sheet[2]]
    return [dict(zip(header, [c.value for c in row], strict=True)) for row in sheet.iter_rows(3)]


def test_the_ledger_export_names_each_chosen_item_by_standard_article_and_item(
    grid, personas, enterprise_a1
):
    standard = make_standard("EXP", title="测试判定标准")
    first = make_criterion(standard, "（一）", article="第三条")
    second = make_criterion(standard, "（五）", article="", position=2)
    major, general = bulk_hazards(enterprise_a1, 2, level=Level.MAJOR)
    major.criteria.set([first, second])
    rows = {r["隐患编号"]: r for r in _rows(personas.county)}
    assert (
        rows[major.number]["判定依据条款"] == "测试判定标准 第三条第（一）项；测试判定标准 （五）"
    )
    assert rows[general.number]["判定依据条款"] in ("", None)


def test_the_criteria_column_does_not_add_a_query_per_row(grid, personas, enterprise_a1):
    item = make_criterion()

    def queries():
        user = type(personas.county).objects.get(pk=personas.county.pk)
        with CaptureQueriesContext(connection) as ctx:
            _rows(user)
        return len(ctx.captured_queries)

    for hazard in bulk_hazards(enterprise_a1, 3, level=Level.MAJOR):
        hazard.criteria.add(item)
    few = queries()
    for hazard in bulk_hazards(enterprise_a1, 40, level=Level.MAJOR):
        hazard.criteria.add(item)
    assert queries() == few
