"""Inspection pages: thin views over inspections.services and inspections.selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.files import private_jpeg
from core.ids import parse_id
from grid import scoping
from grid.models import GridCell
from hazards import workflow
from hazards.views import act, action_forms
from inspections import selectors, services
from inspections import sync as field_work
from inspections.filters import EnforcementFilter, InspectionFilter
from inspections.forms import (
    DailyForm,
    EnforcementForm,
    HazardFromItemForm,
    ItemResultForm,
    OutingForm,
    PeriodForm,
    StartForm,
    SubmitForm,
)
from inspections.models import Inspection, Outing
from inspections.rows import coverage_rows

PAGE_SIZE = 30


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _first_error(form):
    for errors in form.errors.values():
        return errors[0]
    return _("输入有误，请检查后重试。")


# --- inspections -------------------------------------------------------------------------


@login_required
def inspection_list(request):
    scoping.require(request.user, "view")
    qs = selectors.inspection_list(request.user).order_by("-date", "-id")
    filterset = InspectionFilter(request.GET or None, queryset=qs, request=request)
    page = _page(request, filterset.qs if filterset.is_bound else qs)
    return render(
        request,
        "inspections/list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "can_start": scoping.allowed(request.user, "inspection.record"),
            "can_see_coverage": scoping.allowed(request.user, "coverage.board"),
            "can_see_daily": scoping.allowed(request.user, "report.view"),
        },
    )


@login_required
def start(request):
    enterprise_id = parse_id(request.GET.get("enterprise") or request.POST.get("enterprise"))
    if enterprise_id is None:
        raise Http404("no enterprise")
    enterprise = scoping.get_or_404(
        scoping.enterprises_for(request.user).select_related("cell"), pk=enterprise_id
    )
    scoping.require(request.user, "inspection.record", enterprise)
    outing = _todays_outing(request)
    initial = {}
    if outing is not None:  # the people out today, entered once (今日出动)
        initial["inspectors"] = [u.pk for u in outing.present.all()]
    form = StartForm(
        request.POST or None, enterprise=enterprise, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = services.start(
                enterprise=enterprise,
                by=request.user,
                kind=data["kind"],
                template=data["template"],
                inspectors=list(data["inspectors"]),
                on=data["date"],
                is_enforcement=data["is_enforcement"],
                notes=data["notes"],
                client_key=data["client_key"],
                outing=outing if outing is not None and outing.date == data["date"] else None,
            )
        except services.InspectionError as exc:
            form.add_error(None, exc.message)
        else:
            if inspection.repeated:
                messages.info(request, _("该检查记录已创建，重复提交未再新建。"))
            else:
                messages.success(request, _("检查记录已创建，请逐项填写检查结果。"))
            return redirect("inspections:detail", pk=inspection.pk)
    return render(request, "inspections/start.html", {"form": form, "enterprise": enterprise})


OUTING_SESSION_KEY = "inspections.outing"


def _todays_outing(request):
    """Today's outing the user started or joined on this device, or None."""
    pk = request.session.get(OUTING_SESSION_KEY)
    if not pk:
        return None
    return (
        Outing.objects.filter(pk=pk, date=timezone.localdate(), present=request.user)
        .select_related("group")
        .prefetch_related("present")
        .first()
    )


@login_required
def outing_start(request):
    """今日出动: start (or join) today's outing once; then inspect one enterprise after
    another without entering the group again."""
    scoping.require(request.user, "inspection.record")
    form = OutingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outing = services.start_outing(
                group=data["group"],
                by=request.user,
                on=timezone.localdate(),
                present=list(data["present"]),
                guest_names=data["guest_names"],
            )
        except services.InspectionError as exc:
            form.add_error(None, exc.message)
        else:
            request.session[OUTING_SESSION_KEY] = outing.pk
            messages.success(
                request,
                _("已开始今日出动：%(group)s，出动 %(n)d 人。请选择企业开始检查。")
                % {"group": outing.group.name, "n": outing.person_count},
            )
            return redirect("inspections:pick")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "inspections/outing.html",
        {"form": form, "outing": _todays_outing(request)},
        status=status,
    )


@login_required
def pick(request):
    """选择企业开始检查: the user's enterprises (包保 first), searchable."""
    scoping.require(request.user, "inspection.record")
    q = (request.GET.get("q") or "").strip()[:100]
    return render(
        request,
        "inspections/pick.html",
        {
            "q": q,
            "page_obj": _page(request, field_work.field_enterprises(request.user, q)),
            "outing": _todays_outing(request),
        },
    )


# --- the offline checklist (issue 13): page, service worker, manifest ---------------------


def _field_messages():
    """The words static/js/field.js shows, translated here."""
    words = {
        "online": _("在线"),
        "offline": _("离线：记录保存在本机，联网后同步"),
        "unsynced": _("未同步 %(n)s 条"),
        "all_synced": _("已全部同步"),
        "syncing": _("正在同步…"),
        "sync": _("同步"),
        "export": _("导出未同步数据"),
        "discard": _("放弃此条"),
        "discard_confirm": _("确定放弃这条未同步的记录吗？放弃后无法恢复。"),
        "login_again": _("登录已过期：请在联网时重新登录后再同步，未同步的数据仍保存在本机。"),
        "network_failed": _("网络连接失败，稍后会自动重试。"),
        "failed": _("同步失败"),
        "no_data": _("请先在有网络时打开本页一次，以便缓存企业和检查表。"),
        "ready": _("可离线使用：已缓存 %(enterprises)s 家企业、%(templates)s 张检查表。"),
        "start": _("开始检查"),
        "enterprise": _("企业"),
        "search": _("搜索企业"),
        "template": _("检查表"),
        "date": _("检查日期"),
        "mine": _("包保"),
        "in_progress": _("进行中的检查"),
        "none_in_progress": _("没有进行中的检查。"),
        "outbox": _("待同步记录"),
        "answered": _("已填 %(answered)s / %(total)s"),
        "pass": _("✓ 合格"),
        "fail": _("✗ 不合格"),
        "na": _("— 不适用"),
        "note": _("说明"),
        "photo": _("现场照片"),
        "photo_saved": _("照片已保存在本机"),
        "register": _("登记为隐患"),
        "hazard_saved": _("已登记隐患（待同步）"),
        "hazard_synced": _("已登记隐患 %(number)s"),
        "description": _("隐患描述"),
        "level": _("隐患等级"),
        "location": _("部位"),
        "deadline": _("整改期限"),
        "measures": _("整改措施"),
        "responsible": _("整改责任人"),
        "funds": _("整改资金（元）"),
        "save_hazard": _("确认登记"),
        "pass_rest": _("其余项全部合格"),
        "pass_rest_confirm": _("将尚未填写的 %(n)s 项全部标为“合格”？"),
        "undo": _("撤销"),
        "representative": _("企业陪同签字人员"),
        "finish": _("完成并提交"),
        "missing": _("还有 %(n)s 项未填写检查结果。"),
        "need_signature": _("请填写企业陪同签字人员。"),
        "finished": _("检查已完成，待同步"),
        "synced_record": _("已同步，查看检查记录"),
        "back": _("返回"),
        "kind_inspection": _("检查记录"),
        "kind_photo": _("现场照片"),
        "kind_hazard": _("隐患"),
        "kind_submit": _("提交检查记录"),
        "saved_on_phone": _("已保存在本机"),
    }
    return words


@login_required
def field(request):
    """外业检查（离线）: the page the service worker keeps; static/js/field.js draws it from
    what it cached in IndexedDB, so it works with no network."""
    scoping.require(request.user, "inspection.record")
    config = {
        "bootstrap": reverse("inspections:sync_bootstrap"),
        "sync": reverse("inspections:sync", args=["kind"]).replace("kind/", ""),
        "worker": reverse("inspections:service_worker"),
        "scope": reverse("inspections:list"),
        "login": reverse("login"),
    }
    return render(
        request,
        "inspections/field.html",
        {"messages_js": _field_messages(), "config_js": config},
    )


def service_worker(request):
    """The service worker, from a URL at the top of /inspections/ so it may control the
    offline page; it lists the hashed static files to keep."""
    response = render(
        request,
        "inspections/sw.js",
        {"field_url": reverse("inspections:field")},
        content_type="application/javascript",
    )
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = reverse("inspections:list")
    return response


def manifest(request):
    """The web app manifest: 外业检查 installs to the home screen, no app store."""
    from django.templatetags.static import static

    response = JsonResponse(
        {
            "name": _("隐患排查 · 外业检查"),
            "short_name": _("外业检查"),
            "lang": "zh-CN",
            "start_url": reverse("inspections:field"),
            "scope": reverse("inspections:list"),
            "display": "standalone",
            "background_color": "#f6f7f9",
            "theme_color": "#0d6efd",
            "icons": [
                {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            ],
        },
        json_dumps_params={"ensure_ascii": False},
        content_type="application/manifest+json",
    )
    return response


def _detail_context(request, inspection, bound=None):
    user = request.user
    items = list(inspection.items.all())
    answered = sum(1 for i in items if i.result != "pending")
    can_edit = not inspection.is_locked and services.may_record(user, inspection)
    context = {
        "inspection": inspection,
        "items": items,
        "answered": answered,
        "total": len(items),
        "can_edit": can_edit,
        "can_register": scoping.allowed(user, "hazard.register")
        and services.may_record(user, inspection),
        "hazards": list(selectors.hazards_of_inspection(user, inspection)),
        "enforcement": list(
            scoping.enforcement_for(user).filter(inspection=inspection).order_by("-date", "-id")
        ),
        "can_record_enforcement": scoping.allowed(user, "enforcement.record"),
        "submit_form": SubmitForm(
            initial={"representative": inspection.representative, "notes": inspection.notes}
        ),
        "first_pending": next((i for i in items if i.result == "pending"), None),
        "pending_count": len(items) - answered,
        "undo_count": len(_undo_ids(request, inspection)) if can_edit else 0,
        "js_messages": _checklist_messages() if can_edit else None,
    }
    if inspection.kind == Inspection.Kind.RECHECK:
        # The hazards' own close-out and reject-fix forms (with ``seen`` and evidence
        # photos), posting to this page's urls; ``bound`` is (hazard id, action, form).
        context["rechecks"] = [
            {
                "hazard": hazard,
                "forms": action_forms(
                    hazard,
                    [a for a in workflow.available_actions(hazard, user) if a in RECHECK],
                    url=lambda action, h=hazard: reverse(
                        RECHECK[action], args=[inspection.pk, h.pk]
                    ),
                    auto_id=_recheck_auto_id(hazard),
                    bound=bound[1:] if bound and bound[0] == hazard.pk else None,
                ),
            }
            for hazard in selectors.awaiting_recheck(user, inspection.enterprise)
        ]
    return context


def _checklist_messages():
    """The words static/js/checklist.js shows, translated here."""
    return {
        "saving": _("保存中…"),
        "saved": _("已保存"),
        "failed": _("保存失败，"),
        "retry": _("重试"),
        "preparing": _("正在处理照片…"),
        "uploading": _("上传照片 %(percent)s%"),
        "choose_result": _("请先选择检查结果，选择后自动保存。"),
        "login_again": _("登录已过期，请在新窗口重新登录后点重试，已填内容仍保留在本页。"),
        "restored": _("已恢复上次未保存的填写，正在保存…"),
        "marks": {"pass": _("✓ 合格"), "fail": _("✗ 不合格"), "na": _("— 不适用")},
    }


_UNDO_KEY = "pass_remaining_undo"


def _undo_ids(request, inspection):
    return request.session.get(_UNDO_KEY, {}).get(str(inspection.pk), [])


def _set_undo_ids(request, inspection, ids):
    undo = dict(request.session.get(_UNDO_KEY, {}))
    if ids:
        undo = {str(inspection.pk): ids}  # only the last inspection's 撤销 is kept
    else:
        undo.pop(str(inspection.pk), None)
    request.session[_UNDO_KEY] = undo


@login_required
def detail(request, pk):
    inspection = selectors.inspection_detail(request.user, pk)
    return render(request, "inspections/detail.html", _detail_context(request, inspection))


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def _item_json(request, item, error=None):
    """What static/js/checklist.js needs after a save: the answer, the progress, and the
    parts of the item that are not inputs (photo, hazard link). The inputs themselves are
    never sent back, so nothing the user is typing or choosing is replaced."""
    inspection = item.inspection
    answered, total = services.progress(inspection)
    context = {
        "item": item,
        "inspection": inspection,
        "can_register": scoping.allowed(request.user, "hazard.register")
        and services.may_record(request.user, inspection),
    }
    return JsonResponse(
        {
            "ok": error is None,
            "error": error,
            "result": item.result,
            "answered": answered,
            "total": total,
            "progress": _("已填 %(answered)d / %(total)d") % {"answered": answered, "total": total},
            "extras": render_to_string("inspections/_item_extras.html", context, request),
            "hazard": render_to_string("inspections/_item_hazard.html", context, request),
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def item_update(request, pk, item_pk):
    item = selectors.item_for(request.user, pk, item_pk)
    scoping.require(request.user, services.record_permission(item.inspection), item.inspection)
    form = ItemResultForm(request.POST, request.FILES)
    error = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_result(
                item,
                by=request.user,
                result=data["result"],
                note=data["note"],
                photo=data["photo"],
                remove_photo=data["remove_photo"],
            )
        except services.InspectionError as exc:
            error = exc.message
    else:
        error = _first_error(form)
    if _wants_json(request):
        item.refresh_from_db()
        return _item_json(request, item, error)
    if error:
        messages.error(request, f"{item.code} {error}")
    return redirect(reverse("inspections:detail", args=[pk]) + f"#item-{item.pk}")


@login_required
@require_POST
def pass_remaining(request, pk):
    """其余项全部合格 (confirmed on the page), with 撤销 offered until the form is submitted."""
    inspection = selectors.inspection_detail(request.user, pk)
    try:
        ids = services.pass_remaining(inspection, by=request.user)
    except services.InspectionError as exc:
        messages.error(request, exc.message)
    else:
        _set_undo_ids(request, inspection, ids)
        messages.success(request, _("已将其余 %(n)d 项标为合格。") % {"n": len(ids)})
    return redirect(reverse("inspections:detail", args=[pk]) + "#submit")


@login_required
@require_POST
def undo_pass_remaining(request, pk):
    inspection = selectors.inspection_detail(request.user, pk)
    try:
        n = services.undo_pass_remaining(
            inspection, by=request.user, item_ids=_undo_ids(request, inspection)
        )
    except services.InspectionError as exc:
        messages.error(request, exc.message)
    else:
        _set_undo_ids(request, inspection, [])
        messages.success(request, _("已撤销，%(n)d 项恢复为未填写。") % {"n": n})
    return redirect("inspections:detail", pk=pk)


@login_required
def item_photo(request, pk, item_pk):
    item = selectors.item_for(request.user, pk, item_pk)
    return private_jpeg(item.photo, f"{pk}-{item.code}.jpg")


@login_required
@require_POST
def submit(request, pk):
    inspection = selectors.inspection_detail(request.user, pk)
    scoping.require(request.user, services.record_permission(inspection), inspection)
    form = SubmitForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.submit(
                inspection,
                by=request.user,
                representative=data["representative"],
                refused=data["refused"],
                refusal_note=data["refusal_note"],
                notes=data["notes"],
            )
        except services.InspectionError as exc:
            messages.error(request, exc.message)
        else:
            _set_undo_ids(request, inspection, [])
            messages.success(request, _("检查记录已提交并锁定。"))
    else:
        messages.error(request, _first_error(form))
    return redirect("inspections:detail", pk=pk)


@login_required
def create_hazard(request, pk, item_pk):
    item = selectors.item_for(request.user, pk, item_pk)
    inspection = item.inspection
    scoping.require(request.user, "hazard.register", inspection)
    scoping.require(request.user, services.record_permission(inspection), inspection)
    existing = item.hazards.first()
    if existing is not None:
        messages.error(
            request,
            _("该检查项已登记为隐患 %(number)s，不能重复登记。") % {"number": existing.number},
        )
        return redirect("inspections:detail", pk=pk)
    if item.result != item.Result.FAIL:
        messages.error(request, _("只有“不合格”的检查项才能登记为隐患。"))
        return redirect("inspections:detail", pk=pk)
    form = HazardFromItemForm(
        request.POST or None,
        initial=services.hazard_prefill(item),
        industry=inspection.enterprise.industry,
    )
    if request.method == "POST" and form.is_valid():
        try:
            hazard = services.create_hazard(item, by=request.user, **form.hazard_data())
        except (services.InspectionError, workflow.WorkflowError) as exc:
            form.add_error(None, exc.message)
        else:
            if hazard.deadline:
                text = _("已登记隐患 %(number)s，并下达限期整改至 %(deadline)s。") % {
                    "number": hazard.number,
                    "deadline": f"{hazard.deadline:%Y-%m-%d}",
                }
            else:
                text = _("已登记隐患 %(number)s。") % {"number": hazard.number}
            messages.success(request, text)
            return redirect(reverse("inspections:detail", args=[pk]) + f"#item-{item.pk}")
    return render(
        request,
        "inspections/create_hazard.html",
        {"form": form, "item": item, "inspection": inspection},
    )


@login_required
def print_form(request, pk):
    inspection = selectors.inspection_detail(request.user, pk)
    return render(
        request,
        "inspections/print.html",
        {
            "inspection": inspection,
            "items": list(inspection.items.all()),
            "hazards": list(selectors.hazards_of_inspection(request.user, inspection)),
        },
    )


def _recheck_hazard(request, pk, hazard_pk):
    inspection = selectors.inspection_detail(request.user, pk)
    if inspection.kind != Inspection.Kind.RECHECK:
        raise Http404("not a recheck")
    hazard = scoping.get_or_404(
        scoping.hazards_for(request.user).filter(enterprise_id=inspection.enterprise_id),
        pk=hazard_pk,
    )
    return inspection, hazard


# 复查 on a recheck: the hazard's own workflow actions, through the hazard pages' bridge.
RECHECK = {"close_out": "inspections:recheck_close", "reject_fix": "inspections:recheck_reject"}


def _recheck_auto_id(hazard):
    return lambda action: f"id_{action}_{hazard.pk}_%s"


def _recheck(request, pk, hazard_pk, action):
    inspection, hazard = _recheck_hazard(request, pk, hazard_pk)

    def page(status, form=None):
        """The recheck as it is now, with the refused form (if any) open."""
        bound = (hazard.pk, action, form) if form is not None else None
        context = _detail_context(request, inspection, bound)
        return render(request, "inspections/detail.html", context, status=status)

    done = workflow.ACTIONS[action].success
    return act(
        request,
        hazard,
        action,
        page=page,
        done=reverse("inspections:detail", args=[pk]) + "#recheck",
        success=_("隐患 %(number)s：%(done)s") % {"number": hazard.number, "done": done},
        auto_id=_recheck_auto_id(hazard),
    )


@login_required
@require_POST
def recheck_close(request, pk, hazard_pk):
    return _recheck(request, pk, hazard_pk, "close_out")


@login_required
@require_POST
def recheck_reject(request, pk, hazard_pk):
    return _recheck(request, pk, hazard_pk, "reject_fix")


@login_required
def enterprise_section(request, enterprise_pk):
    """The enterprise page's 检查与执法 section, loaded after the page (no queries added
    to the enterprise page itself)."""
    enterprise = scoping.get_or_404(scoping.enterprises_for(request.user), pk=enterprise_pk)
    return render(
        request,
        "inspections/_enterprise_section.html",
        {"activity": selectors.enterprise_activity(request.user, enterprise)},
    )


# --- enforcement -------------------------------------------------------------------------


@login_required
def enforcement_list(request):
    scoping.require(request.user, "view")
    qs = selectors.enforcement_list(request.user).order_by("-date", "-id")
    filterset = EnforcementFilter(request.GET or None, queryset=qs, request=request)
    rows = filterset.qs if filterset.is_bound else qs
    return render(
        request,
        "inspections/enforcement_list.html",
        {
            "filter": filterset,
            "page_obj": _page(request, rows),
            "totals": selectors.enforcement_totals(rows.order_by()),
            "can_record": scoping.allowed(request.user, "enforcement.record"),
        },
    )


@login_required
def enforcement_create(request):
    scoping.require(request.user, "enforcement.record")
    initial = {}
    # Links from an enterprise, inspection or hazard page prefill the form; the enterprise
    # select refreshes the form through htmx with every field kept.
    for key in EnforcementForm.base_fields:
        if request.GET.get(key):
            initial[key] = request.GET[key]
    inspection_id = parse_id(request.GET.get("inspection"))
    if inspection_id is not None and "enterprise" not in initial:
        found = scoping.inspections_for(request.user).filter(pk=inspection_id).first()
        if found:
            initial["enterprise"] = found.enterprise_id
    hazard_id = parse_id(request.GET.get("hazard"))
    if hazard_id is not None and "enterprise" not in initial:
        found = scoping.hazards_for(request.user).filter(pk=hazard_id).first()
        if found:
            initial["enterprise"] = found.enterprise_id
    form = EnforcementForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action = services.record_enforcement(
                by=request.user,
                kind=data["kind"],
                enterprise=data["enterprise"],
                on=data["date"],
                document_kind=data["document_kind"],
                document_number=data["document_number"],
                inspection=data["inspection"],
                hazard=data["hazard"],
                fine_yuan=data["fine_yuan"],
                description=data["description"],
                client_key=data["client_key"],
            )
        except services.InspectionError as exc:
            form.add_error(None, exc.message)
        else:
            if action.repeated:
                messages.info(request, _("该执法记录已保存，重复提交未再新建。"))
            else:
                messages.success(request, _("执法记录已保存。"))
            return redirect("inspections:enforcement_detail", pk=action.pk)
    return render(request, "inspections/enforcement_form.html", {"form": form})


@login_required
def enforcement_detail(request, pk):
    action = scoping.get_or_404(selectors.enforcement_list(request.user), pk=pk)
    return render(request, "inspections/enforcement_detail.html", {"action": action})


# --- coverage and daily report -----------------------------------------------------------


@login_required
def coverage(request):
    scoping.require(request.user, "coverage.board")
    form = PeriodForm(request.GET or None, user=request.user)
    date_from, date_to = selectors.default_period()
    township = None
    if form.is_bound and form.is_valid():
        date_from = form.cleaned_data["date_from"] or date_from
        date_to = form.cleaned_data["date_to"] or date_to
        township = form.cleaned_data["township"]
    if date_from > date_to:
        date_from = date_to
    context = {"form": form, "date_from": date_from, "date_to": date_to}
    if "cell" in request.GET:
        # One village: every enterprise not inspected in the period, a page at a time.
        cell = scoping.get_or_404(
            scoping.cells_for(request.user).filter(level=GridCell.Level.VILLAGE),
            pk=parse_id(request.GET["cell"]),
        )
        rows = selectors.coverage_missing(request.user, date_from, date_to, cell)
        page_obj = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        board = selectors.coverage(request.user, date_from, date_to, cell.township)
        cov = next((c for t in board for c in t.cells if c.cell.pk == cell.pk), None)
        context.update(cell=cell, cov=cov, page_obj=page_obj)
        return render(request, "inspections/coverage.html", context)
    board = selectors.coverage(request.user, date_from, date_to, township)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("cell", None)
    query = query.urlencode()
    for t in board:  # a row per village, rendered in Python (inspections.rows)
        t.rows_html = coverage_rows(t.cells, query)
    context.update(
        board=board,
        query=query,
        totals={
            "total": sum(t.total for t in board),
            "inspected": sum(t.inspected for t in board),
        },
    )
    return render(request, "inspections/coverage.html", context)


def _daily_export_url(request):
    url = reverse("reports:export_daily")
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url


@login_required
def daily(request):
    scoping.require(request.user, "report.view")
    form = DailyForm(request.GET or None, user=request.user)
    on = timezone.localdate()
    township = None
    if form.is_bound and form.is_valid():
        on = form.cleaned_data["date"] or on
        township = form.cleaned_data["township"]
    if township is None:
        township = form.fields["township"].queryset.first()
    report = selectors.daily_report(request.user, on, township) if township else None
    return render(
        request,
        "inspections/daily.html",
        {
            "form": form,
            "report": report,
            "export_url": _daily_export_url(request),
            "today": timezone.localdate(),
        },
    )
