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


@pytest.fixture
def many_overdue(personas, enterprise_a1, enterprise_b, monkeypatch):
    """Seven overdue in 甲镇 and three in 乙镇; the board
    shows three per township and the township page two rows a page."""
    from hazards import selectors, views

    monkeypatch.setattr(selectors, "OVERDUE_PER_TOWNSHIP", 3)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    a = [
        make_hazard(enterprise_a1, personas.inspector, "deadline", at=ago(20 + i)) for i in range(7)
    ]
    b = [
        make_hazard(enterprise_b, personas.other_inspector, "deadline", at=ago(30 + i))
        for i in range(3)
    ]
    return a, b


def test_the_board_shows_the_most_overdue_per_township_and_counts_them_all(
    client, personas, many_overdue
):
    a, b = many_overdue
    response = login(client, personas.county).get(OVERDUE)
    town_a, town_b = response.context["groups"]
    assert [h.number for h in town_a.hazards] == [h.number for h in reversed(a[-3:])]
    assert (town_a.count, town_a.more, town_a.max_days) == (7, 4, 26 - 14)
    assert (town_b.count, town_b.more) == (3, 0)
    assert response.context["total"] == 10
    body = response.content.decode()
    assert a[0].number not in body  # the least overdue of 甲镇 is a page away
    assert f"{OVERDUE}?township={town_a.township.pk}" in body
    assert "另有 4 条未列出，查看全部 7 条" in body
    assert f"?township={town_b.township.pk}" not in body


def test_a_townships_whole_list_comes_a_page_at_a_time(client, personas, grid, many_overdue):
    a, _ = many_overdue
    login(client, personas.supervisor)
    url = f"{OVERDUE}?township={grid.town_a.pk}"
    first = client.get(url)
    [group] = first.context["groups"]
    assert (group.count, first.context["total"]) == (7, 7)
    assert [h.number for h in group.hazards] == [a[6].number, a[5].number]
    second = client.get(url + "&page=2").context["groups"][0]
    assert [h.number for h in second.hazards] == [a[4].number, a[3].number]
    last = client.get(url + "&page=99").context["groups"][0]  # out of range: the last page
    assert [h.number for h in last.hazards] == [a[0].number]
    assert client.get(url + "&page=abc").context["page_obj"].number == 1


def test_a_township_out_of_scope_or_not_a_township_is_not_found(
    client, personas, grid, many_overdue
):
    login(client, personas.supervisor)
    for township in (grid.town_b.pk, grid.village_a1.pk, "x", ""):
        assert client.get(OVERDUE, {"township": township}).status_code == 404
