from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.factories import make_hazard

pytestmark = pytest.mark.django_db
URL = reverse("hazards:list")


def test_the_login_page_guards_the_ledger(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize("who", ["inspector", "supervisor", "county", "admin", "other_inspector"])
def test_every_role_sees_the_ledger_of_its_own_scope(client, personas, enterprise_a1, who):
    h = make_hazard(enterprise_a1, personas.inspector)
    response = login(client, getattr(personas, who)).get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "隐患台账" in body
    if who == "other_inspector":
        assert h.number not in body
    else:
        assert h.number in body
        assert enterprise_a1.name in body


def test_tabs_show_a_count_per_state(client, personas, enterprise_a1):
    p = personas
    make_hazard(enterprise_a1, p.inspector, "found")
    make_hazard(enterprise_a1, p.inspector, "deadline", at=timezone.now() - timedelta(days=20))
    make_hazard(enterprise_a1, p.inspector, "void")
    response = login(client, p.supervisor).get(URL)
    tabs = {t["key"]: t["count"] for t in response.context["tabs"]}
    assert tabs == {
        "": 2,
        "found": 1,
        "deadline": 1,
        "overdue": 1,
        "fixed": 0,
        "closed": 0,
        "void": 1,
    }


def test_an_invalid_date_is_a_chinese_error_not_a_500(client, personas, enterprise_a1):
    make_hazard(enterprise_a1, personas.inspector)
    response = login(client, personas.supervisor).get(URL, {"found_from": "2026-13-45"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "筛选条件有误" in body
    assert "有效的日期" in body
    assert list(response.context["page_obj"]) == []


def test_htmx_requests_get_only_the_table_fragment(client, personas, enterprise_a1):
    h = make_hazard(enterprise_a1, personas.inspector)
    response = login(client, personas.supervisor).get(URL, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert h.number in body
    assert 'id="ledger"' in body
    assert "<html" not in body


def test_the_page_is_paginated_by_50(client, personas, enterprise_a1):
    for _ in range(51):
        make_hazard(enterprise_a1, personas.inspector)
    response = login(client, personas.supervisor).get(URL)
    assert len(response.context["page_obj"].object_list) == 50
    response = client.get(URL, {"page": 2})
    assert len(response.context["page_obj"].object_list) == 1


def _count_queries(client, url, params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "params", [{}, {"status": "overdue", "cell": "", "q": "配电"}, {"sort": "enterprise"}]
)
def test_the_query_count_does_not_grow_with_the_rows(
    client, personas, enterprise_a1, enterprise_a2, grid, params, settings
):
    settings.LEDGER_TABS_CACHE_SECONDS = 0  # the tabs read each time (the cache: elsewhere)
    login(client, personas.supervisor)
    params = {**params}
    if "cell" in params:
        params["cell"] = grid.area_a.pk
    for _ in range(5):
        make_hazard(
            enterprise_a1, personas.inspector, "deadline", at=timezone.now() - timedelta(days=20)
        )
    client.get(URL, params)  # the filter card's options into the cache (scope_choices)
    few = _count_queries(client, URL, params)
    for i in range(45):
        ent = enterprise_a1 if i % 2 else enterprise_a2
        make_hazard(ent, personas.supervisor, "deadline", at=timezone.now() - timedelta(days=20))
    many = _count_queries(client, URL, params)
    assert few == many
    response = client.get(URL, params)
    assert len(response.context["page_obj"].object_list) == 50


def test_the_export_button_keeps_the_querystring(client, personas, enterprise_a1):
    export = reverse("reports:export_ledger")
    response = login(client, personas.supervisor).get(URL, {"level": "major"})
    assert f"{export}?level=major" in response.content.decode()


def test_sort_headers_link_to_the_other_direction(client, personas, enterprise_a1):
    make_hazard(enterprise_a1, personas.inspector)
    response = login(client, personas.supervisor).get(URL, {"sort": "number", "level": "general"})
    body = response.content.decode()
    assert "sort=-number" in body
    assert "level=general" in body


@pytest.mark.parametrize(
    "status", ["", "found", "deadline", "overdue", "fixed", "closed", "void", "open", "on_time"]
)
def test_the_total_above_the_table_is_the_number_of_rows_listed(
    client, personas, enterprise_a1, status
):
    p = personas
    make_hazard(enterprise_a1, p.inspector, "found")
    make_hazard(enterprise_a1, p.inspector, "deadline", at=timezone.now() - timedelta(days=20))
    make_hazard(enterprise_a1, p.inspector, "deadline")
    make_hazard(enterprise_a1, p.inspector, "fixed")
    make_hazard(enterprise_a1, p.inspector, "void")
    response = login(client, p.supervisor).get(URL, {"status": status})
    page = response.context["page_obj"]
    assert page.paginator.count == len(page.object_list)
    assert page.paginator.count == response.context["filter"].qs.count()
    assert f"共 {page.paginator.count} 条" in response.content.decode()
