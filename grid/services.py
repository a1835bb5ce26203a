"""Creating grid cells: the only writer of GridCell (assignments: the admin, the demo)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grid.models import GridCell


@transaction.atomic
def create_cell(*, name, level, parent=None, code=""):
    """Create a cell under ``parent`` and write its materialized path and township."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("网格名称不能为空。"))
    if level == GridCell.Level.COUNTY:
        if parent is not None:
            raise ValidationError(_("县/区级网格不能有上级网格。"))
    else:
        if parent is None:
            raise ValidationError(_("请选择上级网格。"))
        if parent.level >= level:
            raise ValidationError(_("上级网格的层级必须高于本网格。"))
    cell = GridCell.objects.create(name=name, level=level, parent=parent, code=code, path="")
    prefix = parent.path if parent else ""
    township_id = None
    if level == GridCell.Level.TOWNSHIP:
        township_id = cell.pk
    elif parent is not None:
        township_id = parent.township_id
    GridCell.objects.filter(pk=cell.pk).update(path=f"{prefix}{cell.pk}/", township_id=township_id)
    cell.path = f"{prefix}{cell.pk}/"
    cell.township_id = township_id
    return cell


def find_by_names(names, *, root=None):
    """Resolve a township-down path of names ("地方镇/第一工作区/东村") to a cell, or None."""
    cell = root
    for name in names:
        qs = GridCell.objects.filter(name=name.strip())
        qs = (
            qs.filter(parent=cell) if cell is not None else qs.filter(level=GridCell.Level.TOWNSHIP)
        )
        cell = qs.first()
        if cell is None:
            return None
    return cell
