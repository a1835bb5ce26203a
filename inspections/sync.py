"""Field work: which enterprises an inspector starts from, and (below) the JSON sync
endpoint that the offline checklist sends its queue to.

The lists start from grid.scoping like every read; the sync endpoint writes only through
inspections.services and hazards.workflow, with the same scoping as the pages.
"""

import json
import uuid
from collections import defaultdict
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.ids import parse_id
from core.models import ClientKey
from enterprises.models import Enterprise, EnterpriseStatus
from grid import scoping
from hazards import workflow
from hazards.models import Category, Level, Subject
from inspections import selectors, services
from inspections.models import ChecklistItem, ChecklistTemplate, Inspection


def field_enterprises(user, query=""):
    """Enterprises the user may inspect: 包保 (assigned to the user) first, then the rest of
    the user's cells, by name. ``query`` narrows by name, credit code or address."""
    assigned = Enterprise.inspectors.through.objects.filter(
        enterprise_id=OuterRef("pk"), user_id=user.pk
    )
    qs = (
        scoping.enterprises_for(user)
        .exclude(status=EnterpriseStatus.CLOSED)
        .annotate(mine=Exists(assigned))
    )
    query = (query or "").strip()
    if query:
        qs = qs.filter(
            Q(name__icontains=query) | Q(uscc__icontains=query) | Q(address__icontains=query)
        )
    return qs.order_by("-mine", "name", "pk")


def recently_inspected(user, limit=5):
    """Enterprises in scope the user inspected last, most recent first."""
    return list(
        scoping.enterprises_for(user)
        .exclude(status=EnterpriseStatus.CLOSED)
        .filter(inspections__inspectors=user)
        .annotate(last_inspected=Max("inspections__date"))
        .order_by("-last_inspected", "name")[:limit]
    )


def start_choices(user, limit=8):
    """我的工作's 开始检查: my 包保 enterprises and the ones I inspected lately."""
    mine = list(
        scoping.enterprises_for(user)
        .exclude(status=EnterpriseStatus.CLOSED)
        .filter(inspectors=user)
        .order_by("name", "pk")[: limit + 1]
    )
    return {
        "mine": mine[:limit],
        "more_mine": len(mine) > limit,
        "recent": recently_inspected(user),
    }


# --- the offline checklist's sync endpoint ---------------------------------------------------
#
# The phone keeps what is done offline in IndexedDB and sends it, in order, as records:
#   inspection  {key, enterprise, template, date, kind, answers: [{item, result, note}]}
#   photo       multipart: key, inspection (its key), item, photo
#   hazard      {key, inspection, item, level, category, subject, description, location,
#                five_fixes: {deadline, measures, responsible_person, funds_yuan, ...}}
#   submit      {key, inspection, representative, refused, refusal_note}
# ``item`` is the checklist item's id (ChecklistItem), as the cached template gives it.
# Every record carries a key made on the phone; services.once answers a repeat with the
# record already created. A refusal is JSON {ok: false, error} in Chinese with its status
# (401 log in again, 403, 404 out of the user's cells, 409 conflict, 400 bad input), and the
# phone keeps the record.


class Conflict(Exception):
    def __init__(self, message, status=409):
        super().__init__(message)
        self.message = str(message)
        self.status = status


def _uuid(value, message):
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise Conflict(message, status=400) from None


def _date(value):
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise Conflict(_("检查日期格式不正确。"), status=400) from None


def _inspection_of(user, key):
    """The inspection a record belongs to, by the phone's key for it."""
    found = ClientKey.objects.filter(
        key=_uuid(key, _("缺少检查记录的标识。")), kind=ClientKey.Kind.INSPECTION
    ).first()
    if found is None:
        raise Conflict(_("该检查记录尚未同步到服务器，请先同步检查记录。"))
    return selectors.inspection_detail(user, found.object_id)


def _item_of(inspection, source_item_id):
    item = inspection.items.filter(source_item_id=parse_id(source_item_id)).first()
    if item is None:
        raise Conflict(_("检查表中没有该检查项（检查表可能已被修改）。"), status=400)
    item.inspection = inspection
    return item


def _record(inspection, **extra):
    return {
        "ok": True,
        "id": inspection.pk,
        "url": reverse("inspections:detail", args=[inspection.pk]),
        "status": inspection.status,
        **extra,
    }


def sync_inspection(user, data, files=None):
    enterprise_id = parse_id(data.get("enterprise"))
    enterprise = scoping.enterprises_for(user).filter(pk=enterprise_id).first()
    if enterprise is None:
        raise Conflict(_("该企业已不在您负责的网格内，检查记录未能同步。"))
    template = ChecklistTemplate.objects.filter(pk=parse_id(data.get("template"))).first()
    key = _uuid(data.get("key"), _("缺少检查记录的标识。"))
    repeated = ClientKey.objects.filter(key=key).exists()
    if template is None or (not template.is_active and not repeated):
        raise Conflict(_("该检查表已停用，检查记录未能同步。请导出数据后联系管理员。"))
    inspection = services.start(
        enterprise=enterprise,
        by=user,
        kind=data.get("kind") or Inspection.Kind.ROUTINE,
        template=template,
        inspectors=[user],
        on=_date(data.get("date")),
        client_key=key,
    )
    answers = [a for a in data.get("answers") or [] if a.get("result") in services.ANSWERS]
    if inspection.is_locked:
        stored = {
            i.source_item_id: (i.result, i.note) for i in inspection.items.all() if i.source_item_id
        }
        if any(
            stored.get(parse_id(a.get("item"))) != (a["result"], (a.get("note") or "").strip())
            for a in answers
        ):
            raise Conflict(_("该检查记录已在其他设备上提交，本机的修改未能同步。"))
        return _record(inspection, repeated=inspection.repeated)
    items = {i.source_item_id: i for i in inspection.items.all()}
    for answer in answers:
        item = items.get(parse_id(answer.get("item")))
        if item is None:
            continue
        note = (answer.get("note") or "").strip()
        if (item.result, item.note) == (answer["result"], note):
            continue
        item.inspection = inspection
        services.record_result(item, by=user, result=answer["result"], note=note)
    return _record(inspection, repeated=inspection.repeated)


def sync_photo(user, data, files=None):
    inspection = _inspection_of(user, data.get("inspection"))
    item = _item_of(inspection, data.get("item"))
    photo = (files or {}).get("photo")
    if photo is None:
        raise Conflict(_("请选择现场照片。"), status=400)

    def create():
        if item.result == services.Result.PENDING:
            raise services.InspectionError(_("请先选择该项的检查结果，再上传照片。"))
        return services.record_result(
            item, by=user, result=item.result, note=item.note, photo=photo
        )

    saved = services.once(
        _uuid(data.get("key"), _("缺少照片的标识。")),
        ClientKey.Kind.PHOTO,
        by=user,
        create=create,
        fetch=lambda pk: inspection.items.get(pk=pk),
    )
    return _record(inspection, item=saved.pk, repeated=saved.repeated)


def sync_hazard(user, data, files=None):
    inspection = _inspection_of(user, data.get("inspection"))
    item = _item_of(inspection, data.get("item"))
    fixes = data.get("five_fixes") or None
    if fixes:
        fixes = {
            "deadline": date.fromisoformat(fixes["deadline"]) if fixes.get("deadline") else None,
            "measures": fixes.get("measures", ""),
            "responsible_person": fixes.get("responsible_person", ""),
            "funds_yuan": fixes.get("funds_yuan") or None,
            "contingency_plan": fixes.get("contingency_plan", ""),
        }
        if fixes["deadline"] is None:
            fixes = None
    prefill = services.hazard_prefill(item)
    fields = {
        name: data.get(name) or prefill[name]
        for name in ("level", "category", "subject", "description", "location")
    }
    fields["basis_standard"] = data.get("basis_standard") or prefill["basis_standard"]
    fields["basis_clause"] = data.get("basis_clause") or prefill["basis_clause"]
    fields["criteria"] = prefill["criteria"]  # the 专项检查表's library item, when major
    hazard = services.once(
        _uuid(data.get("key"), _("缺少隐患的标识。")),
        ClientKey.Kind.HAZARD,
        by=user,
        create=lambda: services.create_hazard(item, by=user, five_fixes=fixes, **fields),
        fetch=lambda pk: scoping.get_or_404(scoping.hazards_for(user), pk=pk),
    )
    return _record(
        inspection,
        hazard=hazard.pk,
        number=hazard.number,
        hazard_url=reverse("hazards:detail", args=[hazard.pk]),
        repeated=hazard.repeated,
    )


def sync_submit(user, data, files=None):
    inspection = _inspection_of(user, data.get("inspection"))
    key = _uuid(data.get("key"), _("缺少提交的标识。"))
    if inspection.is_locked and not ClientKey.objects.filter(key=key).exists():
        raise Conflict(_("该检查记录已在其他设备上提交。"))
    submitted = services.once(
        key,
        ClientKey.Kind.SUBMIT,
        by=user,
        create=lambda: services.submit(
            inspection,
            by=user,
            representative=data.get("representative") or "",
            refused=bool(data.get("refused")),
            refusal_note=data.get("refusal_note") or "",
        ),
        fetch=lambda pk: selectors.inspection_detail(user, pk),
    )
    return _record(submitted, repeated=submitted.repeated)


HANDLERS = {
    "inspection": sync_inspection,
    "photo": sync_photo,
    "hazard": sync_hazard,
    "submit": sync_submit,
}


def _refusal(message, status):
    return JsonResponse({"ok": False, "error": str(message)}, status=status)


@require_POST
def sync(request, kind):
    """POST /inspections/sync/<kind>/: one record of the phone's queue."""
    if not request.user.is_authenticated:
        return _refusal(_("登录已过期，请重新登录后再同步；未同步的数据仍保存在本机。"), 401)
    handler = HANDLERS.get(kind)
    if handler is None:
        raise Http404("no such record kind")
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return _refusal(_("数据格式不正确。"), 400)
        if not isinstance(data, dict):
            return _refusal(_("数据格式不正确。"), 400)
    else:
        data = request.POST
    try:
        with transaction.atomic():
            return JsonResponse(handler(request.user, data, request.FILES))
    except Conflict as exc:
        return _refusal(exc.message, exc.status)
    except services.InspectionError as exc:
        return _refusal(exc.message, 409)
    except workflow.WorkflowError as exc:
        return _refusal(exc.message, exc.status_code)
    except PermissionDenied:
        return _refusal(_("您没有权限进行该操作。"), 403)
    except Http404:
        return _refusal(_("该记录不存在或已不在您负责的网格内。"), 404)


# --- what the phone caches ---------------------------------------------------------------


def bootstrap_data(user):
    """The user's enterprises (包保 first), the active checklist templates with their items,
    and the choices of the hazard form: everything the offline checklist needs."""
    enterprises = [
        {"id": e.pk, "name": e.name, "address": e.address, "mine": e.mine}
        for e in field_enterprises(user).only("id", "name", "address")
    ]
    items = defaultdict(list)
    for item in (
        ChecklistItem.objects.filter(is_active=True, category__template__is_active=True)
        .select_related("category")
        .order_by("category__template_id", "category__number", "number")
    ):
        items[item.category.template_id].append(
            {
                "id": item.pk,
                "code": f"{item.category.number}.{item.number}",
                "category": item.category.name,
                "text": item.text,
                "basis": item.basis,
                "level": item.default_level,
            }
        )
    templates = [
        {"id": t.pk, "name": t.name, "items": items[t.pk]}
        for t in ChecklistTemplate.objects.filter(is_active=True).order_by("name")
        if items[t.pk]
    ]
    return {
        "user": {"id": user.pk, "name": user.get_full_name() or user.username},
        "today": f"{timezone.localdate():%Y-%m-%d}",
        "enterprises": enterprises,
        "templates": templates,
        "levels": list(Level.choices),
        "categories": list(Category.choices),
        "subjects": list(Subject.choices),
        # 企业自查 is the enterprise's own, started on its own page: not a field kind.
        "kinds": [c for c in Inspection.Kind.choices if c[0] != Inspection.Kind.SELF],
    }


@require_GET
def bootstrap(request):
    """GET /inspections/sync/bootstrap/: what the phone keeps for working offline."""
    if not request.user.is_authenticated:
        return _refusal(_("登录已过期，请重新登录。"), 401)
    scoping.require(request.user, "inspection.record")
    response = JsonResponse(bootstrap_data(request.user))
    response["Cache-Control"] = "private, no-cache"
    return response
