"""隐患排查治理情况公示: the printable list of an enterprise's hazards of a period."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enterprises.models import EnterpriseAccount
from grid import roles
from tests.conftest import login
from tests.factories import UserFactory, make_hazard

DAY = datetime.timedelta(days=1)


def account_user(enterprise, username):
    user = UserFactory(username=username, role=roles.ENTERPRISE)
    EnterpriseAccount.objects.create(user=user, enterprise=enterprise, must_change_password=False)
    return user


def url(enterprise, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("enterprises:disclosure", args=[enterprise.pk]) + (f"?{query}" if query else "")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("inspector", 200),
        ("supervisor", 200),
        ("county", 200),
        ("admin", 200),
        ("other_supervisor", 404),
        ("other_inspector", 404),
    ],
)
def test_the_disclosure_by_role(client, personas, enterprise_a1, who, status):
    login(client, getattr(personas, who))
    assert client.get(url(enterprise_a1)).status_code == status


def test_the_enterprise_prints_its_own_and_not_another(
    client, personas, enterprise_a1, enterprise_a2
):
    mine = make_hazard(enterprise_a1, personas.inspector, "fixed", description="配电箱未上锁")
    login(client, account_user(enterprise_a1, "qy_a1"))
    response = client.get(url(enterprise_a1))
    assert response.status_code == 200 and mine.description in response.text
    assert client.get(url(enterprise_a2)).status_code == 404
    login(client, account_user(enterprise_a2, "qy_a2"))
    assert client.get(url(enterprise_a1)).status_code == 404


def test_it_lists_the_period_without_void_hazards_and_names_the_major_ones(
    client, personas, enterprise_a1
):
    today = timezone.localdate()
    make_hazard(enterprise_a1, personas.inspector, "deadline", description="消防通道堵塞")
    make_hazard(enterprise_a1, personas.inspector, "void", description="误报的隐患")
    make_hazard(
        enterprise_a1,
        personas.inspector,
        "found",
        description="十年前的隐患",
        at=timezone.now() - 3650 * DAY,
    )
    make_hazard(enterprise_a1, personas.inspector, "found", level="major", description="储罐泄漏")
    login(client, personas.supervisor)
    response = client.get(url(enterprise_a1, start=today - 30 * DAY, end=today))
    hazards = response.context["hazards"]
    assert sorted(h.description for h in hazards) == ["储罐泄漏", "消防通道堵塞"]
    assert [h.description for h in response.context["major"]] == ["储罐泄漏"]
    assert "误报的隐患" not in response.text and "十年前的隐患" not in response.text


def test_an_end_before_the_start_is_refused_in_chinese_and_lists_nothing(
    client, personas, enterprise_a1
):
    make_hazard(enterprise_a1, personas.inspector, "found")
    today = timezone.localdate()
    login(client, personas.supervisor)
    response = client.get(url(enterprise_a1, start=today, end=today - DAY))
    assert response.status_code == 400
    assert "结束日期不能早于开始日期" in response.text
    assert response.context["hazards"] == []


def test_a_malformed_date_is_refused(client, personas, enterprise_a1):
    login(client, personas.supervisor)
    response = client.get(url(enterprise_a1, start="2026-13-40", end="x"))
    assert response.status_code == 400
    assert response.context["hazards"] == []


def test_the_disclosure_reads_in_the_same_queries_at_few_and_many_rows(
    client, personas, enterprise_a1, django_assert_num_queries
):
    for _i in range(2):
        make_hazard(enterprise_a1, personas.inspector, "deadline")
    login(client, personas.supervisor)
    client.get(url(enterprise_a1))  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(url(enterprise_a1))
    assert len(few.captured_queries) <= 10
    for _i in range(10):
        make_hazard(enterprise_a1, personas.inspector, "fixed")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url(enterprise_a1))
