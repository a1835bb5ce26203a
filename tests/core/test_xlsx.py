import datetime
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from core import xlsx
from core.xlsx import Column, XlsxWriter

COLUMNS = [
    Column("文本", 20),
    Column("数量", 8, xlsx.INT),
    Column("比率", 10, xlsx.RATE),
    Column("日期", 12, xlsx.DATE),
    Column("金额", 12, xlsx.DECIMAL, "0.0000"),
]


def write(rows, columns=COLUMNS, heading="标题"):
    buffer = io.BytesIO()
    with XlsxWriter(buffer) as book:
        sheet = book.sheet("汇总", columns, heading=heading)
        for row in rows:
            sheet.append(row)
    buffer.seek(0)
    return load_workbook(buffer)


DANGEROUS = [
    '=HYPERLINK("http://x","y")',
    "+1+2",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "#N/A",
]


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_that_looks_like_a_formula_is_written_as_text(text):
    ws = write([[text]])["汇总"]
    cell = ws["A3"]
    assert cell.data_type == "s"
    # XML normalises a carriage return to a line feed when read; the text is unchanged.
    assert cell.value == text.replace("\r", "\n") or cell.value == text
    assert cell.quotePrefix


def test_ordinary_text_numbers_dates_and_rates_keep_their_types():
    ws = write(
        [["东村机械厂", 7, Decimal("0.9397"), datetime.date(2026, 3, 1), Decimal("21.221")]]
    )["汇总"]
    a, b, c, d, e = (ws.cell(row=3, column=i) for i in range(1, 6))
    assert (a.value, a.data_type) == ("东村机械厂", "s")
    assert (b.value, b.data_type) == (7, "n")
    assert c.data_type == "n" and c.number_format == "0.00%"
    assert float(c.value) == pytest.approx(0.9397)
    assert d.value == datetime.datetime(2026, 3, 1) and d.number_format == "yyyy-mm-dd"
    assert e.number_format == "0.0000"


def test_empty_values_leave_the_cell_empty():
    ws = write([["x", None, None, None, ""]])["汇总"]
    assert [ws.cell(row=3, column=i).value for i in range(1, 6)] == ["x", None, None, None, None]


def test_control_characters_are_removed():
    ws = write([["a\x00b\x07c\x1fd\te\nf"]])["汇总"]
    assert ws["A3"].value == "abcd\te\nf"


def test_aware_datetimes_are_written_in_local_time():
    from django.utils import timezone

    moment = datetime.datetime(2026, 2, 28, 16, 30, tzinfo=datetime.UTC)
    columns = [Column("时间", 18, xlsx.DATETIME)]
    with timezone.override("Asia/Shanghai"):
        ws = write([[moment]], columns)["汇总"]
    assert ws["A3"].value == datetime.datetime(2026, 3, 1, 0, 30)


def test_the_layout_has_a_heading_a_frozen_bold_header_widths_and_a4_landscape():
    buffer = io.BytesIO()
    with XlsxWriter(buffer) as book:
        book.sheet("汇总", COLUMNS, heading="示范县汇总表").append(["a", 1, None, None, None])
    buffer.seek(0)
    ws = load_workbook(buffer)["汇总"]
    assert ws["A1"].value == "示范县汇总表" and ws["A1"].font.b
    assert [c.value for c in ws[2]] == ["文本", "数量", "比率", "日期", "金额"]
    assert all(c.font.b for c in ws[2])
    assert ws.freeze_panes == "A3"
    assert ws.column_dimensions["A"].width == 20
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)


def test_sheet_titles_are_made_valid():
    assert xlsx.sheet_title("a" * 40) == "a" * 31
    assert xlsx.sheet_title("2026/01:汇总?") == "2026_01_汇总_"
    assert xlsx.sheet_title("") == "Sheet"


def test_it_writes_to_a_path(tmp_path):
    path = tmp_path / "out.xlsx"
    with XlsxWriter(path) as book:
        book.sheet("表", [Column("名称")]).append(["x"])
    assert load_workbook(path)["表"]["A2"].value == "x"


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_libreoffice_reads_formula_like_text_as_text(tmp_path):
    path = tmp_path / "f.xlsx"
    with XlsxWriter(path) as book:
        sheet = book.sheet("表", [Column("描述"), Column("数", kind=xlsx.INT)])
        sheet.append(['=HYPERLINK("http://x","y")', 1])
        sheet.append(["=1+1", 2])
    subprocess.run(  # noqa: S603 — a fixed command on a file the test wrote
        [
            shutil.which("soffice"),
            "--headless",
            "--convert-to",
            "csv",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    text = (tmp_path / "f.csv").read_text(encoding="utf-8", errors="replace")
    assert "=1+1" in text and "HYPERLINK" in text
    assert "\n2," not in text  # =1+1 was not evaluated
