"""The enterprise pages, for every role, with the refused cases."""

import re

import pytest
from django.urls import reverse

from enterprises.models import Enterprise, EnterpriseStatus, Industry, RiskColour
from tests.conftest import login
from tests.factories import EnterpriseFactory, valid_uscc

pytestmark = pytest.mark.django_db

ROLES = ["inspector", "supervisor", "other_inspector", "county", "admin"]


def names(response):
    return {e.name for e in response.context["page_obj"].object_list}


# --- list -------------------------------------------------------------------------------


def test_the_list_asks_anonymous_users_to_log_in(client, grid):
    response = client.get(reverse("enterprises:list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_an_inspector_of_village_a1_sees_only_a1s_enterprises(
    client, personas, enterprise_a1, enterprise_a2, enterprise_b
):
    response = login(client, personas.inspector).get(reverse("enterprises:list"))
    assert response.status_code == 200
    assert names(response) == {"东村机械厂"}
    assert "西村建材厂" not in response.content.decode()


def test_a_supervisor_sees_the_whole_township_and_nothing_else(
    client, personas, enterprise_a1, enterprise_a2, enterprise_b
):
    response = login(client, personas.supervisor).get(reverse("enterprises:list"))
    assert names(response) == {"东村机械厂", "西村建材厂"}


def test_an_inspector_of_township_b_sees_only_township_b(
    client, personas, enterprise_a1, enterprise_a2, enterprise_b
):
    response = login(client, personas.other_inspector).get(reverse("enterprises:list"))
    assert names(response) == {"南村化工厂"}


@pytest.mark.parametrize("role", ["county", "admin"])
def test_county_and_admin_users_see_every_township(
    client, personas, enterprise_a1, enterprise_a2, enterprise_b, role
):
    response = login(client, getattr(personas, role)).get(reverse("enterprises:list"))
    assert names(response) == {"东村机械厂", "西村建材厂", "南村化工厂"}


def test_a_user_without_a_role_is_refused(client, grid):
    from tests.factories import UserFactory

    response = login(client, UserFactory()).get(reverse("enterprises:list"))
    assert response.status_code == 403


def test_the_search_matches_name_or_credit_code(client, personas, enterprise_a1, enterprise_a2):
    login(client, personas.supervisor)
    assert names(client.get(reverse("enterprises:list"), {"q": "机械"})) == {"东村机械厂"}
    code = enterprise_a2.uscc.lower()
    assert names(client.get(reverse("enterprises:list"), {"q": code})) == {"西村建材厂"}


def test_the_filters_narrow_by_industry_risk_scale_and_status(client, personas, grid):
    EnterpriseFactory(
        name="红色化工", cell=grid.village_a1, industry=Industry.HAZARDOUS_CHEMICALS, risk="red"
    )
    EnterpriseFactory(
        name="停产机械", cell=grid.village_a1, status=EnterpriseStatus.SUSPENDED, scale="above"
    )
    login(client, personas.supervisor)
    url = reverse("enterprises:list")
    assert names(client.get(url, {"industry": "hazchem"})) == {"红色化工"}
    assert names(client.get(url, {"risk": RiskColour.RED})) == {"红色化工"}
    assert names(client.get(url, {"scale": "above"})) == {"停产机械"}
    assert names(client.get(url, {"status": "suspended"})) == {"停产机械"}


def test_the_filter_card_has_small_controls_and_the_form_pages_full_size(client, personas, grid):
    login(client, personas.supervisor)
    listed = client.get(reverse("enterprises:list")).content.decode()
    assert re.search(r'<select name="industry"[^>]* class="form-select form-select-sm"', listed)
    assert re.search(
        r'<input type="search" name="q"[^>]* class="form-control form-control-sm"', listed
    )
    form = client.get(reverse("enterprises:create")).content.decode()
    assert re.search(r'<select name="industry"[^>]* class="form-select"', form)
    assert re.search(r'<input type="text" name="name"[^>]* class="form-control"', form)


def test_the_cell_filter_covers_everything_beneath_the_cell(
    client, personas, grid, enterprise_a1, enterprise_a2, enterprise_b
):
    login(client, personas.county)
    url = reverse("enterprises:list")
    assert names(client.get(url, {"cell": grid.area_a.pk})) == {"东村机械厂", "西村建材厂"}
    assert names(client.get(url, {"cell": grid.village_a2.pk})) == {"西村建材厂"}
    assert names(client.get(url, {"township": grid.town_b.pk})) == {"南村化工厂"}


def test_the_cell_dropdown_offers_only_cells_the_user_can_see(client, personas, grid):
    response = login(client, personas.inspector).get(reverse("enterprises:list"))
    offered = set(response.context["filter"].form.fields["cell"].queryset)
    assert offered == {grid.village_a1}
    townships = set(response.context["filter"].form.fields["township"].queryset)
    assert townships == {grid.town_a}


def test_an_inspector_cannot_filter_by_another_townships_cell(
    client, personas, grid, enterprise_a1, enterprise_b
):
    response = login(client, personas.inspector).get(
        reverse("enterprises:list"), {"cell": grid.village_b1.pk}
    )
    assert response.status_code == 200
    assert "南村化工厂" not in response.content.decode()
    assert response.context["filter"].form.errors


def test_the_list_is_paginated_by_fifty(client, personas, grid):
    EnterpriseFactory.create_batch(51, cell=grid.village_a1)
    response = login(client, personas.supervisor).get(reverse("enterprises:list"))
    assert len(response.context["page_obj"].object_list) == 50
    second = client.get(reverse("enterprises:list"), {"page": 2})
    assert len(second.context["page_obj"].object_list) == 1


@pytest.mark.parametrize("role", ROLES)
def test_the_list_takes_the_same_queries_for_one_row_and_thirty(
    client, personas, grid, django_assert_num_queries, role
):
    user = getattr(personas, role)
    village = grid.village_b1 if role == "other_inspector" else grid.village_a1
    EnterpriseFactory(cell=village)
    login(client, user)
    client.get(reverse("enterprises:list"))  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("enterprises:list")).status_code == 200
    EnterpriseFactory.create_batch(29, cell=village)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("enterprises:list"))
    assert len(response.context["page_obj"].object_list) == 30
    assert len(one.captured_queries) <= 10


# --- detail -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["inspector", "supervisor", "county", "admin"])
def test_the_detail_page_renders_for_every_role_that_can_see_it(
    client, personas, enterprise_a1, role, django_assert_max_num_queries
):
    enterprise_a1.inspectors.set([personas.inspector])
    login(client, getattr(personas, role))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("enterprises:detail", args=[enterprise_a1.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert enterprise_a1.uscc in body
    assert personas.inspector.get_full_name() in body


def test_an_inspector_of_another_township_gets_404_on_the_detail(client, personas, enterprise_a1):
    response = login(client, personas.other_inspector).get(
        reverse("enterprises:detail", args=[enterprise_a1.pk])
    )
    assert response.status_code == 404


def test_an_inspector_of_village_a1_gets_404_on_a2s_enterprise(client, personas, enterprise_a2):
    response = login(client, personas.inspector).get(
        reverse("enterprises:detail", args=[enterprise_a2.pk])
    )
    assert response.status_code == 404


def test_the_edit_button_shows_only_to_those_who_may_edit(client, personas, enterprise_a1):
    edit = reverse("enterprises:edit", args=[enterprise_a1.pk])
    detail = reverse("enterprises:detail", args=[enterprise_a1.pk])
    assert edit not in login(client, personas.inspector).get(detail).content.decode()
    assert edit in login(client, personas.supervisor).get(detail).content.decode()


# --- create and edit --------------------------------------------------------------------


def form_data(cell, **overrides):
    data = {
        "name": "示范县甲镇恒泰机械有限公司",
        "uscc": valid_uscc(),
        "industry": Industry.MACHINERY,
        "scale": "below",
        "cell": cell.pk,
        "address": "甲镇东村1号",
        "legal_representative": "王强",
        "safety_officer": "李明",
        "phone": "13912345678",
        "risk": RiskColour.YELLOW,
        "status": EnterpriseStatus.OPERATING,
    }
    data.update(overrides)
    return data


def test_a_supervisor_registers_an_enterprise_and_the_township_is_copied_from_the_cell(
    client, personas, grid
):
    login(client, personas.supervisor)
    data = form_data(grid.village_a2, inspectors=[personas.inspector.pk])
    data["uscc"] = data["uscc"].lower()
    response = client.post(reverse("enterprises:create"), data)
    enterprise = Enterprise.objects.get(name="示范县甲镇恒泰机械有限公司")
    assert response.status_code == 302
    assert response["Location"] == reverse("enterprises:detail", args=[enterprise.pk])
    assert enterprise.township_id == grid.town_a.pk
    assert enterprise.uscc == data["uscc"].upper()
    assert list(enterprise.inspectors.all()) == [personas.inspector]


@pytest.mark.parametrize("role", ["supervisor", "county", "admin"])
def test_the_create_form_renders_for_editors(client, personas, role, django_assert_max_num_queries):
    login(client, getattr(personas, role))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("enterprises:create"))
    assert response.status_code == 200


def test_an_inspector_may_not_create_or_edit(client, personas, grid, enterprise_a1):
    login(client, personas.inspector)
    assert client.get(reverse("enterprises:create")).status_code == 403
    assert client.post(reverse("enterprises:create"), form_data(grid.village_a1)).status_code == 403
    assert client.get(reverse("enterprises:edit", args=[enterprise_a1.pk])).status_code == 403
    assert Enterprise.objects.count() == 1


def test_a_wrong_check_character_is_refused_with_a_chinese_message(client, personas, grid):
    code = valid_uscc()
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    login(client, personas.supervisor)
    response = client.post(reverse("enterprises:create"), form_data(grid.village_a1, uscc=wrong))
    assert response.status_code == 200
    assert f"校验位错误：最后一位应为 {code[17]}" in response.content.decode()
    assert not Enterprise.objects.exists()


def test_a_bad_phone_number_is_refused(client, personas, grid):
    login(client, personas.supervisor)
    response = client.post(reverse("enterprises:create"), form_data(grid.village_a1, phone="12345"))
    assert "请输入有效的电话号码" in response.content.decode()
    assert not Enterprise.objects.exists()


def test_a_duplicate_credit_code_is_refused(client, personas, grid, enterprise_a1):
    login(client, personas.supervisor)
    response = client.post(
        reverse("enterprises:create"), form_data(grid.village_a2, uscc=enterprise_a1.uscc)
    )
    assert "该统一社会信用代码已登记" in response.content.decode()
    assert Enterprise.objects.count() == 1


def test_the_cell_must_be_a_village(client, personas, grid):
    login(client, personas.supervisor)
    response = client.post(reverse("enterprises:create"), form_data(grid.area_a))
    assert response.status_code == 200
    assert response.context["form"].errors["cell"]
    assert not Enterprise.objects.exists()


def test_a_supervisor_cannot_put_an_enterprise_in_another_township(client, personas, grid):
    login(client, personas.supervisor)
    response = client.post(reverse("enterprises:create"), form_data(grid.village_b1))
    assert response.context["form"].errors["cell"]
    assert not Enterprise.objects.exists()


def test_the_responsible_inspectors_are_limited_to_the_users_scope(client, personas, grid):
    login(client, personas.supervisor)
    response = client.get(reverse("enterprises:create"))
    offered = set(response.context["form"].fields["inspectors"].queryset)
    assert personas.inspector in offered and personas.supervisor2 in offered
    assert personas.other_inspector not in offered and personas.county not in offered
    response = client.post(
        reverse("enterprises:create"),
        form_data(grid.village_a1, inspectors=[personas.other_inspector.pk]),
    )
    assert response.context["form"].errors["inspectors"]
    assert not Enterprise.objects.exists()


def test_a_supervisor_edits_an_enterprise_and_moves_it_to_another_village(
    client, personas, grid, enterprise_a1
):
    login(client, personas.supervisor)
    data = form_data(grid.village_a2, uscc=enterprise_a1.uscc, name="东村机械厂（新）")
    response = client.post(reverse("enterprises:edit", args=[enterprise_a1.pk]), data)
    assert response.status_code == 302
    enterprise_a1.refresh_from_db()
    assert enterprise_a1.name == "东村机械厂（新）"
    assert enterprise_a1.cell_id == grid.village_a2.pk


def test_a_supervisor_of_another_township_gets_404_on_the_edit_page(
    client, personas, grid, enterprise_a1
):
    login(client, personas.other_supervisor)
    url = reverse("enterprises:edit", args=[enterprise_a1.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, form_data(grid.village_b1, uscc=enterprise_a1.uscc)).status_code == 404
    enterprise_a1.refresh_from_db()
    assert enterprise_a1.cell_id == grid.village_a1.pk


@pytest.mark.parametrize("role", ["supervisor", "county", "admin"])
def test_the_edit_page_renders_with_bounded_queries(
    client, personas, enterprise_a1, role, django_assert_max_num_queries
):
    login(client, getattr(personas, role))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("enterprises:edit", args=[enterprise_a1.pk]))
    assert response.status_code == 200
