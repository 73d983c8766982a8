"""The ledger entries' statistics trigger returns at once when the statement's
entries change nothing that is counted.

Why: a posting inserts its entry first and its payment or transfer after it (the
record's insert trigger counts it then), so for a counter's settlement no record
reaches the new entry yet and no new entry reverses one; the trigger's four
upserts still ran, and in a database whose statistics were not yet gathered each
scanned the whole ledger (3.5 ms of the server's 11 ms a settlement,
``pg_stat_user_functions``). The test first asks the records' unique indexes
for the new entries' ids; only when one is found, or an entry reverses another,
the steps of ``0001_statistics_summary`` (their one definition) run as before.
"""

import importlib

from django.db import migrations

summary = importlib.import_module("reports.migrations.0001_statistics_summary")

_FUNCTION = (
    summary._entry_trigger()
    .split("CREATE TRIGGER")[0]
    .replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
)
_REACHED = " OR ".join(
    f"EXISTS (SELECT FROM {table} WHERE {entry} = ANY (ARRAY(SELECT id FROM new_entries)))"
    for table, entry, _use in summary.MEASURES.values()
)
_GUARD = f"""
    IF NOT EXISTS (SELECT FROM new_entries WHERE reverses_id IS NOT NULL)
       AND NOT ({_REACHED}) THEN
        RETURN NULL;
    END IF;"""

FORWARD = _FUNCTION.replace("BEGIN ", f"BEGIN {_GUARD}", 1)
assert FORWARD != _FUNCTION, "0001's trigger function has no BEGIN to guard"


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_statistics_summary")]

    operations = [migrations.RunSQL(FORWARD, _FUNCTION)]
