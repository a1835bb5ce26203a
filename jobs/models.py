"""Background jobs: one row per export or import a user started, with its progress.

The task queue itself is django-tasks' database backend (``django_tasks_db``); a Job is
what the user sees of it: state in Chinese, rows done of rows total, the file to download
or the import's result. Progress is written every ``JOB_PROGRESS_EVERY`` rows with a
conditional UPDATE (only while the job is still running), never every row.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobs import registry


def _output_path(job, filename):
    # Never under a public URL: jobs:download streams it to the owner only.
    return f"jobs/{job.user_id}/{filename}"


def _upload_path(job, filename):
    return f"jobs/uploads/{job.user_id}/{filename}"


class JobQuerySet(models.QuerySet):
    def recent(self, now=None):
        now = now or timezone.now()
        return self.filter(created_at__gte=now - datetime.timedelta(days=retention_days()))


def retention_days():
    return settings.JOB_RETENTION_DAYS


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.CASCADE,
        related_name="jobs",
    )
    # The kinds the apps register (jobs.registry); the database checks only the direction.
    kind = models.CharField(_("类型"), max_length=32, choices=registry.kind_choices)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.QUEUED)
    rows_done = models.PositiveIntegerField(_("已处理行数"), default=0)
    rows_total = models.PositiveIntegerField(_("总行数"), null=True, blank=True)
    created_at = models.DateTimeField(_("发起时间"), default=timezone.now, editable=False)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    worker_pid = models.PositiveIntegerField(_("进程号"), null=True, blank=True)
    worker_host = models.CharField(_("主机"), max_length=255, blank=True)
    task_id = models.CharField(_("任务编号"), max_length=64, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    error = models.TextField(_("失败原因"), blank=True)
    upload = models.FileField(_("上传文件"), upload_to=_upload_path, max_length=500, blank=True)
    upload_name = models.CharField(_("上传文件名"), max_length=255, blank=True)
    file = models.FileField(_("结果文件"), upload_to=_output_path, max_length=500, blank=True)
    file_name = models.CharField(_("下载文件名"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("文件大小"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="job_user_recent"),
            # mark_dead_jobs and the worker's housekeeping look only at unfinished jobs.
            models.Index(
                fields=["state"],
                name="job_unfinished",
                condition=Q(state__in=["queued", "running"]),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["queued", "running", "done", "failed"]),
                name="job_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__startswith="export_") | Q(kind__startswith="import_"),
                name="job_kind_direction",
            ),
            # A finished job knows when it finished; an unfinished one does not.
            models.CheckConstraint(
                condition=(
                    Q(state__in=["done", "failed"], finished_at__isnull=False)
                    | Q(state__in=["queued", "running"], finished_at__isnull=True)
                ),
                name="job_finished_at_matches_state",
            ),
            # A running job has been started.
            models.CheckConstraint(
                condition=~Q(state="running") | Q(started_at__isnull=False),
                name="job_running_has_started",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} ({self.get_state_display()})"

    @property
    def is_export(self):
        return self.kind.startswith(registry.EXPORT)

    @property
    def is_import(self):
        return self.kind.startswith(registry.IMPORT)

    @property
    def is_finished(self):
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self):
        """Whole percent done, or None while the total is unknown."""
        if self.state == self.State.DONE:
            return 100
        if not self.rows_total:
            return None
        return min(100, int(self.rows_done * 100 / self.rows_total))

    @property
    def duration(self):
        """How long it ran (so far, when still running); None before it starts."""
        if not self.started_at:
            return None
        end = self.finished_at or timezone.now()
        return max(datetime.timedelta(0), end - self.started_at)

    def seconds_remaining(self, now=None):
        """Estimate from the rate so far; None when there is nothing to go on yet."""
        if self.state != self.State.RUNNING or not self.started_at or not self.rows_total:
            return None
        if self.rows_done <= 0:
            return None
        now = now or timezone.now()
        elapsed = (now - self.started_at).total_seconds()
        if elapsed <= 0:
            return None
        left = max(0, self.rows_total - self.rows_done)
        return elapsed / self.rows_done * left

    @property
    def import_errors(self):
        return (self.result or {}).get("errors") or []

    @property
    def can_download(self):
        return self.state == self.State.DONE and bool(self.file)
