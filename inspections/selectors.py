"""Reading inspections: every query starts from grid.scoping and returns plain data.

The reports engineer's Excel export of the daily report calls ``daily_report`` too, so the
page and the spreadsheet always show the same figures.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from enterprises.models import EnterpriseStatus, RiskColour
from grid import scoping
from grid.models import GridCell, in_tree_order
from hazards.models import Hazard, Level, Status
from inspections.models import EnforcementAction, Inspection, InspectionItem

RISK_RANK = Case(
    When(risk=RiskColour.RED, then=Value(0)),
    When(risk=RiskColour.ORANGE, then=Value(1)),
    When(risk=RiskColour.YELLOW, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def inspection_list(user):
    """Scoped inspections with what a list row shows, in a constant number of queries."""
    return (
        scoping.inspections_for(user)
        .select_related("enterprise", "township", "cell")
        .prefetch_related("inspectors")
        .annotate(
            item_total=_item_count(),
            item_failed=_item_count(result="fail"),
            item_answered=_item_count(~Q(result="pending")),
        )
    )


def _item_count(*conditions, **filters):
    """The items of the row's inspection matching the conditions, counted by a subquery per
    row: a join with GROUP BY over every inspection in scope made the county's first page
    sort 300,000 grouped rows (issue 17: 3 s at 1,000,000 hazards on PostgreSQL)."""
    items = (
        InspectionItem.objects.filter(*conditions, inspection=OuterRef("pk"), **filters)
        .order_by()
        .values("inspection")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(items, output_field=IntegerField()), 0)


def inspection_detail(user, pk):
    """One inspection with its items (and each item's hazard ids), or 404."""
    return scoping.get_or_404(
        scoping.inspections_for(user)
        .select_related("enterprise", "township", "cell", "template", "created_by")
        .prefetch_related(
            "inspectors",
            Prefetch(
                "items",
                queryset=InspectionItem.objects.order_by("position").prefetch_related("hazards"),
            ),
        ),
        pk=pk,
    )


def item_for(user, inspection_pk, item_pk):
    """One item of an inspection in scope, or 404."""
    inspection = scoping.get_or_404(
        scoping.inspections_for(user).select_related("enterprise"), pk=inspection_pk
    )
    item = scoping.get_or_404(inspection.items.all(), pk=item_pk)
    item.inspection = inspection
    return item


def hazards_of_inspection(user, inspection):
    return (
        scoping.hazards_for(user)
        .filter(inspection=inspection)
        .select_related("inspection_item")
        .order_by("inspection_item__position", "id")
    )


def awaiting_recheck(user, enterprise):
    """The enterprise's hazards reported fixed and awaiting re-check (复查)."""
    return (
        scoping.hazards_for(user)
        .filter(enterprise=enterprise, status=Status.FIXED)
        .select_related("fixed_by")
        .order_by("fixed_on", "id")
    )


# --- coverage board ----------------------------------------------------------------------


@dataclass
class CellCoverage:
    cell: GridCell
    total: int = 0
    inspected: int = 0
    missing: list = field(default_factory=list)  # the first of them, highest risk first

    @property
    def missing_count(self):
        """Every enterprise of the cell not inspected in the period."""
        return self.total - self.inspected

    @property
    def more(self):
        """Not-inspected enterprises of the cell not listed on the board."""
        return self.missing_count - len(self.missing)

    @property
    def rate(self):
        """Percentage with one decimal, or None when the cell has no enterprises."""
        if not self.total:
            return None
        return round(self.inspected * 100 / self.total, 1)


@dataclass
class TownshipCoverage:
    township: GridCell
    cells: list = field(default_factory=list)

    @property
    def total(self):
        return sum(c.total for c in self.cells)

    @property
    def inspected(self):
        return sum(c.inspected for c in self.cells)

    @property
    def rate(self):
        return round(self.inspected * 100 / self.total, 1) if self.total else None


def default_period(today=None):
    today = today or timezone.localdate()
    return today.replace(day=1), today


# The board lists the first not-inspected enterprises of each village; the rest are a page away.
MISSING_PER_CELL = 5


def _inspected(date_from, date_to):
    """A counted inspection of the enterprise of the outer query in the period."""
    return Exists(
        Inspection.objects.counted().filter(
            enterprise_id=OuterRef("pk"), date__gte=date_from, date__lte=date_to
        )
    )


def _open_enterprises(user):
    """Enterprises in scope and not closed: the ones the board counts."""
    return scoping.enterprises_for(user).exclude(status=EnterpriseStatus.CLOSED)


def _not_inspected(user, date_from, date_to):
    """Enterprises in scope, not closed and not inspected in the period (the test in the
    WHERE clause only: not computed a second time as a column)."""
    return _open_enterprises(user).filter(~_inspected(date_from, date_to))


def coverage_missing(user, date_from, date_to, cell):
    """Every enterprise of one village cell not inspected in the period, highest risk first:
    the rows of the board's village page."""
    return (
        _not_inspected(user, date_from, date_to)
        .filter(cell=cell)
        .annotate(risk_rank=RISK_RANK)
        .only("id", "name", "risk", "cell_id", "township_id", "industry")
        .order_by("risk_rank", "name", "id")
    )


def coverage(user, date_from, date_to, township=None, per_cell=None):
    """Enterprises inspected (distinct, submitted inspections in the period) vs enterprises
    in each village-level cell (not closed), and the first ``per_cell`` of those not
    inspected yet, red first (their number is ``total - inspected``).

    Four queries whatever the size: cells, the enterprises per cell, the first not
    inspected of each cell with their number (a row number and a count per cell over the
    id, name and risk of every enterprise not inspected: at 1M hazards the county's
    13,000–20,000), done; 已检查 is the cell's enterprises less those not inspected, so the
    test of an inspection runs once per enterprise. The listed enterprises carry their id,
    name, risk and cell: what the board shows.
    """
    per_cell = per_cell or MISSING_PER_CELL
    enterprises = _open_enterprises(user)
    not_inspected = _not_inspected(user, date_from, date_to)
    cells = scoping.cells_for(user).filter(level=GridCell.Level.VILLAGE, is_active=True)
    if township is not None:
        enterprises = enterprises.filter(township=township)
        not_inspected = not_inspected.filter(township=township)
        cells = cells.filter(township=township)
    totals = dict(
        enterprises.values("cell").annotate(n=Count("id")).order_by().values_list("cell", "n")
    )
    # ``cell_id + 0``, not ``cell_id``: SQLite would otherwise walk the index on (cell,
    # risk) for the partitions' order, reading every enterprise row out of order, and sort
    # each cell's part (SQLite 1M, 20,000 not inspected: 350–425 ms; one sort after a plain
    # scan: 150–240 ms). PostgreSQL sorts either way.
    by_cell = F("cell_id") + 0
    missing, missing_count = defaultdict(list), {}
    for e in (
        not_inspected.annotate(
            rank=Window(
                RowNumber(), partition_by=[by_cell], order_by=[RISK_RANK, F("name"), F("id")]
            ),
            n=Window(Count("id"), partition_by=[by_cell]),
        )
        .filter(rank__lte=per_cell)
        .only("id", "name", "risk", "cell_id")
        .order_by("cell_id", "rank")
    ):
        missing[e.cell_id].append(e)
        missing_count[e.cell_id] = e.n
    townships = {}
    for cell in in_tree_order(cells.select_related("township")):  # the grid's order
        total = totals.get(cell.pk, 0)
        cov = CellCoverage(
            cell=cell,
            total=total,
            inspected=total - missing_count.get(cell.pk, 0),
            missing=missing.get(cell.pk, []),
        )
        townships.setdefault(cell.township_id, TownshipCoverage(township=cell.township))
        townships[cell.township_id].cells.append(cov)
    return list(townships.values())


# --- daily report ------------------------------------------------------------------------


def _group_of(inspection):
    return inspection.outing.group_id if inspection.outing else -inspection.pk


def _outing_of(inspection):
    """(outing key, its people) of an inspection."""
    if inspection.outing:
        return inspection.outing_id, inspection.outing.person_count
    return -inspection.pk, inspection.inspector_count


def daily_report(user, on, township):
    """每日隐患登记汇报 for one date and one township, as plain data.

    Inspections: submitted ones dated ``on``. Hazards: found on ``on`` (VOID excluded, as in
    every statistic), counted per finder (Hazard.finders: a hazard found by a group of two
    counts once for each of them).
    """
    if not isinstance(on, date):
        raise TypeError("on must be a date")
    inspections = list(
        scoping.inspections_for(user)
        .counted()
        .filter(date=on, township=township)
        .select_related("enterprise", "outing")
        .prefetch_related("inspectors")
        .annotate(hazard_count=Count("hazards", filter=~Q(hazards__status=Status.VOID)))
        .order_by("enterprise__name", "id")
    )
    hazards_qs = scoping.hazards_for(user).filter(found_on=on, township=township).counted()
    per_inspector = [
        {
            "user_id": row["finders"],
            "name": (
                f"{row['finders__last_name']}{row['finders__first_name']}".strip()
                or row["finders__username"]
            ),
            "hazards": row["n"],
            "major": row["major"],
        }
        for row in hazards_qs.filter(finders__isnull=False)
        .values("finders", "finders__first_name", "finders__last_name", "finders__username")
        .annotate(n=Count("id"), major=Count("id", filter=Q(level=Level.MAJOR)))
        .order_by("-n", "finders__username")
    ]
    # Plain rows and one query for the finders: a busy township's day at 1,000,000 hazards
    # has hundreds of hazards, and model instances with labels made the page slow (issue 17).
    records = list(
        hazards_qs.order_by("enterprise__name", "number").values_list(
            "id",
            "number",
            "enterprise__name",
            "description",
            "location",
            "level",
            "status",
            "deadline",
            "responsible_person",
        )
    )
    finders = defaultdict(list)
    for hazard_id, first, last, username in (
        Hazard.finders.through.objects.filter(hazard_id__in=[r[0] for r in records])
        .order_by("hazard_id", "id")
        .values_list("hazard_id", "user__first_name", "user__last_name", "user__username")
    ):
        finders[hazard_id].append(f"{first} {last}".strip() or username)
    levels = {value: str(label) for value, label in Level.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    hazards = [
        {
            "id": pk,
            "number": number,
            "enterprise": enterprise,
            "description": description,
            "location": location,
            "level": levels.get(level, level),
            "is_major": level == Level.MAJOR,
            "status": statuses.get(status, status),
            "deadline": deadline,
            "responsible_person": responsible,
            "finders": "、".join(finders[pk]),
        }
        for (
            pk,
            number,
            enterprise,
            description,
            location,
            level,
            status,
            deadline,
            responsible,
        ) in records
    ]
    rows = [
        {
            "id": i.pk,
            "enterprise": i.enterprise.name,
            "kind": i.get_kind_display(),
            "is_enforcement": i.is_enforcement,
            "inspectors": "、".join(u.get_full_name() or u.username for u in i.inspectors.all()),
            "inspector_count": i.inspector_count,
            "hazards": i.hazard_count,
        }
        for i in inspections
    ]
    return {
        "date": on,
        "township": township.name,
        "township_id": township.pk,
        # As in the reports (docs/domain.md "The numbers"): distinct groups, and the people
        # of each distinct outing; an inspection without an outing is its own.
        "inspection_groups": len({_group_of(i) for i in inspections}),
        "person_times": sum(dict(_outing_of(i) for i in inspections).values()),
        "enterprises": len({i.enterprise_id for i in inspections}),
        "hazard_count": len(hazards),
        "major_count": sum(1 for h in hazards if h["is_major"]),
        "inspections": rows,
        "per_inspector": per_inspector,
        "hazards": hazards,
    }


# --- one enterprise's activity (the enterprise page includes it) -------------------------


def enterprise_activity(user, enterprise, limit=10):
    """Inspection history, open hazards and enforcement actions of one enterprise."""
    if not scoping.can_see(user, enterprise):
        return None
    inspections = (
        scoping.inspections_for(user)
        .filter(enterprise=enterprise)
        .prefetch_related("inspectors")
        .annotate(item_failed=Count("items", filter=Q(items__result="fail")))
        .order_by("-date", "-id")
    )
    open_hazards = (
        scoping.hazards_for(user).filter(enterprise=enterprise).open().order_by("deadline", "id")
    )
    actions = scoping.enforcement_for(user).filter(enterprise=enterprise).order_by("-date", "-id")
    totals = actions.aggregate(n=Count("id"), fines=Sum("fine_yuan"))
    return {
        "enterprise": enterprise,
        "inspections": list(inspections[:limit]),
        "inspection_count": inspections.count(),
        "open_hazards": list(open_hazards[: limit * 3]),
        "open_hazard_count": open_hazards.count(),
        "enforcement": list(actions[:limit]),
        "enforcement_count": totals["n"],
        "fines": totals["fines"] or 0,
    }


def enforcement_list(user):
    return scoping.enforcement_for(user).select_related(
        "enterprise", "township", "inspection", "hazard", "created_by"
    )


def enforcement_totals(queryset):
    return queryset.aggregate(n=Count("id"), fines=Sum("fine_yuan"))


EnforcementKind = EnforcementAction.Kind
