"""Bulk inserts with PostgreSQL's COPY, for the ledger entries and payments of a file.

Why: ``bulk_create`` of a thousand rows builds one INSERT with some 20,000
placeholders, which Django compiles value by value and psycopg then splits again
on the client; for a settlement file's chunk that was a third of the write. COPY
sends the rows as data. The ids are taken from the table's sequence first (one
query), so the caller links rows to them as ``bulk_create``'s RETURNING would.
Row triggers fire as for INSERT: the audit trail (pghistory) records the rows,
with the context (who imported) that the transaction's earlier statements set.
A counter's few rows go through one prepared INSERT instead (``prepared_insert``),
its text made once per model and number of rows (``insert_sql``).
"""

import operator
from functools import lru_cache

from django.contrib.postgres.fields import ArrayField
from django.db import DEFAULT_DB_ALIAS, connection, models, transaction
from django.db.models.base import ModelState
from django.utils import timezone

from core.prepared import SMALL, prepared_write

# Fewer rows than this go through one INSERT (ids returned): a counter posting
# saves the sequence query; at most ``SMALL`` as a prepared statement.
COPY_FROM_ROWS = 50


def new_instance(model, values: dict):
    """A new instance of ``model`` with ``values`` by attribute name (``account_id``;
    a field not given has its default), built from its fields in order: Django's
    keyword form pops each argument and asks every field not given for its default
    (a foreign key's is slow), about 2.5 × the time, which was most of building a
    file's payments."""
    return model(
        *[values[f.attname] if f.attname in values else f.get_default() for f in _fields(model)]
    )


def loaded(model, names: tuple, values):
    """An instance of ``model`` as read from the database, with the fields ``names``
    (attribute names, in the order of ``values``) and the others deferred (read if
    asked for, one query). Why not ``from_db``: ``Model.__init__`` costs 7–12 µs an
    instance whatever few fields it gets, and a settlement file's check builds five
    a row (persons, accounts, periods); this sets the attributes as ``__init__``
    would (no model here has ``pre_init`` or ``post_init`` receivers)."""
    instance = model.__new__(model)
    state = instance._state = ModelState()
    state.adding, state.db = False, DEFAULT_DB_ALIAS
    instance.__dict__.update(zip(names, values, strict=True))
    return instance


@lru_cache(maxsize=64)
def _fields(model) -> tuple:
    return tuple(model._meta.concrete_fields)


def copy_insert(objs: list) -> None:
    """Insert model instances of one model (ids unset) and set their ids."""
    if 0 < len(objs) <= SMALL:  # at the counter: the same text every time
        return prepared_insert(objs)
    if len(objs) < COPY_FROM_ROWS:
        if objs:
            type(objs[0]).objects.bulk_create(objs)
        return
    meta = type(objs[0])._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    values = [value_of(f) for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in [meta.pk.column, *(f.column for f in fields)])
    # One transaction, so that the trail's context set by the first statement
    # holds for the COPY too (it is transaction-local).
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        ids = next_ids(type(objs[0]), len(objs))
        with connection.wrap_database_errors:
            statement = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
            with cursor.cursor.copy(statement) as copy:
                for obj, pk in zip(objs, ids, strict=True):
                    obj.pk = pk
                    copy.write_row([pk, *(value(obj) for value in values)])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def next_ids(model, count: int) -> list[int]:
    """``count`` ids of ``model``'s table taken from its sequence, in one query, for
    rows sent to COPY that the caller links to (COPY returns nothing)."""
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_values(model, rows: list[dict]) -> list[int]:
    """Insert rows of ``model`` given as values by attribute name (a field not given
    has its default, taken once for all the rows, so a default that must differ
    by row is to be given; an ``auto_now_add`` time is now; other keys are ignored) by
    COPY, without building model instances (a file's payments as instances were a
    fifth of its write); returns their ids, taken first (``next_ids``). Every value
    given must be one the database takes as it is (``value_of``'s ``_AS_IS``
    kinds, aware times)."""
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    missing = {
        f.attname: now if getattr(f, "auto_now_add", False) else f.get_default() for f in fields
    }
    names = [f.attname for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in [meta.pk.column, *(f.column for f in fields)])
    statement = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
    # One transaction: the trail's context, set by the ids' query, holds for the COPY.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        ids = next_ids(model, len(rows))
        with connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
            for row, pk in zip(rows, ids, strict=True):
                copy.write_row([pk, *(row[n] if n in row else missing[n] for n in names)])
    return ids


# Fields whose Python value is what COPY sends (psycopg adapts str, int, Decimal,
# dates, lists): read as they are, without Django's preparation of each value.
_AS_IS = (
    models.CharField,
    models.IntegerField,
    models.DecimalField,
    models.ForeignKey,
    models.BooleanField,
    ArrayField,
)


def value_of(field):
    """How a row's value of ``field`` is read for COPY: as it is where that is what
    the database takes, else as Django prepares it for an INSERT (``pre_save``
    sets the ``auto_now_add`` times)."""
    plain_date = isinstance(field, models.DateField) and not (field.auto_now or field.auto_now_add)
    if isinstance(field, _AS_IS) or plain_date:
        return operator.attrgetter(field.attname)
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)


def insert_sql(objs: list) -> tuple[str, list]:
    """The ``INSERT … RETURNING id`` of model instances of one model (ids unset) and
    its parameters: the text made once per model and number of rows, each value
    read as COPY reads it (``value_of``: as it is, or as Django
    prepares it for an insert, ``auto_now_add`` set), as ``bulk_create`` sends them."""
    sql, values = _insert_text(type(objs[0]), len(objs))
    return sql, [value(obj) for obj in objs for value in values]


@lru_cache(maxsize=128)
def _insert_text(model, rows: int) -> tuple[str, list]:
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    row = f"({', '.join(['%s'] * len(fields))})"
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES {', '.join([row] * rows)} RETURNING {quote(meta.pk.column)}"
    )
    return sql, [value_of(f) for f in fields]


def prepared_insert(objs: list) -> None:
    """Insert at most ``SMALL`` model instances of one model (ids unset; a counter's
    payment) as a prepared statement (``insert_sql``, ``core.prepared.prepared_write``:
    Django compiled the insert again, value by value, for every settlement, a fifth
    of the counter's Python) and set their ids, as ``bulk_create`` would (no
    signals either)."""
    sql, params = insert_sql(objs)
    rows = prepared_write(sql, params)
    for obj, (pk,) in zip(objs, rows, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = DEFAULT_DB_ALIAS
