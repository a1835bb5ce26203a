"""Every figure of docs/domain.md#the-numbers, as grouped SQL.

One function per table. Each starts from ``grid.scoping`` (so no figure ever counts a
record outside the user's cells), narrows by the optional scope filters (township, a
grid cell and everything beneath it, industry, inspector) and groups by one key:
township, cell, industry or month. A table costs the same handful of grouped queries
whatever the number of hazards — there is no Python loop over hazards. The hazard
definitions are the Q objects beside the model (``hazards.models.q_*``); rates are
computed afterwards from the integers.

Every figure carries the filter that produced it, as a querystring of the hazard list
(``hazards:list``), the inspection list (``inspections:list``), the enforcement list
(``inspections:enforcement_list``) or the supervision-order list (``hazards:orders``), so
a number on a page links to exactly its records. The lists filter with the same
definitions: township, a cell and everything beneath it, industry and inspector narrow a
figure through the ``scope_q`` of the list's own filter set (``hazards.filters.RecordFilter``).
The pages, the Excel exports and the commands all read these functions.
"""

import datetime
import hashlib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, CharField, Count, F, Q, Sum, Value, When
from django.db.models.functions import Cast, Coalesce, Substr
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.stamps import table_stamp
from enterprises.models import Industry
from grid import scoping
from grid.models import GridCell, in_tree_order
from hazards import states
from hazards.filters import HazardFilter, OrderFilter
from hazards.models import (
    CLOSED,
    COUNTED,
    ON_TIME,
    OPEN,
    OVERDUE,
    RECTIFIED,
    Hazard,
    HazardEvent,
    Level,
    Source,
    SupervisionOrder,
)
from inspections.filters import EnforcementFilter, InspectionFilter
from inspections.models import COUNTED as INSPECTIONS_COUNTED
from inspections.models import EnforcementAction, Inspection

GROUP_TOWNSHIP = "township"
GROUP_CELL = "cell"
GROUP_INDUSTRY = "industry"
GROUP_MONTH = "month"
GROUPS = (GROUP_TOWNSHIP, GROUP_CELL, GROUP_INDUSTRY, GROUP_MONTH)
GROUP_LABELS = {
    GROUP_TOWNSHIP: gettext_lazy("乡镇"),
    GROUP_CELL: gettext_lazy("网格"),
    GROUP_INDUSTRY: gettext_lazy("行业"),
    GROUP_MONTH: gettext_lazy("月份"),
}

DASH = "—"
CENT = Decimal("0.01")
WAN = Decimal("10000")


def rate(numerator, denominator):
    """numerator / denominator as a percentage, two places, half up; None when 0 / 0."""
    if not denominator:
        return None
    value = Decimal(numerator) * 100 / Decimal(denominator)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def format_rate(value):
    """93.97 → "93.97%", None → "—"."""
    return DASH if value is None else f"{value}%"


def yuan_to_wan(yuan):
    """Yuan in 万元, exact and without trailing zeros: 212210 → 21.221, 200000 → 20."""
    value = Decimal(yuan or 0) / WAN
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def month_start(day):
    return day.replace(day=1)


def next_month(day):
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def months_between(first, last):
    """First days of every month from ``first``'s to ``last``'s, in order."""
    months, current = [], month_start(first)
    while current <= last:
        months.append(current)
        current = next_month(current)
    return months


def _as_date(value):
    """A month key as the database returned it (date, datetime, "YYYY-MM" or an ISO date)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:7] + "-01")
    return value


def _key(group_by, value):
    return _as_date(value) if group_by == GROUP_MONTH else value


# --- criteria -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Criteria:
    """What a report counts: hazards found in [period_from, period_to], read as of
    ``as_of``, within the user's scope narrowed by the optional filters."""

    period_from: datetime.date
    period_to: datetime.date
    as_of: datetime.date
    township: GridCell | None = None
    cell: GridCell | None = None
    industry: str = ""
    inspector: object = None
    # 隐患来源 (hazards.models.Source): narrows the hazard figures only; "" is every source.
    source: str = ""

    def basis(self):
        text = _("隐患发现时间 %(a)s 至 %(b)s，状态截至 %(c)s") % {
            "a": self.period_from.isoformat(),
            "b": self.period_to.isoformat(),
            "c": self.as_of.isoformat(),
        }
        if self.source:
            text += _("，隐患来源：%(s)s") % {"s": Source(self.source).label}
        return text

    def scope_params(self):
        """The scope filters as list querystring parameters (shared by all four lists)."""
        params = {}
        if self.township is not None:
            params["township"] = self.township.pk
        if self.cell is not None:
            params["cell"] = self.cell.pk
        if self.industry:
            params["industry"] = self.industry
        if self.inspector is not None:
            params["inspector"] = self.inspector.pk
        return params

    def narrow(self, qs, model, via=""):
        """``qs`` (records of ``model``: hazard, inspection, enforcement or order) narrowed
        by the scope filters, with the definitions of that model's list filter; ``via``
        reaches the record from rows that stand for it (a hazard's state interval)."""
        return qs.filter(
            LIST_FILTERS[model].scope_q(
                township=self.township,
                cell=self.cell,
                industry=self.industry,
                inspector=self.inspector,
                via=via,
            )
        )


# The list each kind of record's figures link to, whose filters define the narrowing.
LIST_FILTERS = {
    "hazard": HazardFilter,
    "inspection": InspectionFilter,
    "enforcement": EnforcementFilter,
    "order": OrderFilter,
}
_DATE_FIELD = {"inspection": "date", "enforcement": "date", "order": "issued_on"}


def _key_expr(group_by, model):
    if group_by == GROUP_TOWNSHIP:
        return F("township_id")
    if group_by == GROUP_CELL:
        return F("cell_id")
    if group_by == GROUP_INDUSTRY:
        return F(LIST_FILTERS[model].industry_path)
    if group_by == GROUP_MONTH:
        # "YYYY-MM" from the ISO date text. TruncMonth calls a Python function per row on
        # SQLite (4.8 s for a year at 1M hazards); this stays in SQL (0.8 s) on both.
        field = "found_on" if model == "hazard" else _DATE_FIELD[model]
        return Substr(Cast(field, output_field=CharField()), 1, 7)
    raise ValueError(f"unknown grouping {group_by!r}")


# --- the grouped queries --------------------------------------------------------------------

HAZARD_FIGURES = (
    "found_general",
    "found_major",
    "rectified_general",
    "rectified_major",
    "closed",
    "overdue",
    "on_time",
    "major_open",
)
INSPECTION_FIGURES = ("groups", "person_times", "visits", "enterprises")
ENFORCEMENT_FIGURES = ("documents", "orders", "talks", "cases", "fines_yuan")


def hazards_in_period(user, criteria):
    """Hazards counted in the period (VOID excluded) within scope and filters, each as it
    stood at the end of the as-of date: for a past date, the state intervals that held then
    (``hazards.states``; the same field names, so the same terms count them)."""
    if states.reads_history(criteria.as_of):
        base, via = scoping.limit(states.rows_as_of(criteria.as_of), user), "hazard__"
    else:
        base, via = scoping.hazards_for(user), ""
    qs = base.filter(
        COUNTED.q(criteria.as_of),
        found_on__gte=criteria.period_from,
        found_on__lte=criteria.period_to,
    )
    if criteria.source:
        qs = qs.filter(**{f"{via}source": criteria.source})
    return criteria.narrow(qs, "hazard", via=via)


def _hazard_annotations(as_of):
    general, major = Q(level=Level.GENERAL), Q(level=Level.MAJOR)
    # Count an indexed non-null column: PostgreSQL then answers from the covering index.
    return {
        "found_general": Count("found_on", filter=general),
        "found_major": Count("found_on", filter=major),
        "rectified_general": Count("found_on", filter=general & RECTIFIED.q(as_of)),
        "rectified_major": Count("found_on", filter=major & RECTIFIED.q(as_of)),
        "closed": Count("found_on", filter=CLOSED.q(as_of)),
        "overdue": Count("found_on", filter=OVERDUE.q(as_of)),
        "on_time": Count("found_on", filter=ON_TIME.q(as_of)),
        "major_open": Count("found_on", filter=major & OPEN.q(as_of)),
    }


def hazard_figures(user, criteria, group_by=None):
    """{key: {figure: int}} for the hazard figures; key None when ungrouped. One query."""
    qs = hazards_in_period(user, criteria)
    annotations = _hazard_annotations(criteria.as_of)
    if group_by is None:
        return {None: qs.aggregate(**annotations)}
    rows = (
        qs.annotate(k=_key_expr(group_by, "hazard"))
        .values("k")
        .annotate(**annotations)
        .order_by("k")
    )
    return {_key(group_by, row.pop("k")): row for row in rows}


def inspections_in_period(user, criteria):
    qs = scoping.inspections_for(user).filter(
        INSPECTIONS_COUNTED,
        date__gte=criteria.period_from,
        date__lte=criteria.period_to,
    )
    return criteria.narrow(qs, "inspection")


# An inspection's group and outing, and the people of that outing. An inspection loaded in
# bulk without an outing (the benchmark's generator) counts as its own group and outing with
# its ``inspector_count``, as migration 0007 made every inspection before groups existed.
_GROUP = Coalesce(F("outing__group_id"), F("id") * -1)
_OUTING = Coalesce(F("outing_id"), F("id") * -1)
_PEOPLE = Coalesce(F("outing__person_count"), F("inspector_count"))
_ALONE = Case(When(outing__isnull=True, then=Value(1)), default=Value(0))


def inspection_figures(user, criteria, group_by=None, *, whole=False):
    """{key: {groups, visits, person_times, enterprises}} of the submitted inspections in
    the period (docs/domain.md "The numbers"): 检查组数 the distinct groups, 出动检查人次
    the people of each distinct outing summed, 检查企业数（家次） the inspections,
    检查企业数（家） the distinct enterprises. Each figure is a count (or sum) over distinct
    (key, thing) pairs, never COUNT(DISTINCT) per group (docs/benchmarks.md#baselines: it
    spills to disk on PostgreSQL). A group or outing with inspections under two keys counts
    under each of them; ungrouped (key None), once.

    One statement reading the inspections once (a common table expression that every
    figure reads, issue 17: four subqueries each scanning the period cost 4×). With
    ``whole`` the same statement also counts the figures once over everything (合计) and
    the result is ``(by key, whole)``.
    """
    empty = dict.fromkeys(INSPECTION_FIGURES, 0)
    result = {None: dict(empty)} if group_by is None else {}
    total = dict(empty)
    qs = inspections_in_period(user, criteria).order_by()
    key = Value(0) if group_by is None else _key_expr(group_by, "inspection")
    # ``a`` marks an inspection without an outing: its own group and outing (``g`` and
    # ``o`` its negated id), unique by construction, so it is counted and summed without
    # a DISTINCT; only the inspections of outings go through one.
    base = qs.annotate(k=key, g=_GROUP, o=_OUTING, p=_PEOPLE, a=_ALONE).values(
        "k", "g", "o", "p", "a", "enterprise_id"
    )
    try:
        sql, params = base.query.sql_with_params()
    except EmptyResultSet:  # a scope that can match nothing
        return (result, total) if whole else result
    parts = [
        "SELECT 1 AS w, k, 'groups' AS f, COUNT(*) AS n"
        " FROM (SELECT DISTINCT k, g FROM base WHERE a = 0) t GROUP BY k",
        "SELECT 1, k, 'person_times', SUM(p)"
        " FROM (SELECT DISTINCT k, o, p FROM base WHERE a = 0) t GROUP BY k",
        "SELECT 1, k, 'visits', COUNT(*) FROM base GROUP BY k",
        "SELECT 1, k, 'alone', COUNT(*) FROM base WHERE a = 1 GROUP BY k",
        "SELECT 1, k, 'alone_people', SUM(p) FROM base WHERE a = 1 GROUP BY k",
        "SELECT 1, k, 'enterprises', COUNT(*)"
        " FROM (SELECT DISTINCT k, enterprise_id FROM base) t GROUP BY k",
    ]
    if whole and group_by is not None:
        parts += [
            "SELECT 0, NULL, 'groups', COUNT(*) FROM (SELECT DISTINCT g FROM base WHERE a = 0) t",
            "SELECT 0, NULL, 'person_times', SUM(p)"
            " FROM (SELECT DISTINCT o, p FROM base WHERE a = 0) t",
            "SELECT 0, NULL, 'visits', COUNT(*) FROM base",
            "SELECT 0, NULL, 'alone', COUNT(*) FROM base WHERE a = 1",
            "SELECT 0, NULL, 'alone_people', SUM(p) FROM base WHERE a = 1",
            "SELECT 0, NULL, 'enterprises', COUNT(*)"
            " FROM (SELECT DISTINCT enterprise_id FROM base) t",
        ]
    extra = {"alone": "groups", "alone_people": "person_times"}

    def put(figures, name, n):
        name = extra.get(name, name)
        figures[name] = figures.get(name, 0) + int(n or 0)

    with connections[qs.db].cursor() as cursor:
        # The inner SQL is Django's own compilation with its values as parameters.
        cursor.execute(f"WITH base AS ({sql}) " + " UNION ALL ".join(parts), params)  # noqa: S608
        for w, k, name, n in cursor.fetchall():
            if not w:
                put(total, name, n)
                continue
            if group_by is None:
                k = None
            elif group_by == GROUP_MONTH:
                k = _as_date(k)
            put(result.setdefault(k, dict(empty)), name, n)
    if whole and group_by is None:
        total = dict(result[None])
    return (result, total) if whole else result


def enforcement_in_period(user, criteria):
    qs = scoping.enforcement_for(user).filter(
        date__gte=criteria.period_from, date__lte=criteria.period_to
    )
    return criteria.narrow(qs, "enforcement")


def orders_in_period(user, criteria):
    qs = scoping.orders_for(user).filter(
        issued_on__gte=criteria.period_from, issued_on__lte=criteria.period_to
    )
    return criteria.narrow(qs, "order")


_KIND_FIGURE = {
    EnforcementAction.Kind.DOCUMENT: "documents",
    EnforcementAction.Kind.TALK: "talks",
    EnforcementAction.Kind.CASE: "cases",
}


def enforcement_figures(user, criteria, group_by=None):
    """{key: {documents, orders, talks, cases, fines_yuan}}. Two queries: enforcement
    actions by kind, and supervision orders (督办单数, a figure of its own: not 执法文书)."""
    actions = enforcement_in_period(user, criteria)
    orders = orders_in_period(user, criteria)
    if group_by is None:
        actions_rows = [
            {"k": None, **row}
            for row in actions.values("kind")
            .annotate(n=Count("date"), fines=Sum("fine_yuan"))
            .order_by("kind")
        ]
        order_rows = [{"k": None, **orders.aggregate(n=Count("issued_on"))}]
    else:
        actions_rows = (
            actions.annotate(k=_key_expr(group_by, "enforcement"))
            .values("k", "kind")
            .annotate(n=Count("date"), fines=Sum("fine_yuan"))
            .order_by("k", "kind")
        )
        order_rows = (
            orders.annotate(k=_key_expr(group_by, "order"))
            .values("k")
            .annotate(n=Count("issued_on"))
            .order_by("k")
        )
    result = {}

    def bucket(key):
        return result.setdefault(
            key,
            {"documents": 0, "orders": 0, "talks": 0, "cases": 0, "fines_yuan": Decimal(0)},
        )

    for row in actions_rows:
        figures = bucket(_key(group_by, row["k"]))
        name = _KIND_FIGURE.get(row["kind"])
        if name:
            figures[name] += row["n"]
        figures["fines_yuan"] += row["fines"] or Decimal(0)
    for row in order_rows:
        if row["n"]:
            bucket(_key(group_by, row["k"]))["orders"] += row["n"]
    return result


# --- rows and tables ------------------------------------------------------------------------


@dataclass
class Row:
    """One line of a report: the integer figures, the rates derived from them, links."""

    key: object
    label: str
    found_general: int = 0
    found_major: int = 0
    rectified_general: int = 0
    rectified_major: int = 0
    closed: int = 0
    overdue: int = 0
    on_time: int = 0
    major_open: int = 0
    groups: int = 0
    person_times: int = 0
    visits: int = 0
    enterprises: int = 0
    documents: int = 0
    orders: int = 0
    talks: int = 0
    cases: int = 0
    fines_yuan: Decimal = Decimal(0)
    links: dict = field(default_factory=dict)
    is_total: bool = False

    @property
    def found(self):
        return self.found_general + self.found_major

    @property
    def rectified(self):
        return self.rectified_general + self.rectified_major

    @property
    def rate(self):
        return rate(self.rectified, self.found)

    @property
    def rate_general(self):
        return rate(self.rectified_general, self.found_general)

    @property
    def rate_major(self):
        return rate(self.rectified_major, self.found_major)

    @property
    def closed_rate(self):
        return rate(self.closed, self.found)

    @property
    def on_time_rate(self):
        return rate(self.on_time, self.rectified)

    @property
    def enforcement_documents(self):
        """执法文书: enforcement documents only (督办单 are ``orders``, their own figure)."""
        return self.documents

    @property
    def fines_wan(self):
        return yuan_to_wan(self.fines_yuan)

    def add(self, other):
        for name in (*HAZARD_FIGURES, *INSPECTION_FIGURES):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ENFORCEMENT_FIGURES:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_chart(self):
        return {
            "label": self.label,
            "found": self.found,
            "rectified": self.rectified,
            "rate": float(self.rate) if self.rate is not None else None,
        }


@dataclass
class Table:
    criteria: Criteria
    group_by: str
    rows: list
    total: Row
    # Enterprises inspected in more than one township (or cell) of the table: counted in
    # each of those rows, once in 合计.
    split_enterprises: list = field(default_factory=list)
    # When its figures were counted: a page served from the cache (``report``) prints it.
    computed_at: datetime.datetime = field(default_factory=timezone.now)

    @property
    def basis(self):
        return self.criteria.basis()

    @property
    def group_label(self):
        return str(GROUP_LABELS[self.group_by])


class Linker:
    """Builds the list querystrings behind each figure of a row."""

    def __init__(self, criteria):
        self.criteria = criteria
        self.hazard_url = reverse("hazards:list")
        self.inspection_url = reverse("inspections:list")
        self.enforcement_url = reverse("inspections:enforcement_list")
        self.order_url = reverse("hazards:orders")

    def _group_params(self, group_by, key):
        if group_by in (GROUP_TOWNSHIP, GROUP_CELL):
            return {group_by: key}
        if group_by == GROUP_INDUSTRY:
            return {"industry": key}
        return {}

    def _bounds(self, group_by, key):
        c = self.criteria
        if group_by == GROUP_MONTH and key is not None:
            last = next_month(key) - datetime.timedelta(days=1)
            return max(key, c.period_from), min(last, c.period_to)
        return c.period_from, c.period_to

    @staticmethod
    def _join(url, params):
        return f"{url}?{urlencode(params)}"

    def links(self, group_by, key):
        c = self.criteria
        start, end = self._bounds(group_by, key)
        scope = {**c.scope_params(), **self._group_params(group_by, key)}
        found = {"found_from": start, "found_to": end, **scope}
        if c.source:
            found["source"] = c.source
        as_of = {"as_of": c.as_of}
        h = self.hazard_url
        general, major = {"level": Level.GENERAL}, {"level": Level.MAJOR}
        rectified = {"status": "rectified", **as_of}
        dated = {"date_from": start, "date_to": end, **scope}
        submitted = {**dated, "status": Inspection.Status.SUBMITTED, "counted": "1"}
        issued = {"issued_from": start, "issued_to": end, **scope}
        e = self.enforcement_url
        return {
            "found": self._join(h, found),
            "found_general": self._join(h, {**found, **general}),
            "found_major": self._join(h, {**found, **major}),
            "rectified": self._join(h, {**found, **rectified}),
            "rectified_general": self._join(h, {**found, **general, **rectified}),
            "rectified_major": self._join(h, {**found, **major, **rectified}),
            "closed": self._join(h, {**found, "status": "closed_asof", **as_of}),
            "overdue": self._join(h, {**found, "status": "overdue", **as_of}),
            "on_time": self._join(h, {**found, "status": "on_time", **as_of}),
            "major_open": self._join(h, {**found, **major, "status": "open", **as_of}),
            "groups": self._join(self.inspection_url, submitted),
            "person_times": self._join(self.inspection_url, submitted),
            "visits": self._join(self.inspection_url, submitted),
            "enterprises": self._join(self.inspection_url, submitted),
            "documents": self._join(e, {"kind": EnforcementAction.Kind.DOCUMENT, **dated}),
            "talks": self._join(e, {"kind": EnforcementAction.Kind.TALK, **dated}),
            "cases": self._join(e, {"kind": EnforcementAction.Kind.CASE, **dated}),
            "fines": self._join(e, dated),
            "orders": self._join(self.order_url, issued),
        }


def _labels(user, criteria, group_by):
    """{key: label} of the rows every table shows even when empty, in display order:
    townships and cells in the grid's order, months in time order."""
    if group_by == GROUP_TOWNSHIP:
        qs = scoping.townships_for(user)
        if criteria.township is not None:
            qs = qs.filter(pk=criteria.township.pk)
        if criteria.cell is not None:
            qs = qs.filter(pk=criteria.cell.township_id)
        return {c.pk: c.name for c in in_tree_order(qs.only("id", "name", "path"))}
    if group_by == GROUP_CELL:
        qs = scoping.cells_for(user).filter(level=GridCell.Level.VILLAGE)
        if criteria.township is not None:
            qs = qs.filter(township_id=criteria.township.pk)
        if criteria.cell is not None:
            qs = qs & GridCell.objects.subtree(criteria.cell)
        return {c.pk: c.name for c in in_tree_order(qs.only("id", "name", "path"))}
    if group_by == GROUP_MONTH:
        return {
            m: _("%(y)d年%(m)d月") % {"y": m.year, "m": m.month}
            for m in months_between(criteria.period_from, criteria.period_to)
        }
    return {}


def _label_extra(group_by, keys):
    """Labels of keys that have figures but are not among the default rows, in order."""
    if not keys:
        return {}
    if group_by in (GROUP_TOWNSHIP, GROUP_CELL):
        cells = GridCell.objects.filter(pk__in=keys).only("id", "name", "path")
        return {c.pk: c.name for c in in_tree_order(cells)}
    if group_by == GROUP_INDUSTRY:
        names = dict(Industry.choices)
        return {k: str(names.get(k, k or _("未填写"))) for k in keys}
    return {k: str(k) for k in sorted(keys)}


def _split_enterprises(user, criteria, group_by):
    """Names of the enterprises inspected in more than one township (or cell) of the
    table, e.g. after a move: each of those rows counts them, 合计 counts them once."""
    if group_by not in (GROUP_TOWNSHIP, GROUP_CELL):
        return []
    key = "township_id" if group_by == GROUP_TOWNSHIP else "cell_id"
    rows = (
        inspections_in_period(user, criteria)
        .order_by()
        .values("enterprise_id", "enterprise__name")
        .annotate(n=Count(key, distinct=True))
        .filter(n__gt=1)
        .order_by("enterprise__name", "enterprise_id")
    )
    return [row["enterprise__name"] for row in rows]


def _industry_order(key):
    values = list(Industry.values)
    return values.index(key) if key in values else len(values)


def report_table(
    user,
    period_from,
    period_to,
    as_of,
    group_by=GROUP_TOWNSHIP,
    *,
    township=None,
    cell=None,
    industry="",
    inspector=None,
    source="",
):
    """Every figure of docs/domain.md#the-numbers per group, with a total row and links.

    Rows: every township (or village cell, or month) in scope even when empty, in the
    grid's order, plus any key with figures (industries appear when they have figures).
    The total row's counts are the sums of the rows, except 检查组数, 出动检查人次 and
    检查企业数（家）, counted once over the whole table (their own query); its rates are recomputed from those sums, never
    averaged.
    """
    if group_by not in GROUPS:
        raise ValueError(f"unknown grouping {group_by!r}")
    criteria = Criteria(
        period_from, period_to, as_of, township, cell, industry or "", inspector, source or ""
    )
    labels = _labels(user, criteria, group_by)
    hazards = hazard_figures(user, criteria, group_by)
    # 合计 counts each group, outing and enterprise once, however many rows count it: the
    # same statement counts it.
    inspections, whole = inspection_figures(user, criteria, group_by, whole=True)
    enforcement = enforcement_figures(user, criteria, group_by)

    data_keys = set(hazards) | set(inspections) | set(enforcement)
    extra = [k for k in data_keys if k not in labels]
    labels = {**labels, **_label_extra(group_by, extra)}
    keys = list(labels)  # scope order first, then keys with figures outside it
    if group_by == GROUP_INDUSTRY:
        keys.sort(key=_industry_order)

    linker = Linker(criteria)
    rows = []
    total = Row(key=None, label=_("合计"), is_total=True)
    for key in keys:
        row = Row(key=key, label=str(labels[key]))
        for source in (hazards, inspections, enforcement):
            for name, value in source.get(key, {}).items():
                setattr(row, name, value)
        row.links = linker.links(group_by, key)
        rows.append(row)
        total.add(row)
    total.groups, total.person_times = whole["groups"], whole["person_times"]
    total.enterprises = whole["enterprises"]
    total.links = linker.links(None, None)
    split = []
    if sum(row.enterprises for row in rows) > total.enterprises:  # counted in two rows
        split = _split_enterprises(user, criteria, group_by)
    return Table(
        criteria=criteria, group_by=group_by, rows=rows, total=total, split_enterprises=split
    )


def county_summary(user, period_from, period_to, as_of, *, township=None, **filters):
    """The county summary table (seed 004): one row per township, then 合计."""
    return report_table(
        user, period_from, period_to, as_of, GROUP_TOWNSHIP, township=township, **filters
    )


def longest_overdue(user, as_of, limit=10, *, township=None):
    """The hazards overdue on ``as_of`` with the oldest deadlines first."""
    qs = scoping.hazards_for(user).filter(OVERDUE.q(as_of))
    if township is not None:
        qs = qs.filter(township_id=township.pk)
    hazards = list(
        qs.select_related("enterprise", "township")
        .only(
            "number",
            "description",
            "level",
            "status",
            "deadline",
            "fixed_on",
            "found_on",
            "enterprise__name",
            "township__name",
        )
        .order_by("deadline", "id")[:limit]
    )
    for hazard in hazards:
        hazard.days_overdue = hazard.overdue_days(as_of)
    return hazards


# --- the cache of the report pages ----------------------------------------------------------

# Every record the report pages count is appended to one of these tables, and every hazard
# transition appends a HazardEvent (and its state interval): their highest ids change
# whenever one of those changes a figure.
_STAMP_MODELS = (Hazard, HazardEvent, SupervisionOrder, Inspection, EnforcementAction)

# What the stamp does not see, so shows only once the cache time is over (the pages print
# when their figures were counted): an outing's people changed, an enterprise's industry or
# a cell's name edited, a record deleted. An inspection *submitted* (its status changes, no
# new id) is seen by the latest ``submitted_at`` (index ``inspection_submitted``).


def _data_stamp(using="default"):
    """The highest id of each table the report pages read and the latest submission of an
    inspection: one query of six index lookups (``core.stamps``)."""
    return table_stamp(using, _STAMP_MODELS, latest=[(Inspection, "submitted_at")])


def _scope_key(user):
    scope = scoping.scope_of(user)
    if scope.everything:
        return "all"
    ids = f"t{sorted(scope.township_ids)}c{sorted(scope.cell_ids)}"
    return hashlib.sha256(ids.encode()).hexdigest()[:24]


def _key_part(value):
    """A criterion as text for a cache key: a record by its id, a date in ISO form."""
    if value is None:
        return ""
    if hasattr(value, "pk"):
        return str(value.pk)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def counted_once(kind, user, parts, seconds, count):
    """``count()``, kept in the cache for ``seconds`` per (``kind``, the user's scope,
    ``parts``, language, data stamp); ``seconds`` 0 counts afresh every time.

    The one cache of the report pages (the dashboard and 汇总). A new hazard, any hazard
    transition (it writes an event), a new inspection, enforcement action or supervision
    order changes the stamp and so the figures at once; the edits ``_STAMP_MODELS``' note
    lists show within ``seconds``, so a page that uses this prints when its figures were
    counted. Exports, commands and closings never read it: they call the queries.
    """
    if seconds <= 0:
        return count()
    key = ":".join(
        (
            kind,
            _scope_key(user),
            *(_key_part(part) for part in parts),
            translation.get_language() or "",
            _data_stamp(),
        )
    )
    key = f"{kind}:{hashlib.sha256(key.encode()).hexdigest()}"  # short, and any criterion text
    result = cache.get(key)
    if result is None:
        result = count()
        cache.set(key, result, seconds)
    return result


# --- the dashboard --------------------------------------------------------------------------


def twelve_months_ago(today):
    """The first day of the month eleven months before ``today``'s (12 months in all)."""
    year, month = today.year, today.month - 11
    if month < 1:
        year, month = year - 1, month + 12
    return datetime.date(year, month, 1)


@dataclass
class Dashboard:
    """What the dashboard shows: this year by township, 12 months by month, the longest
    overdue, and when it was counted."""

    by_township: Table
    trend: Table
    overdue: list
    computed_at: datetime.datetime

    @property
    def figures(self):
        return self.by_township.total  # the same definitions, already counted


def dashboard(user, today):
    """The dashboard's tables for ``user`` on ``today``, cached for a few minutes.

    At 1,000,000 hazards the two tables and the overdue list cost about 1 s of SQL per view
    (docs/benchmarks.md), the same for every user of the same scope. They are kept per
    (scope, day, language, data stamp) for ``DASHBOARD_CACHE_SECONDS`` (``counted_once``).
    """

    def count():
        return Dashboard(
            by_township=report_table(user, year_start, today, today, GROUP_TOWNSHIP),
            trend=report_table(user, twelve_months_ago(today), today, today, GROUP_MONTH),
            overdue=longest_overdue(user, today),
            computed_at=timezone.now(),
        )

    year_start = today.replace(month=1, day=1)
    seconds = getattr(settings, "DASHBOARD_CACHE_SECONDS", 300)
    return counted_once("dashboard", user, (today,), seconds, count)


# --- the report page ------------------------------------------------------------------------

# The criteria of ``report_table`` after ``group_by``, in the order of the cache key.
REPORT_CRITERIA = (
    "period_from",
    "period_to",
    "as_of",
    "township",
    "cell",
    "industry",
    "inspector",
    "source",
)


def report(user, today, group_by=GROUP_TOWNSHIP, **criteria):
    """``report_table`` for the report page (汇总), cached for a few minutes.

    A year of the county is 330,000 hazards to count, 0.8–1.3 s of SQL at 1,000,000
    (docs/benchmarks.md §10), the same for every viewer of the same scope and criteria. The
    table is kept per (scope, day, every criterion and the grouping, language, data stamp)
    for ``REPORT_CACHE_SECONDS`` (``counted_once``); ``table.computed_at`` says when it was
    counted. Only the page reads this: the Excel export, the commands and a closed period
    (封账) count afresh, and so does the page of a period that is closed (the view).
    """
    unknown = set(criteria) - set(REPORT_CRITERIA)
    if unknown:
        raise TypeError(f"unknown report criteria {sorted(unknown)}")
    parts = (today, group_by, *(criteria.get(name) for name in REPORT_CRITERIA))
    seconds = getattr(settings, "REPORT_CACHE_SECONDS", 300)
    return counted_once(
        "report", user, parts, seconds, lambda: report_table(user, group_by=group_by, **criteria)
    )
