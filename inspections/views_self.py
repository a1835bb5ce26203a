"""企业自查: an enterprise account's own self-inspections of its enterprise.

Starting one is here; filling it in, submitting it and registering its hazards are the
ordinary inspection pages (inspections.views), gated by ``services.record_permission``.
Self-inspections never count in the government figures (inspections.models.COUNTED).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from grid import scoping
from inspections import selectors, services
from inspections.forms_self import SelfStartForm
from inspections.models import Inspection

RECENT = 50


def _own_enterprise(user):
    """The account's one enterprise (404 for anyone without one)."""
    enterprise_id = scoping.scope_of(user).enterprise_id
    if enterprise_id is None:
        raise Http404("no enterprise")
    return scoping.get_or_404(scoping.enterprises_for(user), pk=enterprise_id)


@login_required
def self_inspections(request):
    """The enterprise's self-inspections, newest first, and the form to start one."""
    scoping.require(request.user, "inspection.self")
    enterprise = _own_enterprise(request.user)
    form = SelfStartForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = services.start_self(
                enterprise=enterprise,
                by=request.user,
                template=data["template"],
                on=data["date"],
                notes=data["notes"],
                client_key=data["client_key"],
            )
        except services.InspectionError as exc:
            form.add_error(None, exc.message)
        else:
            if inspection.repeated:
                messages.info(request, _("该自查记录已创建，重复提交未再新建。"))
            else:
                messages.success(request, _("自查记录已创建，请逐项填写检查结果。"))
            return redirect("inspections:detail", pk=inspection.pk)
    recent = (
        selectors.inspection_list(request.user)
        .filter(kind=Inspection.Kind.SELF)
        .order_by("-date", "-id")[:RECENT]
    )
    return render(
        request,
        "inspections/self.html",
        {"form": form, "enterprise": enterprise, "inspections": recent},
    )
