"""Status as of a date (issue 11): a table for a past date never changes because someone
acted later; its figures come from the state intervals, and its lists agree with them."""

import dataclasses
from datetime import datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from hazards import selectors, states, workflow
from hazards.models import Status
from reports import queries
from tests.factories import make_hazard, processed_photo

TODAY = timezone.localdate()
C = TODAY - timedelta(days=30)  # the as-of date of the table
A = C - timedelta(days=40)  # the period: A … C


def at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)), timezone.get_current_timezone())


@pytest.fixture
def story(personas, enterprise_a1, enterprise_a2, enterprise_b):
    """Hazards handled up to C: overdue, fixed, closed, open; to be acted on after C."""
    p = personas
    found = A + timedelta(days=5)
    overdue = make_hazard(
        enterprise_a1, p.inspector, "deadline", at=at(found), deadline=C - timedelta(days=3)
    )
    fixed = make_hazard(
        enterprise_a2, p.supervisor, "fixed", at=at(found), fixed_on=found + timedelta(days=4)
    )
    fixed_late = make_hazard(
        enterprise_a1, p.inspector, "deadline", at=at(found), deadline=found + timedelta(days=7)
    )
    workflow.report_fixed(
        fixed_late,
        by=p.inspector,
        fixed_on=found + timedelta(days=9),
        note="已整改",
        after_photos=[processed_photo()],
        at=at(found + timedelta(days=9)),
    )
    open_b = make_hazard(
        enterprise_b,
        p.other_inspector,
        "deadline",
        at=at(found),
        deadline=TODAY + timedelta(days=30),
    )
    closed = make_hazard(enterprise_b, p.other_inspector, "closed", at=at(found), fixed_on=found)
    return {
        "overdue": overdue,
        "fixed": fixed,
        "fixed_late": fixed_late,
        "open_b": open_b,
        "closed": closed,
    }


def later_actions(story, personas):
    """Everything after C: a fix rejected, an overdue deadline extended, fixes reported and
    closed out, an open hazard fixed."""
    p = personas
    workflow.reject_fix(
        story["fixed"], by=p.supervisor, new_deadline=TODAY + timedelta(days=10), note="未整改到位"
    )
    workflow.extend_deadline(
        story["overdue"], by=p.supervisor, until=TODAY + timedelta(days=20), reason="需停产检修"
    )
    workflow.close_out(story["fixed_late"], by=p.supervisor, acceptance_note="复查合格")
    workflow.report_fixed(
        story["open_b"],
        by=p.other_inspector,
        fixed_on=TODAY,
        note="已整改",
        after_photos=[processed_photo()],
    )


def figures(table):
    return [
        {k: v for k, v in dataclasses.asdict(row).items() if k != "links"}
        for row in [*table.rows, table.total]
    ]


def test_a_past_county_table_is_identical_before_and_after_later_actions(story, personas):
    before = figures(queries.county_summary(personas.county, A, C, C))
    total = before[-1]
    assert (total["found_general"], total["overdue"]) == (5, 1)
    later_actions(story, personas)
    assert figures(queries.county_summary(personas.county, A, C, C)) == before
    today = figures(queries.county_summary(personas.county, A, C, TODAY))
    assert today != before  # while the table as of today moved on
    assert states.rebuild() == []


def test_the_summary_command_gives_the_same_file_content_after_later_actions(
    story, personas, tmp_path
):
    def cells():
        out = tmp_path / "summary.xlsx"
        call_command(
            "export_summary", "--from", A.isoformat(), "--to", C.isoformat(),
            "--as-of", C.isoformat(), "--out", str(out),
        )  # fmt: skip
        sheet = load_workbook(out, read_only=True).worksheets[0]
        return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]

    before = cells()
    later_actions(story, personas)
    assert cells() == before


def test_the_ledger_as_of_a_past_date_lists_and_shows_the_state_then(story, personas):
    later_actions(story, personas)
    params = {"as_of": C.isoformat(), "status": "overdue"}
    listed = list(selectors.hazard_list(personas.county, params).qs)
    assert [h.pk for h in listed] == [story["overdue"].pk]
    rectified = selectors.hazard_list(
        personas.county, {"as_of": C.isoformat(), "status": "rectified"}
    )
    assert {h.pk for h in rectified.qs} == {
        story["fixed"].pk,
        story["fixed_late"].pk,
        story["closed"].pk,
    }
    shown = states.overlay(list(rectified.qs), C)
    assert {h.status for h in shown} == {Status.FIXED, Status.CLOSED}
    fixed = next(h for h in shown if h.pk == story["fixed"].pk)
    assert fixed.status == Status.FIXED  # today it is back in DEADLINE
    counts = selectors.hazard_list(personas.county, {"as_of": C.isoformat()}).tab_counts()
    assert (counts["overdue"], counts["deadline"], counts["fixed"], counts["closed"]) == (
        1,
        2,
        2,
        1,
    )


def test_the_ledger_page_shows_the_status_as_of_the_date(story, personas, client):
    from tests.conftest import login

    later_actions(story, personas)
    login(client, personas.supervisor)
    response = client.get("/hazards/", {"as_of": C.isoformat(), "q": story["fixed"].number})
    assert response.status_code == 200
    html = response.content.decode()
    assert story["fixed"].number in html
    assert '<span class="badge status-fixed">' in html  # as it stood on C
    assert '<span class="badge status-deadline">' not in html  # as it is today


def test_the_ledger_export_as_of_a_past_date_shows_the_state_then(story, personas):
    import io

    from reports.exporters import build_exporter

    later_actions(story, personas)
    params = {"as_of": C.isoformat(), "q": story["fixed"].number}
    out = io.BytesIO()
    build_exporter("ledger", personas.county, params).write(out)
    sheet = load_workbook(io.BytesIO(out.getvalue()), read_only=True).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, r in enumerate(rows) if "状态" in r)
    status_col = rows[header].index("状态")
    (row,) = [r for r in rows[header + 1 :] if r[0] == story["fixed"].number]
    assert row[status_col] == str(Status.FIXED.label)
