"""Grid cells: materialized paths, township copied down, names resolved from import paths."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from grid.models import GridCell
from grid.services import create_cell, find_by_names

pytestmark = pytest.mark.django_db


def test_a_cell_gets_its_parents_path_and_township(grid):
    assert grid.county.path == f"{grid.county.pk}/"
    assert (
        grid.village_a1.path
        == f"{grid.county.pk}/{grid.town_a.pk}/{grid.area_a.pk}/{grid.village_a1.pk}/"
    )
    assert grid.village_a1.township_id == grid.town_a.pk
    assert grid.town_a.township_id == grid.town_a.pk
    assert grid.county.township_id is None


def test_everything_beneath_a_cell_is_one_prefix_query(grid, django_assert_num_queries):
    with django_assert_num_queries(1):
        beneath = set(GridCell.objects.filter(path__startswith=grid.town_a.path))
    assert beneath == {grid.town_a, grid.area_a, grid.village_a1, grid.village_a2}


def test_full_name_reads_from_the_township_down(grid):
    assert grid.village_a1.full_name() == "甲镇/第一工作区/东村"


def test_find_by_names_resolves_an_import_path(grid):
    assert find_by_names(["甲镇", "第一工作区", "西村"]) == grid.village_a2
    assert find_by_names(["乙镇", "第一工作区"]) == grid.area_b
    assert find_by_names(["甲镇", "第一工作区", "南村"]) is None
    assert find_by_names(["第一工作区"]) is None


@pytest.mark.parametrize(
    ("level", "parent_attr", "message"),
    [
        (GridCell.Level.COUNTY, "county", "不能有上级网格"),
        (GridCell.Level.VILLAGE, None, "请选择上级网格"),
        (GridCell.Level.TOWNSHIP, "area_a", "层级必须高于"),
    ],
)
def test_a_cell_in_the_wrong_place_is_refused(grid, level, parent_attr, message):
    parent = getattr(grid, parent_attr) if parent_attr else None
    with pytest.raises(ValidationError, match=message):
        create_cell(name="新网格", level=level, parent=parent)
    assert not GridCell.objects.filter(name="新网格").exists()


def test_an_empty_name_is_refused(grid):
    with pytest.raises(ValidationError, match="名称不能为空"):
        create_cell(name="  ", level=GridCell.Level.VILLAGE, parent=grid.area_a)


def test_two_cells_of_one_name_under_one_parent_are_refused_by_the_database(grid):
    # The constraint's name on PostgreSQL; its columns on SQLite.
    unique = r"gridcell_unique_name_under_parent|grid_gridcell\.parent_id, grid_gridcell\.name"
    with pytest.raises(IntegrityError, match=unique), transaction.atomic():
        create_cell(name="东村", level=GridCell.Level.VILLAGE, parent=grid.area_a)
