"""我的导出/导入: the user's background jobs, their progress, and the finished files.

A job is its owner's alone: every view fetches with ``user=request.user`` and answers
404 for anyone else's (an administrator too) — the files may hold any township's data.
"""

import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from jobs import services
from jobs.models import Job


def _own_job(request, pk):
    return get_object_or_404(Job.objects.select_related(None), pk=pk, user=request.user)


def _check_dead(job):
    """A running job whose worker died is shown failed (no query unless it is)."""
    if services.is_dead(job) and services.fail_dead([job.pk]):
        job.refresh_from_db()
    return job


@login_required
@require_GET
def job_list(request):
    services.mark_dead_jobs(user=request.user)
    jobs = Job.objects.filter(user=request.user).recent().defer("result", "params")
    page = Paginator(jobs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "jobs/list.html",
        {"page_obj": page, "jobs": page.object_list, "retention_days": settings.JOB_RETENTION_DAYS},
    )


@login_required
@require_GET
def job_detail(request, pk):
    job = _check_dead(_own_job(request, pk))
    return render(request, "jobs/detail.html", {"job": job, **_progress_context(job)})


@never_cache
@login_required
@require_GET
def job_progress(request, pk):
    """The progress fragment, polled by htmx every 2 s while the job is unfinished.

    A finished job's fragment carries no ``hx-trigger``, so the polling stops by itself;
    ``HX-Trigger: job-finished`` lets the page react if it wants to. Without htmx (a
    plain GET) the whole detail page is returned.
    """
    job = _check_dead(_own_job(request, pk))
    context = {"job": job, **_progress_context(job)}
    if not request.htmx:
        return render(request, "jobs/detail.html", context)
    response = render(request, "jobs/_progress.html", context)
    if job.is_finished:
        response["HX-Trigger"] = "job-finished"
    return response


def _progress_context(job):
    remaining = job.seconds_remaining(timezone.now())
    return {"seconds_remaining": None if remaining is None else int(remaining)}


@login_required
@require_GET
def job_download(request, pk):
    job = _own_job(request, pk)
    if not job.can_download or not default_storage.exists(job.file.name):
        raise Http404("no file")
    return FileResponse(
        default_storage.open(job.file.name, "rb"),
        as_attachment=True,
        filename=job.file_name or services.default_file_name(job),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
@require_POST
def job_start(request):
    """Start an export or import from a page's button.

    POST ``kind`` plus either ``query`` (the list page's querystring, for exports) or
    ``file`` (an .xlsx upload, for imports). An export goes through ``export``; an
    import always becomes a job and the browser goes to its progress page.
    """
    kind = request.POST.get("kind", "")
    params = services.params_from(request.POST.get("query", ""))
    back = request.POST.get("next") or request.headers.get("referer") or "jobs:list"
    if not back.startswith("/") or back.startswith("//"):
        back = "jobs:list"
    try:
        if services.get_kind(kind).is_export:
            return export(request, kind, params, back=back)
        services.require_allowed(request.user, kind)
        upload = request.FILES.get("file")
        if upload is None:
            raise services.JobError(_("请选择要导入的文件。"))
        if not upload.name.lower().endswith(".xlsx"):
            raise services.JobError(_("只能导入 .xlsx 格式的 Excel 文件。"))
        job = services.start(request.user, kind, params, upload=upload)
    except services.JobError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.info(request, _("已转入后台处理，完成后可在此页下载。"))
    return redirect("jobs:detail", pk=job.pk)


def export(request, kind, params, *, back):
    """The response to an export button: the file at once, or a job for a large one.

    A small export (``should_run_in_background``) is written in the request and
    downloaded; a large one becomes a job and the browser goes to its progress page.
    Parameters the exporter refuses (bad dates …) are a message on the page ``back``.
    """
    try:
        services.require_allowed(request.user, kind)
        exporter = services.build_exporter(kind, request.user, params)
        if not services.should_run_in_background(kind, exporter.count()):
            return _stream_now(kind, exporter)
        job = services.start(request.user, kind, params)
    except PermissionDenied:
        raise
    except Exception as exc:  # JobError, or the exporter refused the filter
        message = getattr(exc, "message", None)
        if not isinstance(message, str):
            raise
        messages.error(request, message)
        return redirect(back)
    messages.info(request, _("数据量较大，已转为后台导出，完成后可在此页下载。"))
    return redirect("jobs:detail", pk=job.pk)


def _stream_now(kind, exporter):
    """A small export: written to a temporary file (not held in memory), then streamed."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it
    exporter.write(out, progress=lambda done, total=None: None)
    out.seek(0)
    job = Job(kind=kind)
    name = getattr(exporter, "file_name", None) or services.default_file_name(job)
    return FileResponse(
        out,
        as_attachment=True,
        filename=str(name),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
@require_POST
def job_restart(request, pk):
    job = _own_job(request, pk)
    try:
        new = services.restart(job, by=request.user)
    except services.JobError as exc:
        messages.error(request, exc.message)
        return redirect("jobs:detail", pk=job.pk)
    messages.info(request, _("已重新发起。"))
    return redirect("jobs:detail", pk=new.pk)
