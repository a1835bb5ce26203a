"""The rectification workflow: the only code that changes a hazard's status.

Every public function is a verb of DESIGN.md. Each one checks, in this order:
the user may see the hazard (else ``Http404``), the user's role may take the action
(else ``NotAllowed``), the hazard is in a state the action starts from and the rules
of DESIGN.md hold (else ``WorkflowError``), and the inputs are complete (else
``WorkflowError``). Then, in one transaction, a conditional UPDATE changes the hazard
only if it is still in the state (and the pinned values) the caller saw, and exactly
one ``HazardEvent`` is appended. If another user got there first, the UPDATE matches
no row, nothing is written and ``StaleTransition`` explains it.

``at`` (default: now) is the moment of the action; imports and the demo generator pass
past moments so that history reads as it happened.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.sequences import bump_to_at_least, next_value
from grid import roles, scoping
from hazards.models import (
    OPEN_STATES,
    Category,
    Hazard,
    HazardEvent,
    HazardPhoto,
    Level,
    ListingLevel,
    Status,
    Subject,
    SupervisionOrder,
)

S = Status
RECURRENCE_DAYS = 90


class WorkflowError(Exception):
    """The action cannot be taken; ``message`` says why, in Chinese."""

    status_code = 400

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


class NotAllowed(WorkflowError):
    """The user's role (or relation to the hazard) does not permit the action."""

    status_code = 403


class StaleTransition(WorkflowError):
    """Someone else changed the hazard since the caller read it."""

    status_code = 409


@dataclass(frozen=True)
class Rule:
    sources: frozenset
    target: str | None  # None: stays in the state it was in (self-loop)
    roles: frozenset
    label: str


_FIELD_WORKERS = frozenset({roles.INSPECTOR, roles.SUPERVISOR, roles.COUNTY})
_SUPERVISORS = frozenset({roles.SUPERVISOR, roles.COUNTY})

RULES = {
    "register": Rule(frozenset(), S.FOUND, _FIELD_WORKERS, gettext_lazy("登记隐患")),
    "set_deadline": Rule(
        frozenset({S.FOUND}), S.DEADLINE, _FIELD_WORKERS, gettext_lazy("下达限期整改（五定）")
    ),
    "request_extension": Rule(
        frozenset({S.DEADLINE}), None, frozenset({roles.INSPECTOR}), gettext_lazy("申请延期")
    ),
    "approve_extension": Rule(
        frozenset({S.DEADLINE}), None, _SUPERVISORS, gettext_lazy("批准延期")
    ),
    "decline_extension": Rule(
        frozenset({S.DEADLINE}), None, _SUPERVISORS, gettext_lazy("不予延期")
    ),
    "extend_deadline": Rule(frozenset({S.DEADLINE}), None, _SUPERVISORS, gettext_lazy("延期")),
    "report_fixed": Rule(
        frozenset({S.FOUND, S.DEADLINE}), S.FIXED, _FIELD_WORKERS, gettext_lazy("上报整改完成")
    ),
    "reject_fix": Rule(frozenset({S.FIXED}), S.DEADLINE, _SUPERVISORS, gettext_lazy("验收不通过")),
    "close_out": Rule(frozenset({S.FIXED}), S.CLOSED, _SUPERVISORS, gettext_lazy("销号")),
    "refer_to_county": Rule(
        frozenset(OPEN_STATES), None, frozenset({roles.SUPERVISOR}), gettext_lazy("移送县级")
    ),
    "void": Rule(frozenset(OPEN_STATES), S.VOID, _SUPERVISORS, gettext_lazy("作废")),
    "issue_order": Rule(
        frozenset({S.FOUND, S.DEADLINE}), None, _SUPERVISORS, gettext_lazy("下达督办单")
    ),
    "amend": Rule(
        frozenset({S.FOUND, S.DEADLINE, S.FIXED}), None, _SUPERVISORS, gettext_lazy("更正隐患信息")
    ),
    "import": Rule(frozenset(), None, frozenset({roles.ADMIN, roles.COUNTY}), gettext_lazy("导入")),
}

# Actions a person takes from the hazard page (register and import happen elsewhere).
PAGE_ACTIONS = [
    "set_deadline",
    "report_fixed",
    "request_extension",
    "approve_extension",
    "decline_extension",
    "extend_deadline",
    "reject_fix",
    "close_out",
    "refer_to_county",
    "issue_order",
    "void",
    "amend",
]


def label(action):
    return RULES[action].label if action in RULES else action


# --- helpers --------------------------------------------------------------------------------


def _now(at):
    return at or timezone.now()


def _today(at):
    return timezone.localdate(_now(at))


def _jsonable(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _event_data(changes):
    skip = {"updated_at"}
    data = {}
    for key, value in changes.items():
        if key in skip:
            continue
        key = key[:-3] if key.endswith("_id") else key
        data[key] = _jsonable(value)
    return dict(sorted(data.items()))


def _check_role(user, action):
    if roles.role_of(user) not in RULES[action].roles:
        raise NotAllowed(_("您的角色不能执行“%(action)s”操作。") % {"action": RULES[action].label})


def _check_source(hazard, action):
    if hazard.status not in RULES[action].sources:
        raise WorkflowError(
            _("该隐患当前状态为“%(state)s”，不能执行“%(action)s”。")
            % {"state": hazard.get_status_display(), "action": RULES[action].label}
        )


def _guard(hazard, action, user):
    """Rules beyond role and state. Returns a refusal message or None."""
    if (
        action in ("approve_extension", "decline_extension")
        and not hazard.extension_requested_until
    ):
        return _("该隐患没有待审批的延期申请。")
    if action == "request_extension" and hazard.extension_requested_until:
        return _("已有一条待审批的延期申请，请等待乡镇监管审批。")
    if action == "close_out":
        if hazard.fixed_by_id is not None and hazard.fixed_by_id == user.pk:
            return _("销号须由整改上报人以外的人员复查，您不能为自己上报的整改销号。")
        if hazard.level == Level.MAJOR and roles.role_of(user) != roles.COUNTY:
            return _("重大隐患须移送县级，由县级（应急管理局）验收销号。")
    if action == "report_fixed" and hazard.level == Level.MAJOR and hazard.status == S.FOUND:
        # Without the 五定 a major hazard could never be closed out afterwards.
        return _("重大隐患须先下达限期整改并制定治理方案（五定），再上报整改完成。")
    if action == "refer_to_county":
        if hazard.level != Level.MAJOR:
            return _("只有重大隐患需要移送县级。")
        if hazard.referred_at is not None:
            return _("该重大隐患已移送县级。")
    if action == "issue_order" and not (
        hazard.level == Level.MAJOR or hazard.is_overdue(timezone.localdate())
    ):
        return _("督办单只针对逾期未整改或重大隐患。")
    return None


def check(hazard, action, user):
    """Raise the refusal the action would meet now (before any input is looked at)."""
    scoping.require(user, "view", hazard)
    _check_role(user, action)
    _check_source(hazard, action)
    message = _guard(hazard, action, user)
    if message:
        raise (NotAllowed if action == "close_out" else WorkflowError)(message)


def available_actions(hazard, user):
    """The page actions this user may take on this hazard now, in display order."""
    if not scoping.can_see(user, hazard):
        return []
    role = roles.role_of(user)
    result = []
    for action in PAGE_ACTIONS:
        rule = RULES[action]
        if (
            role in rule.roles
            and hazard.status in rule.sources
            and not _guard(hazard, action, user)
        ):
            result.append(action)
    return result


def _apply(
    hazard, action, *, by, note="", at=None, pin=None, changes=None, data=None, event_data=None
):
    """Change the hazard if it is still as the caller saw it, and append one event.

    The event's data is what changed plus ``data``, unless ``event_data`` says otherwise
    (amend records each changed fact's value before and after).
    """
    rule = RULES[action]
    target = rule.target or hazard.status
    at = _now(at)
    changes = dict(changes or {})
    # updated_at doubles as the row's version: every transition pins the value the caller
    # read and moves it strictly forward (even under a frozen clock or a past ``at``), so a
    # stale instance never lands, also for self-loops that change no other column
    # (issue_order).
    seen = hazard.updated_at
    changes["updated_at"] = max(at, seen + timedelta(microseconds=1)) if seen else at
    with transaction.atomic():
        matched = Hazard.objects.filter(
            pk=hazard.pk, status=hazard.status, updated_at=seen, **(pin or {})
        ).update(status=target, **changes)
        if matched != 1:
            raise StaleTransition(_("该隐患已被他人处理，请刷新页面后查看最新状态。"))
        event = HazardEvent.objects.create(
            hazard_id=hazard.pk,
            action=action,
            actor=by,
            at=at,
            from_status=hazard.status,
            to_status=target,
            note=note or "",
            data=(_event_data({**changes, **(data or {})}) if event_data is None else event_data),
        )
    hazard.refresh_from_db()
    return event


def _attach_photos(hazard, photos, kind, by, event, at):
    for p in photos:
        HazardPhoto.objects.create(
            hazard=hazard,
            kind=kind,
            image=p.image,
            thumbnail=p.thumbnail,
            width=p.width,
            height=p.height,
            uploaded_by=by,
            uploaded_at=_now(at),
            event=event,
        )


def _require_text(value, message):
    if not (value or "").strip():
        raise WorkflowError(message)
    return value.strip()


def _clean_funds(funds_yuan):
    if funds_yuan is None or funds_yuan == "":
        return None
    try:
        funds = Decimal(str(funds_yuan))
    except (InvalidOperation, ValueError):
        raise WorkflowError(_("整改资金须为数字（元）。")) from None
    if not funds.is_finite() or funds < 0:
        raise WorkflowError(_("整改资金不能为负数。"))
    return funds


def _validate_extension(hazard, until, at, message):
    if not isinstance(until, date) or until <= hazard.deadline:
        raise WorkflowError(message)
    if until < _today(at):
        raise WorkflowError(_("延期后的期限不能早于今天。"))


def _validate_deadline(hazard, deadline, at):
    if not isinstance(deadline, date):
        raise WorkflowError(_("请填写整改期限。"))
    if deadline < hazard.found_on:
        raise WorkflowError(_("整改期限不能早于发现日期。"))
    if deadline < _today(at):
        raise WorkflowError(_("整改期限不能早于今天。"))


# --- register -------------------------------------------------------------------------------


def next_number(year):
    return f"YH{year}-{next_value(f'YH{year}'):06d}"


def _is_recurrence(enterprise, checklist_item, found_on):
    if checklist_item is None:
        return False
    return Hazard.objects.filter(
        enterprise=enterprise,
        checklist_item=checklist_item,
        status=S.CLOSED,
        closed_on__gte=found_on - timedelta(days=RECURRENCE_DAYS),
        closed_on__lte=found_on,
    ).exists()


def register(
    *,
    enterprise,
    by,
    level,
    category,
    description,
    found_on,
    subject="other",
    location="",
    finders=(),
    inspection=None,
    inspection_item=None,
    checklist_item=None,
    photos=(),
    basis_standard="",
    basis_clause="",
    stop_scope="",
    fixed_on_spot=False,
    fix_note="",
    after_photos=(),
    note="",
    at=None,
):
    """登记: a new hazard in FOUND; with ``fixed_on_spot`` (立查立改) it goes on to FIXED.

    The one call that writes two events: ``register`` (→ FOUND), then ``report_fixed``
    (FOUND → FIXED, with the after-photos), both in one transaction.
    """
    scoping.require(by, "view", enterprise)
    _check_role(by, "register")
    description = _require_text(description, _("请填写隐患描述。"))
    if level not in Level.values:
        raise WorkflowError(_("请选择隐患等级。"))
    if category not in Category.values:
        raise WorkflowError(_("请选择隐患类别。"))
    subject = subject or Subject.OTHER
    if subject not in Subject.values:
        raise WorkflowError(_("请选择专业类别。"))
    if checklist_item is None and inspection_item is not None:
        checklist_item = inspection_item.source_item
    if not isinstance(found_on, date):
        raise WorkflowError(_("请填写发现日期。"))
    if found_on > _today(at):
        raise WorkflowError(_("发现日期不能晚于今天。"))
    if level == Level.MAJOR and not (basis_standard.strip() and basis_clause.strip()):
        raise WorkflowError(_("重大隐患须填写判定依据（标准及条款）。"))
    if fixed_on_spot and not after_photos:
        raise WorkflowError(_("立查立改须上传至少一张整改后照片。"))
    if fixed_on_spot and level == Level.MAJOR:
        raise WorkflowError(_("重大隐患不能立查立改，请下达限期整改并制定治理方案。"))
    now = _now(at)
    with transaction.atomic():
        hazard = Hazard.objects.create(
            number=next_number(found_on.year),
            enterprise=enterprise,
            cell_id=enterprise.cell_id,
            township_id=enterprise.township_id,
            industry=enterprise.industry,
            inspection=inspection,
            inspection_item=inspection_item,
            checklist_item=checklist_item,
            level=level,
            category=category,
            subject=subject,
            description=description,
            location=(location or "").strip(),
            found_on=found_on,
            registered_by=by,
            basis_standard=basis_standard.strip(),
            basis_clause=basis_clause.strip(),
            stop_scope=stop_scope.strip(),
            is_recurrence=_is_recurrence(enterprise, checklist_item, found_on),
            status=S.FOUND,
            created_at=now,
            updated_at=now,
        )
        finder_list = list(finders) or [by]
        hazard.finders.set(finder_list)
        event = HazardEvent.objects.create(
            hazard=hazard,
            action="register",
            actor=by,
            at=now,
            from_status="",
            to_status=S.FOUND,
            note=note,
            data=_event_data(
                {
                    "number": hazard.number,
                    "level": level,
                    "found_on": found_on,
                    "finders": [u.pk for u in finder_list],
                    "inspection": inspection.pk if inspection else None,
                    "is_recurrence": hazard.is_recurrence,
                }
            ),
        )
        _attach_photos(hazard, photos, HazardPhoto.Kind.BEFORE, by, event, at)
        if fixed_on_spot:
            event = _apply(
                hazard,
                "report_fixed",
                by=by,
                note=fix_note,
                at=now,
                changes={"fixed_on": found_on, "fixed_by_id": by.pk, "fix_note": fix_note},
                data={"on_the_spot": True},
            )
            _attach_photos(hazard, after_photos, HazardPhoto.Kind.AFTER, by, event, at)
    return hazard


# --- transitions ----------------------------------------------------------------------------


def set_deadline(
    hazard,
    *,
    by,
    deadline,
    measures,
    responsible_person,
    funds_yuan=None,
    contingency_plan="",
    note="",
    at=None,
):
    """限期整改 with the 五定. The first deadline is also kept as the original."""
    check(hazard, "set_deadline", by)
    _validate_deadline(hazard, deadline, at)
    measures = _require_text(measures, _("请填写整改措施。"))
    responsible_person = _require_text(responsible_person, _("请填写整改责任人。"))
    funds_yuan = _clean_funds(funds_yuan)
    if hazard.level == Level.MAJOR:
        if funds_yuan is None:
            raise WorkflowError(_("重大隐患治理方案须写明整改资金。"))
        _require_text(contingency_plan, _("重大隐患治理方案须写明应急预案。"))
    return _apply(
        hazard,
        "set_deadline",
        by=by,
        note=note,
        at=at,
        changes={
            "deadline": deadline,
            "original_deadline": hazard.original_deadline or deadline,
            "measures": measures,
            "responsible_person": responsible_person,
            "funds_yuan": funds_yuan,
            "contingency_plan": (contingency_plan or "").strip(),
        },
    )


def request_extension(hazard, *, by, until, reason, at=None):
    """申请延期: an inspector asks; the deadline changes only when a supervisor approves."""
    check(hazard, "request_extension", by)
    reason = _require_text(reason, _("请填写延期理由。"))
    _validate_extension(hazard, until, at, _("申请延期的日期须晚于当前整改期限。"))
    return _apply(
        hazard,
        "request_extension",
        by=by,
        note=reason,
        at=at,
        pin={"extension_requested_until__isnull": True},
        changes={"extension_requested_until": until, "extension_reason": reason},
    )


def approve_extension(hazard, *, by, note="", at=None):
    """批准延期: the requested date becomes the deadline; the original one is kept."""
    check(hazard, "approve_extension", by)
    until = hazard.extension_requested_until
    if until < _today(at):
        raise WorkflowError(_("申请延期的日期已过，请不予延期，或由监管人员直接延期。"))
    return _apply(
        hazard,
        "approve_extension",
        by=by,
        note=note,
        at=at,
        pin={"deadline": hazard.deadline, "extension_requested_until": until},
        changes={
            "deadline": until,
            "extension_requested_until": None,
            "extension_reason": "",
        },
        data={"previous_deadline": hazard.deadline},
    )


def decline_extension(hazard, *, by, note, at=None):
    check(hazard, "decline_extension", by)
    note = _require_text(note, _("请填写不予延期的理由。"))
    return _apply(
        hazard,
        "decline_extension",
        by=by,
        note=note,
        at=at,
        pin={"extension_requested_until": hazard.extension_requested_until},
        changes={"extension_requested_until": None, "extension_reason": ""},
    )


def _drop_pending_request(hazard):
    """The changes that withdraw a pending extension request — none when there is none,
    so the history records only what really changed."""
    if hazard.extension_requested_until is None:
        return {}
    return {"extension_requested_until": None, "extension_reason": ""}


def extend_deadline(hazard, *, by, until, reason, at=None):
    """延期 decided by a supervisor directly, with a reason; the original deadline stays."""
    check(hazard, "extend_deadline", by)
    reason = _require_text(reason, _("请填写延期理由。"))
    _validate_extension(hazard, until, at, _("延期后的期限须晚于当前整改期限。"))
    return _apply(
        hazard,
        "extend_deadline",
        by=by,
        note=reason,
        at=at,
        pin={"deadline": hazard.deadline},
        changes={"deadline": until, **_drop_pending_request(hazard)},
        data={"previous_deadline": hazard.deadline},
    )


def report_fixed(hazard, *, by, fixed_on, note, after_photos, at=None):
    """上报整改完成, with at least one after-photo."""
    check(hazard, "report_fixed", by)
    note = _require_text(note, _("请填写整改情况说明。"))
    if not isinstance(fixed_on, date):
        raise WorkflowError(_("请填写整改完成日期。"))
    if fixed_on < hazard.found_on:
        raise WorkflowError(_("整改完成日期不能早于发现日期。"))
    if fixed_on > _today(at):
        raise WorkflowError(_("整改完成日期不能晚于今天。"))
    if not after_photos:
        raise WorkflowError(_("上报整改须上传至少一张整改后照片。"))
    with transaction.atomic():
        event = _apply(
            hazard,
            "report_fixed",
            by=by,
            note=note,
            at=at,
            changes={
                "fixed_on": fixed_on,
                "fixed_by_id": by.pk,
                "fix_note": note,
                **_drop_pending_request(hazard),
            },
        )
        _attach_photos(hazard, after_photos, HazardPhoto.Kind.AFTER, by, event, at)
    return event


def reject_fix(hazard, *, by, new_deadline, note, at=None):
    """验收不通过: back to DEADLINE with a new deadline and the reason."""
    check(hazard, "reject_fix", by)
    note = _require_text(note, _("请填写验收不通过的原因。"))
    _validate_deadline(hazard, new_deadline, at)
    return _apply(
        hazard,
        "reject_fix",
        by=by,
        note=note,
        at=at,
        changes={
            "deadline": new_deadline,
            "original_deadline": hazard.original_deadline or new_deadline,
            "fixed_on": None,
            "fixed_by_id": None,
            "fix_note": "",
        },
        data={"rejected_fix_on": hazard.fixed_on, "rejected_fix_by": hazard.fixed_by_id},
    )


def close_out(hazard, *, by, acceptance_note, note="", evidence_photos=(), at=None):
    """销号 after re-check by someone other than the fixer.

    A major hazard is closed only by a county user, and only with its 判定依据, the five
    items of the treatment plan, an acceptance/evaluation note and at least one
    after-photo or attachment.
    """
    check(hazard, "close_out", by)
    acceptance_note = (acceptance_note or "").strip()
    if hazard.level == Level.MAJOR:
        missing = []
        if not (hazard.basis_standard and hazard.basis_clause):
            missing.append(_("判定依据"))
        if not hazard.measures:
            missing.append(_("整改措施"))
        if not hazard.responsible_person:
            missing.append(_("整改责任人"))
        if hazard.funds_yuan is None:
            missing.append(_("整改资金"))
        if not hazard.original_deadline:
            missing.append(_("整改时限"))
        if not hazard.contingency_plan:
            missing.append(_("应急预案"))
        if not acceptance_note:
            missing.append(_("验收/评估意见"))
        has_evidence = (
            bool(evidence_photos)
            or hazard.photos.filter(
                kind__in=[HazardPhoto.Kind.AFTER, HazardPhoto.Kind.EVIDENCE]
            ).exists()
        )
        if not has_evidence:
            missing.append(_("整改后照片或验收材料"))
        if missing:
            raise WorkflowError(
                _("重大隐患销号缺少：%(items)s。") % {"items": "、".join(str(m) for m in missing)}
            )
    elif not acceptance_note:
        raise WorkflowError(_("请填写复查验收意见。"))
    closed_on = _today(at)
    with transaction.atomic():
        event = _apply(
            hazard,
            "close_out",
            by=by,
            note=note or acceptance_note,
            at=at,
            pin={"fixed_by_id": hazard.fixed_by_id},
            changes={
                "closed_on": max(closed_on, hazard.fixed_on),
                "closed_by_id": by.pk,
                "acceptance_note": acceptance_note,
            },
        )
        _attach_photos(hazard, evidence_photos, HazardPhoto.Kind.EVIDENCE, by, event, at)
    return event


def refer_to_county(hazard, *, by, note, at=None):
    """移送: a township hands a major hazard to the county, which alone may close it."""
    check(hazard, "refer_to_county", by)
    note = _require_text(note, _("请填写移送说明。"))
    now = _now(at)
    return _apply(
        hazard,
        "refer_to_county",
        by=by,
        note=note,
        at=now,
        pin={"referred_at__isnull": True},
        changes={"referred_at": now},
    )


def void(hazard, *, by, reason, at=None):
    """误报作废: kept with its reason, excluded from statistics."""
    check(hazard, "void", by)
    reason = _require_text(reason, _("请填写作废理由。"))
    return _apply(hazard, "void", by=by, note=reason, at=at, changes={"void_reason": reason})


def issue_order(
    hazard,
    *,
    by,
    deadline,
    requirements,
    kind=SupervisionOrder.Kind.ORDER,
    authority="",
    document_number="",
    at=None,
):
    """督办单 (or 挂牌督办 for a major hazard): numbered, recorded in the history."""
    check(hazard, "issue_order", by)
    requirements = _require_text(requirements, _("请填写督办要求。"))
    today = _today(at)
    if not isinstance(deadline, date) or deadline < today:
        raise WorkflowError(_("督办期限不能早于今天。"))
    if kind == SupervisionOrder.Kind.LISTING and hazard.level != Level.MAJOR:
        raise WorkflowError(_("挂牌督办只适用于重大隐患。"))
    level = (
        SupervisionOrder.IssuingLevel.COUNTY
        if roles.role_of(by) == roles.COUNTY
        else SupervisionOrder.IssuingLevel.TOWNSHIP
    )
    authority = (authority or "").strip() or (
        _("县应急管理局") if level == SupervisionOrder.IssuingLevel.COUNTY else _("乡镇安监站")
    )
    with transaction.atomic():
        order = SupervisionOrder.objects.create(
            number=f"DB{today.year}-{next_value(f'DB{today.year}'):04d}",
            kind=kind,
            level=level,
            hazard=hazard,
            cell_id=hazard.cell_id,
            township_id=hazard.township_id,
            authority=authority,
            document_number=(document_number or "").strip(),
            issued_on=today,
            deadline=deadline,
            requirements=requirements,
            issued_by=by,
            created_at=_now(at),
        )
        changes = {}
        pin = {}
        if kind == SupervisionOrder.Kind.LISTING:
            changes["listing_level"] = (
                ListingLevel.COUNTY if level == "county" else ListingLevel.TOWNSHIP
            )
        _apply(
            hazard,
            "issue_order",
            by=by,
            note=requirements,
            at=at,
            pin=pin,
            changes=changes,
            data={"order": order.number, "order_kind": kind, "order_deadline": deadline},
        )
    return order


# Facts of a hazard that 更正 may change. Level, status and dates have their own actions.
AMENDABLE = (
    "description",
    "location",
    "category",
    "subject",
    "basis_standard",
    "basis_clause",
    "stop_scope",
    "measures",
    "responsible_person",
    "funds_yuan",
    "contingency_plan",
)


def _amended_value(name, value):
    if name == "funds_yuan":
        return _clean_funds(value)
    value = (value or "").strip()
    max_length = Hazard._meta.get_field(name).max_length
    if max_length and len(value) > max_length:
        raise WorkflowError(
            _("“%(field)s”不能超过 %(n)d 个字。")
            % {"field": Hazard._meta.get_field(name).verbose_name, "n": max_length}
        )
    return value


def amend(hazard, *, by, note, at=None, **facts):
    """更正: a supervisor corrects the facts of an open hazard, with a reason.

    An imported major hazard arrives without its 判定依据 (the old ledger has no such
    columns); without this it could never be closed out. Only the facts that really
    change are written; the event keeps each one's value before and after.
    """
    check(hazard, "amend", by)
    unknown = sorted(set(facts) - set(AMENDABLE))
    if unknown:
        raise WorkflowError(
            _("隐患等级、状态和日期不能在此更正（%(fields)s）。") % {"fields": "、".join(unknown)}
        )
    note = _require_text(note, _("请填写更正理由。"))
    new = {name: _amended_value(name, value) for name, value in facts.items()}
    if "description" in new and not new["description"]:
        raise WorkflowError(_("请填写隐患描述。"))
    if "category" in new and new["category"] not in Category.values:
        raise WorkflowError(_("请选择隐患类别。"))
    if "subject" in new and new["subject"] not in Subject.values:
        raise WorkflowError(_("请选择专业类别。"))
    changes = {name: value for name, value in new.items() if getattr(hazard, name) != value}
    if not changes:
        raise WorkflowError(_("没有需要更正的内容。"))
    after = {name: changes.get(name, getattr(hazard, name)) for name in AMENDABLE}
    major = hazard.level == Level.MAJOR
    if major and {"basis_standard", "basis_clause"} & set(changes):
        if not (after["basis_standard"] and after["basis_clause"]):
            raise WorkflowError(_("重大隐患须填写判定依据（标准及条款）。"))
    emptied = {name for name, value in changes.items() if value in ("", None)}
    if hazard.deadline is not None:
        # The 五定 set with the deadline stay complete (set_deadline's rules).
        required = {
            "measures": _("请填写整改措施。"),
            "responsible_person": _("请填写整改责任人。"),
        }
        if major:
            required["funds_yuan"] = _("重大隐患治理方案须写明整改资金。")
            required["contingency_plan"] = _("重大隐患治理方案须写明应急预案。")
        for name, message in required.items():
            if name in emptied:
                raise WorkflowError(message)
    before = {name: getattr(hazard, name) for name in changes}
    return _apply(
        hazard,
        "amend",
        by=by,
        note=note,
        at=at,
        changes=changes,
        event_data=_event_data({"before": before, "after": dict(changes)}),
    )


# --- import of an existing ledger -----------------------------------------------------------

IMPORT_BATCH = 1000
_NUMBER_PREFIX = "YH"


class ImportRecord(NamedTuple):
    """One validated row of an old ledger, as compact as a tuple (hazards.imports builds it).

    ``number`` is "" when the system assigns one; ``line`` is the row number in the file.
    """

    line: int
    number: str
    uscc: str
    enterprise_id: int | None
    cell_id: int | None
    township_id: int | None
    industry: str
    description: str
    location: str
    level: str
    category: str
    found_on: date
    finder_names: str
    measures: str
    responsible_person: str
    funds_yuan: Decimal | None
    deadline: date | None
    fixed_on: date | None
    closed_on: date | None

    def row_data(self):
        """The row as JSON-ready text: kept in the import event, compared on re-import."""

        def iso(value):
            return value.isoformat() if value else ""

        return {
            "number": self.number,
            "uscc": self.uscc,
            "description": self.description,
            "location": self.location,
            "level": self.level,
            "category": self.category,
            "found_on": iso(self.found_on),
            "finder_names": self.finder_names,
            "measures": self.measures,
            "responsible_person": self.responsible_person,
            "funds_yuan": "" if self.funds_yuan is None else str(self.funds_yuan),
            "deadline": iso(self.deadline),
            "fixed_on": iso(self.fixed_on),
            "closed_on": iso(self.closed_on),
        }


def imported_status(deadline, fixed_on, closed_on):
    """The state an imported row is in, read from its dates (DESIGN.md, import)."""
    if closed_on:
        return S.CLOSED
    if fixed_on:
        return S.FIXED
    if deadline:
        return S.DEADLINE
    return S.FOUND


def _split_number(number):
    year, seq = number[len(_NUMBER_PREFIX) :].split("-")
    return int(year), int(seq)


def _reserve_numbers(records):
    """Bump each year's counter past the numbers the file brings, then hand out the next
    numbers (one block per year, in file order) to the rows that have none."""
    brought = {}
    wanted = {}
    for r in records:
        if r.number:
            year, seq = _split_number(r.number)
            brought[year] = max(brought.get(year, 0), seq)
        else:
            year = r.found_on.year
            wanted[year] = wanted.get(year, 0) + 1
    for year, seq in sorted(brought.items()):
        bump_to_at_least(f"{_NUMBER_PREFIX}{year}", seq)
    return {
        year: next_value(f"{_NUMBER_PREFIX}{year}", count) for year, count in sorted(wanted.items())
    }


def import_records(records, *, by, at=None, progress=None):
    """Write validated rows of an old ledger: the hazards and ONE ``import`` event each.

    The state follows from the dates (销号日期 → CLOSED, else 整改完成日期 → FIXED, else
    整改期限 → DEADLINE, else FOUND). A major hazard imported as CLOSED is a historical
    record that was never closed out by the county in this system: its event says so.
    Everything runs in one transaction, in batches of ``IMPORT_BATCH`` rows for both
    hazards and events, so memory stays flat for files of 50,000 rows. ``by=None`` is for
    trusted callers (a command run without ``--user``). Returns the number written.
    """
    if by is not None:
        _check_role(by, "import")
        scope = scoping.scope_of(by)
        if any(not scope.contains(r.township_id, r.cell_id) for r in records):
            raise NotAllowed(_("导入的企业不在您的管辖范围内。"))
    now = _now(at)
    done = 0
    with transaction.atomic():
        next_free = _reserve_numbers(records)
        for start in range(0, len(records), IMPORT_BATCH):
            batch = records[start : start + IMPORT_BATCH]
            hazards = []
            for r in batch:
                number = r.number
                if not number:
                    year = r.found_on.year
                    number = f"{_NUMBER_PREFIX}{year}-{next_free[year]:06d}"
                    next_free[year] += 1
                hazards.append(
                    Hazard(
                        number=number,
                        enterprise_id=r.enterprise_id,
                        cell_id=r.cell_id,
                        township_id=r.township_id,
                        industry=r.industry,
                        level=r.level,
                        category=r.category,
                        subject=Subject.OTHER,
                        description=r.description,
                        location=r.location,
                        found_on=r.found_on,
                        finder_names=r.finder_names,
                        registered_by=by,
                        status=imported_status(r.deadline, r.fixed_on, r.closed_on),
                        measures=r.measures,
                        responsible_person=r.responsible_person,
                        funds_yuan=r.funds_yuan,
                        deadline=r.deadline,
                        original_deadline=r.deadline,
                        fixed_on=r.fixed_on,
                        closed_on=r.closed_on,
                        created_at=now,
                        updated_at=now,
                    )
                )
            Hazard.objects.bulk_create(hazards, batch_size=IMPORT_BATCH)
            events = []
            for r, hazard in zip(batch, hazards, strict=True):
                note = _("从旧台账导入（第 %(line)d 行）。") % {"line": r.line}
                if hazard.status == S.CLOSED and r.level == Level.MAJOR:
                    note += _(
                        "重大隐患按历史记录导入为已销号：销号发生在本系统之外，"
                        "未经本系统县级验收，判定依据、治理方案和验收材料以原始档案为准。"
                    )
                events.append(
                    HazardEvent(
                        hazard_id=hazard.pk,
                        action="import",
                        actor=by,
                        at=now,
                        from_status="",
                        to_status=hazard.status,
                        note=note,
                        data={"line": r.line, "number": hazard.number, "row": r.row_data()},
                    )
                )
            HazardEvent.objects.bulk_create(events, batch_size=IMPORT_BATCH)
            done += len(batch)
            if progress is not None:
                progress(done, len(records))
    return done
