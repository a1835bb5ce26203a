import datetime
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from jobs import services
from jobs.models import Job
from tests.conftest import login
from tests.factories import EnterpriseFactory
from tests.jobs.helpers import read_rows, use_runner


def _finished_export(user, content=b"PK-xlsx", name="隐患台账_20261123.xlsx"):
    def runner(job, out, progress):
        out.write(content)
        return {"rows": 3, "file_name": name}

    use_runner("export_ledger", runner)
    job = Job.objects.create(user=user, kind="export_ledger")
    services.run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    return job


def test_a_large_export_started_from_the_page_runs_in_the_background_and_downloads_every_row(
    client, personas, grid, fake_exporter, settings, django_capture_on_commit_callbacks
):
    settings.JOB_THRESHOLD_ROWS = 5
    for i in range(8):
        EnterpriseFactory(name=f"甲镇企业{i}", cell=grid.village_a1 if i % 2 else grid.village_a2)
    EnterpriseFactory(name="甲镇以外企业", cell=grid.village_b1)
    login(client, personas.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("jobs:start"), {"kind": "export_ledger", "query": "name=甲镇企业&page=3"}
        )
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.params == {"name": ["甲镇企业"]}  # the page number is not a filter
    assert job.state == Job.State.DONE

    detail = client.get(response["Location"])
    assert "导出完成：共 8 行" in detail.content.decode()
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    _header, rows = read_rows(b"".join(download.streaming_content))
    expected = EnterpriseExporterNames(personas.supervisor, "甲镇企业")
    assert sorted(r[0] for r in rows) == expected
    assert len(rows) == 8


def EnterpriseExporterNames(user, name):  # noqa: N802 — reads like the list it stands for
    from grid import scoping

    return sorted(
        scoping.enterprises_for(user).filter(name__contains=name).values_list("name", flat=True)
    )


def test_a_small_export_is_downloaded_at_once_without_a_job(
    client, personas, grid, fake_exporter, settings
):
    settings.JOB_THRESHOLD_ROWS = 5
    EnterpriseFactory(name="东村一厂", cell=grid.village_a1)
    login(client, personas.supervisor)
    response = client.post(reverse("jobs:start"), {"kind": "export_ledger", "query": ""})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    _header, rows = read_rows(b"".join(response.streaming_content))
    assert [r[0] for r in rows] == ["东村一厂"]
    assert not Job.objects.exists()


def test_an_unknown_kind_is_refused_with_a_message_and_starts_nothing(client, personas):
    login(client, personas.supervisor)
    response = client.post(reverse("jobs:start"), {"kind": "export_everything"}, follow=True)
    assert "未知的任务类型。" in response.content.decode()
    assert not Job.objects.exists()


def test_a_role_that_may_not_import_gets_403_and_no_job(client, personas):
    login(client, personas.inspector)
    response = client.post(
        reverse("jobs:start"),
        {"kind": "import_enterprises", "file": SimpleUploadedFile("a.xlsx", b"PK")},
    )
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_an_import_needs_an_xlsx_file(client, personas):
    login(client, personas.admin)
    response = client.post(
        reverse("jobs:start"),
        {"kind": "import_enterprises", "file": SimpleUploadedFile("a.xls", b"\xd0\xcf")},
        follow=True,
    )
    assert "只能导入 .xlsx 格式的 Excel 文件。" in response.content.decode()
    assert not Job.objects.exists()


def test_start_refuses_get(client, personas):
    login(client, personas.supervisor)
    assert client.get(reverse("jobs:start")).status_code == 405


def test_the_download_carries_the_chinese_file_name(client, personas):
    job = _finished_export(personas.supervisor)
    login(client, personas.supervisor)
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"PK-xlsx"
    assert f"filename*=utf-8''{quote('隐患台账_20261123.xlsx')}" in response["Content-Disposition"]


@pytest.mark.parametrize("who", ["supervisor2", "other_supervisor", "county", "admin"])
@pytest.mark.parametrize("view", ["detail", "progress", "download", "restart"])
def test_another_user_gets_404_on_the_job_and_its_file_even_an_admin(client, personas, who, view):
    # Not "page": that name is pytest-playwright's fixture and drags the test among the
    # browser journeys.
    job = _finished_export(personas.supervisor)
    if view == "restart":
        Job.objects.filter(pk=job.pk).update(state=Job.State.FAILED)
    login(client, getattr(personas, who))
    url = reverse(f"jobs:{view}", args=[job.pk])
    response = client.post(url) if view == "restart" else client.get(url)
    assert response.status_code == 404
    assert Job.objects.count() == 1


def test_the_list_shows_only_my_recent_jobs(client, personas, settings):
    settings.JOB_RETENTION_DAYS = 7
    mine = _finished_export(personas.supervisor)
    old = _finished_export(personas.supervisor)
    Job.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    theirs = _finished_export(personas.supervisor2)
    login(client, personas.supervisor)
    response = client.get(reverse("jobs:list"))
    assert response.status_code == 200
    assert list(response.context["jobs"]) == [mine]
    page = response.content.decode()
    assert reverse("jobs:download", args=[mine.pk]) in page
    assert reverse("jobs:download", args=[theirs.pk]) not in page
    assert "已完成" in page


@pytest.mark.parametrize("who", ["inspector", "supervisor", "county", "admin"])
def test_every_role_has_the_list_page(client, personas, who):
    login(client, getattr(personas, who))
    response = client.get(reverse("jobs:list"))
    assert response.status_code == 200
    assert "最近没有导出或导入任务" in response.content.decode()


def test_the_list_needs_a_login(client):
    response = client.get(reverse("jobs:list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_list_reports_a_job_whose_worker_died_as_failed_with_a_restart_button(client, personas):
    job = Job.objects.create(
        user=personas.supervisor,
        kind="export_ledger",
        state=Job.State.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now() - datetime.timedelta(hours=2),
    )
    login(client, personas.supervisor)
    page = client.get(reverse("jobs:list")).content.decode()
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "失败" in page and "重新发起" in page
    detail = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "后台进程意外中止，请重新发起" in detail


def test_restarting_a_failed_export_starts_a_new_job(
    client, personas, django_capture_on_commit_callbacks
):
    def runner(job, out, progress):
        out.write(b"ok")
        return {"rows": 1}

    failed = Job.objects.create(
        user=personas.supervisor,
        kind="export_ledger",
        params={"state": ["deadline"]},
        state=Job.State.FAILED,
        finished_at=timezone.now(),
        error="后台进程意外中止，请重新发起",
    )
    use_runner("export_ledger", runner)
    login(client, personas.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("jobs:restart", args=[failed.pk]))
    new = Job.objects.exclude(pk=failed.pk).get()
    assert response["Location"] == reverse("jobs:detail", args=[new.pk])
    assert (new.params, new.state) == ({"state": ["deadline"]}, Job.State.DONE)


def test_the_progress_fragment_polls_while_running_and_stops_when_finished(
    client, personas, time_machine
):
    # The estimate is computed from the clock: stop it, or a busy machine reads 31 s.
    time_machine.move_to(timezone.now(), tick=False)
    job = Job.objects.create(
        user=personas.supervisor,
        kind="export_ledger",
        state=Job.State.RUNNING,
        started_at=timezone.now() - datetime.timedelta(seconds=10),
        heartbeat_at=timezone.now(),
        rows_done=2500,
        rows_total=10000,
    )
    login(client, personas.supervisor)
    url = reverse("jobs:progress", args=[job.pk])
    running = client.get(url, headers={"HX-Request": "true"})
    body = running.content.decode()
    assert 'hx-trigger="every 2s"' in body
    assert "已处理 2500 / 10000 行" in body and "25%" in body
    assert "预计还需约 30秒" in body
    assert "HX-Trigger" not in running
    assert "<html" not in body  # a fragment

    Job.objects.filter(pk=job.pk).update(
        state=Job.State.DONE, finished_at=timezone.now(), rows_done=10000
    )
    done = client.get(url, headers={"HX-Request": "true"})
    assert "hx-trigger" not in done.content.decode()
    assert done["HX-Trigger"] == "job-finished"
    # Without htmx the same URL is the whole page.
    assert "<html" in client.get(url).content.decode()


def _import_failed_with(user, n_errors):
    return Job.objects.create(
        user=user,
        kind="import_enterprises",
        state=Job.State.FAILED,
        started_at=timezone.now(),
        finished_at=timezone.now(),
        error="文件中有错误，未写入任何数据。",
        result={"errors": [[i + 2, "行业", f"第{i}个错误"] for i in range(n_errors)]},
    )


def test_the_progress_endpoint_query_count_does_not_grow_with_the_job(
    client, personas, django_assert_num_queries
):
    small = _import_failed_with(personas.admin, 2)
    large = _import_failed_with(personas.admin, 500)
    login(client, personas.admin)
    client.get(reverse("jobs:progress", args=[small.pk]), headers={"HX-Request": "true"})
    with django_assert_num_queries(4) as small_ctx:
        client.get(reverse("jobs:progress", args=[small.pk]), headers={"HX-Request": "true"})
    with django_assert_num_queries(4):
        response = client.get(
            reverse("jobs:progress", args=[large.pk]), headers={"HX-Request": "true"}
        )
    assert response.content.decode().count("<tr>") == 501
    assert len(small_ctx.captured_queries) == 4


def test_a_failed_import_lists_every_error_with_row_and_column(client, personas):
    job = _import_failed_with(personas.admin, 3)
    login(client, personas.admin)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "共 3 处错误，未写入任何数据" in page
    for i in range(3):
        row = f'<td class="text-nowrap">{i + 2}</td><td class="text-nowrap">行业</td><td>第{i}个错误</td>'
        assert row in page
    assert "重新发起" not in page  # the file must be fixed first


def test_a_finished_import_shows_what_was_written(client, personas):
    job = Job.objects.create(
        user=personas.admin,
        kind="import_enterprises",
        state=Job.State.DONE,
        started_at=timezone.now(),
        finished_at=timezone.now(),
        rows_done=12,
        result={"created": 10, "updated": 2, "unchanged": 0, "errors": []},
    )
    login(client, personas.admin)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "导入完成：共处理 12 行" in page and "新增 10 条，更新 2 条，未变化 0 条" in page
