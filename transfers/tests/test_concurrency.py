"""Concurrent postings from real threads: nothing overdraws, nothing posts twice."""

import threading
import time
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from accounts.models import Wallet
from accounts.selectors import ledger_mismatches
from accounts.tests.factories import credit, make_user
from core.errors import DomainError
from core.tests.threads import run_at_once
from transfers.models import (
    HoldRules,
    PaymentStatus,
    SettlementKey,
    SharingPayment,
    WalletSpending,
    WalletTransfer,
)
from transfers.selectors import wallet_mismatches
from transfers.services.payments import payment_approve
from transfers.services.spendings import wallet_spending_approve

from .factories import accept, pay_from_wallet, receive, transfer

pytestmark = pytest.mark.django_db(transaction=True)


def test_scenario_5_two_payments_together_over_balance_exactly_one_posts(
    li_ming, li_xiaoming, son_agreement, clerk
):
    outcomes = run_at_once(
        lambda: receive(li_ming, li_xiaoming, "300.00", operator=clerk, sid="A"),
        lambda: receive(li_ming, li_xiaoming, "300.00", operator=clerk, sid="B"),
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["AmountOverAvailable", "SharingPayment"]
    li_ming.account.refresh_from_db()
    assert li_ming.account.balance == Decimal("200.00")
    assert ledger_mismatches() == []


def test_same_settlement_from_two_threads_posts_once(li_ming, li_xiaoming, son_agreement, clerk):
    outcomes = run_at_once(
        *[lambda: receive(li_ming, li_xiaoming, "100.00", operator=clerk, sid="DUP")] * 3
    )
    assert len({o.pk for o in outcomes}) == 1
    li_ming.account.refresh_from_db()
    assert li_ming.account.balance == Decimal("400.00")
    assert ledger_mismatches() == []


def test_concurrent_reviewers_approving_the_same_payment_post_once(
    li_ming, li_xiaoming, son_agreement, clerk
):
    credit(li_ming.account, "5000.00")
    held = receive(li_ming, li_xiaoming, "5000.00", operator=clerk)
    reviewers = [make_user("reviewer") for _ in range(3)]
    outcomes = run_at_once(
        *[lambda r=r: payment_approve(payment=held, operator=r) for r in reviewers]
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["NotHeld", "NotHeld", "SharingPayment"]
    assert SharingPayment.objects.get().status == PaymentStatus.POSTED
    li_ming.account.refresh_from_db()
    assert li_ming.account.balance == Decimal("500.00")
    assert ledger_mismatches() == []


def test_many_threads_paying_and_transferring_from_one_account_never_overdraw(
    li_ming, li_xiaoming, son_agreement, clerk
):
    """¥500: four payments of ¥90 and four transfers of ¥90 at once; five can succeed."""
    calls = [
        lambda i=i: receive(li_ming, li_xiaoming, "90.00", operator=clerk, sid=f"M{i}")
        for i in range(4)
    ] + [
        lambda i=i: transfer(li_ming, li_xiaoming, "90.00", operator=clerk, number=f"T{i}")
        for i in range(4)
    ]
    # The wallet allows three transfers a day; lift it so only the balance limits.
    region = li_ming.region
    region.wallet_daily_transfers = 10
    region.save(update_fields=["wallet_daily_transfers"])
    outcomes = run_at_once(*calls)
    done = [o for o in outcomes if not isinstance(o, DomainError)]
    assert len(done) == 5
    assert {type(o).__name__ for o in outcomes if o not in done} == {"AmountOverAvailable"}
    li_ming.account.refresh_from_db()
    assert li_ming.account.balance == Decimal("50.00")
    assert SharingPayment.objects.count() + WalletTransfer.objects.count() == 5
    assert ledger_mismatches() == []


def test_concurrent_transfers_never_pass_the_daily_count(
    li_ming, li_xiaoming, son_agreement, clerk
):
    outcomes = run_at_once(
        *[
            lambda i=i: transfer(li_ming, li_xiaoming, "10.00", operator=clerk, number=f"D{i}")
            for i in range(4)
        ]
    )
    assert (
        sorted(type(o).__name__ for o in outcomes)
        == ["DailyTransfersExceeded"] + ["WalletTransfer"] * 3
    )
    assert WalletTransfer.objects.count() == 3
    assert ledger_mismatches() == []


def test_one_settlement_id_sent_as_both_sources_at_once_is_paid_once(
    li_ming, li_xiaoming, son_agreement, clerk
):
    """The payment locks the grantor's account, the spending the wallet: no lock is
    shared, and the ledger's key ``settlement:<结算ID>`` keeps one posting."""
    accept(transfer(li_ming, li_xiaoming, "100.00", operator=clerk))
    outcomes = run_at_once(
        lambda: receive(li_ming, li_xiaoming, "10.00", operator=clerk, sid="BOTH"),
        lambda: pay_from_wallet(li_xiaoming, "10.00", "BOTH", operator=clerk),
    )
    assert sorted(type(o).__name__ for o in outcomes) in (
        ["SettlementConflict", "SharingPayment"],
        ["SettlementConflict", "WalletSpending"],
    )
    assert SharingPayment.objects.count() + WalletSpending.objects.count() == 1
    assert ledger_mismatches() == []


_WAITING_INSERTS = """
SELECT COUNT(*) FROM pg_locks WHERE NOT granted AND relation IN
('transfers_sharingpayment'::regclass, 'transfers_walletspending'::regclass)
"""


@contextmanager
def inserts_held_until_waiting(count: int):
    """The payments' and the spendings' tables locked against inserts (reads go on)
    by a connection of its own, until ``count`` inserts wait for them: the racers
    have all made their checks and write at the same instant. Yields a list that
    holds True once they all waited (else the test proved nothing)."""
    locked, seen = threading.Event(), []

    def gate():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "LOCK TABLE transfers_sharingpayment, transfers_walletspending IN SHARE MODE"
                )
                locked.set()
                deadline = time.monotonic() + 8  # within the racers' lock_timeout of 10 s
                while time.monotonic() < deadline:
                    cursor.execute(_WAITING_INSERTS)
                    if cursor.fetchone()[0] >= count:
                        seen.append(True)
                        break
                    time.sleep(0.02)
        finally:
            locked.set()
            connections.close_all()

    thread = threading.Thread(target=gate)
    thread.start()
    locked.wait()
    try:
        yield seen
    finally:
        thread.join()


def test_a_held_payment_and_a_wallet_spending_of_one_settlement_id_store_one(
    li_ming, li_xiaoming, son_agreement, clerk
):
    """A held payment posts nothing, so the ledger's key never meets the spending's:
    the shared key table (``SettlementKey``) refuses the second insert.

    The hold rules' row exists before the race, as after a deployment's first
    settlement: else the payment, in its transaction, creates it
    (``HoldRules.current``) and the spending, reading the rules later, waits on that
    uncommitted row instead of at its insert, so the two never meet at the gate."""
    credit(li_ming.account, "5000.00")
    accept(transfer(li_ming, li_xiaoming, "100.00", operator=clerk))
    HoldRules.current()
    with inserts_held_until_waiting(2) as seen:
        outcomes = run_at_once(
            lambda: receive(li_ming, li_xiaoming, "5000.00", operator=clerk, sid="HELD"),
            lambda: pay_from_wallet(li_xiaoming, "10.00", "HELD", operator=clerk),
        )
    assert seen, "the two inserts never waited together: the test proved nothing"
    kinds = sorted(type(o).__name__ for o in outcomes)
    assert kinds in (
        ["SettlementConflict", "SharingPayment"],
        ["SettlementConflict", "WalletSpending"],
    ), outcomes
    refused = next(o for o in outcomes if type(o).__name__ == "SettlementConflict")
    assert "HELD" in str(refused)
    assert SharingPayment.objects.count() + WalletSpending.objects.count() == 1
    assert SettlementKey.objects.get().settlement_id == "HELD"
    assert ledger_mismatches() == []


def test_a_held_and_a_posted_spending_racing_for_the_wallets_money_never_overdraw(
    li_ming, li_xiaoming, son_agreement, clerk
):
    """¥300.00 in the wallet; ¥200.00 typed at the counter (held) and ¥200.00 of a
    file (posted) at once: the wallet's lock lets one take the money, the other is
    refused. The held one approved, either way 300 − 200 = 100 is left."""
    accept(transfer(li_ming, li_xiaoming, "300.00", operator=clerk))
    outcomes = run_at_once(
        lambda: pay_from_wallet(li_xiaoming, "200.00", "HELD", operator=clerk, manual=True),
        lambda: pay_from_wallet(li_xiaoming, "200.00", "FILE", operator=clerk),
    )
    names = sorted(type(o).__name__ for o in outcomes)
    assert names == ["WalletSpendableTooLow", "WalletSpending"]
    for held in WalletSpending.objects.filter(status=PaymentStatus.HELD):
        wallet_spending_approve(spending=held, operator=make_user("reviewer"))
    assert Wallet.objects.get(person=li_xiaoming).balance == Decimal("100.00")
    assert ledger_mismatches() == [] and wallet_mismatches() == []


def test_concurrent_reviewers_approving_the_same_spending_post_once(
    li_ming, li_xiaoming, son_agreement, clerk
):
    accept(transfer(li_ming, li_xiaoming, "300.00", operator=clerk))
    held = pay_from_wallet(li_xiaoming, "120.00", "TWICE", operator=clerk, manual=True)
    reviewers = [make_user("reviewer") for _ in range(3)]
    outcomes = run_at_once(
        *[lambda r=r: wallet_spending_approve(spending=held, operator=r) for r in reviewers]
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["NotHeld", "NotHeld", "WalletSpending"]
    assert Wallet.objects.get(person=li_xiaoming).balance == Decimal("180.00")  # 300 − 120
    assert ledger_mismatches() == [] and wallet_mismatches() == []
