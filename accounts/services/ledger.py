"""The one way a balance changes: ``ledger_post``.

Why this shape: the balance column is a cache of the sum of the entries, so it
must change in the same transaction as the entry, under a row lock that
serialises concurrent postings on one account or wallet. The idempotency key is
unique in the database, so a retried request (a resent file row, a double click)
finds its first posting instead of posting twice.
"""

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.errors import (
    AccountNotOpen,
    AlreadyReversed,
    IdempotencyConflict,
    InsufficientBalance,
    InvalidAmount,
    ReversalOfReversal,
)
from accounts.models import AccountStatus, EntryKind, LedgerEntry, PersonalAccount, Wallet


def ledger_lock(*holders):
    """Lock the rows of ``holders`` (accounts and wallets) in one fixed order.

    Accounts before wallets, each by primary key, so that two transactions
    locking the same pair never wait on each other in a cycle. A lock not granted
    in 10 s fails (``lock_timeout`` is set on every connection, yibao/database.py).
    Returns the locked, freshly read rows in the order given. Must run inside a
    transaction.
    """
    ordered = sorted(holders, key=lambda h: (isinstance(h, Wallet), h.pk))
    locked = {}
    for holder in ordered:
        key = (type(holder), holder.pk)
        if key not in locked:
            locked[key] = type(holder).objects.select_for_update().get(pk=holder.pk)
    return [locked[(type(h), h.pk)] for h in holders]


def ledger_post(
    *,
    holder: PersonalAccount | Wallet,
    kind: EntryKind,
    amount: Decimal,
    idempotency_key: str,
    operator,
    occurred_at: dt.datetime | None = None,
    reference: str = "",
    counterpart=None,
    use: str = "",
    scope: str = "",
    institution_code: str = "",
    institution_name: str = "",
    reverses: LedgerEntry | None = None,
    memo: str = "",
) -> LedgerEntry:
    """Append one entry to ``holder``'s ledger and move its balance by ``amount``.

    ``amount`` is signed: positive adds to the balance, negative takes from it.

    Preconditions: the amount is a non-zero Decimal with at most two places; a
    debit needs an open account and enough balance; a reversal names an entry
    that is not itself a reversal and not yet reversed.

    Raises ``InvalidAmount``, ``AccountNotOpen``, ``InsufficientBalance``,
    ``IdempotencyConflict`` (key used for a different posting),
    ``AlreadyReversed``, ``ReversalOfReversal``.

    Returns the new entry, or the earlier one when the same key already posted
    the same thing (a replay posts nothing).
    """
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount == 0:
        raise InvalidAmount(value=amount, reason="not a non-zero Decimal")
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidAmount(value=amount, reason="more than two decimal places")
    with transaction.atomic():
        (locked,) = ledger_lock(holder)
        earlier = LedgerEntry.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            return _replayed(earlier, locked, kind, amount, idempotency_key)
        if reverses is not None:
            _check_reversible(reverses)
        if isinstance(locked, PersonalAccount):
            _check_account_accepts(locked, amount)
        new_balance = locked.balance + amount
        if new_balance < 0:
            raise InsufficientBalance(balance=locked.balance, amount=-amount)
        holder_field = "account" if isinstance(locked, PersonalAccount) else "wallet"
        last = LedgerEntry.objects.filter(**{holder_field: locked}).aggregate(s=Max("sequence"))
        try:
            entry = LedgerEntry.objects.create(
                **{holder_field: locked},
                sequence=(last["s"] or 0) + 1,
                kind=kind,
                amount=amount,
                balance_after=new_balance,
                idempotency_key=idempotency_key,
                reference=reference,
                counterpart=counterpart,
                use=use,
                scope=scope,
                institution_code=institution_code,
                institution_name=institution_name,
                reverses=reverses,
                memo=memo,
                occurred_at=occurred_at or timezone.now(),
                created_by=operator,
            )
        except IntegrityError:
            # Another holder's transaction took the key between our check and insert;
            # leaving the atomic block rolls back to its savepoint.
            raise IdempotencyConflict(key=idempotency_key) from None
        locked.balance = new_balance
        locked.save(update_fields=["balance"])
    holder.balance = new_balance
    return entry


def _replayed(earlier, locked, kind, amount, key):
    same_holder = earlier.account_id if isinstance(locked, PersonalAccount) else earlier.wallet_id
    if same_holder != locked.pk or earlier.kind != kind or earlier.amount != amount:
        raise IdempotencyConflict(key=key)
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
