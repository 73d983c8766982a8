"""Who did a change, for the audit trail, and who saw unmasked personal information.

The trail itself is written by the database (django-pghistory's triggers on every
tracked table, docs/DESIGN.md "Audit trail"); what the application adds is the
context of each change: the user, their role and the service hall they work at
then (``accounts.StaffPlacement``, read here through the user's ``placement``),
kept on every event row. ``AuditContextMiddleware`` sets it for a request,
``audit_as`` for a service, import or job acting for an operator.
"""

import contextlib

import pghistory
import pghistory.runtime
from django.db import connection

from core.models import DisclosureLog


def disclosure_record(*, user, action: str, subject: str) -> DisclosureLog:
    """Write that ``user`` saw or exported unmasked data about ``subject``."""
    return DisclosureLog.objects.create(user=user, action=action, subject=subject[:200])


def can_see_unmasked(user) -> bool:
    return user.has_perm("accounts.view_unmasked")


def audit_context_of(user) -> dict:
    """What the trail keeps of ``user`` with each change: id, name, role and hall."""
    if user is None or not getattr(user, "pk", None):
        return {}
    placement = getattr(user, "placement", None)  # none: not placed at a hall
    hall = placement.hall if placement is not None else None
    return {
        "user": user.pk,
        "username": user.get_username(),
        "user_name": user.get_full_name(),
        "role": "、".join(group.name for group in user.groups.all()),
        "hall_id": hall.pk if hall else None,
        "hall": hall.name if hall else "",
    }


@contextlib.contextmanager
def audit_as(operator):
    """The trail's context for the changes ``operator`` makes inside the ``with``."""
    with audit_context(**audit_context_of(operator)):
        yield


@contextlib.contextmanager
def audit_context(**metadata):
    """pghistory's context, which ends where the ``with`` ends.

    pghistory sets the context as transaction-local settings and leaves them when
    its outermost ``with`` ends, so a later write in the same transaction (raw SQL,
    another operator's service) would be attributed to the one before. Once the
    outermost context is left, the settings are emptied."""
    try:
        with pghistory.context(**metadata):
            yield
    finally:
        # A transaction that failed inside the ``with`` (a unique key refused a row)
        # takes its settings with it when rolled back, and takes no more queries.
        outermost = not hasattr(pghistory.runtime._tracker, "value")
        if outermost and connection.in_atomic_block and not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('pghistory.context_id', '', true), "
                    "set_config('pghistory.context_metadata', '', true)"
                )


def audit_guard_sql(*tables: str) -> tuple[str, str]:
    """For a migration: the SQL that makes ``tables`` append-only with the trail's
    trigger function (core migration 0002), and the SQL that undoes it."""
    forward = "".join(
        f"CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION audit_append_only();\n"
        for table in tables
    )
    backward = "".join(f"DROP TRIGGER audit_append_only ON {table};\n" for table in tables)
    return forward, backward


def simple_history_copy(apps, schema_editor, *pairs: tuple[str, str, str]) -> None:
    """For a migration: copy django-simple-history's rows into the trail's event
    tables (``(app_label, "HistoricalX", "XEvent")`` each), oldest first: the same
    columns, ``+ ~ -`` as insert, update, delete, the user as the context."""
    for source, target, columns, key in _history_tables(apps, pairs):
        listed = ", ".join(f'"{c}"' for c in columns)
        selected = ", ".join(f'h."{c}"' for c in columns)
        schema_editor.execute(
            f'INSERT INTO "{target}" '
            f"(pgh_created_at, pgh_label, pgh_obj_id, pgh_context, {listed}) "
            "SELECT h.history_date, "
            "CASE h.history_type WHEN '+' THEN 'insert' WHEN '-' THEN 'delete' "
            f"ELSE 'update' END, h.\"{key}\", "
            "CASE WHEN u.id IS NULL THEN jsonb_build_object('source', 'django-simple-history') "
            "ELSE jsonb_build_object('user', u.id, 'username', u.username, "
            "'user_name', trim(u.first_name || ' ' || u.last_name), "
            "'source', 'django-simple-history') END, "
            f'{selected} FROM "{source}" h LEFT JOIN auth_user u ON u.id = h.history_user_id '
            "ORDER BY h.history_date, h.history_id"
        )


def simple_history_copy_back(apps, schema_editor, *pairs: tuple[str, str, str]) -> None:
    """The way back of ``simple_history_copy``: the events as simple-history's rows."""
    for source, target, columns, _key in _history_tables(apps, pairs):
        listed = ", ".join(f'"{c}"' for c in columns)
        selected = ", ".join(f'e."{c}"' for c in columns)
        schema_editor.execute(
            f'INSERT INTO "{source}" (history_date, history_type, history_user_id, {listed}) '
            "SELECT e.pgh_created_at, "
            "CASE e.pgh_label WHEN 'insert' THEN '+' WHEN 'delete' THEN '-' ELSE '~' END, "
            "u.id, "
            f'{selected} FROM "{target}" e '
            "LEFT JOIN auth_user u ON u.id = (e.pgh_context ->> 'user')::integer "
            "ORDER BY e.pgh_id"
        )


def _history_tables(apps, pairs):
    for app_label, historical, event in pairs:
        source = apps.get_model(app_label, historical)._meta
        target = apps.get_model(app_label, event)._meta
        source_columns = {f.column for f in source.concrete_fields}
        columns = [
            f.column
            for f in target.concrete_fields
            if not f.column.startswith("pgh_") and f.column in source_columns
        ]
        key = target.get_field("pgh_obj").related_model._meta.pk.column
        yield source.db_table, target.db_table, columns, key
