"""Creating and editing enterprises: the only writer of single Enterprise rows.

The township is never typed: it is copied from the village-level cell, so scoping and
reports can filter on it without a join. Imports (enterprises/imports.py) write in bulk
with the same rules.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from enterprises.validators import normalize_uscc
from grid import scoping
from grid.models import Assignment, GridCell


def inspector_choices(user):
    """Users who may be named 包保 by ``user``: active users assigned to a cell within the
    user's scope (an administrator may choose anyone with an assignment)."""
    User = get_user_model()
    cells = scoping.cells_for(user).values("id")
    assigned = Assignment.objects.filter(cell_id__in=cells).values("user_id")
    return (
        User.objects.filter(is_active=True, pk__in=assigned)
        .order_by("first_name", "username")
        .distinct()
    )


def village_choices(user):
    """Village-level cells the user may put an enterprise in."""
    return (
        scoping.cells_for(user)
        .filter(level=GridCell.Level.VILLAGE, is_active=True)
        .select_related("township", "parent")
        .order_by("path")
    )


def _check_cell(enterprise, by):
    cell = enterprise.cell
    if cell.level != GridCell.Level.VILLAGE:
        raise ValidationError({"cell": _("企业必须属于村/社区/园区一级的网格。")})
    if by is not None and not scoping.cells_for(by).filter(pk=cell.pk).exists():
        raise ValidationError({"cell": _("所选网格不在您负责的范围内。")})


def _check_inspectors(inspectors, by):
    if by is None or not inspectors:
        return
    allowed = set(inspector_choices(by).values_list("pk", flat=True))
    outside = [u for u in inspectors if u.pk not in allowed]
    if outside:
        names = "、".join(u.get_full_name() or u.username for u in outside)
        raise ValidationError(
            {
                "inspectors": _("%(names)s 不在您负责的网格内，不能设为包保责任人。")
                % {"names": names}
            }
        )


@transaction.atomic
def save_enterprise(enterprise, *, by, inspectors=None):
    """Validate and save ``enterprise`` (new or changed) on behalf of ``by``.

    ``inspectors`` (an iterable of users) replaces the 包保 list when given. ``by=None``
    is for trusted callers (demo data, migrations) and skips the scope checks. Raises
    ``ValidationError`` (field → Chinese message) and writes nothing on bad input.
    """
    if by is not None:
        stored = _stored(enterprise, by) if enterprise.pk is not None else None
        scoping.require(by, "enterprise.edit", stored)
    enterprise.uscc = normalize_uscc(enterprise.uscc)
    if enterprise.cell_id is None:
        raise ValidationError({"cell": _("请选择所属网格。")})
    _check_cell(enterprise, by)
    enterprise.township_id = enterprise.cell.township_id
    enterprise.full_clean(exclude=["township"])
    inspectors = list(inspectors) if inspectors is not None else None
    _check_inspectors(inspectors, by)
    enterprise.save()
    if inspectors is not None:
        enterprise.inspectors.set(inspectors)
    return enterprise


def _stored(enterprise, by):
    """The enterprise as stored (its old cell decides whether ``by`` may edit it)."""
    return scoping.get_or_404(scoping.enterprises_for(by), pk=enterprise.pk)
