"""Importing paper inspections and enforcement actions (issue 12): every error by row and
column in Chinese, nothing written unless every row is valid, the same file twice changes
nothing, a template to download, the commands and the upload pages."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.spreadsheets import workbook_bytes
from inspections.imports import (
    ENFORCEMENT_OPTIONAL,
    ENFORCEMENT_REQUIRED,
    INSPECTION_OPTIONAL,
    INSPECTION_REQUIRED,
    import_enforcement,
    import_inspections,
)
from inspections.models import EnforcementAction, Inspection, InspectionGroup, Outing
from tests.conftest import login

INSPECTION_HEADERS = INSPECTION_REQUIRED + INSPECTION_OPTIONAL
ENFORCEMENT_HEADERS = ENFORCEMENT_REQUIRED + ENFORCEMENT_OPTIONAL


def xlsx(headers, rows):
    return io.BytesIO(workbook_bytes(headers, rows))


def _visits(a1, b, inspector):
    inspector.first_name = "赵网格"
    inspector.save()
    return [
        ["2020-03-05", a1.uscc, a1.name, "第12检查组", "赵网格、李四", "专项检查", "", ""],
        ["2020-03-05", b.uscc, b.name, "第12检查组", "李四 王专家", "", "", ""],
        ["2020-03-06", a1.uscc, a1.name, "第3检查组", "张三，张三", "", "", "复查整改"],
    ]


def _errors(result):
    return {(e.row, e.column) for e in result.errors}


@pytest.mark.django_db
def test_rows_of_one_group_on_one_date_are_one_outing_and_a_second_import_changes_nothing(
    grid, personas, enterprise_a1, enterprise_b
):
    rows = _visits(enterprise_a1, enterprise_b, personas.inspector)
    result = import_inspections(xlsx(INSPECTION_HEADERS, rows), by=personas.county)
    assert result.ok, result.errors
    assert (result.created, result.outings) == (3, 2)
    twelve = Outing.objects.get(group__name="第12检查组")
    assert twelve.group.unit == grid.county
    assert twelve.person_count == 3  # 赵网格, 李四, 王专家: each once
    assert list(twelve.present.all()) == [personas.inspector]
    assert twelve.guest_names == "李四、王专家"
    assert Outing.objects.get(group__name="第3检查组").person_count == 1  # 张三 twice: once
    visit = Inspection.objects.get(outing=twelve, enterprise=enterprise_a1)
    assert visit.is_imported and visit.status == Inspection.Status.SUBMITTED
    assert visit.kind == Inspection.Kind.SPECIAL and not visit.items.exists()
    assert list(visit.inspectors.all()) == [personas.inspector]

    before = list(Outing.objects.values_list("pk", "person_count", "guest_names"))
    again = import_inspections(xlsx(INSPECTION_HEADERS, rows), by=personas.county)
    assert (again.created, again.unchanged, again.outings) == (0, 3, 0)
    assert Inspection.objects.count() == 3 and InspectionGroup.objects.count() == 2
    assert list(Outing.objects.values_list("pk", "person_count", "guest_names")) == before


@pytest.mark.django_db
def test_bad_inspection_rows_are_reported_by_row_and_column_and_nothing_is_written(
    grid, personas, enterprise_a1, enterprise_b
):
    a1 = enterprise_a1
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    rows = [
        ["2020-03-05", "91110000MA00000000", "无名厂", "第1组", "张三", "", "", ""],
        ["2020-03-05", a1.uscc, a1.name, "第1组", "", "", "", ""],
        [future, a1.uscc, a1.name, "第1组", "张三", "", "", ""],
        ["1999-12-31", a1.uscc, a1.name, "第1组", "张三", "", "", ""],
        ["2020-03-07", a1.uscc, a1.name, "第1组", "张三", "巡查", "", ""],
        ["2020-03-08", a1.uscc, a1.name, "第1组", "张三、张三", "执法检查", "", ""],
        ["2020-03-09", a1.uscc, "别的名字", "第1组", "张三", "", "", ""],
    ]
    result = import_inspections(xlsx(INSPECTION_HEADERS, rows), by=personas.county)
    assert _errors(result) == {
        (2, "统一社会信用代码"),
        (3, "检查人员"),
        (4, "检查日期"),
        (5, "检查日期"),
        (6, "检查类型"),
        (7, "检查人员"),
        (8, "企业名称"),
    }
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert "不在企业名录中" in messages[(2, "统一社会信用代码")]
    assert "晚于今天" in messages[(4, "检查日期")]
    assert "2000" in messages[(5, "检查日期")]
    assert "执法检查须有两名及以上执法人员" in messages[(7, "检查人员")]
    assert "第 4 行“检查日期”列" in str(result.errors[2])
    assert not Inspection.objects.exists() and not Outing.objects.exists()


@pytest.mark.django_db
def test_a_wrong_header_row_names_the_template(personas):
    result = import_inspections(xlsx(["日期", "企业"], [["2020-01-01", "x"]]), by=personas.county)
    assert not result.ok
    assert "缺少列" in result.errors[0].message and "检查组" in result.errors[0].message


@pytest.mark.django_db
def test_only_county_users_and_administrators_import(personas, enterprise_a1):
    result = import_inspections(xlsx(INSPECTION_HEADERS, []), by=personas.supervisor)
    assert result.errors[0].message == "您没有导入检查记录的权限。"
    result = import_enforcement(xlsx(ENFORCEMENT_HEADERS, []), by=personas.inspector)
    assert result.errors[0].message == "您没有导入执法记录的权限。"


def _actions(a1, b):
    return [
        ["2020-03-06", a1.uscc, a1.name, "立案查处", "（2020）第001号", "5000", "未培训", ""],
        ["2020-03-06", a1.uscc, a1.name, "执法文书", "", "", "", "责令限期整改指令书"],
        ["2020-03-07", b.uscc, b.name, "约谈提醒", "", "", "", ""],
        ["2020-03-07", b.uscc, b.name, "约谈提醒", "", "", "", ""],
    ]


@pytest.mark.django_db
def test_enforcement_rows_import_once_however_often_the_file_is_imported(
    personas, enterprise_a1, enterprise_b
):
    rows = _actions(enterprise_a1, enterprise_b)
    result = import_enforcement(xlsx(ENFORCEMENT_HEADERS, rows), by=personas.county)
    assert result.ok, result.errors
    assert result.created == 4  # two identical talks are two talks
    case = EnforcementAction.objects.get(kind=EnforcementAction.Kind.CASE)
    assert case.fine_yuan == Decimal("5000.00") and case.document_number == "（2020）第001号"
    document = EnforcementAction.objects.get(kind=EnforcementAction.Kind.DOCUMENT)
    assert document.document_kind == EnforcementAction.DocumentKind.RECTIFY_ORDER
    again = import_enforcement(xlsx(ENFORCEMENT_HEADERS, rows), by=personas.county)
    assert (again.created, again.unchanged) == (0, 4)
    assert EnforcementAction.objects.count() == 4


@pytest.mark.django_db
def test_bad_enforcement_rows_are_reported_and_nothing_is_written(
    personas, enterprise_a1, enterprise_b
):
    a1 = enterprise_a1
    rows = [
        ["2020-03-06", a1.uscc, a1.name, "罚酒三杯", "", "", "", ""],
        ["2020-03-06", a1.uscc, a1.name, "立案查处", "A-1", "-5", "", ""],
        ["2020-03-06", a1.uscc, a1.name, "立案查处", "A-1", "五千", "", ""],
        ["2040-01-01", a1.uscc, a1.name, "约谈提醒", "", "", "", ""],
    ]
    result = import_enforcement(xlsx(ENFORCEMENT_HEADERS, rows), by=personas.county)
    assert _errors(result) == {
        (2, "类型"),
        (3, "罚款金额（元）"),
        (4, "罚款金额（元）"),
        (4, "文书编号"),
        (5, "日期"),
    }
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert messages[(3, "罚款金额（元）")] == "罚款金额不能为负数。"
    assert "第 3 行的文书编号重复" in messages[(4, "文书编号")]
    assert not EnforcementAction.objects.exists()


@pytest.mark.django_db
def test_a_numbered_document_that_differs_from_the_stored_one_is_refused(
    personas, enterprise_a1, enterprise_b
):
    rows = _actions(enterprise_a1, enterprise_b)[:1]
    import_enforcement(xlsx(ENFORCEMENT_HEADERS, rows), by=personas.county)
    rows[0][5] = "6000"
    result = import_enforcement(xlsx(ENFORCEMENT_HEADERS, rows), by=personas.county)
    assert _errors(result) == {(2, "文书编号")}
    assert EnforcementAction.objects.get().fine_yuan == Decimal("5000.00")


@pytest.mark.parametrize(
    "command, headers",
    [("import_inspections", INSPECTION_HEADERS), ("import_enforcement", ENFORCEMENT_HEADERS)],
)
@pytest.mark.django_db
def test_each_command_writes_its_template_with_a_sample_and_an_explanation(
    command, headers, tmp_path
):
    out = tmp_path / "模板.xlsx"
    call_command(command, "--template", str(out))
    wb = load_workbook(out)
    first, notes = wb.worksheets
    assert [c.value for c in first[1]] == headers
    assert first.max_row == 2  # the sample row
    assert [row[0] for row in notes.iter_rows(min_row=2, values_only=True)] == headers


@pytest.mark.django_db
def test_the_command_imports_and_refuses_a_bad_file_with_every_error(
    personas, enterprise_a1, enterprise_b, tmp_path, capsys
):
    personas.admin.is_superuser = True
    personas.admin.save()
    good = tmp_path / "检查.xlsx"
    good.write_bytes(
        workbook_bytes(INSPECTION_HEADERS, _visits(enterprise_a1, enterprise_b, personas.inspector))
    )
    call_command("import_inspections", str(good))
    assert "新增 3 条" in capsys.readouterr().out
    bad = tmp_path / "执法.xlsx"
    bad.write_bytes(workbook_bytes(ENFORCEMENT_HEADERS, [["2020-01-01", "x", "y", "z"]]))
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_enforcement", str(bad))
    assert "第 2 行“类型”列" in capsys.readouterr().err


@pytest.mark.parametrize("url", ["inspections:import", "inspections:enforcement_import"])
@pytest.mark.parametrize(
    "role, status",
    [("county", 200), ("admin", 200), ("supervisor", 403), ("inspector", 403)],
)
@pytest.mark.django_db
def test_the_upload_pages_per_role(client, personas, url, role, status):
    login(client, getattr(personas, role))
    assert client.get(reverse(url)).status_code == status
    template = client.get(reverse(url), {"template": "1"})
    assert template.status_code == status
    if status == 200:
        assert "attachment" in template["Content-Disposition"]


@pytest.mark.django_db
def test_the_upload_page_imports_a_file_and_shows_errors_with_status_400(
    client, personas, enterprise_a1, enterprise_b
):
    login(client, personas.county)
    rows = _visits(enterprise_a1, enterprise_b, personas.inspector)
    upload = xlsx(INSPECTION_HEADERS, rows)
    upload.name = "检查.xlsx"
    response = client.post(reverse("inspections:import"), {"file": upload}, follow=True)
    assert response.status_code == 200
    assert "新增 3 条检查记录" in response.content.decode()
    bad = xlsx(INSPECTION_HEADERS, [["2020-03-05", "x", "y", "第1组", "", "", "", ""]])
    bad.name = "坏.xlsx"
    response = client.post(reverse("inspections:import"), {"file": bad})
    assert response.status_code == 400
    assert "未导入任何数据" in response.content.decode()
    assert Inspection.objects.count() == 3
