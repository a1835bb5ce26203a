"""The morning digest: e-mailed through a local SMTP server, posted to a local robot,
retried with back-off when they fail, and never sent anywhere that is not configured."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from notifications.models import Cause, Delivery, Notification, WebhookTarget
from notifications.services import deliver_due, run_round
from tests.conftest import login
from tests.factories import make_hazard
from tests.notifications.conftest import at, travel
from tests.notifications.receivers import RobotReceiver, SMTPReceiver, closed_port

DAY = datetime.timedelta(days=1)
FOUND = datetime.date(2026, 3, 2)
DEADLINE = datetime.date(2026, 3, 12)
LATE = DEADLINE + 8 * DAY  # overdue 8 days: the inspectors and the township supervisors


@pytest.fixture
def hazard(personas, enterprise_a1):
    enterprise_a1.inspectors.add(personas.inspector2)
    personas.inspector.email = "wgy@example.cn"
    personas.inspector.save()
    with travel(FOUND):
        return make_hazard(enterprise_a1, personas.inspector, "deadline", deadline=DEADLINE)


@pytest.fixture
def smtp(settings):
    with SMTPReceiver() as server:
        settings.NOTIFY_EMAIL = True
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.DEFAULT_FROM_EMAIL = "yhpc@example.cn"
        yield server


@pytest.fixture
def robot(grid):
    with RobotReceiver() as server:
        WebhookTarget.objects.create(township=grid.town_a, url=server.url)
        yield server


def test_the_digest_arrives_by_mail_and_at_the_townships_robot_once_a_day(
    hazard, smtp, robot, personas
):
    with travel(LATE):
        run_round()
        run_round()  # the worker runs every hour: still one digest a day

    assert len(smtp.messages) == 1
    sender, recipients, message = smtp.messages[0]
    assert recipients == ["wgy@example.cn"]
    assert "yhpc@example.cn" in sender
    assert message["Subject"].strip() == "隐患提醒摘要 2026-03-20：未读 1 条"
    body = message.get_content()
    assert "未读提醒：已逾期 1" in body
    assert f"隐患 {hazard.number}（东村机械厂）已逾期 8 天" in body

    [payload] = robot.payloads()
    assert payload["msgtype"] == "text"
    content = payload["text"]["content"]
    assert content.startswith("【甲镇 隐患提醒 2026-03-20】")
    assert "已逾期 1；逾期较久（乡镇督促） 1" in content
    assert content.count(hazard.number) == 2  # one line per cause, not per recipient
    assert robot.received[0][1] == "application/json; charset=utf-8"

    sent = Delivery.objects.filter(sent_at__isnull=False)
    assert {(d.channel, d.target) for d in sent} == {
        ("email", "wgy@example.cn"),
        ("webhook", robot.url),
    }
    # Users without an address: recorded, visible, not retried.
    no_address = Delivery.objects.filter(channel="email", target="")
    assert {d.user.username for d in no_address} == {
        "inspector2_a1",
        "supervisor_a",
        "supervisor2_a",
    }
    assert all(d.given_up and "没有电子邮箱" in d.last_error for d in no_address)


def test_with_a_site_address_the_digests_link_to_the_notification_centre_and_the_board(
    hazard, smtp, robot, settings
):
    settings.SITE_URL = "https://yhpc.example.gov.cn"
    with travel(LATE):
        run_round()

    body = smtp.messages[0][2].get_content()
    assert "通知中心：https://yhpc.example.gov.cn/notifications/" in body
    content = robot.payloads()[0]["text"]["content"]
    assert content.splitlines()[-1] == "逾期督办：https://yhpc.example.gov.cn/hazards/overdue/"


def test_without_a_site_address_the_digests_carry_no_link(hazard, smtp, robot):
    with travel(LATE):
        run_round()

    assert "https://" not in smtp.messages[0][2].get_content()
    assert "://" not in robot.payloads()[0]["text"]["content"]


def test_before_the_digest_hour_the_reminders_exist_but_nothing_is_sent(hazard, smtp, robot):
    with travel(LATE, hour=6):
        run_round()
    assert Notification.objects.count() == 4
    assert not Delivery.objects.exists()
    assert not smtp.messages and not robot.received


def test_nothing_is_queued_or_sent_where_nothing_is_configured(hazard):
    with travel(LATE):
        run_round()
    assert Notification.objects.count() == 4
    assert not Delivery.objects.exists()


def test_a_robot_answering_500_is_retried_with_back_off_and_shown_to_the_administrator(
    hazard, grid, settings, client, personas
):
    settings.NOTIFY_RETRY_SECONDS = 300
    with RobotReceiver(answer=(500, {"error": "boom"})) as robot:
        WebhookTarget.objects.create(township=grid.town_a, url=robot.url)
        with travel(LATE):
            run_round()
        delivery = Delivery.objects.get(channel="webhook")
        assert delivery.sent_at is None
        assert delivery.attempts == 1
        assert "500" in delivery.last_error
        assert delivery.next_try == at(LATE) + datetime.timedelta(seconds=300)
        # The in-app notifications are there all the same.
        assert Notification.objects.filter(cause=Cause.OVERDUE_TOWNSHIP).count() == 2

        login(client, personas.admin)
        page = client.get(reverse("admin:notifications_delivery_changelist"))
        assert page.status_code == 200
        assert "HTTP Error 500" in page.content.decode()
        assert "待重试" in page.content.decode()

        with time_machine.travel(at(LATE) + datetime.timedelta(seconds=200), tick=False):
            assert deliver_due() == (0, 0)  # not yet
        with time_machine.travel(at(LATE) + datetime.timedelta(seconds=301), tick=False):
            assert deliver_due() == (0, 1)
        delivery.refresh_from_db()
        assert delivery.attempts == 2
        assert delivery.next_try == at(LATE) + datetime.timedelta(seconds=301 + 600)  # doubled

        robot.answer = (200, {"errcode": 0, "errmsg": "ok"})
        with time_machine.travel(at(LATE) + datetime.timedelta(seconds=901), tick=False):
            assert deliver_due() == (1, 0)
        delivery.refresh_from_db()
        assert delivery.sent_at is not None and delivery.attempts == 3
        assert len(robot.received) == 3


def test_a_robot_refusing_with_an_errcode_is_a_failure(hazard, grid):
    with RobotReceiver(answer=(200, {"errcode": 93000, "errmsg": "invalid webhook url"})) as robot:
        WebhookTarget.objects.create(township=grid.town_a, url=robot.url)
        with travel(LATE):
            run_round()
    delivery = Delivery.objects.get(channel="webhook")
    assert delivery.sent_at is None
    assert "errcode 93000: invalid webhook url" in delivery.last_error


def test_a_refusing_smtp_server_is_retried_until_it_answers(hazard, smtp, settings):
    settings.EMAIL_PORT = closed_port()
    with travel(LATE):
        run_round()
    delivery = Delivery.objects.get(channel="email", target="wgy@example.cn")
    assert delivery.sent_at is None and delivery.attempts == 1
    assert "Connection" in delivery.last_error or "refused" in delivery.last_error
    assert Notification.objects.filter(user__email="wgy@example.cn").count() == 1

    settings.EMAIL_PORT = smtp.port
    with time_machine.travel(at(LATE) + datetime.timedelta(hours=1), tick=False):
        assert deliver_due() == (1, 0)
    assert [m[1] for m in smtp.messages] == [["wgy@example.cn"]]


def test_a_delivery_is_given_up_after_the_last_attempt(hazard, grid, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    WebhookTarget.objects.create(township=grid.town_a, url=f"http://127.0.0.1:{closed_port()}/")
    with travel(LATE):
        run_round()
    with time_machine.travel(at(LATE) + datetime.timedelta(days=1), tick=False):
        assert deliver_due() == (0, 1)
    delivery = Delivery.objects.get()
    assert delivery.given_up and delivery.attempts == 2
    with time_machine.travel(at(LATE) + datetime.timedelta(days=2), tick=False):
        assert deliver_due() == (0, 0)


def test_an_administrator_queues_a_given_up_delivery_again_from_the_admin(
    hazard, grid, settings, client, personas
):
    settings.NOTIFY_MAX_ATTEMPTS = 1
    WebhookTarget.objects.create(township=grid.town_a, url=f"http://127.0.0.1:{closed_port()}/")
    with travel(LATE):
        run_round()
    delivery = Delivery.objects.get()
    assert delivery.given_up
    login(client, personas.admin)
    changelist = reverse("admin:notifications_delivery_changelist")
    assert "已放弃" in client.get(changelist).content.decode()
    with travel(LATE, hour=9):
        response = client.post(
            changelist, {"action": "retry_now", "_selected_action": [delivery.pk]}, follow=True
        )
    assert "已安排 1 条在下一次后台处理时发送" in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.next_try == at(LATE, hour=9)
