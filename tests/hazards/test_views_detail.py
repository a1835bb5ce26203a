from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hazards import workflow
from tests.conftest import login
from tests.factories import make_hazard

pytestmark = pytest.mark.django_db


def detail(hazard):
    return reverse("hazards:detail", args=[hazard.pk])


@pytest.mark.parametrize(
    "who,status",
    [
        ("inspector", 200),
        ("inspector2", 200),
        ("supervisor", 200),
        ("county", 200),
        ("admin", 200),
        ("other_inspector", 404),
        ("other_supervisor", 404),
    ],
)
def test_the_detail_page_per_role(client, personas, enterprise_a1, who, status):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    response = login(client, getattr(personas, who)).get(detail(hazard))
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert hazard.number in body
        assert "加装漏电保护" in body  # 五定: measures


@pytest.mark.parametrize("who", ["inspector", "supervisor", "county", "admin"])
def test_the_page_offers_exactly_the_actions_the_user_may_take(
    client, personas, enterprise_a1, who
):
    user = getattr(personas, who)
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    response = login(client, user).get(detail(hazard))
    offered = [a["action"] for a in response.context["action_forms"]]
    expected = [a for a in workflow.available_actions(hazard, user) if a != "issue_order"]
    assert offered == expected
    body = response.content.decode()
    for action in offered:
        assert reverse(f"hazards:{action}", args=[hazard.pk]) in body


def test_a_closed_hazard_offers_no_actions(client, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "closed")
    response = login(client, personas.supervisor).get(detail(hazard))
    assert response.context["action_forms"] == []


def test_the_history_reads_in_chinese_with_actor_and_states(client, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "closed")
    body = login(client, personas.supervisor).get(detail(hazard)).content.decode()
    for text in [
        "登记隐患",
        "下达限期整改（五定）",
        "上报整改完成",
        "销号",
        "已整改待验收 → 已销号",
    ]:
        assert text in body, text
    assert personas.inspector.get_full_name() in body


def test_photos_are_linked_through_the_scoped_view_never_media(client, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "fixed")
    photo = hazard.photos.get()
    body = login(client, personas.supervisor).get(detail(hazard)).content.decode()
    assert reverse("hazards:photo_thumb", args=[photo.pk]) in body
    assert reverse("hazards:photo", args=[photo.pk]) in body
    assert settings.MEDIA_URL not in body.replace("/static/", "")


def test_major_hazard_facts_and_pending_extension_are_shown(client, personas, enterprise_a1):
    hazard = make_hazard(
        enterprise_a1, personas.inspector, "deadline", level="major", stop_scope="二号车间"
    )
    workflow.request_extension(
        hazard, by=personas.inspector, until=hazard.deadline + timedelta(days=5), reason="缺件"
    )
    body = login(client, personas.supervisor).get(detail(hazard)).content.decode()
    assert "重大事故隐患判定标准" in body
    assert "二号车间" in body
    assert "延期申请待审批" in body
    assert "缺件" in body


def test_the_query_count_does_not_grow_with_history_and_photos(client, personas, enterprise_a1):
    login(client, personas.supervisor)
    small = make_hazard(enterprise_a1, personas.inspector, "found")
    big = make_hazard(enterprise_a1, personas.inspector, "deadline")
    for i in range(6):
        workflow.extend_deadline(
            big, by=personas.supervisor, until=big.deadline + timedelta(days=1), reason=f"第{i}次"
        )
    counts = []
    for hazard in (small, big):
        client.get(detail(hazard))  # warm the session
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(detail(hazard)).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_an_overdue_hazard_shows_its_days(client, personas, enterprise_a1):
    hazard = make_hazard(
        enterprise_a1, personas.inspector, "deadline", at=timezone.now() - timedelta(days=20)
    )
    body = login(client, personas.supervisor).get(detail(hazard)).content.decode()
    assert "逾期6天" in body


@pytest.mark.parametrize("state", ["found", "deadline", "fixed"])
def test_every_form_field_on_the_page_has_its_own_id_so_labels_point_right(
    client, personas, enterprise_a1, state
):
    """Several action forms share the page: 整改情况说明 must not label the 五定 note."""
    import re
    from collections import Counter

    hazard = make_hazard(enterprise_a1, personas.inspector, state=state)
    html = login(client, personas.supervisor).get(detail(hazard)).content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [i for i, n in ids.items() if n > 1] == []
    for target in re.findall(r'<label[^>]*\sfor="([^"]+)"', html):
        assert target in ids, target
