"""Reading and writing the spreadsheets service halls exchange (SPREADSHEETS.md).

A file is read into a ``Sheet`` (or, for an import, streamed by
``sheet_stream``: the header, then one row at a time): its header names and its
data rows, each row
knowing its number as a spreadsheet shows it (the header is row 1) and its
cells by header name. Cells are text (trimmed); a workbook's number cell is a
``Number`` (text as the office program shows it, marked as a number, so that
identifier columns can refuse it); a date cell is a date / datetime. Empty
cells are ``""``. Checking what the cells mean is the job of ``core.importing``.

The format is told from the content, not the name: a ZIP archive is .xlsx
(unless it is an OpenDocument file, which is refused), anything else is CSV
text in UTF-8 (with or without BOM) or GB18030 (a superset of GBK, what Excel
on a Chinese Windows PC saves). Every row of the sheet is read, whatever the
workbook's declared dimension says (openpyxl's read-only mode would trust it
and silently drop the rows and columns beyond it).
"""

import csv
import datetime as dt
import io
import itertools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import openpyxl
from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.styles import Font
from openpyxl.styles.numbers import is_datetime


class Number(str):
    """A workbook's number cell, as an office program shows it in General format:
    15 significant digits (``100.3``, ``777``, ``3.20505199001016E+17``).

    Why a ``str``: text columns (names, codes checked against a table) read it as
    shown; identifier columns refuse it, because the digits it lost (the 16th
    on, the leading zeros) cannot be told back; ``value`` is the number itself,
    for amounts.
    """

    __slots__ = ()

    @property
    def value(self) -> Decimal:
        return Decimal(self)


Cell = str | Number | dt.date | dt.datetime

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97–2003 .xls, also a password-protected .xlsx
UTF8_BOM = b"\xef\xbb\xbf"
ROW_START = re.compile(rb"<(?:\w+:)?row[\s>/]")


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
    headers, rows = sheet_stream(content)
    return Sheet(headers=headers, rows=list(rows))


def sheet_stream(content: bytes) -> tuple[list[str], Iterator[Row]]:
    """The header row, and the non-blank data rows one at a time: what is held in
    memory is the file's bytes and the row being read, whatever the file's length
    (an import takes a chunk of rows at a time).

    A first row of a single cell above a row of several is a title row
    (``core.exporting`` writes one above the header: what, which period, which
    hall) and is passed over, so an exported file imports as it is."""
    _refuse_other_formats(content)
    records = _xlsx_records(content) if content.startswith(ZIP_MAGIC) else _csv_records(content)
    header, first_data = next(records, None), 2
    if header is not None and _filled(header) == 1:
        second = next(records, None)
        if second is not None and _filled(second) > 1:
            header, first_data = second, 3
        elif second is not None:
            records = itertools.chain([second], records)
    if header is None:
        raise FileRejected(_("The file is empty: it has no header row."))
    headers = [str(name).strip() if name is not None else "" for name in header]
    named = [name for name in headers if name]
    for name in named:
        if named.count(name) > 1:
            raise FileRejected(_("The column %(column)s appears twice.") % {"column": name})
    return named, _rows(headers, records, first_data)


def _rows(headers: list[str], records, first_data: int) -> Iterator[Row]:
    for number, record in enumerate(records, start=first_data):
        padded = itertools.chain(record, itertools.repeat(None))  # rows may end early
        cells = {name: _cell(value) for name, value in zip(headers, padded, strict=False) if name}
        if any(cells.values()):
            yield Row(number=number, cells=cells)


def _filled(record) -> int:
    return sum(1 for value in record if value not in (None, ""))


def sheet_rows_at_most(content: bytes) -> int:
    """How many data rows the file has at most, without parsing its cells.

    Why: deciding whether an import runs in the background must not itself read
    a 100,000-row file in the web request. A CSV file has at most one row per
    line. A workbook's declared dimension may be wrong (a file written by a
    program that does not update it), so the row elements of its sheet are
    counted in the raw XML instead (formatted blank rows count too).
    """
    if not content.startswith(ZIP_MAGIC):
        return content.rstrip(b"\r\n").count(b"\n")  # the lines after the header
    if _unpacked_size(content) > _unpacked_limit():
        return 0  # refused by sheet_read at once, before anything is unpacked
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        try:
            rows = _row_elements(book.worksheets[0])
        finally:
            book.close()
    except Exception:  # a damaged workbook: the import's own reading reports it
        return 0
    return max(rows - 1, 0)


def _row_elements(sheet) -> int:
    """The ``<row>`` elements of a read-only sheet's XML, streamed in 1 MB pieces.

    A piece is counted up to its last ``<``, which is carried into the next
    one, so a tag split between two pieces is counted once."""
    count, carried = 0, b""
    with sheet._get_source() as source:  # openpyxl's own handle on the sheet's XML
        for piece in iter(lambda: source.read(1 << 20), b""):
            data = carried + piece
            cut = max(data.rfind(b"<"), 0)
            count += len(ROW_START.findall(data, 0, cut))
            carried = data[cut:]
    return count + len(ROW_START.findall(carried))


def _refuse_other_formats(content: bytes) -> None:
    """The spreadsheet formats that are not read, refused with what to do instead."""
    if content.startswith(OLE_MAGIC):
        raise FileRejected(
            _(
                "This is an Excel 97–2003 (.xls) file or a password-protected workbook, "
                "which cannot be read; save it as .xlsx (without a password) or .csv."
            )
        )
    if _is_opendocument(content):
        raise FileRejected(
            _("OpenDocument (.ods) files cannot be read; save the file as .xlsx or .csv.")
        )
    if content.startswith(ZIP_MAGIC) and (size := _unpacked_size(content)) > _unpacked_limit():
        raise FileRejected(
            _(
                "This workbook unpacks to %(size)s MB, more than the %(limit)s MB that can be "
                "read; split it into smaller files or save it as .csv."
            )
            % {"size": size >> 20, "limit": _unpacked_limit() >> 20}
        )


def _unpacked_size(content: bytes) -> int:
    """What a workbook's members unpack to, as its ZIP directory declares (the
    reader never unpacks more than declared: Python's zipfile stops there).

    Why: a few hundred KB of a "ZIP bomb" unpack to gigabytes of XML that would
    hold a web worker for minutes; the directory alone tells, without unpacking."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        return 0  # not a readable archive: the workbook reader refuses it


def _unpacked_limit() -> int:
    return settings.YIBAO_IMPORT_MAX_UNPACKED_MB << 20


def _is_opendocument(content: bytes) -> bool:
    """An OpenDocument file (.ods) is a ZIP whose first member, stored uncompressed
    right after its 30-byte header, is named "mimetype" and says opendocument."""
    return (
        content.startswith(ZIP_MAGIC)
        and content[30:38] == b"mimetype"
        and b"application/vnd.oasis.opendocument" in content[38:100]
    )


def _xlsx_records(content: bytes) -> Iterator[tuple]:
    """The sheet's rows as they are read from the unpacked XML, one at a time."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # a damaged workbook fails in many ways inside openpyxl
        raise FileRejected(_("The file is not a valid .xlsx workbook.")) from None
    try:
        rows = None
        while True:
            try:
                if rows is None:
                    sheet = book.worksheets[0]
                    sheet.reset_dimensions()  # every row and column, not the declared range
                    rows = sheet.iter_rows()
                record = tuple(map(_xlsx_value, next(rows)))
            except StopIteration:
                return
            except Exception:  # a damaged workbook fails in many ways inside openpyxl
                raise FileRejected(_("The file is not a valid .xlsx workbook.")) from None
            yield record
    finally:
        book.close()


def _xlsx_value(cell):
    """A cell's value; a date-time cell whose format shows only the date is a date.

    Why the format and not the time: a 结算时间 of exactly midnight is a
    date-time cell showing 00:00:00 and must stay one."""
    value = cell.value
    if isinstance(value, dt.datetime) and is_datetime(cell.number_format) == "date":
        return value.date()
    return value


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
    """A cell as text, a ``Number``, or a date / datetime (as ``_xlsx_value`` tells them)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        # Excel and LibreOffice keep 15 significant digits of a number (a double).
        return Number(f"{value:.15G}")
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
