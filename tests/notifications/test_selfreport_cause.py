"""The round's self-report cause: an enterprise that has not filed last month's
self-report by the NOTIFY_SELFREPORT_DAY (the 5th) hears of it, once per account and month."""

import datetime

import pytest

from enterprises import selfreports
from enterprises.models import EnterpriseAccount, EnterpriseStatus
from grid import roles
from notifications.models import Cause, Notification, Preference
from notifications.services import run_round
from tests.factories import EnterpriseFactory, UserFactory
from tests.notifications.conftest import received, travel

DAY = datetime.timedelta(days=1)
MARCH = selfreports.Period.month(2026, 3)
APRIL_5 = datetime.date(2026, 4, 5)


def account_user(enterprise, username, active=True):
    user = UserFactory(username=username, role=roles.ENTERPRISE, is_active=active)
    EnterpriseAccount.objects.create(user=user, enterprise=enterprise, must_change_password=False)
    return user


@pytest.fixture
def qy_a1(personas, enterprise_a1):
    return account_user(enterprise_a1, "qy_a1")


def missing():
    return received(cause=Cause.SELFREPORT_MISSING)


def test_an_account_whose_enterprise_has_not_reported_hears_of_it_once_after_the_fifth(qy_a1):
    with travel(APRIL_5):
        run_round()
    assert missing() == set()  # the 5th is still in time
    with travel(APRIL_5 + DAY):
        run_round()
        assert missing() == {("qy_a1", Cause.SELFREPORT_MISSING)}
        run_round()
    with travel(APRIL_5 + 10 * DAY):
        run_round()
    notification = Notification.objects.get(cause=Cause.SELFREPORT_MISSING)
    assert notification.key == selfreports.reminder_key(
        qy_a1.enterprise_account.enterprise_id, MARCH
    )
    assert "2026年3月" in notification.text and notification.hazard_id is None


def test_nothing_when_the_month_was_reported(qy_a1, enterprise_a1):
    with travel(datetime.date(2026, 4, 2)):
        selfreports.submit_monthly(enterprise_a1, by=qy_a1, period=MARCH, no_hazards=True)
    with travel(APRIL_5 + DAY):
        run_round()
    assert missing() == set()


def test_nothing_for_an_enterprise_without_an_account_or_with_an_inactive_one(
    personas, grid, enterprise_a1
):
    account_user(enterprise_a1, "qy_off", active=False)
    EnterpriseFactory(name="无账号厂", cell=grid.village_a2)
    with travel(APRIL_5 + DAY):
        run_round()
    assert not Notification.objects.filter(cause=Cause.SELFREPORT_MISSING).exists()


def test_nothing_for_a_closed_enterprise(personas, grid):
    closed = EnterpriseFactory(
        name="已关闭厂", cell=grid.village_a2, status=EnterpriseStatus.CLOSED
    )
    account_user(closed, "qy_closed")
    with travel(APRIL_5 + DAY):
        run_round()
    assert missing() == set()


def test_each_account_of_the_enterprise_hears_once_and_a_new_month_is_a_new_occasion(
    qy_a1, enterprise_a1
):
    account_user(enterprise_a1, "qy_a1_b")
    with travel(APRIL_5 + DAY):
        run_round()
    with travel(datetime.date(2026, 5, 6)):
        run_round()
    keys = sorted(
        Notification.objects.filter(cause=Cause.SELFREPORT_MISSING).values_list(
            "user__username", "key"
        )
    )
    march = selfreports.reminder_key(enterprise_a1.pk, MARCH)
    april = selfreports.reminder_key(enterprise_a1.pk, selfreports.Period.month(2026, 4))
    assert keys == [
        ("qy_a1", march),
        ("qy_a1", april),
        ("qy_a1_b", march),
        ("qy_a1_b", april),
    ]


def test_a_townships_reminder_and_the_round_never_double(personas, qy_a1, enterprise_a1):
    with travel(datetime.date(2026, 4, 3)):
        assert selfreports.remind(enterprise_a1, by=personas.supervisor, period=MARCH) == 1
    with travel(APRIL_5 + DAY):
        run_round()
    assert Notification.objects.filter(cause=Cause.SELFREPORT_MISSING).count() == 1


def test_the_threshold_day_is_a_setting(qy_a1, settings):
    settings.NOTIFY_SELFREPORT_DAY = 10
    with travel(APRIL_5 + DAY):
        run_round()
    assert missing() == set()
    with travel(datetime.date(2026, 4, 11)):
        run_round()
    assert missing() == {("qy_a1", Cause.SELFREPORT_MISSING)}


def test_a_muted_account_is_not_reminded_by_the_round(qy_a1):
    Preference.objects.create(user=qy_a1, cause=Cause.SELFREPORT_MISSING)
    with travel(APRIL_5 + DAY):
        run_round()
    assert missing() == set()
