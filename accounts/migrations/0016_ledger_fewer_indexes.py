"""The ledger without the indexes no query needs, which every posting filled.

- ``account_id`` and ``wallet_id``: their foreign-key indexes duplicate the leading
  column of the (holder, sequence) unique indexes, which serve every lookup by the
  holder (the lists, statements, the foreign keys' checks; docs/BENCHMARKS.md).
- ``idempotency_key``: unique by a constraint instead of ``unique=True``, which also
  made a ``varchar_pattern_ops`` index (for LIKE; no query searches the key by a
  prefix), 613 MB at 9.7M entries. The unique index is kept and renamed, not rebuilt.

Dropping an index takes the table's lock for a moment; on a deployment's full
ledger run it when nothing posts, or drop the three with DROP INDEX CONCURRENTLY
first (the operations below then find nothing left to drop).
"""

import django.db.models.deletion
from django.db import migrations, models

LIKE = "accounts_ledgerentry_idempotency_key_3320c433_like"
OLD, NEW = "accounts_ledgerentry_idempotency_key_key", "entry_idempotency_key_unique"


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0015_admin_search_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="ledgerentry",
            name="account",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="entries",
                to="accounts.personalaccount",
                verbose_name="personal account",
            ),
        ),
        migrations.AlterField(
            model_name="ledgerentry",
            name="wallet",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="entries",
                to="accounts.wallet",
                verbose_name="wallet",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="ledgerentry",
                    name="idempotency_key",
                    field=models.CharField(max_length=120, verbose_name="idempotency key"),
                ),
                migrations.AddConstraint(
                    model_name="ledgerentry",
                    constraint=models.UniqueConstraint(fields=("idempotency_key",), name=NEW),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {LIKE};"
                    f"ALTER TABLE accounts_ledgerentry RENAME CONSTRAINT {OLD} TO {NEW}",
                    f"ALTER TABLE accounts_ledgerentry RENAME CONSTRAINT {NEW} TO {OLD};"
                    f"CREATE INDEX {LIKE} ON accounts_ledgerentry "
                    "(idempotency_key varchar_pattern_ops)",
                ),
            ],
        ),
    ]
