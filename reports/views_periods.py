"""Pages of closed periods (封账上报) and of the 16号令 statistics form.

Thin views over ``reports.periods``: the 报表期 list, a closed table (any version) with the
changes since and the live figures beside it, its versions, its Excel, closing and
reopening (county role), and the printable 季度/年度隐患排查治理情况统计分析表 with its
analysis text. Periods are named by slug (``2026-03``, ``2026-Q1``, ``2026``), never by a
database id: a closed table is the county's, and each reader sees the rows of their scope.
"""

import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from grid import roles, scoping
from reports import periods
from reports.models import PeriodClosing, PeriodKind
from reports.periods import Period, PeriodError

_DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")
LIST_LENGTHS = ((PeriodKind.MONTH, 12), (PeriodKind.QUARTER, 8), (PeriodKind.YEAR, 3))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CloseForm(forms.Form):
    period = forms.CharField(label=gettext_lazy("报表期"), max_length=10)
    as_of = forms.DateField(label=gettext_lazy("状态截至"), required=False, widget=_DATE)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("重新打开理由"),
        max_length=periods.MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


def _require_view(user):
    if not scoping.allowed(user, "report.view"):
        raise PermissionDenied


def _require_close(user):
    if not scoping.allowed(user, "period.close"):
        raise PermissionDenied


def _period_or_404(slug):
    try:
        return periods.parse_period(slug)
    except PeriodError as exc:
        raise Http404("no such period") from exc


def _form_message(form):
    return "；".join(str(e) for errors in form.errors.values() for e in errors)


@login_required
def period_list(request):
    """报表期: the recent months, quarters and years, closed or not, with their versions."""
    user = request.user
    _require_view(user)
    today = timezone.localdate()
    closings = PeriodClosing.objects.defer("rows", "columns").select_related("closed_by")
    by_period = {}
    for closing in closings.order_by("version"):
        by_period.setdefault((closing.kind, closing.period_from), []).append(closing)
    sections = []
    for kind, count in LIST_LENGTHS:
        listed = periods.recent_periods(today, kind, count)
        older = sorted(
            (Period(k, start) for k, start in by_period if k == kind),
            key=lambda p: p.start,
            reverse=True,
        )
        listed += [p for p in older if p not in listed]
        entries = []
        for period in listed:
            versions = by_period.get((period.kind, period.start), [])
            current = next((v for v in versions if v.in_force), None)
            entries.append({"period": period, "versions": versions, "current": current})
        sections.append({"label": PeriodKind(kind).label, "kind": kind, "entries": entries})
    return render(
        request,
        "reports/period_list.html",
        {
            "sections": sections,
            "can_close": scoping.allowed(user, "period.close"),
            "today": today,
        },
    )


@login_required
@require_POST
def period_close(request):
    user = request.user
    _require_close(user)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_message(form))
        return redirect("reports:periods")
    try:
        period = periods.parse_period(form.cleaned_data["period"])
        closing = periods.close_period(by=user, period=period, as_of=form.cleaned_data["as_of"])
    except PeriodError as exc:
        messages.error(request, exc.message)
        return redirect("reports:periods")
    messages.success(
        request,
        _("%(period)s已封账（第%(v)d版）。") % {"period": period.label, "v": closing.version},
    )
    return redirect("reports:period_detail", period=period.slug)


def _closing_or_404(period, version_text):
    versions = list(periods.closings_of(period).order_by("version"))
    if not versions:
        raise Http404("period not closed")
    if version_text:
        chosen = next((v for v in versions if str(v.version) == version_text), None)
        if chosen is None:
            raise Http404("no such version")
        return chosen, versions
    current = next((v for v in versions if v.in_force), None)
    return current or versions[-1], versions


@login_required
def period_detail(request, period):
    """A closed table as stored, the live figures beside it and the changes since."""
    user = request.user
    period = _period_or_404(period)  # a period that cannot exist is 404 to anyone
    _require_view(user)
    closing, versions = _closing_or_404(period, request.GET.get("v", ""))
    live = periods.live_cells(closing, user)
    rows = periods.display_rows(closing, user, live)
    changes, change_total = periods.changes_since(closing, user)
    moved = sum(1 for row in rows for cell in row["cells"] if cell["live"] is not None)
    return render(
        request,
        "reports/period_detail.html",
        {
            "period": period,
            "closing": closing,
            "versions": versions,
            "columns": periods.columns_of(closing),
            "rows": rows,
            "moved": moved,
            "changes": changes,
            "change_total": change_total,
            "county_view": periods.covers_county(user, closing),
            "can_close": scoping.allowed(user, "period.close"),
            "reopen_form": ReopenForm(),
            "has_statistics": period.kind != PeriodKind.MONTH,
        },
    )


@login_required
def period_versions(request, period):
    user = request.user
    period = _period_or_404(period)  # a period that cannot exist is 404 to anyone
    _require_view(user)
    versions = list(periods.closings_of(period).defer("rows", "columns").order_by("-version"))
    if not versions:
        raise Http404("period not closed")
    return render(request, "reports/period_versions.html", {"period": period, "versions": versions})


@login_required
def period_export(request, period):
    """The closed table's Excel: the stored figures, the same file every day."""
    user = request.user
    period = _period_or_404(period)  # a period that cannot exist is 404 to anyone
    _require_view(user)
    closing, _versions = _closing_or_404(period, request.GET.get("v", ""))
    out = io.BytesIO()
    periods.write_closing(closing, user, out)
    out.seek(0)
    return FileResponse(
        out, as_attachment=True, filename=periods.file_name(closing), content_type=XLSX
    )


@login_required
@require_POST
def period_reopen(request, period):
    user = request.user
    period = _period_or_404(period)  # a period that cannot exist is 404 to anyone
    _require_view(user)
    _require_close(user)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写重新打开的理由。"))
        return redirect("reports:period_detail", period=period.slug)
    try:
        closing = periods.reopen_period(by=user, period=period, reason=form.cleaned_data["reason"])
    except PeriodError as exc:
        messages.error(request, exc.message)
        return redirect("reports:period_detail", period=period.slug)
    messages.success(
        request,
        _("%(period)s第%(v)d版已重新打开，更正后请重新封账。")
        % {"period": period.label, "v": closing.version},
    )
    return redirect("reports:periods")


# --- 16号令 statistics ----------------------------------------------------------------------


def _statistics_periods(today):
    """The quarters and years a form can be printed for: the current ones and the recent."""
    quarter = Period(
        PeriodKind.QUARTER, today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
    )
    year = Period(PeriodKind.YEAR, today.replace(month=1, day=1))
    return [
        quarter,
        *periods.recent_periods(today, PeriodKind.QUARTER, 8),
        year,
        *periods.recent_periods(today, PeriodKind.YEAR, 3),
    ]


def _sees_county(user):
    return roles.role_of(user) in (roles.COUNTY, roles.ADMIN)


def _township(user, value):
    """The township asked for (404 outside the user's scope), or None for the county form;
    a township user without a choice gets their own township."""
    townships = scoping.townships_for(user).order_by("path")
    if value:
        try:
            return townships.get(pk=int(value))
        except (ValueError, townships.model.DoesNotExist):
            raise Http404("no such township") from None
    if _sees_county(user):
        return None
    township = townships.first()
    if township is None:
        raise Http404("no township in scope")
    return township


def _county_name():
    from reports.exporters import county_name

    return county_name()


@login_required
def statistics(request):
    """季度/年度隐患排查治理情况统计分析表 of one township or of the county, for A4."""
    user = request.user
    _require_view(user)
    today = timezone.localdate()
    choices = _statistics_periods(today)
    slug = request.GET.get("period") or choices[1].slug
    township = _township(user, request.GET.get("township", ""))
    error = None
    figures, majors, basis, closing, analysis, as_of = [], [], "", None, None, today
    try:
        period = periods.parse_period(slug)
        if period.kind == PeriodKind.MONTH:
            raise PeriodError(_("统计分析表按季度或年度填报，请选择季度或年度。"))
        closing = periods.in_force(period)
        basis, figures = periods.statistics_figures(user, period, township, closing)
        as_of = closing.as_of if closing is not None else today
        majors = periods.major_hazards(user, period, as_of, township)
        analysis = periods.analysis_for(closing, township)
    except PeriodError as exc:
        period, error = None, exc.message
    typed = (request.GET.get("analysis") or "")[: periods.MAX_ANALYSIS]
    return render(
        request,
        "reports/statistics_form.html",
        {
            "choices": choices,
            "slug": slug,
            "period": period,
            "township": township,
            "townships": scoping.townships_for(user).order_by("path"),
            "sees_county": _sees_county(user),
            "unit": township.name if township else _county_name(),
            "error": error,
            "figure_rows": [figures[i : i + 2] for i in range(0, len(figures), 2)],
            "majors": majors,
            "as_of": as_of,
            "basis": basis,
            "closing": closing,
            "analysis": analysis,
            "typed": typed,
            "can_save": closing is not None
            and (
                scoping.allowed(user, "period.close")
                or (township is not None and scoping.allowed(user, "period.analyse"))
            ),
            "today": today,
        },
    )


@login_required
@require_POST
def statistics_analysis(request):
    """Save the 统计分析 text with the closed period (county: any form; supervisor: own)."""
    user = request.user
    _require_view(user)
    township = _township(user, request.POST.get("township", ""))
    slug = request.POST.get("period", "")
    back = reverse("reports:statistics") + "?" + _query(slug, township)
    try:
        period = periods.parse_period(slug)
        closing = periods.in_force(period)
        if closing is None:
            raise PeriodError(
                _("%(period)s尚未封账：统计分析可在打印前填写，封账后才能保存。")
                % {"period": period.label}
            )
        periods.save_analysis(
            by=user, closing=closing, township=township, text=request.POST.get("text", "")
        )
    except PeriodError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, _("统计分析已保存。"))
    return redirect(back)


def _query(slug, township):
    from urllib.parse import urlencode

    params = {"period": slug}
    if township is not None:
        params["township"] = township.pk
    return urlencode(params)
