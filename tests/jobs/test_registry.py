"""The kinds of job are what the apps register; jobs itself names none of them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from jobs import registry, services
from jobs.models import Job

pytestmark = pytest.mark.django_db

# The kinds stored jobs already carry: renaming one would orphan them.
STORED_KINDS = {
    "export_ledger",
    "export_summary",
    "export_overdue",
    "export_daily",
    "import_enterprises",
    "import_hazards",
    "import_inspections",
    "import_enforcement",
}


def _empty_workbook():
    out = io.BytesIO()
    Workbook().save(out)
    return SimpleUploadedFile("空表.xlsx", out.getvalue())


def test_the_apps_register_every_kind_that_stored_jobs_carry():
    assert {entry.kind for entry in registry.kinds()} == STORED_KINDS
    assert dict(Job._meta.get_field("kind").choices).keys() == STORED_KINDS


@pytest.mark.parametrize("kind", sorted(e.kind for e in registry.kinds() if e.is_export))
def test_every_registered_export_runs_to_a_file(
    kind, personas, grid, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start(personas.county, kind, {})
    job.refresh_from_db()
    assert (job.state, job.error) == (Job.State.DONE, "")
    assert job.can_download and job.file_name.endswith(".xlsx")
    assert str(job).startswith(str(registry.get(kind).label))


@pytest.mark.parametrize("kind", sorted(e.kind for e in registry.kinds() if not e.is_export))
def test_every_registered_import_runs_its_importer(
    kind, personas, grid, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start(personas.admin, kind, {}, upload=_empty_workbook())
    job.refresh_from_db()
    # The importer read the file and listed what is wrong with it: no crash, nothing written.
    assert job.state == Job.State.FAILED
    assert job.error.startswith("文件中有") and job.import_errors


def test_a_kind_nobody_registered_is_refused_with_a_message(personas):
    with pytest.raises(services.JobError, match="未知的任务类型"):
        services.start(personas.county, "export_nothing", {})


def test_a_kind_must_say_its_direction_in_its_name():
    with pytest.raises(ValueError, match="an export kind starts with 'export_'"):
        registry.register_export("ledger", label="x", permission="view", build=None)
    with pytest.raises(ValueError, match="an import kind starts with 'import_'"):
        registry.register_import("ledger", label="x", permission="view", importer=None)


def test_the_worker_runs_every_registered_hourly_task_in_its_housekeeping(monkeypatch):
    from jobs.management.commands.run_worker import Command

    ran = []
    monkeypatch.setattr(registry, "_HOURLY", [])
    registry.register_hourly(lambda: ran.append("reminders"))
    Command().housekeep(verbosity=0)
    assert ran == ["reminders"]
