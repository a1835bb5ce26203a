"""Workflow events notify the people who act on them, after the transaction commits."""

import datetime

import pytest
from django.db import transaction

from hazards import workflow
from notifications.models import Cause, Notification
from notifications.services import run_round
from tests.factories import make_hazard
from tests.notifications.conftest import received, travel

DAY = datetime.timedelta(days=1)
FOUND = datetime.date(2026, 3, 2)
DEADLINE = datetime.date(2026, 3, 12)


@pytest.fixture
def hazard(personas, enterprise_a1):
    enterprise_a1.inspectors.add(personas.inspector2)
    with travel(FOUND):
        return make_hazard(enterprise_a1, personas.inspector, "deadline", deadline=DEADLINE)


def test_an_extension_request_asks_the_township_supervisors_after_commit(
    hazard, personas, django_capture_on_commit_callbacks
):
    with travel(DEADLINE - DAY), django_capture_on_commit_callbacks(execute=True) as callbacks:
        workflow.request_extension(
            hazard, by=personas.inspector, until=DEADLINE + 5 * DAY, reason="等待配件"
        )
        assert not Notification.objects.exists()  # nothing before the commit
    assert len(callbacks) == 1
    assert received() == {
        ("supervisor_a", Cause.EXTENSION_REQUESTED),
        ("supervisor2_a", Cause.EXTENSION_REQUESTED),
    }
    text = Notification.objects.filter(user=personas.supervisor).get().text
    assert f"申请将隐患 {hazard.number}（东村机械厂）延期至 2026-03-17" in text


def test_a_transition_rolled_back_notifies_nobody(
    hazard, personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), travel(DEADLINE - DAY):
        with pytest.raises(RuntimeError, match="rolled back"), transaction.atomic():
            workflow.request_extension(
                hazard, by=personas.inspector, until=DEADLINE + 5 * DAY, reason="等待配件"
            )
            raise RuntimeError("rolled back")
    assert not Notification.objects.exists()


def test_a_referral_notifies_the_county_and_not_the_referring_supervisor(
    personas, enterprise_a1, django_capture_on_commit_callbacks
):
    with travel(FOUND):
        major = make_hazard(enterprise_a1, personas.inspector, "deadline", level="major")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.refer_to_county(major, by=personas.supervisor, note="重大隐患，请县局挂牌")
    assert received() == {("county", Cause.REFERRED)}
    assert "已由" in Notification.objects.get().text


def test_an_extension_of_a_referred_major_hazard_goes_to_the_county(
    personas, enterprise_a1, django_capture_on_commit_callbacks
):
    with travel(FOUND):
        major = make_hazard(
            enterprise_a1, personas.inspector, "deadline", level="major", deadline=DEADLINE
        )
    workflow.refer_to_county(major, by=personas.supervisor, note="移送")
    with travel(DEADLINE - DAY), django_capture_on_commit_callbacks(execute=True):
        workflow.request_extension(
            major, by=personas.inspector, until=DEADLINE + 5 * DAY, reason="等待配件"
        )
    assert received(cause=Cause.EXTENSION_REQUESTED) == {("county", Cause.EXTENSION_REQUESTED)}


def test_an_order_notifies_the_inspectors_then_reminds_before_and_after_its_deadline(
    hazard, personas, django_capture_on_commit_callbacks
):
    with travel(DEADLINE + 2 * DAY), django_capture_on_commit_callbacks(execute=True):
        order = workflow.issue_order(
            hazard, by=personas.supervisor, deadline=DEADLINE + 10 * DAY, requirements="限期整改"
        )
    assert received(cause=Cause.ORDER_ISSUED) == {
        ("inspector_a1", Cause.ORDER_ISSUED),
        ("inspector2_a1", Cause.ORDER_ISSUED),
    }
    assert order.number in Notification.objects.filter(cause=Cause.ORDER_ISSUED).first().text

    for day in (order.deadline - 4 * DAY, order.deadline - 3 * DAY, order.deadline):
        with travel(day):
            run_round()
    assert received(cause=Cause.ORDER_DUE) == {
        ("inspector_a1", Cause.ORDER_DUE),
        ("inspector2_a1", Cause.ORDER_DUE),
    }
    assert Notification.objects.filter(cause=Cause.ORDER_DUE).count() == 2
    for day in (order.deadline + DAY, order.deadline + 2 * DAY):
        with travel(day):
            run_round()
    # Overdue: the people who act, and the supervisor who issued it.
    assert received(cause=Cause.ORDER_OVERDUE) == {
        ("inspector_a1", Cause.ORDER_OVERDUE),
        ("inspector2_a1", Cause.ORDER_OVERDUE),
        ("supervisor_a", Cause.ORDER_OVERDUE),
    }
    assert Notification.objects.filter(cause=Cause.ORDER_OVERDUE).count() == 3


def test_an_order_whose_hazard_is_fixed_reminds_nobody(
    hazard, personas, django_capture_on_commit_callbacks
):
    from tests.factories import processed_photo

    with travel(DEADLINE + 2 * DAY):
        order = workflow.issue_order(
            hazard, by=personas.supervisor, deadline=DEADLINE + 10 * DAY, requirements="限期整改"
        )
        workflow.report_fixed(
            hazard,
            by=personas.inspector,
            fixed_on=DEADLINE + 2 * DAY,
            note="已整改",
            after_photos=[processed_photo()],
        )
    with travel(order.deadline + DAY):
        run_round()
    assert not received(cause__in=[Cause.ORDER_DUE, Cause.ORDER_OVERDUE])
