import datetime
import os
import subprocess
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jobs import services
from jobs.models import Job
from tests.factories import EnterpriseFactory
from tests.jobs.helpers import read_rows, use_runner


def _files_under(root):
    root = Path(root)
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _dead_pid():
    proc = subprocess.Popen(["true"])  # noqa: S607 — a process that is gone when we look
    proc.wait()
    return proc.pid


def test_an_export_job_runs_to_a_downloadable_file_with_every_row(
    personas, grid, fake_exporter, django_capture_on_commit_callbacks, settings
):
    for i in range(5):
        EnterpriseFactory(name=f"东村企业{i}", cell=grid.village_a1)
    EnterpriseFactory(name="南村企业", cell=grid.village_b1)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start(personas.supervisor, "export_ledger", {"name": ["东村"]})
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert job.task_id
    assert (job.rows_done, job.rows_total) == (5, 5)
    assert job.file_name == "企业名录_测试.xlsx"
    assert job.size == Path(settings.MEDIA_ROOT, job.file.name).stat().st_size
    header, rows = read_rows(job.file.read())
    assert [r[0] for r in rows] == [f"东村企业{i}" for i in range(5)]
    assert not [n for n in _files_under(settings.MEDIA_ROOT) if n.startswith(".partial")]


def test_an_export_without_a_name_from_the_exporter_is_named_after_its_kind_and_date(
    personas, django_capture_on_commit_callbacks
):
    def runner(job, out, progress):
        out.write(b"x")
        return {"rows": 0}

    use_runner("export_overdue", runner)
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, tzinfo=datetime.UTC)):
        with django_capture_on_commit_callbacks(execute=True):
            job = services.start(personas.supervisor, "export_overdue", {})
    job.refresh_from_db()
    assert job.file_name == "逾期隐患清单_20261123.xlsx"


def test_progress_is_written_every_n_rows_not_every_row(personas, settings):
    settings.JOB_PROGRESS_EVERY = 500
    seen = []

    def runner(job, out, progress):
        progress(0, 1200)
        for done in range(1, 1201):
            progress(done, 1200)
            if done in (499, 500, 1000):
                seen.append(Job.objects.get(pk=job.pk).rows_done)
        out.write(b"data")
        return {"rows": 1200}

    use_runner("export_ledger", runner)
    job = Job.objects.create(user=personas.supervisor, kind="export_ledger")
    with CaptureQueriesContext(connection) as ctx:
        services.run(job.pk)
    progress_updates = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith('UPDATE "jobs_job" SET "rows_done"')
    ]
    # The start, then at 500, 1000 and the last row: four writes for 1,200 rows.
    assert len(progress_updates) == 4
    assert seen == [0, 500, 1000]
    job.refresh_from_db()
    assert job.state == Job.State.DONE


def test_a_runner_exception_fails_the_job_with_a_message_and_leaves_no_partial_file(
    personas, grid, fake_exporter, settings, django_capture_on_commit_callbacks
):
    for i in range(4):
        EnterpriseFactory(cell=grid.village_a1, name=f"企业{i}")
    fake_exporter["fail_after"] = 2
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start(personas.supervisor, "export_ledger", {})
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "导出过程中出错" in job.error and "未生成文件" in job.error
    assert not job.file
    assert job.finished_at is not None
    assert _files_under(Path(settings.MEDIA_ROOT) / "jobs") == []


def test_a_runner_error_with_a_message_shows_that_message(personas):
    def runner(job, out, progress):
        raise services.JobError("查询条件有误：开始日期晚于结束日期。")

    use_runner("export_summary", runner)
    job = Job.objects.create(user=personas.county, kind="export_summary")
    services.run(job.pk)
    job.refresh_from_db()
    assert (job.state, job.error) == (Job.State.FAILED, "查询条件有误：开始日期晚于结束日期。")


def test_a_job_is_run_only_once(personas):
    calls = []

    def runner(job, out, progress):
        calls.append(job.pk)
        return {"rows": 0}

    use_runner("export_ledger", runner)
    job = Job.objects.create(user=personas.supervisor, kind="export_ledger")
    services.run(job.pk)
    services.run(job.pk)
    assert calls == [job.pk]


def _running(user, **fields):
    now = timezone.now()
    values = {
        "state": Job.State.RUNNING,
        "started_at": now,
        "heartbeat_at": now,
        "worker_pid": os.getpid(),
        "worker_host": services.HOST,
    }
    values.update(fields)
    return Job.objects.create(user=user, kind="export_ledger", **values)


def test_a_job_whose_worker_died_is_reported_failed(personas):
    stale = _running(
        personas.supervisor,
        heartbeat_at=timezone.now()
        - datetime.timedelta(seconds=services.HEARTBEAT_LIMIT_SECONDS + 1),
    )
    gone = _running(personas.supervisor, worker_pid=_dead_pid())
    alive = _running(personas.supervisor)
    elsewhere = _running(personas.supervisor, worker_pid=_dead_pid(), worker_host="other-host")

    assert services.mark_dead_jobs() == 2

    for job in (stale, gone, alive, elsewhere):
        job.refresh_from_db()
    assert (stale.state, stale.error) == (Job.State.FAILED, "后台进程意外中止，请重新发起")
    assert gone.state == Job.State.FAILED
    assert alive.state == Job.State.RUNNING
    # Another host's pid means nothing here; its fresh heartbeat keeps it running.
    assert elsewhere.state == Job.State.RUNNING


def test_marking_dead_jobs_for_one_user_leaves_the_others(personas):
    mine = _running(personas.supervisor, worker_pid=_dead_pid())
    theirs = _running(personas.county, worker_pid=_dead_pid())
    services.mark_dead_jobs(user=personas.supervisor)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.state, theirs.state) == (Job.State.FAILED, Job.State.RUNNING)


def test_a_runner_still_working_on_a_job_declared_dead_stops_and_leaves_no_file(personas, settings):
    settings.JOB_PROGRESS_EVERY = 10

    def runner(job, out, progress):
        progress(0, 100)
        services.fail_dead([job.pk])  # what mark_dead_jobs does from another process
        for done in range(1, 101):
            progress(done, 100)
        out.write(b"late")
        return {"rows": 100}

    use_runner("export_ledger", runner)
    job = Job.objects.create(user=personas.supervisor, kind="export_ledger")
    services.run(job.pk)
    job.refresh_from_db()
    assert (job.state, job.rows_done) == (Job.State.FAILED, 0)
    assert _files_under(Path(settings.MEDIA_ROOT) / "jobs") == []


def test_a_queued_job_whose_task_the_queue_lost_is_failed_by_the_worker(personas):
    old = timezone.now() - datetime.timedelta(seconds=services.HEARTBEAT_LIMIT_SECONDS + 5)
    lost = Job.objects.create(
        user=personas.supervisor,
        kind="export_ledger",
        task_id="00000000-0000-0000-0000-000000000001",
        created_at=old,
    )
    fresh = Job.objects.create(
        user=personas.supervisor,
        kind="export_ledger",
        task_id="00000000-0000-0000-0000-000000000002",
    )
    assert services.mark_dead_jobs() == 0  # pages never look at the queue
    assert services.mark_dead_jobs(check_queue=True) == 1
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert (lost.state, fresh.state) == (Job.State.FAILED, Job.State.QUEUED)


def test_retention_deletes_old_jobs_and_their_files_and_keeps_the_rest(
    personas, settings, django_capture_on_commit_callbacks
):
    settings.JOB_RETENTION_DAYS = 7

    def runner(job, out, progress):
        out.write(b"xlsx")
        return {"rows": 1}

    def crash(job, out, progress):  # an import that crashed keeps its upload until the purge
        raise OSError("disk went away")

    use_runner("export_ledger", runner)
    use_runner("import_enterprises", crash)
    start = datetime.datetime(2026, 11, 1, 9, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            old = services.start(personas.supervisor, "export_ledger", {})
            old_import = services.start(
                personas.admin,
                "import_enterprises",
                {},
                upload=SimpleUploadedFile("企业.xlsx", b"PK old upload"),
            )
    with time_machine.travel(start + datetime.timedelta(days=6), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            recent = services.start(personas.supervisor, "export_ledger", {})
    old.refresh_from_db()
    old_import.refresh_from_db()
    recent.refresh_from_db()
    old_paths = [Path(old.file.path), Path(old_import.upload.path)]
    recent_path = Path(recent.file.path)
    assert all(p.exists() for p in old_paths) and recent_path.exists()

    with time_machine.travel(start + datetime.timedelta(days=7, hours=1), tick=False):
        assert services.purge_expired() == 2

    assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk}
    assert not any(p.exists() for p in old_paths)
    assert recent_path.exists()


def test_retention_removes_partial_files_a_killed_worker_left(personas, settings):
    folder = Path(settings.MEDIA_ROOT) / "jobs" / str(personas.supervisor.pk)
    folder.mkdir(parents=True)
    left = folder / ".partial-abc.xlsx"
    left.write_bytes(b"half")
    being_written = folder / ".partial-def.xlsx"
    being_written.write_bytes(b"half")
    long_ago = timezone.now().timestamp() - services.HEARTBEAT_LIMIT_SECONDS - 60
    os.utime(left, (long_ago, long_ago))
    services.purge_expired()
    assert not left.exists()
    assert being_written.exists()


def test_an_import_with_bad_rows_writes_nothing_and_lists_every_error(personas):
    def runner(job, out, progress):
        progress(3, 3)
        return {
            "created": 0,
            "updated": 0,
            "unchanged": 0,
            "errors": [(2, "统一社会信用代码", "校验码不正确"), (4, "行业", "未知行业")],
        }

    use_runner("import_enterprises", runner)
    job = Job.objects.create(user=personas.admin, kind="import_enterprises")
    services.run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.error == "文件中有 2 处错误，未写入任何数据。请修改后重新上传。"
    assert job.import_errors == [[2, "统一社会信用代码", "校验码不正确"], [4, "行业", "未知行业"]]


def test_only_roles_allowed_to_import_may_start_an_import(personas):
    upload = SimpleUploadedFile("企业.xlsx", b"PK")
    # The role check's bare refusal (no message).
    with pytest.raises(PermissionDenied, match="^$"):
        services.start(personas.supervisor, "import_enterprises", {}, upload=upload)
    with pytest.raises(PermissionDenied, match="^$"):
        services.start(personas.inspector, "export_summary", {})
    assert not Job.objects.exists()


def test_an_import_needs_a_file(personas):
    with pytest.raises(services.JobError) as exc:
        services.start(personas.admin, "import_enterprises", {})
    assert exc.value.message == "请选择要导入的文件。"
    assert not Job.objects.exists()


def test_an_upload_is_kept_under_media_jobs_uploads(personas, settings):
    job = services.start(
        personas.admin,
        "import_enterprises",
        {},
        upload=SimpleUploadedFile("名录.xlsx", b"PK"),
    )
    assert job.upload_name == "名录.xlsx"
    assert job.upload.name.startswith(f"jobs/uploads/{personas.admin.pk}/")
    assert Path(settings.MEDIA_ROOT, job.upload.name).read_bytes() == b"PK"


def test_restarting_a_failed_import_uses_a_copy_of_its_upload(personas):
    job = services.start(
        personas.admin,
        "import_enterprises",
        {},
        upload=SimpleUploadedFile("名录.xlsx", b"PK1"),
    )
    Job.objects.filter(pk=job.pk).update(state=Job.State.FAILED, finished_at=timezone.now())
    job.refresh_from_db()
    again = services.restart(job, by=personas.admin)
    assert again.pk != job.pk and again.upload.name != job.upload.name
    assert again.upload.read() == b"PK1" and again.upload_name == "名录.xlsx"
    with pytest.raises(services.JobError, match="只有失败的任务可以重新发起"):
        services.restart(again, by=personas.admin)
    with pytest.raises(PermissionDenied, match="^$"):  # not the job's owner
        services.restart(job, by=personas.county)


@pytest.mark.parametrize(
    ("kind", "count", "background"),
    [
        ("export_ledger", 2000, False),
        ("export_ledger", 2001, True),
        ("export_ledger", None, True),
        ("export_summary", 20, False),
        ("import_enterprises", 3, True),
    ],
)
def test_large_or_unknown_exports_and_every_import_run_in_the_background(
    settings, kind, count, background
):
    settings.JOB_THRESHOLD_ROWS = 2000
    assert services.should_run_in_background(kind, count) is background


def test_the_database_refuses_an_unknown_state(personas):
    from django.db import IntegrityError, transaction

    job = Job.objects.create(user=personas.supervisor, kind="export_ledger")
    # An unknown state breaks two checks; SQLite names the first, PostgreSQL another.
    refused = "job_state_valid|job_finished_at_matches_state"
    with pytest.raises(IntegrityError, match=refused), transaction.atomic():
        Job.objects.filter(pk=job.pk).update(state="lost")
    with (
        pytest.raises(IntegrityError, match="job_finished_at_matches_state"),
        transaction.atomic(),
    ):
        Job.objects.filter(pk=job.pk).update(state=Job.State.DONE)  # no finished_at
