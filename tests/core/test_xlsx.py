import datetime
import gc
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
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


# --- rows written as XML (issue 17) ---------------------------------------------------------

ANY_COLUMNS = [
    Column("文本"),
    Column("日期", kind=xlsx.DATE),
    Column("时间", kind=xlsx.DATETIME),
    Column("金额", kind=xlsx.DECIMAL, number_format="#,##0.00"),
    Column("数", kind=xlsx.INT),
    Column("率", kind=xlsx.RATE),
    Column("小数", kind=xlsx.DECIMAL),
]
_texts = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\ufffe\uffff"),
    max_size=12,
) | st.sampled_from(["=1+1", "-5", " 空格 ", "#N/A", "a&b<c>", "x\r\ny", "\t=x", "😀"])
_moments = st.datetimes(
    min_value=datetime.datetime(1899, 1, 1), max_value=datetime.datetime(2100, 1, 1)
)
_numbers = (
    st.integers(min_value=-(10**18), max_value=10**18)
    | st.booleans()
    | st.floats()
    | st.decimals(places=2, max_value=10**12, min_value=-(10**12))
    | st.sampled_from([Decimal("NaN"), Decimal("-Infinity"), Decimal("1E+400"), Decimal("-0")])
)
_dates = (
    st.dates(min_value=datetime.date(1899, 1, 1), max_value=datetime.date(2100, 1, 1))
    | _moments
    | _moments.map(lambda d: d.replace(tzinfo=datetime.UTC))
)
_empty = st.none() | st.just("")
_cells = [
    _empty | _texts | _numbers | _dates,  # a text column takes anything, as text
    _empty | _dates,
    _empty | _dates,
    _empty | _numbers,
    _empty | _numbers,
    _empty | _numbers,
    _empty | _numbers,
]


def _parts(rows, xml, monkeypatch):
    import zipfile

    monkeypatch.setattr(xlsx.Sheet, "rows_as_xml", xml)
    out = io.BytesIO()
    with XlsxWriter(out) as book:
        sheet = book.sheet("表", ANY_COLUMNS, heading="标题")
        for row in rows:
            if xml:
                sheet.append(row)
            else:  # openpyxl alone, a cell per value
                sheet.ws.append([sheet._cell(c, v) for c, v in zip(ANY_COLUMNS, row, strict=True)])
    archive = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    return {n: archive.read(n) for n in archive.namelist() if not n.startswith("docProps")}


# A row that raises leaves openpyxl's stream open (both ways); Python reports it when the
# stream is collected.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@given(st.lists(st.tuples(*_cells).map(list), max_size=8))
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_rows_written_as_xml_make_the_file_openpyxl_makes_from_cells(monkeypatch, rows):
    def outcome(xml):
        try:
            return _parts(rows, xml, monkeypatch)
        except (ValueError, OverflowError) as exc:  # e.g. NaN in an integer column
            gc.collect()  # the open stream reported here, not in a later test
            return type(exc)

    assert outcome(True) == outcome(False)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("text", ["\ufffe", "a\uffffb", "\ud800"])
def test_text_lxml_refuses_is_refused_as_before(text, monkeypatch):
    # The XML rows leave such a row to openpyxl, which raises as it always did.
    for xml in (True, False):
        with pytest.raises((ValueError, UnicodeEncodeError)):
            _parts([[text, None, None, None, None, None, None]], xml, monkeypatch)
        gc.collect()


def test_text_is_escaped_as_lxml_escapes_it_for_every_character_it_accepts():
    from lxml.etree import Element, xmlfile

    refused = {*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0xD800, 0xE000)}
    refused |= {0xFFFE, 0xFFFF}
    accepted = [chr(c) for c in range(0x110000) if c not in refused]
    for start in range(0, len(accepted), 4096):
        text = "".join(accepted[start : start + 4096])
        out = io.BytesIO()
        with xmlfile(out) as xf:  # as openpyxl streams a sheet: no encoding given
            element = Element("t")
            element.text = text
            xf.write(element)
        expected = out.getvalue()
        assert b"<t>" + xlsx._xml_text(text).encode("ascii", "xmlcharrefreplace") + b"</t>" == (
            expected
        )
