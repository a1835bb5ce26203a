"""Closed periods (封账上报): close, reopen, read a snapshot, list what changed since.

A period is a month, a quarter or a year, named by a slug: ``2026-03``, ``2026-Q1``,
``2026``. Closing one stores a ``PeriodClosing``: the county table exactly as the county
Excel (``reports.exporters.SummaryExporter``) would write it at that moment — its heading,
its columns (label, width, kind, number format) and each row's cells — plus every figure
of every ``reports.queries.Row`` (its fields and its properties, serialized generically, so
a column added to ``Row`` later is kept by the next closing without a change here).

The snapshot is read back as it was stored, never recomputed: the page and the Excel of
a closed period show what was submitted. Beside it, ``live_cells`` recomputes the same
table now (same period, same as-of date) and ``changes_since`` lists the records entered
or changed after the closing that touch the period (补录/更正), so a reader sees what
moved and why. Township users see their township's own rows of the county table, never
the county 合计 (a sum over townships they cannot see).
"""

import dataclasses
import datetime
import inspect
import io
import re
import zipfile
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl.packaging.core import DocumentProperties
from openpyxl.xml.functions import tostring

from core import xlsx
from core.xlsx import Column
from grid import scoping
from hazards.models import HazardEvent, HazardState, Level, Status
from inspections.models import EnforcementAction
from reports.exporters import SummaryExporter, split_note
from reports.models import PeriodAnalysis, PeriodClosing, PeriodKind
from reports.queries import CENT, DASH, next_month

MAX_REASON = 500
MAX_ANALYSIS = 2000
CHANGES_SHOWN = 50


class PeriodError(Exception):
    """Input a period action cannot accept; ``message`` is shown to the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# --- periods --------------------------------------------------------------------------------

_SLUG = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<quarter>[1-4])))?$")
QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}


@dataclasses.dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date

    @property
    def end(self):
        if self.kind == PeriodKind.MONTH:
            return next_month(self.start) - datetime.timedelta(days=1)
        if self.kind == PeriodKind.QUARTER:
            last_month = self.start.replace(month=self.start.month + 2)
            return next_month(last_month) - datetime.timedelta(days=1)
        return self.start.replace(month=12, day=31)

    @property
    def slug(self):
        if self.kind == PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}-Q{self.quarter}"
        return f"{self.start.year}"

    @property
    def quarter(self):
        return (self.start.month - 1) // 3 + 1

    @property
    def label(self):
        y = self.start.year
        if self.kind == PeriodKind.MONTH:
            return _("%(y)d年%(m)d月") % {"y": y, "m": self.start.month}
        if self.kind == PeriodKind.QUARTER:
            return _("%(y)d年第%(q)s季度") % {"y": y, "q": QUARTER_NAMES[self.quarter]}
        return _("%(y)d年度") % {"y": y}

    def ended(self, today):
        return self.end < today


def parse_period(slug):
    """``2026-03`` / ``2026-Q1`` / ``2026`` → Period; anything else raises PeriodError."""
    match = _SLUG.match(slug or "")
    year = int(match["year"]) if match else 0
    if not match or not 2000 <= year <= 2100:
        raise PeriodError(
            _("报表期“%(slug)s”格式不正确（例：2026-03、2026-Q1、2026）。") % {"slug": slug}
        )
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise PeriodError(_("报表期“%(slug)s”的月份不正确。") % {"slug": slug})
        return Period(PeriodKind.MONTH, datetime.date(year, month, 1))
    if match["quarter"]:
        quarter = int(match["quarter"])
        return Period(PeriodKind.QUARTER, datetime.date(year, 3 * quarter - 2, 1))
    return Period(PeriodKind.YEAR, datetime.date(year, 1, 1))


def recent_periods(today, kind, count):
    """The ``count`` most recent periods of ``kind`` that have ended by ``today``, newest first."""
    periods = []
    if kind == PeriodKind.MONTH:
        start = today.replace(day=1)
        while len(periods) < count:
            start = (start - datetime.timedelta(days=1)).replace(day=1)
            periods.append(Period(kind, start))
    elif kind == PeriodKind.QUARTER:
        start = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
        while len(periods) < count:
            prev = start - datetime.timedelta(days=1)
            start = prev.replace(month=3 * ((prev.month - 1) // 3) + 1, day=1)
            periods.append(Period(kind, start))
    else:
        periods = [Period(kind, datetime.date(today.year - n, 1, 1)) for n in range(1, count + 1)]
    return periods


# --- snapshot encoding ----------------------------------------------------------------------


def _encode(value):
    """A value as JSON that ``_decode`` turns back into the same value and type."""
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, datetime.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if isinstance(value, Promise):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return str(value)


def _decode(value):
    if isinstance(value, dict) and len(value) == 1:
        ((tag, text),) = value.items()
        if tag == "decimal":
            return Decimal(text)
        if tag == "date":
            return datetime.date.fromisoformat(text)
        if tag == "datetime":
            return datetime.datetime.fromisoformat(text)
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def row_figures(row):
    """Every field and every property of a ``reports.queries.Row``, encoded (links left out:
    they point at live lists)."""
    figures = {}
    for f in dataclasses.fields(row):
        if f.name != "links":
            figures[f.name] = _encode(getattr(row, f.name))
    for name, member in inspect.getmembers(type(row)):
        if isinstance(member, property):
            figures[name] = _encode(getattr(row, name))
    return figures


def _summary(user, period, as_of):
    return SummaryExporter(
        user,
        {
            "found_from": period.start.isoformat(),
            "found_to": period.end.isoformat(),
            "as_of": as_of.isoformat(),
        },
    )


def take_snapshot(user, period, as_of):
    """The county table of ``period`` read as of ``as_of``, as stored in a PeriodClosing."""
    exporter = _summary(user, period, as_of)
    table = exporter.table
    rows = []
    for row in [*table.rows, table.total]:
        rows.append(
            {
                "key": _encode(row.key),
                "label": row.label,
                "is_total": row.is_total,
                "cells": _encode(list(exporter.values(row))),
                "figures": row_figures(row),
            }
        )
    split = getattr(table, "split_enterprises", None)
    return {
        "basis": table.basis,
        "heading": exporter.heading(),
        "notes": [split_note(split)] if split else [],
        "columns": [
            {
                "header": str(c.header),
                "width": c.width,
                "kind": c.kind,
                "format": c.number_format,
            }
            for c in exporter.columns
        ],
        "rows": rows,
    }


def columns_of(closing):
    return [
        Column(c["header"], c.get("width", 12), c.get("kind", xlsx.TEXT), c.get("format", ""))
        for c in closing.columns
    ]


def _decimal_text(value, number_format):
    """``value`` as Excel shows it with ``number_format``'s decimal places: "0" places are
    always written, "#" places only when not zero (0.0##### → 21.221, 0.0000 → 21.2210)."""
    decimals = number_format.split(".", 1)[1] if "." in number_format else ""
    least = decimals.count("0")
    most = least + decimals.count("#")
    if not most:
        return str(value)
    text = f"{value.quantize(Decimal(1).scaleb(-most), rounding=ROUND_HALF_UP):f}"
    whole, _dot, places = text.partition(".")
    places = places.rstrip("0").ljust(least, "0")
    return f"{whole}.{places}" if places else whole


def format_cell(value, column):
    """A stored cell as the page shows it: rates as 93.97%, other numbers as their format."""
    if value is None or value == "":
        return DASH if column.kind in (xlsx.RATE, xlsx.DECIMAL) else ""
    if isinstance(value, Decimal):
        if column.kind == xlsx.RATE:
            return f"{(value * 100).quantize(CENT, rounding=ROUND_HALF_UP)}%"
        return _decimal_text(value, column.format)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


# --- who may do what ------------------------------------------------------------------------


def _require_county(user, message):
    if not scoping.allowed(user, "period.close"):
        raise PeriodError(message)


def covers_county(user, closing):
    """True when the user sees every township row of the closing (county, administrator)."""
    scope = scoping.scope_of(user)
    if scope.everything:
        return True
    keys = {_decode(r["key"]) for r in closing.rows if not r["is_total"]}
    return keys <= scope.township_ids


def visible_rows(closing, user):
    """The rows of the snapshot this user may read: the whole table with its 合计 for a
    user who sees every township, otherwise only the user's own townships' rows."""
    if covers_county(user, closing):
        return list(closing.rows)
    own = scoping.scope_of(user).township_ids
    return [r for r in closing.rows if not r["is_total"] and _decode(r["key"]) in own]


# --- close and reopen -----------------------------------------------------------------------


def closings_of(period):
    return PeriodClosing.objects.filter(kind=period.kind, period_from=period.start).select_related(
        "closed_by", "reopened_by"
    )


def in_force(period):
    return closings_of(period).filter(reopened_at__isnull=True).first()


def closing_matching(period_from, period_to):
    """The version in force of the closed period that is exactly [period_from, period_to],
    or None: one query, for a report page whose criteria are a closed period's."""
    return (
        PeriodClosing.objects.filter(
            period_from=period_from, period_to=period_to, reopened_at__isnull=True
        )
        .defer("rows", "columns")
        .first()
    )


def slug_of(closing):
    return Period(closing.kind, closing.period_from).slug


def close_period(*, by, period, as_of=None, now=None):
    """Close ``period`` (county role): store the county table as the next version."""
    _require_county(by, _("只有县级用户可以封账。"))
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not period.ended(today):
        raise PeriodError(
            _("%(period)s尚未结束（至 %(end)s），结束后才能封账。")
            % {"period": period.label, "end": period.end.isoformat()}
        )
    as_of = as_of or today
    if as_of < period.end:
        raise PeriodError(
            _("状态截至日不能早于报表期结束日 %(end)s。") % {"end": period.end.isoformat()}
        )
    if as_of > today:
        raise PeriodError(_("状态截至日不能晚于今天。"))
    current = in_force(period)
    if current is not None:
        raise PeriodError(_already_closed(period, current.version))
    snapshot = take_snapshot(by, period, as_of)
    try:
        with transaction.atomic():
            latest = closings_of(period).aggregate(v=Max("version"))["v"] or 0
            return PeriodClosing.objects.create(
                kind=period.kind,
                period_from=period.start,
                period_to=period.end,
                version=latest + 1,
                as_of=as_of,
                closed_by=by,
                closed_at=now,
                **snapshot,
            )
    except IntegrityError:  # another county user closed it at the same moment
        current = in_force(period)
        raise PeriodError(_already_closed(period, current.version if current else 1)) from None


def _already_closed(period, version):
    return _("%(period)s已封账（第%(v)d版），如需更正请先重新打开。") % {
        "period": period.label,
        "v": version,
    }


def reopen_period(*, by, period, reason, now=None):
    """Reopen the version in force (county role, with a reason); it stays readable."""
    _require_county(by, _("只有县级用户可以重新打开已封账的报表期。"))
    reason = (reason or "").strip()
    if not reason:
        raise PeriodError(_("请填写重新打开的理由。"))
    if len(reason) > MAX_REASON:
        raise PeriodError(_("理由不能超过 %(n)d 个字。") % {"n": MAX_REASON})
    current = in_force(period)
    if current is None:
        raise PeriodError(_("%(period)s未封账，无需重新打开。") % {"period": period.label})
    now = now or timezone.now()
    matched = PeriodClosing.objects.filter(pk=current.pk, reopened_at__isnull=True).update(
        reopened_at=now, reopened_by=by, reopen_reason=reason
    )
    if matched != 1:
        raise PeriodError(_("该版本已被他人重新打开，请刷新后查看。"))
    current.refresh_from_db()
    return current


def save_analysis(*, by, closing, township, text, now=None):
    """The 统计分析 text of the 16号令 form, kept with a version in force."""
    if township is None:
        _require_county(by, _("只有县级用户可以填写全县的统计分析。"))
    elif not scoping.allowed(by, "period.analyse"):
        raise PermissionDenied
    if township is not None and township.pk not in scoping.scope_of(by).township_ids:
        if not scoping.sees_everything(by):
            raise PermissionDenied
    if not closing.in_force:
        raise PeriodError(_("该版本已重新打开，请在新的封账版本上填写。"))
    text = (text or "").strip()
    if not text:
        raise PeriodError(_("请填写统计分析。"))
    if len(text) > MAX_ANALYSIS:
        raise PeriodError(_("统计分析不能超过 %(n)d 个字。") % {"n": MAX_ANALYSIS})
    analysis, _created = PeriodAnalysis.objects.update_or_create(
        closing=closing,
        township=township,
        defaults={"text": text, "written_by": by, "written_at": now or timezone.now()},
    )
    return analysis


def analysis_for(closing, township):
    if closing is None:
        return None
    return (
        PeriodAnalysis.objects.filter(closing=closing, township=township)
        .select_related("written_by")
        .first()
    )


# --- live figures and changes since ---------------------------------------------------------


def live_cells(closing, user):
    """{row key: {column header: value}} of the same table computed now, for the rows the
    user may read; a figure that moved since the closing shows beside the stored one."""
    period = Period(closing.kind, closing.period_from)
    exporter = _summary(user, period, closing.as_of)
    headers = [str(c.header) for c in exporter.columns]
    table = exporter.table
    live = {}
    for row in [*table.rows, table.total]:
        key = "total" if row.is_total else row.key
        live[key] = dict(zip(headers, exporter.values(row), strict=False))
    return live


def display_rows(closing, user, live=None):
    """The user's rows, each cell as {text, live} where ``live`` is the recomputed text
    when it differs from the stored one (None otherwise)."""
    columns = columns_of(closing)
    out = []
    for row in visible_rows(closing, user):
        key = "total" if row["is_total"] else _decode(row["key"])
        now = (live or {}).get(key, {})
        cells = []
        for column, value in zip(columns, _decode(row["cells"]), strict=False):
            text = format_cell(value, column)
            moved = None
            if live is not None and column.header in now:
                live_text = format_cell(now[column.header], column)
                if live_text != text:
                    moved = live_text
            cells.append({"text": text, "live": moved})
        out.append({"label": row["label"], "is_total": row["is_total"], "cells": cells})
    return out


@dataclasses.dataclass
class Change:
    at: datetime.datetime
    who: str
    what: str
    kind: str  # 补录 or 更正


def _person(user):
    if user is None:
        return ""
    return user.get_full_name() or user.username


def changes_since(closing, user, limit=CHANGES_SHOWN):
    """Records entered or changed after ``closing`` that touch its period, within the
    user's scope, newest first: (the first ``limit`` changes, how many there are in all)."""
    from hazards.workflow import label

    start, end, since = closing.period_from, closing.period_to, closing.closed_at
    in_period = scoping.hazards_for(user).filter(found_on__gte=start, found_on__lte=end)
    late = Q(created_at__gt=since)
    sources = []
    hazards = in_period.filter(late).select_related("enterprise", "registered_by")
    sources.append(
        (
            hazards.order_by("-created_at", "-id"),
            lambda h: Change(
                h.created_at,
                _person(h.registered_by),
                _("补录隐患 %(n)s（%(e)s，发现日期 %(d)s）")
                % {"n": h.number, "e": h.enterprise.name, "d": h.found_on.isoformat()},
                _("补录"),
            ),
        )
    )
    events = (
        HazardEvent.objects.filter(hazard__in=in_period.exclude(late).values("pk"), at__gt=since)
        .select_related("hazard", "actor")
        .order_by("-at", "-id")
    )
    sources.append(
        (
            events,
            lambda e: Change(
                e.at,
                _person(e.actor),
                _("%(action)s：隐患 %(n)s") % {"action": label(e.action), "n": e.hazard.number},
                _("更正"),
            ),
        )
    )
    inspections = (
        scoping.inspections_for(user)
        .counted()
        .filter(date__gte=start, date__lte=end)
        .filter(Q(created_at__gt=since) | Q(submitted_at__gt=since))
        .select_related("enterprise", "created_by")
        .order_by("-created_at", "-id")
    )
    sources.append(
        (
            inspections,
            lambda i: Change(
                max(i.created_at, i.submitted_at or i.created_at),
                _person(i.created_by),
                _("补录检查：%(e)s（%(d)s）") % {"e": i.enterprise.name, "d": i.date.isoformat()},
                _("补录"),
            ),
        )
    )
    kinds = dict(EnforcementAction.Kind.choices)
    actions = (
        scoping.enforcement_for(user)
        .filter(date__gte=start, date__lte=end, created_at__gt=since)
        .select_related("enterprise", "created_by")
        .order_by("-created_at", "-id")
    )
    sources.append(
        (
            actions,
            lambda a: Change(
                a.created_at,
                _person(a.created_by),
                _("补录执法：%(k)s，%(e)s（%(d)s）")
                % {"k": kinds.get(a.kind, a.kind), "e": a.enterprise.name, "d": a.date.isoformat()},
                _("补录"),
            ),
        )
    )
    orders = (
        scoping.orders_for(user)
        .filter(issued_on__gte=start, issued_on__lte=end, created_at__gt=since)
        .select_related("issued_by")
        .order_by("-created_at", "-id")
    )
    sources.append(
        (
            orders,
            lambda o: Change(
                o.created_at,
                _person(o.issued_by),
                _("补录督办单 %(n)s（%(d)s）") % {"n": o.number, "d": o.issued_on.isoformat()},
                _("补录"),
            ),
        )
    )
    changes, total = [], 0
    for queryset, describe in sources:
        found = list(queryset[: limit + 1])
        total += len(found) if len(found) <= limit else queryset.count()
        changes.extend(describe(record) for record in found[:limit])
    changes.sort(key=lambda c: c.at, reverse=True)
    return changes[:limit], total


# --- the closed table's Excel ---------------------------------------------------------------


def file_name(closing):
    period = Period(closing.kind, closing.period_from)
    return _("隐患排查治理汇总表_%(slug)s_封账第%(v)d版.xlsx") % {
        "slug": period.slug,
        "v": closing.version,
    }


def excel_heading(closing):
    return _("%(heading)s（封账第%(v)d版，%(by)s %(at)s）") % {
        "heading": closing.heading,
        "v": closing.version,
        "by": _person(closing.closed_by),
        "at": timezone.localtime(closing.closed_at).strftime("%Y-%m-%d %H:%M"),
    }


def write_closing(closing, user, out):
    """The closed table as stored, for the rows ``user`` may read: the same bytes every day
    (workbook times and zip entry times are the closing's, not the moment of writing)."""
    buffer = io.BytesIO()
    with xlsx.XlsxWriter(buffer) as book:
        sheet = book.sheet(_("汇总"), columns_of(closing), heading=excel_heading(closing))
        for row in visible_rows(closing, user):
            values = _decode(row["cells"])
            if row["is_total"]:
                sheet.append_total(values)
            else:
                sheet.append(values)
        if covers_county(user, closing):
            for note in closing.notes:
                sheet.append([note])
    out.write(_fixed_times(buffer.getvalue(), closing.closed_at))


def _fixed_times(data, moment):
    """The .xlsx ``data`` with its document properties and zip entry times set to ``moment``."""
    utc = moment.astimezone(datetime.UTC).replace(tzinfo=None, microsecond=0)
    local = timezone.localtime(moment).timetuple()[:6]
    props = DocumentProperties(creator="HazardTrack", created=utc, modified=utc)
    core = tostring(props.to_tree())
    source = zipfile.ZipFile(io.BytesIO(data))
    result = io.BytesIO()
    with zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = core if info.filename == "docProps/core.xml" else source.read(info.filename)
            entry = zipfile.ZipInfo(info.filename, date_time=local)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, body)
    return result.getvalue()


# --- 16号令 statistics ----------------------------------------------------------------------


def major_hazards(user, period, as_of, township=None):
    """The major hazards found in the period within scope, oldest first, each with its
    status, deadline and close-out date as they stood at the end of ``as_of`` (from the
    state table, ``hazards.models.HazardState``; a hazard without state rows reads its own
    columns). Hazards VOID on ``as_of`` are left out, as in every figure. Two queries."""
    qs = scoping.hazards_for(user).filter(
        level=Level.MAJOR, found_on__gte=period.start, found_on__lte=period.end
    )
    if township is not None:
        qs = qs.filter(township_id=township.pk)
    hazards = list(qs.select_related("enterprise").order_by("found_on", "number"))
    states = {
        s.hazard_id: s
        for s in HazardState.objects.as_of(as_of).filter(hazard_id__in=[h.pk for h in hazards])
    }
    labels = dict(Status.choices)
    listed = []
    for hazard in hazards:
        state = states.get(hazard.pk, hazard)
        if state.status == Status.VOID:
            continue
        hazard.as_of_status = labels.get(state.status, state.status)
        hazard.as_of_deadline = state.deadline
        hazard.as_of_closed_on = state.closed_on
        listed.append(hazard)
    return listed


def statistics_figures(user, period, township, closing):
    """[(label, text)] of the county table's columns for one township's row, or the 合计
    for the county: from the closed version when there is one, else computed now."""
    if closing is not None:
        columns, rows, basis = columns_of(closing), closing.rows, closing.basis
    else:
        today = timezone.localdate()
        if period.start > today:
            raise PeriodError(_("%(period)s尚未开始。") % {"period": period.label})
        snapshot = take_snapshot(user, period, today)
        columns = [
            Column(c["header"], c["width"], c["kind"], c["format"]) for c in snapshot["columns"]
        ]
        rows, basis = snapshot["rows"], snapshot["basis"]
    wanted = None
    for row in rows:
        if township is None and row["is_total"]:
            wanted = row
        elif township is not None and not row["is_total"] and _decode(row["key"]) == township.pk:
            wanted = row
    figures = []
    if wanted is not None:
        cells = _decode(wanted["cells"])
        for column, value in list(zip(columns, cells, strict=False))[1:]:
            figures.append((column.header, format_cell(value, column)))
    return basis, figures
