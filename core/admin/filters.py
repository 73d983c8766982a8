"""List filters shared by every admin list."""

import datetime as dt

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.dates import local_days, local_moment
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
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise IncorrectLookupParameters(_("Dates are written YYYY-MM-DD.")) from None
        if not EARLIEST <= day <= LATEST:
            raise IncorrectLookupParameters(value)  # a year no list can show
        return day

    def queryset(self, request, queryset):
        """A datetime field is compared with the instants the local days begin and end,
        so the field's index answers (``__date`` would convert every row first)."""
        field = self.field_path
        if start := self._date(self.param_from):
            start = local_moment(start) if self.is_datetime else start
            queryset = queryset.filter(**{f"{field}__gte": start})
        if end := self._date(self.param_to):
            if self.is_datetime:
                queryset = queryset.filter(**{f"{field}__lt": local_days(end)[1]})
            else:
                queryset = queryset.filter(**{f"{field}__lte": end})
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
