"""Importing an enterprise register: all errors listed, nothing half-written, idempotent."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from core.spreadsheets import OLE_MAGIC, workbook_bytes
from enterprises.imports import HEADERS, import_enterprises
from enterprises.models import Enterprise, Industry, RiskColour, Scale
from tests.conftest import login
from tests.enterprises.helpers import register_row
from tests.factories import EnterpriseFactory, valid_uscc

pytestmark = pytest.mark.django_db


def xlsx(*rows, headers=HEADERS):
    return io.BytesIO(workbook_bytes(headers, rows))


def test_a_good_file_creates_every_enterprise(personas, grid):
    codes = [valid_uscc() for _ in range(3)]
    result = import_enterprises(
        xlsx(
            register_row("甲厂", codes[0]),
            register_row(
                "乙厂",
                codes[1],
                行业="机械",
                规模="规模以上",
                风险等级="红色",
                联系电话=13800000000,
            ),
            register_row(
                "丙厂", codes[2], 所属网格="甲镇 / 第一工作区 / 西村", 风险等级="较大风险"
            ),
        ),
        by=personas.admin,
    )
    assert result.errors == []
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    b = Enterprise.objects.get(uscc=codes[1])
    assert (b.industry, b.scale, b.risk, b.phone) == (
        Industry.MACHINERY,
        Scale.ABOVE,
        RiskColour.RED,
        "13800000000",
    )
    assert b.township_id == grid.town_a.pk and b.cell_id == grid.village_a1.pk
    c = Enterprise.objects.get(uscc=codes[2])
    assert (c.cell_id, c.risk) == (grid.village_a2.pk, RiskColour.ORANGE)


def test_importing_the_same_file_twice_changes_nothing(personas, grid):
    data = workbook_bytes(HEADERS, [register_row("甲厂"), register_row("乙厂")])
    first = import_enterprises(io.BytesIO(data), by=personas.admin)
    stamps = dict(Enterprise.objects.values_list("uscc", "updated_at"))
    second = import_enterprises(io.BytesIO(data), by=personas.admin)
    assert (first.created, second.created, second.updated, second.unchanged) == (2, 0, 0, 2)
    assert dict(Enterprise.objects.values_list("uscc", "updated_at")) == stamps


def test_a_changed_row_updates_the_enterprise_matched_by_credit_code(personas, grid):
    existing = EnterpriseFactory(name="旧名称", cell=grid.village_a1, risk=RiskColour.BLUE)
    existing.inspectors.set([personas.inspector])
    result = import_enterprises(
        xlsx(register_row("新名称", existing.uscc, 风险等级="红", 所属网格="乙镇/第一工作区/南村")),
        by=personas.admin,
    )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    existing.refresh_from_db()
    assert (existing.name, existing.risk) == ("新名称", RiskColour.RED)
    assert (existing.cell_id, existing.township_id) == (grid.village_b1.pk, grid.town_b.pk)
    assert list(existing.inspectors.all()) == [personas.inspector]


def test_bad_rows_write_nothing_and_every_error_is_listed(personas, grid):
    good = register_row("好企业")
    wrong_check = valid_uscc()
    wrong_check = wrong_check[:17] + ("0" if wrong_check[17] != "0" else "1")
    duplicate = valid_uscc()
    result = import_enterprises(
        xlsx(
            good,
            register_row(
                "", wrong_check, 行业="养殖", 规模="很大", 风险等级="紫", 联系电话="12345"
            ),
            register_row("丙厂", duplicate, 所属网格="甲镇/第一工作区/北村"),
            register_row("丁厂", duplicate, 所属网格="甲镇/第一工作区"),
        ),
        by=personas.admin,
    )
    assert not Enterprise.objects.exists()
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    found = {(r, c) for r, c, _m in result.errors}
    assert found == {
        (3, "企业名称"),
        (3, "统一社会信用代码"),
        (3, "行业"),
        (3, "规模"),
        (3, "风险等级"),
        (3, "联系电话"),
        (4, "所属网格"),
        (5, "所属网格"),
        (5, "统一社会信用代码"),
    }
    messages = {(r, c): m for r, c, m in result.errors}
    assert "校验位错误" in messages[(3, "统一社会信用代码")]
    assert "与第 4 行的统一社会信用代码重复" in messages[(5, "统一社会信用代码")]
    assert "不是村/社区/园区一级" in messages[(5, "所属网格")]
    assert "找不到网格" in messages[(4, "所属网格")]


def test_a_dry_run_counts_but_writes_nothing(personas, grid):
    result = import_enterprises(xlsx(register_row("甲厂")), by=personas.admin, dry_run=True)
    assert result.ok and result.created == 1
    assert not Enterprise.objects.exists()


def test_progress_is_reported(personas, grid, monkeypatch):
    monkeypatch.setattr("enterprises.imports.PROGRESS_EVERY", 2)
    calls = []
    import_enterprises(
        xlsx(*[register_row(f"企业{i}") for i in range(5)]),
        by=personas.admin,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls[0] == (2, 5) and calls[-1] == (5, 5)
    assert Enterprise.objects.count() == 5


@pytest.mark.parametrize("role", ["inspector", "supervisor", "county"])
def test_only_administrators_may_import(personas, grid, role):
    result = import_enterprises(xlsx(register_row()), by=getattr(personas, role))
    assert result.errors and "权限" in result.errors[0][2]
    assert not Enterprise.objects.exists()


def test_a_non_workbook_is_refused_with_a_message(personas, grid):
    result = import_enterprises(io.BytesIO(b"not a workbook"), by=personas.admin)
    assert result.errors == [(None, "", "该文件不是 Excel 工作簿（.xlsx），请检查文件后重新选择。")]


def test_an_encrypted_file_is_refused_with_a_message(personas, grid):
    result = import_enterprises(io.BytesIO(OLE_MAGIC + b"\0" * 2048), by=personas.admin)
    assert "密码" in result.errors[0][2]


def test_a_wrong_header_is_refused_with_the_missing_columns(personas, grid):
    result = import_enterprises(xlsx(register_row()[:-1], headers=HEADERS[:-1]), by=personas.admin)
    assert "缺少列：风险等级" in result.errors[0][2]


def test_a_file_with_only_a_header_is_refused(personas, grid):
    result = import_enterprises(xlsx(), by=personas.admin)
    assert "没有企业数据" in result.errors[0][2]


# --- the command ------------------------------------------------------------------------


def test_the_command_imports_a_file(personas, grid, tmp_path, capsys):
    path = tmp_path / "qy.xlsx"
    path.write_bytes(workbook_bytes(HEADERS, [register_row("甲厂")]))
    call_command("import_enterprises", str(path), "--user", "admin")
    assert "新增 1 家" in capsys.readouterr().out
    assert Enterprise.objects.count() == 1


def test_the_command_dry_run_writes_nothing(personas, grid, tmp_path, capsys):
    path = tmp_path / "qy.xlsx"
    path.write_bytes(workbook_bytes(HEADERS, [register_row("甲厂")]))
    call_command("import_enterprises", str(path), "--dry-run", "--user", "admin")
    assert "试导入" in capsys.readouterr().out
    assert not Enterprise.objects.exists()


def test_the_command_prints_every_error_and_fails(personas, grid, tmp_path, capsys):
    path = tmp_path / "qy.xlsx"
    path.write_bytes(
        workbook_bytes(HEADERS, [register_row("甲厂", 行业="养殖"), register_row("", 规模="x")])
    )
    with pytest.raises(CommandError, match="发现 3 处错误"):
        call_command("import_enterprises", str(path), "--user", "admin")
    err = capsys.readouterr().err
    assert "第 2 行，“行业”列" in err and "第 3 行，“企业名称”列" in err
    assert not Enterprise.objects.exists()


def test_the_command_refuses_a_non_administrator(personas, grid, tmp_path):
    path = tmp_path / "qy.xlsx"
    path.write_bytes(workbook_bytes(HEADERS, [register_row("甲厂")]))
    with pytest.raises(CommandError, match="不是管理员"):
        call_command("import_enterprises", str(path), "--user", "supervisor_a")


# --- the upload page --------------------------------------------------------------------


def upload(data, name="qy.xlsx"):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.mark.parametrize("role", ["inspector", "supervisor", "other_inspector", "county"])
def test_the_upload_page_refuses_everyone_but_administrators(client, personas, role):
    login(client, getattr(personas, role))
    assert client.get(reverse("enterprises:import")).status_code == 403
    response = client.post(
        reverse("enterprises:import"), {"file": upload(workbook_bytes(HEADERS, [register_row()]))}
    )
    assert response.status_code == 403
    assert client.get(reverse("enterprises:import_template")).status_code == 403
    assert not Enterprise.objects.exists()


def test_the_upload_page_refuses_a_file_not_named_xlsx_before_reading_it(client, personas, grid):
    login(client, personas.admin)
    response = client.post(reverse("enterprises:import"), {"file": upload(b"a,b", "qy.csv")})
    assert response.status_code == 200
    assert "只能导入 .xlsx 格式的 Excel 工作簿" in response.content.decode()
    assert response.context["result"] is None


def test_an_administrator_uploads_a_register(client, personas, grid, django_assert_max_num_queries):
    login(client, personas.admin)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("enterprises:import")).status_code == 200
    data = workbook_bytes(HEADERS, [register_row("甲厂"), register_row("乙厂")])
    response = client.post(reverse("enterprises:import"), {"file": upload(data)})
    assert response.status_code == 200
    assert "新增 2 家" in response.content.decode()
    assert Enterprise.objects.count() == 2


def test_the_upload_page_lists_every_error_in_a_table(client, personas, grid):
    login(client, personas.admin)
    data = workbook_bytes(
        HEADERS, [register_row("甲厂", 行业="养殖"), register_row("乙厂", 风险等级="紫")]
    )
    response = client.post(reverse("enterprises:import"), {"file": upload(data)})
    body = response.content.decode()
    assert response.status_code == 400
    assert "发现 2 处错误，未导入任何数据" in body
    assert "行业“养殖”不在行业分类中" in body and "风险等级“紫”无法识别" in body
    assert not Enterprise.objects.exists()


def test_the_upload_page_refuses_a_non_workbook(client, personas, grid):
    login(client, personas.admin)
    response = client.post(reverse("enterprises:import"), {"file": upload(b"hello", "a.xlsx")})
    assert response.status_code == 400
    assert "不是 Excel 工作簿" in response.content.decode()


def test_the_upload_page_dry_run_writes_nothing(client, personas, grid):
    login(client, personas.admin)
    data = workbook_bytes(HEADERS, [register_row("甲厂")])
    response = client.post(reverse("enterprises:import"), {"file": upload(data), "dry_run": "on"})
    assert "试导入通过" in response.content.decode()
    assert not Enterprise.objects.exists()


def test_the_template_download_is_a_workbook_the_import_accepts(client, personas, grid):
    from core.spreadsheets import open_table

    login(client, personas.admin)
    response = client.get(reverse("enterprises:import_template"))
    table = open_table(io.BytesIO(response.content), HEADERS)
    assert table.headers == HEADERS
    assert len(list(table.rows())) == 1


def test_an_importer_who_may_not_see_an_enterprise_cannot_overwrite_it(
    personas, grid, enterprise_b, monkeypatch
):
    from grid import roles, scoping

    # Should imports ever be opened to supervisors, their scope still bounds them.
    monkeypatch.setitem(scoping._ALLOWED, "enterprise.import", {roles.SUPERVISOR})
    result = import_enterprises(
        xlsx(register_row("改名", enterprise_b.uscc)), by=personas.supervisor
    )
    assert result.errors == [
        (2, "统一社会信用代码", "该统一社会信用代码已登记，请联系县级管理员。")
    ]
    enterprise_b.refresh_from_db()
    assert enterprise_b.name == "南村化工厂"
    outside = import_enterprises(
        xlsx(register_row("乙镇新企业", 所属网格="乙镇/第一工作区/南村")), by=personas.supervisor
    )
    assert [(r, c) for r, c, _m in outside.errors] == [(2, "所属网格")]


def test_a_large_upload_runs_as_a_background_job_and_shows_its_result(
    client, personas, grid, settings, django_capture_on_commit_callbacks
):
    from jobs.models import Job

    settings.IMPORT_INLINE_MAX_BYTES = 1  # every file counts as large
    login(client, personas.admin)
    data = workbook_bytes(HEADERS, [register_row(), register_row(name="示范县甲镇兴旺机械厂")])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("enterprises:import"), {"file": upload(data)})
    job = Job.objects.get(user=personas.admin, kind="import_enterprises")
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert job.result["created"] == 2
    assert Enterprise.objects.count() == 2
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "新增 2 条" in page


def test_a_large_dry_run_in_the_background_writes_nothing(
    client, personas, grid, settings, django_capture_on_commit_callbacks
):
    from jobs.models import Job

    settings.IMPORT_INLINE_MAX_BYTES = 1
    login(client, personas.admin)
    data = workbook_bytes(HEADERS, [register_row()])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enterprises:import"), {"file": upload(data), "dry_run": "on"})
    job = Job.objects.get(user=personas.admin, kind="import_enterprises")
    assert job.result["dry_run"] is True
    assert Enterprise.objects.count() == 0
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "未写入任何数据" in page
