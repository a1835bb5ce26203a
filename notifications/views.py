"""通知中心, the user's mutes and the townships' group robots."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grid import roles, scoping
from notifications import services
from notifications.forms import PreferenceForm, WebhookForm

# Who sets a township's group-robot address: the county (and administrators).
WEBHOOK_ROLES = {roles.COUNTY, roles.ADMIN}
PER_PAGE = 30


@login_required
def center(request):
    show_all = request.GET.get("show") == "all"
    qs = services.notifications_for(request.user)
    if not show_all:
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs.select_related("hazard"), PER_PAGE).get_page(request.GET.get("page"))
    for notification in page.object_list:
        notification.target = services.target_url(notification)
    return render(
        request,
        "notifications/center.html",
        {"page_obj": page, "show_all": show_all, "digest": services.digest(request.user)},
    )


@login_required
@require_POST
def read(request):
    """Mark the chosen notifications read, or all of them (``all``); with ``open``, mark
    the one chosen and go to its page (``services.target_url``: its hazard, or the page its
    cause registered). Ids travel in the body and are looked up among the
    user's own notifications only: anyone else's is 404."""
    if request.POST.get("open"):
        pk = request.POST.get("id", "")
        notification = get_object_or_404(
            services.notifications_for(request.user), pk=int(pk) if pk.isdigit() else 0
        )
        services.mark_read(request.user, ids=[notification.pk])
        return redirect(services.target_url(notification) or "notifications:center")
    if request.POST.get("all"):
        n = services.mark_read(request.user)
    else:
        ids = [int(v) for v in request.POST.getlist("id") if v.isdigit()]
        if not ids:
            messages.error(request, _("请先选择要标记为已读的通知。"))
            return redirect("notifications:center")
        n = services.mark_read(request.user, ids=ids)
    messages.success(request, _("已将 %(n)d 条通知标记为已读。") % {"n": n})
    return redirect("notifications:center")


@login_required
def preferences(request):
    muted = services.muted_causes(request.user)
    form = PreferenceForm(request.POST or None, initial={"muted": sorted(muted)})
    if request.method == "POST" and form.is_valid():
        services.set_muted(request.user, form.cleaned_data["muted"])
        messages.success(request, _("提醒设置已保存。"))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@login_required
def webhooks(request):
    if roles.role_of(request.user) not in WEBHOOK_ROLES:
        raise PermissionDenied
    townships = scoping.townships_for(request.user).order_by("path")
    form = WebhookForm(request.POST or None, townships=townships)
    if request.method == "POST" and form.is_valid():
        services.save_webhook(by=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("已保存 %(township)s 的群机器人设置。") % {"township": form.cleaned_data["township"]},
        )
        return redirect(reverse("notifications:webhooks"))
    return render(
        request,
        "notifications/webhooks.html",
        {"form": form, "targets": services.webhooks_for(townships)},
    )
