"""The grantor's pooling region on every sharing payment and wallet transfer.

The statistics counted by the grantor's current region, so a move rewrote past
figures. From now on the services record the region when they create the
record. Existing records get the region the grantor had when the record was
received (``created_at``), read from the person's history (django-simple-history
keeps every version of a person); a grantor without a version that old gets
the current region.
"""

import django.db.models.deletion
from django.db import migrations, models

FILL_SQL = """
UPDATE {table} AS r SET grantor_region_id = COALESCE(
    (SELECT h.region_id FROM accounts_historicalinsuredperson h
     WHERE h.id = r.{grantor} AND h.history_date <= r.created_at
     ORDER BY h.history_date DESC, h.history_id DESC LIMIT 1),
    (SELECT p.region_id FROM accounts_insuredperson p WHERE p.id = r.{grantor})
)
"""


def fill(apps, schema_editor):
    # The new foreign key is checked now, not at the commit: a check still pending
    # would make PostgreSQL refuse the ALTER TABLE of the next operation.
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for table, grantor in (
        ("transfers_sharingpayment", "grantor_id"),
        ("transfers_wallettransfer", "sender_id"),
    ):
        schema_editor.execute(FILL_SQL.format(table=table, grantor=grantor))
    schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


def region_field(null):
    return models.ForeignKey(
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="accounts.poolingregion",
        verbose_name="grantor's pooling region",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_ledger_value_date"),
        ("transfers", "0002_walletspending_note"),
    ]
    # It reads simple-history's table of persons, which the audit trail's migration
    # copies into the trail and drops.
    run_before = [("accounts", "0010_audit_trail_events")]

    operations = [
        migrations.AddField("sharingpayment", "grantor_region", region_field(null=True)),
        migrations.AddField("wallettransfer", "grantor_region", region_field(null=True)),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.AlterField("sharingpayment", "grantor_region", region_field(null=False)),
        migrations.AlterField("wallettransfer", "grantor_region", region_field(null=False)),
    ]
