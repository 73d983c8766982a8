"""Reading and writing the spreadsheets service halls exchange (SPREADSHEETS.md).

A file is read into a ``Sheet``: its header names and its data rows, each row
knowing its number as a spreadsheet shows it (the header is row 1) and its
cells by header name. Cells are text (trimmed), or a date / datetime when the
.xlsx cell is an Excel date. Empty cells are ``""``. Checking what the cells
mean is the job of ``yibao.importing``.

The format is told from the content, not the name: a ZIP archive is .xlsx,
anything else is CSV text in UTF-8 (with or without BOM) or GB18030 (a superset
of GBK, what Excel on a Chinese Windows PC saves).
"""

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.styles import Font

Cell = str | dt.date | dt.datetime

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the binary .xls of Excel 97–2003
UTF8_BOM = b"\xef\xbb\xbf"


class FileRejected(Exception):
    """The file cannot be read as a spreadsheet at all; the message says why."""


@dataclass
class Row:
    number: int
    cells: dict[str, Cell]


@dataclass
class Sheet:
    headers: list[str]
    rows: list[Row] = field(default_factory=list)


def sheet_read(content: bytes) -> Sheet:
    """The header row and the non-blank data rows of an .xlsx or CSV file."""
    if content.startswith(OLE_MAGIC):
        raise FileRejected(_("Old .xls files cannot be read; save the file as .xlsx or .csv."))
    records = _xlsx_records(content) if content.startswith(ZIP_MAGIC) else _csv_records(content)
    header = next(records, None)
    if header is None:
        raise FileRejected(_("The file is empty: it has no header row."))
    headers = [str(name).strip() if name is not None else "" for name in header]
    named = [name for name in headers if name]
    for name in named:
        if named.count(name) > 1:
            raise FileRejected(_("The column %(column)s appears twice.") % {"column": name})
    sheet = Sheet(headers=named)
    for number, record in enumerate(records, start=2):
        cells = {name: _cell(value) for name, value in zip(headers, record, strict=False) if name}
        if any(cells.values()):
            sheet.rows.append(Row(number=number, cells=cells))
    return sheet


def sheet_rows_at_most(content: bytes) -> int:
    """How many data rows the file has at most, without reading its cells.

    Why: deciding whether an import runs in the background must not itself read
    a 100,000-row file in the web request. A CSV file has at most one row per
    line; a workbook says its size in its dimension (formatted blank rows
    count too); one that does not is streamed and counted.
    """
    if not content.startswith(ZIP_MAGIC):
        return content.rstrip(b"\r\n").count(b"\n")  # the lines after the header
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        try:
            sheet = book.worksheets[0]
            rows = sheet.max_row
            if rows is None:
                rows = sum(1 for _row in sheet.iter_rows(values_only=True))
        finally:
            book.close()
    except Exception:  # a damaged workbook: the import's own reading reports it
        return 0
    return max(rows - 1, 0)


def _xlsx_records(content: bytes) -> Iterator[tuple]:
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            records = list(book.worksheets[0].iter_rows(values_only=True))
        finally:
            book.close()
    except Exception:  # a damaged workbook fails in many ways inside openpyxl
        raise FileRejected(_("The file is not a valid .xlsx workbook.")) from None
    yield from records


def _csv_records(content: bytes) -> Iterator[list[str]]:
    if content.startswith(UTF8_BOM):
        text = content[len(UTF8_BOM) :].decode("utf-8", errors="strict")
    else:
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = content.decode("gb18030")
            except UnicodeDecodeError:
                raise FileRejected(
                    _("The file is neither UTF-8 nor GB18030 (GBK) text, nor an .xlsx workbook.")
                ) from None
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as error:
        raise FileRejected(_("The CSV file is malformed: %(error)s") % {"error": error}) from None


def _cell(value) -> Cell:
    """A cell as text, or a date (midnight datetimes from Excel are dates)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else value
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        # Excel shows 15 significant digits of its doubles: 100.30000000000001 is 100.3.
        number = Decimal(f"{value:.15g}")
        return str(int(number)) if number == number.to_integral_value() else str(number)
    return str(value).strip()


def template_xlsx(headers: list[str]) -> bytes:
    """A blank workbook with the header row; every column formatted as text.

    Text format keeps ID numbers from turning into 3.2E+17 and leading zeros of
    phone numbers from vanishing when a clerk types them in Excel.
    """
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for index, _header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = 22
        for row in range(2, 1002):
            sheet.cell(row=row, column=index).number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
