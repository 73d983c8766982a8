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


def post_credit(account, amount, day: dt.date, operator=None):
    return ledger_post(
        holder=account,
        kind=EntryKind.CREDIT,
        amount=Decimal(amount),
        idempotency_key=f"credit-{next(_serial)}",
        operator=operator,
        occurred_at=at(day),
    )


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
    return ledger_post(
        holder=account,
        kind=EntryKind.SHARING_PAYMENT,
        amount=-Decimal(amount),
        idempotency_key=f"payment-{next(_serial)}",
        operator=operator,
        occurred_at=at(day),
        counterpart=beneficiary,
        use=use,
        scope=scope,
        institution_code=institution[0],
        institution_name=institution[1],
    )


def post_wallet_transfer(account, recipient, amount, day: dt.date, *, scope, operator=None):
    """钱包转账: out of the grantor's account, into the recipient's wallet."""
    wallet, _ = Wallet.objects.get_or_create(person=recipient)
    key = f"transfer-{next(_serial)}"
    out = ledger_post(
        holder=account,
        kind=EntryKind.WALLET_TRANSFER_OUT,
        amount=-Decimal(amount),
        idempotency_key=f"{key}-out",
        operator=operator,
        occurred_at=at(day),
        counterpart=recipient,
        scope=scope,
    )
    ledger_post(
        holder=wallet,
        kind=EntryKind.WALLET_TRANSFER_IN,
        amount=Decimal(amount),
        idempotency_key=f"{key}-in",
        operator=operator,
        occurred_at=at(day),
        counterpart=account.person,
        scope=scope,
    )
    return out


def post_reversal(entry, day: dt.date, operator=None):
    """冲正: the compensating entry on the same holder, linked to the original."""
    return ledger_post(
        holder=entry.holder,
        kind=EntryKind.REVERSAL,
        amount=-entry.amount,
        idempotency_key=f"reversal-{next(_serial)}",
        operator=operator,
        occurred_at=at(day),
        counterpart=entry.counterpart,
        reverses=entry,
    )
