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
  xlsx in openpyxl's write-only mode, a new sheet past Excel's row limit).
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from import_export import fields, resources
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from core.importing import Column, Import
from core.masking import mask_id_number, mask_name, mask_phone

EXCEL_MAX_ROWS = 1_048_576
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
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


def write_xlsx(headers: list[str], rows: Iterable[list], target, title: str = "Sheet") -> int:
    """Write an .xlsx to ``target`` (path or binary file); returns the number of data rows."""
    workbook = Workbook(write_only=True)
    per_sheet = EXCEL_MAX_ROWS - 1
    count, sheet = 0, None
    for row in rows:
        if count % per_sheet == 0:
            sheet = workbook.create_sheet(f"{title}{count // per_sheet + 1}"[:31])
            sheet.append(headers)
        sheet.append([_xlsx_cell(sheet, v) for v in row])
        count += 1
    if sheet is None:
        workbook.create_sheet(title[:31]).append(headers)
    workbook.save(target)
    return count


def _xlsx_cell(sheet, value):
    if _looks_like_formula(value):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # text, never a formula
        return cell
    if isinstance(value, dt.datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return value
