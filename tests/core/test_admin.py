"""The user and enterprise admin, as the 管理员 role (a staff user, not a superuser)."""

import pytest
from django.urls import reverse

from enterprises.models import Enterprise
from grid.models import Assignment
from tests.conftest import login
from tests.factories import valid_uscc

pytestmark = pytest.mark.django_db


def inline_data(prefix="grid_assignments", rows=()):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, cell in enumerate(rows):
        data[f"{prefix}-{i}-cell"] = str(cell.pk)
    return data


def test_the_admin_index_lists_the_master_data(client, personas):
    response = login(client, personas.admin).get(reverse("admin:index"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "网格" in body and "企业" in body and "用户" in body


def test_the_user_list_shows_role_groups_and_cells(client, personas, django_assert_max_num_queries):
    login(client, personas.admin)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("admin:auth_user_changelist"))
    body = response.content.decode()
    assert "网格员" in body and "乡镇监管" in body and "东村" in body


def test_an_administrator_assigns_a_cell_to_a_user_inline(client, personas, grid):
    login(client, personas.admin)
    user = personas.other_inspector
    url = reverse("admin:auth_user_change", args=[user.pk])
    assert client.get(url).status_code == 200
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": "",
        "email": "",
        "is_active": "on",
        "groups": [g.pk for g in user.groups.all()],
        "last_login_0": "",
        "last_login_1": "",
        **inline_data(rows=[grid.village_a2]),
    }
    data["grid_assignments-INITIAL_FORMS"] = "0"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Assignment.objects.filter(user=user, cell=grid.village_a2).exists()


def test_a_non_superuser_administrator_cannot_grant_superuser(client, personas):
    login(client, personas.admin)
    response = client.get(reverse("admin:auth_user_change", args=[personas.inspector.pk]))
    assert "is_superuser" not in response.context["adminform"].form.fields
    assert "user_permissions" not in response.context["adminform"].form.fields


def test_an_enterprise_added_in_the_admin_goes_through_the_service(client, personas, grid):
    login(client, personas.admin)
    code = valid_uscc()
    response = client.post(
        reverse("admin:enterprises_enterprise_add"),
        {
            "name": "后台登记企业",
            "uscc": code.lower(),
            "industry": "machinery",
            "scale": "below",
            "risk": "blue",
            "status": "operating",
            "cell": grid.village_b1.pk,
            "address": "",
            "legal_representative": "",
            "safety_officer": "",
            "phone": "",
            "inspectors": [personas.other_inspector.pk],
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    enterprise = Enterprise.objects.get(name="后台登记企业")
    assert enterprise.uscc == code
    assert enterprise.township_id == grid.town_b.pk
    assert list(enterprise.inspectors.all()) == [personas.other_inspector]


def test_an_enterprise_in_a_work_area_is_refused_in_the_admin(client, personas, grid):
    login(client, personas.admin)
    response = client.post(
        reverse("admin:enterprises_enterprise_add"),
        {
            "name": "错网格企业",
            "uscc": valid_uscc(),
            "industry": "machinery",
            "scale": "below",
            "risk": "blue",
            "status": "operating",
            "cell": grid.area_a.pk,
        },
    )
    assert response.status_code == 200
    assert not Enterprise.objects.exists()


def test_the_enterprise_changelist_renders(client, personas, enterprise_a1, enterprise_b):
    response = login(client, personas.admin).get(reverse("admin:enterprises_enterprise_changelist"))
    assert response.status_code == 200
    assert "东村机械厂" in response.content.decode()
