import datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from enterprises.models import Industry
from grid.models import GridCell
from hazards import selectors
from hazards.models import Level, Status
from reports import queries
from tests.factories import EnterpriseFactory, UserFactory
from tests.reports.conftest import AS_OF, PERIOD_FROM, PERIOD_TO, bulk_hazards

D = datetime.date


def table(user, group_by="township", **filters):
    return queries.report_table(user, PERIOD_FROM, PERIOD_TO, AS_OF, group_by, **filters)


def fresh(user):
    """The same user without the cached scope, as the next request would see them."""
    return type(user).objects.get(pk=user.pk)


def test_rates_are_two_places_half_up_from_the_integers():
    assert queries.rate(1107, 1178) == Decimal("93.97")
    assert queries.rate(4, 5) == Decimal("80.00")
    assert queries.rate(1, 8) == Decimal("12.50")
    assert queries.rate(1, 3) == Decimal("33.33")
    assert queries.rate(2, 3) == Decimal("66.67")
    assert queries.rate(0, 0) is None
    assert queries.format_rate(None) == "—"
    assert queries.format_rate(Decimal("93.97")) == "93.97%"


def test_the_seed_004_table_gives_the_official_rates(seed004, personas, grid):
    t = table(personas.county)
    a, b = t.rows
    assert (a.label, b.label) == ("甲镇", "乙镇")
    assert (a.found_general, a.rectified_general, a.rate_general) == (1178, 1107, Decimal("93.97"))
    assert (a.found_major, a.rectified_major, a.rate_major) == (5, 4, Decimal("80.00"))
    assert a.closed == 604
    assert a.overdue == 40
    assert a.on_time == 604
    assert a.on_time_rate == queries.rate(604, 1111)
    assert a.major_open == 1


def test_a_fixed_but_not_closed_major_hazard_is_not_rectified(grid, personas, enterprise_a1):
    bulk_hazards(enterprise_a1, 1, status=Status.FIXED, level=Level.MAJOR)
    bulk_hazards(enterprise_a1, 1, status=Status.FIXED, level=Level.GENERAL)
    a = table(personas.county).rows[0]
    assert (a.found_major, a.rectified_major) == (1, 0)
    assert (a.found_general, a.rectified_general) == (1, 1)


def test_a_township_with_no_hazards_has_no_rate(seed004, personas):
    b = table(personas.county).rows[1]
    assert b.found == 0
    assert b.rate is None and b.rate_general is None and b.rate_major is None
    assert b.groups == 1 and b.person_times == 2 and b.enterprises == 1
    assert b.talks == 1


def test_inspection_and_enforcement_figures(seed004, personas):
    a = table(personas.county).rows[0]
    assert (a.groups, a.person_times, a.enterprises) == (3, 9, 2)
    # Three documents and one supervision order: 执法文书 are the documents only, and
    # the order is 督办单数, a figure of its own.
    assert (a.documents, a.orders, a.enforcement_documents) == (3, 1, 3)
    assert (a.talks, a.cases) == (1, 2)
    assert a.fines_yuan == Decimal("212210")
    assert a.fines_wan == Decimal("21.2210")


def test_the_total_row_is_the_sum_of_the_rows_with_rates_recomputed(seed004, personas):
    t = table(personas.county)
    for name in (*queries.HAZARD_FIGURES, "groups", "person_times", "enterprises"):
        assert getattr(t.total, name) == sum(getattr(r, name) for r in t.rows), name
    for name in queries.ENFORCEMENT_FIGURES:
        assert getattr(t.total, name) == sum(getattr(r, name) for r in t.rows), name
    assert t.total.rate_general == Decimal("93.97")
    assert t.total.rate_major == Decimal("80.00")
    assert t.total.rate == queries.rate(1111, 1183)


def test_void_and_hazards_outside_the_period_are_not_counted(seed004, personas):
    t = table(personas.county)
    assert t.total.found == 1183


def test_a_township_supervisor_sees_only_their_township(seed004, personas):
    t = table(personas.supervisor)
    assert [r.label for r in t.rows] == ["甲镇"]
    assert t.total.found == 1183
    t = table(personas.other_supervisor)
    assert [r.label for r in t.rows] == ["乙镇"]
    assert t.total.found == 0 and t.total.groups == 1


def test_the_township_filter_narrows_the_county_view(seed004, personas, grid):
    t = table(personas.county, township=grid.town_b)
    assert [r.label for r in t.rows] == ["乙镇"]
    assert t.total.found == 0


def test_grouping_by_cell_lists_every_village_in_scope(seed004, personas, grid):
    t = table(personas.county, "cell", township=grid.town_a)
    by_label = {r.label: r for r in t.rows}
    assert set(by_label) == {"东村", "西村"}
    assert by_label["西村"].found_general == 507
    assert by_label["东村"].found == 1183 - 507
    t = table(personas.county, "cell", cell=grid.village_a2)
    assert [r.label for r in t.rows] == ["西村"]
    assert t.total.found == 507


def test_grouping_by_month_covers_every_month_and_counts_enterprises_once(seed004, personas):
    t = table(personas.county, "month")
    assert [r.key for r in t.rows] == [D(2026, m, 1) for m in range(1, 7)]
    feb = t.rows[1]
    assert feb.found_general == 600 and feb.groups == 1
    assert t.total.found == 1183
    # Enterprise A1 was inspected in February and March: once in the total.
    assert sum(r.enterprises for r in t.rows) == 4
    assert t.total.enterprises == 3


def test_grouping_by_industry(grid, personas):
    chem = EnterpriseFactory(cell=grid.village_a1, industry=Industry.HAZARDOUS_CHEMICALS)
    mech = EnterpriseFactory(cell=grid.village_a1, industry=Industry.MACHINERY)
    bulk_hazards(chem, 3)
    bulk_hazards(mech, 2, status=Status.CLOSED)
    t = table(personas.county, "industry")
    assert [(r.label, r.found, r.rectified) for r in t.rows] == [
        ("危险化学品", 3, 0),
        ("工贸-机械", 2, 2),
    ]
    t = table(personas.county, "industry", industry=Industry.MACHINERY)
    assert t.total.found == 2


def test_the_inspector_filter_counts_the_hazards_they_found(grid, personas, enterprise_a1):
    mine = bulk_hazards(enterprise_a1, 2)
    bulk_hazards(enterprise_a1, 3)
    for hazard in mine:
        hazard.finders.add(personas.inspector)
    t = table(personas.county, inspector=personas.inspector)
    assert t.total.found == 2


def test_the_status_is_read_as_of_the_given_date(grid, personas, enterprise_a1):
    bulk_hazards(
        enterprise_a1,
        1,
        status=Status.CLOSED,
        found_on=D(2026, 3, 1),
        deadline=D(2026, 3, 10),
        fixed_on=D(2026, 3, 20),
        closed_on=D(2026, 3, 25),
    )
    early = queries.report_table(personas.county, PERIOD_FROM, PERIOD_TO, D(2026, 3, 15))
    assert (early.total.rectified, early.total.overdue, early.total.closed) == (0, 1, 0)
    late = queries.report_table(personas.county, PERIOD_FROM, PERIOD_TO, D(2026, 3, 22))
    assert (late.total.rectified, late.total.overdue, late.total.closed) == (1, 0, 0)


@pytest.mark.parametrize("group_by", queries.GROUPS)
def test_the_number_of_queries_does_not_grow_with_the_hazards(
    grid, personas, enterprise_a1, enterprise_b, group_by
):
    def count_queries():
        user = fresh(personas.county)
        with CaptureQueriesContext(connection) as ctx:
            table(user, group_by)
        return len(ctx.captured_queries)

    bulk_hazards(enterprise_a1, 5)
    bulk_hazards(enterprise_b, 5, status=Status.CLOSED)
    few = count_queries()
    bulk_hazards(enterprise_a1, 150, status=Status.FIXED)
    bulk_hazards(enterprise_b, 140, status=Status.DEADLINE, deadline=D(2026, 4, 1))
    village = GridCell.objects.get(pk=grid.village_a2.pk)
    bulk_hazards(EnterpriseFactory(cell=village, industry=Industry.GAS), 5)
    assert count_queries() == few
    assert few <= 10


# --- every figure links to exactly its records ----------------------------------------------

HAZARD_LINKS = {
    "found": "found",
    "found_general": "found_general",
    "found_major": "found_major",
    "rectified": "rectified",
    "rectified_general": "rectified_general",
    "rectified_major": "rectified_major",
    "closed": "closed",
    "overdue": "overdue",
    "on_time": "on_time",
}


def _params(url):
    qd = QueryDict(mutable=True)
    for key, values in parse_qs(urlsplit(url).query).items():
        qd.setlist(key, values)
    return qd


@pytest.mark.parametrize("group_by", ["township", "cell", "month"])
def test_every_hazard_figure_equals_the_count_of_the_list_it_links_to(seed004, personas, group_by):
    t = table(personas.county, group_by)
    checked = 0
    for row in [*t.rows, t.total]:
        for figure, link in HAZARD_LINKS.items():
            params = _params(row.links[link])
            listed = selectors.hazard_list(personas.county, params).qs.count()
            assert getattr(row, figure) == listed, (row.label, figure, row.links[link])
            checked += 1
    assert checked >= 9 * 3


def test_every_hazard_figure_equals_the_selector_count_for_its_parameters(seed004, personas):
    """The same cross-check without the URL: the link's parameters into hazard_list."""
    criteria = queries.Criteria(PERIOD_FROM, PERIOD_TO, AS_OF)
    linker = queries.Linker(criteria)
    linker.hazard_url = "/hazards/"  # the parameters are what matters
    t = table(personas.county)
    for row in [*t.rows, t.total]:
        links = linker.links("township" if row.key else None, row.key)
        for figure, link in HAZARD_LINKS.items():
            listed = selectors.hazard_list(personas.county, _params(links[link])).qs.count()
            assert getattr(row, figure) == listed, (row.label, figure, links[link])


def test_links_carry_the_period_as_of_and_group(seed004, personas, grid):
    a = table(personas.county).rows[0]
    params = parse_qs(urlsplit(a.links["rectified_general"]).query)
    assert params == {
        "found_from": ["2026-01-01"],
        "found_to": ["2026-06-30"],
        "township": [str(grid.town_a.pk)],
        "level": ["general"],
        "status": ["rectified"],
        "as_of": ["2026-07-15"],
    }


def test_month_links_are_bounded_by_the_month_and_the_period(personas, grid):
    criteria = queries.Criteria(D(2026, 1, 15), D(2026, 3, 10), AS_OF)
    linker = queries.Linker(criteria)
    linker.hazard_url = "/hazards/"
    links = linker.links("month", D(2026, 1, 1))
    assert "found_from=2026-01-15" in links["found"] and "found_to=2026-01-31" in links["found"]
    links = linker.links("month", D(2026, 3, 1))
    assert "found_from=2026-03-01" in links["found"] and "found_to=2026-03-10" in links["found"]


def test_longest_overdue_lists_the_oldest_deadlines_first_within_scope(
    grid, personas, enterprise_a1, enterprise_b
):
    bulk_hazards(enterprise_a1, 12, status=Status.DEADLINE, deadline=D(2026, 5, 1))
    oldest = bulk_hazards(enterprise_a1, 1, status=Status.DEADLINE, deadline=D(2026, 1, 10))
    bulk_hazards(enterprise_b, 1, status=Status.DEADLINE, deadline=D(2026, 1, 1))
    rows = queries.longest_overdue(personas.supervisor, AS_OF)
    assert len(rows) == 10
    assert rows[0].pk == oldest[0].pk
    assert rows[0].days_overdue == (AS_OF - D(2026, 1, 10)).days
    assert queries.longest_overdue(personas.county, AS_OF)[0].township_id == grid.town_b.pk


def test_a_user_without_cells_sees_no_figures(grid, enterprise_a1):
    from grid import roles

    nobody = UserFactory(username="nobody", role=roles.SUPERVISOR)
    bulk_hazards(enterprise_a1, 3)
    t = table(nobody)
    assert t.rows == [] and t.total.found == 0


def test_townships_and_cells_are_listed_in_the_grids_order_not_by_path_text(grid, personas):
    """Ids of two digits sort before "2" as text ("1/12/" < "1/2/"): the grid's order is
    creation order under each parent, whatever the number of digits."""
    from grid.models import GridCell
    from reports.forms import ReportForm
    from tests.factories import make_cell

    extra = [make_cell(f"新{i}镇", GridCell.Level.TOWNSHIP, grid.county) for i in range(12)]
    make_cell("新村", GridCell.Level.VILLAGE, grid.area_a)
    expected = ["甲镇", "乙镇", *(c.name for c in extra)]
    county = fresh(personas.county)
    assert [r.label for r in table(county).rows] == expected
    assert [r.label for r in table(county, "cell").rows] == ["东村", "西村", "新村", "南村"]
    form = ReportForm({}, user=county)
    assert [c.name for c in form.fields["township"].queryset] == expected
    listed = selectors.hazard_list(county).filters["township"].queryset
    assert [c.name for c in listed] == expected
