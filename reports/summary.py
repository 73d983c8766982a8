"""Filling the statistics summary again, and checking it against the records.

The triggers of migration ``reports.0001_statistics_summary`` keep the summary
exact write by write; a writer that fills tables in bulk (the data generator)
switches them off for its transaction and fills the summary once at the end
with ``reports_statistics_refill()``, one set-based statement per measure.
"""

import datetime as dt
from contextlib import contextmanager

from django.db import connection

from reports.selectors import sharing_statistics, sharing_statistics_live

_TRIGGERS = (
    "SELECT tgrelid::regclass, tgname FROM pg_trigger WHERE tgname LIKE 'reports_statistics_%'"
)


def statistics_refill(cursor) -> None:
    """Make the summary again from the payments, transfers and ledger as they are."""
    cursor.execute("SELECT reports_statistics_refill()")


def statistics_compact(before: dt.date) -> int:
    """Fold the slots of the days before ``before`` into one row a key (the page
    reads fewer rows; the figures stay the same). Returns the rows folded."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reports_statistics_compact(%s)", [before])
        return cursor.fetchone()[0]


@contextmanager
def statistics_filled_after(cursor):
    """The summary's triggers off for the block (bulk writes in the caller's
    transaction), then the summary filled from what the block wrote."""
    cursor.execute(_TRIGGERS)
    triggers = cursor.fetchall()
    for table, name in triggers:
        cursor.execute(f'ALTER TABLE {table} DISABLE TRIGGER "{name}"')
    yield
    for table, name in triggers:
        cursor.execute(f'ALTER TABLE {table} ENABLE TRIGGER "{name}"')
    statistics_refill(cursor)


def statistics_differences(start: dt.date, end: dt.date) -> list[str]:
    """Every row of every table where the summary and the records disagree for the
    period, as "table key: summary … records …"."""
    summary = sharing_statistics(start=start, end=end)
    live = sharing_statistics_live(start=start, end=end)
    differences = []
    for dimension, rows in live.items():
        found = {row.key: row for row in summary[dimension]}
        wanted = {row.key: row for row in rows}
        for key in sorted(found.keys() | wanted.keys(), key=str):
            if found.get(key) != wanted.get(key):
                differences.append(
                    f"{dimension} {key}: summary {found.get(key)}, records {wanted.get(key)}"
                )
    return differences
