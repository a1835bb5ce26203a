"""我的工作 and the 逾期督办 board."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.factories import make_hazard

pytestmark = pytest.mark.django_db
MY_WORK = reverse("hazards:my_work")
OVERDUE = reverse("hazards:overdue")


def ago(days):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def work(personas, enterprise_a1, enterprise_b):
    p = personas
    return {
        "due": make_hazard(enterprise_a1, p.inspector, "deadline", at=ago(10)),  # due in 4 days
        "later": make_hazard(enterprise_a1, p.inspector, "deadline"),  # due in 14 days
        "overdue": make_hazard(enterprise_a1, p.inspector, "deadline", at=ago(20)),
        "fixed_by_inspector": make_hazard(enterprise_a1, p.inspector, "fixed"),
        "fixed_by_supervisor": make_hazard(enterprise_a1, p.supervisor, "fixed"),
        "major_fixed": make_hazard(enterprise_a1, p.inspector, "fixed", level="major"),
        "elsewhere": make_hazard(enterprise_b, p.other_inspector, "deadline", at=ago(20)),
    }


def numbers(qs):
    return sorted(h.number for h in qs)


def test_my_work_for_an_inspector(client, personas, work):
    response = login(client, personas.inspector).get(MY_WORK)
    assert response.status_code == 200
    c = response.context
    assert numbers(c["due_soon"]) == [work["due"].number]
    assert numbers(c["overdue"]) == [work["overdue"].number]
    assert list(c["recheck"]) == []


def test_my_work_for_a_supervisor_lists_fixes_awaiting_his_recheck(client, personas, work):
    response = login(client, personas.supervisor).get(MY_WORK)
    c = response.context
    # Not his own fix, and not the major hazard (only the county closes those).
    assert numbers(c["recheck"]) == [work["fixed_by_inspector"].number]
    body = response.content.decode()
    assert work["fixed_by_inspector"].number in body
    assert work["elsewhere"].number not in body


def test_my_work_for_the_county_includes_major_fixes(client, personas, work):
    c = login(client, personas.county).get(MY_WORK).context
    assert work["major_fixed"].number in numbers(c["recheck"])
    assert work["elsewhere"].number in numbers(c["overdue"])


def test_my_work_for_another_township_shows_only_its_own(client, personas, work):
    c = login(client, personas.other_inspector).get(MY_WORK).context
    assert numbers(c["overdue"]) == [work["elsewhere"].number]
    assert list(c["due_soon"]) == []


@pytest.mark.parametrize(
    "who,status",
    [
        ("inspector", 403),
        ("other_inspector", 403),
        ("supervisor", 200),
        ("county", 200),
        ("admin", 200),
    ],
)
def test_the_overdue_board_per_role(client, personas, work, who, status):
    response = login(client, getattr(personas, who)).get(OVERDUE)
    assert response.status_code == status


def test_the_board_groups_by_township_most_overdue_first(client, personas, enterprise_a1, work):
    older = make_hazard(enterprise_a1, personas.inspector, "deadline", at=ago(40))
    response = login(client, personas.county).get(OVERDUE)
    groups = response.context["groups"]
    assert [g.township.name for g in groups] == ["甲镇", "乙镇"]
    assert [h.number for h in groups[0].hazards] == [older.number, work["overdue"].number]
    assert groups[0].hazards[0].days_overdue == 26
    body = response.content.decode()
    assert reverse("hazards:order_create", args=[older.pk]) in body


def test_a_supervisor_sees_only_his_township_on_the_board(client, personas, work):
    response = login(client, personas.supervisor).get(OVERDUE)
    body = response.content.decode()
    assert work["overdue"].number in body
    assert work["elsewhere"].number not in body


def test_the_admin_sees_the_board_but_no_order_button(client, personas, work):
    body = login(client, personas.admin).get(OVERDUE).content.decode()
    assert work["overdue"].number in body
    assert reverse("hazards:order_create", args=[work["overdue"].pk]) not in body


def test_the_board_query_count_does_not_grow(client, personas, enterprise_a1, enterprise_b):
    login(client, personas.county)
    make_hazard(enterprise_a1, personas.inspector, "deadline", at=ago(30))
    with CaptureQueriesContext(connection) as few:
        client.get(OVERDUE)
    for i in range(10):
        ent = enterprise_a1 if i % 2 else enterprise_b
        by = personas.inspector if i % 2 else personas.other_inspector
        make_hazard(ent, by, "deadline", at=ago(20 + i))
    with CaptureQueriesContext(connection) as many:
        client.get(OVERDUE)
    assert len(few.captured_queries) == len(many.captured_queries)
