"""Hazard pages. Thin: fetch through the selectors (404 outside scope), validate the form,
make one workflow call, answer with a message and a redirect.

``act`` is the one bridge from a POST to a declared workflow action, for the hazard page
and the inspection recheck alike. Every action form carries ``seen``, the version of the
hazard the user was looking at (status and last change). If the hazard changed since, the
action is refused with 409 and the hazard is left as the other user left it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import keys
from core.files import private_jpeg
from core.ids import parse_id
from core.keys import created_for
from core.models import ClientKey
from grid import roles, scoping
from grid.models import GridCell
from hazards import rows, selectors, states, workflow
from hazards.filters import TABS, default_order_deadline
from hazards.forms import IssueOrderForm, RegisterForm
from hazards.models import OPEN_STATES, HazardPhoto, Level, SupervisionOrder

PAGE_SIZE = 50


def once(key, kind, **kwargs):
    """``core.keys.once``; a key another record holds is refused as the workflow refuses."""
    return keys.once(key, kind, refused=workflow.WorkflowError, **kwargs)


def version_of(hazard):
    """The token the action forms carry: any transition changes it."""
    return f"{hazard.status}:{hazard.updated_at.isoformat()}"


# --- 隐患台账 --------------------------------------------------------------------------------


class CountedPaginator(Paginator):
    """A paginator told its row count when the state tabs have counted it already (one
    COUNT less per page: on PostgreSQL the COUNT, not the page, is the cost)."""

    def __init__(self, object_list, per_page, *, count=None):
        super().__init__(object_list, per_page)
        if count is not None:
            self.__dict__["count"] = count  # Paginator.count is a cached_property


@login_required
def hazard_list(request):
    result = selectors.hazard_list(request.user, request.GET)
    counts = result.tab_counts()
    paginator = CountedPaginator(result.qs, PAGE_SIZE, count=result.count_from_tabs(counts))
    page_obj = paginator.get_page(request.GET.get("page"))
    # A past 状态截至: the rows' status, deadline and badges as they stood then.
    page_obj.object_list = states.overlay(page_obj.object_list, result.as_of_date)
    # Filtered to 重大: a column of each hazard's 判定依据 items, one query for the page.
    major_only = result.form.is_valid() and result.form.cleaned_data.get("level") == Level.MAJOR
    if major_only:
        prefetch_related_objects(page_obj.object_list, selectors.LIST_CRITERIA)
    rows_html = rows.ledger_rows(page_obj.object_list, result.as_of_date, criteria=major_only)
    current = request.GET.get("status", "")
    tabs = [
        {"key": key, "label": label, "count": counts.get(key, 0), "active": key == current}
        for key, label in TABS
    ]
    query = request.GET.copy()
    query.pop("page", None)
    export_url = reverse("reports:export_ledger")
    enterprise_name = ""
    if result.form.is_valid() and result.form.cleaned_data.get("enterprise"):
        ent = (
            scoping.enterprises_for(request.user)
            .filter(pk=result.form.cleaned_data["enterprise"])
            .values_list("name", flat=True)
            .first()
        )
        enterprise_name = ent or ""
    context = {
        "filter": result,
        "page_obj": page_obj,
        "tabs": tabs,
        "as_of": result.as_of_date,
        "sort": result.sort_key,
        "querystring": query.urlencode(),
        "export_url": export_url,
        "enterprise_name": enterprise_name,
        "can_register": scoping.allowed(request.user, "hazard.register"),
        "rows_html": rows_html,
        "major_only": major_only,
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "hazards/_ledger.html", context)
    return render(request, "hazards/list.html", context)


# --- detail and actions -------------------------------------------------------------------


def _auto_id(action):
    """Several action forms share the page: each gets its own element ids, so every label
    points at its own field (two forms have a 备注/note field)."""
    return f"id_{action}_%s"


def action_forms(hazard, actions, *, url, auto_id=_auto_id, bound=None):
    """The forms a page shows for ``actions`` on ``hazard``: those declared with a form,
    blank but for ``seen`` (the version of the hazard the page shows) and their initial
    values. ``url(action)`` is where each one posts; ``bound`` is ``(action, form)``, a
    refused form shown again, open, with its input and errors."""
    seen = version_of(hazard)
    entries = []
    for action in actions:
        declared = workflow.ACTIONS[action]
        if declared.form is None:
            continue
        is_bound = bound is not None and bound[0] == action
        if is_bound:
            form = bound[1]
        else:
            form_class = declared.form_class
            initial = {"seen": seen}
            if hasattr(form_class, "initial_for"):
                initial.update(form_class.initial_for(hazard))
            form = form_class(initial=initial, auto_id=auto_id(action))
        entries.append(
            {
                "action": action,
                "label": declared.label,
                "form": form,
                "url": url(action),
                "open": is_bound,
                "multipart": any(f.widget.needs_multipart_form for f in form.fields.values()),
            }
        )
    return entries


def refuse(request, refusal, page, form=None):
    """The answer to a refused request: the refusal's message, and the page drawn again
    with its HTTP status — 400 wrong state or input, 403 not this user's to take, 409
    someone else acted first (``WorkflowError.status_code``)."""
    messages.error(request, refusal.message)
    return page(refusal.status_code, form)


def perform(request, form, call, page):
    """Validate ``form`` and make one workflow call, ``call(cleaned_data)``.

    Returns ``(result, None)``, or ``(None, response)`` with the refusal answered by
    ``refuse``: invalid input is a 400 (the field errors are on the form); a refusal of the
    workflow keeps the form and its input only when it is about the input (400).
    """
    if not form.is_valid():
        return None, refuse(request, workflow.WorkflowError(_("请检查填写的内容。")), page, form)
    try:
        return call(form.cleaned_data), None
    except workflow.WorkflowError as exc:
        return None, refuse(request, exc, page, form if exc.status_code == 400 else None)


def act(request, hazard, action, *, page, done, success=None, auto_id=_auto_id):
    """The one bridge from a POST to a declared workflow action on ``hazard``.

    In order: the version the page was drawn from (``seen``; 409 if the hazard has changed
    since), ``workflow.check`` (400/403), the action's declared form (400), the declared
    verb with the form's data (400/403/409). A refusal is answered by ``refuse`` with
    ``page(status, form)``, the page the form was on; success by the declared message (or
    ``success``) and a redirect to ``done``.
    """
    declared = workflow.ACTIONS[action]
    form = declared.form_class(request.POST, request.FILES, auto_id=auto_id(action))
    seen = request.POST.get("seen", "")
    if seen and seen != version_of(hazard):
        return refuse(request, workflow.StaleTransition(workflow.stale_message()), page)
    try:
        workflow.check(hazard, action, request.user)
    except workflow.WorkflowError as exc:
        return refuse(request, exc, page)
    _event, refused = perform(
        request,
        form,
        lambda data: declared.verb(hazard, by=request.user, **declared.keyword_arguments(data)),
        page,
    )
    if refused is not None:
        return refused
    messages.success(request, success or declared.success)
    return redirect(done)


def _detail_context(request, hazard, bound=None):
    as_of = timezone.localdate()
    actions = workflow.available_actions(hazard, request.user)
    forms = action_forms(
        hazard,
        actions,
        url=lambda action: reverse(f"hazards:{action}", args=[hazard.pk]),
        bound=bound,
    )
    photos = list(hazard.photos.all())
    events = list(hazard.events.all())
    for e in events:
        e.label = workflow.label(e.action)
    before = [p for p in photos if p.kind == HazardPhoto.Kind.BEFORE]
    after = [p for p in photos if p.kind == HazardPhoto.Kind.AFTER]
    evidence = [p for p in photos if p.kind == HazardPhoto.Kind.EVIDENCE]
    return {
        "hazard": hazard,
        "as_of": as_of,
        "photo_groups": [
            (HazardPhoto.Kind.BEFORE.label, before),
            (HazardPhoto.Kind.AFTER.label, after),
            (HazardPhoto.Kind.EVIDENCE.label, evidence),
        ],
        "action_forms": forms,
        "can_issue_order": "issue_order" in actions,
        "photos_before": before,
        "photos_after": after,
        "photos_evidence": evidence,
        "events": events,
        "orders": list(hazard.orders.all()),
        "finders": list(hazard.finders.all()),
        "enterprise_url": reverse("enterprises:detail", args=[hazard.enterprise_id]),
        "criteria": list(hazard.criteria.select_related("standard")),
        # 可能构成重大事故隐患: shown to whoever may confirm or dismiss it.
        "major_hints": workflow.major_hints(hazard) if "answer_major_hint" in actions else [],
        "confirmed_hints": [
            e
            for e in events
            if e.action == "answer_major_hint"
            and e.data.get("decision") == "confirm"
            and hazard.level == Level.GENERAL
            and hazard.status in OPEN_STATES
        ],
    }


@login_required
def hazard_detail(request, pk):
    hazard = selectors.hazard_get(request.user, pk)
    return render(request, "hazards/detail.html", _detail_context(request, hazard))


@login_required
@require_POST
def hazard_action(request, pk, action):
    """POST ``hazards:<action>``: a declared workflow action from the hazard page."""
    hazard = selectors.hazard_for_action(request.user, pk)

    def page(status, form=None):
        """The hazard as it is now, with the refused form (if any) open."""
        fresh = selectors.hazard_get(request.user, pk)
        bound = (action, form) if form is not None else None
        return render(
            request, "hazards/detail.html", _detail_context(request, fresh, bound), status=status
        )

    return act(request, hazard, action, page=page, done=reverse("hazards:detail", args=[pk]))


# --- photos -------------------------------------------------------------------------------


def _photo_response(request, pk, field):
    photo = selectors.photo_get(request.user, pk)
    return private_jpeg(getattr(photo, field), f"{photo.hazard_id}-{photo.pk}.jpg")


@login_required
def photo(request, pk):
    return _photo_response(request, pk, "image")


@login_required
def photo_thumb(request, pk):
    return _photo_response(request, pk, "thumbnail")


# --- register -----------------------------------------------------------------------------


@login_required
def register(request):
    if not scoping.allowed(request.user, "hazard.register"):
        raise PermissionDenied
    raw = request.GET.get("enterprise", "")
    if not raw:
        return _choose_enterprise(request)
    enterprise_id = parse_id(raw)
    if enterprise_id is None:
        raise Http404("bad enterprise")
    enterprise = scoping.get_or_404(
        scoping.enterprises_for(request.user).select_related("township", "cell"), pk=enterprise_id
    )
    scoping.require(request.user, "hazard.register", enterprise)
    form = RegisterForm(request.POST or None, request.FILES or None, industry=enterprise.industry)

    def page(status=200, _form=None):
        context = {
            "form": form,
            "enterprise": enterprise,
            "enterprise_url": reverse("enterprises:detail", args=[enterprise.pk]),
        }
        return render(request, "hazards/register.html", context, status=status)

    form.offer_sources(request.user)

    if request.method != "POST":
        return page()
    repeat = created_for(request.POST.get("client_key"), ClientKey.Kind.HAZARD, by=request.user)
    if repeat is not None:  # Back + submit: the photos are gone from the form, the hazard not
        hazard = selectors.hazard_for_action(request.user, repeat)
        messages.info(
            request, _("隐患 %(number)s 已登记，重复提交未再新建。") % {"number": hazard.number}
        )
        return redirect("hazards:detail", pk=hazard.pk)
    hazard, refused = perform(
        request,
        form,
        lambda d: once(
            d["client_key"],
            ClientKey.Kind.HAZARD,
            by=request.user,
            fetch=lambda pk: selectors.hazard_for_action(request.user, pk),
            create=lambda: workflow.register(
                enterprise=enterprise,
                by=request.user,
                level=d["level"],
                category=d["category"],
                subject=d["subject"],
                description=d["description"],
                location=d["location"],
                found_on=d["found_on"],
                finders=[request.user],
                source=d.get("source") or None,
                photos=d["photos"],
                basis_standard=d["basis_standard"] if d["level"] == Level.MAJOR else "",
                basis_clause=d["basis_clause"] if d["level"] == Level.MAJOR else "",
                criteria=list(d["criteria"]) if d["level"] == Level.MAJOR else (),
                stop_scope=d["stop_scope"] if d["level"] == Level.MAJOR else "",
                fixed_on_spot=d["fixed_on_spot"],
                fix_note=d["fix_note"],
                after_photos=d["after_photos"] if d["fixed_on_spot"] else (),
            ),
        ),
        page,
    )
    if refused is not None:
        return refused
    if hazard.repeated:
        messages.info(
            request, _("隐患 %(number)s 已登记，重复提交未再新建。") % {"number": hazard.number}
        )
        return redirect("hazards:detail", pk=hazard.pk)
    messages.success(request, _("已登记隐患 %(number)s。") % {"number": hazard.number})
    return redirect("hazards:detail", pk=hazard.pk)


def _choose_enterprise(request):
    q = request.GET.get("q", "").strip()
    found = []
    if q:
        found = list(
            scoping.enterprises_for(request.user)
            .filter(name__icontains=q)
            .select_related("township", "cell")
            .order_by("name")[:30]
        )
    return render(request, "hazards/register_choose.html", {"q": q, "found": found})


# --- my work and the overdue board ----------------------------------------------------------


@login_required
def my_work(request):
    as_of = timezone.localdate()
    sections = selectors.my_work(request.user, as_of)
    return render(request, "hazards/my_work.html", {"as_of": as_of, **sections})


@login_required
def overdue(request):
    """逾期督办: per township its count and the most overdue; ``?township=`` the whole list
    of one township, a page at a time."""
    if not scoping.allowed(request.user, "overdue.board"):
        raise PermissionDenied
    as_of = timezone.localdate()
    context = {
        "as_of": as_of,
        "can_issue": scoping.allowed(request.user, "order.issue"),
        "export_url": reverse("reports:export_overdue"),
    }
    if "township" in request.GET:
        township = scoping.get_or_404(
            scoping.cells_for(request.user).filter(level=GridCell.Level.TOWNSHIP),
            pk=parse_id(request.GET["township"]),
        )
        rows_qs = selectors.overdue_rows(request.user, as_of, township)
        paginator = Paginator(rows_qs, PAGE_SIZE)
        page_obj = paginator.get_page(request.GET.get("page"))
        group = selectors.TownshipGroup(
            township,
            list(page_obj.object_list),
            as_of,
            count=paginator.count,
            max_days=rows_qs.first().overdue_days(as_of) if paginator.count else 0,
        )
        context.update(
            groups=[group] if paginator.count else [],
            total=paginator.count,
            township=township,
            page_obj=page_obj,
        )
    else:
        groups = selectors.overdue_board(request.user, as_of)
        context.update(groups=groups, total=sum(g.count for g in groups))
    return render(request, "hazards/overdue.html", context)


# --- supervision orders -------------------------------------------------------------------


@login_required
def order_list(request):
    result = selectors.order_list(request.user, request.GET)
    page_obj = Paginator(result.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    listing = request.GET.get("kind") == SupervisionOrder.Kind.LISTING
    return render(
        request,
        "hazards/orders.html",
        {"filter": result, "page_obj": page_obj, "listing": listing},
    )


@login_required
def order_detail(request, pk):
    order = selectors.order_get(request.user, pk)
    return render(request, "hazards/order_detail.html", {"order": order})


@login_required
def order_create(request, pk):
    hazard = selectors.hazard_for_action(request.user, pk)
    try:
        workflow.check(hazard, "issue_order", request.user)
    except workflow.NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except workflow.WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect("hazards:detail", pk=pk)
    form = IssueOrderForm(request.POST or None, hazard=hazard)

    def page(status=200, _form=None):
        context = {"form": form, "hazard": hazard, "as_of": timezone.localdate()}
        return render(request, "hazards/order_create.html", context, status=status)

    if request.method != "POST":
        if "deadline" not in request.GET:
            form.initial["deadline"] = default_order_deadline()
        return page()
    order, refused = perform(
        request,
        form,
        lambda d: once(
            d["client_key"],
            ClientKey.Kind.ORDER,
            by=request.user,
            fetch=lambda pk: scoping.get_or_404(scoping.orders_for(request.user), pk=pk),
            create=lambda: workflow.issue_order(
                hazard,
                by=request.user,
                kind=d["kind"],
                deadline=d["deadline"],
                requirements=d["requirements"],
                authority=d["authority"],
                document_number=d["document_number"],
            ),
        ),
        page,
    )
    if refused is not None:
        return refused
    if order.repeated:
        messages.info(
            request, _("督办单 %(number)s 已下达，重复提交未再新建。") % {"number": order.number}
        )
        return redirect("hazards:order_detail", pk=order.pk)
    messages.success(request, _("已下达督办单 %(number)s。") % {"number": order.number})
    return redirect("hazards:order_detail", pk=order.pk)


# --- 整改通知书 -------------------------------------------------------------------------------


@login_required
def notice(request, pk):
    hazard = selectors.hazard_get(request.user, pk)
    return _notice_response(request, hazard.enterprise, [hazard])


@login_required
def notice_enterprise(request):
    enterprise_id = parse_id(request.GET.get("enterprise"))
    if enterprise_id is None:
        raise Http404("bad enterprise")
    enterprise = scoping.get_or_404(
        scoping.enterprises_for(request.user).select_related("township", "cell"), pk=enterprise_id
    )
    # ids=1&ids=2 or ids=1,2; none means every hazard of the enterprise still to rectify.
    ids = [
        i
        for chunk in request.GET.getlist("ids")
        for i in map(parse_id, chunk.split(","))
        if i is not None
    ]
    hazards = selectors.notice_hazards(request.user, enterprise, ids)
    return _notice_response(request, enterprise, hazards)


def _notice_response(request, enterprise, hazards):
    user = request.user
    return render(
        request,
        "hazards/notice.html",
        {
            "enterprise": enterprise,
            "hazards": hazards,
            "today": timezone.localdate(),
            "issuer_label": roles.LABELS.get(roles.role_of(user), ""),
        },
    )
