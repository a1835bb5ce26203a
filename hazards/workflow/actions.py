"""The workflow actions: each public function here is a verb of docs/domain.md, declared
once with ``@declare`` (rule, guards, page form, URL segment, success message).

Every verb checks, in this order: the user may see the hazard (else ``Http404``), the
user's role may take the action (else ``NotAllowed``), the hazard is in a state the action
starts from (else ``WorkflowError``), the action's guards hold (each refuses as it
declares), and the inputs are complete (else ``WorkflowError``). Then ``_apply`` changes
the hazard with one conditional UPDATE and appends one event.

``at`` (default: now) is the moment of the action; imports and the demo generator pass
past moments so that history reads as it happened. Guards read "today" from it too.

The order of the declarations is the order the hazard page offers the actions in.
"""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from core.sequences import next_value
from enterprises.models import EnterpriseStatus
from grid import roles, scoping
from hazards import dates, states
from hazards.models import (
    OPEN_STATES,
    Category,
    Hazard,
    HazardEvent,
    HazardPhoto,
    Level,
    ListingLevel,
    Source,
    Subject,
    SupervisionOrder,
)
from hazards.workflow.base import (
    FIELD_WORKERS,
    SUPERVISORS,
    Guard,
    NotAllowed,
    S,
    WorkflowError,
    _apply,
    _attach_photos,
    _check_role,
    _event_data,
    _now,
    _today,
    check,
    declare,
)

RECURRENCE_DAYS = 90


# --- guards: rules beyond role and state ------------------------------------------------------

REQUEST_PENDING = Guard(
    lambda hazard, user, today: bool(hazard.extension_requested_until),
    _l("该隐患没有待审批的延期申请。"),
)
NO_REQUEST_PENDING = Guard(
    lambda hazard, user, today: not hazard.extension_requested_until,
    _l("已有一条待审批的延期申请，请等待乡镇监管审批。"),
)
NOT_THE_FIXER = Guard(
    lambda hazard, user, today: hazard.fixed_by_id is None or hazard.fixed_by_id != user.pk,
    _l("销号须由整改上报人以外的人员复查，您不能为自己上报的整改销号。"),
    refusal=NotAllowed,
)
MAJOR_BY_THE_COUNTY = Guard(
    lambda hazard, user, today: hazard.level != Level.MAJOR or roles.role_of(user) == roles.COUNTY,
    _l("重大隐患须移送县级，由县级（应急管理局）验收销号。"),
    refusal=NotAllowed,
)
# Without the 五定 a major hazard could never be closed out afterwards.
MAJOR_NEEDS_ITS_PLAN = Guard(
    lambda hazard, user, today: not (hazard.level == Level.MAJOR and hazard.status == S.FOUND),
    _l("重大隐患须先下达限期整改并制定治理方案（五定），再上报整改完成。"),
)
MAJOR_ONLY = Guard(
    lambda hazard, user, today: hazard.level == Level.MAJOR,
    _l("只有重大隐患需要移送县级。"),
)
NOT_YET_REFERRED = Guard(
    lambda hazard, user, today: hazard.referred_at is None,
    _l("该重大隐患已移送县级。"),
)
# Once a major hazard is referred to the county or listed (挂牌督办), the county decides.
COUNTY_ONCE_REFERRED = Guard(
    lambda hazard, user, today: (
        not (
            hazard.level == Level.MAJOR and (hazard.referred_at is not None or hazard.listing_level)
        )
        or roles.role_of(user) == roles.COUNTY
    ),
    _l("该重大隐患已移送县级或挂牌督办，只有县级用户可以作废、延期或批准延期。"),
    refusal=NotAllowed,
)
# The county closes a major hazard out only on an item of the criteria library (issue 15):
# free text typed by hand, or imported from an old ledger, is not enough.
MAJOR_CLOSED_ON_A_LIBRARY_ITEM = Guard(
    lambda hazard, user, today: hazard.level != Level.MAJOR or hazard.criteria.exists(),
    _l(
        "重大隐患销号须有判定标准库中的判定依据条款（手工填写的判定依据不足以销号）。"
        "请先在“更正隐患信息”中选择判定依据条款，再销号。"
    ),
)
OVERDUE_OR_MAJOR = Guard(
    lambda hazard, user, today: hazard.level == Level.MAJOR or hazard.is_overdue(today),
    _l("督办单只针对逾期未整改或重大隐患。"),
)


# --- input checks shared by several verbs ---------------------------------------------------


# The actions that put a (new) rectification notice in the enterprise's hands: 签收 answers
# the latest of them.
NOTICE_ACTIONS = ("set_deadline", "reject_fix", "approve_extension", "extend_deadline")
NOT_YET_ACKNOWLEDGED = Guard(
    lambda hazard, user, today: (
        hazard.events.filter(action__in=(*NOTICE_ACTIONS, "acknowledge"))
        .order_by("-at", "-id")
        .values_list("action", flat=True)
        .first()
        != "acknowledge"
    ),
    _l("该整改通知已签收。"),
)


# An enterprise account sets the 五定 only of what its own self-inspection found (企业自查);
# a hazard the inspectors found gets its deadline from them.
SELF_FOUND_FOR_THE_ENTERPRISE = Guard(
    lambda hazard, user, today: (
        roles.role_of(user) != roles.ENTERPRISE or hazard.source == Source.SELF
    ),
    _l("企业只能为本企业自查发现的隐患制定五定；检查发现的隐患由乡镇下达限期整改。"),
    refusal=NotAllowed,
)

SOURCE_BY_ROLE = {roles.COUNTY: Source.COUNTY, roles.ENTERPRISE: Source.SELF}


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
    if error := dates.deadline_error(until, _today(at), _("延期后的期限")):
        raise WorkflowError(error)


def _validate_deadline(hazard, deadline, at):
    if not isinstance(deadline, date):
        raise WorkflowError(_("请填写整改期限。"))
    if deadline < hazard.found_on:
        raise WorkflowError(_("整改期限不能早于发现日期。"))
    if deadline < _today(at):
        raise WorkflowError(_("整改期限不能早于今天。"))
    if error := dates.deadline_error(deadline, _today(at), _("整改期限")):
        raise WorkflowError(error)


def _repealed_message(item, found_on):
    successor = item.current(found_on)
    values = {
        "item": item.short_reference,
        "on": item.standard.repealed_on.isoformat(),
    }
    if successor is not None:
        return _("%(item)s 已于 %(on)s 废止，不能作为判定依据。请改选替代它的 %(new)s。") % {
            **values,
            "new": successor.short_reference,
        }
    if item.standard.repealed_by is not None:
        return _(
            "%(item)s 已于 %(on)s 废止，不能作为判定依据。请在替代它的 %(new)s 中选择相应条目。"
        ) % {**values, "new": str(item.standard.repealed_by)}
    return _("%(item)s 已于 %(on)s 废止，不能作为判定依据。") % values


def _clean_criteria(criteria, found_on, keep=()):
    """The chosen library items, checked: none repealed on the day the hazard was found
    (an item already linked, ``keep``, stays even if repealed since)."""
    items = list(dict.fromkeys(criteria or ()))
    for item in items:
        if item.pk not in keep and item.is_repealed(found_on):
            raise WorkflowError(_repealed_message(item, found_on))
    return items


def _basis_from(items):
    """The 判定依据 text for hazards registered with library items and no text of their own."""
    if not items:
        return "", ""
    standard, clause = items[0].basis()
    if len(items) > 1:
        clause = "；".join(i.reference for i in items)[:200]
    return standard, clause


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


# An enterprise account registers what its own self-inspection (企业自查) finds.
@declare(
    sources=frozenset(),
    target=S.FOUND,
    roles=FIELD_WORKERS | {roles.ENTERPRISE},
    label=_l("登记隐患"),
)
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
    criteria=(),
    stop_scope="",
    fixed_on_spot=False,
    fix_note="",
    after_photos=(),
    note="",
    source=None,
    at=None,
):
    """登记: a new hazard in FOUND; with ``fixed_on_spot`` (立查立改) it goes on to FIXED.

    ``source`` (隐患来源) defaults to who registers: a county user 县级检查, an enterprise
    account 企业自查, anyone else 乡镇检查; 举报 is given explicitly.

    The one call that writes two events: ``register`` (→ FOUND), then ``report_fixed``
    (FOUND → FIXED, with the after-photos), both in one transaction.
    """
    scoping.require(by, "view", enterprise)
    _check_role(by, "register")
    if enterprise.status == EnterpriseStatus.CLOSED:
        raise WorkflowError(_("该企业已关闭注销，不能登记隐患。"))
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
    if error := dates.happened_on_error(found_on, _today(at), _("发现日期")):
        raise WorkflowError(error)
    criteria = _clean_criteria(criteria, found_on)
    if criteria and not (basis_standard.strip() or basis_clause.strip()):
        basis_standard, basis_clause = _basis_from(criteria)
    if level == Level.MAJOR and not (basis_standard.strip() and basis_clause.strip()):
        raise WorkflowError(_("重大隐患须填写判定依据（标准及条款）。"))
    if fixed_on_spot and not after_photos:
        raise WorkflowError(_("立查立改须上传至少一张整改后照片。"))
    if fixed_on_spot and level == Level.MAJOR:
        raise WorkflowError(_("重大隐患不能立查立改，请下达限期整改并制定治理方案。"))
    source = source or SOURCE_BY_ROLE.get(roles.role_of(by), Source.TOWNSHIP)
    if source not in Source.values or source == Source.IMPORT:
        raise WorkflowError(_("请选择隐患来源。"))
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
            source=source,
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
        if criteria:
            hazard.criteria.set(criteria)
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
                    **({"criteria": [c.pk for c in criteria]} if criteria else {}),
                }
            ),
        )
        states.open_first(hazard, now)
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


# --- transitions, in the order the hazard page offers them ------------------------------------


@declare(
    sources=frozenset({S.FOUND}),
    target=S.DEADLINE,
    roles=FIELD_WORKERS | {roles.ENTERPRISE},
    label=_l("下达限期整改（五定）"),
    guards=(SELF_FOUND_FOR_THE_ENTERPRISE,),
    page=True,
    form="hazards.forms.SetDeadlineForm",
    url="set-deadline",
    success=_l("已下达限期整改。"),
)
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
    check(hazard, "set_deadline", by, at)
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


@declare(
    sources=frozenset({S.DEADLINE}),
    target=None,
    roles=frozenset({roles.ENTERPRISE}),
    label=_l("签收整改通知"),
    guards=(NOT_YET_ACKNOWLEDGED,),
    page=True,
    form="hazards.forms.AcknowledgeForm",
    url="acknowledge",
    success=_l("已签收整改通知。"),
)
def acknowledge(hazard, *, by, note="", at=None):
    """签收: the enterprise acknowledges the rectification notice online. No change of state;
    the event records who and when (the enterprise's account, its own hazards only)."""
    check(hazard, "acknowledge", by, at)
    return _apply(
        hazard,
        "acknowledge",
        by=by,
        note=(note or "").strip(),
        at=at,
        data={"deadline": hazard.deadline},
    )


@declare(
    sources=frozenset({S.FOUND, S.DEADLINE}),
    target=S.FIXED,
    # An enterprise account reports the fix of its own hazards (scoping decides "own").
    roles=FIELD_WORKERS | {roles.ENTERPRISE},
    label=_l("上报整改完成"),
    guards=(MAJOR_NEEDS_ITS_PLAN,),
    page=True,
    form="hazards.forms.ReportFixedForm",
    url="report-fixed",
    success=_l("已上报整改完成，等待复查验收。"),
)
def report_fixed(hazard, *, by, fixed_on, note, after_photos, at=None):
    """上报整改完成, with at least one after-photo."""
    check(hazard, "report_fixed", by, at)
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


@declare(
    sources=frozenset({S.DEADLINE}),
    target=None,
    # The enterprise asks for its own hazards too (申请延期); the township approves.
    roles=frozenset({roles.INSPECTOR, roles.ENTERPRISE}),
    label=_l("申请延期"),
    guards=(NO_REQUEST_PENDING,),
    page=True,
    form="hazards.forms.RequestExtensionForm",
    url="request-extension",
    success=_l("已提交延期申请，等待乡镇监管审批。"),
)
def request_extension(hazard, *, by, until, reason, at=None):
    """申请延期: an inspector asks; the deadline changes only when a supervisor approves."""
    check(hazard, "request_extension", by, at)
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


@declare(
    sources=frozenset({S.DEADLINE}),
    target=None,
    roles=SUPERVISORS,
    label=_l("批准延期"),
    guards=(REQUEST_PENDING, COUNTY_ONCE_REFERRED),
    page=True,
    form="hazards.forms.ApproveExtensionForm",
    url="approve-extension",
    success=_l("已批准延期。"),
)
def approve_extension(hazard, *, by, note="", at=None):
    """批准延期: the requested date becomes the deadline; the original one is kept."""
    check(hazard, "approve_extension", by, at)
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


@declare(
    sources=frozenset({S.DEADLINE}),
    target=None,
    roles=SUPERVISORS,
    label=_l("不予延期"),
    guards=(REQUEST_PENDING,),
    page=True,
    form="hazards.forms.DeclineExtensionForm",
    url="decline-extension",
    success=_l("已不予延期。"),
)
def decline_extension(hazard, *, by, note, at=None):
    check(hazard, "decline_extension", by, at)
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


@declare(
    sources=frozenset({S.DEADLINE}),
    target=None,
    roles=SUPERVISORS,
    label=_l("延期"),
    guards=(COUNTY_ONCE_REFERRED,),
    page=True,
    form="hazards.forms.ExtendDeadlineForm",
    url="extend",
    success=_l("已延期。"),
)
def extend_deadline(hazard, *, by, until, reason, at=None):
    """延期 decided by a supervisor directly, with a reason; the original deadline stays."""
    check(hazard, "extend_deadline", by, at)
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


@declare(
    sources=frozenset({S.FIXED}),
    target=S.DEADLINE,
    roles=SUPERVISORS,
    label=_l("验收不通过"),
    page=True,
    form="hazards.forms.RejectFixForm",
    url="reject-fix",
    success=_l("验收不通过，已退回限期整改。"),
)
def reject_fix(hazard, *, by, new_deadline, note, at=None):
    """验收不通过: back to DEADLINE with a new deadline and the reason."""
    check(hazard, "reject_fix", by, at)
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


@declare(
    sources=frozenset({S.FIXED}),
    target=S.CLOSED,
    roles=SUPERVISORS,
    label=_l("销号"),
    guards=(NOT_THE_FIXER, MAJOR_BY_THE_COUNTY, MAJOR_CLOSED_ON_A_LIBRARY_ITEM),
    page=True,
    form="hazards.forms.CloseOutForm",
    url="close-out",
    success=_l("已销号。"),
)
def close_out(hazard, *, by, acceptance_note, note="", evidence_photos=(), at=None):
    """销号 after re-check by someone other than the fixer.

    A major hazard is closed only by a county user, and only with its 判定依据 (an item of
    the criteria library, ``MAJOR_CLOSED_ON_A_LIBRARY_ITEM``), the five items of the
    treatment plan, an acceptance/evaluation note and at least one
    after-photo or attachment.
    """
    check(hazard, "close_out", by, at)
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


@declare(
    sources=OPEN_STATES,
    target=None,
    roles=frozenset({roles.SUPERVISOR}),
    label=_l("移送县级"),
    guards=(MAJOR_ONLY, NOT_YET_REFERRED),
    page=True,
    form="hazards.forms.ReferForm",
    url="refer",
    success=_l("已移送县级。"),
)
def refer_to_county(hazard, *, by, note, at=None):
    """移送: a township hands a major hazard to the county, which alone may close it."""
    check(hazard, "refer_to_county", by, at)
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


@declare(
    sources=frozenset({S.FOUND, S.DEADLINE}),
    target=None,
    roles=SUPERVISORS,
    label=_l("下达督办单"),
    guards=(OVERDUE_OR_MAJOR,),
    page=True,  # a page of its own: hazards:order_create
)
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
    check(hazard, "issue_order", by, at)
    requirements = _require_text(requirements, _("请填写督办要求。"))
    today = _today(at)
    if not isinstance(deadline, date) or deadline < today:
        raise WorkflowError(_("督办期限不能早于今天。"))
    if error := dates.deadline_error(deadline, today, _("督办期限")):
        raise WorkflowError(error)
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


@declare(
    sources=OPEN_STATES,
    target=S.VOID,
    roles=SUPERVISORS,
    label=_l("作废"),
    guards=(COUNTY_ONCE_REFERRED,),
    page=True,
    form="hazards.forms.VoidForm",
    url="void",
    success=_l("已作废。"),
)
def void(hazard, *, by, reason, at=None):
    """误报作废: kept with its reason, excluded from statistics."""
    check(hazard, "void", by, at)
    reason = _require_text(reason, _("请填写作废理由。"))
    return _apply(hazard, "void", by=by, note=reason, at=at, changes={"void_reason": reason})


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


@declare(
    sources=frozenset({S.FOUND, S.DEADLINE, S.FIXED}),
    target=None,
    roles=SUPERVISORS,
    label=_l("更正隐患信息"),
    page=True,
    form="hazards.forms.AmendForm",
    url="amend",
    success=_l("已更正隐患信息。"),
)
def amend(hazard, *, by, note, at=None, criteria=None, **facts):
    """更正: a supervisor corrects the facts of an open hazard, with a reason.

    An imported major hazard arrives without its 判定依据 (the old ledger has no such
    columns); without this it could never be closed out. Only the facts that really
    change are written; the event keeps each one's value before and after.

    ``criteria`` (the library items of the 判定依据; None: unchanged) is a fact like the
    others: its before and after are the items' ids. An item newly chosen must not have
    been repealed on the found date.
    """
    check(hazard, "amend", by, at)
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
    items_before = sorted(hazard.criteria.values_list("pk", flat=True))
    items = None
    if criteria is not None:
        items = _clean_criteria(criteria, hazard.found_on, keep=set(items_before))
        if sorted(i.pk for i in items) == items_before:
            items = None
    if not changes and items is None:
        raise WorkflowError(_("没有需要更正的内容。"))
    after = {name: changes.get(name, getattr(hazard, name)) for name in AMENDABLE}
    major = hazard.level == Level.MAJOR
    if items and not (after["basis_standard"] or after["basis_clause"]):
        # Chosen from the library with no text of its own (the form without the picker).
        standard, clause = _basis_from(items)
        changes.update(basis_standard=standard, basis_clause=clause)
        after.update(basis_standard=standard, basis_clause=clause)
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
    changed = dict(changes)
    if items is not None:
        before["criteria"] = items_before
        changed["criteria"] = sorted(i.pk for i in items)
    with transaction.atomic():
        event = _apply(
            hazard,
            "amend",
            by=by,
            note=note,
            at=at,
            changes=changes,
            event_data=_event_data({"before": before, "after": changed}),
        )
        if items is not None:
            hazard.criteria.set(items)
    return event


# --- 可能构成重大事故隐患: the hint of the criteria library -------------------------------------

HINT_DECISIONS = {"confirm": _l("确认可能构成重大隐患"), "dismiss": _l("不构成重大隐患，忽略提示")}


def _hint_text(hazard):
    parts = [hazard.description or ""]
    if hazard.checklist_item_id is not None and hazard.checklist_item is not None:
        parts.append(hazard.checklist_item.text or "")
    return "\n".join(parts)


def _answered_hints(hazard):
    answered = set()
    for data in hazard.events.filter(action="answer_major_hint").values_list("data", flat=True):
        if isinstance(data, dict) and data.get("criterion") is not None:
            answered.add(data["criterion"])
    return answered


def major_hints(hazard, on=None):
    """The library items a 一般 hazard's description or checklist item matches by keyword,
    not yet confirmed or dismissed: "可能构成重大事故隐患：…". Memoised on the instance; for
    one hazard's page, never for the rows of a list."""
    cached = getattr(hazard, "_major_hints", None)
    if cached is not None:
        return cached
    hints = []
    if hazard.level == Level.GENERAL and hazard.status in OPEN_STATES:
        from criteria.hints import matching_criteria

        hints = matching_criteria(
            _hint_text(hazard), hazard.industry, on, exclude=_answered_hints(hazard)
        )
    hazard._major_hints = hints
    return hints


HAS_AN_OPEN_HINT = Guard(
    lambda hazard, user, today: bool(major_hints(hazard, today)),
    _l("该隐患没有待核对的重大隐患提示（只对一般隐患按判定标准的关键词提示）。"),
)


@declare(
    sources=OPEN_STATES,
    target=None,
    roles=FIELD_WORKERS,
    label=_l("核对重大隐患提示"),
    guards=(HAS_AN_OPEN_HINT,),
    page=True,
    form="hazards.forms.MajorHintForm",
    url="major-hint",
    success=_l("已记录对重大隐患提示的核对结果。"),
)
def answer_major_hint(hazard, *, by, criterion, decision, note="", at=None):
    """核对提示: an inspector, supervisor or the county confirms or dismisses a hint that a
    一般 hazard may be major by a library item. The event records the item and the choice.

    Confirming changes no level (no action does: a hazard registered at the wrong level is
    voided and registered again as major); the hazard page then says so, with the item.
    """
    check(hazard, "answer_major_hint", by, at)
    if decision not in HINT_DECISIONS:
        raise WorkflowError(_("请选择确认或忽略该提示。"))
    hints = {item.pk: item for item in major_hints(hazard, _today(at))}
    item = hints.get(getattr(criterion, "pk", criterion))
    if item is None:
        raise WorkflowError(_("所选判定条目不在该隐患的提示中，请刷新页面后重试。"))
    note = (note or "").strip()
    if decision == "dismiss" and not note:
        raise WorkflowError(_("忽略提示须写明理由。"))
    hazard._major_hints = None
    return _apply(
        hazard,
        "answer_major_hint",
        by=by,
        note=note,
        at=at,
        data={
            "criterion": item.pk,
            "reference": item.short_reference,
            "decision": decision,
        },
    )
