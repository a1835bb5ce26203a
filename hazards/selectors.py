"""Reads of hazards, always starting from ``grid.scoping``.

``hazard_list(user, params).qs`` is the ledger: the list page, the figures' links and the
Excel export all use it, so an export has exactly the rows the page shows.
"""

import hashlib
from datetime import timedelta
from itertools import groupby

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Min, Prefetch, Window
from django.db.models.functions import RowNumber
from django.http import Http404

from core.stamps import table_stamp
from criteria.models import Criterion
from grid import roles, scoping
from grid.models import GridCell, tree_key
from hazards import counts, states
from hazards.filters import HazardFilter, OrderFilter
from hazards.models import (
    OVERDUE,
    Hazard,
    HazardEvent,
    HazardPhoto,
    Level,
    Status,
    SupervisionOrder,
)

# What a row of the ledger shows: enterprise, township, cell.
LIST_RELATED = ("enterprise", "township", "cell")
LIST_ONLY = (
    "id",
    "number",
    "level",
    "status",
    "description",
    "location",
    "found_on",
    "deadline",
    "original_deadline",
    "fixed_on",
    "is_recurrence",
    "referred_at",
    "listing_level",
    "extension_requested_until",
    "enterprise__id",
    "enterprise__name",
    "township__id",
    "township__name",
    "township__path",
    "cell__id",
    "cell__name",
)

# The 判定依据 items of a page of major hazards, with their standards: one query.
LIST_CRITERIA = Prefetch("criteria", queryset=Criterion.objects.select_related("standard"))


def hazard_list(user, params=None):
    """The ledger as a bound ``HazardFilter``; ``.qs`` is the filtered, sorted queryset."""
    queryset = scoping.hazards_for(user).select_related(*LIST_RELATED).only(*LIST_ONLY)
    return Ledger(params if params is not None else {}, queryset, user=user)


# The parameters that leave the tabs counting the whole scope: the state (the tabs are
# that), the sort, and the status date (read apart: only today's is in the counts table).
_NOT_FILTERS = frozenset({"status", "sort", "as_of"})


class Ledger(HazardFilter):
    """The ledger's filter set, whose state tabs come from the counts the database keeps
    when nothing but the state is filtered, and from the cache for a wide filtered list.

    Counting a county's hazards for its tabs scans its whole ``hazard_tabs`` index (340–670
    ms on SQLite, 140–250 ms on PostgreSQL at 1,000,000 hazards, issue 17). With no filter,
    the status date today and a scope of places (townships, cells, everything), the tabs
    are the sums of ``StateCount`` rows, which triggers keep exact at every write, plus the
    逾期 count of the scope from ``hazard_tabs`` (``hazards.counts.tab_counts``): the same
    figures as counting, always current, for every user and every write.

    Otherwise they are counted (``HazardFilter.tab_counts``). Either way, for a scope of
    places they are kept per (scope, filters but the state, status date, data stamp) for
    ``LEDGER_TABS_CACHE_SECONDS``, like the dashboard's tables (reports.queries.dashboard):
    the county's 逾期 alone is tens of thousands of index entries at 1,000,000 hazards (6 ms
    on SQLite, 8.5 ms on PostgreSQL), a township's tabs 2.4-3.8 ms, the stamp one query of
    two index lookups. The data stamp is the highest id of hazards and of hazard events: a
    new hazard and every transition (each writes an event) change it, so the tabs and
    "共 N 条" follow at once. A keyword search (``q``, which also reads enterprise names) is
    never cached; an enterprise account's tabs (one enterprise's hazards) are counted every
    time.
    """

    def tab_counts(self):
        kept = self._counts_kept()
        count = (
            (lambda: counts.tab_counts(self.user, self.queryset, self.as_of_date))
            if kept
            else super().tab_counts
        )
        seconds = getattr(settings, "LEDGER_TABS_CACHE_SECONDS", 300)
        scope = scoping.scope_of(self.user)
        places = scope.enterprise_id is None and not scope.empty
        if (
            seconds <= 0
            or not places
            or not self.form.is_valid()
            or self.form.cleaned_data.get("q")
        ):
            return count()
        filters = sorted(
            (name, str(getattr(value, "pk", value)))
            for name, value in self.form.cleaned_data.items()
            if name not in ("status", "sort") and value not in (None, "")
        )
        parts = (
            f"e{scope.everything}t{sorted(scope.township_ids)}c{sorted(scope.cell_ids)}",
            self.as_of_date.isoformat(),
            repr(filters),
            _hazard_stamp(self.queryset.db),
        )
        key = "ledger-tabs:" + hashlib.sha256("|".join(parts).encode()).hexdigest()
        tabs = cache.get(key)
        if tabs is None:
            tabs = count()
            cache.set(key, tabs, seconds)
        return tabs

    def _counts_kept(self):
        """Whether the tabs are sums of ``StateCount`` rows: a valid form with no filter but
        the state and the sort, the status date today or later, a scope of places."""
        if not self.form.is_valid() or states.reads_history(self.as_of_date):
            return False
        scope = scoping.scope_of(self.user)
        if scope.enterprise_id is not None or scope.empty:
            return False
        return all(
            value in (None, "")
            for name, value in self.form.cleaned_data.items()
            if name not in _NOT_FILTERS
        )


def _hazard_stamp(using):
    """The highest id of hazards and of hazard events: one query of two index lookups."""
    return table_stamp(using, (Hazard, HazardEvent))


def hazard_get(user, pk):
    """One hazard with what its page shows; 404 outside the user's scope."""
    queryset = (
        scoping.hazards_for(user)
        .select_related(
            "enterprise",
            "township",
            "cell",
            "inspection",
            "inspection_item",
            "checklist_item",
            "registered_by",
            "fixed_by",
            "closed_by",
        )
        .prefetch_related(
            "finders",
            Prefetch("photos", queryset=HazardPhoto.objects.order_by("uploaded_at", "id")),
            Prefetch(
                "events",
                queryset=HazardEvent.objects.select_related("actor").order_by("at", "id"),
            ),
            "orders",
        )
    )
    return scoping.get_or_404(queryset, pk=pk)


def hazard_for_action(user, pk):
    """The hazard an action is about to change: scoped (404), few columns, no prefetch."""
    return scoping.get_or_404(scoping.hazards_for(user), pk=pk)


def photo_get(user, pk):
    """A hazard photo, only when its hazard is in the user's scope (else 404)."""
    queryset = scoping.limit(HazardPhoto.objects.all(), user, prefix="hazard__")
    return scoping.get_or_404(queryset, pk=pk)


def _row_queryset(user):
    return scoping.hazards_for(user).select_related(*LIST_RELATED).only(*LIST_ONLY)


def my_work(user, as_of):
    """ "我的工作": due within 7 days, overdue, awaiting my re-check, extensions to decide.

    Re-check means FIXED hazards in scope that someone else reported fixed and that this
    user may close out (supervisors: general hazards; county: general and major).
    """
    role = roles.role_of(user)
    rows = _row_queryset(user)
    due_soon = rows.filter(
        status=Status.DEADLINE, deadline__gte=as_of, deadline__lte=as_of + timedelta(days=7)
    ).order_by("deadline", "id")
    overdue = rows.filter(OVERDUE.q(as_of)).order_by("deadline", "id")
    recheck = rows.none()
    extensions = rows.none()
    if role in (roles.SUPERVISOR, roles.COUNTY):
        recheck = rows.filter(status=Status.FIXED).exclude(fixed_by=user)
        if role == roles.SUPERVISOR:
            recheck = recheck.filter(level=Level.GENERAL)
        recheck = recheck.order_by("fixed_on", "id")
        extensions = rows.filter(
            status=Status.DEADLINE, extension_requested_until__isnull=False
        ).order_by("deadline", "id")
    return {
        "due_soon": due_soon,
        "overdue": overdue,
        "recheck": recheck,
        "extensions": extensions,
        "can_recheck": role in (roles.SUPERVISOR, roles.COUNTY),
        "start": _start_choices(user),
    }


# 开始检查 on 我的工作 (issue 13): inspections sits above hazards, so it registers what to
# offer (``register_start_choices`` from its AppConfig.ready()); hazards names no app above.
_START_CHOICES = []


def register_start_choices(finder):
    """``finder(user)`` → the enterprises 我的工作 offers to start an inspection at."""
    _START_CHOICES[:] = [finder]


def _start_choices(user):
    """开始检查 from 我的工作: my enterprises and the recently inspected."""
    if not _START_CHOICES or not scoping.allowed(user, "inspection.record"):
        return None
    return _START_CHOICES[0](user)


class TownshipGroup:
    """One township of the overdue board: its ``count`` and ``max_days`` over every overdue
    hazard in it (grouped SQL), ``hazards`` the most overdue of them shown."""

    def __init__(self, township, hazards, as_of, *, count=None, max_days=None):
        self.township = township
        self.hazards = hazards
        for h in hazards:
            h.days_overdue = h.overdue_days(as_of)
        self.count = len(hazards) if count is None else count
        if max_days is None:
            max_days = max((h.days_overdue for h in hazards), default=0)
        self.max_days = max_days

    @property
    def more(self):
        """Overdue hazards of the township not shown on the board."""
        return self.count - len(self.hazards)


_ORDERS = Prefetch(
    "orders",
    queryset=SupervisionOrder.objects.order_by("issued_on", "id").only(
        "id", "number", "hazard_id", "issued_on", "deadline", "kind"
    ),
)

# The board shows the most overdue hazards of each township; the rest are a page away.
OVERDUE_PER_TOWNSHIP = 10


def overdue_rows(user, as_of, township=None):
    """Hazards overdue on ``as_of`` in scope (of one township if given), most overdue first,
    with the orders already issued: the rows of the board's township page."""
    qs = _row_queryset(user).filter(OVERDUE.q(as_of))
    if township is not None:
        qs = qs.filter(township=township)
    return qs.order_by("deadline", "id").prefetch_related(_ORDERS)


def overdue_board(user, as_of, per_township=None):
    """Hazards overdue on ``as_of``, grouped by township in the grid's order: each township's
    count and longest overdue over all of them (one grouped query), and its ``per_township``
    most overdue (one query, a row number per township)."""
    overdue = scoping.hazards_for(user).filter(OVERDUE.q(as_of))
    stats = {
        row["township_id"]: row
        for row in overdue.order_by()
        .values("township_id")
        .annotate(n=Count("id"), earliest=Min("deadline"))
    }
    if not stats:
        return []
    per_township = per_township or OVERDUE_PER_TOWNSHIP
    # The ranking reads three columns; the rows shown are fetched by id afterwards.
    shown_ids = (
        overdue.annotate(
            rank=Window(
                RowNumber(), partition_by=[F("township_id")], order_by=[F("deadline"), F("id")]
            )
        )
        .filter(rank__lte=per_township)
        .values_list("id", flat=True)
    )
    ranked = (
        _row_queryset(user)
        .filter(pk__in=list(shown_ids))
        .order_by("township_id", "deadline", "id")
        .prefetch_related(_ORDERS)  # the board shows the orders already issued
    )
    shown = {tid: list(items) for tid, items in groupby(ranked, key=lambda h: h.township_id)}
    townships = GridCell.objects.in_bulk(list(stats))
    groups = [
        TownshipGroup(
            townships[tid],
            shown.get(tid, []),
            as_of,
            count=row["n"],
            max_days=(as_of - row["earliest"]).days,
        )
        for tid, row in stats.items()
    ]
    return sorted(groups, key=lambda g: tree_key(g.township))


def order_list(user, params=None):
    queryset = scoping.orders_for(user).select_related(
        "hazard", "hazard__enterprise", "township", "issued_by"
    )
    return OrderFilter(params if params is not None else {}, queryset, user=user)


def order_get(user, pk):
    queryset = scoping.orders_for(user).select_related(
        "hazard", "hazard__enterprise", "hazard__township", "hazard__cell", "issued_by"
    )
    queryset = queryset.prefetch_related("hazard__criteria__standard")
    return scoping.get_or_404(queryset, pk=pk)


def notice_hazards(user, enterprise, ids=None):
    """Hazards of one enterprise for a 整改通知书: the given ids, or every open one."""
    queryset = (
        scoping.hazards_for(user)
        .filter(enterprise=enterprise)
        .counted()
        .select_related("enterprise", "township", "cell")
        .prefetch_related("finders", "criteria__standard")
        .order_by("found_on", "id")
    )
    if ids:
        queryset = queryset.filter(pk__in=ids)
    else:
        queryset = queryset.filter(status__in=[Status.FOUND, Status.DEADLINE])
    hazards = list(queryset)
    if not hazards:
        raise Http404("no hazards")
    return hazards
