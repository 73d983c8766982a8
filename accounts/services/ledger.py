"""The one way a balance changes: ``ledger_post`` (one posting) and
``ledger_post_many`` (a batch, as an import writes it). Both run the same code.

Why this shape: the balance column is a cache of the sum of the entries, so it
must change in the same transaction as the entry, under a row lock that
serialises concurrent postings on one account or wallet. The idempotency key is
unique in the database, so a retried request (a resent file row, a double click)
finds its first posting instead of posting twice. A batch takes each lock, reads
each key once (the last sequence comes with the lock, from the holder row), and
inserts its entries in bulk (COPY for a file's chunk, ``core.copying``), so a
100,000-row credit file costs a few queries per thousand rows, not six per row.
"""

import datetime as dt
import re
from collections import namedtuple
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.errors import (
    AccountNotOpen,
    AlreadyReversed,
    IdempotencyConflict,
    InsufficientBalance,
    ReversalOfReversal,
)
from accounts.models import AccountStatus, EntryKind, LedgerEntry, PersonalAccount, Wallet
from core.copying import COPY_FROM_ROWS, copy_insert, insert_sql, next_ids
from core.dates import local_date
from core.errors import DomainError, InvalidAmount
from core.prepared import SMALL, prepared_write


@dataclass
class Posting:
    """One balance change to make. ``amount`` is signed: positive adds, negative takes.

    ``occurred_at`` is when the business happened (a settlement's or transfer's
    time), the posting time when not given; ``value_date`` the day the money is
    for, the local date of ``occurred_at`` when not given (a credit gives the
    first day of its 划入年月). The booking time is the entry's ``created_at``.
    """

    holder: PersonalAccount | Wallet
    kind: EntryKind
    amount: Decimal
    idempotency_key: str
    occurred_at: dt.datetime | None = None
    value_date: dt.date | None = None
    reference: str = ""
    counterpart: object = None
    use: str = ""
    scope: str = ""
    institution_code: str = ""
    institution_name: str = ""
    reverses: LedgerEntry | None = None
    memo: str = ""


def ledger_lock(*holders):
    """Lock the rows of ``holders`` (accounts and wallets) in one fixed order.

    Accounts before wallets, each by primary key, so that two transactions
    locking the same pair never wait on each other in a cycle. A lock not granted
    in 10 s fails (``lock_timeout`` is set on every connection, core/database.py).
    Returns the locked, freshly read rows in the order given. Must run inside a
    transaction.
    """
    locked = {}
    for model in (PersonalAccount, Wallet):
        ids = sorted({h.pk for h in holders if isinstance(h, model)})
        if ids:
            rows = model.objects.select_for_update().filter(pk__any=ids).order_by("pk")
            locked.update({(model, row.pk): row for row in rows})
    return [locked[(type(h), h.pk)] for h in holders]


def ledger_post(*, holder, kind, amount, idempotency_key, operator, **details) -> LedgerEntry:
    """Append one entry to ``holder``'s ledger and move its balance by ``amount``.

    ``details`` are the optional fields of ``Posting`` (occurred_at, value_date,
    reference, counterpart, use, scope, institution_code, institution_name,
    reverses, memo).
    Preconditions, errors and replays: see ``ledger_post_many``.
    """
    posting = Posting(holder, kind, amount, idempotency_key, **details)
    (entry,) = ledger_post_many([posting], operator=operator)
    return entry


def ledger_post_many(
    postings: list[Posting],
    *,
    operator,
    locked: bool = False,
    new_keys: bool = False,
    entries: bool = True,
) -> list[LedgerEntry] | list[int]:
    """Make the postings in order, all in one transaction; returns one entry per posting.

    Preconditions: every amount is a non-zero Decimal with at most two places; a
    debit needs an open account (a frozen one still takes money in; a closed one
    takes nothing) and enough balance at its turn; a reversal names an entry that
    is not itself a reversal and not yet reversed.

    Raises ``InvalidAmount``, ``AccountNotOpen``, ``InsufficientBalance``,
    ``IdempotencyConflict`` (key used for a different posting), ``AlreadyReversed``,
    ``ReversalOfReversal`` — with ``error.posting_index`` set to the posting at
    fault — and nothing is written.

    A posting whose key already posted the same thing (same holder, kind and
    amount), earlier or in this batch, is a replay: it returns that entry and
    posts nothing.

    ``locked``: the caller locked the holders (``ledger_lock``) in the enclosing
    transaction and passes those rows, so they are not locked and read again; an
    error then leaves the caller's transaction to be rolled back.
    ``new_keys``: the caller knows its keys are new (a settlement whose 结算ID it
    has just looked up), so they are not read first; a key taken meanwhile still
    fails the insert (``IdempotencyConflict``) and nothing is written.
    ``entries=False``: the caller does not use the entries (a credit file's chunk,
    a settlement file's), so none is built as a model: the rows are sent to COPY
    as tuples, and each posting's entry id is returned instead (a settlement's
    payment names its entry). The same checks, sequences, balances and keys as
    with entries.
    """
    for index, posting in enumerate(postings):
        _at(index, _check_amount, posting.amount)
    # A caller that locked the holders has its transaction, which an error leaves:
    # no savepoint of ours is needed (two statements fewer per posting).
    with transaction.atomic(savepoint=not locked):
        holders = _rows_of(postings) if locked else ledger_lock(*[p.holder for p in postings])
        known = {}
        if not new_keys:
            keys = list({p.idempotency_key for p in postings})
            known = LedgerEntry.objects.in_bulk(keys, field_name="idempotency_key")
        new_entries, result, reversed_here, moved = [], [], set(), {}
        now = timezone.now()
        for index, (posting, holder) in enumerate(zip(postings, holders, strict=True)):
            earlier = known.get(posting.idempotency_key)
            if earlier is not None:
                result.append(_at(index, _replayed, earlier, holder, posting))
                continue
            _at(index, _check_postable, holder, posting, reversed_here)
            # The holder row carries its last sequence, read with its lock.
            holder.last_sequence += 1
            holder.balance += posting.amount
            moved[(type(holder), holder.pk)] = holder
            row = _entry_row(posting, holder, operator, now)
            entry = _entry(row, posting, holder, operator) if entries else row
            known[posting.idempotency_key] = entry
            new_entries.append(entry)
            result.append(entry)
        try:
            if not entries:
                ids = _rows_copy(new_entries, list(moved.values()), now)
            elif len(new_entries) >= COPY_FROM_ROWS:
                _copied(lambda: copy_insert(new_entries), list(moved.values()))
            else:
                _entries_write(new_entries)
        except IdempotencyConflict as error:  # the posting whose key the database named
            keys = [p.idempotency_key for p in postings]
            taken = error.params["key"]
            error.posting_index = keys.index(taken) if taken in keys else 0
            raise
    for posting, holder in zip(postings, holders, strict=True):
        posting.holder.balance = holder.balance
        posting.holder.last_sequence = holder.last_sequence
    if entries:
        return result
    by_row = {id(row): pk for row, pk in zip(new_entries, ids, strict=True)}
    return [by_row[id(r)] if isinstance(r, _EntryRow) else r.pk for r in result]


# The entries of a batch and its holders' new balances and last sequences, in one
# statement per thousand entries: a posting at the counter is one round trip, not
# an insert and an update. The holders are written with ``UPDATE … FROM unnest(…)``;
# why not ``bulk_update``: its CASE WHEN per row makes PostgreSQL compare every row
# with every id, slow from a few hundred.
_CHUNK = 1000
_HOLDERS_SQL = """{name} AS (
UPDATE {table} AS h SET balance = v.balance, last_sequence = v.last_sequence
FROM unnest(%s::bigint[], %s::numeric[], %s::integer[]) AS v(id, balance, last_sequence)
WHERE h.id = v.id)"""


def _entries_write(entries: list[LedgerEntry]) -> None:
    """Insert ``entries`` (their ids set) and write their holders, each holder with
    the chunk of its last entry. A key taken meanwhile by another transaction fails
    the insert (``IdempotencyConflict``); leaving the atomic block then rolls back
    everything the posting did."""
    last_chunk = {}
    for index, entry in enumerate(entries):
        holder = entry.account or entry.wallet
        last_chunk[(type(holder), holder.pk)] = (index // _CHUNK, holder)
    for first in range(0, len(entries), _CHUNK):
        part = entries[first : first + _CHUNK]
        holders = [h for chunk, h in last_chunk.values() if chunk == first // _CHUNK]
        sql, params = insert_sql(part)
        updates, values = _holders_sql(holders)
        parts = [f"entries AS ({sql})", *updates]
        params += values
        sql = f"WITH {', '.join(parts)} SELECT id FROM entries"
        try:
            if len(part) <= SMALL:  # a counter's posting: the same text every time
                ids = [row[0] for row in prepared_write(sql, params)]
            else:
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    ids = [row[0] for row in cursor.fetchall()]
        except IntegrityError as error:
            if not _key_taken(error):
                raise  # another refusal of the database's (a check), as it is
            raise IdempotencyConflict(key=_taken_key(error)) from None
        for entry, pk in zip(part, ids, strict=True):
            entry.pk = pk
            entry._state.adding = False
            entry._state.db = connection.alias


def _rows_copy(rows: list, holders: list, now: dt.datetime) -> list[int]:
    """Entries that no caller reads as models (``entries=False``): their rows sent
    to COPY as they are, booked at ``now``, with ids taken first (``next_ids``),
    which are returned. Then ``holders`` (those that moved), in one statement."""
    if not rows:
        return []
    ids = next_ids(LedgerEntry, len(rows))
    columns = ", ".join(connection.ops.quote_name(c) for c in ("id", *_ENTRY_COLUMNS, "created_at"))
    statement = f"COPY {LedgerEntry._meta.db_table} ({columns}) FROM STDIN"

    def copy():
        with connection.cursor() as cursor, connection.wrap_database_errors:
            with cursor.cursor.copy(statement) as sent:
                for pk, row in zip(ids, rows, strict=True):
                    sent.write_row((pk, *row, now))

    _copied(copy, holders)
    return ids


def _copied(copy, holders: list) -> None:
    """A file's many entries: ``copy`` inserts them with COPY (rows sent as data,
    not 20,000 placeholders; a key taken meanwhile is an ``IdempotencyConflict``),
    then ``holders``' balances and last sequences are written in one statement."""
    try:
        copy()
    except IntegrityError as error:
        if not _key_taken(error):
            raise
        raise IdempotencyConflict(key=_taken_key(error)) from None
    if not holders:
        return
    updates, values = _holders_sql(holders)
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(updates)} SELECT 1", values)


def _holders_sql(holders) -> tuple[list[str], list]:
    """The ``UPDATE … FROM unnest(…)`` statements (as CTEs) that write the new
    balances and last sequences of ``holders``, and their parameters: three arrays
    (a placeholder per value was, for a file's chunk, 3,000 of them for psycopg to
    split on the client)."""
    parts, params = [], []
    for name, model in (("accounts", PersonalAccount), ("wallets", Wallet)):
        mine = [h for h in holders if isinstance(h, model)]
        if mine:
            parts.append(_HOLDERS_SQL.format(name=name, table=model._meta.db_table))
            params += [[h.pk for h in mine], [h.balance for h in mine]]
            params.append([h.last_sequence for h in mine])
    return parts, params


def _key_taken(error: IntegrityError) -> bool:
    """A unique key of the entries refused the insert: another transaction took the
    idempotency key between our read and our insert."""
    cause = error.__cause__
    table = getattr(getattr(cause, "diag", None), "table_name", None)
    return getattr(cause, "sqlstate", None) == "23505" and table == LedgerEntry._meta.db_table


def _taken_key(error: IntegrityError) -> str:
    """The key the database names in its refusal ("Key (idempotency_key)=(…) already
    exists."), so that the report names the row whose key was taken."""
    detail = getattr(getattr(error.__cause__, "diag", None), "message_detail", None) or ""
    found = re.search(r"\(idempotency_key\)=\((.*)\) already exists", detail)
    return found.group(1) if found else "…"


def _rows_of(postings) -> list:
    """The holders as given, one object per row (the first given), so that several
    postings on one holder move one running balance."""
    rows = {}
    return [rows.setdefault((type(p.holder), p.holder.pk), p.holder) for p in postings]


def _at(index, check, *args):
    """Run ``check``; a domain error it raises names the posting at fault."""
    try:
        return check(*args)
    except DomainError as error:
        error.posting_index = index
        raise


def _check_amount(amount):
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount == 0:
        raise InvalidAmount(value=amount, reason="not a non-zero Decimal")
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidAmount(value=amount, reason="more than two decimal places")


def _check_postable(holder, posting: Posting, reversed_here: set):
    if posting.reverses is not None:
        _check_reversible(posting.reverses)
        if posting.reverses.pk in reversed_here:
            raise AlreadyReversed()
        reversed_here.add(posting.reverses.pk)
    if isinstance(holder, PersonalAccount):
        _check_account_accepts(holder, posting.amount)
    if holder.balance + posting.amount < 0:
        raise InsufficientBalance(balance=holder.balance, amount=-posting.amount)


# An entry's values but its id and booking time, by attribute name, in the order
# of the columns of the same names (``_rows_copy`` sends them so).
_ENTRY_COLUMNS = (
    "account_id", "wallet_id", "sequence", "kind", "amount", "balance_after",
    "idempotency_key", "reference", "counterpart_id", "use", "scope", "institution_code",
    "institution_name", "reverses_id", "memo", "occurred_at", "value_date", "created_by_id",
)  # fmt: skip
_EntryRow = namedtuple("_EntryRow", _ENTRY_COLUMNS)


def _entry_row(posting: Posting, holder, operator, now: dt.datetime) -> _EntryRow:
    """The values of ``posting``'s entry, the holder moved already (its last
    sequence and balance are the entry's); ``now`` is its time when not given."""
    occurred_at = posting.occurred_at or now
    is_account = isinstance(holder, PersonalAccount)
    return _EntryRow(
        holder.pk if is_account else None,
        None if is_account else holder.pk,
        holder.last_sequence,
        posting.kind,
        posting.amount,
        holder.balance,
        posting.idempotency_key,
        posting.reference,
        getattr(posting.counterpart, "pk", None),
        posting.use,
        posting.scope,
        posting.institution_code,
        posting.institution_name,
        getattr(posting.reverses, "pk", None),
        posting.memo,
        occurred_at,
        posting.value_date or local_date(occurred_at),
        getattr(operator, "pk", None),
    )


def _entry(row: _EntryRow, posting: Posting, holder, operator) -> LedgerEntry:
    """The entry of ``row`` as a model. Its foreign keys are given by id and their
    objects put in the entry's cache (``entry.account`` and the others read no row):
    Django's descriptor, given an object, checks its type and asks the database
    router for each, which was a third of building a file's entries."""
    values = row._asdict()
    del values["reverses_id"]  # set below, with its object
    entry = LedgerEntry(**values)
    account = holder if isinstance(holder, PersonalAccount) else None
    wallet = holder if isinstance(holder, Wallet) else None
    cache = entry._state.fields_cache
    cache.update(account=account, wallet=wallet, counterpart=posting.counterpart)
    cache["created_by"] = operator
    if posting.reverses is not None:  # rare; the descriptor links both sides
        entry.reverses = posting.reverses
    else:
        cache["reverses"] = None
    return entry


def _replayed(earlier: LedgerEntry, holder, posting: Posting) -> LedgerEntry:
    same_holder = earlier.account_id if isinstance(holder, PersonalAccount) else earlier.wallet_id
    if same_holder != holder.pk or earlier.kind != posting.kind or earlier.amount != posting.amount:
        raise IdempotencyConflict(key=posting.idempotency_key)
    return earlier


def _check_account_accepts(account: PersonalAccount, amount: Decimal):
    """Closed accounts take nothing; frozen ones take money in but pay nothing out."""
    if account.status == AccountStatus.CLOSED or (
        account.status == AccountStatus.FROZEN and amount < 0
    ):
        raise AccountNotOpen(number=account.number, status=account.get_status_display())


def _check_reversible(entry: LedgerEntry):
    if entry.kind == EntryKind.REVERSAL:
        raise ReversalOfReversal()
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise AlreadyReversed()
