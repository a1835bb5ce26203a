"""A cell and everything beneath it, and the grid's order: each defined once in grid.models."""

import pytest

from enterprises.models import Enterprise
from grid.models import GridCell, in_tree_order, q_beneath, tree_key
from tests.factories import make_cell

pytestmark = pytest.mark.django_db


def test_a_subtree_is_the_cell_and_everything_beneath_it(grid):
    names = set(GridCell.objects.subtree(grid.area_a).values_list("name", flat=True))
    assert names == {"第一工作区", "东村", "西村"}
    both = GridCell.objects.subtree(grid.village_a1, grid.town_b)
    assert set(both.values_list("pk", flat=True)) == {
        grid.village_a1.pk,
        grid.town_b.pk,
        grid.area_b.pk,
        grid.village_b1.pk,
    }
    assert not GridCell.objects.subtree().exists()


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("county", {"东村机械厂", "西村建材厂", "南村化工厂"}),
        ("town_a", {"东村机械厂", "西村建材厂"}),
        ("area_a", {"东村机械厂", "西村建材厂"}),
        ("village_a2", {"西村建材厂"}),
        ("village_b1", {"南村化工厂"}),
    ],
)
def test_records_beneath_a_cell_at_every_level(
    grid, enterprise_a1, enterprise_a2, enterprise_b, cell, expected
):
    found = Enterprise.objects.filter(q_beneath(getattr(grid, cell)))
    assert set(found.values_list("name", flat=True)) == expected


def test_the_grids_order_reads_the_path_as_numbers_not_as_text(grid):
    # Enough townships that ids reach two digits: "1/15/" sorts before "1/2/" as text.
    extra = [make_cell(f"新{i}镇", GridCell.Level.TOWNSHIP, grid.county) for i in range(10)]
    townships = GridCell.objects.filter(level=GridCell.Level.TOWNSHIP)
    ordered = in_tree_order(townships)
    assert [c.pk for c in ordered] == sorted(c.pk for c in townships)
    assert ordered[0] == grid.town_a and ordered[-1] == extra[-1]
    assert tree_key(grid.village_a1) == (
        grid.county.pk,
        grid.town_a.pk,
        grid.area_a.pk,
        grid.village_a1.pk,
    )
    # Depth first: a village created late still comes under its own township.
    late = make_cell("晚村", GridCell.Level.VILLAGE, grid.area_a)
    cells = in_tree_order(GridCell.objects.all())
    assert cells.index(late) < cells.index(grid.town_b)


def test_the_cell_choice_field_lists_cells_in_the_grids_order(db):
    from grid.forms import CellChoiceField

    county = make_cell("示范县", GridCell.Level.COUNTY)
    towns = [make_cell(f"镇{i}", GridCell.Level.TOWNSHIP, county) for i in range(12)]
    field = CellChoiceField(queryset=GridCell.objects.order_by("path"), empty_label=None)
    labels = [label.strip("\u3000") for _value, label in field.choices]
    assert labels == ["示范县", *[t.name for t in towns]]
