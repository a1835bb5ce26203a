"""The reminder round, the notifications of workflow events, the digest and its delivery.

docs/notifications.md is the reference: causes, recipients, thresholds (NOTIFY_* settings).
Every step is set-based: a round reads the due hazards, orders, their people and the roles
in a handful of grouped queries and writes the new notifications in one bulk insert; the
database's unique key (user, cause, key) keeps a second round from adding anything.
"""

import json
import logging
import smtplib
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db.models import CharField, Count, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises import selfreports
from enterprises.models import Enterprise, EnterpriseAccount
from grid import roles
from grid.models import Assignment, GridCell
from hazards.models import Hazard, HazardEvent, Level, Status, SupervisionOrder
from notifications.models import Cause, Delivery, Notification, Preference, WebhookTarget

log = logging.getLogger(__name__)

# The causes the daily round computes (the others come from workflow events).
ROUND_CAUSES = (
    Cause.DUE_SOON,
    Cause.DUE_TOMORROW,
    Cause.OVERDUE,
    Cause.OVERDUE_TOWNSHIP,
    Cause.OVERDUE_COUNTY,
    Cause.FIX_WAITING,
    Cause.ORDER_DUE,
    Cause.ORDER_OVERDUE,
    Cause.SELFREPORT_MISSING,
)
# Workflow actions (HazardEvent.action) that notify, and as what.
EVENT_CAUSES = {
    "request_extension": Cause.EXTENSION_REQUESTED,
    "refer_to_county": Cause.REFERRED,
    "issue_order": Cause.ORDER_ISSUED,
}
# Who sets a deadline: the 五定 is written once, by set_deadline (FOUND → DEADLINE).
DEADLINE_SETTER_ACTION = "set_deadline"
# Per digest, at most this many lines are listed (the counts cover everything).
DIGEST_LINES = 30
# A delivery being sent is leased for this long, so two workers never send it twice.
DELIVERY_LEASE = timedelta(minutes=10)


# --- Who is who -----------------------------------------------------------------------------


class Directory:
    """Roles and the townships they answer for, read in three queries.

    A user's role is their highest group (grid.roles); superusers and inactive users
    receive nothing. A supervisor or county user answers for the townships their
    township- or county-level assignments cover (a county cell: every township beneath).
    ``townships`` narrows the reading to those townships (one workflow event).
    """

    def __init__(self, townships=None):
        user_model = get_user_model()
        members = user_model.groups.through.objects.filter(
            user__is_active=True,
            user__is_superuser=False,
            group__name__in=list(roles.GROUP_NAMES.values()),
        )
        township_rows = GridCell.objects.filter(level=GridCell.Level.TOWNSHIP)
        assignments = Assignment.objects.filter(
            user__is_active=True,
            user__is_superuser=False,
            cell__is_active=True,
            cell__level__in=[GridCell.Level.COUNTY, GridCell.Level.TOWNSHIP],
        )
        if townships is not None:
            ids = [t.pk for t in townships]
            parents = [t.parent_id for t in townships]
            township_rows = township_rows.filter(pk__in=ids)
            assignments = assignments.filter(cell_id__in=ids + parents)
            members = members.filter(user__grid_assignments__cell_id__in=ids + parents)
        self.role = {}
        for user_id, name in members.values_list("user_id", "group__name"):
            role = roles.BY_GROUP[name]
            known = self.role.get(user_id)
            if known is None or roles.RANK[role] > roles.RANK[known]:
                self.role[user_id] = role
        beneath = defaultdict(set)
        for township_id, county_id in township_rows.values_list("id", "parent_id"):
            beneath[county_id].add(township_id)
        self.supervisors = defaultdict(set)
        self.county = defaultdict(set)
        for user_id, cell_id, level in assignments.values_list("user_id", "cell_id", "cell__level"):
            covered = beneath[cell_id] if level == GridCell.Level.COUNTY else {cell_id}
            role = self.role.get(user_id)
            if role == roles.SUPERVISOR:
                for township_id in covered:
                    self.supervisors[township_id].add(user_id)
            elif role == roles.COUNTY:
                for township_id in covered:
                    self.county[township_id].add(user_id)


def _people(hazards):
    """For a queryset of hazards: {hazard id: user ids} of the people who act on it — the
    user who set its deadline (五定) — and {enterprise id: user ids}: the enterprise's
    responsible inspectors (包保) and its accounts (企业). Three queries, whatever the
    number of hazards."""
    setters = HazardEvent.objects.filter(
        action=DEADLINE_SETTER_ACTION,
        hazard_id__in=hazards.values("id"),
        actor__is_active=True,
    ).values_list("hazard_id", "actor_id")
    in_charge = defaultdict(set)
    for enterprise_id, user_id in Enterprise.inspectors.through.objects.filter(
        enterprise_id__in=hazards.values("enterprise_id"), user__is_active=True
    ).values_list("enterprise_id", "user_id"):
        in_charge[enterprise_id].add(user_id)
    for enterprise_id, user_id in EnterpriseAccount.objects.filter(
        enterprise_id__in=hazards.values("enterprise_id"), user__is_active=True
    ).values_list("enterprise_id", "user_id"):
        in_charge[enterprise_id].add(user_id)
    people = defaultdict(set)
    for hazard_id, actor_id in setters:
        people[hazard_id].add(actor_id)
    return people, in_charge


# --- Collecting notifications ---------------------------------------------------------------


@dataclass
class Plan:
    """The notifications a round or an event would create, before mutes and duplicates."""

    rows: dict = field(default_factory=dict)

    def add(self, users, cause, key, text, hazard_id=None, order_id=None):
        for user_id in users:
            if user_id is not None:
                # Plain tuples: a round may weigh hundreds of thousands of candidates and
                # builds model instances only for the new ones.
                self.rows.setdefault((user_id, cause, key), (text[:500], hazard_id, order_id))

    def new(self, existing, muted):
        return [
            Notification(
                user_id=user_id,
                cause=cause,
                key=key,
                text=text,
                hazard_id=hazard_id,
                order_id=order_id,
            )
            for (user_id, cause, key), (text, hazard_id, order_id) in self.rows.items()
            if (user_id, cause, key) not in existing and (user_id, cause) not in muted
        ]


def _muted():
    return set(Preference.objects.values_list("user_id", "cause"))


def _hazard_key(hazard_id, day):
    return f"h{hazard_id}:{day.isoformat()}"


def _facts(number, enterprise, day):
    return {"number": number, "enterprise": enterprise, "deadline": day.isoformat()}


@dataclass
class RoundResult:
    today: object
    candidates: int
    created: list
    deliveries: int = 0
    sent: int = 0
    failed: int = 0

    def by_cause(self):
        counts = defaultdict(int)
        for n in self.created:
            counts[n.cause] += 1
        return [(label, counts[value]) for value, label in Cause.choices if counts[value]]


def _texts():
    return {
        "due_soon": _("隐患 %(number)s（%(enterprise)s）整改期限 %(deadline)s，还有 %(days)d 天。"),
        "due_tomorrow": _("隐患 %(number)s（%(enterprise)s）整改期限 %(deadline)s，明天到期。"),
        "due_today": _("隐患 %(number)s（%(enterprise)s）整改期限 %(deadline)s，今天到期。"),
        "overdue": _(
            "隐患 %(number)s（%(enterprise)s）已逾期 %(days)d 天（整改期限 %(deadline)s）。"
        ),
        "urge": _("请督促整改。"),
        "major": _("重大隐患："),
        "fix_waiting": _(
            "隐患 %(number)s（%(enterprise)s）已于 %(fixed_on)s 上报整改完成，"
            "待验收 %(days)d 天，请复查销号。"
        ),
        "order_due": _(
            "督办单 %(order)s（隐患 %(number)s，%(enterprise)s）督办期限 %(deadline)s，"
            "还有 %(days)d 天。"
        ),
        "order_overdue": _(
            "督办单 %(order)s（隐患 %(number)s，%(enterprise)s）已超过督办期限 %(deadline)s，"
            "隐患仍未整改。"
        ),
        "selfreport_missing": _(
            "%(enterprise)s尚未填报%(period)s的自查自报（应于 %(day)d 日前填报），请尽快填报。"
        ),
    }


def collect(today):
    """Every notification due on ``today`` by the round's causes, and the hazards they
    concern (a queryset, for reading what exists already)."""
    s = settings
    t = _texts()  # translated once per round, not once per row
    plan = Plan()
    directory = Directory()
    soon = today + timedelta(days=s.NOTIFY_DUE_SOON_DAYS)
    fix_before = today - timedelta(days=s.NOTIFY_FIX_WAITING_DAYS)
    order_horizon = today + timedelta(days=s.NOTIFY_ORDER_DUE_DAYS)

    due = Q(status=Status.DEADLINE, deadline__lte=soon)
    waiting = Q(status=Status.FIXED, fixed_on__lt=fix_before)
    orders = SupervisionOrder.objects.filter(
        deadline__lte=order_horizon, hazard__status__in=[Status.FOUND, Status.DEADLINE]
    )
    ordered = Q(pk__in=orders.values("hazard_id"))
    concerned = Hazard.objects.filter(due | waiting | ordered)
    setters, in_charge = _people(Hazard.objects.filter(due | ordered))

    def people(hazard_id, enterprise_id):
        return setters.get(hazard_id, set()) | in_charge.get(enterprise_id, set())

    rows = Hazard.objects.filter(due).values_list(
        "id", "number", "enterprise_id", "enterprise__name", "township_id", "level", "deadline"
    )
    for hazard_id, number, enterprise_id, name, township_id, level, deadline in rows:
        facts = _facts(number, name, deadline)
        key = _hazard_key(hazard_id, deadline)
        left = (deadline - today).days
        acting = people(hazard_id, enterprise_id)
        if 1 < left:
            text = t["due_soon"] % {**facts, "days": left}
            plan.add(acting, Cause.DUE_SOON, key, text, hazard_id)
        elif left >= 0:
            text = (t["due_tomorrow"] if left == 1 else t["due_today"]) % facts
            plan.add(acting, Cause.DUE_TOMORROW, key, text, hazard_id)
        else:
            late = -left
            text = t["overdue"] % {**facts, "days": late}
            plan.add(acting, Cause.OVERDUE, key, text, hazard_id)
            if late > s.NOTIFY_OVERDUE_TOWNSHIP_DAYS:
                plan.add(
                    directory.supervisors[township_id],
                    Cause.OVERDUE_TOWNSHIP,
                    key,
                    text + t["urge"],
                    hazard_id,
                )
            if late > s.NOTIFY_OVERDUE_COUNTY_DAYS or level == Level.MAJOR:
                prefix = t["major"] if level == Level.MAJOR else ""
                plan.add(
                    directory.county[township_id],
                    Cause.OVERDUE_COUNTY,
                    key,
                    prefix + text,
                    hazard_id,
                )

    rows = Hazard.objects.filter(waiting).values_list(
        "id", "number", "enterprise__name", "township_id", "level", "fixed_on"
    )
    for hazard_id, number, name, township_id, level, fixed_on in rows:
        text = t["fix_waiting"] % {
            "number": number,
            "enterprise": name,
            "fixed_on": fixed_on.isoformat(),
            "days": (today - fixed_on).days,
        }
        receivers = (
            directory.county[township_id]
            if level == Level.MAJOR
            else directory.supervisors[township_id]
        )
        key = f"h{hazard_id}:fixed:{fixed_on.isoformat()}"
        plan.add(receivers, Cause.FIX_WAITING, key, text, hazard_id)

    rows = orders.values_list(
        "id",
        "number",
        "hazard_id",
        "hazard__number",
        "hazard__enterprise_id",
        "hazard__enterprise__name",
        "deadline",
        "issued_by_id",
    )
    for order_id, order_number, hazard_id, number, enterprise_id, name, deadline, issuer in rows:
        facts = {**_facts(number, name, deadline), "order": order_number}
        left = (deadline - today).days
        key = f"o{order_id}:{deadline.isoformat()}"
        acting = people(hazard_id, enterprise_id)
        if left >= 0:
            text = t["order_due"] % {**facts, "days": left}
            plan.add(acting, Cause.ORDER_DUE, key, text, hazard_id, order_id)
        else:
            text = t["order_overdue"] % facts
            if issuer in directory.role:
                acting = acting | {issuer}
            plan.add(acting, Cause.ORDER_OVERDUE, key, text, hazard_id, order_id)
    _selfreport_missing(plan, today, t)
    return plan, concerned


def _selfreport_missing(plan, today, t):
    """After the NOTIFY_SELFREPORT_DAY of a month, each active account of an enterprise
    that has not filed last month's self-report (enterprises.selfreports), once per account
    and month; those notified already are left out in the same query."""
    day = settings.NOTIFY_SELFREPORT_DAY
    if today.day <= day:
        return
    period = selfreports.current_month(today).previous()
    key = Concat(
        Value("sr:e"),
        Cast("enterprise_id", CharField()),
        Value(f":{period.key}"),
        output_field=CharField(),
    )
    notified = Notification.objects.filter(
        user_id=OuterRef("user_id"), cause=Cause.SELFREPORT_MISSING, key=OuterRef("key")
    )
    rows = (
        selfreports.accounts_missing(period)
        .annotate(key=key)
        .exclude(Exists(notified))
        .values_list("user_id", "enterprise_id", "enterprise__name")
    )
    for user_id, enterprise_id, name in rows:
        text = t["selfreport_missing"] % {"enterprise": name, "period": period.label, "day": day}
        plan.add(
            [user_id],
            Cause.SELFREPORT_MISSING,
            selfreports.reminder_key(enterprise_id, period),
            text,
        )


def remind_selfreport(enterprise, period, by):
    """A township's reminder (enterprises.selfreports.remind): one notification to each
    active account of ``enterprise`` for ``period``, under the round's key, so neither the
    round nor a second press adds another. Returns how many were created."""
    key = selfreports.reminder_key(enterprise.pk, period)
    users = set(
        EnterpriseAccount.objects.filter(enterprise=enterprise, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )
    text = _("%(actor)s 提醒：%(enterprise)s尚未填报%(period)s的自查自报，请尽快填报。") % {
        "actor": by.get_full_name() or by.username,
        "enterprise": enterprise.name,
        "period": period.label,
    }
    plan = Plan()
    plan.add(users, Cause.SELFREPORT_MISSING, key, text)
    existing = set(
        Notification.objects.filter(
            cause=Cause.SELFREPORT_MISSING, key=key, user_id__in=users
        ).values_list("user_id", "cause", "key")
    )
    new = plan.new(existing, _muted())
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def run_round(today=None, *, dry_run=False, now=None, deliver=True):
    """One round: create every notification due on ``today`` that does not exist yet,
    queue the day's digests (after NOTIFY_DIGEST_HOUR) and send what is due.
    Running it again the same day creates nothing more."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    plan, concerned = collect(today)
    existing = set(
        Notification.objects.filter(
            hazard_id__in=concerned.values("id"), cause__in=ROUND_CAUSES
        ).values_list("user_id", "cause", "key")
    )
    new = plan.new(existing, _muted())
    result = RoundResult(today=today, candidates=len(plan.rows), created=new)
    if dry_run:
        return result
    for n in new:
        n.created_at = now
    Notification.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
    result.deliveries = queue_digests(now)
    if deliver:
        result.sent, result.failed = deliver_due(now)
    return result


_worker = {"last_round": None}  # the day of this process's last round


def hourly(now=None):
    """What the background worker calls every hour. The round (the heavy part: 13 queries,
    but over every open hazard) runs once a day in this process, at the first call from
    NOTIFY_DIGEST_HOUR, so the morning digest carries it; every other call only sends the
    deliveries that are due (retries). A failure is logged; the worker goes on."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    try:
        if local.hour >= settings.NOTIFY_DIGEST_HOUR and _worker["last_round"] != local.date():
            result = run_round(now=now)
            _worker["last_round"] = local.date()
            return result
        deliver_due(now)
    except Exception:  # the worker goes on with its jobs; the next hour tries again
        log.exception("reminder round failed")
    return None


# --- Workflow events ------------------------------------------------------------------------


def notify_event(event_id):
    """The notifications of one workflow event (called after its transaction commits)."""
    event = (
        HazardEvent.objects.select_related("hazard__enterprise", "hazard__township", "actor")
        .filter(pk=event_id)
        .first()
    )
    if event is None or event.action not in EVENT_CAUSES:
        return []
    cause = EVENT_CAUSES[event.action]
    hazard = event.hazard
    directory = Directory(townships=[hazard.township])
    actor = (event.actor.get_full_name() or event.actor.username) if event.actor else ""
    facts = {"number": hazard.number, "enterprise": hazard.enterprise.name, "actor": actor}
    plan = Plan()
    key = f"e{event.pk}"
    supervisors = directory.supervisors[hazard.township_id]
    county = directory.county[hazard.township_id]
    if cause == Cause.EXTENSION_REQUESTED:
        # Once a major hazard is referred or listed, only the county decides (docs/domain.md).
        county_decides = hazard.level == Level.MAJOR and (
            hazard.referred_at is not None or hazard.listing_level
        )
        until = event.data.get("extension_requested_until") or ""
        text = _("%(actor)s 申请将隐患 %(number)s（%(enterprise)s）延期至 %(until)s，请审批。")
        plan.add(
            county if county_decides else supervisors,
            cause,
            key,
            text % {**facts, "until": until},
            hazard.pk,
        )
    elif cause == Cause.REFERRED:
        text = _("重大隐患 %(number)s（%(enterprise)s）已由 %(actor)s 移送县级。")
        plan.add(county, cause, key, text % facts, hazard.pk)
    else:
        order = SupervisionOrder.objects.filter(
            hazard_id=hazard.pk, number=event.data.get("order", "")
        ).first()
        setters, in_charge = _people(Hazard.objects.filter(pk=hazard.pk))
        receivers = setters.get(hazard.pk, set()) | in_charge.get(hazard.enterprise_id, set())
        if order is not None and order.level == SupervisionOrder.IssuingLevel.COUNTY:
            receivers |= supervisors
        text = _(
            "%(actor)s 对隐患 %(number)s（%(enterprise)s）下达督办单 %(order)s，"
            "督办期限 %(deadline)s。"
        ) % {
            **facts,
            "order": order.number if order else "",
            "deadline": order.deadline.isoformat() if order else "",
        }
        plan.add(receivers, cause, key, text, hazard.pk, order.pk if order else None)
    plan.rows = {k: row for k, row in plan.rows.items() if k[0] != event.actor_id}
    new = plan.new(set(), _muted())
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    return new


# --- Reading --------------------------------------------------------------------------------


def unread_count(user):
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_for(user):
    return Notification.objects.filter(user=user)


# --- Where 查看 opens -------------------------------------------------------------------------

# cause → url_of(notification): the page of a notification that has no hazard. Registered
# from NotificationsConfig.ready(), beside the other registrations.
_TARGETS = {}


def register_target(cause, url_of):
    """``url_of(notification)`` → the URL 查看 opens for ``cause``, or None."""
    _TARGETS[Cause(cause)] = url_of


def target_url(notification):
    """The page of the notification: its hazard, else what its cause registered, else None
    (通知中心 shows no 查看 and the notification is only marked read)."""
    if notification.hazard_id:
        return reverse("hazards:detail", kwargs={"pk": notification.hazard_id})
    url_of = _TARGETS.get(notification.cause)
    return url_of(notification) if url_of else None


def selfreport_page(notification):
    """A self-report reminder opens 自查自报 of its period (the key ends with the period,
    ``selfreports.reminder_key``); a key that names none opens nothing."""
    try:
        period = selfreports.Period.parse(notification.key.rpartition(":")[2])
    except ValidationError:
        return None
    name = (
        "enterprises:selfreport_month"
        if period.kind == selfreports.MONTH
        else "enterprises:selfreport_quarter"
    )
    return reverse(name, kwargs={"period": period.key})


def mark_read(user, ids=None, now=None):
    """Mark the user's notifications (those ids, or all) read; returns how many changed."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=now or timezone.now())


def muted_causes(user):
    return set(Preference.objects.filter(user=user).values_list("cause", flat=True))


def set_muted(user, causes):
    """Mute exactly ``causes`` for the user (and unmute the others)."""
    causes = {Cause(c) for c in causes}
    Preference.objects.filter(user=user).exclude(cause__in=causes).delete()
    Preference.objects.bulk_create(
        [Preference(user=user, cause=c) for c in causes], ignore_conflicts=True
    )


def webhooks_for(townships):
    """The townships (a queryset) with their robot, if any: two queries."""
    targets = {
        t.township_id: t
        for t in WebhookTarget.objects.filter(township__in=townships).select_related("updated_by")
    }
    return [(t, targets.get(t.pk)) for t in townships]


def save_webhook(*, by, township, url, is_active):
    """Set (or clear, with an empty url) a township's group-robot address."""
    target, _created = WebhookTarget.objects.update_or_create(
        township=township,
        defaults={
            "url": url,
            "is_active": is_active,
            "updated_by": by,
            "updated_at": timezone.now(),
        },
    )
    return target


@dataclass
class Digest:
    counts: list  # (cause label, number) of the unread, in the causes' order
    items: list  # the newest unread notifications
    total: int


def digest(user, limit=10):
    """The user's digest: unread counts by cause and the newest unread (two queries)."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    by_cause = dict(unread.values_list("cause").annotate(n=Count("id")).order_by())
    counts = [(label, by_cause[value]) for value, label in Cause.choices if by_cause.get(value)]
    items = list(unread.order_by("-created_at", "-id")[:limit]) if by_cause else []
    return Digest(counts=counts, items=items, total=sum(by_cause.values()))


# --- Digests and their delivery -------------------------------------------------------------


def _counts_line(counts):
    return "；".join(f"{label} {n}" for label, n in counts)


def _site_link(name, label):
    """``label：<SITE_URL><page>`` where SITE_URL is set, else None (no line)."""
    if not settings.SITE_URL:
        return None
    return f"{label}：{settings.SITE_URL}{reverse(name)}"


def queue_digests(now):
    """Queue the day's digests once (a Delivery per user e-mail and per township robot),
    from NOTIFY_DIGEST_HOUR on. Nothing is queued for a channel that is not configured.
    The digest lists what arrived in the last 24 hours and counts all that is unread."""
    local = timezone.localtime(now)
    if local.hour < settings.NOTIFY_DIGEST_HOUR:
        return 0
    day = local.date()
    since = now - timedelta(days=1)
    deliveries = []
    if settings.NOTIFY_EMAIL:
        deliveries += _email_digests(day, since, now)
    targets = {
        t.township_id: t
        for t in WebhookTarget.objects.filter(is_active=True)
        .exclude(url="")
        .select_related("township")
    }
    if targets:
        deliveries += _webhook_digests(day, since, now, targets)
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    return len(deliveries)


def _email_digests(day, since, now):
    fresh_users = Notification.objects.filter(
        created_at__gte=since, read_at__isnull=True, user__is_active=True
    ).values("user_id")
    unread = Notification.objects.filter(read_at__isnull=True, user_id__in=fresh_users)
    counts = defaultdict(dict)
    for user_id, cause, n in unread.values_list("user_id", "cause").annotate(n=Count("id")):
        counts[user_id][cause] = n
    lines = defaultdict(list)
    for user_id, text in (
        unread.filter(created_at__gte=since)
        .order_by("user_id", "-created_at", "-id")
        .values_list("user_id", "text")
    ):
        if len(lines[user_id]) < DIGEST_LINES:
            lines[user_id].append(text)
    deliveries = []
    users = get_user_model().objects.filter(pk__in=list(counts))
    for user_id, email in users.values_list("id", "email"):
        by_cause = [
            (label, counts[user_id][v]) for v, label in Cause.choices if v in counts[user_id]
        ]
        subject = _("隐患提醒摘要 %(day)s：未读 %(n)d 条") % {
            "day": day.isoformat(),
            "n": sum(counts[user_id].values()),
        }
        body = "\n".join(
            [
                _("未读提醒：%(counts)s") % {"counts": _counts_line(by_cause)},
                "",
                _("过去 24 小时的新提醒："),
                *(f"- {t}" for t in lines[user_id]),
                "",
                _("请登录隐患排查治理台账的通知中心查看和处理。"),
                *filter(None, [_site_link("notifications:center", _("通知中心"))]),
            ]
        )
        row = Delivery(
            channel=Delivery.Channel.EMAIL,
            key=f"user:{user_id}",
            day=day,
            target=email,
            user_id=user_id,
            payload={"subject": subject, "body": body},
            next_try=now,
            created_at=now,
        )
        if not email:
            row.next_try = None
            row.last_error = _("该用户没有电子邮箱地址，未发送。")
            log.warning("digest for user %s not e-mailed: no address", user_id)
        deliveries.append(row)
    return deliveries


def _webhook_digests(day, since, now, targets):
    rows = (
        Notification.objects.filter(created_at__gte=since, hazard__township_id__in=list(targets))
        .values_list("hazard__township_id", "cause", "key", "text")
        .order_by("hazard__township_id", "cause", "key")
        .distinct()
    )
    per_township = defaultdict(dict)
    for township_id, cause, key, text in rows:
        # One line per hazard and cause, whoever received it.
        per_township[township_id].setdefault((cause, key), text)
    deliveries = []
    for township_id, items in per_township.items():
        target = targets[township_id]
        by_cause = defaultdict(int)
        for cause, _key in items:
            by_cause[cause] += 1
        counts = [(label, by_cause[v]) for v, label in Cause.choices if by_cause.get(v)]
        texts = list(items.values())
        content = "\n".join(
            [
                _("【%(township)s 隐患提醒 %(day)s】")
                % {"township": target.township.name, "day": day.isoformat()},
                _counts_line(counts),
                *(f"- {t}" for t in texts[:DIGEST_LINES]),
                *(
                    [_("……另有 %(n)d 条") % {"n": len(texts) - DIGEST_LINES}]
                    if len(texts) > DIGEST_LINES
                    else []
                ),
                *filter(None, [_site_link("hazards:overdue", _("逾期督办"))]),
            ]
        )
        deliveries.append(
            Delivery(
                channel=Delivery.Channel.WEBHOOK,
                key=f"township:{township_id}",
                day=day,
                target=target.url,
                township_id=township_id,
                # The text message both 企业微信 and 钉钉 group robots accept.
                payload={"msgtype": "text", "text": {"content": content}},
                next_try=now,
                created_at=now,
            )
        )
    return deliveries


class DeliveryError(Exception):
    pass


def _send_email(delivery):
    if not delivery.target:
        raise DeliveryError(_("该用户没有电子邮箱地址，未发送。"))
    connection = get_connection(timeout=settings.NOTIFY_TIMEOUT)
    EmailMessage(
        delivery.payload.get("subject", ""),
        delivery.payload.get("body", ""),
        settings.DEFAULT_FROM_EMAIL,
        [delivery.target],
        connection=connection,
    ).send()


def _send_webhook(delivery):
    url = delivery.target
    if not url.startswith(("http://", "https://")):
        raise DeliveryError(_("群机器人地址须以 http:// 或 https:// 开头。"))
    body = json.dumps(delivery.payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, data=body, headers={"Content-Type": "application/json; charset=utf-8"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=settings.NOTIFY_TIMEOUT) as response:  # noqa: S310
        answer = response.read(65536)
    # 企业微信 and 钉钉 answer 200 with {"errcode": n, "errmsg": "..."}; n ≠ 0 is a refusal.
    try:
        reply = json.loads(answer or b"{}")
    except ValueError:
        return
    if isinstance(reply, dict) and reply.get("errcode") not in (None, 0):
        raise DeliveryError(f"errcode {reply.get('errcode')}: {reply.get('errmsg', '')}")


SENDERS = {Delivery.Channel.EMAIL: _send_email, Delivery.Channel.WEBHOOK: _send_webhook}


def retry_delay(attempts):
    """Back-off after the n-th failed attempt: NOTIFY_RETRY_SECONDS, doubled each time."""
    return timedelta(seconds=settings.NOTIFY_RETRY_SECONDS * 2 ** (attempts - 1))


def deliver_due(now=None, limit=200):
    """Send the deliveries whose time has come; returns (sent, failed). A failure is
    recorded on the row (attempts, last_error) and tried again later, until
    NOTIFY_MAX_ATTEMPTS; then the row stays in the admin as given up."""
    now = now or timezone.now()
    sent = failed = 0
    due = Delivery.objects.filter(sent_at__isnull=True, next_try__lte=now).order_by(
        "next_try", "id"
    )[:limit]
    for delivery in due:
        claimed = Delivery.objects.filter(
            pk=delivery.pk, sent_at__isnull=True, next_try=delivery.next_try
        ).update(next_try=now + DELIVERY_LEASE)
        if claimed != 1:
            continue  # another process took it
        attempts = delivery.attempts + 1
        try:
            SENDERS[delivery.channel](delivery)
        except (OSError, smtplib.SMTPException, DeliveryError, ValueError) as exc:
            failed += 1
            give_up = attempts >= settings.NOTIFY_MAX_ATTEMPTS
            Delivery.objects.filter(pk=delivery.pk).update(
                attempts=attempts,
                last_error=f"{type(exc).__name__}: {exc}"[:2000],
                next_try=None if give_up else now + retry_delay(attempts),
            )
            log.warning(
                "digest %s to %s failed (attempt %d%s): %s",
                delivery.channel,
                delivery.target,
                attempts,
                ", giving up" if give_up else "",
                exc,
            )
        else:
            sent += 1
            Delivery.objects.filter(pk=delivery.pk).update(
                attempts=attempts, sent_at=timezone.now(), next_try=None
            )
    return sent, failed
