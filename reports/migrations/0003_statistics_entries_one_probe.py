"""The ledger entries' statistics trigger tells that no record reaches the
statement's new entries with one step down each record table's index, instead of
one lookup per entry.

Why: a settlement file's chunk inserts its thousand entries before its payments,
so the test of ``0002_statistics_entries_early_exit`` looked each of the thousand
ids up in the payments' and the transfers' indexes and found none: 33 ms of the
chunk's server time (``pg_stat_user_functions``), a tenth of it. A record can
reach a new entry only if the highest entry id that the records name is at least
the lowest new id; that maximum is the last key of the records' unique index.
Only then are the ids looked up one by one, as before.
"""

import importlib

from django.db import migrations

summary = importlib.import_module("reports.migrations.0001_statistics_summary")
early_exit = importlib.import_module("reports.migrations.0002_statistics_entries_early_exit")

_REACHED = " OR ".join(
    f"(COALESCE((SELECT max({entry}) FROM {table}) >= (SELECT min(id) FROM new_entries), false)"
    f" AND EXISTS (SELECT FROM {table} WHERE {entry} = ANY (ARRAY(SELECT id FROM new_entries))))"
    for table, entry, _use in summary.MEASURES.values()
)

FORWARD = early_exit.FORWARD.replace(f"NOT ({early_exit._REACHED})", f"NOT ({_REACHED})", 1)
assert FORWARD != early_exit.FORWARD, "0002's guard is not where it was"


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_statistics_entries_early_exit")]

    operations = [migrations.RunSQL(FORWARD, early_exit.FORWARD)]
