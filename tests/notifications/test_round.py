"""The daily round: one notification per person, cause and occasion, at each threshold."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hazards import workflow
from notifications.models import Cause, Notification, Preference
from notifications.services import run_round
from tests.factories import EnterpriseFactory, UserFactory, make_hazard, processed_photo
from tests.notifications.conftest import received, travel

DAY = datetime.timedelta(days=1)
FOUND = datetime.date(2026, 3, 2)
DEADLINE = datetime.date(2026, 3, 12)


@pytest.fixture
def hazard(personas, enterprise_a1):
    """A general hazard of 东村机械厂: deadline set by inspector_a1; inspector2_a1 is the
    enterprise's responsible inspector (包保)."""
    enterprise_a1.inspectors.add(personas.inspector2)
    with travel(FOUND):
        return make_hazard(enterprise_a1, personas.inspector, "deadline", deadline=DEADLINE)


def walk(first, last):
    """Run the round twice on every day from ``first`` to ``last``; {day: new (user, cause)}."""
    new = {}
    day = first
    while day <= last:
        with travel(day):
            before = Notification.objects.count()
            newest = Notification.objects.order_by("-pk").values_list("pk", flat=True).first()
            run_round()
            after_one = Notification.objects.count()
            run_round()
            assert Notification.objects.count() == after_one, f"a second round on {day} added"
        if after_one > before:
            new[day] = received(pk__gt=newest or 0)
            assert len(new[day]) == after_one - before  # one per person and cause
        day += DAY
    return new


def test_walking_a_hazard_past_its_deadline_notifies_each_person_once_per_threshold(hazard):
    new = walk(FOUND, DEADLINE + 40 * DAY)

    assert new == {
        DEADLINE - 3 * DAY: {
            ("inspector_a1", Cause.DUE_SOON),
            ("inspector2_a1", Cause.DUE_SOON),
        },
        DEADLINE - DAY: {
            ("inspector_a1", Cause.DUE_TOMORROW),
            ("inspector2_a1", Cause.DUE_TOMORROW),
        },
        DEADLINE + DAY: {
            ("inspector_a1", Cause.OVERDUE),
            ("inspector2_a1", Cause.OVERDUE),
        },
        DEADLINE + 8 * DAY: {
            ("supervisor_a", Cause.OVERDUE_TOWNSHIP),
            ("supervisor2_a", Cause.OVERDUE_TOWNSHIP),
        },
        DEADLINE + 31 * DAY: {("county", Cause.OVERDUE_COUNTY)},
    }
    assert Notification.objects.count() == 9
    texts = dict(Notification.objects.values_list("cause", "text").order_by("cause"))
    assert "还有 3 天" in texts[Cause.DUE_SOON]
    assert "明天到期" in texts[Cause.DUE_TOMORROW]
    assert f"{hazard.number}（东村机械厂）已逾期 1 天" in texts[Cause.OVERDUE]
    assert "已逾期 31 天" in texts[Cause.OVERDUE_COUNTY]


def test_nobody_in_another_township_hears_of_the_hazard(hazard, personas):
    walk(DEADLINE + 40 * DAY, DEADLINE + 40 * DAY)
    users = {u for u, _ in received()}
    assert users == {"inspector_a1", "inspector2_a1", "supervisor_a", "supervisor2_a", "county"}


def test_a_major_hazard_overdue_at_all_reaches_the_county_the_next_day(personas, enterprise_a1):
    with travel(FOUND):
        make_hazard(enterprise_a1, personas.inspector, "deadline", level="major", deadline=DEADLINE)
    new = walk(DEADLINE, DEADLINE + DAY)
    assert ("county", Cause.OVERDUE_COUNTY) in new[DEADLINE + DAY]
    text = Notification.objects.get(cause=Cause.OVERDUE_COUNTY).text
    assert text.startswith("重大隐患：")


def test_the_thresholds_are_settings(hazard, settings):
    settings.NOTIFY_DUE_SOON_DAYS = 5
    settings.NOTIFY_OVERDUE_TOWNSHIP_DAYS = 2
    new = walk(DEADLINE - 6 * DAY, DEADLINE + 3 * DAY)
    assert ("inspector_a1", Cause.DUE_SOON) in new[DEADLINE - 5 * DAY]
    assert ("supervisor_a", Cause.OVERDUE_TOWNSHIP) in new[DEADLINE + 3 * DAY]


def test_an_extended_deadline_is_a_new_occasion_with_its_own_reminders(hazard, personas):
    walk(DEADLINE - DAY, DEADLINE - DAY)
    with travel(DEADLINE - DAY):
        workflow.extend_deadline(
            hazard, by=personas.supervisor, until=DEADLINE + 10 * DAY, reason="等待配件"
        )
    new = walk(DEADLINE, DEADLINE + 9 * DAY)
    assert new == {
        DEADLINE + 7 * DAY: {
            ("inspector_a1", Cause.DUE_SOON),
            ("inspector2_a1", Cause.DUE_SOON),
        },
        DEADLINE + 9 * DAY: {
            ("inspector_a1", Cause.DUE_TOMORROW),
            ("inspector2_a1", Cause.DUE_TOMORROW),
        },
    }
    assert Notification.objects.filter(cause=Cause.DUE_TOMORROW).count() == 4


def test_a_fixed_hazard_gets_no_deadline_reminders(hazard, personas):
    with travel(DEADLINE - 5 * DAY):
        workflow.report_fixed(
            hazard,
            by=personas.inspector,
            fixed_on=DEADLINE - 5 * DAY,
            note="已整改",
            after_photos=[processed_photo()],
        )
    new = walk(DEADLINE - 5 * DAY, DEADLINE + 2 * DAY)
    assert {cause for users in new.values() for _, cause in users} == {Cause.FIX_WAITING}


def test_a_fix_waiting_more_than_three_days_reaches_the_supervisors(personas, enterprise_a1):
    with travel(FOUND):
        make_hazard(enterprise_a1, personas.inspector, "fixed", fixed_on=FOUND)
    new = walk(FOUND, FOUND + 10 * DAY)
    assert new == {
        FOUND + 4 * DAY: {
            ("supervisor_a", Cause.FIX_WAITING),
            ("supervisor2_a", Cause.FIX_WAITING),
        }
    }


def test_a_major_fix_waiting_reaches_the_county_which_closes_it(personas, enterprise_a1):
    with travel(FOUND):
        make_hazard(enterprise_a1, personas.inspector, "fixed", level="major", fixed_on=FOUND)
    new = walk(FOUND + 4 * DAY, FOUND + 4 * DAY)
    assert new == {FOUND + 4 * DAY: {("county", Cause.FIX_WAITING)}}


def test_a_muted_cause_is_not_created_for_that_user_only(hazard, personas):
    Preference.objects.create(user=personas.inspector, cause=Cause.OVERDUE)
    Preference.objects.create(user=personas.supervisor, cause=Cause.DUE_SOON)  # not theirs
    walk(DEADLINE + 8 * DAY, DEADLINE + 8 * DAY)
    assert received(cause=Cause.OVERDUE) == {("inspector2_a1", Cause.OVERDUE)}
    assert ("supervisor_a", Cause.OVERDUE_TOWNSHIP) in received()


def test_inactive_users_and_administrators_receive_nothing(hazard, personas):
    personas.inspector2.is_active = False
    personas.inspector2.save()
    walk(DEADLINE + 40 * DAY, DEADLINE + 40 * DAY)
    users = {u for u, _ in received()}
    assert "inspector2_a1" not in users
    assert "admin" not in users


def test_a_dry_run_writes_nothing_and_says_what_it_would(hazard):
    with travel(DEADLINE + DAY):
        result = run_round(dry_run=True)
    assert {(n.user_id, n.cause) for n in result.created} == {
        (hazard.registered_by_id, Cause.OVERDUE),
        (hazard.enterprise.inspectors.get().pk, Cause.OVERDUE),
    }
    assert not Notification.objects.exists()


def _overdue_hazards(grid, n):
    """``n`` overdue hazards, each at its own enterprise with its own two inspectors."""
    for i in range(n):
        inspector = UserFactory(role="inspector", cells=[grid.village_a1])
        enterprise = EnterpriseFactory(cell=grid.village_a1)
        enterprise.inspectors.add(UserFactory(role="inspector", cells=[grid.village_a1]))
        with travel(FOUND):
            make_hazard(enterprise, inspector, "deadline", deadline=DEADLINE, description=f"{i}")


def _reads(queries):
    return [q["sql"] for q in queries if not q["sql"].startswith("INSERT")]


def test_a_round_reads_with_the_same_few_queries_for_one_hazard_and_for_thirty(grid, personas):
    _overdue_hazards(grid, 1)
    with travel(DEADLINE + 40 * DAY), CaptureQueriesContext(connection) as one:
        run_round()
    assert Notification.objects.count() == 5  # its 2 inspectors, 2 supervisors, the county
    _overdue_hazards(grid, 29)
    with travel(DEADLINE + 41 * DAY), CaptureQueriesContext(connection) as thirty:
        run_round()
    assert Notification.objects.count() == 30 * 5
    # directory (3), 包保, enterprise accounts, setters, due hazards, fixed hazards, orders,
    # accounts missing last month's self-report (after the 5th), existing, mutes, webhook
    # targets, deliveries due: nothing per hazard or per person.
    assert len(_reads(one.captured_queries)) == len(_reads(thirty.captured_queries)) == 14
    # The new rows go in with one INSERT per batch (SQLite's 999 parameters: 124 rows;
    # PostgreSQL takes the service's 500 at once).
    fields = [f for f in Notification._meta.concrete_fields if not f.primary_key]
    batch = min(500, connection.ops.bulk_batch_size(fields, [None] * 145))
    assert len(one.captured_queries) - 14 == 1
    assert len(thirty.captured_queries) - 14 == -(-145 // batch)  # 29 × 5 = 145 new rows


def test_the_enterprises_account_hears_of_its_deadlines_but_not_of_escalations(
    hazard, enterprise_a1
):
    from enterprises.models import EnterpriseAccount
    from grid import roles

    account = UserFactory(username="qy_a1", role=roles.ENTERPRISE)
    EnterpriseAccount.objects.create(user=account, enterprise=enterprise_a1)
    walk(DEADLINE - 3 * DAY, DEADLINE + 40 * DAY)
    assert received(user=account) == {
        ("qy_a1", Cause.DUE_SOON),
        ("qy_a1", Cause.DUE_TOMORROW),
        ("qy_a1", Cause.OVERDUE),
        # Its own: March's self-report was not filed by April 5 (test_selfreport_cause.py).
        ("qy_a1", Cause.SELFREPORT_MISSING),
    }
