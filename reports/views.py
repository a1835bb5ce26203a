import math
import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grid import scoping
from reports import periods, queries
from reports.exporters import ExportError, build_exporter
from reports.forms import ReportForm


def _require_reports(user):
    if not scoping.allowed(user, "report.view"):
        raise PermissionDenied


@login_required
def dashboard(request):
    """Key figures, rate by township, the monthly trend and the longest-overdue hazards.

    The tables come from ``queries.dashboard``, cached per scope for a few minutes; the
    page says when they were counted.
    """
    user = request.user
    _require_reports(user)
    today = timezone.localdate()
    data = queries.dashboard(user, today)
    chart_data = {
        "townships": [row.as_chart() for row in data.by_township.rows],
        "trend": [row.as_chart() for row in data.trend.rows],
    }
    return render(
        request,
        "reports/dashboard.html",
        {
            "figures": data.figures,
            "by_township": data.by_township,
            "trend": data.trend,
            "overdue": data.overdue,
            "computed_at": data.computed_at,
            "chart_data": chart_data,
            "today": today,
            "year_start": today.replace(month=1, day=1),
        },
    )


@login_required
def report(request):
    """The report of docs/domain.md#the-numbers for the chosen period, as-of date and scope.

    The table comes from ``queries.report``, cached per scope and criteria for a few
    minutes (``REPORT_CACHE_SECONDS``); the page says when it was counted. The page of a
    closed period (封账) counts afresh: its banner sets the closed table against this one.
    """
    user = request.user
    _require_reports(user)
    form = ReportForm(request.GET, user=user)
    table = closing = None
    cache_minutes = 0
    if form.is_valid():
        group, criteria = form.cleaned_data["group"], form.criteria()
        if not criteria["source"]:  # a closed table counts every source
            closing = periods.closing_matching(criteria["period_from"], criteria["period_to"])
        if closing:
            table = queries.report_table(user, group_by=group, **criteria)
        else:
            table = queries.report(user, timezone.localdate(), group, **criteria)
            cache_minutes = math.ceil(max(settings.REPORT_CACHE_SECONDS, 0) / 60)
    export_query = request.GET.copy()
    export_query.pop("group", None)
    return render(
        request,
        "reports/report.html",
        {
            "form": form,
            "table": table,
            "export_query": export_query.urlencode(),
            # The closed period that is exactly this one, if any: the banner says so.
            "closing": closing,
            "slug": periods.slug_of(closing) if closing else "",
            # Minutes an edit that adds no record may take to show (0: counted afresh).
            "cache_minutes": cache_minutes,
        },
    )


def _job_redirect(job):
    return redirect("jobs:detail", pk=job.pk)


def _export(request, identifier, job_kind, back):
    """Write an export to a temporary file and stream it; hand large ones to a job (when
    the export is a registered job kind, ``job_kind``)."""
    try:
        exporter = build_exporter(identifier, request.user, request.GET)
    except ExportError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    from jobs import services as jobs

    if job_kind and jobs.should_run_in_background(job_kind, exporter.count()):
        job = jobs.start(request.user, job_kind, request.GET)
        messages.info(request, _("数据量较大，已转为后台导出，完成后可在“我的导出/导入”下载。"))
        return _job_redirect(job)
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — FileResponse closes it
    exporter.write(out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=exporter.file_name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
def export_summary(request):
    _require_reports(request.user)
    return _export(request, "summary", "export_summary", "reports:report")


@login_required
def export_ledger(request):
    if not scoping.allowed(request.user, "view"):
        raise PermissionDenied
    return _export(request, "ledger", "export_ledger", reverse("hazards:list"))


@login_required
def export_overdue(request):
    if not scoping.allowed(request.user, "overdue.board"):
        raise PermissionDenied
    return _export(request, "overdue", "export_overdue", reverse("hazards:overdue"))


@login_required
def export_daily(request):
    _require_reports(request.user)
    return _export(request, "daily", "export_daily", reverse("inspections:daily"))


@login_required
def export_inspections(request):
    if not scoping.allowed(request.user, "view"):
        raise PermissionDenied
    return _export(request, "inspections", None, reverse("inspections:list"))


@login_required
def export_enforcement(request):
    if not scoping.allowed(request.user, "view"):
        raise PermissionDenied
    back = reverse("inspections:enforcement_list")
    return _export(request, "enforcement", None, back)


@login_required
def export_orders(request):
    if not scoping.allowed(request.user, "view"):
        raise PermissionDenied
    return _export(request, "orders", None, reverse("hazards:orders"))
