"""The application role's rights, given by the owner after every ``migrate``.

The application role (``settings.DATABASE_APPLICATION``, core/database.py) may
read and write the rows of every table, use their sequences, and nothing else:
not own a table, so neither disable nor drop a trigger (``ALTER TABLE … DISABLE
TRIGGER``, ``DROP TRIGGER`` need the owner), nor TRUNCATE (which fires no row
trigger). On the append-only tables — those with the trigger
``ledger_entry_append_only`` or ``audit_append_only`` (the ledger, the trail's
event tables, the disclosure log) — it may only read and insert: the triggers
refuse the rest, the missing grant refuses it first.

django-pgtrigger's triggers (the trail's tracking triggers of django-pghistory)
step aside for a session that sets ``pgtrigger.ignore``; any role may set it.
``"public"._pgtrigger_should_ignore``, the function every such trigger asks, is
replaced here by one that honours it only for members of the owner: the owner's
own data work (a data migration) keeps it, the application's sessions are always
tracked. pgtrigger writes its own version of the function again whenever it
installs a trigger (a migration that adds one, ``manage.py pgtrigger install``),
so it is replaced after every ``migrate``; a test checks it after the test
database's migrations.
"""

from django.conf import settings
from django.db import connections

from core.database import REPLICA

APPEND_ONLY_TRIGGERS = ("ledger_entry_append_only", "audit_append_only")

SHOULD_IGNORE_SQL = """
CREATE OR REPLACE FUNCTION "public"._pgtrigger_should_ignore(trigger_name NAME)
RETURNS BOOLEAN AS $$
    DECLARE
        _setting TEXT;
        _pgtrigger_ignore TEXT[];
    BEGIN
        -- Only the owner's sessions may skip a trigger (core/roles.py).
        IF NOT pg_catalog.pg_has_role({owner}, 'USAGE') THEN
            RETURN FALSE;
        END IF;
        -- Unset or empty: nothing to skip, and no subtransaction (an EXCEPTION
        -- block entered for every row written, with an error raised and caught
        -- when unset, was half of the trail triggers' cost on the owner's writes).
        _setting := CURRENT_SETTING('pgtrigger.ignore', true);
        IF _setting IS NULL OR _setting = '' THEN
            RETURN FALSE;
        END IF;
        BEGIN
            _pgtrigger_ignore := _setting;
            EXCEPTION WHEN OTHERS THEN
        END;
        RETURN COALESCE(trigger_name = ANY(_pgtrigger_ignore), FALSE);
    END;
$$ LANGUAGE plpgsql SET search_path = pg_catalog;
"""

FUNCTION_OWNED_SQL = """
SELECT pg_catalog.pg_has_role(proowner, 'USAGE') FROM pg_catalog.pg_proc
WHERE proname = '_pgtrigger_should_ignore' AND pronamespace = 'public'::regnamespace
"""


def roles_grant(*, using: str = "default", **_kwargs) -> None:
    """Give the application role its rights and keep the trail's triggers from
    being ignored by it (a ``post_migrate`` receiver; run by the owner)."""
    if using == REPLICA:
        return
    connection = connections[using]
    application = settings.DATABASE_APPLICATION["USER"]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()
        literal = "'" + owner.replace("'", "''") + "'"
        if owner == application:  # one role does both (no DATABASE_OWNER_URL), or a flush
            # The one role may skip triggers, as with pgtrigger's own function, but
            # quickly (a benchmark's database, SHOULD_IGNORE_SQL); not on a flush
            # by the application role, which does not own the function.
            cursor.execute(FUNCTION_OWNED_SQL)
            if cursor.fetchone() == (True,):
                cursor.execute(SHOULD_IGNORE_SQL.replace("{owner}", literal))
            return
        cursor.execute(SHOULD_IGNORE_SQL.replace("{owner}", literal))
        cursor.execute(
            "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE tgname = ANY(%s)",
            [list(APPEND_ONLY_TRIGGERS)],
        )
        append_only = ", ".join(table for (table,) in cursor.fetchall())
        role = quote(application)
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"
        )
        cursor.execute(f"REVOKE TRUNCATE ON ALL TABLES IN SCHEMA public FROM {role}")
        if append_only:
            cursor.execute(f"REVOKE UPDATE, DELETE ON {append_only} FROM {role}")
        cursor.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}")
