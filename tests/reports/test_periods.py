"""Closed periods (封账上报): the services of reports.periods and their pages."""

import dataclasses
import datetime
import inspect
import io
from decimal import Decimal
from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import load_workbook

from hazards import workflow
from inspections.models import Inspection
from reports import periods
from reports.models import PeriodAnalysis, PeriodClosing, PeriodKind
from reports.periods import Period, PeriodError, parse_period
from reports.queries import Row
from tests.conftest import login
from tests.factories import make_hazard
from tests.reports.conftest import bulk_hazards, bulk_inspection, enforcement, order

D = datetime.date
Q2 = Period(PeriodKind.QUARTER, D(2026, 4, 1))
Q1 = Period(PeriodKind.QUARTER, D(2026, 1, 1))


def at(day, hour=10):
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=datetime.UTC)


@pytest.fixture
def today(time_machine):
    time_machine.move_to(at(D(2026, 7, 15)), tick=False)
    return D(2026, 7, 15)


@pytest.fixture
def closed_q1(today, seed004, personas, time_machine):
    """2026 Q1 closed by the county as of 2026-07-15, an hour after the seed was entered."""
    time_machine.move_to(at(today, 11), tick=False)
    return periods.close_period(by=personas.county, period=Q1, as_of=today)


def row_of(closing, label):
    return next(r for r in closing.rows if r["label"] == label)


def column(closing, header):
    return [c["header"] for c in closing.columns].index(header)


def figures(row):
    return {k: periods._decode(v) for k, v in row["figures"].items()}


# --- periods --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "kind", "start", "end"),
    [
        ("2026-03", PeriodKind.MONTH, D(2026, 3, 1), D(2026, 3, 31)),
        ("2026-02", PeriodKind.MONTH, D(2026, 2, 1), D(2026, 2, 28)),
        ("2026-Q1", PeriodKind.QUARTER, D(2026, 1, 1), D(2026, 3, 31)),
        ("2026-Q4", PeriodKind.QUARTER, D(2026, 10, 1), D(2026, 12, 31)),
        ("2026", PeriodKind.YEAR, D(2026, 1, 1), D(2026, 12, 31)),
    ],
)
def test_a_period_slug_names_its_first_and_last_day(slug, kind, start, end):
    period = parse_period(slug)
    assert (period.kind, period.start, period.end, period.slug) == (kind, start, end, slug)


@pytest.mark.parametrize("slug", ["2026-13", "2026-Q5", "26-01", "2026-1", "", "1999"])
def test_a_malformed_period_slug_gets_a_message(slug):
    with pytest.raises(PeriodError, match="报表期"):
        parse_period(slug)


def test_the_recent_periods_are_the_ended_ones_newest_first():
    today = D(2026, 7, 15)
    assert [p.slug for p in periods.recent_periods(today, PeriodKind.MONTH, 3)] == [
        "2026-06",
        "2026-05",
        "2026-04",
    ]
    assert [p.slug for p in periods.recent_periods(today, PeriodKind.QUARTER, 3)] == [
        "2026-Q2",
        "2026-Q1",
        "2025-Q4",
    ]
    assert [p.slug for p in periods.recent_periods(today, PeriodKind.YEAR, 2)] == ["2025", "2024"]


# --- closing --------------------------------------------------------------------------------


def test_closing_stores_the_county_table_with_its_basis_and_who_closed_it(closed_q1, personas):
    closing = closed_q1
    assert closing.version == 1 and closing.in_force
    assert (closing.period_from, closing.period_to, closing.as_of) == (
        D(2026, 1, 1),
        D(2026, 3, 31),
        D(2026, 7, 15),
    )
    assert closing.basis == "隐患发现时间 2026-01-01 至 2026-03-31，状态截至 2026-07-15"
    assert closing.closed_by == personas.county
    assert [r["label"] for r in closing.rows] == ["甲镇", "乙镇", "合计"]
    town_a = figures(row_of(closing, "甲镇"))
    # Q1: 600 closed (Feb) + 40 + 30 in DEADLINE + 4 closed majors + 1 fixed major (Mar).
    assert (town_a["found_general"], town_a["rectified_general"]) == (670, 600)
    assert (town_a["found_major"], town_a["rectified_major"]) == (5, 4)
    assert town_a["rate_major"] == Decimal("80.00")
    assert figures(row_of(closing, "合计"))["fines_yuan"] == Decimal("212210")


def test_the_snapshot_keeps_every_field_and_property_of_a_row(closed_q1):
    names = {f.name for f in dataclasses.fields(Row)} - {"links"}
    names |= {n for n, m in inspect.getmembers(Row) if isinstance(m, property)}
    for row in closed_q1.rows:
        assert set(row["figures"]) == names


def test_the_snapshot_keeps_the_county_excels_columns_and_cells(closed_q1):
    from reports.exporters import SummaryExporter

    assert [c["header"] for c in closed_q1.columns] == [
        str(c.header) for c in SummaryExporter.columns
    ]
    cells = periods._decode(row_of(closed_q1, "甲镇")["cells"])
    assert cells[0] == "甲镇" and len(cells) == len(closed_q1.columns)


def test_closing_a_period_already_closed_is_refused_and_writes_nothing(closed_q1, personas):
    with pytest.raises(PeriodError, match="已封账（第1版），如需更正请先重新打开"):
        periods.close_period(by=personas.county, period=Q1)
    assert PeriodClosing.objects.count() == 1


def test_a_period_not_yet_ended_cannot_be_closed(grid, personas, today):
    with pytest.raises(PeriodError, match="尚未结束"):
        periods.close_period(by=personas.county, period=parse_period("2026-07"))
    with pytest.raises(PeriodError, match="尚未结束"):
        periods.close_period(by=personas.county, period=parse_period("2026"))
    assert not PeriodClosing.objects.exists()


def test_the_as_of_date_lies_between_the_period_end_and_today(grid, personas, today):
    with pytest.raises(PeriodError, match="不能早于报表期结束日 2026-03-31"):
        periods.close_period(by=personas.county, period=Q1, as_of=D(2026, 3, 30))
    with pytest.raises(PeriodError, match="不能晚于今天"):
        periods.close_period(by=personas.county, period=Q1, as_of=D(2026, 7, 16))
    assert not PeriodClosing.objects.exists()


@pytest.mark.parametrize("persona", ["inspector", "supervisor", "admin"])
def test_only_the_county_closes_a_period(grid, personas, today, persona):
    with pytest.raises(PeriodError, match="只有县级用户可以封账"):
        periods.close_period(by=getattr(personas, persona), period=Q1)
    assert not PeriodClosing.objects.exists()


def test_two_county_users_closing_at_once_get_one_version_and_a_message(grid, personas, today):
    first = periods.close_period(by=personas.county, period=Q1)
    # The second saw no version in force when it checked: the database refuses its insert.
    with mock.patch.object(periods, "in_force", side_effect=[None, first]):
        with pytest.raises(PeriodError, match="已封账（第1版）"):
            periods.close_period(by=personas.county, period=Q1)
    assert PeriodClosing.objects.count() == 1


# --- reopening and versions -----------------------------------------------------------------


def test_reopening_needs_a_reason(closed_q1, personas):
    with pytest.raises(PeriodError, match="请填写重新打开的理由"):
        periods.reopen_period(by=personas.county, period=Q1, reason="  ")
    closed_q1.refresh_from_db()
    assert closed_q1.in_force


@pytest.mark.parametrize("persona", ["supervisor", "inspector", "admin"])
def test_reopening_needs_the_county_role(closed_q1, personas, persona):
    with pytest.raises(PeriodError, match="只有县级用户可以重新打开"):
        periods.reopen_period(by=getattr(personas, persona), period=Q1, reason="补录检查")
    closed_q1.refresh_from_db()
    assert closed_q1.in_force


def test_a_period_not_closed_cannot_be_reopened(grid, personas, today):
    with pytest.raises(PeriodError, match="未封账，无需重新打开"):
        periods.reopen_period(by=personas.county, period=Q1, reason="更正")


def test_closing_again_after_reopening_writes_version_2_and_keeps_version_1(
    closed_q1, personas, enterprise_a1, time_machine
):
    v1_rows = closed_q1.rows
    time_machine.move_to(at(D(2026, 7, 16)), tick=False)
    bulk_hazards(enterprise_a1, 3, found_on=D(2026, 3, 10))  # 补录
    periods.reopen_period(by=personas.county, period=Q1, reason="甲镇补录 3 处隐患")
    v2 = periods.close_period(by=personas.county, period=Q1, as_of=D(2026, 7, 15))
    v1 = PeriodClosing.objects.get(version=1)
    assert v2.version == 2 and v2.in_force
    assert not v1.in_force and v1.reopen_reason == "甲镇补录 3 处隐患"
    assert v1.reopened_by == personas.county
    assert v1.rows == v1_rows
    assert figures(row_of(v2, "甲镇"))["found_general"] == 673
    assert figures(row_of(v1, "甲镇"))["found_general"] == 670


def test_a_stale_reopen_gets_a_message(closed_q1, personas):
    stale = closed_q1
    PeriodClosing.objects.filter(pk=stale.pk).update(
        reopened_at=stale.closed_at, reopened_by=personas.county, reopen_reason="先到"
    )
    with mock.patch.object(periods, "in_force", return_value=stale):
        with pytest.raises(PeriodError, match="已被他人重新打开"):
            periods.reopen_period(by=personas.county, period=Q1, reason="后到")
    stale.refresh_from_db()
    assert stale.reopen_reason == "先到"


# --- the database's rules -------------------------------------------------------------------


def _clone(closing, **changes):
    fields = {
        f.name: getattr(closing, f.name)
        for f in PeriodClosing._meta.concrete_fields
        if f.name not in ("id",)
    }
    fields.update(changes)
    return PeriodClosing(**fields)


def test_the_database_keeps_one_version_in_force(closed_q1):
    # The constraint's name on PostgreSQL; its columns (and no version) on SQLite.
    in_force = (
        r"periodclosing_one_in_force|periodclosing\.kind, reports_periodclosing\.period_from$"
    )
    with pytest.raises(IntegrityError, match=in_force), transaction.atomic():
        _clone(closed_q1, version=2).save()


def test_the_database_keeps_version_numbers_unique(closed_q1, personas):
    PeriodClosing.objects.filter(pk=closed_q1.pk).update(
        reopened_at=closed_q1.closed_at, reopened_by=personas.county, reopen_reason="更正"
    )
    unique = r"periodclosing_version_unique|period_from, reports_periodclosing\.version$"
    with pytest.raises(IntegrityError, match=unique), transaction.atomic():
        _clone(closed_q1, reopened_at=None, reopened_by=None, reopen_reason="").save()


def test_the_database_refuses_a_reopening_without_a_reason(closed_q1, personas):
    with pytest.raises(IntegrityError, match="periodclosing_reopen_complete"), transaction.atomic():
        PeriodClosing.objects.filter(pk=closed_q1.pk).update(
            reopened_at=closed_q1.closed_at, reopened_by=personas.county
        )


def test_the_database_refuses_an_as_of_date_before_the_period_ends(closed_q1):
    as_of_check = "periodclosing_as_of_after_period"
    with pytest.raises(IntegrityError, match=as_of_check), transaction.atomic():
        _clone(closed_q1, kind=PeriodKind.MONTH, as_of=D(2026, 3, 1)).save()


# --- after the closing ----------------------------------------------------------------------


def test_the_snapshot_does_not_change_when_records_come_later_but_the_live_figures_do(
    closed_q1, personas, enterprise_a1, time_machine
):
    stored = closed_q1.rows
    time_machine.move_to(at(D(2026, 7, 20)), tick=False)
    bulk_hazards(enterprise_a1, 2, found_on=D(2026, 2, 10), by=personas.inspector)
    closed_q1.refresh_from_db()
    assert closed_q1.rows == stored
    rows = periods.display_rows(
        closed_q1, personas.county, periods.live_cells(closed_q1, personas.county)
    )
    town_a = next(r for r in rows if r["label"] == "甲镇")
    general_found = town_a["cells"][column(closed_q1, "一般隐患排查数")]
    assert general_found == {"text": "670", "live": "672"}


def test_the_changes_since_the_closing_say_who_entered_what_and_when(
    closed_q1, personas, enterprise_a1, enterprise_b, time_machine
):
    time_machine.move_to(at(D(2026, 7, 20)), tick=False)
    late = bulk_hazards(enterprise_a1, 1, found_on=D(2026, 2, 10), by=personas.inspector)[0]
    bulk_hazards(enterprise_a1, 1, found_on=D(2026, 5, 10))  # another period: not listed
    bulk_inspection(enterprise_b, personas.other_supervisor, date=D(2026, 3, 20))
    enforcement(enterprise_a1, personas.supervisor, "talk", date=D(2026, 3, 21))
    order(late, personas.supervisor, issued_on=D(2026, 3, 22))
    changes, total = periods.changes_since(closed_q1, personas.county)
    assert total == 4
    texts = [c.what for c in changes]
    assert f"补录隐患 {late.number}（东村机械厂，发现日期 2026-02-10）" in texts
    assert "补录检查：南村化工厂（2026-03-20）" in texts
    assert "补录执法：约谈提醒，东村机械厂（2026-03-21）" in texts
    assert any(t.startswith("补录督办单") for t in texts)
    hazard_change = next(c for c in changes if c.what.startswith("补录隐患"))
    assert hazard_change.who == personas.inspector.get_full_name()
    assert hazard_change.at == at(D(2026, 7, 20))


def test_a_later_transition_of_a_hazard_of_the_period_is_listed_as_a_correction(
    grid, personas, enterprise_a1, time_machine
):
    time_machine.move_to(at(D(2026, 3, 5)), tick=False)
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    time_machine.move_to(at(D(2026, 4, 2)), tick=False)
    closing = periods.close_period(by=personas.county, period=parse_period("2026-03"))
    time_machine.move_to(at(D(2026, 4, 3)), tick=False)
    workflow.void(hazard, by=personas.supervisor, reason="误报")
    changes, total = periods.changes_since(closing, personas.county)
    assert total == 1
    assert changes[0].what == f"{workflow.label('void')}：隐患 {hazard.number}"
    assert changes[0].who == personas.supervisor.get_full_name()


def test_a_township_supervisor_reads_only_the_changes_of_their_township(
    closed_q1, personas, enterprise_b, time_machine
):
    time_machine.move_to(at(D(2026, 7, 20)), tick=False)
    bulk_hazards(enterprise_b, 1, found_on=D(2026, 2, 10))
    assert periods.changes_since(closed_q1, personas.supervisor)[1] == 0
    assert periods.changes_since(closed_q1, personas.other_supervisor)[1] == 1


def test_a_township_supervisor_reads_their_townships_row_and_no_county_total(closed_q1, personas):
    assert [r["label"] for r in periods.visible_rows(closed_q1, personas.supervisor)] == ["甲镇"]
    assert [r["label"] for r in periods.visible_rows(closed_q1, personas.other_supervisor)] == [
        "乙镇"
    ]
    assert [r["label"] for r in periods.visible_rows(closed_q1, personas.admin)] == [
        "甲镇",
        "乙镇",
        "合计",
    ]


def test_the_closing_keeps_the_note_on_enterprises_counted_once_in_the_total(
    today, seed004, personas, grid, enterprise_a1, time_machine
):
    moved = bulk_inspection(enterprise_a1, personas.other_supervisor, date=D(2026, 1, 20))
    Inspection.objects.filter(pk=moved.pk).update(
        township_id=grid.town_b.pk, cell_id=grid.village_b1.pk
    )
    time_machine.move_to(at(today, 11), tick=False)
    closing = periods.close_period(by=personas.county, period=Q1)
    assert len(closing.notes) == 1 and "东村机械厂" in closing.notes[0]
    out = io.BytesIO()
    periods.write_closing(closing, personas.county, out)
    assert _workbook(out.getvalue())[-1][0] == closing.notes[0]
    out = io.BytesIO()
    periods.write_closing(closing, personas.supervisor, out)
    assert closing.notes[0] not in [r[0] for r in _workbook(out.getvalue())]


# --- the closed table's Excel ---------------------------------------------------------------


def _workbook(data):
    book = load_workbook(io.BytesIO(data))
    return [[c.value for c in row] for row in book.active.iter_rows()]


def test_a_closed_quarters_excel_is_the_same_file_tomorrow(
    closed_q1, personas, enterprise_a1, time_machine
):
    first = io.BytesIO()
    periods.write_closing(closed_q1, personas.county, first)
    time_machine.move_to(at(D(2026, 7, 16), 15), tick=False)
    bulk_hazards(enterprise_a1, 2, found_on=D(2026, 2, 10))  # a late entry changes nothing
    second = io.BytesIO()
    periods.write_closing(closed_q1, personas.county, second)
    assert _workbook(first.getvalue()) == _workbook(second.getvalue())
    assert first.getvalue() == second.getvalue()


def test_the_closed_excel_has_the_stored_cells_with_their_types(closed_q1, personas):
    out = io.BytesIO()
    periods.write_closing(closed_q1, personas.county, out)
    book = load_workbook(io.BytesIO(out.getvalue()))
    sheet = book.active
    assert "封账第1版" in sheet["A1"].value and closed_q1.basis in sheet["A1"].value
    assert [c.value for c in sheet[2]] == [c["header"] for c in closed_q1.columns]
    town_a = [c.value for c in sheet[3]]
    assert town_a[0] == "甲镇" and town_a[column(closed_q1, "一般隐患排查数")] == 670
    rate_major = column(closed_q1, "重大隐患整改率")
    assert sheet.cell(3, rate_major + 1).number_format == "0.00%"
    assert sheet.cell(3, rate_major + 1).value == pytest.approx(0.8)
    assert sheet.cell(5, 1).value == "合计" and sheet.cell(5, 1).font.b
    assert book.properties.created == closed_q1.closed_at.replace(tzinfo=None)


def test_a_township_supervisors_excel_has_only_their_row(closed_q1, personas):
    out = io.BytesIO()
    periods.write_closing(closed_q1, personas.supervisor, out)
    rows = _workbook(out.getvalue())
    assert [r[0] for r in rows[2:]] == ["甲镇"]


# --- the analysis text ----------------------------------------------------------------------


def test_a_supervisor_saves_the_analysis_of_their_township_with_the_closed_period(
    closed_q1, personas, grid
):
    periods.save_analysis(
        by=personas.supervisor, closing=closed_q1, township=grid.town_a, text="整改率稳定"
    )
    periods.save_analysis(
        by=personas.supervisor, closing=closed_q1, township=grid.town_a, text="改后"
    )
    assert PeriodAnalysis.objects.get().text == "改后"


def test_a_supervisor_cannot_write_the_county_analysis(closed_q1, personas):
    with pytest.raises(PeriodError, match="只有县级用户可以填写全县的统计分析"):
        periods.save_analysis(by=personas.supervisor, closing=closed_q1, township=None, text="x")
    assert not PeriodAnalysis.objects.exists()


def test_an_empty_analysis_is_refused(closed_q1, personas):
    with pytest.raises(PeriodError, match="请填写统计分析"):
        periods.save_analysis(by=personas.county, closing=closed_q1, township=None, text=" ")
    assert not PeriodAnalysis.objects.exists()


# --- the pages ------------------------------------------------------------------------------

READ_PAGES = ["reports:period_detail", "reports:period_versions", "reports:period_export"]


def _url(name, slug="2026-Q1"):
    return reverse(name) if name == "reports:periods" else reverse(name, args=[slug])


@pytest.mark.parametrize("name", ["reports:periods", *READ_PAGES])
def test_inspectors_are_refused_the_period_pages(client, closed_q1, personas, name):
    login(client, personas.inspector)
    assert client.get(_url(name)).status_code == 403


@pytest.mark.parametrize("name", ["reports:periods", *READ_PAGES])
def test_anonymous_users_are_sent_to_log_in_from_the_period_pages(client, grid, name):
    response = client.get(_url(name))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("name", READ_PAGES)
def test_a_period_never_closed_or_a_bad_slug_is_404(client, grid, personas, today, name):
    login(client, personas.county)
    assert client.get(_url(name, "2026-Q2")).status_code == 404
    assert client.get(_url(name, "2026-Q9")).status_code == 404


def test_an_unknown_version_is_404(client, closed_q1, personas):
    login(client, personas.county)
    assert client.get(_url("reports:period_detail") + "?v=7").status_code == 404
    assert client.get(_url("reports:period_export") + "?v=7").status_code == 404


def test_the_county_sees_the_period_list_with_a_close_form_for_ended_periods(
    client, closed_q1, personas
):
    login(client, personas.county)
    response = client.get(reverse("reports:periods"))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-period="2026-Q1"' in content and "已封账 · 第1版" in content
    assert 'name="period" value="2026-Q2"' in content  # Q2 has ended: it can be closed
    assert 'name="period" value="2026-Q1"' not in content  # closed: no second close
    assert 'data-period="2026-07"' not in content  # July has not ended
    assert reverse("reports:periods") in [i["url"] for i in response.context["nav_items"]]


@pytest.mark.parametrize("persona", ["supervisor", "admin"])
def test_supervisors_and_admins_read_the_list_without_a_close_form(
    client, closed_q1, personas, persona
):
    login(client, getattr(personas, persona))
    response = client.get(reverse("reports:periods"))
    assert response.status_code == 200
    assert 'data-period="2026-Q1"' in response.content.decode()
    assert reverse("reports:period_close") not in response.content.decode()


def test_the_period_list_query_count_does_not_grow(
    client, closed_q1, personas, django_assert_max_num_queries
):
    login(client, personas.county)
    client.get(reverse("reports:periods"))
    for _ in range(3):
        periods.reopen_period(by=personas.county, period=Q1, reason="更正")
        periods.close_period(by=personas.county, period=Q1)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("reports:periods")).status_code == 200


def test_the_county_closes_a_period_from_the_list(client, seed004, personas, today):
    login(client, personas.county)
    response = client.post(
        reverse("reports:period_close"), {"period": "2026-Q2", "as_of": "2026-07-01"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:period_detail", args=["2026-Q2"])
    closing = PeriodClosing.objects.get()
    assert (closing.period_from, closing.as_of, closing.closed_by) == (
        D(2026, 4, 1),
        D(2026, 7, 1),
        personas.county,
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"period": "2026-Q3"}, "尚未结束"),
        ({"period": "2026-Q2", "as_of": "2026-06-01"}, "不能早于报表期结束日"),
        ({"period": "2026-Q2", "as_of": "2026-08-01"}, "不能晚于今天"),
        ({"period": "2026-Q2", "as_of": "2026-02-30"}, "有效的日期"),
        ({"period": "Q2"}, "格式不正确"),
    ],
)
def test_closing_with_bad_input_shows_a_message_and_writes_nothing(
    client, grid, personas, today, data, message
):
    login(client, personas.county)
    response = client.post(reverse("reports:period_close"), data, follow=True)
    assert message in response.content.decode()
    assert not PeriodClosing.objects.exists()


def test_closing_an_already_closed_period_from_the_page_shows_a_message(
    client, closed_q1, personas
):
    login(client, personas.county)
    response = client.post(reverse("reports:period_close"), {"period": "2026-Q1"}, follow=True)
    assert "已封账（第1版），如需更正请先重新打开" in response.content.decode()
    assert PeriodClosing.objects.count() == 1


@pytest.mark.parametrize("persona", ["inspector", "supervisor", "admin"])
def test_only_the_county_may_post_a_closing(client, grid, personas, today, persona):
    login(client, getattr(personas, persona))
    response = client.post(reverse("reports:period_close"), {"period": "2026-Q2"})
    assert response.status_code == 403
    assert not PeriodClosing.objects.exists()


def test_the_county_reads_the_closed_table_with_its_basis_and_total(client, closed_q1, personas):
    login(client, personas.county)
    response = client.get(_url("reports:period_detail"))
    assert response.status_code == 200
    content = response.content.decode()
    assert closed_q1.basis in content
    assert [r["label"] for r in response.context["rows"]] == ["甲镇", "乙镇", "合计"]
    assert "80.00%" in content  # 重大隐患整改率 of 甲镇
    assert "21.221" in content and "21.2210" not in content  # fines in 万元, exact
    assert "没有补录或更正的记录" in content
    assert 'action="' + _url("reports:period_reopen") in content


def test_the_closed_table_shows_later_entries_and_the_live_figure_beside_the_stored_one(
    client, closed_q1, personas, enterprise_a1, time_machine
):
    time_machine.move_to(at(D(2026, 7, 20)), tick=False)
    late = bulk_hazards(enterprise_a1, 2, found_on=D(2026, 2, 10), by=personas.inspector)
    login(client, personas.county)
    content = client.get(_url("reports:period_detail")).content.decode()
    assert f"补录隐患 {late[0].number}" in content
    assert "封账后补录/更正 2 条记录" in content
    assert "（现 672）" in content


def test_a_township_supervisor_reads_their_row_of_the_closed_table(client, closed_q1, personas):
    login(client, personas.supervisor)
    response = client.get(_url("reports:period_detail"))
    assert response.status_code == 200
    assert [r["label"] for r in response.context["rows"]] == ["甲镇"]
    content = response.content.decode()
    assert "乙镇" not in content and "不显示全县合计" in content
    assert _url("reports:period_reopen") not in content


def test_the_admin_reads_the_whole_closed_table_without_a_reopen_form(client, closed_q1, personas):
    login(client, personas.admin)
    response = client.get(_url("reports:period_detail"))
    assert [r["label"] for r in response.context["rows"]] == ["甲镇", "乙镇", "合计"]
    assert _url("reports:period_reopen") not in response.content.decode()


def test_the_closed_table_page_query_count_does_not_grow(
    client, closed_q1, personas, enterprise_a1, time_machine, django_assert_max_num_queries
):
    login(client, personas.county)
    time_machine.move_to(at(D(2026, 7, 20)), tick=False)
    bulk_hazards(enterprise_a1, 1, found_on=D(2026, 2, 10), by=personas.inspector)
    with django_assert_max_num_queries(40) as few:
        client.get(_url("reports:period_detail"))
    bulk_hazards(enterprise_a1, 30, found_on=D(2026, 2, 11), by=personas.inspector)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(_url("reports:period_detail"))


def test_the_versions_page_lists_every_version_with_the_reason(client, closed_q1, personas):
    periods.reopen_period(by=personas.county, period=Q1, reason="乙镇补录检查")
    periods.close_period(by=personas.county, period=Q1)
    for persona in ("county", "supervisor", "admin"):
        login(client, getattr(personas, persona))
        response = client.get(_url("reports:period_versions"))
        assert response.status_code == 200
        content = response.content.decode()
        assert 'data-version="1"' in content and 'data-version="2"' in content
        assert "乙镇补录检查" in content
    old = client.get(_url("reports:period_detail") + "?v=1")
    assert old.context["closing"].version == 1 and "已重新打开" in old.content.decode()


@pytest.mark.parametrize(
    ("persona", "first_column"),
    [
        ("county", ["甲镇", "乙镇", "合计"]),
        ("supervisor", ["甲镇"]),
        ("admin", ["甲镇", "乙镇", "合计"]),
    ],
)
def test_each_reader_downloads_the_rows_they_may_read(
    client, closed_q1, personas, persona, first_column
):
    login(client, getattr(personas, persona))
    response = client.get(_url("reports:period_export"))
    assert response.status_code == 200
    assert "2026-Q1" in response["Content-Disposition"]
    rows = _workbook(b"".join(response.streaming_content))
    assert [r[0] for r in rows[2:]] == first_column


def test_the_county_reopens_with_a_reason(client, closed_q1, personas):
    login(client, personas.county)
    response = client.post(_url("reports:period_reopen"), {"reason": "补录检查记录"})
    assert response.status_code == 302
    closed_q1.refresh_from_db()
    assert not closed_q1.in_force and closed_q1.reopen_reason == "补录检查记录"


def test_reopening_from_the_page_without_a_reason_changes_nothing(client, closed_q1, personas):
    login(client, personas.county)
    response = client.post(_url("reports:period_reopen"), {"reason": ""}, follow=True)
    assert "请填写重新打开的理由" in response.content.decode()
    closed_q1.refresh_from_db()
    assert closed_q1.in_force


@pytest.mark.parametrize("persona", ["supervisor", "admin"])
def test_only_the_county_may_post_a_reopening(client, closed_q1, personas, persona):
    login(client, getattr(personas, persona))
    response = client.post(_url("reports:period_reopen"), {"reason": "想改"})
    assert response.status_code == 403
    closed_q1.refresh_from_db()
    assert closed_q1.in_force


def test_inspectors_cannot_post_a_reopening(client, closed_q1, personas):
    login(client, personas.inspector)
    assert client.post(_url("reports:period_reopen"), {"reason": "想改"}).status_code == 403
    closed_q1.refresh_from_db()
    assert closed_q1.in_force


def test_a_report_for_exactly_a_closed_period_finds_its_version_in_force(
    closed_q1, personas, django_assert_num_queries
):
    from django.template.loader import render_to_string

    with django_assert_num_queries(1):
        found = periods.closing_matching(D(2026, 1, 1), D(2026, 3, 31))
    assert found == closed_q1 and periods.slug_of(found) == "2026-Q1"
    assert periods.closing_matching(D(2026, 1, 1), D(2026, 3, 30)) is None
    html = render_to_string("reports/period_banner.html", {"closing": found, "slug": "2026-Q1"})
    assert "该期已封账上报（第1版" in html
    assert reverse("reports:period_detail", args=["2026-Q1"]) in html
    periods.reopen_period(by=personas.county, period=Q1, reason="更正")
    assert periods.closing_matching(D(2026, 1, 1), D(2026, 3, 31)) is None


@pytest.mark.parametrize("persona", ["inspector", "supervisor", "county"])
def test_a_period_that_cannot_exist_is_404_to_everyone(client, grid, personas, persona):
    login(client, getattr(personas, persona))
    for name in READ_PAGES:
        assert client.get(_url(name, "null")).status_code == 404, name
    assert client.post(_url("reports:period_reopen", "null"), {"reason": "x"}).status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_two_county_users_closing_in_two_threads_give_one_version(
    grid, personas, enterprise_a1, attempt
):
    from django.db import connection

    from grid import roles
    from tests.factories import UserFactory
    from tests.hazards.test_workflow_race import _race

    if connection.vendor != "postgresql":
        pytest.skip("the race needs PostgreSQL (set DATABASE_URL)")
    bulk_hazards(enterprise_a1, 5, found_on=D(2026, 2, 1))
    second = UserFactory(username="county2", role=roles.COUNTY, cells=[grid.county])
    results = _race(
        [lambda u=u: periods.close_period(by=u, period=Q1) for u in (personas.county, second)]
    )
    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    [error] = [value for kind, value in results if kind == "error"]
    assert isinstance(error, PeriodError) and "已封账（第1版）" in error.message
    assert PeriodClosing.objects.count() == 1
