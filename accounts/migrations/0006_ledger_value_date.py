"""The value date of every ledger entry (the day the money is for).

Entries written before this migration get theirs from what they recorded: a
credit of the credits import from the month its memo starts with (``YYYY-MM``,
the way the import kept 划入年月 until now), every other entry from the local
date of ``occurred_at`` (a settlement's or transfer's time, else the posting
time).

The ledger refuses every UPDATE (trigger ``ledger_entry_append_only``, migration
0002), so this one-off backfill switches that trigger off for its own UPDATE
only and on again, inside the migration's transaction: ``ALTER TABLE`` holds an
exclusive lock on the table until the commit, so no other session can write or
change an entry while the guard is off, and a failure rolls the whole step back
with the trigger still on.
"""

from django.conf import settings
from django.db import migrations, models

BACKFILL_SQL = """
UPDATE accounts_ledgerentry SET value_date = CASE
    WHEN kind = 'credit' AND memo ~ '^[0-9]{4}-(0[1-9]|1[0-2])( |$)'
        THEN to_date(substr(memo, 1, 7) || '-01', 'YYYY-MM-DD')
    ELSE (occurred_at AT TIME ZONE %s)::date
END
"""
GUARD = "ALTER TABLE accounts_ledgerentry {} TRIGGER ledger_entry_append_only"


def backfill(apps, schema_editor):
    schema_editor.execute(GUARD.format("DISABLE"))
    schema_editor.execute(BACKFILL_SQL, [settings.TIME_ZONE])
    schema_editor.execute(GUARD.format("ENABLE"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_enrolment_periods"),
    ]

    operations = [
        migrations.AddField(
            model_name="ledgerentry",
            name="value_date",
            field=models.DateField(null=True, verbose_name="value date"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="ledgerentry",
            name="value_date",
            field=models.DateField(
                help_text=(
                    "The day the money is for: the settlement or transfer day, the first day "
                    "of a credit's month, otherwise the booking day."
                ),
                verbose_name="value date",
            ),
        ),
        migrations.AddIndex(
            model_name="ledgerentry",
            index=models.Index(fields=["value_date"], name="entry_value_date_idx"),
        ),
    ]
