"""自查自报 pages: the enterprise files and corrects its monthly and quarterly reports and
prints the quarterly table; the offices read 应报 / 已报 / 录入率 / 季报率 and remind those
that have not reported. enterprises.selfreports holds the rules and the writes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises import selfreports
from enterprises.forms_selfreports import MonthlyForm, QuarterlyForm, RatesForm
from enterprises.models import Industry
from grid import scoping
from grid.models import GridCell

MONTHS_LISTED = 12
QUARTERS_LISTED = 4


def _own_enterprise(request):
    """The enterprise of the signed-in enterprise account; 403 for any other role."""
    if not scoping.allowed(request.user, "selfreport.submit"):
        raise PermissionDenied
    enterprise_id = scoping.scope_of(request.user).enterprise_id
    return scoping.get_or_404(
        scoping.enterprises_for(request.user).select_related("township", "cell"),
        pk=enterprise_id or 0,
    )


def _period(text, kind):
    """The period of the URL ("2026-10" or "2026-Q3"); anything else is 404."""
    try:
        period = selfreports.Period.parse(text)
    except ValidationError as exc:
        raise Http404("no such period") from exc
    if period.kind != kind:
        raise Http404("no such period")
    return period


def _errors_to_form(form, exc):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


@login_required
def selfreport_list(request):
    enterprise = _own_enterprise(request)
    today = timezone.localdate()
    month = selfreports.current_month(today)
    months = []
    for _i in range(MONTHS_LISTED):
        months.append(month)
        month = month.previous()
    quarter = selfreports.current_month(today).quarter_of()
    quarters = []
    for _i in range(QUARTERS_LISTED):
        quarters.append(quarter)
        quarter = quarter.previous()
    monthly = {
        (r.year, r.month): r for r in enterprise.monthly_reports.filter(year__gte=months[-1].year)
    }
    quarterly = {
        (r.year, r.quarter): r
        for r in enterprise.quarterly_reports.filter(year__gte=quarters[-1].year)
    }
    return render(
        request,
        "enterprises/selfreports.html",
        {
            "enterprise": enterprise,
            "months": [(p, monthly.get((p.year, p.number))) for p in months],
            "quarters": [(p, quarterly.get((p.year, p.number))) for p in quarters],
        },
    )


@login_required
def selfreport_month(request, period):
    enterprise = _own_enterprise(request)
    period = _period(period, selfreports.MONTH)
    report = selfreports.monthly_of(enterprise, period)
    future = period.is_future(timezone.localdate())
    status = 200
    if request.method == "POST" and not future:
        form = MonthlyForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if report is None:
                    selfreports.submit_monthly(
                        enterprise,
                        by=request.user,
                        period=period,
                        no_hazards=data["no_hazards"],
                        note=data["note"],
                    )
                    messages.success(request, _("已提交%(p)s自查自报。") % {"p": period.label})
                else:
                    selfreports.correct_monthly(
                        report,
                        by=request.user,
                        no_hazards=data["no_hazards"],
                        note=data["note"],
                        reason=data["reason"],
                    )
                    messages.success(request, _("已更正%(p)s自查自报。") % {"p": period.label})
                return redirect("enterprises:selfreport_month", period=period.key)
            except selfreports.AlreadyReported as exc:
                report = exc.report
                form = MonthlyForm()
                messages.error(request, _("该月已填报，以下是已填报的内容；如需更正请写明原因。"))
                status = 409
            except ValidationError as exc:
                _errors_to_form(form, exc)
        if form.errors:
            status = 400
    else:
        initial = {"no_hazards": report.no_hazards, "note": report.note} if report else {}
        form = MonthlyForm(initial=initial)
        if future:
            status = 400 if request.method == "POST" else 200
    found, fixed = selfreports.month_counts(enterprise, period)
    return render(
        request,
        "enterprises/selfreport_month.html",
        {
            "enterprise": enterprise,
            "period": period,
            "report": report,
            "corrections": list(report.corrections.select_related("corrected_by"))
            if report
            else [],
            "form": form,
            "future": future,
            "found_now": found,
            "fixed_now": fixed,
        },
        status=status,
    )


@login_required
def selfreport_quarter(request, period):
    enterprise = _own_enterprise(request)
    period = _period(period, selfreports.QUARTER)
    report = selfreports.quarterly_of(enterprise, period)
    today = timezone.localdate()
    future = period.is_future(today)
    status = 200
    if request.method == "POST" and not future:
        form = QuarterlyForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            values = {k: data[k] for k in ("principal", "signed_on", "note")}
            try:
                if report is None:
                    selfreports.submit_quarterly(
                        enterprise, by=request.user, period=period, **values
                    )
                    messages.success(request, _("已提交%(p)s统计表。") % {"p": period.label})
                else:
                    selfreports.correct_quarterly(
                        report, by=request.user, reason=data["reason"], **values
                    )
                    messages.success(request, _("已更正%(p)s统计表。") % {"p": period.label})
                return redirect("enterprises:selfreport_quarter", period=period.key)
            except selfreports.AlreadyReported as exc:
                report = exc.report
                form = QuarterlyForm()
                messages.error(request, _("该季度已填报，以下是已填报的内容；如需更正请写明原因。"))
                status = 409
            except ValidationError as exc:
                _errors_to_form(form, exc)
        if form.errors:
            status = 400
    else:
        if report:
            initial = {
                "principal": report.principal,
                "signed_on": report.signed_on,
                "note": report.note,
            }
        else:
            initial = {"principal": enterprise.legal_representative, "signed_on": today}
        form = QuarterlyForm(initial=initial)
        if future and request.method == "POST":
            status = 400
    preview = (
        []
        if future
        else selfreports.figure_rows(selfreports.quarter_figures(enterprise, period, today))
    )
    return render(
        request,
        "enterprises/selfreport_quarter.html",
        {
            "enterprise": enterprise,
            "period": period,
            "report": report,
            "rows": selfreports.figure_rows(report.figures) if report else [],
            "preview": preview,
            "corrections": list(report.corrections.select_related("corrected_by"))
            if report
            else [],
            "form": form,
            "future": future,
            "today": today,
        },
        status=status,
    )


@login_required
def selfreport_quarter_print(request, pk):
    """The quarterly table on A4, with the 主要负责人's name, signature line and date."""
    if not scoping.allowed(request.user, "view"):
        raise PermissionDenied
    _monthly, quarterly = selfreports.reports_for(request.user)
    report = scoping.get_or_404(
        quarterly.select_related("enterprise", "enterprise__township", "submitted_by"), pk=pk
    )
    period = selfreports.Period.quarter(report.year, report.quarter)
    return render(
        request,
        "enterprises/selfreport_quarter_print.html",
        {
            "report": report,
            "enterprise": report.enterprise,
            "period": period,
            "rows": selfreports.figure_rows(report.figures),
        },
    )


@login_required
def selfreport_rates(request):
    if not scoping.allowed(request.user, "selfreport.rates"):
        raise PermissionDenied
    townships = scoping.townships_for(request.user).order_by("path")
    today = timezone.localdate()
    default = selfreports.current_month(today).previous()
    form = RatesForm(request.GET or {"month": default.key, "group": "cell"}, townships=townships)
    month, rows, total, missing, township = None, [], None, [], None
    group = "cell"
    if form.is_valid():
        try:
            year, number = form.cleaned_data["month"].split("-")
            month = selfreports.Period.month(int(year), int(number))
        except ValidationError as exc:
            form.add_error("month", exc.messages[0])
        else:
            if month.is_future(today):
                form.add_error("month", str(selfreports.FUTURE))
                month = None
    if month is not None:
        group = form.cleaned_data["group"] or "cell"
        township = form.cleaned_data["township"]
        rows, total = selfreports.rates(request.user, month, group, township)
        labels = _group_labels(group, [r["key"] for r in rows])
        for row in rows:
            row["label"] = labels.get(row["key"], row["key"])
        missing = list(selfreports.not_reported(request.user, month, township))
        for enterprise in missing:
            enterprise.checks = [
                (enterprise.has_monthly, month),
                (enterprise.has_quarterly, month.quarter_of()),
            ]
    return render(
        request,
        "enterprises/selfreport_rates.html",
        {
            "form": form,
            "month": month,
            "quarter": month.quarter_of() if month else None,
            "group": group,
            "rows": rows,
            "total": total,
            "missing": missing,
            "can_remind": scoping.allowed(request.user, "selfreport.remind"),
        },
        status=200 if month is not None else 400,
    )


def _group_labels(group, keys):
    if group == "industry":
        return dict(Industry.choices)
    cells = GridCell.objects.filter(pk__in=keys).select_related("township", "parent")
    return {c.pk: " · ".join(p.name for p in (c.township, c.parent, c) if p) for c in cells}


@login_required
@require_POST
def selfreport_remind(request):
    """发送提醒: one enterprise of the user's scope, one month or quarter."""
    pk = request.POST.get("enterprise", "")
    enterprise = scoping.get_or_404(
        scoping.enterprises_for(request.user), pk=int(pk) if pk.isdigit() else 0
    )
    month = request.POST.get("month", "")
    back = reverse("enterprises:selfreport_rates") + (f"?month={month}" if month else "")
    try:
        period = selfreports.Period.parse(request.POST.get("period", ""))
        created = selfreports.remind(enterprise, by=request.user, period=period)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect(back)
    if created:
        messages.success(
            request,
            _("已提醒%(name)s填报%(period)s（%(n)d 个账号）。")
            % {"name": enterprise.name, "period": period.label, "n": created},
        )
    else:
        messages.info(
            request,
            _("%(name)s的账号已收到过%(period)s的提醒，不再重复发送。")
            % {"name": enterprise.name, "period": period.label},
        )
    return redirect(back)
