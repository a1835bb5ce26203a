from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class GridCellQuerySet(models.QuerySet):
    def subtree(self, *cells):
        """The given cells and every cell beneath them: "横向到边、纵向到底"."""
        q = Q(pk__in=[])
        for cell in cells:
            q |= Q(path__startswith=cell.path)
        return self.filter(q)


def q_beneath(cell, prefix=""):
    """Records (anything with ``township`` and ``cell`` fields, via ``prefix``) that lie in
    ``cell`` or anywhere beneath it. Records carry their township and village cell, so a
    township is one indexed equality and a county or lower cell an ``IN`` over its subtree.
    """
    if cell.level == GridCell.Level.TOWNSHIP:
        return Q(**{f"{prefix}township_id": cell.pk})
    if cell.level == GridCell.Level.COUNTY:
        townships = GridCell.objects.subtree(cell).filter(level=GridCell.Level.TOWNSHIP)
        return Q(**{f"{prefix}township_id__in": townships.values("pk")})
    return Q(**{f"{prefix}cell_id__in": GridCell.objects.subtree(cell).values("pk")})


def tree_key(cell):
    """Sort key of the grid's order: depth first, siblings in the order they were created.

    ``path`` holds ids as text, so sorting by it puts "1/15/" before "1/2/": the order
    of the grid is the path read as numbers.
    """
    return tuple(int(part) for part in cell.path.strip("/").split("/") if part)


def in_tree_order(cells):
    """``cells`` (any iterable with ``path``) as a list in the grid's order."""
    return sorted(cells, key=tree_key)


# The grid's order as SQL, for townships only: their tree key is (county id, own id).
TOWNSHIP_ORDER = ("parent_id", "id")


class GridCell(models.Model):
    """One cell of the management grid: county → township → work area → village.

    ``path`` is a materialized path of ids ("1/4/17/"), so "this cell and everything
    beneath it" is one indexed ``path__startswith`` query. It is written once by
    ``grid.services.create_cell``; cells are never moved.
    """

    class Level(models.IntegerChoices):
        COUNTY = 1, _("县/区")
        TOWNSHIP = 2, _("乡镇/街道")
        AREA = 3, _("工作区/片区")
        VILLAGE = 4, _("村/社区/园区")

    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(_("区划代码"), max_length=20, blank=True)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级网格"),
    )
    path = models.CharField(_("路径"), max_length=255, db_index=True, editable=False)
    township = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("所属乡镇"),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    objects = GridCellQuerySet.as_manager()

    class Meta:
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="gridcell_unique_name_under_parent"
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=4), name="gridcell_level_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(level=1, parent__isnull=True)
                | models.Q(level__gt=1, parent__isnull=False),
                name="gridcell_only_county_is_root",
            ),
        ]

    def __str__(self):
        return self.name

    def full_name(self, sep="/"):
        """Names from the township down, as the import files write them."""
        return sep.join(c.name for c in self.ancestors(include_self=True) if c.level >= 2)

    def ancestors(self, include_self=False):
        ids = [int(p) for p in self.path.strip("/").split("/") if p]
        if not include_self:
            ids = ids[:-1]
        cells = {c.pk: c for c in GridCell.objects.filter(pk__in=ids)}
        return [cells[i] for i in ids if i in cells]


class Assignment(models.Model):
    """A user's assignment to a grid cell: they see that cell and everything beneath it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="grid_assignments",
        verbose_name=_("用户"),
    )
    cell = models.ForeignKey(
        GridCell, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("网格")
    )

    class Meta:
        verbose_name = _("网格分配")
        verbose_name_plural = _("网格分配")
        constraints = [
            models.UniqueConstraint(fields=["user", "cell"], name="assignment_unique_user_cell")
        ]

    def __str__(self):
        return f"{self.user} → {self.cell}"
