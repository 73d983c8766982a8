"""A streaming .xlsx writer: each row goes into its sheet's XML as it comes, compressed
on the way, so memory holds one batch of rows whatever the size of the file.

Why not openpyxl's write-only mode: it spends several microseconds on a cell (more
without lxml), and a ledger export of a million rows has sixteen million; the
writer below makes the same cells in a fraction of that (bench/exports.py).
What it writes is the smallest workbook Excel, LibreOffice and openpyxl read
(ECMA-376 SpreadsheetML): text as inline strings (never a formula, whatever it
starts with), ints and Decimals as numbers, dates and datetimes as serial days
with a ``yyyy-mm-dd`` / ``yyyy-mm-dd hh:mm:ss`` format, Decimals shown ``0.00``,
``""`` as an empty cell. A sheet's layout (column widths, frozen top rows) goes into
``_sheet_head``, before the rows; a row of text may be bold (a header) or a title.
"""

import datetime as dt
import re
import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

EPOCH = dt.datetime(1899, 12, 30)  # Excel's day 0 (its 1900 leap-year bug folded in)
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Indexes of cellXfs in STYLES.
DATE_STYLE, DATETIME_STYLE, AMOUNT_STYLE, BOLD_STYLE, TITLE_STYLE = 1, 2, 3, 4, 5
TEXT_STYLES = {"bold": BOLD_STYLE, "title": TITLE_STYLE}
FLUSH_ROWS = 500
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _letters(index: int) -> str:
    """Column letters of a 0-based column index: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(ref, value: str, style: int = 0) -> str:
    if ILLEGAL_XML.search(value):
        value = ILLEGAL_XML.sub("", value)
    shown = f' s="{style}"' if style else ""
    inline = f'<is><t xml:space="preserve">{escape(value)}</t></is>'
    return f'<c r="{ref}"{shown} t="inlineStr">{inline}</c>'


def _number(ref, value) -> str:
    return f'<c r="{ref}"><v>{value}</v></c>'


def _amount(ref, value: Decimal) -> str:
    return f'<c r="{ref}" s="{AMOUNT_STYLE}"><v>{value}</v></c>'


def _datetime(ref, value: dt.datetime) -> str:
    days = (value.replace(tzinfo=None) - EPOCH) / dt.timedelta(days=1)
    return f'<c r="{ref}" s="{DATETIME_STYLE}"><v>{days!r}</v></c>'


def _date(ref, value: dt.date) -> str:
    return f'<c r="{ref}" s="{DATE_STYLE}"><v>{(value - EPOCH.date()).days}</v></c>'


def _bool(ref, value: bool) -> str:
    return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'


CELLS = {
    str: _text,
    int: _number,
    Decimal: _amount,
    float: _number,
    bool: _bool,
    dt.datetime: _datetime,
    dt.date: _date,
}


class XlsxWriter:
    """``sheet(name)`` starts a sheet, ``row(values)`` appends to it, ``close()``
    finishes the workbook. ``target`` is a path or a binary file open for writing."""

    def __init__(self, target):
        self.zip = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self.names: list[str] = []
        self.stream = None
        self.pending: list[str] = []
        self.number = 0
        self.refs: list[str] = []

    def sheet(self, name: str, *, widths=(), frozen_rows: int = 0) -> None:
        """Start a sheet; ``widths`` of its columns in characters, ``frozen_rows``
        kept in view when scrolling (a title and the header)."""
        self._end_sheet()
        self.names.append(name[:31])
        self.stream = self.zip.open(f"xl/worksheets/sheet{len(self.names)}.xml", "w")
        self.stream.write(_sheet_head(widths, frozen_rows).encode())
        self.number = 0

    def row(self, values, *, style: str = "") -> None:
        """Append a row; ``style`` ("bold", "title") for a row of text."""
        self.number += 1
        if len(self.refs) < len(values):
            self.refs = [_letters(i) for i in range(len(values))]
        n = self.number
        if style:
            text = TEXT_STYLES[style]
            cells = "".join(
                _text(f"{ref}{n}", str(v), text) for ref, v in zip(self.refs, values, strict=False)
            )
        else:
            cells = "".join(
                CELLS.get(type(v), _other)(f"{ref}{n}", v)
                for ref, v in zip(self.refs, values, strict=False)
                if v != ""
            )
        self.pending.append(f'<row r="{n}">{cells}</row>')
        if len(self.pending) >= FLUSH_ROWS:
            self._flush()

    def close(self) -> None:
        self._end_sheet()
        sheets = "".join(
            f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"/>'
            for i, name in enumerate(self.names, 1)
        )
        relations = "".join(
            f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(self.names) + 1)
        )
        count = len(self.names)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="'
            'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, count + 1)
        )
        parts = {
            "[Content_Types].xml": CONTENT_TYPES.format(overrides=overrides),
            "_rels/.rels": ROOT_RELS,
            "xl/workbook.xml": WORKBOOK.format(sheets=sheets),
            "xl/_rels/workbook.xml.rels": WORKBOOK_RELS.format(
                relations=relations, styles=count + 1
            ),
            "xl/styles.xml": STYLES,
        }
        for name, xml in parts.items():
            self.zip.writestr(name, xml)
        self.zip.close()

    def _flush(self) -> None:
        self.stream.write("".join(self.pending).encode())
        self.pending.clear()

    def _end_sheet(self) -> None:
        if self.stream is None:
            return
        self._flush()
        self.stream.write(_sheet_tail().encode())
        self.stream.close()
        self.stream = None


def _other(ref, value) -> str:
    """A value of another type (a subclass of str, a date subclass): by what it is."""
    for kind, cell in CELLS.items():
        if isinstance(value, kind):
            return cell(ref, value)
    return _text(ref, str(value))


def _sheet_head(widths, frozen_rows: int) -> str:
    views = cols = ""
    if frozen_rows:
        views = (
            '<sheetViews><sheetView workbookViewId="0">'
            f'<pane ySplit="{frozen_rows}" topLeftCell="A{frozen_rows + 1}" '
            'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
        )
    if widths:
        each = "".join(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
            for i, w in enumerate(widths, 1)
        )
        cols = f"<cols>{each}</cols>"
    return f'{XML}<worksheet xmlns="{NS}" xmlns:r="{REL}">{views}{cols}<sheetData>'


def _sheet_tail() -> str:
    return "</sheetData></worksheet>"


XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
CONTENT_TYPES = (
    XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="'
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="'
    'application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "{overrides}</Types>"
)
WORKBOOK = XML + f'<workbook xmlns="{NS}" xmlns:r="{REL}"><sheets>{{sheets}}</sheets></workbook>'
ROOT_RELS = (
    XML + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    XML + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    "{relations}"
    f'<Relationship Id="rId{{styles}}" Type="{REL}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# cellXfs: 0 General, 1 a date (numFmt 164), 2 a date and time (numFmt 165),
# 3 an amount (built-in numFmt 2, "0.00"), 4 bold text (a header), 5 a title.
STYLES = (
    XML + f'<styleSheet xmlns="{NS}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="12"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
