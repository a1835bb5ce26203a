import datetime

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from hazards.models import Status
from tests.reports.conftest import bulk_hazards

D = datetime.date


def test_export_summary_writes_every_township_and_the_total(seed004, tmp_path):
    out = tmp_path / "汇总.xlsx"
    call_command(
        "export_summary", "--from", "2026-01-01", "--to", "2026-06-30",
        "--as-of", "2026-07-15", "--out", str(out),
    )  # fmt: skip
    ws = load_workbook(out)["汇总"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows] == ["甲镇", "乙镇", "合计"]
    assert rows[-1][5:7] == (1178, 1107)
    assert not list(tmp_path.glob(".partial-*"))


def test_export_summary_for_one_township_by_name(seed004, tmp_path):
    out = tmp_path / "b.xlsx"
    call_command(
        "export_summary", "--from", "2026-01-01", "--to", "2026-06-30",
        "--township", "乙镇", "--out", str(out),
    )  # fmt: skip
    rows = list(load_workbook(out)["汇总"].iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows] == ["乙镇", "合计"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--township", "无此镇"], "乡镇“无此镇”不存在"),
        (["--as-of", "2026-13-01"], "格式不正确"),
        (["--from", "2026-07-01"], "结束日不能早于开始日"),
    ],
)
def test_export_summary_refuses_bad_arguments_in_chinese(grid, tmp_path, args, message):
    out = tmp_path / "x.xlsx"
    base = {"--from": "2026-01-01", "--to": "2026-06-30"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    argv = [item for pair in base.items() for item in pair]
    with pytest.raises(CommandError, match=message):
        call_command("export_summary", *argv, "--out", str(out))
    assert not out.exists()


def test_export_commands_refuse_an_output_that_is_not_xlsx(grid, tmp_path):
    with pytest.raises(CommandError, match=".xlsx"):
        call_command("export_ledger", "--out", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="不存在"):
        call_command("export_ledger", "--out", str(tmp_path / "nope" / "x.xlsx"))


def test_export_ledger_applies_the_list_filters(grid, enterprise_a1, enterprise_b, tmp_path):
    bulk_hazards(enterprise_a1, 3, status=Status.DEADLINE, deadline=D(2026, 4, 1))
    bulk_hazards(enterprise_a1, 2, status=Status.CLOSED)
    bulk_hazards(enterprise_b, 4, status=Status.DEADLINE, deadline=D(2026, 4, 1))
    out = tmp_path / "l.xlsx"
    call_command(
        "export_ledger", "--status", "overdue", "--as-of", "2026-05-01",
        "--township", "甲镇", "--out", str(out),
    )  # fmt: skip
    wb = load_workbook(out)
    assert wb["隐患台账"].max_row - 2 == 3
    call_command("export_ledger", "--out", str(out))
    assert load_workbook(out)["隐患台账"].max_row - 2 == 9


def test_export_ledger_refuses_an_unknown_status(grid, tmp_path):
    with pytest.raises(CommandError, match="状态：选择一个有效的选项"):
        call_command("export_ledger", "--status", "nonsense", "--out", str(tmp_path / "x.xlsx"))


def test_export_overdue_lists_todays_overdue(grid, enterprise_a1, tmp_path, time_machine):
    time_machine.move_to(datetime.datetime(2026, 7, 15, 10, tzinfo=datetime.UTC))
    bulk_hazards(enterprise_a1, 2, status=Status.DEADLINE, deadline=D(2026, 7, 1))
    bulk_hazards(enterprise_a1, 1, status=Status.DEADLINE, deadline=D(2026, 8, 1))
    out = tmp_path / "o.xlsx"
    call_command("export_overdue", "--out", str(out))
    assert load_workbook(out)["逾期清单"].max_row - 2 == 2


def test_export_daily_writes_one_townships_day(grid, personas, enterprise_a1, tmp_path):
    from tests.reports.conftest import bulk_inspection

    bulk_inspection(enterprise_a1, personas.inspector, date=D(2026, 3, 1))
    out = tmp_path / "d.xlsx"
    call_command("export_daily", "--date", "2026-03-01", "--township", "甲镇", "--out", str(out))
    wb = load_workbook(out)
    assert "甲镇" in wb["检查情况"]["A1"].value
    assert wb["检查情况"].max_row - 2 == 1
