"""自查自报: an enterprise's monthly and quarterly self-reports, and the offices' reading of
them (应报 / 已报 / 录入率 / 季报率, the enterprises that have not reported, reminders).

docs/domain.md#self-reports holds the definitions. The only writer of ``MonthlySelfReport``,
``QuarterlySelfReport`` and ``SelfReportCorrection``. A period is reported once (the
database's unique key); a correction needs a reason and keeps what it replaced.

The figures are read from the enterprise's hazard records through the hazards terms (one
home for 已整改, 逾期, …), as the disclosure page does, and rates are reports.queries.rate
(one home for the rounding): both reach above enterprises' layer (the ladder above jobs is
not tested yet). The reminder is sent by notifications, which registers it here
(``register_reminder``) from its ready(), so this module never imports notifications.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from enterprises.models import (
    EnterpriseAccount,
    EnterpriseStatus,
    MonthlySelfReport,
    QuarterlySelfReport,
    SelfReportCorrection,
)
from grid import scoping
from hazards.models import COUNTED, OPEN, OVERDUE, RECTIFIED, Level
from reports.queries import format_rate, rate

MONTH = "month"
QUARTER = "quarter"

FUTURE = _l("不能填报尚未到来的期间。")
NO_REASON = _l("更正已填报的内容须写明更正原因。")
STALE = _l("该报告已被他人更正，请刷新后查看。")
NONE_BUT_FOUND = _l("本月已登记隐患 %(n)d 项，不能报告“本月未发现隐患”。")
ZERO_NOT_TICKED = _l(
    "本月没有登记隐患：确未发现隐患的，请勾选“本月未发现隐患”；发现了隐患的，请先登记隐患。"
)


class AlreadyReported(Exception):
    """The period is reported already: ``report`` is the earlier one (show it; correct it)."""

    def __init__(self, report):
        super().__init__(str(report))
        self.report = report


@dataclass(frozen=True)
class Period:
    """A month (``number`` 1–12) or a quarter (1–4) of a year."""

    kind: str
    year: int
    number: int

    @classmethod
    def month(cls, year, month):
        if not 1 <= month <= 12 or year < 2000:
            raise ValidationError(_("月份应为 1 至 12。"))
        return cls(MONTH, year, month)

    @classmethod
    def quarter(cls, year, quarter):
        if not 1 <= quarter <= 4 or year < 2000:
            raise ValidationError(_("季度应为 1 至 4。"))
        return cls(QUARTER, year, quarter)

    @classmethod
    def parse(cls, text):
        """ "2026-10" → that month, "2026-Q4" → that quarter; anything else ValidationError."""
        try:
            year, rest = text.split("-", 1)
            if rest[:1].upper() == "Q":
                return cls.quarter(int(year), int(rest[1:]))
            return cls.month(int(year), int(rest))
        except (ValueError, AttributeError) as exc:
            raise ValidationError(_("期间格式应为 2026-10 或 2026-Q4。")) from exc

    @property
    def first_month(self):
        return self.number if self.kind == MONTH else 3 * self.number - 2

    @property
    def start(self):
        return datetime.date(self.year, self.first_month, 1)

    @property
    def end(self):
        last = self.number if self.kind == MONTH else 3 * self.number
        return datetime.date(self.year, last, calendar.monthrange(self.year, last)[1])

    @property
    def key(self):
        return (
            f"{self.year}-{self.number:02d}"
            if self.kind == MONTH
            else f"{self.year}-Q{self.number}"
        )

    @property
    def label(self):
        if self.kind == MONTH:
            return _("%(y)d年%(m)d月") % {"y": self.year, "m": self.number}
        return _("%(y)d年第%(q)d季度") % {"y": self.year, "q": self.number}

    def quarter_of(self):
        return Period.quarter(self.year, (self.first_month - 1) // 3 + 1)

    def previous(self):
        if self.kind == MONTH:
            return Period.month(
                *((self.year, self.number - 1) if self.number > 1 else (self.year - 1, 12))
            )
        return Period.quarter(
            *((self.year, self.number - 1) if self.number > 1 else (self.year - 1, 4))
        )

    def is_future(self, today):
        return self.start > today


def current_month(today=None):
    today = today or timezone.localdate()
    return Period.month(today.year, today.month)


def _refuse_future(period, today):
    if period.is_future(today):
        raise ValidationError(FUTURE)


# --- Figures from the hazard records -------------------------------------------------------


def month_counts(enterprise, period):
    """(found, fixed) of one month: hazards of the enterprise found in it (VOID excluded),
    and hazards of the enterprise (VOID excluded) whose fix date lies in it. One query."""
    counted = enterprise.hazards.filter(COUNTED.q())
    row = counted.aggregate(
        found=Count("id", filter=Q(found_on__gte=period.start, found_on__lte=period.end)),
        fixed=Count("id", filter=Q(fixed_on__gte=period.start, fixed_on__lte=period.end)),
    )
    return row["found"], row["fixed"]


QUARTER_FIGURES = (
    # (key, label): the columns of the quarterly table, in order.
    ("found_general", _l("一般隐患排查数")),
    ("rectified_general", _l("一般隐患已整改数")),
    ("found_major", _l("重大隐患排查数")),
    ("rectified_major", _l("重大隐患已整改销号数")),
    ("open", _l("未销号隐患数")),
    ("overdue", _l("逾期未整改数")),
    ("funds_yuan", _l("整改资金（元）")),
)


def quarter_figures(enterprise, period, as_of):
    """The quarter's figures, by the definitions of the reports (docs/domain.md#the-numbers):
    hazards of the enterprise found in the quarter, VOID excluded, status as of ``as_of``."""
    found = enterprise.hazards.filter(
        COUNTED.q(), found_on__gte=period.start, found_on__lte=period.end
    )
    general, major = Q(level=Level.GENERAL), Q(level=Level.MAJOR)
    row = found.aggregate(
        found_general=Count("id", filter=general),
        rectified_general=Count("id", filter=general & RECTIFIED.q(as_of)),
        found_major=Count("id", filter=major),
        rectified_major=Count("id", filter=major & RECTIFIED.q(as_of)),
        open=Count("id", filter=OPEN.q(as_of)),
        overdue=Count("id", filter=OVERDUE.q(as_of)),
        funds_yuan=Sum("funds_yuan"),
    )
    row["funds_yuan"] = str(row["funds_yuan"] or 0)
    return row


def figure_rows(figures):
    """[(label, value)] of a stored quarterly table, with the two rectification rates."""
    rows = [(label, figures.get(key, 0)) for key, label in QUARTER_FIGURES]
    rows.insert(
        2,
        (
            _("一般隐患整改率"),
            format_rate(rate(figures.get("rectified_general", 0), figures.get("found_general", 0))),
        ),
    )
    rows.insert(
        5,
        (
            _("重大隐患整改率"),
            format_rate(rate(figures.get("rectified_major", 0), figures.get("found_major", 0))),
        ),
    )
    return rows


# --- The enterprise's reports --------------------------------------------------------------


def reports_for(user):
    """The monthly and quarterly reports the user may read (an enterprise account: its
    own; an office: those of the enterprises in its scope)."""
    enterprises = scoping.enterprises_for(user).values("id")
    return (
        MonthlySelfReport.objects.filter(enterprise_id__in=enterprises),
        QuarterlySelfReport.objects.filter(enterprise_id__in=enterprises),
    )


def monthly_of(enterprise, period):
    return MonthlySelfReport.objects.filter(
        enterprise=enterprise, year=period.year, month=period.number
    ).first()


def quarterly_of(enterprise, period):
    return QuarterlySelfReport.objects.filter(
        enterprise=enterprise, year=period.year, quarter=period.number
    ).first()


def _monthly_values(enterprise, period, no_hazards):
    found, fixed = month_counts(enterprise, period)
    if no_hazards and found:
        raise ValidationError({"no_hazards": NONE_BUT_FOUND % {"n": found}})
    if not no_hazards and not found:
        raise ValidationError({"no_hazards": str(ZERO_NOT_TICKED)})
    return {"no_hazards": no_hazards, "found": found, "fixed": fixed}


def submit_monthly(enterprise, *, by, period, no_hazards, note="", at=None):
    """File the month's report for the user's own enterprise. The counts are read from the
    hazard records now. A month already reported raises ``AlreadyReported``."""
    scoping.require(by, "selfreport.submit", enterprise)
    at = at or timezone.now()
    _refuse_future(period, timezone.localdate(at))
    earlier = monthly_of(enterprise, period)
    if earlier is not None:
        raise AlreadyReported(earlier)
    values = _monthly_values(enterprise, period, no_hazards)
    try:
        with transaction.atomic():
            return MonthlySelfReport.objects.create(
                enterprise=enterprise,
                year=period.year,
                month=period.number,
                note=note,
                submitted_by=by,
                submitted_at=at,
                **values,
            )
    except IntegrityError:  # filed a moment ago by another session
        raise AlreadyReported(monthly_of(enterprise, period)) from None


def _correct(report, model, *, by, reason, fields, values, at):
    """Replace ``fields`` of ``report`` with ``values`` and log the correction, in one
    step and only from the version the caller read."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": str(NO_REASON)})
    at = at or timezone.now()
    before = {f: _plain(getattr(report, f)) for f in fields}
    after = {f: _plain(values[f]) for f in fields}
    with transaction.atomic():
        matched = model.objects.filter(pk=report.pk, version=report.version).update(
            version=report.version + 1, **values
        )
        if matched != 1:
            raise ValidationError(str(STALE))
        SelfReportCorrection.objects.create(
            **{"monthly" if model is MonthlySelfReport else "quarterly": report},
            version=report.version,
            before=before,
            after=after,
            reason=reason,
            corrected_by=by,
            corrected_at=at,
        )
    report.refresh_from_db()
    return report


def _plain(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def correct_monthly(report, *, by, no_hazards, note="", reason="", at=None):
    """Correct a filed month: the counts are read again from the records; the earlier
    values stay in the correction row."""
    scoping.require(by, "selfreport.submit", report.enterprise)
    period = Period.month(report.year, report.month)
    values = {**_monthly_values(report.enterprise, period, no_hazards), "note": note}
    return _correct(
        report,
        MonthlySelfReport,
        by=by,
        reason=reason,
        fields=["no_hazards", "found", "fixed", "note"],
        values=values,
        at=at,
    )


def _quarter_values(enterprise, period, principal, signed_on, note, today):
    principal = (principal or "").strip()
    if not principal:
        raise ValidationError({"principal": _("请填写主要负责人姓名。")})
    if signed_on > today:
        raise ValidationError({"signed_on": _("签字日期不能晚于今天。")})
    return {
        "figures": quarter_figures(enterprise, period, today),
        "as_of": today,
        "principal": principal,
        "signed_on": signed_on,
        "note": note,
    }


def submit_quarterly(enterprise, *, by, period, principal, signed_on, note="", at=None):
    """File the quarter's 统计表: its figures computed from the records now and frozen."""
    scoping.require(by, "selfreport.submit", enterprise)
    at = at or timezone.now()
    today = timezone.localdate(at)
    _refuse_future(period, today)
    earlier = quarterly_of(enterprise, period)
    if earlier is not None:
        raise AlreadyReported(earlier)
    values = _quarter_values(enterprise, period, principal, signed_on, note, today)
    try:
        with transaction.atomic():
            return QuarterlySelfReport.objects.create(
                enterprise=enterprise,
                year=period.year,
                quarter=period.number,
                submitted_by=by,
                submitted_at=at,
                **values,
            )
    except IntegrityError:
        raise AlreadyReported(quarterly_of(enterprise, period)) from None


def correct_quarterly(report, *, by, principal, signed_on, note="", reason="", at=None):
    """Correct a filed quarter: the figures are computed again now; the earlier table stays
    in the correction row."""
    scoping.require(by, "selfreport.submit", report.enterprise)
    at = at or timezone.now()
    period = Period.quarter(report.year, report.quarter)
    values = _quarter_values(
        report.enterprise, period, principal, signed_on, note, timezone.localdate(at)
    )
    return _correct(
        report,
        QuarterlySelfReport,
        by=by,
        reason=reason,
        fields=["figures", "as_of", "principal", "signed_on", "note"],
        values=values,
        at=at,
    )


# --- The offices' reading: 应报 / 已报 / 录入率 / 季报率 ---------------------------------------


def _active_account():
    return EnterpriseAccount.objects.filter(enterprise_id=OuterRef("pk"), user__is_active=True)


def expected(user):
    """应报: the enterprises in the user's scope, not 关闭注销, with at least one active
    enterprise account (docs/domain.md#self-reports)."""
    return (
        scoping.enterprises_for(user)
        .exclude(status=EnterpriseStatus.CLOSED)
        .filter(Exists(_active_account()))
    )


def _has_monthly(period):
    return Exists(
        MonthlySelfReport.objects.filter(
            enterprise_id=OuterRef("pk"), year=period.year, month=period.number
        )
    )


def _has_quarterly(period):
    return Exists(
        QuarterlySelfReport.objects.filter(
            enterprise_id=OuterRef("pk"), year=period.year, quarter=period.number
        )
    )


GROUPINGS = {"cell": "cell_id", "industry": "industry"}


def rates(user, month, group_by="cell", township=None):
    """Rows {key, expected, monthly, quarterly, monthly_rate, quarterly_rate} per village
    (grid cell) or industry, and the 合计, for ``month`` and the quarter it lies in. One
    grouped query."""
    quarter = month.quarter_of()
    qs = expected(user)
    if township is not None:
        qs = qs.filter(township_id=township.pk)
    key = GROUPINGS[group_by]
    rows = list(
        qs.values(key)
        .annotate(
            expected=Count("id"),
            monthly=Count("id", filter=Q(_has_monthly(month))),
            quarterly=Count("id", filter=Q(_has_quarterly(quarter))),
        )
        .order_by(key)
    )
    total = {"key": None, "expected": 0, "monthly": 0, "quarterly": 0}
    result = []
    for row in rows:
        item = {
            "key": row[key],
            "expected": row["expected"],
            "monthly": row["monthly"],
            "quarterly": row["quarterly"],
        }
        for name in ("expected", "monthly", "quarterly"):
            total[name] += item[name]
        result.append(item)
    for item in [*result, total]:
        item["monthly_rate"] = format_rate(rate(item["monthly"], item["expected"]))
        item["quarterly_rate"] = format_rate(rate(item["quarterly"], item["expected"]))
    return result, total


def not_reported(user, month, township=None):
    """The 应报 enterprises of the scope that have not filed ``month`` or its quarter, each
    with ``has_monthly`` and ``has_quarterly``. One query."""
    quarter = month.quarter_of()
    qs = expected(user)
    if township is not None:
        qs = qs.filter(township_id=township.pk)
    return (
        qs.annotate(has_monthly=_has_monthly(month), has_quarterly=_has_quarterly(quarter))
        .filter(Q(has_monthly=False) | Q(has_quarterly=False))
        .select_related("cell", "township")
        .order_by("township_id", "cell_id", "name", "id")
    )


def accounts_missing(period):
    """The active accounts of enterprises (not 关闭注销) that have not filed ``period`` (a
    month): the reminder round's reading."""
    return EnterpriseAccount.objects.filter(
        user__is_active=True,
        enterprise__status__in=[s for s in EnterpriseStatus.values if s != EnterpriseStatus.CLOSED],
    ).exclude(
        Exists(
            MonthlySelfReport.objects.filter(
                enterprise_id=OuterRef("enterprise_id"), year=period.year, month=period.number
            )
        )
    )


def reminder_key(enterprise_id, period):
    """The notification key of a self-report reminder: once per account, enterprise and
    period, whether the round or a township sends it."""
    return f"sr:e{enterprise_id}:{period.key}"


# --- Reminders (sent by notifications, which registers how) ----------------------------------

_REMINDER = []


def register_reminder(send):
    """``send(enterprise, period, by)`` → how many notifications it created."""
    _REMINDER[:] = [send]


def remind(enterprise, *, by, period):
    """A township's 发送提醒: an in-app notification to each active account of an 应报
    enterprise of the user's scope that has not filed ``period``; never twice for the same
    enterprise and period. Returns how many were created."""
    scoping.require(by, "selfreport.remind", enterprise)
    if not expected(by).filter(pk=enterprise.pk).exists():
        raise ValidationError(_("该企业没有启用的企业账号，无需填报。"))
    _refuse_future(period, timezone.localdate())
    filed = monthly_of if period.kind == MONTH else quarterly_of
    if filed(enterprise, period) is not None:
        raise ValidationError(_("该企业已填报%(period)s，无需提醒。") % {"period": period.label})
    if not _REMINDER:
        return 0
    return _REMINDER[0](enterprise, period, by)
