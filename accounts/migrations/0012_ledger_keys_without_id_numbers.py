"""Ledger idempotency keys without ID numbers (issue 11, personal data).

The credits import keyed a credit ``credit:<批次号>:<公民身份号码>`` and the demo
data ``demo-opening-<ID>`` / ``demo-credit-<year>-<ID>``; the key is shown on the
ledger pages to every role. From now on they name the person by database id.
This rewrites the keys already written the same way: in every entry of a
person's account or wallet, the person's ID number becomes the person's id, so
``credit:B:110101…1234`` becomes ``credit:B:42``, exactly the key the import now
computes, and re-importing a file posted before finds its credits and posts
nothing.

The ledger refuses every UPDATE (trigger ``ledger_entry_append_only``), so this
one-off does as migration 0006 did: the trigger is off for these UPDATEs only and
on again inside the migration's transaction, the ``ALTER TABLE`` lock keeping
every other writer out meanwhile; a failure rolls it all back with the trigger on.
Only the key changes; amounts, balances and the sequence are untouched.
"""

from django.db import migrations

REKEY_SQL = """
UPDATE accounts_ledgerentry AS entry
SET idempotency_key = replace(entry.idempotency_key, person.id_number, person.id::text)
FROM {holders} AS holder
JOIN accounts_insuredperson AS person ON person.id = holder.person_id
WHERE entry.{holder_column} = holder.id
  AND strpos(entry.idempotency_key, person.id_number) > 0
"""
GUARD = "ALTER TABLE accounts_ledgerentry {} TRIGGER ledger_entry_append_only"


def rekey(apps, schema_editor):
    schema_editor.execute(GUARD.format("DISABLE"))
    for holders, column in (("accounts_personalaccount", "account_id"), ("accounts_wallet", "wallet_id")):
        schema_editor.execute(REKEY_SQL.format(holders=holders, holder_column=column))
    schema_editor.execute(GUARD.format("ENABLE"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0011_service_hall_scope_permissions"),
    ]

    operations = [
        migrations.RunPython(rekey, migrations.RunPython.noop, elidable=False),
    ]
