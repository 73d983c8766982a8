"""Row triggers that copy each inserted row into another table, run once per table
instead of once per row during a bulk load.

django-pghistory's insert events (``pgtrigger_insert_insert_…`` on every tracked
model) and the settlement-key trigger (``settlement_key_take``, the 结算ID shared by
payments and wallet spending) each run one INSERT per written row: at the 1M size
that is three million trigger calls, each inserting into a table whose indexes are
kept. Such a trigger is switched off for the load and its own INSERT is run once
for the whole table, rewritten from the trigger's source (``NEW.`` read from the
table, ``TG_ARGV`` from the trigger's arguments), rows in id order as the COPY
wrote them: the same rows it would have made, and the trigger stays the one
definition of them. A trigger whose body is anything else stays on.
"""

import re
from contextlib import contextmanager

_ROW_INSERT_TRIGGERS = """
SELECT t.tgname, t.tgargs, p.prosrc FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
WHERE t.tgrelid = %s::regclass AND NOT t.tgisinternal AND t.tgenabled <> 'D'
  AND t.tgtype & 1 = 1 AND t.tgtype & 4 = 4 AND t.tgtype & (8 | 16 | 32 | 64) = 0
"""
# The body: at most pgtrigger's "ignore" guard, then one INSERT … VALUES and RETURN.
_IGNORE = re.compile(
    r"IF \(\"public\"\._pgtrigger_should_ignore\(TG_NAME\).*?END IF;\s*END IF;", re.S
)
_INSERT = re.compile(
    r"^\s*BEGIN\s+INSERT INTO\s+(?P<target>[\w\".]+)\s*\((?P<columns>[^)]*)\)\s*"
    r"VALUES\s*\((?P<values>.*)\);\s*RETURN (NEW|NULL);\s*END;?\s*$",
    re.S,
)


def _set_based(table: str, args: bytes, source: str) -> tuple[str, str] | None:
    """(target table, INSERT … SELECT over ``table``) for a copying trigger, else None."""
    found = _INSERT.match(_IGNORE.sub("", source, count=1))
    if not found or ";" in found["values"]:
        return None
    values = re.sub(r"\bNEW\.", "t.", found["values"])
    arguments = bytes(args).split(b"\0")[:-1]
    for n, argument in enumerate(arguments):
        literal = "'" + argument.decode().replace("'", "''") + "'"
        values = values.replace(f"TG_ARGV[{n}]", literal)
    if "TG_" in values:
        return None
    target = found["target"].strip('"')
    insert = (
        f'INSERT INTO "{target}" ({found["columns"]}) '
        f'SELECT {values} FROM "{table}" t ORDER BY t.id'
    )
    return target, insert


def copying_triggers(cursor, tables) -> list[tuple[str, str, str, str]]:
    """(table, trigger, target table, set-based INSERT) of each copying row trigger."""
    found = []
    for table in tables:
        cursor.execute(_ROW_INSERT_TRIGGERS, [table])
        for name, args, source in cursor.fetchall():
            if made := _set_based(table, args, source):
                found.append((table, name, *made))
    return found


@contextmanager
def triggers_once_per_table(cursor, triggers, step=lambda what: None):
    """``triggers`` (from ``copying_triggers``) off for the block, then each one's
    INSERT run once over its table."""
    for table, name, _target, _insert in triggers:
        cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER "{name}"')
    yield
    for table, name, _target, insert in triggers:
        cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER "{name}"')
        cursor.execute(insert)
    step(f"{len(triggers)} copying triggers run once per table")
