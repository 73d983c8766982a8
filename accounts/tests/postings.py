"""Ledger entries of sharing payments, wallet transfers and reversals, posted directly.

The statements and reports read only the ledger, so their tests write the
entries the agreements and transfers services will write, with ``ledger_post``.
"""

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from accounts.models import EntryKind, Scope, Use, Wallet
from accounts.services.ledger import ledger_post

_serial = itertools.count(1)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """An aware moment of ``day`` in the hall's time zone."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def _post(holder, kind, amount, day, operator=None, **fields):
    return ledger_post(
        holder=holder,
        kind=kind,
        amount=Decimal(amount),
        idempotency_key=f"{kind}-{next(_serial)}",
        operator=operator,
        occurred_at=at(day),
        **fields,
    )


def post_credit(account, amount, day: dt.date, operator=None):
    return _post(account, EntryKind.CREDIT, amount, day, operator)


def post_sharing_payment(
    account,
    beneficiary,
    amount,
    day: dt.date,
    *,
    use=Use.MEDICAL,
    scope=Scope.SAME_REGION,
    institution=("H32050000012", "苏州市立医院"),
    operator=None,
):
    """共济支付: the grantor's account pays ``amount`` of the beneficiary's cost."""
    code, name = institution
    return _post(
        account,
        EntryKind.SHARING_PAYMENT,
        -Decimal(amount),
        day,
        operator,
        counterpart=beneficiary,
        use=use,
        scope=scope,
        institution_code=code,
        institution_name=name,
    )


def post_wallet_transfer(account, recipient, amount, day: dt.date, *, scope, operator=None):
    """钱包转账: out of the grantor's account, into the recipient's wallet."""
    wallet, _ = Wallet.objects.get_or_create(person=recipient)
    out = _post(
        account,
        EntryKind.WALLET_TRANSFER_OUT,
        -Decimal(amount),
        day,
        operator,
        counterpart=recipient,
        scope=scope,
    )
    _post(
        wallet,
        EntryKind.WALLET_TRANSFER_IN,
        amount,
        day,
        operator,
        counterpart=account.person,
        scope=scope,
    )
    return out


def post_reversal(entry, day: dt.date, operator=None):
    """冲正: the compensating entry on the same holder, linked to the original."""
    return _post(
        entry.holder,
        EntryKind.REVERSAL,
        -entry.amount,
        day,
        operator,
        counterpart=entry.counterpart,
        reverses=entry,
    )
