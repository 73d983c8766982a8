"""The audit trail's guard: event rows and disclosure rows are never changed; the
permission to search the trail.

One plain trigger function, as the ledger's (``ledger_entry_append_only``, accounts
0002), refuses UPDATE and DELETE, also for raw SQL. pgtrigger's own ``Protect``
is not used on purpose: its triggers step aside for a session that sets
``pgtrigger.ignore``, which any database user can do. The apps' migrations that
create event tables attach the same function to each (``core.audit.audit_guard_sql``), and
a test checks that every event table has it.
"""

from django.db import migrations

from core.audit import audit_guard_sql

FUNCTION_SQL = """
CREATE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0001_disclosure_log_from_accounts")]

    operations = [
        migrations.RunSQL(FUNCTION_SQL, "DROP FUNCTION audit_append_only();"),
        migrations.RunSQL(*audit_guard_sql("accounts_disclosurelog")),
        migrations.AlterModelOptions(
            name="disclosurelog",
            options={
                "ordering": ["-at"],
                "permissions": [("view_trail", "Can search the audit trail")],
                "verbose_name": "disclosure of personal information",
                "verbose_name_plural": "disclosures of personal information",
            },
        ),
    ]
