"""Writing .xlsx files safely and in one streamed pass, shared by every export.

openpyxl's write-only mode keeps memory flat whatever the number of rows, but it wants
everything about a sheet's layout (column widths, frozen panes, print setup) before the
first row, and it turns any string that starts with "=" into a formula. This module owns
both concerns so an exporter only declares its columns and yields rows::

    with XlsxWriter(out) as book:
        sheet = book.sheet(_("隐患台账"), columns, title=basis_line)
        for values in rows:
            sheet.append(values)

Text cells are always written as strings: a value starting with =, +, -, @, a tab or a
carriage return is written as an explicit inline string with Excel's quote prefix, so no
spreadsheet (Excel, WPS, LibreOffice) evaluates it, and control characters that the
format cannot hold are removed. Numbers and dates stay typed; rates are numeric with
the format 0.00%.
"""

import datetime
import decimal
import re
from dataclasses import dataclass

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

TEXT = "text"
INT = "int"
DECIMAL = "decimal"
RATE = "rate"
DATE = "date"
DATETIME = "datetime"

FORMATS = {
    INT: "0",
    RATE: "0.00%",
    DATE: "yyyy-mm-dd",
    DATETIME: "yyyy-mm-dd hh:mm",
}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_TITLE = 31
# Characters Excel refuses in a sheet title.
_TITLE_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})
MAX_CELL_TEXT = 32767


@dataclass(frozen=True)
class Column:
    """One column: its header label, width in characters, kind and (optional) format."""

    header: str
    width: float = 12
    kind: str = TEXT
    number_format: str = ""

    @property
    def format(self):
        return self.number_format or FORMATS.get(self.kind, "")


def clean_text(value):
    """A str with the characters the xlsx format cannot hold removed, within Excel's limit."""
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return text[:MAX_CELL_TEXT]


def is_formula_like(text):
    return text.startswith(FORMULA_PREFIXES) or text in ERROR_CODES


# A formula's first character (FORMULA_PREFIXES) or a character the format cannot hold
# (openpyxl's ILLEGAL_CHARACTERS_RE).
_NEEDS_CARE = re.compile(r"^[=+\-@\t\r]|[\x00-\x08\x0b\x0c\x0e-\x1f]")
_ERROR_CODES = frozenset(ERROR_CODES)


def _clean_fast(text):
    """``clean_text`` for a str, without the regular expression when nothing needs it
    (every character the format cannot hold is a control character, so not printable)."""
    if not text.isprintable():
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text if len(text) <= MAX_CELL_TEXT else text[:MAX_CELL_TEXT]


def sheet_title(title):
    """A valid sheet title: forbidden characters replaced, at most 31 characters."""
    title = clean_text(title).translate(_TITLE_FORBIDDEN).strip("'").strip()
    return (title or "Sheet")[:MAX_TITLE]


def _naive_local(value):
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


class Sheet:
    """A write-only worksheet with its columns declared up front."""

    def __init__(self, book, title, columns, *, heading=None):
        self._book = book
        self.columns = list(columns)
        self.ws = book.workbook.create_sheet(title=sheet_title(title))
        self.rows_written = 0
        ws = self.ws
        self._tz = timezone.get_current_timezone()
        # One styled cell per column, filled again for each row (issue 17): openpyxl writes
        # a row's cells before ``append`` returns, so a new cell and style per value bought
        # nothing but time. Only ``append`` uses them; ``append_total`` makes its own.
        self._styled = {}
        for index, column in enumerate(self.columns, 1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        header_row = 2 if heading else 1
        ws.freeze_panes = f"A{header_row + 1}"
        ws.print_title_rows = f"{header_row}:{header_row}"
        ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        if heading:
            cell = self._text_cell(heading)
            cell.font = Font(bold=True, size=13)
            ws.append([cell])
        header = []
        for column in self.columns:
            cell = self._text_cell(column.header)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            header.append(cell)
        ws.append(header)

    def _text_cell(self, value):
        cell = WriteOnlyCell(self.ws, value=None)
        cell.value = clean_text(value)
        cell.data_type = "s"  # never a formula, never an error code
        return cell

    def _cell(self, column, value):
        """What to hand openpyxl for one value: a plain value when that is safe and
        needs no format, otherwise a cell with its type and format fixed."""
        if value is None or value == "":
            return None
        kind = column.kind
        if kind == TEXT or isinstance(value, str):
            text = clean_text(value)
            if not text:
                return None
            if is_formula_like(text):
                cell = self._text_cell(text)
                cell.quotePrefix = True  # Excel's leading apostrophe: stays text if edited
                return cell
            return text
        if isinstance(value, datetime.datetime):
            cell = WriteOnlyCell(self.ws, value=_naive_local(value))
            cell.number_format = column.format or FORMATS[DATETIME]
            return cell
        if isinstance(value, datetime.date):
            cell = WriteOnlyCell(self.ws, value=value)
            cell.number_format = column.format or FORMATS[DATE]
            return cell
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int | float | decimal.Decimal):
            if kind == INT and not column.number_format:
                return int(value)
            cell = WriteOnlyCell(self.ws, value=value)
            if column.format:
                cell.number_format = column.format
            return cell
        return clean_text(value)

    def _reused(self, index, column, value, default_format):
        key = (index, type(value))
        cell = self._styled.get(key)
        if cell is None:
            # Made as ``_cell`` makes one (the value bound first, then the format), so the
            # workbook registers its number formats in the same order: the same file.
            cell = self._styled[key] = WriteOnlyCell(self.ws, value=value)
            cell.number_format = column.format or default_format
            return cell
        cell.value = value
        return cell

    def _fast_cell(self, index, column, value):
        """``_cell`` for one row of ``append``: the same cell values and formats, with a
        reused styled cell per column."""
        if value is None or value == "":
            return None
        if type(value) is str:  # the common case first
            # One search finds both what needs cleaning and a formula's first character.
            if (
                _NEEDS_CARE.search(value) is None
                and len(value) <= MAX_CELL_TEXT
                and value not in _ERROR_CODES
            ):
                return value
            text = _clean_fast(value)
            if not text:
                return None
            if is_formula_like(text):
                cell = self._text_cell(text)
                cell.quotePrefix = True
                return cell
            return text
        if column.kind == TEXT:
            return self._cell(column, value)
        if isinstance(value, datetime.datetime):
            if value.tzinfo is not None:
                value = value.astimezone(self._tz)
            return self._reused(index, column, value.replace(tzinfo=None), FORMATS[DATETIME])
        if isinstance(value, datetime.date):
            if (
                type(value) is datetime.date
                and column.format == FORMATS[DATE]
                and (index, datetime.date) in self._styled
            ):
                # openpyxl gives a plain date this very format itself: the same style,
                # registered by the column's first date.
                return value
            return self._reused(index, column, value, FORMATS[DATE])
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int | float | decimal.Decimal):
            if column.kind == INT and not column.number_format:
                return int(value)
            if not column.format:
                return self._cell(column, value)
            return self._reused(index, column, value, column.format)
        return self._cell(column, value)

    def append(self, values):
        fast = self._fast_cell
        self.ws.append(
            [fast(i, c, v) for i, (c, v) in enumerate(zip(self.columns, values, strict=False))]
        )
        self.rows_written += 1

    def append_total(self, values):
        """A bold row (合计)."""
        row = []
        for column, value in zip(self.columns, values, strict=False):
            cell = self._cell(column, value)
            if cell is None:
                row.append(None)
                continue
            if not isinstance(cell, Cell):
                cell = WriteOnlyCell(self.ws, value=cell)
                if column.kind == TEXT:
                    cell.data_type = "s"
            cell.font = Font(bold=True)
            row.append(cell)
        self.ws.append(row)
        self.rows_written += 1


class XlsxWriter:
    """A write-only workbook streamed to a path or a binary file object on close."""

    def __init__(self, out):
        self.out = out
        self.workbook = Workbook(write_only=True)
        self.sheets = []

    def sheet(self, title, columns, *, heading=None):
        sheet = Sheet(self, title, columns, heading=heading)
        self.sheets.append(sheet)
        return sheet

    def close(self):
        if not self.sheets:
            self.sheet("Sheet", [])
        self.workbook.save(self.out)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        return False
