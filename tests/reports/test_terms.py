"""One definition per term: the ledger's status filter, the badge, the exports and the report
agree on exactly the same hazards, today and as of a past date (issue 18)."""

import datetime
import io
import re

import pytest
from django.template import Context, Template
from openpyxl import load_workbook

from hazards import selectors
from hazards.models import (
    CLOSED,
    COUNTED,
    ON_TIME,
    OPEN,
    OVERDUE,
    RECTIFIED,
    Hazard,
    Level,
    Status,
    matches,
)
from reports import queries
from reports.exporters import build_exporter
from tests.reports.conftest import bulk_hazards

D = datetime.date
TODAY = D(2026, 7, 15)
PAST = D(2026, 4, 10)


@pytest.fixture
def mix(grid, enterprise_a1, enterprise_b, time_machine):
    """Hazards in every state, with deadlines and fixes on both sides of PAST and TODAY."""
    time_machine.move_to("2026-07-15 10:00 +0800")
    found = D(2026, 3, 1)
    groups = {
        "late, still open": dict(status=Status.DEADLINE, deadline=D(2026, 4, 1)),
        "late since May": dict(status=Status.DEADLINE, deadline=D(2026, 5, 1)),
        "due on the day": dict(status=Status.DEADLINE, deadline=PAST),
        "not due yet": dict(status=Status.DEADLINE, deadline=D(2026, 8, 1)),
        "fixed late, after PAST": dict(
            status=Status.FIXED, deadline=D(2026, 4, 1), fixed_on=D(2026, 4, 20)
        ),
        "closed, fixed after PAST": dict(
            status=Status.CLOSED,
            deadline=D(2026, 4, 1),
            fixed_on=D(2026, 4, 12),
            closed_on=D(2026, 4, 15),
        ),
        "fixed in time": dict(status=Status.FIXED, deadline=D(2026, 4, 1), fixed_on=D(2026, 3, 20)),
        "just found": dict(status=Status.FOUND),
        "void": dict(status=Status.VOID),
    }
    for n, (_name, fields) in enumerate(groups.items(), 1):
        bulk_hazards(enterprise_a1, n % 3 + 1, found_on=found, **fields)
        bulk_hazards(enterprise_b, 1, found_on=found, level=Level.MAJOR, **fields)
    return Hazard.objects.all()


def _badge_says_overdue(hazard, as_of):
    html = Template("{% load hazard_badges %}{% status_badge h as_of %}").render(
        Context({"h": hazard, "as_of": as_of})
    )
    match = re.search(r"逾期(\d+)天", html)
    return int(match.group(1)) if match else None


def _sheet(exporter):
    buffer = io.BytesIO()
    exporter.write(buffer)
    buffer.seek(0)
    ws = load_workbook(buffer).worksheets[0]
    header = [c.value for c in ws[2]]
    return [
        dict(zip(header, row, strict=True)) for row in ws.iter_rows(min_row=3, values_only=True)
    ]


@pytest.mark.parametrize("as_of", [TODAY, PAST], ids=["today", "past"])
def test_the_list_the_badge_the_exports_and_the_report_agree_on_overdue(mix, personas, as_of):
    params = {"as_of": as_of.isoformat()}
    listed = selectors.hazard_list(personas.county, {**params, "status": "overdue"}).qs
    on_list = {h.number for h in listed}
    assert on_list  # there is something to agree on
    # The badge, over every hazard the ledger shows (all states), says 逾期 exactly there.
    everything = selectors.hazard_list(personas.county, {**params, "status": ""}).qs
    badges = {h.number: _badge_says_overdue(h, as_of) for h in everything}
    assert {n for n, days in badges.items() if days is not None} == on_list
    # The ledger export, unfiltered: 逾期天数 is filled exactly for those, with the same days.
    ledger = _sheet(build_exporter("ledger", personas.county, params))
    days = {r["隐患编号"]: r["逾期天数"] for r in ledger if r["逾期天数"] is not None}
    assert days == {n: d for n, d in badges.items() if d is not None}
    # The ledger export of the overdue tab has exactly the listed rows.
    tab = _sheet(build_exporter("ledger", personas.county, {**params, "status": "overdue"}))
    assert {r["隐患编号"] for r in tab} == on_list
    # The report's 逾期数 counts them (VOID is never counted, and none is overdue).
    table = queries.report_table(personas.county, D(2026, 1, 1), D(2026, 6, 30), as_of)
    assert table.total.overdue == len(on_list)
    # The Python reading and the SQL reading are one definition.
    assert {h.number for h in mix if h.is_overdue(as_of)} == on_list


def test_the_overdue_export_has_todays_overdue_list_with_the_badges_days(mix, personas):
    rows = _sheet(build_exporter("overdue", personas.county, {}))
    listed = selectors.hazard_list(
        personas.county, {"status": "overdue", "as_of": TODAY.isoformat()}
    ).qs
    assert {r["隐患编号"]: r["逾期天数"] for r in rows} == {
        h.number: _badge_says_overdue(h, TODAY) for h in listed
    }


@pytest.mark.parametrize("term", [COUNTED, OPEN, RECTIFIED, CLOSED, OVERDUE, ON_TIME])
@pytest.mark.parametrize("as_of", [TODAY, PAST, D(2026, 4, 12), D(2026, 3, 1)])
def test_each_terms_python_reading_selects_what_its_sql_selects(mix, term, as_of):
    in_sql = set(Hazard.objects.filter(term.q(as_of)).values_list("pk", flat=True))
    in_python = {h.pk for h in mix if term.holds(h, as_of)}
    assert in_python == in_sql


def test_a_lookup_without_a_python_reading_is_refused():
    from django.db.models import Q

    with pytest.raises(ValueError, match="lookup 'icontains' has no Python reading"):
        matches(Q(description__icontains="x"), Hazard(description="x"))
