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
  (an inline string cell in .xlsx; a leading apostrophe in .csv), never as a
  formula;
- bounded memory: rows are read in chunks and written as they come (csv streamed,
  xlsx by the streaming writer of ``core.xlsx``, a new sheet past Excel's row
  limit);
- a workbook a person can read at once: a title row (what, which period, which
  hall), a bold header frozen under it, column widths from the header and the
  first row, amounts as numbers shown 0.00 and dates as dates;
- speed: where every column is a field (through forward or one-to-one relations)
  or a choice's label, the rows are read as plain values, one query on a
  server-side cursor, with no model instance per row: what lets a million
  ledger rows export in about a minute (bench/exports.py). A column the database
  cannot give (a property, a method) makes the export read objects instead.
"""

import csv
import datetime as dt
import io
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from functools import partialmethod
from inspect import getattr_static

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.utils import timezone
from import_export import fields, resources

from core.importing import Column, Import
from core.masking import mask_id_number, mask_name, mask_phone
from core.xlsx import XlsxWriter

EXCEL_MAX_ROWS = 1_048_576
CHUNK_ROWS = 2000  # rows fetched from the server-side cursor at a time
CSV_CHUNK_ROWS = 200
# Model fields whose values _plain keeps as they are (str, int, Decimal, date).
PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.DecimalField,
    models.DateField,
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
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
        method = self._dehydrator(field)
        return self._masked(field, method(instance) if method else field.get_value(instance))

    def _dehydrator(self, field):
        method = field.get_dehydrate_method(self.get_field_name(field))
        return method if callable(method) else getattr(self, method, None)

    def _masked(self, field, value):
        kind = self.sensitive.get(field.attribute)
        if kind and not self.unmasked and value:
            return MASKS[kind](str(value))
        return value

    def rows(self, queryset) -> Iterator[list]:
        """The cells of each row: from plain values where the database gives every
        column, else object by object (see the module's docstring)."""
        columns = self.get_export_fields()
        paths = [
            None if self._dehydrator(f) else column_path(queryset.model, f.attribute)
            for f in columns
        ]
        if None in paths:
            for obj in self.iter_queryset(queryset):
                yield [_plain(v) for v in self.export_resource(obj)]
            return
        cells = [self._cell(f, *path[1:]) for f, path in zip(columns, paths, strict=True)]
        values = queryset.values_list(*(path[0] for path in paths))
        for row in values.iterator(chunk_size=CHUNK_ROWS):
            yield [cell(v) for cell, v in zip(cells, row, strict=True)]

    def _cell(self, field, labels: dict | None, model_field) -> Callable:
        """A column's cell from its database value, as ``export_field`` makes it from
        the object: the choice's label, the file's word, the mask, ``_plain``; a plain
        column is converted by what its model field holds, decided once."""
        word = field.format_column.word if isinstance(field, FormatField) else None
        if labels is None and word is None and field.attribute not in self.sensitive:
            return _plain_of(model_field)

        def cell(value):
            value = labels.get(value, value) if labels is not None else value
            return _plain(self._masked(field, word(value) if word else value))

        return cell


def column_path(model, attribute: str) -> tuple[str, dict | None, models.Field] | None:
    """How the database gives ``attribute`` (``__`` through relations): its path for
    ``values_list``, for a choice's ``get_X_display`` the labels of its values, and
    the model field; None if it cannot (a property, a method of one's own, a related object, or a
    to-many relation, which would repeat rows)."""
    *through, last = attribute.split("__")
    try:
        for name in through:
            relation = model._meta.get_field(name)
            if not (relation.many_to_one or relation.one_to_one):
                return None
            model = relation.related_model
        display = re.fullmatch(r"get_(\w+)_display", last)
        if display and isinstance(getattr_static(model, last, None), partialmethod):  # Django's
            field = model._meta.get_field(display[1])
            labels = {value: str(label) for value, label in field.flatchoices}
            return "__".join([*through, display[1]]), labels, field
        field = model._meta.get_field(last)
    except FieldDoesNotExist:
        return None
    if field.is_relation and last != getattr(field, "attname", None):
        return None  # the object itself (its str), or a reverse relation
    return attribute, None, field


def _plain_of(field) -> Callable:
    """``_plain`` for the values of one model field, with the checks decided once."""
    if isinstance(field, models.DateTimeField):
        zone = timezone.get_current_timezone()
        return lambda value: "" if value is None else value.astimezone(zone).replace(tzinfo=None)
    if isinstance(field, PLAIN_FIELDS) and not field.is_relation:
        return _or_blank
    return _plain


def _or_blank(value):
    return "" if value is None else value


def _plain(value):
    """Cell value: dates and Decimals kept as such, datetimes in local time, text as str."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (dt.date, Decimal, int)):
        return value
    return str(value)


def csv_chunks(headers: list[str], rows: Iterable[list]) -> Iterator[bytes]:
    """CSV as UTF-8 with BOM (Excel on a Chinese PC reads it), in chunks of
    ``CSV_CHUNK_ROWS`` rows (a streamed response sends each as it comes)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush():
        data = buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
        return data

    writer.writerow(headers)
    yield "\ufeff".encode() + flush()
    for number, row in enumerate(rows, 1):
        writer.writerow([_csv_text(v) for v in row])
        if number % CSV_CHUNK_ROWS == 0:
            yield flush()
    yield flush()


def _csv_text(value):
    """A formula-looking text with a leading apostrophe, a datetime to the second."""
    if value.__class__ is str:
        return "'" + value if value.startswith(FORMULA_START) else value
    if isinstance(value, dt.datetime):
        return value.isoformat(" ", "seconds")
    return value


def write_xlsx(
    headers: list[str], rows: Iterable[list], target, title: str = "Sheet", *, heading: str = ""
) -> int:
    """Write an .xlsx to ``target`` (path or binary file); returns the number of data rows.

    ``heading``, if given, is a title row above the header (what the file holds,
    its period, the hall). Every sheet (a new one past Excel's row limit) repeats
    the heading and the header, frozen, with the column widths of the first sheet.
    """
    workbook = XlsxWriter(target)
    rows = iter(rows)
    first = next(rows, None)
    widths = _widths(headers, first)
    per_sheet = EXCEL_MAX_ROWS - (2 if heading else 1)
    count = 0
    for row in itertools.chain([first], rows) if first is not None else ():
        if count % per_sheet == 0:
            _new_sheet(workbook, f"{title}{count // per_sheet + 1}", headers, heading, widths)
        workbook.row(row)
        count += 1
    if count == 0:
        _new_sheet(workbook, title, headers, heading, widths)
    workbook.close()
    return count


def _new_sheet(workbook, title: str, headers: list[str], heading: str, widths: list[int]):
    workbook.sheet(title, widths=widths, frozen_rows=2 if heading else 1)
    if heading:
        workbook.row([heading], style="title")
    workbook.row(headers, style="bold")


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
