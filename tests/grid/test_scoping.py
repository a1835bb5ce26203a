"""What each persona sees: their cells and everything beneath, never a neighbour's."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from grid import roles, scoping
from grid.models import GridCell
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(enterprise_a1, enterprise_a2, enterprise_b):
    return enterprise_a1, enterprise_a2, enterprise_b


def visible(user):
    return set(scoping.enterprises_for(user).values_list("name", flat=True))


def test_an_inspector_of_village_a1_sees_only_a1(personas, three):
    assert visible(personas.inspector) == {"东村机械厂"}


def test_a_supervisor_sees_the_whole_township(personas, three):
    assert visible(personas.supervisor) == {"东村机械厂", "西村建材厂"}


def test_an_inspector_of_township_b_sees_only_b(personas, three):
    assert visible(personas.other_inspector) == {"南村化工厂"}


def test_the_county_and_the_administrator_see_every_township(personas, three):
    everything = {"东村机械厂", "西村建材厂", "南村化工厂"}
    assert visible(personas.county) == everything
    assert visible(personas.admin) == everything


def test_a_work_area_assignment_covers_its_villages(grid, three):
    user = UserFactory(role=roles.INSPECTOR, cells=[grid.area_a])
    assert visible(user) == {"东村机械厂", "西村建材厂"}


def test_a_user_without_assignments_sees_nothing(grid, three):
    assert visible(UserFactory(role=roles.SUPERVISOR)) == set()


def test_an_inactive_user_sees_nothing(personas, three):
    personas.county.is_active = False
    assert visible(personas.county) == set()


def test_an_inactive_cell_grants_nothing(grid, three):
    user = UserFactory(role=roles.INSPECTOR, cells=[grid.village_a1])
    GridCell.objects.filter(pk=grid.village_a1.pk).update(is_active=False)
    assert visible(user) == set()


def test_cells_for_covers_the_subtree(personas, grid):
    assert set(scoping.cells_for(personas.supervisor)) == {
        grid.town_a,
        grid.area_a,
        grid.village_a1,
        grid.village_a2,
    }
    assert set(scoping.cells_for(personas.inspector)) == {grid.village_a1}
    assert grid.village_b1 in set(scoping.cells_for(personas.county))
    assert grid.village_b1 not in set(scoping.cells_for(personas.supervisor))


def test_townships_for_names_the_township_of_a_village_assignment(personas, grid):
    assert set(scoping.townships_for(personas.inspector)) == {grid.town_a}
    assert set(scoping.townships_for(personas.county)) == {grid.town_a, grid.town_b}


def test_the_scope_is_computed_once_per_user_object(personas, grid, django_assert_num_queries):
    scoping.forget(personas.inspector)
    scoping.scope_of(personas.inspector)
    with django_assert_num_queries(0):
        scoping.scope_of(personas.inspector)


def test_require_answers_404_outside_the_scope_and_403_for_a_forbidden_role(
    personas, enterprise_a1, enterprise_b
):
    with pytest.raises(Http404, match="not found"):
        scoping.require(personas.supervisor, "enterprise.edit", enterprise_b)
    with pytest.raises(PermissionDenied, match="^$"):  # a bare 403: the role, not the scope
        scoping.require(personas.inspector, "enterprise.edit", enterprise_a1)
    scoping.require(personas.supervisor, "enterprise.edit", enterprise_a1)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("inspector", False), ("supervisor", True), ("county", True), ("admin", True)],
)
def test_who_may_edit_enterprises(personas, role, allowed):
    assert scoping.allowed(getattr(personas, role), "enterprise.edit") is allowed


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("inspector", False), ("supervisor", False), ("county", False), ("admin", True)],
)
def test_only_administrators_may_import_enterprises(personas, role, allowed):
    assert scoping.allowed(getattr(personas, role), "enterprise.import") is allowed


def test_the_highest_role_wins_for_a_user_in_several_groups(grid):
    user = UserFactory(role=roles.INSPECTOR)
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get(name=roles.GROUP_NAMES[roles.SUPERVISOR]))
    assert roles.role_of(user) == roles.SUPERVISOR


def test_a_new_enterprise_in_a_village_is_seen_by_its_township_supervisor(personas, grid):
    e = EnterpriseFactory(cell=grid.village_a2)
    assert scoping.can_see(personas.supervisor, e)
    assert not scoping.can_see(personas.inspector, e)
    assert not scoping.can_see(personas.other_supervisor, e)
