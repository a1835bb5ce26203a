"""Each list a report links to exports to Excel with exactly its rows: inspections,
enforcement actions and supervision orders, like the ledger."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from enterprises.models import Industry
from hazards.selectors import order_list
from inspections import selectors
from inspections.filters import EnforcementFilter, InspectionFilter
from inspections.models import EnforcementAction
from reports.exporters import ExportError, build_exporter
from tests.conftest import login
from tests.factories import EnterpriseFactory
from tests.reports.conftest import bulk_hazards, bulk_inspection, enforcement, order

D = datetime.date


@pytest.fixture
def lists(grid, personas, enterprise_a1, enterprise_b):
    chem = EnterpriseFactory(
        name="西村化工厂", cell=grid.village_a2, industry=Industry.HAZARDOUS_CHEMICALS
    )
    by = personas.supervisor
    for day in (1, 2, 3):
        visit = bulk_inspection(chem, by, date=D(2026, 3, day), inspector_count=2)
        visit.inspectors.add(personas.inspector)
    bulk_inspection(enterprise_a1, by, date=D(2026, 3, 4))
    bulk_inspection(enterprise_b, personas.other_supervisor, date=D(2026, 3, 5))
    K = EnforcementAction.Kind
    enforcement(chem, by, K.DOCUMENT, date=D(2026, 3, 6))
    enforcement(chem, by, K.CASE, date=D(2026, 3, 7), fine_yuan="212210")
    enforcement(enterprise_a1, by, K.TALK, date=D(2026, 3, 8))
    for hazard in bulk_hazards(chem, 2, status="deadline"):
        order(hazard, by, issued_on=D(2026, 4, 1))
    order(bulk_hazards(enterprise_b, 1, status="deadline")[0], by, issued_on=D(2026, 4, 2))
    return personas.county


def rows_of(exporter):
    buffer = io.BytesIO()
    written = exporter.write(buffer)
    buffer.seek(0)
    ws = load_workbook(buffer).worksheets[0]
    header = [c.value for c in ws[2]]
    rows = [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=3, values_only=True)]
    assert written == len(rows)
    return rows


FILTERED = {"cell": None, "industry": Industry.HAZARDOUS_CHEMICALS}


def test_the_inspection_export_has_exactly_the_lists_rows(lists, grid):
    params = {**FILTERED, "cell": grid.area_a.pk, "status": "submitted"}
    listed = InspectionFilter(params, selectors.inspection_list(lists), user=lists).qs
    rows = rows_of(build_exporter("inspections", lists, params))
    assert [(r["检查日期"].date(), r["企业名称"]) for r in rows] == [
        (i.date, i.enterprise.name) for i in listed.order_by("-date", "-id")
    ]
    assert len(rows) == 3
    assert rows[0]["检查人数"] == 2 and rows[0]["行业"] == "危险化学品"


def test_the_enforcement_export_has_exactly_the_lists_rows_and_exact_fines(lists, grid):
    params = {**FILTERED, "cell": grid.village_a2.pk}
    listed = EnforcementFilter(params, selectors.enforcement_list(lists), user=lists).qs
    rows = rows_of(build_exporter("enforcement", lists, params))
    assert [r["类别"] for r in rows] == [a.get_kind_display() for a in listed]
    assert [r["类别"] for r in rows] == ["立案查处", "执法文书"]
    assert rows[0]["罚款(元)"] == 212210


def test_the_order_export_has_exactly_the_lists_rows(lists, grid):
    params = {**FILTERED, "cell": grid.town_a.pk}
    listed = order_list(lists, params).qs
    rows = rows_of(build_exporter("orders", lists, params))
    assert sorted(r["督办编号"] for r in rows) == sorted(o.number for o in listed)
    assert len(rows) == 2 and {r["企业名称"] for r in rows} == {"西村化工厂"}


@pytest.mark.parametrize("identifier", ["inspections", "enforcement", "orders"])
def test_a_bad_filter_is_a_chinese_message_not_a_file(lists, identifier):
    with pytest.raises(ExportError, match="网格：") as refusal:
        build_exporter(identifier, lists, {"cell": "999999"})
    assert "选择" in refusal.value.message


@pytest.mark.parametrize(
    "identifier, name",
    [
        ("inspections", "reports:export_inspections"),
        ("enforcement", "reports:export_enforcement"),
        ("orders", "reports:export_orders"),
    ],
)
def test_each_list_export_downloads_for_every_role_in_its_scope(
    lists, client, personas, identifier, name
):
    for persona in ("inspector", "supervisor", "county", "admin"):
        login(client, getattr(personas, persona))
        response = client.get(reverse(name))
        assert response.status_code == 200, persona
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        names = {
            r.get("企业名称")
            for r in rows_of(build_exporter(identifier, getattr(personas, persona)))
        }
        if persona in ("inspector", "supervisor"):
            assert "南村化工厂" not in names  # another township's records never leave


def test_the_list_pages_offer_the_export_with_their_filter(lists, client, grid):
    login(client, lists)
    for page, export in [
        ("inspections:list", "reports:export_inspections"),
        ("inspections:enforcement_list", "reports:export_enforcement"),
        ("hazards:orders", "reports:export_orders"),
    ]:
        content = client.get(reverse(page), {"industry": "hazchem"}).content.decode()
        assert f"{reverse(export)}?industry=hazchem" in content, page


@pytest.mark.parametrize("identifier", ["inspections", "enforcement", "orders"])
def test_a_list_exports_query_count_does_not_grow_with_its_rows(lists, grid, personas, identifier):
    def count():
        user = type(lists).objects.get(pk=lists.pk)  # as the next request sees them
        with CaptureQueriesContext(connection) as ctx:
            build_exporter(identifier, user).write(io.BytesIO())
        return len(ctx.captured_queries)

    few = count()
    chem = EnterpriseFactory(cell=grid.village_a1, industry=Industry.GAS)
    for day in range(1, 21):
        bulk_inspection(chem, personas.supervisor, date=D(2026, 5, day))
        enforcement(chem, personas.supervisor, EnforcementAction.Kind.TALK, date=D(2026, 5, day))
    for hazard in bulk_hazards(chem, 20, status="deadline"):
        order(hazard, personas.supervisor, issued_on=D(2026, 5, 1))
    assert count() == few


@pytest.mark.parametrize(
    ("command", "listed"),
    [
        ("export_inspections", ["西村化工厂", "西村化工厂"]),
        ("export_enforcement", ["西村化工厂", "西村化工厂"]),
        ("export_orders", ["西村化工厂", "西村化工厂"]),
    ],
)
def test_each_list_export_has_a_command_with_the_pages_filters(lists, tmp_path, command, listed):
    from django.core.management import call_command

    out = tmp_path / "list.xlsx"
    period = ["--from", "2026-03-02", "--to", "2026-12-31"]
    call_command(command, "--township", "甲镇", "--industry", "hazchem", *period, "--out", str(out))
    ws = load_workbook(out).worksheets[0]
    header = [c.value for c in ws[2]]
    names = [
        dict(zip(header, r, strict=True))["企业名称"]
        for r in ws.iter_rows(min_row=3, values_only=True)
    ]
    assert names == listed


def test_a_list_command_refuses_a_bad_date_with_a_message(lists, tmp_path):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="日期“2026-13-01”格式不正确"):
        call_command("export_orders", "--from", "2026-13-01", "--out", str(tmp_path / "x.xlsx"))
