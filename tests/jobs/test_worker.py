import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs import services
from jobs.models import Job
from tests.factories import EnterpriseFactory
from tests.jobs.helpers import read_rows

pytestmark = pytest.mark.django_db(transaction=True)

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_database_worker_runs_a_queued_job_to_done(personas, grid, fake_exporter, settings):
    settings.TASKS = DB_TASKS
    for i in range(3):
        EnterpriseFactory(name=f"东村企业{i}", cell=grid.village_a1)
    job = services.start(personas.supervisor, "export_ledger", {})
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED  # nothing runs until a worker picks it up
    assert DBTaskResult.objects.get(pk=job.task_id).status == "READY"

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert job.worker_pid and job.worker_host == services.HOST
    assert DBTaskResult.objects.get(pk=job.task_id).status == "SUCCESSFUL"
    _header, rows = read_rows(job.file.read())
    assert len(rows) == 3


def test_run_worker_fails_jobs_left_by_a_dead_worker_then_runs_the_queue(
    personas, fake_exporter, settings
):
    settings.TASKS = DB_TASKS
    orphan = Job.objects.create(
        user=personas.supervisor,
        kind="export_ledger",
        state=Job.State.RUNNING,
        started_at=timezone.now() - datetime.timedelta(hours=1),
        heartbeat_at=timezone.now() - datetime.timedelta(hours=1),
    )
    queued = services.start(personas.supervisor, "export_ledger", {})
    out = io.StringIO()
    call_command("run_worker", "--once", stdout=out)
    orphan.refresh_from_db()
    queued.refresh_from_db()
    assert (orphan.state, orphan.error) == (Job.State.FAILED, "后台进程意外中止，请重新发起")
    assert queued.state == Job.State.DONE
    assert "已标记中止任务 1 个" in out.getvalue()


def test_purge_jobs_is_silent_when_there_is_nothing_to_do(db):
    out = io.StringIO()
    call_command("purge_jobs", stdout=out)
    assert out.getvalue() == ""
