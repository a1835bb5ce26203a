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

Speed (issue 17): openpyxl spends most of a large export on a cell object and an lxml
element per value. ``Sheet.append`` writes a data row's XML itself instead, the very bytes
openpyxl would write for it (its ``<row>``/``<c>`` markup, lxml's escaping, the style ids
openpyxl registers for the row's formats); a row with a value that needs openpyxl's own
cell (a quote prefix, text lxml refuses, a type of its own) and every row ``append_total``
or the header writes still go through openpyxl. tests/reports/test_exporters.py and
tests/core/test_xlsx.py compare the files with openpyxl's own, part by part.
"""

import datetime
import decimal
import math
import re
from dataclasses import dataclass

from django.utils import timezone
from openpyxl import LXML, Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.compat import safe_string
from openpyxl.styles import Alignment, Font
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._writer import WorksheetWriter, create_temporary_file
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


# A formula's first character (FORMULA_PREFIXES), a character the format cannot hold
# (openpyxl's ILLEGAL_CHARACTERS_RE) or one lxml refuses to write (it raises: a lone
# surrogate, U+FFFE, U+FFFF).
_NEEDS_CARE = re.compile(r"^[=+\-@\t\r]|[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LXML_REFUSES = re.compile(r"[\ud800-\udfff\ufffe\uffff]")
_ERROR_CODES = frozenset(ERROR_CODES)


def _xml_text(text):
    """``text`` escaped as lxml escapes an element's text (&, <, > and a carriage return;
    every other character as it is: the row is encoded to ASCII with character references
    for the rest, as lxml writes a file without an encoding). Checked against lxml for
    every code point it accepts."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


class _SheetFileWriter(WorksheetWriter):
    """openpyxl's worksheet writer streaming to a file this module holds as well, so that
    ``Sheet`` can write data rows' XML into it between the parts lxml writes."""

    def __init__(self, ws):
        path = create_temporary_file()
        self.file = open(path, "wb")  # noqa: SIM115 — closed in close(), after lxml
        super().__init__(ws, out=self.file)  # lxml's incremental writer on that file
        self.out = path  # what openpyxl puts in the archive, then removes

    def close(self):
        super().close()
        self.file.close()


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

    # Data rows written as XML by this module (the same bytes as openpyxl's); False: every
    # row through openpyxl's cells (the tests' reference). Only with lxml, whose output
    # the XML copies.
    rows_as_xml = LXML

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
        # The XML rows: each column's letter, a styled value's ``s`` attribute per
        # (column, type), and whether a date or a time keeps the column's format (openpyxl
        # gives a date cell a date format of its own when the column's is none).
        self._letters = [get_column_letter(i) for i in range(1, len(self.columns) + 1)]
        self._style_attrs = {}
        self._dates_keep_format = [
            is_date_format(c.format or FORMATS[DATE])
            and is_date_format(c.format or FORMATS[DATETIME])
            for c in self.columns
        ]
        self._xml = self.rows_as_xml and not book.workbook.iso_dates  # dates as numbers
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
        if self._xml:
            self._start_rows()
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

    def _start_rows(self):
        """Open the sheet as openpyxl's first ``append`` does (the parts before the rows, then
        ``<sheetData>``), with the row number kept here, so a row can come as cells (openpyxl
        writes them) or as XML (``_row_xml``, written to the same file)."""
        ws = self.ws
        writer = ws._writer = _SheetFileWriter(ws)
        writer.write_top()
        self._row = 0
        self._lxml_pending = True  # lxml may hold written parts in its buffer
        ws._rows = self._rows()
        next(ws._rows)

    def _rows(self):
        """openpyxl's ``WriteOnlyWorksheet._write_rows`` with the row number in ``self._row``:
        ``ws.append`` sends each row of cells or values here."""
        ws, writer = self.ws, self.ws._writer
        try:
            xf = writer.xf.send(True)
        except StopIteration:
            ws._already_saved()
        self._xf = xf
        with xf.element("sheetData"):
            try:
                while True:
                    row = yield
                    self._row += 1
                    writer.write_row(xf, ws._values_to_row(row, self._row), self._row)
                    self._lxml_pending = True
            except GeneratorExit:
                pass
        writer.xf.send(None)

    def _style_attr(self, index, column, value, default_format):
        """`` s="N"`` for a styled value of this column and type: the style openpyxl gives
        ``_reused``'s cell (made once, as ``_fast_cell`` makes it: the same registrations
        in the same order), or "" for none."""
        key = (index, type(value))
        attr = self._style_attrs.get(key)
        if attr is None:
            cell = self._reused(index, column, value, default_format)
            attr = self._style_attrs[key] = f' s="{cell.style_id}"' if cell.has_style else ""
        return attr

    def _row_xml(self, values):
        """The row ``append`` writes as openpyxl would write it (``_fast_cell``'s values and
        formats, openpyxl's markup, lxml's escaping), as a str; None when a value needs
        openpyxl's own cell: the row then goes through openpyxl."""
        r = self._row + 1
        if r in self.ws.row_dimensions:
            return None
        out = [f'<row r="{r}">']
        letters = self._letters
        for index, (column, value) in enumerate(zip(self.columns, values, strict=False)):
            if value is None or value == "":
                continue
            cls = type(value)
            if cls is str or column.kind == TEXT:
                if (
                    cls is str
                    and _NEEDS_CARE.search(value) is None
                    and len(value) <= MAX_CELL_TEXT
                    and value not in _ERROR_CODES
                ):
                    text = value
                else:
                    text = self._fast_cell(index, column, value)
                    if text is None:
                        continue
                    if type(text) is not str or _LXML_REFUSES.search(text):
                        return None  # a quote-prefixed cell, or text lxml refuses
                space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
                out.append(
                    f'<c r="{letters[index]}{r}" t="inlineStr"><is><t{space}>'
                    f"{_xml_text(text)}</t></is></c>"
                )
                continue
            if isinstance(value, datetime.date):
                if not self._dates_keep_format[index]:
                    return None
                if isinstance(value, datetime.datetime):
                    if value.tzinfo is not None:
                        value = value.astimezone(self._tz)
                    value = value.replace(tzinfo=None)
                    style = self._style_attr(index, column, value, FORMATS[DATETIME])
                else:
                    style = self._style_attr(index, column, value, FORMATS[DATE])
                number = safe_string(to_excel(value, self.ws.parent.epoch))
                out.append(f'<c r="{letters[index]}{r}"{style} t="n"><v>{number}</v></c>')
                continue
            if isinstance(value, bool):
                value, style = int(value), ""
            elif isinstance(value, int | float | decimal.Decimal):
                if isinstance(value, float) and not math.isfinite(value):
                    return None
                if isinstance(value, decimal.Decimal) and not value.is_finite():
                    return None
                if column.kind == INT and not column.number_format:
                    value, style = int(value), ""
                elif not column.format:
                    style = ""
                else:
                    style = self._style_attr(index, column, value, column.format)
            else:
                return None
            out.append(f'<c r="{letters[index]}{r}"{style} t="n"><v>{safe_string(value)}</v></c>')
        out.append("</row>")
        return "".join(out)

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
        if self._xml:
            xml = self._row_xml(values)
            if xml is not None:
                if self._lxml_pending:
                    self._xf.flush()  # what lxml wrote before, then this row
                    self._lxml_pending = False
                self.ws._writer.file.write(xml.encode("ascii", "xmlcharrefreplace"))
                self._row += 1
                self.rows_written += 1
                return
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
