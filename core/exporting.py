"""Exports of admin lists: exactly what the current filters show, as .xlsx or .csv.

Columns are declared per list as a django-import-export ``Resource``: a subclass
of ``ExportResource``. Where a list has a file format (SPREADSHEETS.md), its first
columns are not declared again: ``format_resource(SomeImport, ...)`` makes them from
the import's own ``Column`` declarations (header, and the file's word of a choice,
never a translated label), so an exported file re-imports in any UI language.
This module adds what every export needs:

- masking: fields named in ``sensitive`` go through the one masking scheme
  unless the user may export unmasked data (then the export is recorded);
- formula neutralising: a text cell starting with ``= + - @`` is written as text
  (an explicit string cell in .xlsx; a leading apostrophe in .csv), never as a
  formula;
- bounded memory: rows are read in chunks and written as they come (csv streamed,
  xlsx in openpyxl's write-only mode, a new sheet past Excel's row limit);
- a workbook a person can read at once: a title row (what, which period, which
  hall), a bold header frozen under it, column widths from the header and the
  first row, amounts as numbers shown 0.00 and dates as dates. All of it set
  before the first row, as write-only mode requires.
"""

import csv
import datetime as dt
import io
import itertools
import unicodedata
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from import_export import fields, resources
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.importing import Column, Import
from core.masking import mask_id_number, mask_name, mask_phone

EXCEL_MAX_ROWS = 1_048_576
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
AMOUNT_FORMAT = "0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
MAX_WIDTH = 40
MASKS = {"id": mask_id_number, "phone": mask_phone, "name": mask_name}


def column(attribute: str, header: str) -> fields.Field:
    """One export column: the value at ``attribute`` (``__`` follows relations; a
    method such as ``get_status_display`` is called) under the Chinese ``header``."""
    return fields.Field(attribute=attribute, column_name=header, readonly=True)


class FormatField(fields.Field):
    """An export column made from an import's ``Column``: its header, its cell text."""

    def __init__(self, format_column: Column, attribute: str):
        super().__init__(attribute=attribute, column_name=format_column.header, readonly=True)
        self.format_column = format_column

    def get_value(self, obj):
        return self.format_column.word(super().get_value(obj))


def format_resource(importer: type[Import], **attributes: str | None) -> type["ExportResource"]:
    """The base of an export whose first columns are the file format of ``importer``.

    A column's value is read from the attribute of its field's name, or from the
    one given here (``grantor_id_number="grantor__id_number"``); ``None`` leaves an
    optional column out. A required column cannot be left out: the export would
    not re-import.
    """
    declared = {}
    for format_column in importer.columns:
        attribute = attributes.pop(format_column.field, format_column.field)
        if attribute is None and format_column.required:
            raise ImproperlyConfigured(f"{format_column.header} is required by {importer.title}")
        if attribute is not None:
            declared[format_column.field] = FormatField(format_column, attribute)
    if attributes:
        raise ImproperlyConfigured(f"not columns of {importer.title}: {', '.join(attributes)}")
    return type(f"{importer.__name__}Columns", (ExportResource,), declared)


class ExportResource(resources.Resource):
    """Base of every list export: declared fields only, in declaration order.

    ``sensitive`` maps a field's attribute to its mask: "id", "phone" or "name".
    """

    sensitive: dict[str, str] = {}

    def __init__(self, *, unmasked: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.unmasked = unmasked

    def export_field(self, field, instance, **kwargs):
        """The field's value itself (a dehydrate method's, if any), not the widget's
        text: dates and amounts stay dates and numbers, datetimes are shown in local
        time (``_plain``) rather than as UTC strings."""
        method = field.get_dehydrate_method(self.get_field_name(field))
        method = method if callable(method) else getattr(self, method, None)
        value = method(instance) if method else field.get_value(instance)
        kind = self.sensitive.get(field.attribute)
        if kind and not self.unmasked and value:
            return MASKS[kind](str(value))
        return value

    def rows(self, queryset) -> Iterator[list]:
        for obj in self.iter_queryset(queryset):
            yield [_plain(v) for v in self.export_resource(obj)]


def _plain(value):
    """Cell value: dates and Decimals kept as such, datetimes in local time, text as str."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (dt.date, Decimal, int)):
        return value
    return str(value)


def _looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_chunks(headers: list[str], rows: Iterable[list]) -> Iterator[bytes]:
    """CSV as UTF-8 with BOM (Excel on a Chinese PC reads it), one chunk per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush():
        data = buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
        return data

    writer.writerow(headers)
    yield "\ufeff".encode() + flush()
    for row in rows:
        writer.writerow(["'" + v if _looks_like_formula(v) else _csv_text(v) for v in row])
        yield flush()


def _csv_text(value) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def write_xlsx(
    headers: list[str], rows: Iterable[list], target, title: str = "Sheet", *, heading: str = ""
) -> int:
    """Write an .xlsx to ``target`` (path or binary file); returns the number of data rows.

    ``heading``, if given, is a title row above the header (what the file holds,
    its period, the hall). Every sheet (a new one past Excel's row limit) repeats
    the heading and the header, frozen, with the column widths of the first sheet.
    """
    workbook = Workbook(write_only=True)
    rows = iter(rows)
    first = next(rows, None)
    widths = _widths(headers, first)
    per_sheet = EXCEL_MAX_ROWS - (2 if heading else 1)
    count, sheet = 0, None
    for row in itertools.chain([first], rows) if first is not None else ():
        if count % per_sheet == 0:
            sheet = _new_sheet(
                workbook, f"{title}{count // per_sheet + 1}", headers, heading, widths
            )
        sheet.append([_xlsx_cell(sheet, v) for v in row])
        count += 1
    if sheet is None:
        _new_sheet(workbook, title, headers, heading, widths)
    workbook.save(target)
    return count


def _new_sheet(workbook, title: str, headers: list[str], heading: str, widths: list[int]):
    sheet = workbook.create_sheet(title[:31])
    for number, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = "A3" if heading else "A2"
    if heading:
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = Font(bold=True, size=12)
        sheet.append([cell])
    bold = Font(bold=True)
    sheet.append([_styled(WriteOnlyCell(sheet, value=h), font=bold) for h in headers])
    return sheet


def _styled(cell, **styles):
    for name, value in styles.items():
        setattr(cell, name, value)
    return cell


def _widths(headers: list[str], first: list | None) -> list[int]:
    """Each column as wide as its header or its first value, whichever is wider
    (a CJK character counts two), within ``MAX_WIDTH``."""
    widths = []
    for number, header in enumerate(headers):
        value = first[number] if first is not None and number < len(first) else ""
        shown = _xlsx_text(value)
        widths.append(min(max(_display_width(header), _display_width(shown)) + 2, MAX_WIDTH))
    return widths


def _xlsx_text(value) -> str:
    if isinstance(value, dt.datetime):
        return "0000-00-00 00:00:00"
    if isinstance(value, dt.date):
        return "0000-00-00"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _xlsx_cell(sheet, value):
    if _looks_like_formula(value):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # text, never a formula
        return cell
    if isinstance(value, dt.datetime):
        return _styled(WriteOnlyCell(sheet, value=value), number_format=DATETIME_FORMAT)
    if isinstance(value, dt.date):
        return _styled(WriteOnlyCell(sheet, value=value), number_format=DATE_FORMAT)
    if isinstance(value, Decimal):
        return _styled(WriteOnlyCell(sheet, value=value), number_format=AMOUNT_FORMAT)
    return value
