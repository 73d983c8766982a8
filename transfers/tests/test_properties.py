"""Property: whatever happens, in any order, the ledger adds up and nothing is negative."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from accounts.selectors import ledger_mismatches
from core.errors import DomainError
from transfers.models import (
    HoldRules,
    PaymentStatus,
    SharingPayment,
    WalletTransfer,
)
from transfers.selectors import held_total, wallet_mismatches
from transfers.services.payments import payment_approve, payment_reject
from transfers.services.reversals import reversal_approve, reversal_request
from transfers.services.wallets import (
    wallet_transfer_accept,
    wallet_transfer_refuse,
    wallet_transfers_return_unaccepted,
)

from .factories import local, receive, spend, transfer

STEPS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "pay",
                "approve",
                "reject",
                "reverse",
                "transfer",
                "accept",
                "refuse",
                "spend",
                "cut_off",
            ]
        ),
        st.integers(min_value=1, max_value=40_000),
    ),
    max_size=12,
)


def _pick(queryset, n):
    items = list(queryset.order_by("pk"))
    return items[n % len(items)] if items else None


def _step(i, op, n, grantor, son, clerk, reviewer):
    amount = Decimal(n) / 100
    if op == "pay":
        receive(grantor, son, amount, operator=clerk, sid=f"P{i}")
    elif op in ("approve", "reject") and (
        p := _pick(SharingPayment.objects.filter(status="held"), n)
    ):
        if op == "approve":
            payment_approve(payment=p, operator=reviewer)
        else:
            payment_reject(payment=p, reason="抽查不符", operator=reviewer)
    elif op == "reverse" and (p := _pick(SharingPayment.objects.filter(status="posted"), n)):
        reversal_approve(
            reversal=reversal_request(payment=p, reason="错误", operator=clerk), operator=reviewer
        )
    elif op == "transfer":
        made = transfer(
            grantor, son, amount, operator=clerk, at=local(2025, 3, 1, 8) + dt.timedelta(i)
        )
        if n % 2:  # half are accepted at once, half wait (for refusal or the cut-off)
            wallet_transfer_accept(transfer=made, operator=reviewer, now=made.transferred_at)
    elif op == "accept" and (t := _pick(WalletTransfer.objects.filter(status="pending"), n)):
        # On step i's day: a transfer of two days before is past its cut-off.
        wallet_transfer_accept(
            transfer=t, operator=reviewer, now=local(2025, 3, 1, 9) + dt.timedelta(i)
        )
    elif op == "refuse" and (t := _pick(WalletTransfer.objects.filter(status="pending"), n)):
        wallet_transfer_refuse(transfer=t, operator=clerk)
    elif op == "spend":
        spend(son, Decimal(max(1, n // 10)) / 100, f"S{i}")
    elif op == "cut_off":
        wallet_transfers_return_unaccepted(operator=None, now=local(2025, 3, 1) + dt.timedelta(i))


def _check_invariants(grantor, son):
    account = grantor.account
    account.refresh_from_db()
    assert account.balance >= 0
    assert account.balance - held_total(account) >= 0
    assert wallet_mismatches() == []
    reversed_ = SharingPayment.objects.filter(status=PaymentStatus.REVERSED)
    assert all(p.ledger_entry.reversed_by.amount == p.amount for p in reversed_)
    assert ledger_mismatches() == []


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=STEPS)
def test_any_sequence_keeps_the_ledger_whole(
    steps, li_ming, li_xiaoming, son_agreement, clerk, reviewer
):
    rules = HoldRules.current()
    rules.amount_threshold = Decimal("200.00")  # so that holds happen within small amounts
    rules.save()
    with transaction.atomic():
        for i, (op, n) in enumerate(steps):
            try:
                with transaction.atomic():
                    _step(i, op, n, li_ming, li_xiaoming, clerk, reviewer)
                event(f"{op} ok")
            except DomainError as e:
                event(f"{op} {type(e).__name__}")
                pass  # a refusal is a valid outcome; it must leave everything as it was
            _check_invariants(li_ming, li_xiaoming)
        transaction.set_rollback(True)
