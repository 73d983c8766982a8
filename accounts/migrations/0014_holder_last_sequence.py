"""The last entry's sequence on each account and wallet, filled from the ledger, so
that a posting reads it with the holder's lock instead of a MAX over the ledger."""

from django.db import migrations, models

FILL = """
UPDATE {table} h SET last_sequence = s.last
FROM (SELECT {holder} AS holder_id, MAX(sequence) AS last FROM accounts_ledgerentry
      WHERE {holder} IS NOT NULL GROUP BY {holder}) s
WHERE s.holder_id = h.id
"""


class Migration(migrations.Migration):
    dependencies = [("accounts", "0013_credit_file_confirmation")]

    operations = [
        migrations.AddField(
            model_name="personalaccount",
            name="last_sequence",
            field=models.PositiveIntegerField(default=0, verbose_name="last entry sequence"),
        ),
        migrations.AddField(
            model_name="wallet",
            name="last_sequence",
            field=models.PositiveIntegerField(default=0, verbose_name="last entry sequence"),
        ),
        migrations.RunSQL(
            FILL.format(table="accounts_personalaccount", holder="account_id"),
            migrations.RunSQL.noop,
        ),
        migrations.RunSQL(
            FILL.format(table="accounts_wallet", holder="wallet_id"), migrations.RunSQL.noop
        ),
    ]
