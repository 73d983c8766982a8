"""List filters shared by every admin list."""

import datetime as dt

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.forms import EARLIEST, LATEST


class DateRangeFilter(admin.FieldListFilter):
    """From/to date inputs on a date or datetime field (both ends inclusive).

    Usage: ``list_filter = [("occurred_at", DateRangeFilter)]``. The GET
    parameters are ``<field>__from`` and ``<field>__to`` (YYYY-MM-DD), so a
    filtered list can be bookmarked, printed and exported as it stands.
    """

    template = "admin/filters/date_range.html"

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.param_from = f"{field_path}__from"
        self.param_to = f"{field_path}__to"
        self.is_datetime = isinstance(field, models.DateTimeField)
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = _("%(field)s (date range)") % {"field": self.title}

    def expected_parameters(self):
        return [self.param_from, self.param_to]

    def _date(self, param):
        value = self.used_parameters.get(param)
        if isinstance(value, list):
            value = value[-1]
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise IncorrectLookupParameters(_("Dates are written YYYY-MM-DD.")) from None

    def queryset(self, request, queryset):
        lookup = f"{self.field_path}__date" if self.is_datetime else self.field_path
        if start := self._date(self.param_from):
            queryset = queryset.filter(**{f"{lookup}__gte": start})
        if end := self._date(self.param_to):
            queryset = queryset.filter(**{f"{lookup}__lte": end})
        return queryset

    def choices(self, changelist):
        def value(param):
            v = self.used_parameters.get(param, "")
            return v[-1] if isinstance(v, list) else v

        yield {
            "param_from": self.param_from,
            "param_to": self.param_to,
            "value_from": value(self.param_from),
            "value_to": value(self.param_to),
            "kept": [
                (k, v)
                for k, values in changelist.params.items()
                if k not in (self.param_from, self.param_to)
                for v in (values if isinstance(values, list) else [values])
            ],
            "clear_url": changelist.get_query_string(remove=[self.param_from, self.param_to]),
        }


class DateHierarchyInRange:
    """For a ModelAdmin with ``date_hierarchy``: a year outside the dates that can be
    chosen (``core.forms``) is an incorrect lookup, which the list answers as such.

    Django's date hierarchy steps to the next year in Python, so ``…__year=9999`` in
    the query string would be a server error.
    """

    def get_changelist_instance(self, request):
        year = request.GET.get(f"{self.date_hierarchy}__year")
        if year is not None and not (year.isdigit() and EARLIEST.year <= int(year) <= LATEST.year):
            raise IncorrectLookupParameters(year)
        return super().get_changelist_instance(request)
