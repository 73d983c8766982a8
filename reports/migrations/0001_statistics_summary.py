"""The statistics summary, kept by PostgreSQL, and filled from the ledger as it is.

What the statistics count (``reports.selectors``): each sharing payment and wallet
transfer whose ledger entry (``ledger_entry``, ``account_entry``) exists and is not
reversed, once, on the entry's value date, for its amount taken out of the
grantor's account (``-amount``), under the scope, use and grantor's region recorded
on the record. Its contribution to the summary therefore changes only when

- a payment or transfer row is inserted, updated or deleted (posted, approved,
  its recorded keys changed): the statement's new rows add, its old rows take away;
- a ledger entry is inserted (entries are never updated or deleted): a record now
  reaching its entry adds, and a reversal takes away the record it reverses.

Triggers per statement (transition tables), so a file batch or a COPY adds up
its rows in one statement; the summary rows are upserted in key order
(``ON CONFLICT ... SET uses = uses + excluded.uses``: concurrent postings add, none
is lost) into the slot of the writing connection. ``reports_statistics_refill()``
makes the summary again from the tables in one set-based statement (this
migration, the data generator); ``reports_statistics_compact(day)`` folds the
slots of past days into one row a key (``manage.py verify_statistics --compact``).
"""

from django.db import migrations, models

import django.db.models.deletion

SUMMARY = "reports_statisticsday"
KEY = "day, measure, scope, use, grantor_region_id, slot"
# The writing connection's slot: a key is spread over 8 rows, so that postings on
# other connections do not wait for each other's commit on one row.
SLOT = "pg_backend_pid() % 8"
UPSERT = f"""
    GROUP BY 1, 2, 3, 4, 5, 6
    HAVING SUM(sign) <> 0 OR SUM(-e.amount * sign) <> 0
    ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT ({KEY}) DO UPDATE
        SET uses = s.uses + excluded.uses, amount = s.amount + excluded.amount;"""

# Each measure: its table, the column of its entry and what it records as use.
MEASURES = {
    "payments": ("transfers_sharingpayment", "ledger_entry_id", "r.use"),
    "transfers": ("transfers_wallettransfer", "account_entry_id", "''"),
}


def _added(measure: str, rows: str) -> str:
    """The summary rows of the records in ``rows`` (a relation with a column
    ``sign``, 1 or -1) as they count now: with their entry, not reversed."""
    table, entry, use = MEASURES[measure]
    return f"""
    INSERT INTO {SUMMARY} AS s ({KEY}, uses, amount)
    SELECT e.value_date, '{measure}', r.scope, {use}, r.grantor_region_id,
           {SLOT}, SUM(sign), SUM(-e.amount * sign)
    FROM {rows} r JOIN accounts_ledgerentry e ON e.id = r.{entry}
    WHERE NOT EXISTS (SELECT FROM accounts_ledgerentry v WHERE v.reverses_id = e.id)
    {UPSERT}"""


def _record_triggers(measure: str) -> str:
    table = MEASURES[measure][0]
    rows = {
        "INSERT": ("NEW TABLE AS new_rows", "(SELECT *, 1 AS sign FROM new_rows)"),
        "DELETE": ("OLD TABLE AS old_rows", "(SELECT *, -1 AS sign FROM old_rows)"),
        "UPDATE": (
            "OLD TABLE AS old_rows NEW TABLE AS new_rows",
            "(SELECT *, 1 AS sign FROM new_rows UNION ALL SELECT *, -1 FROM old_rows)",
        ),
    }
    sql = []
    for event, (transition, relation) in rows.items():
        name = f"reports_statistics_{measure}_{event.lower()}"
        sql.append(f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {_added(measure, relation)}
    RETURN NULL;
END $$;
CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {transition}
    FOR EACH STATEMENT EXECUTE FUNCTION {name}();""")
    return "".join(sql)


def _reversed(measure: str) -> str:
    """Take away the records whose entry a new entry reverses (an entry is reversed
    at most once: the record counted until now), unless that entry is new too."""
    table, entry, use = MEASURES[measure]
    return f"""
    INSERT INTO {SUMMARY} AS s ({KEY}, uses, amount)
    SELECT e.value_date, '{measure}', r.scope, {use}, r.grantor_region_id,
           {SLOT}, SUM(sign), SUM(-e.amount * sign)
    FROM (SELECT -1 AS sign, reverses_id FROM new_entries
          WHERE reverses_id IS NOT NULL
          AND reverses_id NOT IN (SELECT id FROM new_entries)) v
    JOIN accounts_ledgerentry e ON e.id = v.reverses_id
    JOIN {table} r ON r.{entry} = e.id
    {UPSERT}"""


def _entry_trigger() -> str:
    reached = "(SELECT r.*, 1 AS sign FROM {table} r WHERE r.{entry} IN (SELECT id FROM new_entries))"
    steps = "".join(
        _added(m, reached.format(table=t, entry=e)) + _reversed(m)
        for m, (t, e, _use) in MEASURES.items()
    )
    return f"""
CREATE FUNCTION reports_statistics_entries_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {steps}
    RETURN NULL;
END $$;
CREATE TRIGGER reports_statistics_entries_insert AFTER INSERT ON accounts_ledgerentry
    REFERENCING NEW TABLE AS new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION reports_statistics_entries_insert();"""


def _refill() -> str:
    steps = "".join(
        _added(m, f"(SELECT *, 1 AS sign FROM {t})").replace(SLOT, "0")
        for m, (t, _e, _u) in MEASURES.items()
    )
    return f"""
CREATE FUNCTION reports_statistics_refill() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE {SUMMARY} IN EXCLUSIVE MODE;
    DELETE FROM {SUMMARY}; {steps}
END $$;"""


# The slots of the days before ``before`` added into slot 0, so that a past day
# is read from one row a key (one statement: a posting for such a day at the same
# time waits for it, then adds to the row of its slot again). Returns the rows moved.
COMPACT = f"""
CREATE FUNCTION reports_statistics_compact(before date) RETURNS bigint LANGUAGE sql AS $$
    WITH moved AS (
        DELETE FROM {SUMMARY} WHERE day < before AND slot <> 0
        RETURNING day, measure, scope, use, grantor_region_id, uses, amount
    ), added AS (
        INSERT INTO {SUMMARY} AS s ({KEY}, uses, amount)
        SELECT day, measure, scope, use, grantor_region_id, 0, SUM(uses), SUM(amount)
        FROM moved GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT ({KEY}) DO UPDATE
            SET uses = s.uses + excluded.uses, amount = s.amount + excluded.amount
    )
    SELECT COUNT(*) FROM moved;
$$;"""

FORWARD = "".join(
    [*(_record_triggers(m) for m in MEASURES), _entry_trigger(), _refill(), COMPACT]
)
BACKWARD = "".join(
    f"DROP TRIGGER reports_statistics_{m}_{e} ON {MEASURES[m][0]};"
    f"DROP FUNCTION reports_statistics_{m}_{e}();"
    for m in MEASURES
    for e in ("insert", "delete", "update")
) + (
    "DROP TRIGGER reports_statistics_entries_insert ON accounts_ledgerentry;"
    "DROP FUNCTION reports_statistics_entries_insert();"
    "DROP FUNCTION reports_statistics_refill();"
    "DROP FUNCTION reports_statistics_compact(date);"
)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0015_admin_search_indexes"),
        ("transfers", "0009_admin_search_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="StatisticsDay",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField(verbose_name="value date")),
                (
                    "measure",
                    models.CharField(
                        choices=[
                            ("payments", "sharing payments"),
                            ("transfers", "wallet transfers"),
                        ],
                        max_length=9,
                        verbose_name="measure",
                    ),
                ),
                (
                    "scope",
                    models.CharField(
                        choices=[
                            ("same_region", "same pooling region"),
                            ("cross_region", "cross-region within the province"),
                            ("cross_province", "cross-province"),
                        ],
                        max_length=16,
                        verbose_name="scope",
                    ),
                ),
                (
                    "use",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("medical", "medical treatment"),
                            ("pharmacy", "drug purchase"),
                            ("resident_contribution", "resident scheme contribution"),
                            ("ltc_contribution", "long-term-care contribution"),
                        ],
                        max_length=24,
                        verbose_name="use",
                    ),
                ),
                ("slot", models.PositiveSmallIntegerField(default=0, verbose_name="slot")),
                ("uses", models.BigIntegerField(verbose_name="uses")),
                (
                    "amount",
                    models.DecimalField(decimal_places=2, max_digits=18, verbose_name="amount"),
                ),
                (
                    "grantor_region",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.poolingregion",
                        verbose_name="grantor's pooling region",
                    ),
                ),
            ],
            options={
                "verbose_name": "statistics day",
                "verbose_name_plural": "statistics days",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("day", "measure", "scope", "use", "grantor_region", "slot"),
                        name="statistics_day_key",
                    )
                ],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RunSQL("SELECT reports_statistics_refill()", migrations.RunSQL.noop),
    ]
