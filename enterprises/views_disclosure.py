"""The 隐患排查治理情况公示 of one enterprise: a printable A4 page of the hazards found in a
period and their rectification status, for the enterprise's 信息公示栏, and the major
hazards among them (their referral to the county and listing). From the same records as
the ledger, through the same scoping: an enterprise account prints its own only.

No legal text is written here: the page quotes no clause; an administrator adds any
wording the county requires to the printed sheet.
"""

import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from enterprises.forms import DisclosurePeriodForm
from grid import scoping
from hazards.models import Level


def _quarter_start(day):
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


@login_required
def disclosure(request, pk):
    enterprise = scoping.get_or_404(
        scoping.enterprises_for(request.user).select_related("township", "cell"), pk=pk
    )
    scoping.require(request.user, "view", enterprise)
    today = timezone.localdate()
    form = DisclosurePeriodForm(request.GET or {"start": _quarter_start(today), "end": today})
    hazards = []
    if form.is_valid():
        hazards = list(
            scoping.hazards_for(request.user)
            .filter(
                enterprise=enterprise,
                found_on__gte=form.cleaned_data["start"],
                found_on__lte=form.cleaned_data["end"],
            )
            .counted()
            .order_by("found_on", "id")
        )
    return render(
        request,
        "enterprises/disclosure.html",
        {
            "enterprise": enterprise,
            "form": form,
            "hazards": hazards,
            "major": [h for h in hazards if h.level == Level.MAJOR],
            "today": today,
        },
        status=200 if form.is_valid() else 400,
    )
