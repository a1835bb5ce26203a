"""检查组 pages on the PC: list, form, edit, and a group's outings (inspections.groups).

Readers: field staff, supervisors, county officers and administrators (inspectors read
the groups they belong to or that worked in their grid); forming and editing is
"group.manage". A group outside the user's scope is 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from grid import scoping
from inspections import groups
from inspections.forms import GroupFilterForm, GroupForm
from inspections.services import InspectionError

PAGE_SIZE = 30


def _require_reader(user):
    """Groups are read by those who go out with them or manage them; not by enterprises."""
    if not (scoping.allowed(user, "inspection.record") or scoping.allowed(user, "group.manage")):
        raise PermissionDenied


@login_required
def group_list(request):
    _require_reader(request.user)
    qs = groups.group_list(request.user)
    campaigns = sorted(set(qs.exclude(campaign="").values_list("campaign", flat=True)))
    form = GroupFilterForm(request.GET or None, campaigns=campaigns)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["campaign"]:
            qs = qs.filter(campaign=data["campaign"])
        if data["active"] == "yes":
            qs = qs.filter(groups.active_q())
        elif data["active"] == "no":
            qs = qs.exclude(groups.active_q())
    page = Paginator(qs.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/group_list.html",
        {
            "filter": {"form": form},
            "page_obj": page,
            "can_manage": groups.can_manage(request.user),
        },
    )


def _form_page(request, group=None):
    form = GroupForm(request.POST or None, user=request.user, group=group)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = groups.save_group(by=request.user, group=group, **data)
        except InspectionError as exc:
            form.add_error(None, exc.message)
        else:
            text = _("检查组已保存。") if group else _("检查组已组建，网格员出动时可选择。")
            messages.success(request, text)
            return redirect("inspections:group_detail", pk=saved.pk)
    return render(
        request,
        "inspections/group_form.html",
        {"form": form, "group": group},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def group_create(request):
    scoping.require(request.user, "group.manage")
    return _form_page(request)


@login_required
def group_edit(request, pk):
    group = scoping.get_or_404(groups.group_list(request.user), pk=pk)
    _require_reader(request.user)
    if not groups.can_manage(request.user, group):
        raise PermissionDenied
    return _form_page(request, group)


@login_required
def group_detail(request, pk):
    group = scoping.get_or_404(groups.group_list(request.user).prefetch_related("members"), pk=pk)
    _require_reader(request.user)
    can_edit = groups.can_manage(request.user, group)
    outings = groups.outings_of(request.user, group, everything=can_edit)
    page = Paginator(outings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/group_detail.html",
        {
            "group": group,
            "page_obj": page,
            "can_edit": can_edit,
            "is_active": groups.is_active(group),
        },
    )
