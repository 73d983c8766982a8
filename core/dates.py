"""Local days as instants: the one place that turns the hall's calendar days into
aware datetimes (the time zone of the settings, ``Asia/Shanghai``), and instants
into local days.

Why not ``timezone.localdate`` / ``make_aware`` where a file's rows call them:
they look up the active time zone first (a context variable, some 20 µs a call;
none is ever activated here, so the answer is the settings' zone), four or five
times a settlement row.

Ranges are half open, [first day 00:00, the day after the last 00:00), so that
an index on a time column serves them and consecutive ranges never overlap.
"""

import datetime as dt

from django.utils import timezone


def local_moment(day: dt.date, time: dt.time = dt.time.min) -> dt.datetime:
    """``day`` at ``time`` (by default the start of the day), local and aware."""
    return timezone.make_aware(dt.datetime.combine(day, time))


def local_date(moment: dt.datetime) -> dt.date:
    """The local day of an aware instant."""
    return moment.astimezone(timezone.get_default_timezone()).date()


def local_today() -> dt.date:
    """Today, the deployment's local day."""
    return dt.datetime.now(timezone.get_default_timezone()).date()


def local_aware(moment: dt.datetime) -> dt.datetime:
    """``moment`` as an aware instant: one without a zone is local time."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=timezone.get_default_timezone())
    return moment


def local_days(first: dt.date, last: dt.date | None = None) -> tuple[dt.datetime, dt.datetime]:
    """The local days ``first`` to ``last`` (inclusive; by default one day) as
    [start, end) instants."""
    return local_moment(first), local_moment((last or first) + dt.timedelta(days=1))
