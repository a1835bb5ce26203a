"""The grid admin: cells created through the service, never moved, never deleted; users
with their role groups and cells, as the 管理员 role (a staff user, not a superuser)."""

import pytest
from django.urls import reverse

from grid.models import Assignment, GridCell
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_the_admin_role_opens_the_grid_changelist_in_tree_order(
    client, personas, grid, django_assert_max_num_queries
):
    login(client, personas.admin)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("admin:grid_gridcell_changelist"))
    assert response.status_code == 200
    listed = list(response.context["cl"].result_list)
    assert listed[0] == grid.county
    assert [c.path for c in listed] == sorted(c.path for c in listed)


def test_an_administrator_adds_a_village_and_its_path_and_township_are_derived(
    client, personas, grid
):
    login(client, personas.admin)
    response = client.post(
        reverse("admin:grid_gridcell_add"),
        {
            "name": "北村",
            "code": "",
            "level": GridCell.Level.VILLAGE,
            "parent": grid.area_a.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    cell = GridCell.objects.get(name="北村")
    assert cell.path == f"{grid.area_a.path}{cell.pk}/"
    assert cell.township_id == grid.town_a.pk


def test_a_cell_under_a_lower_level_is_refused_with_a_message(client, personas, grid):
    login(client, personas.admin)
    response = client.post(
        reverse("admin:grid_gridcell_add"),
        {"name": "怪镇", "level": GridCell.Level.TOWNSHIP, "parent": grid.area_a.pk},
    )
    assert response.status_code == 200
    assert "上级网格的层级必须高于本网格" in response.content.decode()
    assert not GridCell.objects.filter(name="怪镇").exists()


def test_a_duplicate_name_under_the_same_parent_is_refused(client, personas, grid):
    login(client, personas.admin)
    response = client.post(
        reverse("admin:grid_gridcell_add"),
        {"name": "东村", "level": GridCell.Level.VILLAGE, "parent": grid.area_a.pk},
    )
    assert response.status_code == 200
    assert GridCell.objects.filter(name="东村").count() == 1


def test_parent_and_level_are_read_only_after_creation(client, personas, grid):
    login(client, personas.admin)
    url = reverse("admin:grid_gridcell_change", args=[grid.village_a1.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "东村社区",
            "code": "370001",
            "level": 2,
            "parent": grid.town_b.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    grid.village_a1.refresh_from_db()
    assert grid.village_a1.name == "东村社区" and grid.village_a1.code == "370001"
    assert grid.village_a1.parent_id == grid.area_a.pk
    assert grid.village_a1.level == GridCell.Level.VILLAGE


def test_cells_cannot_be_deleted(client, personas, grid):
    login(client, personas.admin)
    response = client.get(reverse("admin:grid_gridcell_delete", args=[grid.village_a1.pk]))
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["inspector", "supervisor", "county"])
def test_other_roles_cannot_reach_the_admin(client, personas, role):
    response = login(client, getattr(personas, role)).get(reverse("admin:grid_gridcell_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


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
