"""Background jobs: start one, run it in the worker, notice when a worker died, purge.

``start(user, kind, params, upload=None)`` records a Job and, once the transaction
commits, enqueues ``jobs.tasks.run_job`` on django-tasks' database backend. The worker
(``manage.py run_worker``) calls ``run(job_id)``, which runs what the app that registered
the job's kind (``jobs.registry``) offers, with a progress callback:

- an export runner is ``runner(job, out, progress) -> dict``: it writes the workbook to
  the open binary file ``out`` (a temporary file beside its final place, moved there
  atomically when the runner returns; removed on any failure);
- an import runner is ``runner(job, None, progress) -> dict`` with ``created``,
  ``updated``, ``unchanged`` and ``errors`` [(row, column, message)]. The imports write
  nothing unless every row is valid, and then all rows in one transaction at the end:
  a worker killed half-way leaves the database as it was.

``progress(done, total=None)`` may be called for every row; it writes to the database
every ``JOB_PROGRESS_EVERY`` rows (and at least every ``HEARTBEAT_SECONDS``), with a
conditional UPDATE that only touches a job still running: if the job was meanwhile
declared dead, the runner is stopped (``JobAbandoned``) instead of finishing unseen.

Policy, in one place (``should_run_in_background``): an export with more than
``JOB_THRESHOLD_ROWS`` rows, or whose size is unknown, runs in the background; smaller
ones are written inside the request (2,000 rows × 20 columns ≈ 0.5 s with openpyxl).
Imports: an upload page imports a file up to ``IMPORT_INLINE_MAX_BYTES`` (256 KB, about
2,000 rows) at once and hands a larger one to the worker (``import_in_background``): size
stands in for rows, since counting an upload's rows costs as much as validating them.
Imports started here (``jobs:start``) always run in the background.
"""

import datetime
import logging
import os
import socket
import tempfile
import threading
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import spreadsheets
from grid import scoping
from jobs import registry
from jobs.models import Job

logger = logging.getLogger(__name__)

DEAD_MESSAGE = gettext_lazy("后台进程意外中止，请重新发起")
STOPPED_MESSAGE = gettext_lazy("后台进程被停止，任务未完成，请重新发起")

# How often a running job proves it is alive, and how old a heartbeat may get before the
# job is declared dead. Settings may override both (seconds).
HEARTBEAT_SECONDS = getattr(settings, "JOB_HEARTBEAT_SECONDS", 30)
HEARTBEAT_LIMIT_SECONDS = getattr(settings, "JOB_HEARTBEAT_LIMIT_SECONDS", 600)
HOST = socket.gethostname()[:255]
PARTIAL_PREFIX = ".partial-"


class JobError(Exception):
    """A failure whose ``message`` (Chinese) is shown to the user as it is."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class JobAbandoned(Exception):  # noqa: N818 — not an error of the runner's making
    """The job is no longer running (declared dead, or purged): stop working on it."""


# --- Runners -------------------------------------------------------------------------------


def get_kind(kind):
    """The registered kind (``jobs.registry``); ``JobError`` for one nobody registered."""
    entry = registry.get(kind)
    if entry is None:
        raise JobError(_("未知的任务类型。"))
    return entry


def get_runner(kind):
    """How the worker runs a job of ``kind``: write an export, or run an import."""
    return export_runner if get_kind(kind).is_export else import_runner


def querydict(params):
    """The stored params ({key: [values]}) as the QueryDict a FilterSet expects."""
    qd = QueryDict(mutable=True)
    for key, values in (params or {}).items():
        qd.setlist(key, [str(v) for v in (values if isinstance(values, list) else [values])])
    qd._mutable = False
    return qd


def params_from(data):
    """A QueryDict, querystring or plain dict → JSON-able {key: [values]}."""
    if isinstance(data, str):
        data = QueryDict(data)
    if isinstance(data, QueryDict):
        return {
            key: values
            for key, values in data.lists()
            if key not in ("page", "csrfmiddlewaretoken")
        }
    return {
        key: [str(v) for v in (value if isinstance(value, list | tuple) else [value])]
        for key, value in (data or {}).items()
    }


def build_exporter(kind, user, params):
    """The exporter an app registered for ``kind``, for ``user`` and the stored params."""
    return get_kind(kind).build(user, querydict(params))


def export_runner(job, out, progress):
    exporter = build_exporter(job.kind, job.user, job.params)
    total = exporter.count()
    progress(0, total)
    written = exporter.write(out, progress=progress)
    outcome = {"rows": written if isinstance(written, int) else total}
    file_name = getattr(exporter, "file_name", None) or getattr(exporter, "filename", None)
    if file_name:
        outcome["file_name"] = str(file_name)
    return outcome


def _error_triple(error):
    if isinstance(error, list | tuple):
        row, column, message = (list(error) + [None, None, None])[:3]
    else:
        row = getattr(error, "row", None)
        column = getattr(error, "column", None)
        message = getattr(error, "message", error)
    return [row, "" if column is None else str(column), str(message)]


def import_outcome(result):
    """An ImportResult (or dict) → the JSON stored on the job."""
    get = result.get if isinstance(result, dict) else lambda k, d=None: getattr(result, k, d)
    return {
        "created": int(get("created", 0) or 0),
        "updated": int(get("updated", 0) or 0),
        "unchanged": int(get("unchanged", 0) or 0),
        "errors": [_error_triple(e) for e in (get("errors", []) or [])],
        "dry_run": bool(get("dry_run", False)),
    }


def _dry_run(job):
    return (job.params.get("dry_run") or ["0"])[0] in ("1", "true", "on")


def import_runner(job, out, progress):
    path = default_storage.path(job.upload.name)
    importer = get_kind(job.kind).importer
    return import_outcome(importer(path, by=job.user, dry_run=_dry_run(job), progress=progress))


# --- Policy ---------------------------------------------------------------------------------


def import_in_background(upload):
    """An upload page imports a small file at once and hands a large one to the worker.

    Size stands in for rows: counting a workbook's rows costs as much as checking them.
    ``settings.IMPORT_INLINE_MAX_BYTES`` (256 KB) is about 2,000 rows of a ledger.
    """
    return (getattr(upload, "size", 0) or 0) > settings.IMPORT_INLINE_MAX_BYTES


def should_run_in_background(kind, count):
    """True when a job of ``kind`` with ``count`` rows must not run inside a request.

    Exports: more than ``settings.JOB_THRESHOLD_ROWS`` rows, or an unknown count. At
    about 13 µs per cell, 2,000 rows of 20 columns take half a second; 100,000 take
    half a minute — gunicorn's timeout. Imports started as jobs: always (upload pages
    decide by size first, see ``import_in_background``).
    """
    if kind.startswith(registry.IMPORT):
        return True
    if count is None:
        return True
    return count > settings.JOB_THRESHOLD_ROWS


def require_allowed(user, kind):
    if not scoping.allowed(user, get_kind(kind).permission):
        raise PermissionDenied


# --- Starting -------------------------------------------------------------------------------


def check_upload_size(upload):
    """Refuse an import file over ``settings.IMPORT_MAX_BYTES`` before it is stored: the
    worker would refuse it anyway (core.spreadsheets), after keeping it on disk."""
    try:
        spreadsheets.check_size(getattr(upload, "size", None) or 0)
    except spreadsheets.SpreadsheetError as exc:
        raise JobError(exc.message) from exc


def start(user, kind, params=None, upload=None):
    """Record a job for ``user`` and enqueue it once the current transaction commits."""
    require_allowed(user, kind)
    is_import = kind.startswith(registry.IMPORT)
    if is_import and upload is None:
        raise JobError(_("请选择要导入的文件。"))
    if is_import:
        check_upload_size(upload)
    with transaction.atomic():
        job = Job.objects.create(user=user, kind=kind, params=params_from(params))
        if upload is not None:
            original = Path(getattr(upload, "name", "") or "upload.xlsx").name
            job.upload_name = original[:255]
            job.upload.save(f"{job.pk}-{uuid.uuid4().hex}.xlsx", upload, save=False)
            job.save(update_fields=["upload", "upload_name"])
        transaction.on_commit(lambda: enqueue(job.pk))
    return job


def restart(job, by):
    """Start a failed job again with the same parameters (and a copy of its upload)."""
    if job.user_id != by.pk:
        raise PermissionDenied
    if job.state != Job.State.FAILED:
        raise JobError(_("只有失败的任务可以重新发起。"))
    upload = None
    if job.upload:
        if not default_storage.exists(job.upload.name):
            raise JobError(_("原上传文件已删除（导入结束或保留期满即删除），请重新上传。"))
        upload = default_storage.open(job.upload.name, "rb")
        upload.name = job.upload_name or "upload.xlsx"
    try:
        return start(by, job.kind, job.params, upload=upload)
    finally:
        if upload is not None:
            upload.close()


def enqueue(job_id):
    from jobs.tasks import run_job

    try:
        result = run_job.enqueue(job_id)
    except Exception:
        logger.exception("could not enqueue job %s", job_id)
        _finish(job_id, Job.State.FAILED, error=str(_("无法加入后台队列，请稍后重新发起。")))
        return
    Job.objects.filter(pk=job_id).update(task_id=str(result.id)[:64])


# --- Running --------------------------------------------------------------------------------


class Progress:
    """The callback handed to runners: ``progress(done, total=None)``."""

    def __init__(self, job_id, every=None, clock=time.monotonic):
        self.job_id = job_id
        self.every = max(1, every or settings.JOB_PROGRESS_EVERY)
        self.clock = clock
        self.done = 0
        self.total = None
        self.written_done = None
        self.written_total = None
        self.written_at = clock()

    def __call__(self, done, total=None):
        self.done = int(done)
        if total is not None:
            self.total = int(total)
        if (
            self.written_done is None
            or self.total != self.written_total
            or self.done - self.written_done >= self.every
            or (self.total is not None and self.done >= self.total > self.written_done)
            or self.clock() - self.written_at >= HEARTBEAT_SECONDS
        ):
            self.write()

    def write(self):
        changes = {"rows_done": self.done, "heartbeat_at": timezone.now()}
        if self.total is not None:
            changes["rows_total"] = self.total
        matched = Job.objects.filter(pk=self.job_id, state=Job.State.RUNNING).update(**changes)
        if matched != 1:
            raise JobAbandoned
        self.written_done, self.written_total = self.done, self.total
        self.written_at = self.clock()


class Heartbeat:
    """Keeps ``heartbeat_at`` fresh while a runner is busy between progress calls (the
    import's final write, openpyxl saving the workbook). Its own thread and connection."""

    def __init__(self, job_id, interval=None):
        self.job_id = job_id
        self.interval = interval or HEARTBEAT_SECONDS
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True, name=f"job-{job_id}")

    def _beat(self):
        try:
            while not self.stopped.wait(self.interval):
                try:
                    Job.objects.filter(pk=self.job_id, state=Job.State.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:  # a busy SQLite writer; the next beat will do
                    logger.warning("heartbeat of job %s skipped", self.job_id)
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join(timeout=5)


def _finish(job_id, state, **changes):
    """Move a job out of queued/running; False when it had already finished."""
    return bool(
        Job.objects.filter(pk=job_id, state__in=[Job.State.QUEUED, Job.State.RUNNING]).update(
            state=state, finished_at=timezone.now(), **changes
        )
    )


def _message_for(exc, job):
    message = getattr(exc, "message", None)
    if isinstance(message, str) and message:
        return message
    if job.is_import:
        return _(
            "导入过程中出错（%(name)s），未写入任何数据。请重新发起；如仍失败请联系管理员。"
        ) % {"name": type(exc).__name__}
    return _("导出过程中出错（%(name)s），未生成文件。请重新发起；如仍失败请联系管理员。") % {
        "name": type(exc).__name__
    }


def _output_dir(job):
    path = Path(settings.MEDIA_ROOT) / "jobs" / str(job.user_id)
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_file_name(job):
    entry = registry.get(job.kind)
    stem = (entry and entry.file_stem) or job.get_kind_display()
    return f"{stem}_{timezone.localdate():%Y%m%d}.xlsx"


def run(job_id):
    """The task body: run the job's runner in this process, record how it ended."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING,
        started_at=now,
        heartbeat_at=now,
        worker_pid=os.getpid(),
        worker_host=HOST,
    )
    if claimed != 1:
        return None  # already run, declared dead, or purged
    job = Job.objects.select_related("user").get(pk=job_id)
    progress = Progress(job_id)
    partial = None
    try:
        runner = get_runner(job.kind)
        with Heartbeat(job_id):
            if job.is_export:
                fd, partial = tempfile.mkstemp(
                    dir=_output_dir(job), prefix=PARTIAL_PREFIX, suffix=".xlsx"
                )
                with os.fdopen(fd, "wb") as out:
                    outcome = dict(runner(job, out, progress) or {})
                    out.flush()
                    os.fsync(out.fileno())
            else:
                outcome = dict(runner(job, None, progress) or {})
        if job.is_import:
            return _end_import(job, progress, outcome)
        return _end_export(job, progress, outcome, partial)
    except JobAbandoned:
        logger.warning("job %s was abandoned while running", job_id)
        return None
    except Exception as exc:
        logger.exception("job %s failed", job_id)
        _finish(job_id, Job.State.FAILED, error=_message_for(exc, job))
        if job.is_import and isinstance(getattr(exc, "message", None), str):
            delete_files(job, ["upload"])  # the file was refused: nobody restarts it
        return None
    except BaseException:
        # The worker is being stopped (a second Ctrl-C, SystemExit): say so, then go.
        _finish(job_id, Job.State.FAILED, error=str(STOPPED_MESSAGE))
        raise
    finally:
        if partial and os.path.exists(partial):
            os.unlink(partial)


def _end_import(job, progress, outcome):
    """Record the import's result; its upload, read to the end, is deleted at once."""
    delete_files(job, ["upload"])
    outcome = import_outcome(outcome)
    errors = outcome["errors"]
    rows = outcome["created"] + outcome["updated"] + outcome["unchanged"]
    if errors:
        message = _("文件中有 %(n)d 处错误，未写入任何数据。请修改后重新上传。") % {
            "n": len(errors)
        }
        _finish(job.pk, Job.State.FAILED, error=message, result=outcome, rows_done=progress.done)
    else:
        _finish(
            job.pk,
            Job.State.DONE,
            result=outcome,
            rows_done=max(rows, progress.done),
            rows_total=max(rows, progress.total or 0),
        )


def _end_export(job, progress, outcome, partial):
    file_name = outcome.pop("file_name", None) or default_file_name(job)
    rows = int(outcome.get("rows") or progress.done or 0)
    name = f"jobs/{job.user_id}/{job.pk}-{uuid.uuid4().hex}.xlsx"
    final = Path(settings.MEDIA_ROOT) / name
    os.replace(partial, final)  # same directory: atomic, never a half-written file
    size = final.stat().st_size
    finished = _finish(
        job.pk,
        Job.State.DONE,
        file=name,
        file_name=file_name[:255],
        size=size,
        result=outcome,
        rows_done=rows,
        rows_total=rows,
    )
    if not finished:  # declared dead meanwhile: nobody will offer this file
        final.unlink(missing_ok=True)


# --- Dead workers and retention -------------------------------------------------------------


def _pid_alive(pid):
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, belongs to someone else
    except OSError:
        return False
    return True


def is_dead(job, now=None):
    """A running job whose heartbeat is too old, or whose worker process is gone."""
    if job.state != Job.State.RUNNING:
        return False
    now = now or timezone.now()
    limit = now - datetime.timedelta(seconds=HEARTBEAT_LIMIT_SECONDS)
    if job.heartbeat_at is None or job.heartbeat_at < limit:
        return True
    return job.worker_host == HOST and not _pid_alive(job.worker_pid)


def fail_dead(job_ids):
    if not job_ids:
        return 0
    return Job.objects.filter(pk__in=list(job_ids), state=Job.State.RUNNING).update(
        state=Job.State.FAILED, finished_at=timezone.now(), error=str(DEAD_MESSAGE)
    )


def mark_dead_jobs(now=None, user=None, check_queue=False):
    """Declare failed every running job whose worker died; returns how many.

    One query (plus one UPDATE when there is something to mark): cheap enough for the
    list page, which passes ``user``. The worker passes ``check_queue=True`` to also fail
    queued jobs whose task the queue has already finished or lost (a worker killed
    between claiming the task and starting the job).
    """
    now = now or timezone.now()
    running = Job.objects.filter(state=Job.State.RUNNING)
    if user is not None:
        running = running.filter(user=user)
    dead = [
        job.pk
        for job in running.only("id", "state", "heartbeat_at", "worker_pid", "worker_host")
        if is_dead(job, now)
    ]
    count = fail_dead(dead)
    if check_queue:
        count += _fail_lost_queued(now)
    return count


def _fail_lost_queued(now):
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover — the database backend is a dependency
        return 0
    limit = now - datetime.timedelta(seconds=HEARTBEAT_LIMIT_SECONDS)
    queued = dict(
        Job.objects.filter(state=Job.State.QUEUED, created_at__lt=limit)
        .exclude(task_id="")
        .values_list("task_id", "pk")
    )
    if not queued:
        return 0
    try:
        pending = {
            str(i)
            for i in DBTaskResult.objects.filter(
                id__in=list(queued), status__in=["READY"]
            ).values_list("id", flat=True)
        }
    except (DatabaseError, ValueError):
        return 0
    lost = [pk for task_id, pk in queued.items() if task_id not in pending]
    if not lost:
        return 0
    return Job.objects.filter(pk__in=lost, state=Job.State.QUEUED).update(
        state=Job.State.FAILED, finished_at=timezone.now(), error=str(DEAD_MESSAGE)
    )


def delete_files(job, fields=("file", "upload")):
    """Remove the job's result file and upload from storage (the row stays as it is).

    The one way a job's files go: the retention purge, the admin's delete, and an import
    whose upload is no longer needed all call it.
    """
    for name in fields:
        field = getattr(job, name)
        if field and field.name:
            try:
                default_storage.delete(field.name)
            except OSError:
                logger.warning("could not delete %s", field.name)


def purge_expired(now=None):
    """Delete jobs older than JOB_RETENTION_DAYS and their files; returns how many.

    Also removes partial files a killed worker left behind (older than the heartbeat
    limit, so never one being written right now).
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.JOB_RETENTION_DAYS)
    old = list(Job.objects.filter(created_at__lt=cutoff).only("id", "file", "upload"))
    for job in old:
        delete_files(job)
    deleted = Job.objects.filter(pk__in=[job.pk for job in old]).delete()[0] if old else 0
    root = Path(settings.MEDIA_ROOT) / "jobs"
    if root.is_dir():
        stale = now.timestamp() - HEARTBEAT_LIMIT_SECONDS
        for path in root.rglob(f"{PARTIAL_PREFIX}*"):
            try:
                if path.stat().st_mtime < stale:
                    path.unlink()
            except OSError:
                continue
    return deleted
