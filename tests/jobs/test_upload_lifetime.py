"""An import's upload lives only as long as it is needed: one too large is never stored, a
refused or finished one is deleted at once, and only a job that may be restarted keeps it."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.spreadsheets import workbook_bytes
from enterprises.imports import HEADERS
from enterprises.models import Enterprise
from jobs import services
from jobs.models import Job
from tests.conftest import login
from tests.enterprises.helpers import register_row
from tests.jobs.helpers import use_runner

pytestmark = pytest.mark.django_db


def _stored(settings):
    root = Path(settings.MEDIA_ROOT, "jobs", "uploads")
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _start(personas, content, capture, name="企业名录.xlsx"):
    with capture(execute=True):
        job = services.start(
            personas.admin, "import_enterprises", {}, upload=SimpleUploadedFile(name, content)
        )
    job.refresh_from_db()
    return job


def test_an_upload_over_the_import_limit_is_refused_before_it_is_stored(personas, settings):
    settings.IMPORT_MAX_BYTES = 10
    with pytest.raises(services.JobError, match="文件过大.*导入文件不能超过"):
        services.start(
            personas.admin,
            "import_enterprises",
            {},
            upload=SimpleUploadedFile("大.xlsx", b"PK" + b"x" * 20),
        )
    assert not Job.objects.exists()
    assert _stored(settings) == []


def test_the_upload_page_refuses_a_file_over_the_limit_with_a_message(client, personas, settings):
    settings.IMPORT_MAX_BYTES = 10
    settings.IMPORT_INLINE_MAX_BYTES = 1  # it would go to the worker
    response = login(client, personas.admin).post(
        reverse("enterprises:import"), {"file": SimpleUploadedFile("大.xlsx", b"PK" * 20)}
    )
    assert response.status_code == 200
    assert "导入文件不能超过" in response.content.decode()
    assert not Job.objects.exists()
    assert _stored(settings) == []


def test_a_file_the_worker_refuses_is_deleted_at_once(
    personas, settings, django_capture_on_commit_callbacks
):
    job = _start(personas, b"PK not a workbook", django_capture_on_commit_callbacks)
    assert job.state == Job.State.FAILED
    assert _stored(settings) == []


def test_a_file_with_bad_rows_is_deleted_once_its_errors_are_recorded(
    personas, grid, settings, django_capture_on_commit_callbacks
):
    content = workbook_bytes(HEADERS, [register_row("", 行业="养殖")])
    job = _start(personas, content, django_capture_on_commit_callbacks)
    assert job.state == Job.State.FAILED and job.import_errors
    assert _stored(settings) == []


def test_a_finished_imports_upload_is_deleted(
    personas, grid, settings, django_capture_on_commit_callbacks
):
    content = workbook_bytes(HEADERS, [register_row("甲厂")])
    job = _start(personas, content, django_capture_on_commit_callbacks)
    assert job.state == Job.State.DONE, job.error
    assert Enterprise.objects.filter(name="甲厂").exists()
    assert _stored(settings) == []


def test_an_import_that_crashed_keeps_its_upload_to_be_restarted(
    personas, settings, django_capture_on_commit_callbacks
):
    def crash(job, out, progress):
        raise OSError("disk went away")

    use_runner("import_enterprises", crash)
    job = _start(personas, b"PK1", django_capture_on_commit_callbacks)
    assert job.state == Job.State.FAILED
    assert [p.read_bytes() for p in _stored(settings)] == [b"PK1"]
    again = services.restart(job, by=personas.admin)
    assert again.upload.read() == b"PK1"


def test_restarting_an_import_whose_upload_is_gone_asks_for_the_file_again(
    personas, settings, django_capture_on_commit_callbacks
):
    job = _start(personas, b"PK not a workbook", django_capture_on_commit_callbacks)
    with pytest.raises(services.JobError, match="请重新上传"):
        services.restart(job, by=personas.admin)
