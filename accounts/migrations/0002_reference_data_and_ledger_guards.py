"""Reference data (regions, sample policy) and the database guards of the ledger.

The trigger makes ledger entries append-only even when the ORM is bypassed
(raw SQL, psql): any UPDATE or DELETE of a row raises. TRUNCATE (used only by
test teardown) is not a row operation and is left alone.
"""

from django.db import migrations

GUARD_SQL = """
CREATE FUNCTION ledger_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are append-only: % refused', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_entry_append_only
    BEFORE UPDATE OR DELETE ON accounts_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_append_only();
"""

UNGUARD_SQL = """
DROP TRIGGER ledger_entry_append_only ON accounts_ledgerentry;
DROP FUNCTION ledger_entry_append_only();
"""


def load(apps, schema_editor):
    from accounts.reference import reference_data_load

    reference_data_load(
        apps.get_model("accounts", "Province"),
        apps.get_model("accounts", "PoolingRegion"),
        apps.get_model("accounts", "ProvincePolicy"),
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.RunSQL(GUARD_SQL, UNGUARD_SQL),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
