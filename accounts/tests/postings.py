"""Ledger entries of sharing payments, wallet transfers and reversals, posted directly.

The statements read only the ledger, so their tests write the entries the
transfers services write, with ``ledger_post``. Each entry is booked on the day
given (the test's clock); ``value`` is its value date when it differs (a
settlement or a credit imported late).
"""

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from accounts.models import EntryKind, Scope, Use, Wallet
from accounts.services.ledger import ledger_post
from core.tests.clock import clock_at

_serial = itertools.count(1)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """An aware moment of ``day`` in the hall's time zone."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def _post(holder, kind, amount, day, operator=None, *, value: dt.date | None = None, **fields):
    with clock_at(at(day)):
        return ledger_post(
            holder=holder,
            kind=kind,
            amount=Decimal(amount),
            idempotency_key=f"{kind}-{next(_serial)}",
            operator=operator,
            value_date=value,
            **fields,
        )


def post_credit(account, amount, day: dt.date, operator=None, *, month: dt.date | None = None):
    """个人账户划入 booked on ``day``, for the month starting ``month`` (default: ``day``)."""
    return _post(account, EntryKind.CREDIT, amount, day, operator, value=month)


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
    settled: dt.date | None = None,
):
    """共济支付 booked on ``day``: the grantor's account pays ``amount`` of the
    beneficiary's cost, settled on ``settled`` (default: ``day``)."""
    code, name = institution
    return _post(
        account,
        EntryKind.SHARING_PAYMENT,
        -Decimal(amount),
        day,
        operator,
        value=settled,
        occurred_at=at(settled) if settled else None,
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
