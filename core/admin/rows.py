"""A big list's rows written as one string a row, the HTML Django's ``items_for_result``
writes cell by cell.

Django resolves each cell on its own: the column's field or method by name, the
empty value's text, the cell's class, whether it links, and one ``format_html`` for
the cell and another for its link. On the ledger's page (50 rows × 13 columns) that
was 1.03 s of 2.69 s for 10 requests (cProfile, docs/BENCHMARKS.md). What does not
depend on the row is decided here once a page (``_Column``); a row is then its values
shown as Django's ``display_for_field`` / ``display_for_value`` show them and joined:
the usual fields' texts (choices, dates and times, decimals, plain texts) and a
method's text written here with the language's formats looked up once a page
(``_field_text``; a searched ledger page's cells 6.5 → 2.2 ms), the rest by Django's
functions.
A list that edits rows in place (``list_editable``) or is a popup is left to Django.
"""

import datetime
import html
from decimal import Decimal

from django.conf import settings
from django.contrib.admin.templatetags.admin_list import (
    ResultList,
    items_for_result,
    result_headers,
    result_list,
)
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
)
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.urls import NoReverseMatch
from django.utils import dateformat, numberformat
from django.utils.formats import get_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.timezone import get_current_timezone, is_naive
from django.utils.translation import get_language

_NOWRAP_FIELDS = (models.DateField, models.TimeField, models.ForeignKey)
_NOWRAP_VALUES = (datetime.date, datetime.time)


class _Column:
    """One entry of ``list_display``: how its cells are found and written.

    ``field`` is the model field (Django's ``lookup_field`` finds the same one from
    the name alone); ``method`` the admin's or a plain callable, called with the row."""

    def __init__(self, cl, index, name, links):
        admin = cl.model_admin
        self.name = name
        self.links = links
        self.empty = admin.get_empty_value_display()
        self.field = self.method = None
        try:
            self.field = _get_non_gfk_field(cl.lookup_opts, name)
        except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
            if callable(name):
                self.method = name
            elif hasattr(admin, name) and name != "__str__":
                self.method = getattr(admin, name)
            else:
                raise LookupError(name) from None  # a model attribute: Django's cells
            self.empty = getattr(self.method, "empty_value_display", self.empty)
            self.boolean = getattr(self.method, "boolean", False)
        self.field_class = "field-" + (
            (f"lambda{index}" if name.__name__ == "<lambda>" else name.__name__)
            if callable(name)
            else name
        )
        self.plain_field = self.field is not None and not self.field.auto_created
        self.classes = (
            "action-checkbox"
            if name == "action_checkbox" and not self.plain_field
            else self.field_class
        )
        self.nowrap = self.plain_field and isinstance(self.field, _NOWRAP_FIELDS)
        self.text = _field_text(self.field, self.empty) if self.plain_field else None
        self.related = self.plain_field and isinstance(self.field.remote_field, models.ManyToOneRel)
        self.empty_text = conditional_escape(self.empty)
        self.attribute = f' class="{self.classes}"'
        self.nowrap_attribute = f' class="{self.classes} nowrap"'

    def cell(self, result) -> tuple[str, str]:
        """(the cell's class attribute, its escaped text) for ``result``."""
        try:
            value = self.method(result) if self.method else getattr(result, self.name)
        except ObjectDoesNotExist:
            return f' class="{self.field_class}"', self.empty_text
        if isinstance(value, str) and value.strip() == "":
            value = ""
        if self.text:
            return (self.nowrap_attribute if self.nowrap else self.attribute), self.text(value)
        nowrap = self.nowrap
        if self.related:
            related = getattr(result, self.field.name)
            shown = self.empty if related is None else related
        elif self.plain_field:
            shown = display_for_field(value, self.field, self.empty, avoid_link=self.links)
        elif type(value) is str and (self.field is not None or not self.boolean):
            # A method's text: what ``display_for_value`` shows of it.
            return self.attribute, _escape(value) if value else self.empty_text
        else:
            boolean = False if self.field is not None else self.boolean
            shown = display_for_value(value, self.empty, boolean)
            nowrap = nowrap or isinstance(value, _NOWRAP_VALUES)
        return (self.nowrap_attribute if nowrap else self.attribute), conditional_escape(shown)


def _field_text(field, empty):
    """For the usual fields of a list (choices, dates and times, decimals, plain
    texts): a function of the value giving
    ``conditional_escape(display_for_field(value, field, empty))``, with what does
    not depend on the value (the choices' labels, the language's formats) looked up
    once a page. None: Django's ``display_for_field`` a cell."""
    empty_text = conditional_escape(empty)
    if getattr(field, "flatchoices", None):
        labels = {value: conditional_escape(label) for value, label in field.flatchoices}

        def choice(value):
            try:
                return labels.get(value, empty_text)
            except TypeError:  # an unhashable value: Django's way with it
                return conditional_escape(display_for_field(value, field, empty))

        return choice
    if isinstance(field, models.BooleanField):
        return None
    if isinstance(field, models.DateTimeField):
        return _pattern_text("DATETIME_FORMAT", empty_text, field.empty_values, zoned=True)
    if isinstance(field, models.DateField):
        return _pattern_text("DATE_FORMAT", empty_text, field.empty_values)
    if isinstance(field, models.TimeField):
        return _pattern_text("TIME_FORMAT", empty_text, field.empty_values)
    if isinstance(field, models.DecimalField):
        return _decimal_text(field, empty_text)
    if type(field) in (models.CharField, models.TextField):  # not a URL's or a file's link

        def text(value):
            if type(value) is not str:  # not from the database: Django's way with it
                return conditional_escape(display_for_field(value, field, empty))
            return _escape(value) if value else empty_text

        return text
    return None


def _escape(text: str) -> SafeString:
    """``conditional_escape`` of a plain string (what Django's ``escape`` does to it,
    without its check for lazy arguments)."""
    return SafeString(html.escape(text))


def _decimal_text(field, empty_text):
    """``conditional_escape(display_for_field(value, a DecimalField, …))``: Django's
    ``number_format`` with the language's separators looked up once a page, and,
    for the usual value (not zero, no more decimal places than the field's, no
    thousands grouping), its text written by ``format`` (a money column's cell:
    15 µs by ``numberformat.format``)."""
    language = get_language()
    point, grouping, thousands = (
        get_format(name, language, use_l10n=True)
        for name in ("DECIMAL_SEPARATOR", "NUMBER_GROUPING", "THOUSAND_SEPARATOR")
    )
    places = field.decimal_places
    grouped = settings.USE_THOUSAND_SEPARATOR and grouping != 0  # as ``numberformat``'s

    def number(value):
        if value in field.empty_values:
            return empty_text
        exponent = value.as_tuple().exponent if isinstance(value, Decimal) else None
        if grouped or not value or not isinstance(exponent, int) or exponent < -places:
            # Zero (Django's has no sign), rounding, grouping, and what is not a
            # Decimal: Django's own.
            text = numberformat.format(value, point, places, grouping, thousands, use_l10n=True)
        else:
            text = format(value, f".{places}f").replace(".", point)
        return _escape(text)

    return number


# What ``dateformat.format`` writes for the specifiers of a plain date and time
# pattern (Django's DateFormat: zero-padded numbers), as ``str.format`` fields; a
# pattern with any other specifier or an escape is left to it.
_DAY_SPECIFIERS = {"Y": "{0.year:04d}", "m": "{0.month:02d}", "d": "{0.day:02d}"}
_TIME_SPECIFIERS = {"H": "{0.hour:02d}", "i": "{0.minute:02d}", "s": "{0.second:02d}"}
_SPECIFIERS = {
    "DATETIME_FORMAT": {**_DAY_SPECIFIERS, **_TIME_SPECIFIERS},
    "DATE_FORMAT": _DAY_SPECIFIERS,
    "TIME_FORMAT": _TIME_SPECIFIERS,
}


def _pattern_text(format_name, empty_text, empty_values, zoned=False):
    """``conditional_escape(display_for_field(value, …))`` of a DateTimeField
    (``zoned``: the value in the current time zone, as ``template_localtime``), a
    DateField or a TimeField: the value in the language's format ``format_name``,
    the zone and the pattern looked up once a page (``localize`` of a day: 39 µs a
    cell)."""
    pattern = get_format(format_name)
    zone = get_current_timezone() if zoned and settings.USE_TZ else None
    specifiers = _SPECIFIERS[format_name]
    plain = "\\" not in pattern and not any(
        char.isalpha() and char not in specifiers for char in pattern
    )
    template = "".join(
        specifiers.get(char) or html.escape(char).replace("{", "{{").replace("}", "}}")
        for char in pattern
    )

    def moment(value):
        if value in empty_values:
            return empty_text
        if zone and not is_naive(value) and getattr(value, "convert_to_local_time", True):
            value = value.astimezone(zone)
        if not plain:
            return conditional_escape(dateformat.format(value, pattern))
        return SafeString(template.format(value))

    return moment


def _columns(cl) -> list[_Column]:
    """The page's columns, and which of them links to the row's record (as Django's
    ``link_in_col``: the first of ``list_display_links``, or the first column)."""
    columns, first = [], True
    for index, name in enumerate(cl.list_display):
        links = cl.list_display_links is not None and (
            (first and not cl.list_display_links) or name in cl.list_display_links
        )
        column = _Column(cl, index, name, links)
        column.tag = "th" if links and first else "td"
        first = first and not links
        columns.append(column)
    return columns


def _row(cl, columns, result) -> SafeString:
    cells = []
    for column in columns:
        classes, text = column.cell(result)
        if column.links:
            try:
                url = cl.url_for_result(result)  # the list's filters on it already
            except NoReverseMatch:
                pass
            else:
                text = f'<a href="{conditional_escape(url)}">{text}</a>'
        cells.append(f"<{column.tag}{classes}>{text}</{column.tag}>")
    return SafeString("".join(cells))


def big_result_list(cl) -> dict:
    """The context of ``change_list_results.html`` (Django's ``result_list``), each
    row one item written by ``_row``; Django's own where a row is a form or a
    popup's, or the list is not a big one (``BigChangeList``)."""
    if getattr(cl, "formset", None) or cl.is_popup or not getattr(cl, "writes_rows", False):
        return result_list(cl)
    try:
        columns = _columns(cl)
    except LookupError:  # a column Django finds on the model: its cells
        rows = [SafeString("".join(items_for_result(cl, r, None))) for r in cl.result_list]
    else:
        rows = [_row(cl, columns, result) for result in cl.result_list]
    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": [],  # only a list's forms have them
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": [ResultList(None, [row]) for row in rows],
    }
