"""Jobs with the real exporters and imports of the other areas."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from core.spreadsheets import workbook_bytes
from enterprises import imports as enterprise_imports
from enterprises.imports import HEADERS
from enterprises.models import Enterprise
from jobs.models import Job
from tests.conftest import login
from tests.enterprises.helpers import register_row
from tests.factories import make_hazard


def _ledger_rows(content):
    wb = load_workbook(io.BytesIO(content), read_only=True)
    ws = wb["隐患台账"]
    return [r for r in ws.iter_rows(min_row=3, values_only=True)]  # title, header, rows


@pytest.fixture
def ledger(personas, enterprise_a1, enterprise_a2, enterprise_b):
    for state in ("found", "deadline", "fixed"):
        make_hazard(enterprise_a1, personas.inspector, state)
    make_hazard(enterprise_a2, personas.supervisor, "deadline", level="major")
    make_hazard(enterprise_a2, personas.supervisor, "void")
    make_hazard(enterprise_b, personas.other_inspector, "found")


@pytest.mark.parametrize("query", ["", "level=general", "status=deadline"])
def test_a_large_ledger_export_from_the_page_runs_as_a_job_and_has_exactly_the_list_rows(
    client, personas, ledger, settings, django_capture_on_commit_callbacks, query
):
    settings.JOB_THRESHOLD_ROWS = 0  # every export is "large"
    login(client, personas.supervisor)
    listed = client.get(f"{reverse('hazards:list')}?{query}").context["page_obj"].paginator.count
    assert listed > 0

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"{reverse('reports:export_ledger')}?{query}")
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.state == Job.State.DONE, job.error
    assert job.file_name.startswith("隐患台账_") and job.rows_done == listed

    download = client.get(reverse("jobs:download", args=[job.pk]))
    rows = _ledger_rows(b"".join(download.streaming_content))
    assert len(rows) == listed


def test_the_generic_start_endpoint_exports_the_ledger_as_a_job(
    client, personas, ledger, settings, django_capture_on_commit_callbacks
):
    settings.JOB_THRESHOLD_ROWS = 0
    login(client, personas.county)
    listed = client.get(reverse("hazards:list")).context["page_obj"].paginator.count
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("jobs:start"), {"kind": "export_ledger", "query": ""})
    job = Job.objects.get()
    content = b"".join(client.get(reverse("jobs:download", args=[job.pk])).streaming_content)
    assert len(_ledger_rows(content)) == listed == 5  # the voided one is not listed


def _upload(*rows):
    return SimpleUploadedFile("企业名录.xlsx", workbook_bytes(HEADERS, rows))


def _start_import(client, upload, capture):
    with capture(execute=True):
        response = client.post(
            reverse("jobs:start"), {"kind": "import_enterprises", "file": upload}
        )
    return response, Job.objects.get()


def test_an_enterprise_import_with_bad_rows_run_as_a_job_writes_nothing_and_lists_every_error(
    client, personas, grid, django_capture_on_commit_callbacks
):
    login(client, personas.admin)
    response, job = _start_import(
        client,
        _upload(
            register_row("好企业"),
            register_row("", 行业="养殖"),
            register_row("丙厂", 所属网格="甲镇/第一工作区/北村"),
        ),
        django_capture_on_commit_callbacks,
    )
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert not Enterprise.objects.exists()
    assert job.state == Job.State.FAILED
    assert {(r, c) for r, c, _m in job.import_errors} == {
        (3, "企业名称"),
        (3, "行业"),
        (4, "所属网格"),
    }
    page = client.get(response["Location"]).content.decode()
    assert "共 3 处错误，未写入任何数据" in page
    assert "找不到网格" in page


def test_an_enterprise_import_run_as_a_job_writes_everyregister_row(
    client, personas, grid, django_capture_on_commit_callbacks
):
    login(client, personas.admin)
    _response, job = _start_import(
        client,
        _upload(register_row("甲厂"), register_row("乙厂")),
        django_capture_on_commit_callbacks,
    )
    assert job.state == Job.State.DONE, job.error
    assert job.result["created"] == 2
    assert sorted(Enterprise.objects.values_list("name", flat=True)) == ["乙厂", "甲厂"]


def test_an_import_that_fails_during_its_write_leaves_no_rows(
    client, personas, grid, monkeypatch, django_capture_on_commit_callbacks
):
    """All or nothing even when the worker dies mid-write: the write is one transaction."""
    monkeypatch.setattr(enterprise_imports, "BATCH", 2)
    real_bulk_create = Enterprise.objects.bulk_create
    calls = []

    def bulk_create_then_die(objs, *args, **kwargs):
        calls.append(len(objs))
        if len(calls) == 2:
            raise OSError("worker killed")  # the second batch never lands
        return real_bulk_create(objs, *args, **kwargs)

    monkeypatch.setattr(Enterprise.objects, "bulk_create", bulk_create_then_die)
    login(client, personas.admin)
    _response, job = _start_import(
        client,
        _upload(*[register_row(f"企业{i}") for i in range(5)]),
        django_capture_on_commit_callbacks,
    )
    assert calls == [2, 2]  # the first batch was written inside the transaction...
    assert not Enterprise.objects.exists()  # ...and rolled back with it
    assert job.state == Job.State.FAILED
    assert "未写入任何数据" in job.error
