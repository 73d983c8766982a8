"""Small querysets compiled once per process and run as prepared statements.

Why: a settlement at the counter reads five querysets (persons, histories,
结算IDs, agreements, accounts), and Django spent about 80 % of the counter's
Python time building their SQL again for every settlement, and PostgreSQL
planned each again. ``queried`` builds the queryset once per shape (the types
of its arguments) with stand-in arguments, keeps its SQL and compiler, and
then runs that SQL with the real arguments through a server-binding cursor as a
prepared statement of the connection, so the server plans it once too. Rows
become model instances (``select_related`` too) or tuples exactly as the
queryset would return them. The queryset itself stays the
one statement of what is read: the function that builds it is its only copy.

A list argument (the queryset filters on it with ``field__any``,
``core.lookups``) is sent as an array of one parameter per value,
``ARRAY[$1, $2]``, with a statement per length: PostgreSQL's generic plan of
``= ANY($1)`` guesses ten values for an array it does not know, costs the plan
above the custom plan for the real two, and so planned the statement again at
every execution (plan_cache_mode ``auto``): at the counter that was 3 ms of the
server's 9 ms a settlement (docs/BENCHMARKS.md, branch ``counter-server``).
With its length in the text the generic plan costs what the custom one does and
is kept after the fifth execution. Lists longer than ``SMALL`` (a file's chunk)
run the queryset as Django does, planned for their values: the generic plan of a
prepared statement, given a thousand values, doubled the server's CPU in a
settlement file's confirm (docs/BENCHMARKS.md). ``prepared_write`` runs a
posting's insert (``accounts.services.ledger``), whose text repeats for up to
``SMALL`` entries, the same way (its text from ``core.copying.insert_sql``), and
so does ``core.copying.copy_insert`` for a counter's few rows (its payment).
``queried_together`` runs several such querysets as one statement, a later one
filtered on the ids an earlier one finds (the counter's four reads before its
lock, ``transfers.services.batch``).
"""

import datetime as dt
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.models.query import ModelIterable, get_related_populators
from psycopg.raw_cursor import RawCursorMixin

SMALL = 8


# Django turns psycopg's preparing off (``prepare_threshold=None``) for connection
# poolers' sake: a prepared statement lives on its server connection, which a
# pooler in transaction mode shares (PgBouncer prepares them itself from 1.21,
# ``max_prepared_statements``). These statements are prepared when asked, and no
# other: a threshold no statement reaches by itself.
_ONLY_WHEN_ASKED = 2**31 - 1


# Inside an ``audit_as`` pghistory puts the trail's context before every statement
# (``_inject_history_context``): two commands, which a prepared statement cannot
# be. A read needs none (a row lock writes no row); a write sets it first, as a
# statement of its own, since the trail's triggers read it.
_TRAIL_CONTEXT = (
    "SELECT set_config('pghistory.context_id', %s, true), "
    "set_config('pghistory.context_metadata', %s, true); "
)


class _PreparingCursor(ServerBindingCursor):
    """Prepares every statement it runs; ``writes``: keeps the trail's context."""

    writes = False

    def execute(self, query, params=None, *, prepare=None, binary=None):
        if query.startswith(_TRAIL_CONTEXT):
            if self.writes:
                super().execute(_TRAIL_CONTEXT.rstrip("; "), params[:2], prepare=False)
            query, params = query[len(_TRAIL_CONTEXT) :], params[2:]
        if self.connection.prepare_threshold is None:
            self.connection.prepare_threshold = _ONLY_WHEN_ASKED
        return super().execute(query, params, prepare=prepare is not False, binary=binary)


class _NumberedCursor(RawCursorMixin, _PreparingCursor):
    """A ``_PreparingCursor`` for a statement written with ``$1`` placeholders, which
    psycopg sends as it is. Why: psycopg converts ``%s`` placeholders again at every
    execution of a text longer than 4,096 characters (it keeps only shorter ones
    converted); the counter's merged read (``queried_together``) is about 10,000,
    and its conversion was a third of what merging its reads saved."""


def queried(build: Callable, *args, shared: dict | None = None) -> list:
    """``list(build(*args))``, the queryset ``build`` returns for ``args`` (scalars,
    and lists or sets of at most ``SMALL`` scalars that it filters on with
    ``__any``), from SQL compiled once for arguments of these types. A boolean
    argument is part of the shape (a queryset built differently,
    ``select_for_update``), not a parameter.

    ``shared``: the related objects of ``select_related`` by (model, pk), which
    this fills and takes from: a row met again (the region, province and policy
    of two persons and of their histories, one row each at the counter) is one
    instance, not one per row that names it. Building them was a fifth of a
    counter settlement's model instances, each the same row read in one
    transaction."""
    args = [sorted(a) if isinstance(a, set) else a for a in args]
    if any(isinstance(a, list) and not 0 < len(a) <= SMALL for a in args):
        # An empty list reads nothing (Django sends no query); a long one is planned
        # for its values.
        return list(build(*args))
    compiled = _compiled(build, tuple(_shape(a) for a in args))
    return compiled.run([a for a in args if not isinstance(a, bool)], shared)


def _shape(arg):
    if isinstance(arg, bool):
        return arg
    if isinstance(arg, list):
        return (type(arg[0]), len(arg))
    return type(arg)


@lru_cache(maxsize=512)  # a statement per builder, shape and list length
def _compiled(build: Callable, shape: tuple) -> "_Compiled":
    return _Compiled(build, shape)


class _Compiled:
    """The SQL of ``build``'s queryset for one shape of arguments, which parameter
    comes from which argument value, and how rows become results."""

    def __init__(self, build: Callable, shape: tuple):
        stand_ins = itertools.count(1)
        args, flat = [], []
        for part in shape:
            if isinstance(part, bool):
                args.append(part)
            elif isinstance(part, tuple):  # a list of this length: one array parameter
                kind, length = part
                value = [_stand_in(kind, next(stand_ins)) for _n in range(length)]
                args.append(value)
                flat.append(value)
            else:
                value = _stand_in(part, next(stand_ins))
                args.append(value)
                flat.append(value)
        queryset = build(*args)
        self.compiler = queryset.query.get_compiler(connection=connection)
        sql, params = self.compiler.as_sql()
        index = {_key(v): i for i, v in enumerate(flat)}
        # Per parameter: the position of the argument value it is, or the constant.
        self.params = [(index.get(_key(p)), p) for p in params]
        if len({i for i, _p in self.params if i is not None}) != len(flat):
            raise TypeError("an argument does not reach the SQL as a parameter of its own")
        self.django_sql, self.lengths = sql, _lengths(params)
        self.sql, self.spelled = _arrays_spelled(sql, self.lengths)
        self.models = issubclass(queryset._iterable_class, ModelIterable)
        self.populators = {}  # per database alias
        if self.models:
            info, select = self.compiler.klass_info, self.compiler.select
            self.start, end = info["select_fields"][0], info["select_fields"][-1] + 1
            self.names = [column[0].target.attname for column in select[self.start : end]]
            self.model = info["model"]
        self.width = self.compiler.col_count
        columns = [column[0] for column in self.compiler.select[: self.width]]
        self.converters = self.compiler.get_converters(columns)

    def run(self, values: list, shared: dict | None = None) -> list:
        params = _flattened([p if i is None else values[i] for i, p in self.params], self.spelled)
        db = connections[DEFAULT_DB_ALIAS]  # the proxy ``connection`` looks it up per use
        rows, _names = _executed(db, self.sql, params, names=False)
        return self.made(rows, db.alias, shared)

    def made(self, rows, db: str, shared: dict | None = None) -> list:
        """The results of rows of this statement, as the queryset returns them."""
        if self.converters:
            rows = list(self.compiler.apply_converters(rows, self.converters))
        if self.models:
            return self._instances(rows, db, {} if shared is None else shared)
        return [tuple(row) for row in rows]

    def _instances(self, rows, db: str, shared: dict) -> list:
        """What Django's ``ModelIterable`` makes of the rows, each related row one
        instance (``shared``)."""
        compiler = self.compiler
        info, select = compiler.klass_info, compiler.select
        start, end = info["select_fields"][0], info["select_fields"][-1] + 1
        names = self.names
        if db not in self.populators:  # they keep no state of a row: built once
            self.populators[db] = get_related_populators(info, select, db)
        populators = self.populators[db]
        annotations = compiler.annotation_col_map.items()
        model = info["model"]
        result = []
        for row in rows:
            instance = model.from_db(db, names, row[start:end])
            for populator in populators:
                _populate(populator, row, instance, shared)
            for name, position in annotations:
                setattr(instance, name, row[position])
            result.append(instance)
        return result


def _populate(populator, row, owner, shared: dict) -> None:
    """Django's ``RelatedPopulator.populate``, the related object taken from
    ``shared`` when its row was met before (its own related objects with it)."""
    if populator.reorder_for_init:
        data = populator.reorder_for_init(row)
    else:
        data = row[populator.cols_start : populator.cols_end]
    pk = data[populator.pk_idx]
    related = None
    if pk is not None:
        key = (populator.model_cls, pk)
        related = shared.get(key)
        if related is None:
            related = populator.model_cls.from_db(populator.db, populator.init_list, data)
            for nested in populator.related_populators:
                _populate(nested, row, related, shared)
            shared[key] = related
    populator.local_setter(owner, related)
    if related is not None:
        populator.remote_setter(related, owner)


_PLACEHOLDER = re.compile(r"(?<!%)%s")
_ARRAY_CAST = re.compile(r"::([a-z][a-z0-9_ ]*(?:\([0-9, ]+\))?)\[\]")


@dataclass(frozen=True)
class FoundIds:
    """A list argument of a read of ``queried_together`` that an earlier read of the
    same statement finds: the ids of the instances of the read of ``build`` whose
    field ``where`` (a unique one) equals each of ``values``, in their order, null
    for a value not found. Why: the counter's histories and agreement are read for
    the persons that the read by ID number finds, in the same statement
    (``transfers.services.batch``). Each id is a scalar subquery, so the server
    plans for an array of ``len(values)`` ids: given ``ARRAY(SELECT …)`` it guessed
    its length and read the agreements of every grantor by their status."""

    build: Callable
    where: str
    values: list


def queried_together(*reads: tuple, shared: dict | None = None) -> list[list]:
    """``[queried(build, *args, shared=shared) for build, *args in reads]`` in one
    statement: each read a ``WITH`` query of it, their rows side by side in one
    result (``FULL JOIN … ON false``: each row one read's, the others' columns
    null). A read's rows come in no promised order (PostgreSQL promises none for a
    join; a merge join without join clauses happens to read each side through):
    the callers look them up by key (``transfers.services.batch``). A list
    argument may be ``FoundIds``: the ids of an earlier read's rows, taken inside
    the statement (the read it names comes first in ``reads``). Lists have 1 to
    ``SMALL`` values here (``TypeError`` else).

    Why: at the counter, a statement cost about 0.08 ms of Python in Django's
    cursor and psycopg, and the server's protocol work and a context switch
    under load, whatever it reads; its four reads before the lock became one
    (docs/BENCHMARKS.md, branch ``counter-23``). Each read stays its queryset,
    compiled as ``queried`` compiles it."""
    reads = [
        (build, [sorted(a) if isinstance(a, set) else a for a in args]) for build, *args in reads
    ]
    if any(isinstance(a, list) and not 0 < len(a) <= SMALL for _b, args in reads for a in args):
        raise TypeError(f"queried_together takes lists of 1 to {SMALL} values")
    key = tuple((build, tuple(_together_shape(a) for a in args)) for build, args in reads)
    values = [[a for a in args if not isinstance(a, bool)] for _build, args in reads]
    return _together(key).run(values, shared)


def _together_shape(arg):
    if isinstance(arg, FoundIds):
        return (FoundIds, arg.build, arg.where, len(arg.values))
    return _shape(arg)


@lru_cache(maxsize=64)
def _together(key: tuple) -> "_Together":
    return _Together(key)


class _Together:
    """The statement of ``queried_together`` for one shape of its reads."""

    def __init__(self, key: tuple):
        builds = [build for build, _shape in key]
        self.reads = [
            _compiled(build, tuple((int, p[3]) if _is_found(p) else p for p in shape))
            for build, shape in key
        ]
        found = [[p for p in shape if not isinstance(p, bool)] for _build, shape in key]
        named = {builds.index(p[1]) for parts in found for p in parts if _is_found(p)}
        queries, self.spelled = [], []
        for k, (read, parts) in enumerate(zip(self.reads, found, strict=True)):
            lengths = [
                self._found_sql(builds.index(parts[i][1]), parts[i][2], parts[i][3])
                if i is not None and _is_found(parts[i])
                else length
                for (i, _p), length in zip(read.params, read.lengths, strict=True)
            ]
            sql, spelled = _arrays_spelled(read.django_sql, tuple(lengths))
            self.spelled.append(spelled)
            if k in named:
                columns = ", ".join(f'"c{n}"' for n in range(read.width))
                queries.append(f'"r{k}"({columns}) AS MATERIALIZED ({sql})')
            else:
                queries.append(f'"r{k}" AS ({sql})')
        sides = [f'(SELECT {k}, * FROM "r{k}") AS "q{k}"' for k in range(len(key))]
        self.sql = f"WITH {', '.join(queries)} SELECT * FROM {sides[0]}" + "".join(
            f" FULL JOIN {side} ON false" for side in sides[1:]
        )
        self.numbered = _numbered(self.sql)
        # Per read: where its tag column is in a row, and where its columns end.
        ends = list(itertools.accumulate(read.width + 1 for read in self.reads))
        self.spans = [
            (end - read.width - 1, end) for read, end in zip(self.reads, ends, strict=True)
        ]

    def _found_sql(self, k: int, where: str, count: int) -> str:
        """The array of the ids of ``count`` rows of read ``k``, each the one whose
        ``where`` is a parameter's value."""
        read = self.reads[k]
        ids, by = (
            read.start + read.names.index(name) for name in (read.model._meta.pk.attname, where)
        )
        one = f'(SELECT "c{ids}" FROM "r{k}" WHERE "c{by}" = %s)'
        return "ARRAY[" + ", ".join([one] * count) + "]"

    def run(self, values: list[list], shared: dict | None) -> list[list]:
        params = []
        for read, spelled, args in zip(self.reads, self.spelled, values, strict=True):
            args = [a.values if isinstance(a, FoundIds) else a for a in args]
            params += _flattened([p if i is None else args[i] for i, p in read.params], spelled)
        db = connections[DEFAULT_DB_ALIAS]
        rows, _names = _executed(db, self.sql, params, names=False, numbered=self.numbered)
        each = [[] for _read in self.reads]
        for row in rows:
            for rows_of, (tag, end) in zip(each, self.spans, strict=True):
                if row[tag] is not None:
                    rows_of.append(row[tag + 1 : end])
                    break
        shared = {} if shared is None else shared
        return [read.made(r, db.alias, shared) for read, r in zip(self.reads, each, strict=True)]


def _is_found(part) -> bool:
    return isinstance(part, tuple) and part[0] is FoundIds


def _lengths(params) -> tuple:
    """Per parameter: its length if it is an array (a list), else None."""
    return tuple(len(p) if isinstance(p, list) else None for p in params)


@lru_cache(maxsize=512)
def _arrays_spelled(sql: str, lengths: tuple) -> tuple[str, tuple]:
    """``sql`` with each array parameter compared as ``%s::type[]`` (of the length
    given per parameter, None for a scalar) written as ``ARRAY[%s::type, …]``, and
    per parameter whether it was (an array stored in a column stays one parameter)."""
    pieces = _PLACEHOLDER.split(sql)
    if len(pieces) != len(lengths) + 1:
        raise TypeError("the SQL's placeholders are not its parameters")
    text, spelled = [pieces[0]], []
    for length, after in zip(lengths, pieces[1:], strict=True):
        cast = _ARRAY_CAST.match(after) if length else None
        if isinstance(length, str):  # an array the statement finds itself (``FoundIds``)
            text.append(length)
        elif cast is None:
            text.append("%s")
        else:
            text.append("ARRAY[" + ", ".join([f"%s::{cast[1]}"] * length) + "]")
        spelled.append(cast is not None)
        text.append(after)
    return "".join(text), tuple(spelled)


def _flattened(params, spelled: tuple) -> list:
    """``params`` with the values of each spelled-out array in its place."""
    flat = []
    for value, spelled_out in zip(params, spelled, strict=True):
        if spelled_out:
            flat.extend(value)
        else:
            flat.append(value)
    return flat


def raw_queried(model, sql: str, params: list) -> list:
    """``list(model.objects.raw(sql, params))`` for SQL written by hand, run as a
    prepared statement: every column of the model by name (``SELECT t.*``), other
    columns as attributes."""
    db = connections[DEFAULT_DB_ALIAS]
    rows, names = _executed(db, sql, params)
    position = {n: i for i, n in enumerate(names)}
    # In the model's order of fields, which ``from_db`` takes them in.
    fields = [(position[f.column], f.attname) for f in model._meta.concrete_fields]
    columns = {f.column for f in model._meta.concrete_fields}
    extra = [(i, n) for i, n in enumerate(names) if n not in columns]
    result = []
    for row in rows:
        instance = model.from_db(db.alias, [a for _i, a in fields], [row[i] for i, _a in fields])
        for i, name in extra:
            setattr(instance, name, row[i])
        result.append(instance)
    return result


def prepared_write(sql: str, params: list) -> list:
    """The rows of a writing statement (``INSERT … RETURNING``) whose text repeats
    (one posting at the counter), run as a prepared statement of the connection,
    the trail's context kept; an array parameter spelled out as ``queried``'s. Errors
    are Django's (``IntegrityError``)."""
    lengths = _lengths(params)
    if any(lengths):
        sql, spelled = _arrays_spelled(sql, lengths)
        params = _flattened(params, spelled)
    rows, _names = _executed(connections[DEFAULT_DB_ALIAS], sql, params, False, writes=True)
    return rows


def _numbered(sql: str) -> str:
    """``sql`` with ``$1``, ``$2``… for its ``%s`` placeholders (``_NumberedCursor``)."""
    pieces = [piece.replace("%%", "%") for piece in _PLACEHOLDER.split(sql)]
    return "".join(f"{piece}${n}" for n, piece in enumerate(pieces[:-1], 1)) + pieces[-1]


def _executed(
    db, sql: str, params: list, names: bool = True, writes: bool = False, numbered=None
) -> tuple[list, list]:
    """The rows and column names of ``sql`` run as a prepared statement on ``db``,
    through Django's cursor wrapper, so it is logged and counted as any other.
    ``names``: whether the column names are wanted (psycopg builds them per query);
    ``numbered``: ``sql`` written with ``$1`` placeholders (``_numbered``), sent instead."""
    cursor = _cursor(db, _PreparingCursor if numbered is None else _NumberedCursor)
    cursor.cursor.writes = writes
    cursor.execute(sql if numbered is None else numbered, params)
    rows = cursor.fetchall()
    names = [column.name for column in cursor.description] if names else []
    if db.queries_logged:  # psycopg keeps no text of a prepared statement
        db.queries_log[-1]["sql"] = db.ops.compose_sql(sql, params)
    return rows, names


def _cursor(db, kind: type):
    """The cursor of ``kind`` kept for ``db``'s connection (connected first), wrapped
    as Django's ``cursor()`` would be now: logged or not (``CaptureQueriesContext``
    turns the log on and off). Why one kept: a cursor made, wrapped and closed for
    every statement was 0.04 of its 0.10 ms of Python (docs/BENCHMARKS.md, branch
    ``server-23``). A new connection (after a reconnection) gets cursors of its own."""
    db.ensure_connection()
    kept = getattr(db, "_prepared_cursors", None)
    if kept is None or kept[0] is not db.connection:
        kept = db._prepared_cursors = (db.connection, {})
    key = (kind, db.queries_logged)
    cursor = kept[1].get(key)
    if cursor is None:
        cursor = kept[1][key] = db._prepare_cursor(kind(db.connection))
    return cursor


def _stand_in(kind, n: int):
    """A value of ``kind`` that no real argument or constant of a query has."""
    if issubclass(kind, int):
        return -987_654_000_000 - n
    if issubclass(kind, str):
        return f"\x01stand-in {n}"
    if issubclass(kind, dt.datetime):
        raise TypeError("datetime arguments are not supported")
    if issubclass(kind, dt.date):
        return dt.date(1001, 1, 1) + dt.timedelta(days=n)
    raise TypeError(f"no stand-in for {kind.__name__}")


def _key(value):
    if isinstance(value, list):  # an array parameter: an argument's if it is its stand-in
        value = tuple(value)
    try:
        return (type(value), hash(value), value)
    except TypeError:
        return None
