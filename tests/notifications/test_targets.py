"""查看 in 通知中心 opens the notification's page: its hazard, or for a self-report reminder
(no hazard) 自查自报 of the month or quarter it names; a notification with neither has no
查看 and only goes back to 通知中心."""

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises import selfreports
from notifications.models import Cause, Notification
from tests.conftest import login
from tests.factories import make_hazard

CENTER = reverse("notifications:center")
READ = reverse("notifications:read")


@pytest.fixture
def last_month():
    return selfreports.current_month(timezone.localdate()).previous()


def open_it(client, notification):
    return client.post(READ, {"id": notification.pk, "open": "1"})


@pytest.mark.parametrize("quarterly", [False, True], ids=["month", "quarter"])
def test_a_self_report_reminder_opens_the_self_report_page_of_its_period(
    client, personas, enterprise_a1, last_month, quarterly
):
    account = personas.enterprise
    period = last_month.quarter_of() if quarterly else last_month
    assert selfreports.remind(enterprise_a1, by=personas.supervisor, period=period) == 1
    reminder = Notification.objects.get(user=account, cause=Cause.SELFREPORT_MISSING)
    login(client, account)
    name = "enterprises:selfreport_quarter" if quarterly else "enterprises:selfreport_month"
    page_url = reverse(name, kwargs={"period": period.key})

    center = client.get(CENTER).content.decode()
    assert 'name="open" value="1"' in center

    response = open_it(client, reminder)
    assert response.status_code == 302 and response["Location"] == page_url
    reminder.refresh_from_db()
    assert reminder.read_at is not None
    page = client.get(page_url)
    assert page.status_code == 200 and period.label in page.content.decode()


def test_a_hazard_notification_still_opens_its_hazard(client, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    notification = Notification.objects.create(
        user=personas.inspector, cause=Cause.OVERDUE, key="k1", text="已逾期", hazard=hazard
    )
    login(client, personas.inspector)
    response = open_it(client, notification)
    assert response["Location"] == reverse("hazards:detail", kwargs={"pk": hazard.pk})


def test_a_notification_without_a_page_has_no_view_button_and_returns_to_the_center(
    client, personas
):
    lost = Notification.objects.create(
        user=personas.enterprise,
        cause=Cause.SELFREPORT_MISSING,
        key="sr:e1:not-a-period",
        text="请尽快填报。",
    )
    login(client, personas.enterprise)
    assert 'name="open" value="1"' not in client.get(CENTER).content.decode()
    assert open_it(client, lost)["Location"] == CENTER
