"""Reading uploaded .xlsx files safely, shared by every import.

A file is checked before openpyxl touches it: its size (``settings.IMPORT_MAX_BYTES``),
that it is a zip archive at all (an encrypted workbook is an OLE compound file, a
legacy .xls too), that no member is encrypted, and that the members' uncompressed sizes
and compression ratios are those of a spreadsheet, not of a zip bomb. Only then is it
opened with ``load_workbook(read_only=True, data_only=True)``, which streams rows
instead of building the whole sheet in memory.

Usage::

    table = open_table(upload, ["企业名称", "统一社会信用代码", ...])
    for row_number, values in table.rows():   # values: {header: cell value}
        ...

Every refusal is a ``SpreadsheetError`` whose ``message`` is a Chinese sentence the
page or command shows as it is. XML that does not parse (lxml's and the standard library's
errors are both ``SyntaxError``s) and XML that declares a DOCTYPE or entities (refused by
defusedxml, which openpyxl uses when it is installed) are refusals like any other.
"""

import datetime
import hashlib
import io
import os
import zipfile
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException
from django.conf import settings
from django.utils.translation import gettext as _

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

# Defaults that settings may override (IMPORT_MAX_UNCOMPRESSED_BYTES etc.).
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
MAX_RATIO = 100  # real sheets compress 5–20×; a zip bomb 1000× and more
RATIO_FLOOR = 1024 * 1024  # tiny members may have any ratio
MAX_MEMBERS = 2000


def _unsafe_xml():
    return SpreadsheetError(
        _(
            "该文件含有 Excel 工作簿不会有的 XML 声明（DOCTYPE 或实体），已拒收。请用 Excel/WPS 另存为 .xlsx 后再导入。"
        )
    )


def _broken(exc=None):
    """The refusal for ``exc``: openpyxl wraps what the XML parser raised in a ValueError."""
    while exc is not None:
        if isinstance(exc, DefusedXmlException):
            return _unsafe_xml()
        exc = exc.__cause__ or exc.__context__
    return SpreadsheetError(_("无法读取该 Excel 工作簿，文件可能已损坏，请另存为 .xlsx 后重试。"))


class SpreadsheetError(Exception):
    """An upload that cannot be read as a workbook; ``message`` is for the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _setting(name, default):
    return getattr(settings, name, default)


def _read_head_and_size(source):
    """Return (first bytes, size in bytes, seekable binary file) for a path or file."""
    if isinstance(source, str | os.PathLike):
        try:
            size = os.path.getsize(source)
            fh = open(source, "rb")  # noqa: SIM115 — closed by the caller through Table
        except OSError as exc:
            raise SpreadsheetError(_("无法打开文件：%(err)s") % {"err": exc.strerror}) from exc
    else:
        fh = getattr(source, "file", source)  # Django UploadedFile wraps the real file
        if hasattr(source, "open") and getattr(source, "closed", False):
            source.open("rb")
            fh = getattr(source, "file", source)
        size = getattr(source, "size", None)
        if size is None:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
    fh.seek(0)
    head = fh.read(8)
    fh.seek(0)
    return head, size, fh


def check_size(size):
    """Refuse an import file over ``IMPORT_MAX_BYTES``: the one home of that rule (the job
    service calls it before storing an upload, the reader before opening one)."""
    max_bytes = _setting("IMPORT_MAX_BYTES", 50 * 1024 * 1024)
    if size > max_bytes:
        raise SpreadsheetError(
            _("文件过大（%(size).1f MB），导入文件不能超过 %(max).0f MB。")
            % {"size": size / 1024 / 1024, "max": max_bytes / 1024 / 1024}
        )


def _check_archive(fh, size):
    check_size(size)
    if size == 0:
        raise SpreadsheetError(_("文件是空的，请选择要导入的 Excel 工作簿（.xlsx）。"))
    head = fh.read(8)
    fh.seek(0)
    if head.startswith(OLE_MAGIC):
        raise SpreadsheetError(
            _(
                "该文件设置了打开密码（已加密），或是旧版 .xls 格式。"
                "请在 Excel/WPS 中取消密码并“另存为” .xlsx 工作簿后再导入。"
            )
        )
    if not head.startswith(ZIP_MAGIC):
        raise SpreadsheetError(_("该文件不是 Excel 工作簿（.xlsx），请检查文件后重新选择。"))
    try:
        archive = zipfile.ZipFile(fh)
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise SpreadsheetError(
            _("该文件已损坏或不是 Excel 工作簿（.xlsx），请检查文件后重新选择。")
        ) from exc
    finally:
        fh.seek(0)
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names and "[Content_Types].xml" not in names:
        raise SpreadsheetError(_("该文件不是 Excel 工作簿（.xlsx），请检查文件后重新选择。"))
    if len(members) > _setting("IMPORT_MAX_MEMBERS", MAX_MEMBERS):
        raise SpreadsheetError(_("该文件结构异常（包含的部件过多），已拒收。"))
    max_total = _setting("IMPORT_MAX_UNCOMPRESSED_BYTES", MAX_UNCOMPRESSED_BYTES)
    max_ratio = _setting("IMPORT_MAX_RATIO", MAX_RATIO)
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise SpreadsheetError(
                _("该文件已加密（设置了密码），请取消密码并另存为 .xlsx 工作簿后再导入。")
            )
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR and ratio > max_ratio:
            raise SpreadsheetError(
                _("该文件解压后异常巨大（疑似“压缩炸弹”），已拒收。请上传正常的 Excel 工作簿。")
            )
    if total > max_total:
        raise SpreadsheetError(
            _("该文件解压后超过 %(max).0f MB（疑似“压缩炸弹”），已拒收。")
            % {"max": max_total / 1024 / 1024}
        )
    if "xl/workbook.xml" not in names:
        raise SpreadsheetError(_("该文件不是 Excel 工作簿（.xlsx），请检查文件后重新选择。"))


def normalize_header(value):
    """Header labels compare without surrounding or inner spaces and without the
    required-marker asterisk some templates add ("*企业名称")."""
    if value is None:
        return ""
    return "".join(str(value).split()).lstrip("*＊")


def as_text(value):
    """A cell value as the text a person typed: numbers without ".0", dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


@dataclass
class Table:
    """An opened sheet whose header row has been checked."""

    headers: list
    total: int  # data rows as the file declares them (an estimate for progress bars)
    _sheet: object = field(repr=False)
    _workbook: object = field(repr=False)
    _columns: dict = field(repr=False)  # header → column index
    _header_row: int = 1
    _owned_file: object = field(default=None, repr=False)

    def rows(self):
        """Yield (row number as Excel shows it, {header: value}) for each non-empty row."""
        number = self._header_row
        try:
            for number, cells in enumerate(
                self._sheet.iter_rows(min_row=self._header_row + 1, values_only=True),
                start=self._header_row + 1,
            ):
                if cells is None or all(v is None or str(v).strip() == "" for v in cells):
                    continue
                values = {}
                for header, index in self._columns.items():
                    value = cells[index] if index < len(cells) else None
                    if isinstance(value, str):
                        value = value.strip()
                    values[header] = value
                yield number, values
        except DefusedXmlException as exc:
            raise _unsafe_xml() from exc
        except SyntaxError as exc:
            raise _broken(exc) from exc
        except (KeyError, ValueError, TypeError, OSError, zipfile.BadZipFile) as exc:
            raise SpreadsheetError(
                _("读取第 %(row)s 行附近时出错，文件可能已损坏：%(err)s")
                % {"row": number, "err": exc}
            ) from exc
        finally:
            self.close()

    def close(self):
        try:
            self._workbook.close()
        finally:
            if self._owned_file is not None:
                self._owned_file.close()
                self._owned_file = None


def open_table(source, headers, *, optional=(), sheet=None):
    """Check and open ``source`` (a path, an UploadedFile or a binary file object), check
    that its first row holds every label of ``headers`` (any order; ``optional`` labels
    may be missing; anything else is an error) and return a ``Table``.

    Raises ``SpreadsheetError`` with a Chinese message for anything unreadable.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _head, size, fh = _read_head_and_size(source)
    owned = fh if isinstance(source, str | os.PathLike) else None
    try:
        _check_archive(fh, size)
        try:
            workbook = load_workbook(fh, read_only=True, data_only=True)
        except (
            InvalidFileException,
            zipfile.BadZipFile,
            KeyError,
            ValueError,
            OSError,
            SyntaxError,
        ) as exc:
            raise _broken(exc) from exc
        if sheet is not None and sheet in workbook.sheetnames:
            ws = workbook[sheet]
        else:
            ws = workbook.worksheets[0] if workbook.worksheets else None
        if ws is None:
            workbook.close()
            raise SpreadsheetError(_("该工作簿中没有工作表。"))
        try:
            first = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), None)
        except (SyntaxError, KeyError, ValueError, TypeError, OSError, zipfile.BadZipFile) as exc:
            workbook.close()
            raise _broken(exc) from exc
        if first is None or all(v is None for v in first):
            workbook.close()
            raise SpreadsheetError(
                _("工作表是空的：第 1 行应为表头（%(h)s）。") % {"h": "、".join(headers)}
            )
        found = [normalize_header(v) for v in first]
        columns, problems = {}, []
        wanted = {normalize_header(h): h for h in [*headers, *optional]}
        for index, label in enumerate(found):
            if not label:
                continue
            if label not in wanted:
                problems.append(_("表头“%(h)s”不是可导入的列。") % {"h": label})
            elif wanted[label] in columns:
                problems.append(_("表头“%(h)s”重复出现。") % {"h": label})
            else:
                columns[wanted[label]] = index
        missing = [h for h in headers if h not in columns]
        if missing:
            problems.insert(0, _("缺少列：%(cols)s。") % {"cols": "、".join(missing)})
        if problems:
            workbook.close()
            raise SpreadsheetError(
                _("第 1 行表头不符合模板（应为：%(h)s）。") % {"h": "、".join(headers)}
                + "".join(problems)
            )
        total = max((ws.max_row or 1) - 1, 0)
        return Table(
            headers=[h for h in [*headers, *optional] if h in columns],
            total=total,
            _sheet=ws,
            _workbook=workbook,
            _columns=columns,
            _owned_file=owned,
        )
    except BaseException:
        if owned is not None:
            owned.close()
        raise


def file_sha256(source):
    """The SHA-256 (hex) of a path's, an UploadedFile's or a binary file's bytes; a file
    object is left at its start. Imports record it to recognise a file seen before."""
    digest = hashlib.sha256()
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    fh = getattr(source, "file", source)
    if hasattr(source, "open") and getattr(source, "closed", False):
        source.open("rb")
        fh = getattr(source, "file", source)
    fh.seek(0)
    for block in iter(lambda: fh.read(1 << 20), b""):
        digest.update(block)
    fh.seek(0)
    return digest.hexdigest()


def iter_rows(source, headers, *, optional=(), sheet=None):
    """Shortcut: ``open_table(...).rows()``."""
    return open_table(source, headers, optional=optional, sheet=sheet).rows()


def workbook_bytes(headers, rows, *, title="Sheet1"):
    """A small .xlsx in memory (templates for download and tests)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
