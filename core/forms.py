"""Forms shared by the documents and reports of every app."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def this_year() -> tuple[dt.date, dt.date]:
    """1 January to 31 December of the current year, in the hall's time zone."""
    year = timezone.localdate().year
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


# The dates a period may name. Beyond them a day's bounds are not times Python can
# hold (``9999-12-31`` has no next day), and no personal account is that old or
# that far ahead: the accounts began in 1998 (国发〔1998〕44号).
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2099, 12, 31)


def date_in_range(value: dt.date) -> None:
    if not EARLIEST <= value <= LATEST:
        raise forms.ValidationError(
            _("%(date)s is outside the dates that can be chosen (%(earliest)s to %(latest)s)."),
            params={"date": value, "earliest": EARLIEST, "latest": LATEST},
        )


def _date_field(label) -> forms.DateField:
    # A date box takes and shows only ISO dates (2026-01-01); the locale's format
    # (2026/01/01) would leave it empty.
    return forms.DateField(
        label=label,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        validators=[date_in_range],
    )


class PeriodForm(forms.Form):
    """A period of whole days, both included; the current calendar year by default."""

    start = _date_field(_("from"))
    end = _date_field(_("to"))

    @classmethod
    def from_query(cls, query) -> "PeriodForm":
        """Bound to the query string, or to the current year when it names no period."""
        if "start" in query or "end" in query:
            return cls(query)
        start, end = this_year()
        return cls({"start": start, "end": end})

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        """The chosen period; the current year when the form is invalid."""
        if self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return this_year()


def period_presets(today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """本月, 上月, 本年, 上年 of ``today``, as (label, first day, last day)."""
    month_start = today.replace(day=1)
    next_month = (month_start + dt.timedelta(days=32)).replace(day=1)
    last_month_end = month_start - dt.timedelta(days=1)
    return [
        (_("this month"), month_start, next_month - dt.timedelta(days=1)),
        (_("last month"), last_month_end.replace(day=1), last_month_end),
        (_("this year"), dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)),
        (_("last year"), dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)),
    ]
