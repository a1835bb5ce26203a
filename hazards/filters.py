"""The list filters: one base shared by every list a report links to, and the ledger's.

``RecordFilter`` declares what every such list filters on alike — the township, a grid
cell and everything beneath it, the industry and the inspector — plus the period (each
list names its own date, see ``period_filters``). The hazard list (``HazardFilter``), the
supervision-order list (``OrderFilter``) and the inspection and enforcement lists
(``inspections.filters``) derive from it, and the reports narrow their figures with the
same ``scope_q``, so a figure and the list its link opens select the same records.

A filter set is always bound (no parameters: an empty dict), so its defaults apply
everywhere alike. An invalid parameter is a form error in Chinese and an empty result,
never a 500 and never a silently wider list; every parameter a report link carries is a
declared filter, so none is dropped.
"""

import copy
import hashlib
from datetime import timedelta
from typing import NamedTuple

import django_filters
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.stamps import table_stamp
from enterprises.models import Industry
from grid import scoping
from grid.forms import CellChoiceField
from grid.models import TOWNSHIP_ORDER, Assignment, GridCell, in_tree_order, q_beneath
from hazards import states
from hazards.models import (
    CLOSED,
    COUNTED,
    ON_TIME,
    OPEN,
    OVERDUE,
    RECTIFIED,
    Category,
    Hazard,
    Level,
    Source,
    Status,
    Subject,
    SupervisionOrder,
)
from hazards.rows import filter_fields
from hazards.widgets import (
    OptionBlock,
    PlainDateInput,
    PlainHiddenInput,
    PlainSelect,
    PlainTextInput,
)

STATUS_CHOICES = [
    ("found", _("已登记")),
    ("deadline", _("限期整改")),
    ("overdue", _("逾期")),
    ("fixed", _("已整改待验收")),
    ("closed", _("已销号")),
    ("void", _("已作废")),
    ("open", _("未销号（在办）")),
    ("rectified", _("已整改（统计口径）")),
    ("closed_asof", _("已销号（截至统计日）")),
    ("on_time", _("按期整改")),
]

# The tabs above the ledger, in order: (status value or "" for all, label).
TABS = [
    ("", _("全部")),
    ("found", _("已登记")),
    ("deadline", _("限期整改")),
    ("overdue", _("逾期")),
    ("fixed", _("待验收")),
    ("closed", _("已销号")),
    ("void", _("已作废")),
]

SORT_CHOICES = [
    ("-found_on", _("发现日期（新→旧）")),
    ("found_on", _("发现日期（旧→新）")),
    ("deadline", _("整改期限（近→远）")),
    ("-deadline", _("整改期限（远→近）")),
    ("number", _("隐患编号（小→大）")),
    ("-number", _("隐患编号（大→小）")),
    ("enterprise", _("企业名称")),
]
_SORT_FIELDS = {
    "-found_on": ["-found_on", "-id"],
    "found_on": ["found_on", "id"],
    "deadline": ["deadline", "id"],
    "-deadline": ["-deadline", "-id"],
    "number": ["number"],
    "-number": ["-number"],
    "enterprise": ["enterprise__name", "enterprise_id", "-found_on", "-id"],
}
DEFAULT_SORT = "-found_on"

_DATE_INPUT = PlainDateInput(attrs={"type": "date"})


class _Cell(NamedTuple):
    pk: int
    level: int
    name: str
    path: str


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


def period_filters(field, label_from, label_to):
    """The two date filters of a list's period: ``field`` from … to …, both inclusive."""
    return (
        django_filters.DateFilter(
            label=label_from, field_name=field, lookup_expr="gte", widget=_DATE_INPUT
        ),
        django_filters.DateFilter(
            label=label_to, field_name=field, lookup_expr="lte", widget=_DATE_INPUT
        ),
    )


def _own_copy(filter_):
    """A copy of a declared filter for one filter set: its own attributes and ``extra``,
    its ``method`` bound to the copy, no field built yet. The values it shares with the
    declaration (labels, choices, widgets, querysets) are never changed in place: a filter
    set assigns its own (``RecordFilter.__init__``), and the field a filter builds copies
    its widget and clones its queryset."""
    own = copy.copy(filter_)
    own.__dict__.pop("_field", None)
    own.extra = dict(filter_.extra)
    own.method = filter_.method  # a FilterMethod of the copy, not of the declaration
    return own


class _DeclaredFilters(dict):
    """A filter set's ``base_filters``. django-filter deep-copies them for every filter
    set (``copy.deepcopy``: every label, choice list, widget and queryset, about 1,200
    copies for the ledger, 1-3 ms a request, issue 17); ``_own_copy`` of each is enough."""

    def __deepcopy__(self, memo):
        return {name: _own_copy(filter_) for name, filter_ in self.items()}


class _OwnFields(dict):
    """The fields of a filter set's form class, built for that one filter set: the form
    takes them as they are instead of deep-copying them again."""

    def __deepcopy__(self, memo):
        return dict(self)


class RecordFilterForm(forms.Form):
    period = ()  # (from, to) parameter names; set per filter set

    def clean(self):
        data = super().clean()
        start, end = self.period or (None, None)
        if start and data.get(start) and data.get(end) and data[start] > data[end]:
            self.add_error(end, _("结束日期不能早于开始日期。"))
        return data


class RecordFilter(django_filters.FilterSet):
    """What every list a report links to filters on, scoped to the user's cells.

    Subclasses name the paths of their model: ``industry_path`` (the industry the record
    counts under), ``inspector_path`` (the user it belongs to: who found a hazard, who
    took part in an inspection, who recorded an enforcement action, who issued an order)
    and ``period`` (the names of their from/to parameters).
    """

    industry_path = "industry"
    inspector_path = ""
    period = ()
    field_order = None  # the form's field order, when not the declaration order

    # The selects of the scope render by a plain loop (hazards.widgets): a county user's
    # cells and inspectors are hundreds of options.
    township = django_filters.ModelChoiceFilter(
        label=_("乡镇"),
        queryset=GridCell.objects.none(),
        method="filter_scope",
        empty_label=_("全部"),
        widget=PlainSelect,
    )
    cell = django_filters.ModelChoiceFilter(
        label=_("网格"),
        queryset=GridCell.objects.none(),
        method="filter_scope",
        empty_label=_("全部"),
        widget=PlainSelect,
    )
    cell.field_class = CellChoiceField
    industry = django_filters.ChoiceFilter(
        label=_("行业"),
        choices=Industry.choices,
        method="filter_scope",
        empty_label=_("全部"),
        widget=PlainSelect,
    )
    inspector = django_filters.ModelChoiceFilter(
        label=_("检查人员"),
        queryset=get_user_model().objects.none(),
        method="filter_scope",
        empty_label=_("全部"),
        widget=PlainSelect,
    )
    inspector.field_class = UserChoiceField

    class Meta:
        form = RecordFilterForm
        fields = []

    def __init__(self, data=None, queryset=None, *, user=None, request=None, prefix=None):
        # Always bound: the defaults apply everywhere alike.
        data = data if data is not None else {}
        super().__init__(data=data, queryset=queryset, request=request, prefix=prefix)
        self.user = user or getattr(request, "user", None)
        if self.user is not None:
            townships = scoping.townships_for(self.user).order_by(*TOWNSHIP_ORDER)
            self.filters["township"].queryset = townships
            self.filters["cell"].queryset = (
                scoping.cells_for(self.user).filter(level__gte=GridCell.Level.TOWNSHIP)
            ).order_by("path")
            self.filters["inspector"].queryset = (
                get_user_model()
                .objects.filter(
                    grid_assignments__cell__in=scoping.cells_for(self.user).values("pk")
                )
                .distinct()
                .only("id", "username", "first_name", "last_name")  # DISTINCT on 4 columns
                .order_by("username")
            )

    @property
    def form(self):
        if not hasattr(self, "_form"):
            self._plain_choices(super().form)
        return self._form

    def _plain_choices(self, form):
        """The township, cell and inspector options read as plain values, kept per scope.

        A county user's filter card lists every grid cell and every inspector: built as
        model instances through the fields' iterators they cost more than the whole bare
        page (issue 17). The fields keep their querysets, which validate a choice as before;
        only the options drawn come from ``scope_choices``, with the same labels in the same
        order (``CellChoiceField``, ``UserChoiceField``), read when a select is drawn (an
        export or a report that only filters reads none).
        """
        if self.user is None:
            return
        for name in ("township", "cell", "inspector"):
            field = form.fields[name]
            field.widget.choices = _ScopeOptions(self, name, field.empty_label)

    def scope_options(self):
        """``scope_choices`` of this filter set's user and querysets, read once."""
        if not hasattr(self, "_scope_options"):
            querysets = {n: self.filters[n].queryset for n in ("township", "cell", "inspector")}
            self._scope_options = scope_choices(self.user, querysets, key=self.options_key())
        return self._scope_options

    def options_key(self):
        """``choices_key`` of this filter set's user, read once (None: not kept)."""
        if not hasattr(self, "_options_key"):
            self._options_key = (
                choices_key(self.user, self.queryset.db) if self.user is not None else None
            )
        return self._options_key

    def card(self, skip=()):
        """The filter card's fields but ``skip`` (``hazards.rows.filter_fields``), kept in the
        cache with the scope options they draw (issue 17: 1.4 ms of a county user's ledger).

        The card is a function of the form's data, the scope options (their key names the
        scope and the grid stamp) and the language: those make the key, with the form's
        class, prefix and ``skip``. A form with errors is drawn afresh (its messages).
        """
        form = self.form
        key = self.options_key()
        if key is None or not form.is_valid():
            return filter_fields(form, skip)
        data = form.data
        getlist = getattr(data, "getlist", lambda name: [data[name]])
        values = sorted((name, getlist(name)) for name in data if name not in (*skip, "page"))
        parts = (key, get_language(), type(self).__name__, form.prefix, skip, values)
        card_key = "filter-card:" + hashlib.sha256(repr(parts).encode()).hexdigest()
        html = cache.get(card_key)
        if html is None:
            html = str(filter_fields(form, skip))
            cache.set(card_key, html, settings.FILTER_CHOICES_CACHE_SECONDS)
        return mark_safe(html)  # noqa: S308 — filter_fields' HTML, escaped when it was drawn

    @classmethod
    def get_filters(cls):
        return _DeclaredFilters(super().get_filters())

    def get_form_class(self):
        form_class = super().get_form_class()
        # The fields are this filter set's own (``_own_copy`` builds none in advance).
        form_class.base_fields = _OwnFields(form_class.base_fields)
        form_class.period = self.period
        form_class.field_order = self.field_order
        return form_class

    @classmethod
    def scope_q(cls, *, township=None, cell=None, industry="", inspector=None, via=""):
        """The records of this list's model in ``township``, in ``cell`` or beneath it, of
        ``industry`` and of ``inspector`` (each optional). The reports narrow with it;
        ``via`` is the path from rows that copy the record's place (a hazard's state
        intervals carry township, cell and industry, and reach its finders through it)."""
        q = Q()
        if township is not None:
            q &= Q(township_id=township.pk)
        if cell is not None:
            q &= q_beneath(cell)
        if industry:
            q &= Q(**{cls.industry_path: industry})
        if inspector is not None:
            q &= Q(**{via + cls.inspector_path: inspector.pk})
        return q

    def filter_scope(self, queryset, name, value):
        return queryset.filter(self.scope_q(**{name: value}))

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            if not self.form.is_valid():
                self._qs = self.queryset.none()  # never a silently wider list
            else:
                self._qs = self.filter_queryset(self.queryset.all())
        return self._qs


class HazardFilter(RecordFilter):
    inspector_path = "finders"
    period = ("found_from", "found_to")
    field_order = [
        "q",
        "status",
        "level",
        "township",
        "cell",
        "enterprise",
        "industry",
        "category",
        "subject",
        "source",
        "found_from",
        "found_to",
        "deadline_from",
        "deadline_to",
        "inspector",
    ]

    q = django_filters.CharFilter(
        label=_("关键词"),
        method="filter_text",
        widget=PlainTextInput(attrs={"placeholder": _("编号、描述、部位、企业名称")}),
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=STATUS_CHOICES,
        method="filter_status",
        empty_label=_("全部"),
        widget=PlainSelect,
    )
    level = django_filters.ChoiceFilter(
        label=_("隐患等级"), choices=Level.choices, widget=PlainSelect
    )
    enterprise = django_filters.NumberFilter(
        label=_("企业"),
        field_name="enterprise_id",
        widget=PlainHiddenInput,
        min_value=1,
        max_value=2**63 - 1,  # beyond a 64-bit id SQLite raises OverflowError: a 500
    )
    category = django_filters.ChoiceFilter(
        label=_("隐患类别"), choices=Category.choices, widget=PlainSelect
    )
    subject = django_filters.ChoiceFilter(
        label=_("专业类别"), choices=Subject.choices, widget=PlainSelect
    )
    source = django_filters.ChoiceFilter(
        label=_("隐患来源"), choices=Source.choices, widget=PlainSelect
    )
    found_from, found_to = period_filters("found_on", _("发现日期从"), _("发现日期至"))
    deadline_from, deadline_to = period_filters("deadline", _("整改期限从"), _("整改期限至"))
    recurrence = django_filters.ChoiceFilter(
        label=_("反复出现"),
        choices=[("1", _("仅反复出现"))],
        method="filter_recurrence",
        widget=PlainSelect,
    )
    referred = django_filters.ChoiceFilter(
        label=_("移送县级"),
        choices=[("1", _("仅已移送县级"))],
        method="filter_referred",
        widget=PlainSelect,
    )
    as_of = django_filters.DateFilter(label=_("状态截至"), method="filter_noop", widget=_DATE_INPUT)
    sort = django_filters.ChoiceFilter(
        label=_("排序"),
        choices=SORT_CHOICES,
        method="filter_noop",
        empty_label=None,
        widget=PlainSelect,
    )

    class Meta(RecordFilter.Meta):
        model = Hazard

    # --- the parameters -------------------------------------------------------------------

    @property
    def as_of_date(self):
        """The date statuses are read at (``as_of``, default today in Asia/Shanghai)."""
        if self.form.is_valid() and self.form.cleaned_data.get("as_of"):
            return self.form.cleaned_data["as_of"]
        return timezone.localdate()

    @property
    def sort_key(self):
        if self.form.is_valid() and self.form.cleaned_data.get("sort"):
            return self.form.cleaned_data["sort"]
        return DEFAULT_SORT

    def filter_noop(self, queryset, name, value):
        return queryset

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(description__icontains=value)
            | Q(location__icontains=value)
            | Q(enterprise__name__icontains=value)
        )

    def filter_status(self, queryset, name, value):
        as_of = self.as_of_date
        if states.reads_history(as_of):
            return queryset.filter(pk__in=states.hazard_ids_as_of(as_of, status_q(value, as_of)))
        return queryset.filter(status_q(value, as_of))

    def filter_recurrence(self, queryset, name, value):
        return queryset.filter(is_recurrence=True) if value == "1" else queryset

    def filter_referred(self, queryset, name, value):
        return queryset.filter(referred_at__isnull=False) if value == "1" else queryset

    # --- the result -----------------------------------------------------------------------

    def filter_queryset(self, queryset, *, skip_status=False):
        data = self.form.cleaned_data
        for name, value in data.items():
            if value in (None, "") or (skip_status and name == "status"):
                continue
            queryset = self.filters[name].filter(queryset, value)
        if skip_status:
            return queryset
        if not data.get("status"):
            queryset = queryset.exclude(status=Status.VOID)
            if states.reads_history(self.as_of_date):  # not yet found then: not listed
                queryset = queryset.filter(
                    pk__in=states.hazard_ids_as_of(self.as_of_date, COUNTED.q())
                )
        return queryset.order_by(*_SORT_FIELDS[self.sort_key])

    def tab_counts(self):
        """One query: per state of the tabs, the count under every filter but the state."""
        if not self.form.is_valid():
            return {key: 0 for key, _label in TABS}
        base = self.filter_queryset(self.queryset.all(), skip_status=True).order_by()
        # Grouped by state, the overdue counted within each group: one index-only scan of
        # (township, status, deadline, fixed_on) at 1M hazards (docs/benchmarks.md), where
        # seven filtered COUNTs over a township cost 213 ms on SQLite and 400 ms on PostgreSQL.
        counts = {key: 0 for key in ("found", "deadline", "fixed", "closed", "void")}
        counts["overdue"] = 0
        as_of = self.as_of_date
        if states.reads_history(as_of):  # the states that held then, of the same hazards
            base = states.rows_as_of(as_of).filter(hazard_id__in=base.values("pk"))
        rows = base.values("status").annotate(
            n=Count("*"), late=Count("status", filter=OVERDUE.q(as_of))
        )
        for row in rows.order_by():
            counts[row["status"]] = row["n"]
            counts["overdue"] += row["late"]
        counts[""] = sum(counts[key] for key in Status.values if key != Status.VOID)
        return counts

    def count_from_tabs(self, counts):
        """The number of rows of ``qs`` when the tabs already counted it, else None.

        The status filter of a tab is exactly that tab's condition (no status: every state
        but VOID, like the 全部 tab), so the paginator needs no COUNT of its own.
        """
        if not self.form.is_valid():
            return 0
        status = self.form.cleaned_data.get("status") or ""
        return counts.get(status) if status in dict(TABS) else None


class _ScopeOptions(BaseChoiceIterator):
    """A scope filter's options, read from ``scope_options`` only when iterated or drawn:
    ``PlainSelect`` draws the empty choice (``head``) and then the options as written once
    with them (``block``)."""

    def __init__(self, filterset, name, empty_label):
        self.filterset, self.name, self.empty_label = filterset, name, empty_label

    def head(self):
        return [("", self.empty_label)]

    def block(self):
        return self.filterset.scope_options()[self.name + ":html"]

    def __iter__(self):
        yield from self.head()
        yield from self.filterset.scope_options()[self.name]


def scope_choices(user, querysets, *, key=False):
    """The options (value, label) of the scope filters of ``user``: ``township``, ``cell``
    (in the grid's order, indented by level) and ``inspector`` (full name, else the user
    name), read from their ``querysets`` as plain values; and under ``<name>:html`` the
    same options as their select writes them (``hazards.widgets.OptionBlock``).

    Kept in the cache per (scope, grid stamp) for ``FILTER_CHOICES_CACHE_SECONDS`` (300; 0
    reads them every time) under ``choices_key`` (``key``: that key, already read). The
    stamp is the highest id and the number of the grid cells, the assignments and the
    users, one query: a new or removed cell, assignment or user shows at once, a renamed
    one within the cache time.
    """
    seconds = settings.FILTER_CHOICES_CACHE_SECONDS
    if key is False:
        key = choices_key(user, querysets["cell"].db)
    if key is not None:
        cached = cache.get(key)
        if cached is not None:
            return cached
    cells = in_tree_order(
        _Cell(*row) for row in querysets["cell"].values_list("pk", "level", "name", "path")
    )
    users = querysets["inspector"].values_list("pk", "username", "first_name", "last_name")
    options = {
        "township": list(querysets["township"].values_list("pk", "name")),
        "cell": [(c.pk, "\u3000" * (c.level - 1) + c.name) for c in cells],
        "inspector": [
            (pk, f"{first} {last}".strip() or username) for pk, username, first, last in users
        ],
    }
    # The options as the select writes them, once for the cache time (hazards.widgets).
    options.update({f"{name}:html": OptionBlock.of(choices) for name, choices in options.items()})
    if key is not None:
        cache.set(key, options, seconds)
    return options


def choices_key(user, using):
    """The cache key of ``user``'s scope options: their scope and the grid stamp (one
    query); None when ``FILTER_CHOICES_CACHE_SECONDS`` is 0."""
    if settings.FILTER_CHOICES_CACHE_SECONDS <= 0:
        return None
    scope = scoping.scope_of(user)
    parts = (
        f"e{scope.everything}t{sorted(scope.township_ids)}c{sorted(scope.cell_ids)}",
        _grid_stamp(using),
    )
    return "filter-choices:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def _grid_stamp(using):
    """Highest id and count of grid cells, assignments and users: one query."""
    return table_stamp(using, (GridCell, Assignment, get_user_model()), counts=True)


def status_q(value, as_of):
    """The Q object for one ``status`` value of the ledger: a state, or one of the terms."""
    if value in Status.values:
        return Q(status=value)
    terms = {
        "overdue": OVERDUE,
        "open": OPEN,
        "rectified": RECTIFIED,
        "closed_asof": CLOSED,
        "on_time": ON_TIME,
    }
    if value in terms:
        return terms[value].q(as_of)
    raise ValueError(value)


class OrderFilter(RecordFilter):
    """督办单 list: kind, issuing level, hazard level, and the shared scope and period."""

    industry_path = "hazard__industry"
    inspector_path = "issued_by_id"
    period = ("issued_from", "issued_to")
    field_order = ["kind", "level", "hazard_level", "township", "cell", "industry"]

    kind = django_filters.ChoiceFilter(label=_("类型"), choices=SupervisionOrder.Kind.choices)
    level = django_filters.ChoiceFilter(
        label=_("督办级别"), choices=SupervisionOrder.IssuingLevel.choices
    )
    hazard_level = django_filters.ChoiceFilter(
        label=_("隐患等级"), choices=Level.choices, field_name="hazard__level"
    )
    issued_from, issued_to = period_filters("issued_on", _("下达日期从"), _("下达日期至"))

    class Meta(RecordFilter.Meta):
        model = SupervisionOrder


def default_order_deadline(as_of=None):
    return (as_of or timezone.localdate()) + timedelta(days=7)
