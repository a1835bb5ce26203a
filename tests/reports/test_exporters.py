import datetime
import io
import tracemalloc
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from hazards.models import Level, Status
from reports import exporters
from reports.exporters import ExportError, build_exporter
from tests.reports.conftest import AS_OF, bulk_hazards, event

D = datetime.date

SUMMARY_HEADER = [
    "乡镇",
    "检查组数",
    "出动检查人次",
    "检查企业数（家次）",
    "检查企业数（家）",
    "一般隐患排查数",
    "一般隐患已整改数",
    "一般隐患整改率",
    "重大隐患排查数",
    "重大隐患已整改数",
    "重大隐患整改率",
    "整改率",
    "销号数",
    "销号率",
    "逾期未整改数",
    "按期整改率",
    "督办单数",
    "执法文书",
    "约谈提醒",
    "立案查处",
    "罚款(万元)",
]
LEDGER_HEADER = [
    "隐患编号",
    "企业名称",
    "统一社会信用代码",
    "乡镇",
    "网格",
    "行业",
    "隐患等级",
    "隐患类别",
    "专业类别",
    "隐患描述",
    "部位",
    "发现日期",
    "检查人员",
    "隐患来源",
    "整改措施",
    "整改责任人",
    "整改资金(元)",
    "整改期限",
    "原定期限",
    "状态",
    "逾期天数",
    "整改完成日期",
    "销号日期",
    "判定依据条款",
]
HISTORY_HEADER = ["隐患编号", "时间", "操作", "操作人", "原状态", "新状态", "说明"]
SUMMARY_PARAMS = {"found_from": "2026-01-01", "found_to": "2026-06-30", "as_of": "2026-07-15"}


def workbook(exporter):
    buffer = io.BytesIO()
    written = exporter.write(buffer)
    buffer.seek(0)
    return load_workbook(buffer), written


def data_rows(ws, first=3):
    return [list(r) for r in ws.iter_rows(min_row=first, values_only=True)]


# --- county summary -------------------------------------------------------------------------


def test_the_summary_sheet_has_the_title_the_exact_header_and_a_total(seed004, personas):
    wb, written = workbook(build_exporter("summary", personas.county, SUMMARY_PARAMS))
    ws = wb["汇总"]
    assert "示范县" in ws["A1"].value and "2026-01-01" in ws["A1"].value
    assert "2026-07-15" in ws["A1"].value
    assert [c.value for c in ws[2]] == SUMMARY_HEADER
    rows = data_rows(ws)
    assert [r[0] for r in rows] == ["甲镇", "乙镇", "合计"]
    assert written == 3
    assert ws.freeze_panes == "A3"
    assert ws.page_setup.orientation == "landscape"


def test_the_summary_figures_and_rates_are_typed_cells(seed004, personas):
    wb, _ = workbook(build_exporter("summary", personas.county, SUMMARY_PARAMS))
    ws = wb["汇总"]
    a = {h: c for h, c in zip(SUMMARY_HEADER, ws[3], strict=True)}
    assert a["一般隐患排查数"].value == 1178 and a["一般隐患排查数"].data_type == "n"
    assert a["一般隐患已整改数"].value == 1107
    assert a["一般隐患整改率"].number_format == "0.00%"
    assert float(a["一般隐患整改率"].value) == pytest.approx(0.9397)
    assert float(a["重大隐患整改率"].value) == pytest.approx(0.80)
    assert (a["重大隐患排查数"].value, a["重大隐患已整改数"].value) == (5, 4)
    assert a["逾期未整改数"].value == 40
    assert (a["检查组数"].value, a["出动检查人次"].value) == (3, 9)
    assert (a["检查企业数（家次）"].value, a["检查企业数（家）"].value) == (3, 2)
    assert (a["执法文书"].value, a["约谈提醒"].value, a["立案查处"].value) == (3, 1, 2)
    assert float(a["罚款(万元)"].value) == pytest.approx(21.221)
    assert a["罚款(万元)"].number_format == "0.0#####"  # shows 21.221, not 21.2210
    assert float(a["整改率"].value) == pytest.approx(1111 / 1183, abs=5e-5)
    assert a["整改率"].number_format == "0.00%"
    assert (a["销号数"].value, a["督办单数"].value) == (604, 1)
    assert float(a["销号率"].value) == pytest.approx(0.5106)
    assert float(a["按期整改率"].value) == pytest.approx(0.5437)
    assert a["按期整改率"].number_format == "0.00%"


def test_a_township_with_no_hazards_has_empty_rate_cells(seed004, personas):
    wb, _ = workbook(build_exporter("summary", personas.county, SUMMARY_PARAMS))
    b = dict(zip(SUMMARY_HEADER, data_rows(wb["汇总"])[1], strict=True))
    assert b["乡镇"] == "乙镇"
    assert b["一般隐患排查数"] == 0
    for rate in ("一般隐患整改率", "重大隐患整改率", "整改率", "销号率", "按期整改率"):
        assert b[rate] == "—", rate


def test_the_total_row_equals_the_sum_of_the_township_rows(seed004, personas):
    wb, _ = workbook(build_exporter("summary", personas.county, SUMMARY_PARAMS))
    *townships, total = data_rows(wb["汇总"])
    assert total[0] == "合计"
    for index, header in enumerate(SUMMARY_HEADER):
        if header.endswith("率") or index == 0:
            continue
        assert total[index] == pytest.approx(sum(r[index] for r in townships)), header
    assert float(total[7]) == pytest.approx(0.9397)
    assert float(total[10]) == pytest.approx(0.80)


def test_a_township_supervisors_summary_has_only_their_township(seed004, personas):
    wb, _ = workbook(build_exporter("summary", personas.supervisor, SUMMARY_PARAMS))
    assert [r[0] for r in data_rows(wb["汇总"])] == ["甲镇", "合计"]
    wb, _ = workbook(build_exporter("summary", personas.other_supervisor, SUMMARY_PARAMS))
    rows = data_rows(wb["汇总"])
    assert [r[0] for r in rows] == ["乙镇", "合计"]
    assert rows[0][5] == 0


def test_an_inspector_may_not_export_the_summary(grid, personas):
    with pytest.raises(PermissionDenied, match="^$"):  # the role check's bare refusal
        build_exporter("summary", personas.inspector, SUMMARY_PARAMS)


def test_bad_summary_parameters_are_refused_in_chinese(grid, personas):
    with pytest.raises(ExportError) as exc:
        build_exporter(
            "summary", personas.county, {"found_from": "2026-06-01", "found_to": "2026-01-01"}
        )
    assert "结束日不能早于开始日" in exc.value.message
    with pytest.raises(ExportError, match="乡镇：选择一个有效的选项"):
        build_exporter("summary", personas.supervisor, {"township": str(grid.town_b.pk)})


def test_an_unknown_exporter_is_refused(grid, personas):
    with pytest.raises(ExportError, match="未知的导出类型"):
        build_exporter("nonsense", personas.county, {})


def test_the_registry_names_every_exporter():
    assert set(exporters.EXPORTERS) == {"summary", "ledger", "overdue", "daily"}
    for identifier, cls in exporters.EXPORTERS.items():
        assert cls.identifier == identifier and str(cls.verbose_name)


# --- ledger ---------------------------------------------------------------------------------


def test_the_ledger_has_every_column_and_the_history_sheet(grid, personas, enterprise_a1):
    (hazard,) = bulk_hazards(
        enterprise_a1,
        1,
        status=Status.DEADLINE,
        found_on=D(2026, 3, 1),
        deadline=D(2026, 3, 31),
        description='=HYPERLINK("http://x","y")',
    )
    hazard.finders.add(personas.inspector, personas.inspector2)
    event(hazard, personas.inspector, "register", "", Status.FOUND, note="+登记")
    event(hazard, personas.inspector, "set_deadline", Status.FOUND, Status.DEADLINE)
    exporter = build_exporter("ledger", personas.county, {"as_of": "2026-04-10"})
    wb, written = workbook(exporter)
    assert wb.sheetnames == ["隐患台账", "处理记录"]
    ws = wb["隐患台账"]
    assert [c.value for c in ws[2]] == LEDGER_HEADER
    row = dict(zip(LEDGER_HEADER, ws[3], strict=True))
    assert row["隐患编号"].value == hazard.number
    assert row["统一社会信用代码"].value == enterprise_a1.uscc
    assert row["乡镇"].value == "甲镇" and row["网格"].value == "东村"
    assert row["隐患等级"].value == "一般隐患"
    assert row["状态"].value == "限期整改"
    assert row["逾期天数"].value == 10
    assert row["发现日期"].value == datetime.datetime(2026, 3, 1)
    names = row["检查人员"].value.split("、")
    assert len(names) == 2
    description = row["隐患描述"]
    assert description.data_type == "s"
    assert description.value == '=HYPERLINK("http://x","y")'
    history = data_rows(wb["处理记录"], first=2)
    assert [c.value for c in wb["处理记录"][1]] == HISTORY_HEADER
    assert [r[0] for r in history] == [hazard.number, hazard.number]
    assert history[0][6] == "+登记"
    assert history[1][5] == "限期整改"
    assert written == 1


def test_the_ledger_has_exactly_the_rows_of_the_list_for_the_same_filter(seed004, personas):
    from hazards.selectors import hazard_list

    for params in (
        {},
        {"status": "overdue", "as_of": AS_OF.isoformat()},
        {"status": "rectified", "level": Level.MAJOR, "as_of": AS_OF.isoformat()},
        {"found_from": "2026-04-01", "found_to": "2026-04-30"},
    ):
        expected = hazard_list(personas.county, params).qs.count()
        exporter = build_exporter("ledger", personas.county, params)
        assert exporter.count() == expected
        wb, written = workbook(exporter)
        assert written == expected
        assert len(data_rows(wb["隐患台账"])) == expected, params


def test_the_ledger_is_scoped(seed004, personas, enterprise_b):
    bulk_hazards(enterprise_b, 3)
    assert build_exporter("ledger", personas.other_supervisor, {}).count() == 5
    assert build_exporter("ledger", personas.inspector, {}).count() > 3


def test_an_invalid_ledger_filter_is_refused(grid, personas):
    with pytest.raises(ExportError, match="状态：选择一个有效的选项"):
        build_exporter("ledger", personas.county, {"status": "nonsense"})


def test_the_ledger_export_does_not_grow_its_queries_with_rows(grid, personas, enterprise_a1):
    def queries_for():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        user = type(personas.county).objects.get(pk=personas.county.pk)
        with CaptureQueriesContext(connection) as ctx:
            workbook(build_exporter("ledger", user, {}))
        return len(ctx.captured_queries)

    for h in bulk_hazards(enterprise_a1, 3):
        h.finders.add(personas.inspector)
    few = queries_for()
    for h in bulk_hazards(enterprise_a1, 60):
        h.finders.add(personas.inspector)
    assert queries_for() == few


def test_progress_is_reported_every_n_rows(grid, personas, enterprise_a1, settings):
    settings.JOB_PROGRESS_EVERY = 10
    bulk_hazards(enterprise_a1, 25)
    calls = []
    build_exporter("ledger", personas.county, {}).write(
        io.BytesIO(), progress=lambda done, total: calls.append((done, total))
    )
    assert calls == [(10, 25), (20, 25), (25, 25)]


def test_the_ledger_streams_with_flat_memory(grid, personas, enterprise_a1, tmp_path, monkeypatch):
    # Rows are read and written in chunks; with chunks smaller than both sizes the peak
    # must not depend on the number of rows (in production a chunk is 2,000 rows).
    monkeypatch.setattr(exporters, "CHUNK", 200)

    def peak():
        exporter = build_exporter("ledger", personas.county, {})
        out = tmp_path / "ledger.xlsx"
        tracemalloc.start()
        exporter.write(out)
        value = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return value

    bulk_hazards(enterprise_a1, 500, description="隐患描述" * 10)
    small = peak()
    bulk_hazards(enterprise_a1, 4500, description="隐患描述" * 10)
    large = peak()
    # Ten times the rows, about the same memory.
    assert large < small * 1.5, (small, large)


# --- overdue list ---------------------------------------------------------------------------


def test_the_overdue_list_has_todays_overdue_hazards_with_days_and_orders(
    grid, personas, enterprise_a1, enterprise_b, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 7, 15, 10, tzinfo=datetime.UTC))
    from tests.reports.conftest import order

    late = bulk_hazards(enterprise_a1, 2, status=Status.DEADLINE, deadline=D(2026, 7, 1))
    bulk_hazards(enterprise_a1, 1, status=Status.DEADLINE, deadline=D(2026, 7, 20))
    bulk_hazards(enterprise_b, 1, status=Status.DEADLINE, deadline=D(2026, 6, 1))
    order(late[0], personas.supervisor, issued_on=D(2026, 7, 2))
    order(late[0], personas.supervisor, issued_on=D(2026, 7, 9))
    wb, written = workbook(build_exporter("overdue", personas.supervisor, {}))
    ws = wb["逾期清单"]
    header = [c.value for c in ws[2]]
    rows = [dict(zip(header, r, strict=True)) for r in data_rows(ws)]
    assert written == 2
    assert {r["隐患编号"] for r in rows} == {h.number for h in late}
    assert {r["逾期天数"] for r in rows} == {14}
    assert sorted(r["督办单数"] for r in rows) == [0, 2]
    wb, written = workbook(build_exporter("overdue", personas.county, {}))
    assert written == 3
    assert data_rows(wb["逾期清单"])[0][2] == "乙镇"  # the oldest deadline first


def test_an_inspector_may_not_export_the_overdue_list(grid, personas):
    with pytest.raises(PermissionDenied, match="^$"):  # the role check's bare refusal
        build_exporter("overdue", personas.inspector, {})


def test_fines_in_wan_keep_their_exact_value():
    from reports.queries import yuan_to_wan

    assert str(yuan_to_wan(Decimal("212210"))) == "21.221"
    assert str(yuan_to_wan(Decimal("200000.00"))) == "20"
    assert str(yuan_to_wan(Decimal("0.5"))) == "0.00005"
    assert str(yuan_to_wan(None)) == "0"


# --- daily report ---------------------------------------------------------------------------


def test_the_daily_report_has_the_days_inspections_and_hazards(grid, personas, enterprise_a1):
    from tests.reports.conftest import bulk_inspection

    bulk_inspection(enterprise_a1, personas.inspector, date=D(2026, 3, 1), inspector_count=3)
    bulk_inspection(enterprise_a1, personas.inspector, date=D(2026, 3, 2))
    found = bulk_hazards(enterprise_a1, 2, found_on=D(2026, 3, 1))
    bulk_hazards(enterprise_a1, 1, found_on=D(2026, 3, 1), status=Status.VOID)
    for h in found:
        h.finders.add(personas.inspector)
    params = {"date": "2026-03-01", "township": str(grid.town_a.pk)}
    wb, written = workbook(build_exporter("daily", personas.supervisor, params))
    assert wb.sheetnames == ["检查情况", "隐患明细", "按检查人员"]
    heading = wb["检查情况"]["A1"].value
    assert "甲镇" in heading and "2026-03-01" in heading and "发现隐患 2 处" in heading
    assert [r[0] for r in data_rows(wb["检查情况"])] == ["东村机械厂"]
    assert {r[0] for r in data_rows(wb["隐患明细"], first=2)} == {h.number for h in found}
    assert data_rows(wb["按检查人员"], first=2)[0][1] == 2
    assert written == 1


def test_the_daily_report_refuses_another_township(grid, personas):
    with pytest.raises(ExportError, match="乡镇：选择一个有效的选项"):
        build_exporter("daily", personas.supervisor, {"township": str(grid.town_b.pk)})


def test_rows_written_through_reused_cells_keep_their_own_values_and_formats():
    """The writer fills one styled cell per column again for each row (issue 17): each row
    keeps its own date, time and amount, with the column's format, and a bold 合计 row
    leaves the rows around it plain."""
    from django.utils import timezone

    from core import xlsx

    columns = [
        xlsx.Column("日期", kind=xlsx.DATE),
        xlsx.Column("时间", kind=xlsx.DATETIME),
        xlsx.Column("金额", kind=xlsx.DECIMAL, number_format="#,##0.00"),
        xlsx.Column("说明"),
    ]
    at = timezone.make_aware(datetime.datetime(2026, 3, 1, 8, 30))
    out = io.BytesIO()
    with xlsx.XlsxWriter(out) as book:
        sheet = book.sheet("表", columns)
        sheet.append([datetime.date(2026, 1, 2), at, Decimal("12.50"), "=1+1"])
        sheet.append_total([datetime.date(2026, 1, 3), None, Decimal("1"), "合计"])
        sheet.append([datetime.date(2026, 1, 4), at + datetime.timedelta(hours=1), 7, "乙"])
    ws = load_workbook(io.BytesIO(out.getvalue())).active
    first, total, last = ws[2], ws[3], ws[4]
    assert [c.value for c in first] == [
        datetime.datetime(2026, 1, 2),
        datetime.datetime(2026, 3, 1, 8, 30),
        12.5,
        "=1+1",
    ]
    assert first[3].data_type == "s" and first[3].quotePrefix
    assert last[0].value == datetime.datetime(2026, 1, 4)
    assert last[1].value == datetime.datetime(2026, 3, 1, 9, 30)
    assert [c.number_format for c in last[:3]] == ["yyyy-mm-dd", "yyyy-mm-dd hh:mm", "#,##0.00"]
    assert total[0].font.b and not first[0].font.b and not last[0].font.b


def xlsx_parts(data):
    """A workbook's parts by name, docProps (the time it was saved) aside."""
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(data))
    return {n: archive.read(n) for n in archive.namelist() if not n.startswith("docProps")}


def test_the_fast_row_path_writes_the_same_workbook_as_openpyxl_with_a_cell_per_value(
    monkeypatch,
):
    """``Sheet.append`` takes shortcuts (rows written as XML by ``core.xlsx``, reused styled
    cells, plain strings and dates); the workbook must be the one openpyxl writes itself
    from a cell per value (``Sheet._cell``), part by part: rows that fall back to
    openpyxl's cells (a quote prefix) between XML rows, an empty row, text lxml escapes."""
    from django.utils import timezone

    from core import xlsx

    day = datetime.date(2026, 1, 5)
    at = timezone.make_aware(datetime.datetime(2026, 1, 5, 9, 30))
    plain = ["ZH-1", "a&b <c> \"d\" 'e'", " 前后空格 ", "说明\n第二行\r\n", "😀\u3000", "", None,
             "#NAME", "x", day, at, Decimal("1200.00"), 3, True, 2.5]  # fmt: skip
    careful = ["ZH-2", "=cmd", "\x01控制", "-5", "@x", "#N/A", "说明", "", None, day,
               at, Decimal("0.10"), 12345678901234567, False, Decimal("0.125")]  # fmt: skip
    empty = [None] * 15
    columns = [xlsx.Column(str(i)) for i in range(9)] + [
        xlsx.Column("日期", kind=xlsx.DATE),
        xlsx.Column("时间", kind=xlsx.DATETIME),
        xlsx.Column("金额", kind=xlsx.DECIMAL, number_format="#,##0.00"),
        xlsx.Column("数", kind=xlsx.INT),
        xlsx.Column("是", kind=xlsx.INT),
        xlsx.Column("率", kind=xlsx.RATE),
    ]
    rows = [plain, careful, plain, empty, careful, plain]

    def parts(fast):
        monkeypatch.setattr(xlsx.Sheet, "rows_as_xml", fast)
        out = io.BytesIO()
        with xlsx.XlsxWriter(out) as book:
            sheet = book.sheet("表", columns, heading="标题")
            for row in rows:
                if fast:
                    sheet.append(row)
                else:
                    sheet.ws.append([sheet._cell(c, v) for c, v in zip(columns, row, strict=True)])
            sheet.append_total(plain)
            if fast:
                sheet.append(plain)
            else:
                sheet.ws.append([sheet._cell(c, v) for c, v in zip(columns, plain, strict=True)])
        return xlsx_parts(out.getvalue())

    fast = parts(fast=True)
    assert fast == parts(fast=False)
    assert fast["xl/worksheets/sheet1.xml"].count(b"<row ") == 2 + 6 + 2


def test_the_ledger_file_is_the_one_openpyxl_writes_itself(
    grid, personas, enterprise_a1, monkeypatch, time_machine
):
    """The whole ledger export (both sheets) with its data rows written as XML is the
    file openpyxl writes from cells, part by part."""
    from core import xlsx
    from hazards.models import Hazard

    time_machine.move_to(datetime.datetime(2026, 4, 10, 10, tzinfo=datetime.UTC), tick=False)
    hazards = bulk_hazards(
        enterprise_a1, 3, status=Status.DEADLINE, found_on=D(2026, 3, 1), deadline=D(2026, 3, 31)
    )
    bulk_hazards(enterprise_a1, 2, status=Status.CLOSED, description="一处 & <两处>")
    Hazard.objects.filter(pk=hazards[1].pk).update(
        description="=SUM(A1)", funds_yuan=Decimal("1234.50"), measures=" 前后空格 "
    )
    for h in hazards:
        h.finders.add(personas.inspector)
        event(h, personas.inspector, "register", "", Status.FOUND, note="+登记")
        event(h, personas.inspector, "set_deadline", Status.FOUND, Status.DEADLINE, note="期限")

    def parts(fast):
        monkeypatch.setattr(xlsx.Sheet, "rows_as_xml", fast)
        out = io.BytesIO()
        build_exporter("ledger", personas.county, {"as_of": "2026-04-10"}).write(out)
        return xlsx_parts(out.getvalue())

    fast = parts(fast=True)
    assert fast == parts(fast=False)
    # "一处 & <两处>" as lxml writes it (the data rows' XML is compared, not left out).
    assert b"&#19968;&#22788; &amp; &lt;&#20004;&#22788;&gt;" in fast["xl/worksheets/sheet1.xml"]
