"""通知中心, mark read, the unread count in the navigation, mutes, the robots page and the
digest on 我的工作: each page for each role."""

import pytest
from django.test import Client
from django.urls import reverse

from notifications.models import Cause, Notification, Preference, WebhookTarget
from tests.conftest import login

CENTER = reverse("notifications:center")
READ = reverse("notifications:read")
PREFERENCES = reverse("notifications:preferences")
WEBHOOKS = reverse("notifications:webhooks")
ROLES = ["inspector", "supervisor", "county", "admin"]


def notify(user, cause=Cause.OVERDUE, text="隐患 YH2026-000001（东村机械厂）已逾期 1 天。", **kw):
    key = kw.pop("key", f"k{Notification.objects.count()}")
    return Notification.objects.create(user=user, cause=cause, key=key, text=text, **kw)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_its_own_notifications_and_the_unread_count(client, personas, role):
    user = getattr(personas, role)
    notify(user, text="我的提醒")
    notify(personas.other_inspector, text="别人的提醒")
    login(client, user)
    page = client.get(CENTER)
    assert page.status_code == 200
    html = page.content.decode()
    assert "我的提醒" in html
    assert "别人的提醒" not in html
    assert '通知 <span class="badge text-bg-danger">1</span>' in html
    # On a phone the count stays beside the menu button, outside the collapsed menu.
    assert html.count('通知 <span class="badge text-bg-danger">1</span>') == 2


def test_a_visitor_is_sent_to_the_login_page(client, db):
    for url in (CENTER, PREFERENCES, WEBHOOKS):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_no_badge_without_unread_notifications(client, personas):
    notify(personas.inspector)
    Notification.objects.update(read_at="2026-03-01T00:00:00Z")
    login(client, personas.inspector)
    html = client.get(reverse("home"), follow=True).content.decode()
    assert "通知</a>" in html


def test_the_center_takes_the_same_queries_for_one_notification_and_thirty(
    client, personas, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, personas.inspector)
    notify(personas.inspector)
    client.get(CENTER)
    with CaptureQueriesContext(connection) as one:
        client.get(CENTER)
    for _ in range(29):
        notify(personas.inspector)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(CENTER)
    assert len(response.context["page_obj"].object_list) == 30


def test_marking_chosen_notifications_read(client, personas):
    first, second = notify(personas.inspector), notify(personas.inspector)
    login(client, personas.inspector)
    response = client.post(READ, {"id": [first.pk]}, follow=True)
    assert "已将 1 条通知标记为已读" in response.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None


def test_marking_all_read_touches_only_the_users_own(client, personas):
    notify(personas.inspector), notify(personas.inspector)
    theirs = notify(personas.inspector2)
    login(client, personas.inspector)
    client.post(READ, {"all": "1"})
    assert not Notification.objects.filter(user=personas.inspector, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_someone_elses_notification_ids_are_ignored(client, personas):
    theirs = notify(personas.inspector2)
    login(client, personas.inspector)
    response = client.post(READ, {"id": [theirs.pk]}, follow=True)
    assert "已将 0 条通知标记为已读" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_nothing_says_so_and_changes_nothing(client, personas):
    mine = notify(personas.inspector)
    login(client, personas.inspector)
    response = client.post(READ, {"id": ["abc"]}, follow=True)
    assert "请先选择要标记为已读的通知" in response.content.decode()
    mine.refresh_from_db()
    assert mine.read_at is None


def test_marking_read_needs_a_post_with_the_csrf_token(personas):
    mine = notify(personas.inspector)
    client = login(Client(enforce_csrf_checks=True), personas.inspector)
    assert client.get(READ).status_code == 405
    assert client.post(READ, {"all": "1"}).status_code == 403
    mine.refresh_from_db()
    assert mine.read_at is None


def test_opening_a_notification_marks_it_read_and_goes_to_the_hazard(
    client, personas, enterprise_a1
):
    from tests.factories import make_hazard

    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    mine = notify(personas.inspector, hazard=hazard)
    login(client, personas.inspector)
    response = client.post(READ, {"id": mine.pk, "open": "1"})
    assert response["Location"] == reverse("hazards:detail", args=[hazard.pk])
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_another_users_notification_cannot_be_opened(client, personas):
    theirs = notify(personas.supervisor)
    login(client, personas.inspector)
    assert client.post(READ, {"id": theirs.pk, "open": "1"}).status_code == 404
    assert client.post(READ, {"id": "x", "open": "1"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("role", ROLES)
def test_each_role_mutes_a_cause_for_themselves(client, personas, role):
    user = getattr(personas, role)
    login(client, user)
    assert client.get(PREFERENCES).status_code == 200
    response = client.post(PREFERENCES, {"muted": [Cause.DUE_SOON, Cause.OVERDUE]}, follow=True)
    assert "提醒设置已保存" in response.content.decode()
    assert set(Preference.objects.values_list("user__username", "cause")) == {
        (user.username, Cause.DUE_SOON),
        (user.username, Cause.OVERDUE),
    }
    client.post(PREFERENCES, {"muted": [Cause.OVERDUE]})
    assert set(Preference.objects.values_list("cause", flat=True)) == {Cause.OVERDUE}


def test_an_unknown_cause_is_refused_and_nothing_changes(client, personas):
    login(client, personas.inspector)
    response = client.post(PREFERENCES, {"muted": ["everything"]})
    assert response.status_code == 200
    assert "everything 不在可用的选项中" in response.content.decode()
    assert not Preference.objects.exists()


@pytest.mark.parametrize("role", ["inspector", "supervisor"])
def test_township_staff_cannot_set_the_robots(client, personas, grid, role):
    login(client, getattr(personas, role))
    assert client.get(WEBHOOKS).status_code == 403
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x"
    assert client.post(WEBHOOKS, {"township": grid.town_a.pk, "url": url}).status_code == 403
    assert not WebhookTarget.objects.exists()


@pytest.mark.parametrize("role", ["county", "admin"])
def test_the_county_sets_a_townships_robot(client, personas, grid, role):
    login(client, getattr(personas, role))
    page = client.get(WEBHOOKS)
    assert page.status_code == 200
    assert "甲镇" in page.content.decode() and "乙镇" in page.content.decode()
    url = "https://oapi.dingtalk.com/robot/send?access_token=abc"
    response = client.post(
        WEBHOOKS, {"township": grid.town_a.pk, "url": url, "is_active": "on"}, follow=True
    )
    assert "已保存 甲镇 的群机器人设置" in response.content.decode()
    target = WebhookTarget.objects.get()
    assert (target.township, target.url, target.is_active) == (grid.town_a, url, True)
    assert target.updated_by == getattr(personas, role)
    client.post(WEBHOOKS, {"township": grid.town_a.pk, "url": ""})
    target.refresh_from_db()
    assert target.url == "" and not target.is_active


def test_a_robot_address_that_is_not_http_is_refused(client, personas, grid):
    login(client, personas.county)
    response = client.post(WEBHOOKS, {"township": grid.town_a.pk, "url": "ftp://x.example/"})
    assert response.status_code == 200
    assert "群机器人地址须以 http:// 或 https:// 开头" in response.content.decode()
    assert not WebhookTarget.objects.exists()


def test_a_supervisor_sees_the_robots_nav_entry_only_as_county(client, personas):
    login(client, personas.supervisor)
    assert WEBHOOKS not in client.get(CENTER).content.decode()
    login(client, personas.county)
    assert WEBHOOKS in client.get(CENTER).content.decode()


@pytest.mark.parametrize("role", ["inspector", "supervisor"])
def test_my_work_shows_the_digest(client, personas, role):
    user = getattr(personas, role)
    notify(user, cause=Cause.DUE_SOON, text="隐患 YH2026-000009 整改期限 2026-03-12，还有 3 天。")
    notify(user, cause=Cause.OVERDUE)
    login(client, user)
    html = client.get(reverse("hazards:my_work")).content.decode()
    assert 'id="notification-digest"' in html
    assert "整改期限将至 1" in html and "已逾期 1" in html
    assert "YH2026-000009" in html


def test_my_work_says_when_there_is_nothing_unread(client, personas):
    login(client, personas.inspector)
    html = client.get(reverse("hazards:my_work")).content.decode()
    assert "没有未读提醒" in html


def test_my_work_lists_the_newest_five_and_links_to_the_rest(client, personas):
    for i in range(7):
        notify(personas.inspector, text=f"提醒{i}号")
    login(client, personas.inspector)
    html = client.get(reverse("hazards:my_work")).content.decode()
    assert sum(f"提醒{i}号" in html for i in range(7)) == 5
    assert "查看全部 7 条未读" in html
