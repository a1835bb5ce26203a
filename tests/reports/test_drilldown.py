"""Every number drills down: each figure of each grouping, under each filter, equals what
the list its link opens shows (issue 11, "every number drills down, with the same filter").

The links are followed through the lists' own selectors and filter sets (and, for a
sample, through the test client), on the seed-004 fixture plus an inspector's records, a
second industry and an enterprise inspected in two townships (it moved).
"""

import datetime
import io
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db.models import Sum
from django.http import QueryDict
from django.urls import resolve
from openpyxl import load_workbook

from enterprises.models import Industry
from hazards import selectors as hazard_selectors
from hazards.models import Hazard, Level, Status, SupervisionOrder
from inspections import selectors as inspection_selectors
from inspections.filters import EnforcementFilter, InspectionFilter
from inspections.models import EnforcementAction, Inspection, InspectionGroup, Outing
from reports import queries
from tests.conftest import login
from tests.factories import EnterpriseFactory
from tests.reports.conftest import (
    AS_OF,
    PERIOD_FROM,
    PERIOD_TO,
    bulk_hazards,
    bulk_inspection,
    enforcement,
    order,
)

D = datetime.date


@pytest.fixture
def county(seed004, grid, personas, enterprise_a1, enterprise_b):
    """seed004 plus: a chemicals works in 西村 with an inspector's hazards, inspections and
    actions; and 东村机械厂 inspected once in 乙镇 before it moved to 甲镇."""
    inspector = personas.inspector
    chem = EnterpriseFactory(
        name="西村化工厂", cell=grid.village_a2, industry=Industry.HAZARDOUS_CHEMICALS
    )
    for hazard in bulk_hazards(chem, 3, status=Status.DEADLINE, deadline=D(2026, 4, 1)):
        hazard.finders.add(inspector)
    bulk_hazards(chem, 2, status=Status.CLOSED, level=Level.MAJOR, found_on=D(2026, 5, 2))
    for hazard in Hazard.objects.filter(enterprise=enterprise_a1, status=Status.FOUND):
        hazard.finders.add(inspector)
    visit = bulk_inspection(chem, inspector, date=D(2026, 3, 9), inspector_count=2)
    visit.inspectors.add(inspector)
    bulk_inspection(chem, personas.supervisor, date=D(2026, 4, 9), inspector_count=3)
    moved = bulk_inspection(enterprise_a1, personas.other_supervisor, date=D(2026, 1, 20))
    Inspection.objects.filter(pk=moved.pk).update(
        township_id=grid.town_b.pk, cell_id=grid.village_b1.pk
    )
    # 第12检查组, formed by the county, inspects in both townships on one outing: three
    # people (two users and an expert without an account).
    team = InspectionGroup.objects.create(
        name="第12检查组", unit=grid.county, kind=InspectionGroup.Kind.JOINT
    )
    outing = Outing.objects.create(
        group=team, date=D(2026, 3, 15), guest_names="王专家", person_count=3
    )
    outing.present.set([personas.county, inspector])
    for visited in (chem, enterprise_b):
        visit = bulk_inspection(visited, personas.county, date=D(2026, 3, 15))
        Inspection.objects.filter(pk=visit.pk).update(outing=outing)
    K = EnforcementAction.Kind
    enforcement(chem, inspector, K.DOCUMENT, date=D(2026, 3, 10))
    enforcement(chem, inspector, K.CASE, date=D(2026, 4, 10), fine_yuan="1234.56")
    overdue = Hazard.objects.filter(enterprise=chem).first()
    order(overdue, personas.supervisor, issued_on=D(2026, 4, 5))
    return personas.county


def _params(url):
    qd = QueryDict(mutable=True)
    for key, values in parse_qs(urlsplit(url).query).items():
        qd.setlist(key, values)
    return qd


def _open(user, url):
    """The filter set of the list ``url`` opens, as its page builds it."""
    params = _params(url)
    name = resolve(urlsplit(url).path).view_name
    if name == "hazards:list":
        filterset = hazard_selectors.hazard_list(user, params)
    elif name == "hazards:orders":
        filterset = hazard_selectors.order_list(user, params)
    elif name == "inspections:list":
        queryset = inspection_selectors.inspection_list(user)
        filterset = InspectionFilter(params, queryset, user=user)
    elif name == "inspections:enforcement_list":
        queryset = inspection_selectors.enforcement_list(user)
        filterset = EnforcementFilter(params, queryset, user=user)
    else:
        raise AssertionError(url)
    # Nothing the link carries is dropped: every parameter is a declared, valid filter.
    assert set(params) <= set(filterset.filters), (url, set(params) - set(filterset.filters))
    assert filterset.form.is_valid(), (url, filterset.form.errors)
    return filterset.qs


def _count(qs):
    return qs.count()


def _groups(qs):
    """检查组数: the distinct groups of the listed inspections (one without an outing is its
    own group)."""
    return len({(i.outing.group_id if i.outing else -i.pk) for i in _listed(qs)})


def _person_times(qs):
    """出动检查人次: the people of each distinct outing of the listed inspections."""
    outings = {}
    for i in _listed(qs):
        key = i.outing_id or -i.pk
        outings[key] = i.outing.person_count if i.outing else i.inspector_count
    return sum(outings.values())


def _listed(qs):
    ids = qs.order_by().values("pk")
    return Inspection.objects.filter(pk__in=ids).select_related("outing")


def _enterprises(qs):
    return qs.order_by().values("enterprise_id").distinct().count()


def _fines(qs):
    ids = qs.order_by().values("pk")
    total = EnforcementAction.objects.filter(pk__in=ids).aggregate(n=Sum("fine_yuan"))["n"]
    return total or Decimal(0)


# figure on the row → (its link, what to read off the list)
FIGURES = {
    "found": ("found", _count),
    "found_general": ("found_general", _count),
    "found_major": ("found_major", _count),
    "rectified": ("rectified", _count),
    "rectified_general": ("rectified_general", _count),
    "rectified_major": ("rectified_major", _count),
    "closed": ("closed", _count),
    "overdue": ("overdue", _count),
    "on_time": ("on_time", _count),
    "major_open": ("major_open", _count),
    "groups": ("groups", _groups),
    "person_times": ("person_times", _person_times),
    "visits": ("visits", _count),
    "enterprises": ("enterprises", _enterprises),
    "orders": ("orders", _count),
    "enforcement_documents": ("documents", _count),
    "talks": ("talks", _count),
    "cases": ("cases", _count),
    "fines_yuan": ("fines", _fines),
}

FILTERS = {
    "none": lambda grid, personas: {},
    "industry": lambda grid, personas: {"industry": Industry.HAZARDOUS_CHEMICALS},
    "village": lambda grid, personas: {"cell": grid.village_a2},
    "work area": lambda grid, personas: {"cell": grid.area_a},
    "township": lambda grid, personas: {"township": grid.town_b},
    "inspector": lambda grid, personas: {"inspector": personas.inspector},
    "period": lambda grid, personas: {"period": (D(2026, 3, 1), D(2026, 4, 30))},
}


@pytest.mark.parametrize("group_by", queries.GROUPS)
@pytest.mark.parametrize("filter_name", FILTERS)
def test_every_figure_equals_the_list_its_link_opens(county, grid, personas, group_by, filter_name):
    filters = FILTERS[filter_name](grid, personas)
    period_from, period_to = filters.pop("period", (PERIOD_FROM, PERIOD_TO))
    table = queries.report_table(county, period_from, period_to, AS_OF, group_by, **filters)
    nonzero = 0
    for row in [*table.rows, table.total]:
        for figure, (link, read) in FIGURES.items():
            listed = read(_open(county, row.links[link]))
            assert getattr(row, figure) == listed, (row.label, figure, row.links[link])
            nonzero += bool(listed)
    assert nonzero  # every combination has something to compare


def test_the_total_counts_an_enterprise_inspected_in_two_townships_once(county, grid):
    table = queries.report_table(county, PERIOD_FROM, PERIOD_TO, AS_OF)
    a, b = table.rows
    assert (a.label, b.label) == ("甲镇", "乙镇")
    assert (a.enterprises, b.enterprises) == (3, 2)  # 东村机械厂 in both
    assert table.total.enterprises == 4
    assert table.split_enterprises == ["东村机械厂"]
    by_month = queries.report_table(county, PERIOD_FROM, PERIOD_TO, AS_OF, "month")
    assert by_month.total.enterprises == 4
    assert by_month.split_enterprises == []  # months split visits by nature: no note


def test_a_county_group_counts_in_each_township_it_inspected_and_once_in_the_total(county):
    table = queries.report_table(county, PERIOD_FROM, PERIOD_TO, AS_OF)
    a, b = table.rows
    total = table.total
    assert total.groups == a.groups + b.groups - 1  # 第12检查组 in both rows
    assert total.person_times == a.person_times + b.person_times - 3  # its one outing
    assert total.visits == a.visits + b.visits  # each enterprise inspection counts
    assert total.visits > total.groups - 1


def test_the_report_page_and_the_excel_name_the_enterprise_that_moved(county, client):
    from reports.exporters import build_exporter, split_note

    login(client, county)
    page = client.get("/reports/report/", {"found_from": "2026-01-01", "found_to": "2026-06-30"})
    assert "东村机械厂" in page.content.decode()
    assert page.context["table"].total.enterprises == 4
    exporter = build_exporter(
        "summary", county, {"found_from": "2026-01-01", "found_to": "2026-06-30"}
    )
    buffer = io.BytesIO()
    exporter.write(buffer)
    buffer.seek(0)
    *_rows, total, note = load_workbook(buffer)["汇总"].iter_rows(values_only=True)
    assert total[0] == "合计" and total[4] == 4
    assert note[0] == split_note(["东村机械厂"])


def test_enforcement_documents_are_not_supervision_orders(county, grid):
    table = queries.report_table(county, PERIOD_FROM, PERIOD_TO, AS_OF)
    a = table.rows[0]
    assert (a.documents, a.enforcement_documents, a.orders) == (4, 4, 2)
    assert SupervisionOrder.objects.count() == 2


@pytest.mark.parametrize(
    "link, page_list",
    [("visits", "page_obj"), ("documents", "page_obj"), ("orders", "page_obj")],
)
def test_a_figure_followed_through_the_client_lists_its_records(
    county, grid, client, link, page_list
):
    """The same, through the pages a county clerk clicks: cell 西村, industry 危险化学品."""
    table = queries.report_table(
        county,
        PERIOD_FROM,
        PERIOD_TO,
        AS_OF,
        "cell",
        industry=Industry.HAZARDOUS_CHEMICALS,
    )
    west = next(row for row in table.rows if row.label == "西村")
    login(client, county)
    response = client.get(west.links[link])
    assert response.status_code == 200
    assert (
        response.context[page_list].paginator.count
        == {
            "visits": west.visits,
            "documents": west.documents,
            "orders": west.orders,
        }[link]
    )
    assert response.context[page_list].paginator.count > 0


@pytest.mark.parametrize("url", ["/inspections/", "/inspections/enforcement/", "/hazards/orders/"])
def test_an_invalid_report_parameter_is_a_chinese_error_not_a_wider_list(county, client, url):
    login(client, county)
    response = client.get(url, {"cell": "999999", "date_from": "2026-13-01"})
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 0
    assert "筛选条件有误" in response.content.decode()
