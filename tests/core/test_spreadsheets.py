"""Reading uploads: real workbooks open, everything else is refused with a message."""

import io
import zipfile

import pytest

from core.spreadsheets import (
    OLE_MAGIC,
    SpreadsheetError,
    as_text,
    open_table,
    workbook_bytes,
)

HEADERS = ["企业名称", "联系电话"]


def refused(data, headers=HEADERS):
    with pytest.raises(SpreadsheetError) as info:
        open_table(io.BytesIO(data), headers)
    return info.value.message


def zip_bomb(size=5 * 1024 * 1024):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * size)
    return buffer.getvalue()


def test_a_workbook_yields_rows_by_header_with_excel_row_numbers():
    data = workbook_bytes(
        [" 联系电话", "*企业名称"], [[13912345678, " 甲厂 "], [None, None], [None, "乙厂"]]
    )
    table = open_table(io.BytesIO(data), HEADERS)
    assert table.total == 3
    assert list(table.rows()) == [
        (2, {"企业名称": "甲厂", "联系电话": 13912345678}),
        (4, {"企业名称": "乙厂", "联系电话": None}),
    ]


def test_a_file_on_disk_opens_by_path(tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(workbook_bytes(HEADERS, [["甲厂", "0539-4123456"]]))
    assert [v for _n, v in open_table(path, HEADERS).rows()] == [
        {"企业名称": "甲厂", "联系电话": "0539-4123456"}
    ]


def test_a_missing_or_unknown_header_is_named():
    message = refused(workbook_bytes(["企业名称", "电话号码"], [["甲厂", "1"]]))
    assert "缺少列：联系电话" in message
    assert "“电话号码”不是可导入的列" in message


def test_an_optional_header_may_be_missing():
    data = workbook_bytes(HEADERS, [["甲厂", "1"]])
    table = open_table(io.BytesIO(data), HEADERS, optional=["备注"])
    assert table.headers == HEADERS


def test_a_repeated_header_is_refused():
    assert "重复" in refused(workbook_bytes(["企业名称", "联系电话", "企业名称"], []))


def test_an_empty_sheet_is_refused():
    assert "第 1 行应为表头" in refused(workbook_bytes([], []))


def test_a_text_file_is_not_a_workbook():
    assert "不是 Excel 工作簿" in refused("企业名称,联系电话\n甲厂,1\n".encode())


def test_an_empty_file_is_refused():
    assert "文件是空的" in refused(b"")


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "不是 Excel 工作簿" in refused(buffer.getvalue())


def test_a_truncated_workbook_is_refused():
    data = workbook_bytes(HEADERS, [["甲厂", "1"]])
    assert refused(data[: len(data) // 2])


def test_a_password_protected_workbook_is_refused():
    # Excel saves an encrypted .xlsx as an OLE compound file.
    assert "密码" in refused(OLE_MAGIC + b"\0" * 4096)


def test_a_zip_with_an_encrypted_member_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    data = bytearray(buffer.getvalue())
    # Set the "encrypted" bit (bit 0 of the general purpose flags) in both headers.
    data[6] |= 0x1
    central = data.index(b"PK\x01\x02")
    data[central + 8] |= 0x1
    assert "加密" in refused(bytes(data))


def test_a_zip_bomb_is_refused_before_openpyxl_reads_it(monkeypatch):
    import openpyxl

    def must_not_run(*args, **kwargs):
        raise AssertionError("openpyxl opened a zip bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", must_not_run)
    assert "压缩炸弹" in refused(zip_bomb())


def test_a_file_that_unpacks_beyond_the_limit_is_refused(settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    data = workbook_bytes(HEADERS, [[f"企业{i}", "1" * 11] for i in range(20000)])
    assert "解压后超过" in refused(data)


def test_an_oversized_file_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 1000
    assert "文件过大" in refused(workbook_bytes(HEADERS, [["甲厂", "1"]]))


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, ""), (13912345678, "13912345678"), (13912345678.0, "13912345678"), (" a ", "a")],
)
def test_cell_values_read_as_the_text_a_person_typed(value, text):
    assert as_text(value) == text
