"""Boards list townships and cells in the grid's order, not by the text of their path."""

import pytest

from grid.models import GridCell
from hazards.selectors import overdue_board
from inspections import selectors
from tests.factories import EnterpriseFactory, make_cell, today
from tests.reports.conftest import bulk_hazards

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(grid):
    """Twelve more townships, each with a village and an enterprise: ids reach two digits,
    and "1/12/" sorts before "1/2/" as text."""
    villages = []
    for i in range(12):
        town = make_cell(f"新{i}镇", GridCell.Level.TOWNSHIP, grid.county)
        area = make_cell("工作区", GridCell.Level.AREA, town)
        villages.append(make_cell(f"新{i}村", GridCell.Level.VILLAGE, area))
    return [EnterpriseFactory(cell=v) for v in villages]


def test_the_coverage_board_lists_townships_in_the_grids_order(many, grid, personas):
    EnterpriseFactory(cell=grid.village_a1)
    board = selectors.coverage(personas.county, *selectors.default_period())
    names = [t.township.name for t in board]
    assert names == ["甲镇", "乙镇", *(f"新{i}镇" for i in range(12))]


def test_the_overdue_board_lists_townships_in_the_grids_order(many, grid, personas):
    past = today().replace(day=1).replace(year=today().year - 1)
    for enterprise in [EnterpriseFactory(cell=grid.village_b1), *many]:
        bulk_hazards(enterprise, 1, status="deadline", found_on=past, deadline=past)
    groups = overdue_board(personas.county, today())
    assert [g.township.name for g in groups] == ["乙镇", *(f"新{i}镇" for i in range(12))]
