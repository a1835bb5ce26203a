"""Import of an old hazard ledger: states from dates, every error, nothing half-written."""

import datetime
import io
import time
import tracemalloc

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from core.models import NumberSequence
from grid import roles
from hazards import workflow
from hazards.imports import COLUMNS, import_hazards
from hazards.models import Hazard, HazardEvent, ImportBatch, ImportedRow, Status
from tests.conftest import login
from tests.factories import EnterpriseFactory, UserFactory, make_hazard

pytestmark = pytest.mark.django_db
S = Status
DAY = datetime.timedelta(days=1)


def today():
    return timezone.localdate()


def xlsx(rows, headers=COLUMNS):
    """A workbook with ``headers`` and ``rows`` (dicts by header, or lists) as bytes."""
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append([row.get(h) for h in headers] if isinstance(row, dict) else list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(data, name="台账.xlsx"):
    return SimpleUploadedFile(name, data)


def row(enterprise, **values):
    base = {
        "统一社会信用代码": enterprise.uscc,
        "企业名称": enterprise.name,
        "隐患描述": "配电箱未接地",
        "部位": "一号车间",
        "隐患等级": "一般",
        "隐患类别": "物的不安全状态",
        "发现日期": today() - 30 * DAY,
        "检查人员": "张三、李四",
        "整改措施": "加装接地线",
        "整改责任人": "王五",
        "整改资金": 500,
    }
    base.update(values)
    return base


def counts():
    return Hazard.objects.count(), HazardEvent.objects.count(), NumberSequence.objects.count()


# --- states and events ----------------------------------------------------------------------


def test_the_state_of_each_row_follows_from_its_dates(personas, enterprise_a1):
    found = today() - 30 * DAY
    rows = [
        row(enterprise_a1, 隐患描述="只有发现日期"),
        row(enterprise_a1, 隐患描述="有期限", 整改期限=today() + 10 * DAY),
        row(
            enterprise_a1, 隐患描述="已整改", 整改期限=found + 5 * DAY, 整改完成日期=found + 3 * DAY
        ),
        row(
            enterprise_a1,
            隐患描述="已销号",
            整改期限=found + 5 * DAY,
            整改完成日期=found + 4 * DAY,
            销号日期=found + 6 * DAY,
        ),
    ]
    result = import_hazards(upload(xlsx(rows)), by=personas.county)
    assert result.errors == []
    assert (result.created, result.unchanged) == (4, 0)
    hazards = {h.description: h for h in Hazard.objects.all()}
    assert hazards["只有发现日期"].status == S.FOUND
    assert hazards["有期限"].status == S.DEADLINE
    assert hazards["有期限"].original_deadline == today() + 10 * DAY
    assert hazards["已整改"].status == S.FIXED
    assert hazards["已整改"].fixed_on == found + 3 * DAY
    assert hazards["已销号"].status == S.CLOSED
    assert hazards["已销号"].closed_on == found + 6 * DAY
    for hazard in hazards.values():
        [event] = hazard.events.all()
        assert (event.action, event.from_status, event.to_status) == ("import", "", hazard.status)
        assert event.actor == personas.county
        assert event.data["row"]["description"] == hazard.description
        assert hazard.finder_names == "张三、李四"
        assert hazard.enterprise == enterprise_a1
        assert hazard.township_id == enterprise_a1.township_id
        assert hazard.cell_id == enterprise_a1.cell_id
        assert hazard.category == "condition"
        assert str(hazard.funds_yuan) == "500.00"
    year = found.year
    assert sorted(h.number for h in hazards.values()) == [f"YH{year}-{n:06d}" for n in range(1, 5)]


def test_imported_hazards_take_part_in_the_workflow(personas, enterprise_a1):
    rows = [row(enterprise_a1, 整改完成日期=today() - DAY)]
    import_hazards(upload(xlsx(rows)), by=personas.county)
    hazard = Hazard.objects.get()
    assert hazard.fixed_by is None
    workflow.close_out(hazard, by=personas.supervisor, acceptance_note="复查合格")
    assert hazard.status == S.CLOSED
    assert [e.action for e in hazard.events.order_by("id")] == ["import", "close_out"]


def test_a_major_hazard_imported_as_closed_is_kept_with_the_rule_in_its_event(
    personas, enterprise_a1
):
    found = today() - 60 * DAY
    rows = [
        row(
            enterprise_a1,
            隐患等级="重大",
            发现日期=found,
            整改期限=found + 20 * DAY,
            整改完成日期=found + 15 * DAY,
            销号日期=found + 25 * DAY,
        )
    ]
    result = import_hazards(upload(xlsx(rows)), by=personas.admin)
    assert result.ok
    hazard = Hazard.objects.get()
    assert (hazard.level, hazard.status) == ("major", S.CLOSED)
    note = hazard.events.get().note
    assert "历史记录" in note
    assert "未经本系统县级验收" in note


@pytest.mark.parametrize(
    ("label", "value"),
    [("物的不安全状态", "condition"), ("人的不安全行为", "behaviour"), ("管理缺陷", "management")],
)
def test_the_category_labels_are_accepted(personas, enterprise_a1, label, value):
    import_hazards(upload(xlsx([row(enterprise_a1, 隐患类别=label)])), by=personas.county)
    assert Hazard.objects.get().category == value


def test_dates_typed_as_text_are_read(personas, enterprise_a1):
    rows = [
        row(enterprise_a1, 发现日期="2025/3/1", 整改期限="2025年3月15日", 整改完成日期="20250310")
    ]
    assert import_hazards(upload(xlsx(rows)), by=personas.county).ok
    hazard = Hazard.objects.get()
    assert hazard.found_on == datetime.date(2025, 3, 1)
    assert hazard.deadline == datetime.date(2025, 3, 15)
    assert hazard.fixed_on == datetime.date(2025, 3, 10)


def test_only_the_required_columns_are_needed(personas, enterprise_a1):
    headers = ["统一社会信用代码", "企业名称", "隐患描述", "隐患等级", "隐患类别", "发现日期"]
    result = import_hazards(upload(xlsx([row(enterprise_a1)], headers=headers)), by=personas.county)
    assert result.ok
    assert Hazard.objects.get().status == S.FOUND


# --- numbers --------------------------------------------------------------------------------


def test_numbers_in_the_file_are_kept_and_later_numbers_never_collide(personas, enterprise_a1):
    found = today() - 10 * DAY
    year = found.year
    rows = [
        row(enterprise_a1, 隐患编号=f"YH{year}-000120", 发现日期=found),
        row(enterprise_a1, 隐患编号=f"yh{year}-000007", 发现日期=found),
        row(enterprise_a1, 发现日期=found),
    ]
    result = import_hazards(upload(xlsx(rows)), by=personas.county)
    assert result.ok
    numbers = set(Hazard.objects.values_list("number", flat=True))
    assert numbers == {f"YH{year}-000120", f"YH{year}-000007", f"YH{year}-000121"}
    registered = make_hazard(enterprise_a1, personas.inspector, found_on=found)
    assert registered.number == f"YH{year}-000122"


# --- errors ---------------------------------------------------------------------------------


def test_every_error_is_reported_with_row_and_column_and_nothing_is_written(
    personas, enterprise_a1, enterprise_a2
):
    found = today() - 30 * DAY
    rows = [
        row(enterprise_a1),  # row 2: fine
        row(enterprise_a1, 隐患等级="较大"),  # 3
        row(enterprise_a1, 发现日期=today() + DAY),  # 4
        row(enterprise_a1, 整改完成日期=found + 5 * DAY, 销号日期=found + 2 * DAY),  # 5
        row(enterprise_a1, 销号日期=found + 2 * DAY),  # 6
        row(enterprise_a1, 整改完成日期=found - DAY),  # 7
        row(enterprise_a1, 统一社会信用代码="91110000000000000X"),  # 8
        row(enterprise_a1, 企业名称="别的公司"),  # 9
        row(enterprise_a1, 隐患编号="YH25-1"),  # 10
        row(enterprise_a1, 隐患编号="YH2025-000001"),  # 11
        row(enterprise_a1, 隐患编号="YH2025-000001"),  # 12
        row(enterprise_a1, 整改资金="五百元"),  # 13
        row(enterprise_a1, 隐患类别="消防"),  # 14
        row(enterprise_a1, 隐患描述="", 发现日期="昨天"),  # 15
        row(enterprise_a1, 整改期限=found - DAY),  # 16
        row(enterprise_a2, 整改完成日期=today() + DAY),  # 17
        row(enterprise_a1, 部位="很" * 201),  # 18
    ]
    before = counts()
    result = import_hazards(upload(xlsx(rows)), by=personas.county)
    assert (result.created, result.unchanged) == (0, 0)
    where = [(e.row, e.column) for e in result.errors]
    assert where == [
        (3, "隐患等级"),
        (4, "发现日期"),
        (5, "销号日期"),
        (6, "整改完成日期"),
        (7, "整改完成日期"),
        (8, "统一社会信用代码"),
        (9, "企业名称"),
        (10, "隐患编号"),
        (12, "隐患编号"),
        (13, "整改资金"),
        (14, "隐患类别"),
        (15, "隐患描述"),
        (15, "发现日期"),
        (16, "整改期限"),
        (17, "整改完成日期"),
        (18, "部位"),
    ]
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert "别的公司" in messages[(9, "企业名称")]
    assert enterprise_a1.name in messages[(9, "企业名称")]
    assert "第 11 行" in messages[(12, "隐患编号")]
    assert "晚于今天" in messages[(4, "发现日期")]
    assert "须同时填写整改完成日期" in messages[(6, "整改完成日期")]
    assert str(result.errors[0]) == "第 3 行“隐患等级”列：应为“一般”或“重大”。"
    assert counts() == before


def test_an_enterprise_outside_the_importers_scope_is_refused(
    personas, grid, enterprise_a1, enterprise_b
):
    county_b = UserFactory(username="county_b", role=roles.COUNTY, cells=[grid.town_b])
    result = import_hazards(upload(xlsx([row(enterprise_b), row(enterprise_a1)])), by=county_b)
    assert [(e.row, e.column) for e in result.errors] == [(3, "统一社会信用代码")]
    assert "管辖范围" in result.errors[0].message
    assert not Hazard.objects.exists()


def test_only_admin_and_county_users_may_import(personas, enterprise_a1):
    data = xlsx([row(enterprise_a1)])
    for user in (personas.inspector, personas.supervisor):
        with pytest.raises(PermissionDenied, match="^$"):  # the role check's bare refusal
            import_hazards(upload(data), by=user)
    assert not Hazard.objects.exists()


def test_the_workflow_refuses_records_outside_the_users_scope(personas, grid, enterprise_a1):
    county_b = UserFactory(username="county_b", role=roles.COUNTY, cells=[grid.town_b])
    record = workflow.ImportRecord(
        line=2,
        number="",
        uscc=enterprise_a1.uscc,
        enterprise_id=enterprise_a1.pk,
        cell_id=enterprise_a1.cell_id,
        township_id=enterprise_a1.township_id,
        industry=enterprise_a1.industry,
        description="x",
        location="",
        level="general",
        category="condition",
        found_on=today(),
        finder_names="",
        measures="",
        responsible_person="",
        funds_yuan=None,
        deadline=None,
        fixed_on=None,
        closed_on=None,
    )
    with pytest.raises(workflow.NotAllowed, match="不在您的管辖范围内"):
        workflow.import_records([record], by=county_b)
    with pytest.raises(workflow.NotAllowed, match="您的角色不能执行“导入”操作"):
        workflow.import_records([record], by=personas.supervisor)
    assert not Hazard.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused_in_chinese(personas):
    result = import_hazards(upload("隐患台账".encode() * 100, "台账.xlsx"), by=personas.county)
    [error] = result.errors
    assert error.row is None
    assert "不是 Excel 工作簿" in error.message
    assert not Hazard.objects.exists()


def test_a_header_row_missing_required_columns_is_refused(personas, enterprise_a1):
    result = import_hazards(
        upload(xlsx([["x", "y"]], headers=["企业名称", "隐患描述"])), by=personas.county
    )
    [error] = result.errors
    assert "缺少列" in error.message
    assert "统一社会信用代码" in error.message


def test_a_workbook_without_data_rows_is_refused(personas):
    result = import_hazards(upload(xlsx([])), by=personas.county)
    assert "没有数据行" in result.errors[0].message


# --- idempotence ----------------------------------------------------------------------------


def test_importing_the_same_numbered_file_twice_changes_nothing(personas, enterprise_a1):
    year = (today() - 30 * DAY).year
    rows = [
        row(enterprise_a1, 隐患编号=f"YH{year}-000001", 整改期限=today() + 5 * DAY),
        row(enterprise_a1, 隐患编号=f"YH{year}-000002", 整改完成日期=today() - DAY),
    ]
    data = xlsx(rows)
    first = import_hazards(upload(data), by=personas.county)
    assert (first.created, first.unchanged) == (2, 0)
    # The hazards move on in the system; the old file still describes what was imported.
    fixed = Hazard.objects.get(number=f"YH{year}-000002")
    workflow.close_out(fixed, by=personas.supervisor, acceptance_note="合格")
    before = counts()
    # The same rows in another file (the file itself is refused: see below).
    second = import_hazards(upload(xlsx(rows[::-1])), by=personas.county)
    assert second.errors == []
    assert (second.created, second.unchanged) == (0, 2)
    assert counts() == before


def test_a_known_number_with_different_content_is_an_error_and_nothing_is_written(
    personas, enterprise_a1
):
    year = (today() - 30 * DAY).year
    import_hazards(
        upload(xlsx([row(enterprise_a1, 隐患编号=f"YH{year}-000001")])), by=personas.county
    )
    before = counts()
    rows = [
        row(enterprise_a1, 隐患编号=f"YH{year}-000001", 隐患描述="改过的描述", 整改资金=800),
        row(enterprise_a1, 隐患编号=f"YH{year}-000009"),
    ]
    result = import_hazards(upload(xlsx(rows)), by=personas.county)
    [error] = result.errors
    assert (error.row, error.column) == (2, "隐患编号")
    assert "隐患描述" in error.message and "整改资金" in error.message
    assert "不会被改写" in error.message
    assert counts() == before
    assert Hazard.objects.get().description == "配电箱未接地"


def test_a_number_registered_in_the_system_is_compared_with_its_facts(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, description="灭火器过期")
    same = row(
        enterprise_a1,
        隐患编号=hazard.number,
        隐患描述="灭火器过期",
        发现日期=hazard.found_on,
        部位=hazard.location,
        检查人员="",
        整改措施="",
        整改责任人="",
        整改资金=None,
    )
    result = import_hazards(upload(xlsx([same])), by=personas.county)
    assert (result.errors, result.unchanged, result.created) == ([], 1, 0)
    other = {**same, "隐患描述": "别的隐患"}
    result = import_hazards(upload(xlsx([other])), by=personas.county)
    assert [(e.row, e.column) for e in result.errors] == [(2, "隐患编号")]


def test_importing_the_same_file_without_numbers_twice_is_refused_with_its_date(
    personas, enterprise_a1
):
    """Rows without a 隐患编号 get new numbers each time: only the file's SHA-256 can tell."""
    data = xlsx([row(enterprise_a1), row(enterprise_a1, 隐患描述="灭火器过期")])
    first = import_hazards(upload(data), by=personas.county)
    assert (first.errors, first.created) == ([], 2)
    batch = ImportBatch.objects.get()
    before = counts()

    second = import_hazards(upload(data, name="改了名字.xlsx"), by=personas.admin)

    when = timezone.localtime(batch.imported_at).strftime("%Y-%m-%d %H:%M")
    assert [str(e) for e in second.errors] == [f"该文件已于 {when} 导入过，不再重复导入。"]
    assert counts() == before
    assert ImportBatch.objects.count() == 1


def test_a_dry_run_of_an_imported_file_says_so_and_a_dry_run_records_nothing(
    personas, enterprise_a1
):
    data = xlsx([row(enterprise_a1)])
    assert import_hazards(upload(data), by=personas.county, dry_run=True).ok
    assert ImportBatch.objects.count() == 0
    import_hazards(upload(data), by=personas.county)

    again = import_hazards(upload(data), by=personas.county, dry_run=True)

    assert "导入过，不再重复导入" in again.errors[0].message


def test_rows_without_numbers_imported_before_are_skipped_and_reported_by_row(
    personas, enterprise_a1
):
    """The same sheet with a row added: only the new row is imported."""
    old = [row(enterprise_a1), row(enterprise_a1, 隐患描述="灭火器过期")]
    import_hazards(upload(xlsx(old)), by=personas.county)
    numbers = dict(Hazard.objects.values_list("description", "number"))
    before = counts()

    result = import_hazards(
        upload(xlsx([*old, row(enterprise_a1, 隐患描述="安全出口堵塞")])), by=personas.county
    )

    assert (result.errors, result.created, result.unchanged) == ([], 1, 2)
    assert [(r.row, r.message) for r in result.skipped] == [
        (2, f"此行已于 {_imported_on()} 导入（隐患编号 {numbers['配电箱未接地']}），本次跳过。"),
        (3, f"此行已于 {_imported_on()} 导入（隐患编号 {numbers['灭火器过期']}），本次跳过。"),
    ]
    assert Hazard.objects.count() == before[0] + 1
    assert Hazard.objects.filter(description="安全出口堵塞").count() == 1


def _imported_on():
    batch = ImportBatch.objects.order_by("imported_at").first()
    return timezone.localtime(batch.imported_at).strftime("%Y-%m-%d")


def test_identical_rows_in_one_file_are_each_a_hazard_and_are_recognised_one_by_one(
    personas, enterprise_a1
):
    import_hazards(upload(xlsx([row(enterprise_a1), row(enterprise_a1)])), by=personas.county)

    result = import_hazards(upload(xlsx([row(enterprise_a1)] * 3)), by=personas.county)

    assert (result.created, result.unchanged) == (1, 2)
    assert Hazard.objects.count() == 3
    assert ImportedRow.objects.count() == 3


def test_the_database_refuses_a_second_batch_of_the_same_file(personas, enterprise_a1):
    from django.db import IntegrityError, transaction

    import_hazards(upload(xlsx([row(enterprise_a1)])), by=personas.county)
    batch = ImportBatch.objects.get()

    with pytest.raises(IntegrityError, match="importbatch|UNIQUE|unique"), transaction.atomic():
        ImportBatch.objects.create(file_sha256=batch.file_sha256, rows=1, created=1)


def test_uploading_an_imported_file_again_shows_the_date_and_imports_nothing(
    client, personas, enterprise_a1
):
    login(client, personas.county)
    data = xlsx([row(enterprise_a1)])
    client.post(reverse("hazards:import"), {"file": upload(data)})

    response = client.post(reverse("hazards:import"), {"file": upload(data)})

    assert response.status_code == 400
    assert "导入过，不再重复导入" in response.content.decode()
    assert Hazard.objects.count() == 1


def test_the_upload_page_lists_the_rows_it_skipped(client, personas, enterprise_a1):
    login(client, personas.county)
    client.post(reverse("hazards:import"), {"file": upload(xlsx([row(enterprise_a1)]))})
    both = xlsx([row(enterprise_a1), row(enterprise_a1, 隐患描述="灭火器过期")])

    response = client.post(reverse("hazards:import"), {"file": upload(both)})

    body = response.content.decode()
    assert response.status_code == 200
    assert "以下行此前已导入，本次跳过" in body
    assert "本次跳过。" in body
    assert Hazard.objects.count() == 2


# --- dry run, progress, command -------------------------------------------------------------


def test_a_dry_run_reports_what_would_be_created_and_writes_nothing(personas, enterprise_a1):
    before = counts()
    result = import_hazards(
        upload(xlsx([row(enterprise_a1), row(enterprise_a1)])), by=personas.county, dry_run=True
    )
    assert (result.ok, result.created, result.dry_run) == (True, 2, True)
    assert counts() == before


def test_the_command_imports_checks_and_refuses(personas, enterprise_a1, tmp_path):
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx([row(enterprise_a1)]))
    out = io.StringIO()
    call_command("import_hazards", str(good), "--dry-run", stdout=out)
    assert "将新增 1 条" in out.getvalue()
    assert not Hazard.objects.exists()
    out = io.StringIO()
    call_command("import_hazards", str(good), "--user", "county", stdout=out)
    assert "新增 1 条" in out.getvalue()
    assert Hazard.objects.get().events.get().actor == personas.county
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([row(enterprise_a1, 隐患等级="?")]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_hazards", str(bad), stderr=err)
    assert "第 2 行“隐患等级”列" in err.getvalue()
    with pytest.raises(CommandError, match="无权"):
        call_command("import_hazards", str(good), "--user", "supervisor_a")
    assert Hazard.objects.count() == 1


# --- the upload page ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("county", 200),
        ("supervisor", 403),
        ("inspector", 403),
        ("other_supervisor", 403),
    ],
)
def test_the_upload_page_is_for_admin_and_county_users(client, personas, persona, status):
    login(client, getattr(personas, persona))
    response = client.get(reverse("hazards:import"))
    assert response.status_code == status
    if status == 200:
        assert "导入隐患台账" in response.content.decode()


def test_the_upload_page_needs_a_login(client):
    response = client.get(reverse("hazards:import"))
    assert response.status_code == 302


def test_uploading_a_ledger_imports_it(client, personas, enterprise_a1):
    login(client, personas.county)
    response = client.post(
        reverse("hazards:import"), {"file": upload(xlsx([row(enterprise_a1)]))}, follow=True
    )
    assert response.status_code == 200
    assert "新增 1 条隐患" in response.content.decode()
    assert Hazard.objects.count() == 1


def test_uploading_a_bad_ledger_lists_every_error_and_imports_nothing(
    client, personas, enterprise_a1
):
    login(client, personas.admin)
    rows = [row(enterprise_a1), row(enterprise_a1, 隐患等级="?", 隐患类别="?")]
    response = client.post(reverse("hazards:import"), {"file": upload(xlsx(rows))})
    assert response.status_code == 400
    page = response.content.decode()
    assert "发现 2 处错误" in page
    assert "隐患等级" in page and "隐患类别" in page
    assert not Hazard.objects.exists()


def test_uploading_a_non_workbook_shows_a_message(client, personas):
    login(client, personas.admin)
    response = client.post(reverse("hazards:import"), {"file": upload(b"not a workbook", "x.xlsx")})
    assert response.status_code == 400
    assert "不是 Excel 工作簿" in response.content.decode()
    response = client.post(reverse("hazards:import"), {"file": upload(b"a,b", "x.csv")})
    assert response.status_code == 200
    assert "只能导入 .xlsx" in response.content.decode()


def test_a_dry_run_upload_writes_nothing(client, personas, enterprise_a1):
    login(client, personas.admin)
    response = client.post(
        reverse("hazards:import"),
        {"file": upload(xlsx([row(enterprise_a1)])), "dry_run": "on"},
    )
    assert "校验通过" in response.content.decode()
    assert not Hazard.objects.exists()


def test_the_template_workbook_has_the_header_row(client, personas):
    login(client, personas.county)
    response = client.get(reverse("hazards:import") + "?template=1")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in ws[1]] == COLUMNS
    login(client, personas.supervisor)
    assert client.get(reverse("hazards:import") + "?template=1").status_code == 403


# --- volume ---------------------------------------------------------------------------------


def _big_file(path, enterprises, rows):
    """Write ``rows`` rows with write-only openpyxl (the test's own memory stays small)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(COLUMNS)
    found = today() - 200 * DAY
    for i in range(rows):
        e = enterprises[i % len(enterprises)]
        kind = i % 4
        ws.append(
            [
                None,
                e.uscc,
                e.name,
                f"第{i}条隐患：配电箱未接地",
                "一号车间",
                "重大" if i % 97 == 0 else "一般",
                "物的不安全状态",
                found,
                "张三",
                "加装接地线",
                "王五",
                500,
                found + 10 * DAY if kind >= 1 else None,
                found + 8 * DAY if kind >= 2 else None,
                found + 9 * DAY if kind == 3 else None,
            ]
        )
    wb.save(path)


def _measure(path, by, progress=None):
    tracemalloc.start()
    started = time.perf_counter()
    result = import_hazards(str(path), by=by, progress=progress)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, elapsed, peak


def test_2000_rows_import_with_a_bounded_number_of_queries(
    personas, grid, tmp_path, django_assert_max_num_queries
):
    enterprises = [EnterpriseFactory(cell=grid.village_a1) for _ in range(20)]
    path = tmp_path / "2000.xlsx"
    _big_file(path, enterprises, 2000)
    calls = []
    # Batched INSERTs only (SQLite takes 999 parameters per statement): about 84 for the
    # hazards, 50 for their state intervals, 18 for the events, 9 for the fingerprints of
    # the rows without a number, plus a dozen lookups, whatever the file's size.
    with django_assert_max_num_queries(185):
        result, elapsed, peak = _measure(
            path, personas.county, progress=lambda d, t: calls.append((d, t))
        )
    assert result.errors == []
    assert result.created == 2000
    assert Hazard.objects.count() == 2000
    assert HazardEvent.objects.filter(action="import").count() == 2000
    assert Hazard.objects.filter(status=S.CLOSED).count() == 500
    # A write-only workbook declares no size: the total is known only at the end.
    assert calls == [(500, None), (1000, None), (1500, None), (2000, None), (2000, 2000)]
    print(f"\n2,000 rows: {elapsed:.2f} s, peak traced memory {peak / 2**20:.1f} MiB")


def _slow_enabled(config):
    return "slow" in (config.getoption("-m") or "")


@pytest.mark.slow
def test_50000_rows_import_in_one_go(request, personas, grid, tmp_path):
    if not _slow_enabled(request.config):
        pytest.skip("run with -m slow (make reliability)")
    enterprises = [EnterpriseFactory(cell=grid.village_a1) for _ in range(200)]
    path = tmp_path / "50000.xlsx"
    _big_file(path, enterprises, 50_000)
    result, elapsed, peak = _measure(path, personas.county)
    assert result.errors == []
    assert result.created == 50_000
    assert Hazard.objects.count() == 50_000
    assert HazardEvent.objects.count() == 50_000
    print(f"\n50,000 rows: {elapsed:.1f} s, peak traced memory {peak / 2**20:.1f} MiB")
    assert peak < 400 * 2**20


def test_a_large_ledger_upload_is_handed_to_the_worker_and_its_errors_shown(
    client, personas, enterprise_a1, settings, django_capture_on_commit_callbacks
):
    from jobs.models import Job

    settings.IMPORT_INLINE_MAX_BYTES = 1  # every file counts as large
    login(client, personas.admin)
    rows = [row(enterprise_a1), row(enterprise_a1, 隐患等级="?")]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("hazards:import"), {"file": upload(xlsx(rows))})
    job = Job.objects.get(user=personas.admin, kind="import_hazards")
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert [(r, c) for r, c, _m in job.import_errors] == [(3, "隐患等级")]
    assert not Hazard.objects.exists()
