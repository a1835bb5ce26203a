"""The status-as-of-a-date table: written by the workflow, equal to what the events give."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from hazards import states, workflow
from hazards.models import OPEN_END, HazardState, Status
from tests.factories import make_hazard, processed_photo

TZ = timezone.get_fixed_timezone(8 * 60)


def at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)), TZ)


def intervals(hazard):
    return [
        (s.valid_from, s.valid_until, s.status, s.deadline, s.fixed_on, s.closed_on)
        for s in HazardState.objects.filter(hazard=hazard).order_by("valid_from")
    ]


TODAY = timezone.localdate()
D0 = TODAY - timedelta(days=60)


def D(n):  # noqa: N802 - reads as a day of the story
    return D0 + timedelta(days=n)


@pytest.fixture
def walked(personas, enterprise_a1):
    """Found and given a deadline on D0, fixed on D0+5, rejected on D0+6, fixed again on
    D0+8 and closed on D0+9."""
    p = personas
    h = make_hazard(enterprise_a1, p.inspector, "deadline", at=at(D0), deadline=D(10))
    workflow.report_fixed(
        h,
        by=p.inspector,
        fixed_on=D(5),
        note="已整改",
        after_photos=[processed_photo()],
        at=at(D(5)),
    )
    workflow.reject_fix(h, by=p.supervisor, new_deadline=D(20), note="防护罩未固定", at=at(D(6)))
    workflow.report_fixed(
        h,
        by=p.inspector,
        fixed_on=D(8),
        note="已整改",
        after_photos=[processed_photo()],
        at=at(D(8)),
    )
    workflow.close_out(h, by=p.supervisor, acceptance_note="复查合格", at=at(D(9)))
    return h


def test_each_change_of_state_starts_an_interval_on_its_day(walked):
    assert intervals(walked) == [
        (D0, D(5), Status.DEADLINE, D(10), None, None),
        (D(5), D(6), Status.FIXED, D(10), D(5), None),
        (D(6), D(8), Status.DEADLINE, D(20), None, None),
        (D(8), D(9), Status.FIXED, D(20), D(8), None),
        (D(9), OPEN_END, Status.CLOSED, D(20), D(8), D(9)),
    ]


def test_the_state_as_of_a_day_is_the_one_that_held_at_its_end(walked):
    def status_on(day):
        return HazardState.objects.as_of(day).get(hazard=walked).status

    assert not HazardState.objects.as_of(D(-1)).filter(hazard=walked).exists()
    assert status_on(D0) == Status.DEADLINE
    assert status_on(D(5)) == Status.FIXED
    assert status_on(D(6)) == Status.DEADLINE
    assert status_on(D(9)) == Status.CLOSED
    assert status_on(TODAY) == Status.CLOSED


def test_changes_that_touch_no_reportable_state_write_no_interval(personas, enterprise_a1):
    h = make_hazard(enterprise_a1, personas.inspector, "deadline", at=at(D0), deadline=D(90))
    before = intervals(h)
    workflow.request_extension(
        h, by=personas.inspector, until=D(120), reason="设备采购周期长", at=at(D(2))
    )
    workflow.amend(h, by=personas.supervisor, note="更正部位", location="二号车间", at=at(D(3)))
    assert intervals(h) == before


def test_an_extension_starts_an_interval_with_the_new_deadline(personas, enterprise_a1):
    h = make_hazard(enterprise_a1, personas.inspector, "deadline", at=at(D0), deadline=D(10))
    workflow.extend_deadline(
        h,
        by=personas.supervisor,
        until=TODAY + timedelta(days=30),
        reason="需停产检修",
        at=at(TODAY),
    )
    assert intervals(h) == [
        (D0, TODAY, Status.DEADLINE, D(10), None, None),
        (TODAY, OPEN_END, Status.DEADLINE, TODAY + timedelta(days=30), None, None),
    ]


def test_a_hazard_registered_late_is_open_from_its_found_date(personas, enterprise_a1):
    h = make_hazard(enterprise_a1, personas.inspector, "found", at=at(TODAY), found_on=D0)
    assert intervals(h) == [(D0, OPEN_END, Status.FOUND, None, None, None)]


def test_a_fix_on_the_spot_holds_from_the_found_date(personas, enterprise_a1):
    h = workflow.register(
        enterprise=enterprise_a1,
        by=personas.inspector,
        level="general",
        category="condition",
        description="灭火器过期",
        found_on=D0,
        fixed_on_spot=True,
        fix_note="当场更换",
        after_photos=[processed_photo()],
        at=at(D(3)),
    )
    assert intervals(h) == [(D0, OPEN_END, Status.FIXED, None, D0, None)]


def test_a_voided_hazard_is_void_from_its_first_day(personas, enterprise_a1):
    """A false report was never a hazard: it leaves the figures of past dates too."""
    h = make_hazard(enterprise_a1, personas.inspector, "deadline", at=at(D0), deadline=D(10))
    workflow.void(h, by=personas.supervisor, reason="误报", at=at(D(3)))
    assert intervals(h) == [(D0, OPEN_END, Status.VOID, D(10), None, None)]


def test_the_table_equals_what_the_events_give(walked, personas, enterprise_a1):
    make_hazard(enterprise_a1, personas.inspector, "closed", at=at(D0), fixed_on=D(3))
    make_hazard(enterprise_a1, personas.inspector, "void", at=at(D0))
    make_hazard(enterprise_a1, personas.inspector, "found", at=at(TODAY), found_on=D0)
    assert states.rebuild() == []


def test_rebuild_reports_a_damaged_table_and_repairs_it(walked, capsys):
    HazardState.objects.filter(hazard=walked, status=Status.CLOSED).update(closed_on=D0)
    with pytest.raises(CommandError, match="1 条隐患的状态区间与处理记录不一致"):
        call_command("rebuild_hazard_states")
    assert walked.number in capsys.readouterr().out
    call_command("rebuild_hazard_states", "--repair")
    assert states.rebuild() == []
    call_command("rebuild_hazard_states")
    assert "一致" in capsys.readouterr().out


def test_rebuild_recreates_a_missing_table(walked):
    expected = intervals(walked)
    HazardState.objects.all().delete()
    assert [d.number for d in states.rebuild(repair=True)] == [walked.number]
    assert intervals(walked) == expected


def test_imported_intervals_follow_the_hazards_own_dates():
    found, deadline, fixed, closed = date(2020, 1, 5), date(2020, 1, 20), date(2020, 1, 18), None
    result = states.imported_intervals(found, deadline, fixed, closed, Status.FIXED)
    assert [(iv.valid_from, iv.valid_until, iv.status) for iv in result] == [
        (found, fixed, Status.DEADLINE),
        (fixed, OPEN_END, Status.FIXED),
    ]
