"""Writing inspections and enforcement actions: the only code that changes them.

Each function checks scope (``Http404``) and role (``PermissionDenied``) through
grid.scoping, then the rules (``InspectionError`` with a Chinese message), then writes in
one transaction. A submitted inspection is locked: every write to it or its items filters
on ``status=draft`` in the same UPDATE, so a submit racing an edit leaves exactly one of
them done and the other refused with a message.

Hazards found on an inspection are registered through ``hazards.workflow.register``, never
created here.
"""

import re
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import keys
from core.choices import HazardLevel
from core.models import ClientKey
from enterprises.models import EnterpriseStatus
from grid import roles, scoping
from grid.models import GridCell
from hazards import dates, workflow
from hazards import photos as photo_service
from hazards.models import Category, Subject
from inspections.models import (
    ChecklistItem,
    EnforcementAction,
    Inspection,
    InspectionGroup,
    InspectionItem,
    Outing,
)

DRAFT = Inspection.Status.DRAFT
SUBMITTED = Inspection.Status.SUBMITTED
Result = InspectionItem.Result
ANSWERS = (Result.PASS, Result.FAIL, Result.NA)
FIELD_ROLES = (roles.INSPECTOR, roles.SUPERVISOR, roles.COUNTY)


class InspectionError(Exception):
    """The write cannot be done; ``message`` says why, in Chinese. Nothing was changed."""

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


# --- one-time keys ----------------------------------------------------------------------


class KeyRefused(keys.KeyRefused, InspectionError, workflow.WorkflowError):
    """A one-time key that another user's record (or another kind of record) already
    holds: refused with a message on every page, the inspection ones and the hazard ones."""


def once(key, kind, *, by, create, fetch):
    """``core.keys.once``, refused as an inspection page (and a hazard page) answers it."""
    return keys.once(key, kind, by=by, create=create, fetch=fetch, refused=KeyRefused)


# --- who may be in an inspection group ---------------------------------------------------


def candidate_inspectors(enterprise):
    """Active field staff who can see the enterprise: assigned to its village or above."""
    ancestor_ids = [int(p) for p in enterprise.cell.path.strip("/").split("/") if p]
    names = [roles.GROUP_NAMES[r] for r in FIELD_ROLES]
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            grid_assignments__cell_id__in=ancestor_ids,
            groups__name__in=names,
        )
        .distinct()
        .order_by("first_name", "username")
    )


# --- starting and filling an inspection --------------------------------------------------


# --- outings: a group out for the day ----------------------------------------------------


def split_names(text):
    """The people named in ``text`` (separated by 、 ， , ; or spaces), each once, in order."""
    return list(dict.fromkeys(n for n in re.split(r"[、，,；;\s　]+", text or "") if n))


def groups_for(user):
    """The inspection groups ``user`` may go out with: those formed by a cell the user sees
    or above it (a county's group works in every township), newest first."""
    scope = scoping.scope_of(user)
    qs = InspectionGroup.objects.select_related("unit")
    if scope.everything:
        return qs.order_by("-created_at", "-pk")
    ancestors = set()
    for cell in GridCell.objects.filter(
        Q(pk__in=scope.cell_ids) | Q(pk__in=scope.township_ids)
    ).only("path"):
        ancestors.update(int(p) for p in cell.path.strip("/").split("/") if p)
    beneath = Q(unit__township_id__in=scope.township_ids) | Q(unit_id__in=ancestors)
    return qs.filter(beneath | Q(members=user)).distinct().order_by("-created_at", "-pk")


def last_outing(user):
    """The outing ``user`` was last present at (the phone's defaults: that group and the
    people they were with), or None."""
    return (
        Outing.objects.filter(present=user)
        .select_related("group")
        .prefetch_related("present")
        .order_by("-date", "-pk")
        .first()
    )


def start_outing(*, group, by, on, present, guest_names=""):
    """Start (or join) ``group``'s outing on ``on`` with the members ``present`` (users) and
    ``guest_names`` (people without an account). Starting it twice adds to the people
    already there, never a second outing."""
    scoping.require(by, "inspection.record")
    if group is None or not groups_for(by).filter(pk=group.pk).exists():
        raise InspectionError(_("请选择您所在网格的检查组。"))
    if not isinstance(on, date):
        raise InspectionError(_("请填写出动日期。"))
    if error := dates.happened_on_error(on, timezone.localdate(), _("出动日期")):
        raise InspectionError(error)
    present = list(dict.fromkeys([*present]))
    guests = split_names(guest_names)
    if not present and not guests:
        raise InspectionError(_("请选择出动人员。"))
    with transaction.atomic():
        outing, _created = Outing.objects.select_for_update().get_or_create(group=group, date=on)
        users = {*outing.present.values_list("pk", flat=True), *(u.pk for u in present)}
        guests = list(dict.fromkeys([*split_names(outing.guest_names), *guests]))
        outing.present.set(users)
        group.members.add(*present)
        outing.guest_names = "、".join(guests)
        outing.person_count = len(users) + len(guests)
        outing.save(update_fields=["guest_names", "person_count"])
    return outing


def start(
    *,
    enterprise,
    by,
    kind,
    template,
    inspectors,
    on,
    is_enforcement=False,
    notes="",
    client_key=None,
    outing=None,
):
    """Open an inspection of ``enterprise`` and snapshot every active item of ``template``.

    On ``outing`` (today's group out, started once with ``start_outing``) the inspectors
    are the members present at this enterprise; without one the inspection is its own group
    and outing. A repeat of ``client_key`` returns the inspection it already opened."""
    return once(
        client_key,
        ClientKey.Kind.INSPECTION,
        by=by,
        fetch=lambda pk: scoping.get_or_404(scoping.inspections_for(by), pk=pk),
        create=lambda: _start(
            enterprise=enterprise,
            by=by,
            kind=kind,
            template=template,
            inspectors=inspectors,
            on=on,
            is_enforcement=is_enforcement,
            notes=notes,
            outing=outing,
        ),
    )


def _start(*, enterprise, by, kind, template, inspectors, on, is_enforcement, notes, outing):
    scoping.require(by, "inspection.record", enterprise)
    inspectors = list(dict.fromkeys(inspectors))  # keep order, drop repeats
    if kind not in Inspection.Kind.values or kind == Inspection.Kind.SELF:
        raise InspectionError(_("请选择检查类型。"))
    _refuse_to_open(enterprise, template, on)
    if not inspectors:
        raise InspectionError(_("请选择检查人员。"))
    allowed_ids = set(candidate_inspectors(enterprise).values_list("pk", flat=True))
    strangers = [u for u in inspectors if u.pk not in allowed_ids]
    if strangers:
        raise InspectionError(
            _("%(names)s 不负责该企业所在网格，不能列为检查人员。")
            % {"names": "、".join(u.get_full_name() or u.username for u in strangers)}
        )
    if outing is not None:
        if outing.date != on:
            raise InspectionError(_("检查日期须与本次出动的日期一致。"))
        present = set(outing.present.values_list("pk", flat=True))
        absent = [u for u in inspectors if u.pk not in present]
        if absent:
            raise InspectionError(
                _("%(names)s 不在本次出动人员中。")
                % {"names": "、".join(u.get_full_name() or u.username for u in absent)}
            )
        if Inspection.objects.filter(outing=outing, enterprise=enterprise).exists():
            raise InspectionError(_("本次出动已检查过该企业。"))
    if is_enforcement and len(inspectors) < 2:
        raise InspectionError(_("执法检查须有两名及以上执法人员，请再选择一名检查人员。"))
    with transaction.atomic():
        inspection = _open(enterprise, by, on, kind, template, inspectors, notes, is_enforcement)
        if outing is None:
            own_outing(inspection, inspectors)
        else:
            Inspection.objects.filter(pk=inspection.pk).update(outing=outing)
            inspection.outing = outing
    return inspection


def _refuse_to_open(enterprise, template, on):
    """The rules every inspection, the enterprise's own included, is opened under."""
    if enterprise.status == EnterpriseStatus.CLOSED:
        raise InspectionError(_("该企业已关闭注销，不能开始检查。"))
    if template is None or not template.is_active:
        raise InspectionError(_("请选择启用中的检查表。"))
    if not isinstance(on, date):
        raise InspectionError(_("请填写检查日期。"))
    if error := dates.happened_on_error(on, timezone.localdate(), _("检查日期")):
        raise InspectionError(error)


def _open(enterprise, by, on, kind, template, inspectors, notes, is_enforcement=False):
    """Write the inspection, its inspectors and its items' snapshot (inside a transaction)."""
    inspection = Inspection.objects.create(
        enterprise=enterprise,
        cell_id=enterprise.cell_id,
        township_id=enterprise.township_id,
        date=on,
        kind=kind,
        is_enforcement=bool(is_enforcement),
        template=template,
        inspector_count=len(inspectors),
        notes=(notes or "").strip(),
        created_by=by,
    )
    inspection.inspectors.set(inspectors)
    _snapshot_items(inspection, _active_items(template))
    return inspection


def start_self(*, enterprise, by, template, on, notes="", client_key=None):
    """企业自查: an enterprise account opens a self-inspection of its own enterprise against
    ``template`` (the same checklists). No inspection group, no outing; the account is its
    inspector. Never counted in the government figures (``inspections.models.COUNTED``)."""
    return once(
        client_key,
        ClientKey.Kind.INSPECTION,
        by=by,
        fetch=lambda pk: scoping.get_or_404(scoping.inspections_for(by), pk=pk),
        create=lambda: _start_self(
            enterprise=enterprise, by=by, template=template, on=on, notes=notes
        ),
    )


def _start_self(*, enterprise, by, template, on, notes):
    scoping.require(by, "inspection.self", enterprise)
    _refuse_to_open(enterprise, template, on)
    with transaction.atomic():
        return _open(enterprise, by, on, Inspection.Kind.SELF, template, [by], notes)


def record_permission(inspection):
    """The page permission (grid.scoping) to fill in, submit and register the hazards of
    ``inspection``: the enterprise's own 企业自查 by its account only, every other
    inspection by the field staff only."""
    return "inspection.self" if inspection.is_self else "inspection.record"


def may_record(user, inspection):
    return scoping.allowed(user, record_permission(inspection))


def _active_items(template):
    items = list(
        ChecklistItem.objects.filter(category__template=template, is_active=True)
        .select_related("category")
        .order_by("category__number", "number")
    )
    if not items:
        raise InspectionError(_("该检查表没有启用的检查项，请联系管理员完善检查表。"))
    return items


def _snapshot_items(inspection, items):
    InspectionItem.objects.bulk_create(
        InspectionItem(
            inspection=inspection,
            source_item=item,
            position=position,
            category_number=item.category.number,
            category_name=item.category.name,
            number=item.number,
            text=item.text,
            basis=item.basis,
            default_level=item.default_level,
        )
        for position, item in enumerate(items, start=1)
    )


def own_outing(inspection, inspectors):
    """Make ``inspection`` its own inspection group and outing (formed by its township,
    the inspectors its members and present): an inspection started without an outing is
    one group's visit, as every inspection before groups existed was (migration 0007)."""
    group = InspectionGroup.objects.create(
        name=_("检查记录%(pk)s") % {"pk": inspection.pk},
        unit_id=inspection.township_id,
        kind=InspectionGroup.Kind.ENFORCEMENT
        if inspection.is_enforcement
        else OWN_GROUP_KINDS.get(inspection.kind, InspectionGroup.Kind.ROUTINE),
        starts_on=inspection.date,
        ends_on=inspection.date,
    )
    outing = Outing.objects.create(
        group=group, date=inspection.date, person_count=inspection.inspector_count
    )
    group.members.set(inspectors)
    outing.present.set(inspectors)
    Inspection.objects.filter(pk=inspection.pk).update(outing=outing)
    inspection.outing = outing
    return outing


OWN_GROUP_KINDS = {
    Inspection.Kind.ROUTINE: InspectionGroup.Kind.ROUTINE,
    Inspection.Kind.SPECIAL: InspectionGroup.Kind.SPECIAL,
    Inspection.Kind.SUPERVISION: InspectionGroup.Kind.SUPERVISION,
}


def _locked_message():
    return _("该检查记录已提交，不能再修改。")


def record_result(item, *, by, result, note="", photo=None, remove_photo=False):
    """Save one item's answer (合格/不合格/不适用), note and optional photo as you go."""
    inspection = item.inspection
    scoping.require(by, record_permission(inspection), inspection)
    if inspection.is_locked:
        raise InspectionError(_locked_message())
    if result not in ANSWERS:
        raise InspectionError(_("请选择检查结果：合格、不合格或不适用。"))
    note = (note or "").strip()
    if len(note) > 500:
        raise InspectionError(_("说明不能超过500字。"))
    if result != Result.FAIL and item.hazards.exists():
        raise InspectionError(_("该项已登记隐患，不能改为“合格”或“不适用”。"))
    processed = None
    if photo is not None:
        try:
            processed = photo_service.process_upload(photo)
        except ValidationError as exc:
            raise InspectionError(" ".join(exc.messages)) from exc
    old_photo_name = item.photo.name if item.photo else ""
    with transaction.atomic():
        changes = {"result": result, "note": note}
        if processed is not None:
            # Save the processed JPEG (never the camera original) under its own name.
            name = item.photo.field.generate_filename(item, processed.image.name)
            changes["photo"] = item.photo.storage.save(name, processed.image)
        elif remove_photo:
            changes["photo"] = ""
        matched = InspectionItem.objects.filter(pk=item.pk, inspection__status=DRAFT).update(
            **changes
        )
        if matched != 1:
            if "photo" in changes and changes["photo"]:
                item.photo.storage.delete(changes["photo"])
            raise InspectionError(_locked_message())
    item.refresh_from_db()
    if old_photo_name and old_photo_name != (item.photo.name or ""):
        transaction.on_commit(lambda: item.photo.storage.delete(old_photo_name))
    return item


def pass_remaining(inspection, *, by):
    """其余项全部合格: every item still unanswered becomes 合格, in one UPDATE.

    Returns the ids it changed, which is what ``undo_pass_remaining`` takes back."""
    scoping.require(by, record_permission(inspection), inspection)
    if inspection.is_locked:
        raise InspectionError(_locked_message())
    with transaction.atomic():
        pending = InspectionItem.objects.filter(
            inspection=inspection, result=Result.PENDING, inspection__status=DRAFT
        )
        ids = list(pending.values_list("pk", flat=True))
        InspectionItem.objects.filter(pk__in=ids, result=Result.PENDING).update(result=Result.PASS)
    return ids


def undo_pass_remaining(inspection, *, by, item_ids):
    """撤销: the items ``pass_remaining`` marked go back to unanswered, unless someone has
    since given them a note or a photo. Returns how many went back."""
    scoping.require(by, record_permission(inspection), inspection)
    if inspection.is_locked:
        raise InspectionError(_locked_message())
    return InspectionItem.objects.filter(
        inspection=inspection,
        inspection__status=DRAFT,
        pk__in=list(item_ids),
        result=Result.PASS,
        note="",
        photo="",
    ).update(result=Result.PENDING)


def progress(inspection):
    """(answered, total) of an inspection's items, in one query."""
    from django.db.models import Count

    counts = inspection.items.aggregate(
        total=Count("id"), answered=Count("id", filter=~Q(result=Result.PENDING))
    )
    return counts["answered"], counts["total"]


def submit(
    inspection, *, by, representative="", refused=False, refusal_note="", notes=None, at=None
):
    """Lock the inspection: every item answered, signed by the representative or refusal noted."""
    scoping.require(by, record_permission(inspection), inspection)
    if inspection.is_locked:
        raise InspectionError(_("该检查记录已提交，不能重复提交。"))
    pending = inspection.items.filter(result=Result.PENDING).count()
    if pending:
        raise InspectionError(
            _("还有 %(n)d 项未填写检查结果，全部填写后才能提交。") % {"n": pending}
        )
    representative = (representative or "").strip()
    refusal_note = (refusal_note or "").strip()
    if inspection.is_self and not representative:
        # 企业自查: the account that did it signs it.
        representative, refused = (by.get_full_name() or by.username), False
    if refused:
        if not refusal_note:
            raise InspectionError(_("企业拒绝签字的，请填写拒签说明。"))
        representative = ""
    elif not representative:
        raise InspectionError(_("请填写企业陪同签字人员；企业拒签的，请勾选“企业拒绝签字”并说明。"))
    changes = {
        "status": SUBMITTED,
        "submitted_at": at or timezone.now(),
        "representative": representative,
        "representative_refused": bool(refused),
        "refusal_note": refusal_note if refused else "",
    }
    if notes is not None:
        changes["notes"] = notes.strip()
    matched = Inspection.objects.filter(pk=inspection.pk, status=DRAFT).update(**changes)
    if matched != 1:
        raise InspectionError(_("该检查记录已被他人提交，请刷新页面。"))
    inspection.refresh_from_db()
    return inspection


# --- failed items become hazards ---------------------------------------------------------

# Categories of the checklist that are about management, not the state of things: a hazard
# from one of their items is a 管理缺陷; from any other category it is 物的不安全状态.
MANAGEMENT_WORDS = ("管理", "制度", "责任", "教育", "培训", "持证", "应急预案")

# A best guess of the 专业类别 from the item text; the user can change it before confirming.
SUBJECT_WORDS = [
    (Subject.HAZCHEM, ("危险化学品", "危化", "剧毒", "易制爆", "重大危险源", "化学品")),
    (Subject.CONFINED_SPACE, ("有限空间",)),
    (Subject.DUST, ("粉尘",)),
    (Subject.GAS, ("燃气", "液化石油气", "天然气")),
    (
        Subject.SPECIAL_EQUIPMENT,
        ("特种设备", "锅炉", "压力容器", "电梯", "起重", "叉车", "场（厂）内"),
    ),
    (Subject.ELECTRICAL, ("配电", "电气", "漏电", "电线", "接地")),
    (
        Subject.FIRE,
        ("消防", "灭火", "火灾", "疏散", "安全出口", "动火", "防火", "消火栓", "应急照明"),
    ),
    (Subject.WORK_AT_HEIGHT, ("高处", "临边", "洞口", "防护栏杆")),
    (Subject.MACHINERY, ("机械", "防护罩", "传动", "转动")),
    (Subject.OCCUPATIONAL_HEALTH, ("劳动防护用品", "职业")),
]


def is_management_category(category_name):
    return any(word in category_name for word in MANAGEMENT_WORDS)


def guess_category(item):
    if is_management_category(item.category_name):
        return Category.MANAGEMENT
    return Category.UNSAFE_CONDITION


def guess_subject(item):
    for subject, words in SUBJECT_WORDS:
        if any(w in item.text for w in words):
            return subject
    if is_management_category(item.category_name):
        return Subject.MANAGEMENT
    return Subject.OTHER


_STANDARD = re.compile(r"^\s*(《[^》]+》|[A-Z]{1,4}(?:/T)?\s*[\d.]+(?:-\d{4})?《[^》]+》)\s*(.*)$")


def split_basis(basis):
    """'《X》第三条第（一）项；《Y》…' → ('《X》', '第三条第（一）项')."""
    first = (basis or "").split("；")[0].strip()
    match = _STANDARD.match(first)
    if not match:
        return first, ""
    return match.group(1).strip(), match.group(2).strip()


def _prefill_criteria(item):
    """The library item of a failed item of a 专项检查表 (ChecklistItem.criterion), as the
    判定依据 to offer: itself while in force on the inspection's date, else the item that
    replaced it, else none."""
    source = item.source_item
    if item.default_level != HazardLevel.MAJOR or source is None or source.criterion is None:
        return []
    current = source.criterion.current(on=item.inspection.date)
    return [current.pk] if current is not None else []


def hazard_prefill(item):
    """What the "登记为隐患" form starts with, from the failed item."""
    standard, clause = ("", "")
    if item.default_level == HazardLevel.MAJOR:
        standard, clause = split_basis(item.basis)
    description = item.text
    if item.note:
        description = f"{item.text}。{_('现场情况')}：{item.note}"
    return {
        "level": item.default_level,
        "category": guess_category(item),
        "subject": guess_subject(item),
        "description": description,
        "location": "",
        "basis_standard": standard,
        "basis_clause": clause,
        "criteria": _prefill_criteria(item),
    }


def _criteria_of(criteria):
    """Library items from items or ids (the prefill carries ids), in the order given."""
    from criteria.models import Criterion

    ids = [getattr(c, "pk", c) for c in criteria or ()]
    found = Criterion.objects.select_related("standard").in_bulk(ids)
    return [found[i] for i in ids if i in found]


def _photo_of(item):
    """The item's stored (already processed) photo, as the workflow wants it."""
    if not item.photo:
        return []
    with item.photo.open("rb") as fh:
        return [photo_service.process_upload(fh)]


def create_hazard(
    item,
    *,
    by,
    level,
    category,
    subject,
    description,
    location="",
    basis_standard="",
    basis_clause="",
    criteria=(),
    five_fixes=None,
    at=None,
):
    """登记为隐患: exactly one hazard for one failed item, through the workflow.

    ``criteria`` (library items or their ids) are the 判定依据 links of a major hazard; a
    general one gets none.

    With ``five_fixes`` (the keyword arguments of ``workflow.set_deadline``: deadline,
    measures, responsible_person, funds_yuan, contingency_plan) the hazard also gets its
    五定 in the same transaction: two events, register then set_deadline, as 立查立改
    writes two. ``at`` (default: now) is the moment of registration, for imports and the
    demo."""
    inspection = item.inspection
    scoping.require(by, "hazard.register", inspection)
    # Whoever fills the inspection registers its hazards: staff never on an enterprise's
    # self-inspection, an enterprise never on a government inspection.
    scoping.require(by, record_permission(inspection), inspection)
    if item.result != Result.FAIL:
        raise InspectionError(_("只有“不合格”的检查项才能登记为隐患。"))
    photos = _photo_of(item)
    criteria = _criteria_of(criteria) if level == HazardLevel.MAJOR else []
    with transaction.atomic():
        # The row lock (PostgreSQL) or the IMMEDIATE write lock (SQLite) serialises two
        # people pressing the button at once: the second finds the first one's hazard.
        InspectionItem.objects.select_for_update().filter(pk=item.pk).first()
        if item.hazards.exists():
            raise InspectionError(_("该检查项已登记过隐患，不能重复登记。"))
        hazard = workflow.register(
            enterprise=inspection.enterprise,
            by=by,
            level=level,
            category=category,
            subject=subject,
            description=description,
            location=location,
            found_on=inspection.date,
            finders=list(inspection.inspectors.all()),
            inspection=inspection,
            inspection_item=item,
            checklist_item=item.source_item,
            photos=photos,
            basis_standard=basis_standard or "",
            basis_clause=basis_clause or "",
            criteria=criteria,
            note=_("由检查记录第 %(code)s 项登记") % {"code": item.code},
            at=at,
        )
        if five_fixes:
            workflow.set_deadline(hazard, by=by, at=at, **five_fixes)
            hazard.refresh_from_db()
    return hazard


# --- enforcement actions -----------------------------------------------------------------


def record_enforcement(
    *,
    by,
    kind,
    enterprise,
    on,
    document_kind="",
    document_number="",
    inspection=None,
    hazard=None,
    fine_yuan=0,
    description="",
    client_key=None,
):
    """Record one 执法 action against an enterprise in the user's scope (once per
    ``client_key``)."""
    return once(
        client_key,
        ClientKey.Kind.ENFORCEMENT,
        by=by,
        fetch=lambda pk: scoping.get_or_404(scoping.enforcement_for(by), pk=pk),
        create=lambda: _record_enforcement(
            by=by,
            kind=kind,
            enterprise=enterprise,
            on=on,
            document_kind=document_kind,
            document_number=document_number,
            inspection=inspection,
            hazard=hazard,
            fine_yuan=fine_yuan,
            description=description,
        ),
    )


def _record_enforcement(
    *,
    by,
    kind,
    enterprise,
    on,
    document_kind,
    document_number,
    inspection,
    hazard,
    fine_yuan,
    description,
):
    scoping.require(by, "enforcement.record", enterprise)
    if kind not in EnforcementAction.Kind.values:
        raise InspectionError(_("请选择执法类别。"))
    document_kind = document_kind or ""
    if kind == EnforcementAction.Kind.DOCUMENT and not document_kind:
        raise InspectionError(_("执法文书须选择文书种类。"))
    if document_kind and document_kind not in EnforcementAction.DocumentKind.values:
        raise InspectionError(_("请选择有效的文书种类。"))
    if not isinstance(on, date):
        raise InspectionError(_("请填写日期。"))
    if on > timezone.localdate():
        raise InspectionError(_("日期不能晚于今天。"))
    fine = Decimal(fine_yuan or 0)
    if fine < 0:
        raise InspectionError(_("罚款金额不能为负数。"))
    if inspection is not None:
        if not scoping.can_see(by, inspection):
            raise InspectionError(_("关联的检查记录不存在或不在您的管辖范围内。"))
        if inspection.enterprise_id != enterprise.pk:
            raise InspectionError(_("关联的检查记录不属于该企业。"))
    if hazard is not None:
        if not scoping.can_see(by, hazard):
            raise InspectionError(_("关联的隐患不存在或不在您的管辖范围内。"))
        if hazard.enterprise_id != enterprise.pk:
            raise InspectionError(_("关联的隐患不属于该企业。"))
    return EnforcementAction.objects.create(
        kind=kind,
        document_kind=document_kind,
        document_number=(document_number or "").strip(),
        enterprise=enterprise,
        cell_id=enterprise.cell_id,
        township_id=enterprise.township_id,
        inspection=inspection,
        hazard=hazard,
        date=on,
        fine_yuan=fine,
        description=(description or "").strip(),
        created_by=by,
    )
