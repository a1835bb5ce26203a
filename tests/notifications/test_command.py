"""manage.py send_reminders: one round for cron or an administrator's test."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from notifications.models import Notification
from tests.factories import make_hazard
from tests.notifications.conftest import travel

FOUND = datetime.date(2026, 3, 2)
DEADLINE = datetime.date(2026, 3, 12)


@pytest.fixture
def hazard(personas, enterprise_a1):
    with travel(FOUND):
        return make_hazard(enterprise_a1, personas.inspector, "deadline", deadline=DEADLINE)


def run(*args):
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_lists_what_a_day_would_bring_and_writes_nothing(hazard):
    out = run("--dry-run", "--date", "2026-03-20")
    assert "2026-03-20：将新增提醒 3 条（已逾期 1；逾期较久（乡镇督促） 2），未写入。" in out
    assert f"隐患 {hazard.number}（东村机械厂）已逾期 8 天" in out
    assert not Notification.objects.exists()


def test_a_round_for_a_date_creates_them_once(hazard):
    assert "新增提醒 3 条" in run("--date", "2026-03-20")
    assert "新增提醒 0 条（无）" in run("--date", "2026-03-20")
    assert Notification.objects.count() == 3


def test_a_malformed_date_is_refused(db):
    with pytest.raises(CommandError, match="日期格式应为 YYYY-MM-DD：2026-13-01"):
        run("--date", "2026-13-01")


def test_administrators_may_read_deliveries_in_the_admin(db):
    codenames = set(
        Group.objects.get(name="管理员")
        .permissions.filter(content_type__app_label="notifications")
        .values_list("codename", flat=True)
    )
    assert codenames == {
        "view_notification",
        "view_delivery",
        "view_webhooktarget",
        "add_webhooktarget",
        "change_webhooktarget",
    }


def test_the_worker_runs_the_round_once_a_day_from_the_digest_hour_and_retries_hourly(
    hazard, personas, enterprise_a1, monkeypatch
):
    from notifications import services

    monkeypatch.setitem(services._worker, "last_round", None)
    late = datetime.date(2026, 3, 20)
    with travel(late, hour=6):
        assert services.hourly() is None
    assert not Notification.objects.exists()
    with travel(late, hour=7):
        assert len(services.hourly().created) == 3
    sent = []
    monkeypatch.setattr(services, "deliver_due", lambda now: sent.append(now) or (0, 0))
    with travel(late, hour=8):
        assert services.hourly() is None  # the round has run today: only deliveries
    assert len(sent) == 1
    with travel(late + datetime.timedelta(days=1), hour=7):
        assert services.hourly() is not None


def test_a_failing_round_does_not_stop_the_worker(hazard, monkeypatch, caplog):
    from notifications import services

    monkeypatch.setitem(services._worker, "last_round", None)

    def broken(**kwargs):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(services, "run_round", broken)
    with travel(datetime.date(2026, 3, 20)):
        assert services.hourly() is None
    assert "reminder round failed" in caplog.text


def test_the_app_registers_its_hourly_work_with_the_worker():
    from jobs import registry
    from notifications.services import hourly

    assert hourly in registry.hourly_tasks()
