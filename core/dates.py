"""Local days as instants: the one place that turns the hall's calendar days into
aware datetimes (the time zone of the settings, ``Asia/Shanghai``).

Ranges are half open, [first day 00:00, the day after the last 00:00), so that
an index on a time column serves them and consecutive ranges never overlap.
"""

import datetime as dt

from django.utils import timezone


def local_moment(day: dt.date, time: dt.time = dt.time.min) -> dt.datetime:
    """``day`` at ``time`` (by default the start of the day), local and aware."""
    return timezone.make_aware(dt.datetime.combine(day, time))


def local_days(first: dt.date, last: dt.date | None = None) -> tuple[dt.datetime, dt.datetime]:
    """The local days ``first`` to ``last`` (inclusive; by default one day) as
    [start, end) instants."""
    return local_moment(first), local_moment((last or first) + dt.timedelta(days=1))
