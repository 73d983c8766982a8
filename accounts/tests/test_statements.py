"""Statements read from the ledger: balances equal to it, totals that add up."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import EntryKind, LedgerEntry, Scheme, Use
from accounts.selectors import beneficiary_statement, ledger_mismatches, ledger_statement
from accounts.tests.factories import make_agreement, make_person
from accounts.tests.postings import (
    post_credit,
    post_reversal,
    post_sharing_payment,
    post_wallet_transfer,
)

START = dt.date(2024, 1, 1)
WALLET_FROM = dt.date(2024, 12, 2)  # Jiangsu's sample policy: the wallet from this day

# One step of a history: (days after the previous step, what, amount in cents, how
# many days before its booking the money was for: a settlement or credit imported late).
steps = st.lists(
    st.tuples(
        st.integers(0, 40),
        st.sampled_from(["credit", "payment", "transfer", "reverse"]),
        st.integers(1, 30000),
        st.integers(0, 400),
    ),
    max_size=14,
)


def _play(account, son, history):
    """Book ``history`` on ``account`` through the services; steps that would overdraw,
    and transfers before Jiangsu has the wallet, are skipped."""
    day, payments = START, []
    for gap, what, cents, late in history:
        day += dt.timedelta(days=gap)
        value = day - dt.timedelta(days=late)
        amount = Decimal(cents) / 100
        account.refresh_from_db()
        if what == "credit":
            post_credit(account, amount, day, month=value.replace(day=1))
        elif what == "payment" and amount <= account.balance:
            payments.append(post_sharing_payment(account, son, amount, day, settled=value))
        elif what == "transfer" and amount <= account.balance and day >= WALLET_FROM:
            post_wallet_transfer(account, son, amount, day)
        elif what == "reverse" and payments:
            post_reversal(payments.pop(0), day)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(history=steps, offset=st.integers(0, 200), length=st.integers(0, 200))
def test_statement_balances_equal_the_ledger_for_any_period(db, history, offset, length):
    father = make_person(name="李明")
    son = make_person(name="李小明", scheme=Scheme.RESIDENT, birth=dt.date(2012, 3, 1))
    _play(father.account, son, history)
    start = START + dt.timedelta(days=offset)
    end = start + dt.timedelta(days=length)

    statement = ledger_statement(holder=father.account, start=start, end=end)

    ledger = list(LedgerEntry.objects.filter(account=father.account).order_by("sequence"))
    booked = {e.pk: timezone.localdate(e.created_at) for e in ledger}
    before = [e for e in ledger if booked[e.pk] < start]
    up_to_end = [e for e in ledger if booked[e.pk] <= end]
    inside = [e for e in ledger if start <= booked[e.pk] <= end]
    assert statement.opening_balance == (before[-1].balance_after if before else 0)
    assert statement.closing_balance == (up_to_end[-1].balance_after if up_to_end else 0)
    assert [e.pk for e in statement.entries] == [e.pk for e in inside]
    running = statement.opening_balance
    for entry in statement.entries:
        running += entry.amount
        assert running == entry.balance_after
    by_kind = sum((t.amount for t in statement.totals), Decimal(0))
    assert by_kind == statement.closing_balance - statement.opening_balance
    assert statement.credits + statement.debits == by_kind
    assert sum(t.count for t in statement.totals) == len(inside)
    assert ledger_mismatches() == []


def test_statement_for_2025_starts_from_the_2024_balance(clerk):
    """Scenario 8: a period that starts mid-history."""
    account = make_person(name="李明", operator=clerk).account
    son = make_person(name="李小明", scheme=Scheme.RESIDENT, birth=dt.date(2012, 3, 1))
    post_credit(account, "500.00", dt.date(2024, 1, 1))
    post_sharing_payment(account, son, "20.00", dt.date(2024, 12, 31))
    post_credit(account, "80.00", dt.date(2025, 1, 1))
    paid = post_sharing_payment(account, son, "100.00", dt.date(2025, 6, 1), operator=clerk)
    post_sharing_payment(
        account, son, "30.00", dt.date(2025, 7, 1), use=Use.PHARMACY, operator=clerk
    )
    post_reversal(paid, dt.date(2025, 6, 3), operator=clerk)
    post_credit(account, "10.00", dt.date(2026, 1, 1))

    statement = ledger_statement(
        holder=account, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)
    )

    assert statement.opening_balance == Decimal("480.00")
    assert [e.amount for e in statement.entries] == [
        Decimal("80.00"),
        Decimal("-100.00"),
        Decimal("-30.00"),
        Decimal("100.00"),
    ]
    assert [e.balance_after for e in statement.entries][-1] == Decimal("530.00")
    assert statement.closing_balance == Decimal("530.00")
    totals = {(t.kind, t.use): (t.count, t.amount) for t in statement.totals}
    assert totals == {
        (EntryKind.CREDIT, ""): (1, Decimal("80.00")),
        (EntryKind.SHARING_PAYMENT, Use.MEDICAL): (1, Decimal("-100.00")),
        (EntryKind.SHARING_PAYMENT, Use.PHARMACY): (1, Decimal("-30.00")),
        (EntryKind.REVERSAL, Use.MEDICAL): (1, Decimal("100.00")),  # the reversed payment's use
    }
    assert ledger_mismatches() == []


def test_entries_imported_late_belong_to_the_period_they_were_booked_in(db):
    """A December settlement and a December credit both booked in January: the
    January statement lists them, with their December value dates; December's
    closing balance is January's opening balance."""
    account = make_person(name="李明").account
    son = make_person(name="李小明", scheme=Scheme.RESIDENT, birth=dt.date(2012, 3, 1))
    post_credit(account, "500.00", dt.date(2024, 12, 1))
    post_sharing_payment(account, son, "20.00", dt.date(2025, 1, 5), settled=dt.date(2024, 12, 31))
    post_credit(account, "30.00", dt.date(2025, 1, 5), month=dt.date(2024, 12, 1))
    post_credit(account, "80.00", dt.date(2025, 1, 6))

    december = ledger_statement(
        holder=account, start=dt.date(2024, 12, 1), end=dt.date(2024, 12, 31)
    )
    january = ledger_statement(holder=account, start=dt.date(2025, 1, 1), end=dt.date(2025, 1, 31))

    assert [(e.amount, e.value_date) for e in december.entries] == [
        (Decimal("500.00"), dt.date(2024, 12, 1))
    ]
    assert december.closing_balance == january.opening_balance == Decimal("500.00")
    assert [(e.amount, e.value_date, e.balance_after) for e in january.entries] == [
        (Decimal("-20.00"), dt.date(2024, 12, 31), Decimal("480.00")),
        (Decimal("30.00"), dt.date(2024, 12, 1), Decimal("510.00")),
        (Decimal("80.00"), dt.date(2025, 1, 1), Decimal("590.00")),  # 划入年月 2025-01
    ]
    assert january.closing_balance == Decimal("590.00")
    assert ledger_mismatches() == []


def test_beneficiary_statement_shows_who_paid_what_and_nets_out_reversals(db):
    son = make_person(name="李小明", scheme=Scheme.RESIDENT, birth=dt.date(2012, 3, 1))
    father = make_person(name="李明").account
    mother = make_person(name="王芳", gender="F", region="411300").account
    other = make_person(name="张三", scheme=Scheme.RESIDENT, birth=dt.date(2010, 1, 1))
    for account in (father, mother):
        post_credit(account, "1000.00", dt.date(2025, 1, 1))
    post_sharing_payment(father, son, "100.00", dt.date(2025, 3, 1))
    wrong = post_sharing_payment(father, son, "40.00", dt.date(2025, 3, 2))
    post_reversal(wrong, dt.date(2025, 3, 5))
    # Henan's policy allows cross-province sharing from 2025-02-04 (sample policy).
    make_agreement(mother.person, son, effective_from=dt.date(2025, 2, 4))
    post_wallet_transfer(mother, son, "300.00", dt.date(2025, 4, 1))
    post_sharing_payment(father, other, "70.00", dt.date(2025, 4, 2))  # not for the son
    # Settled in 2025, booked in 2026: a line of 2026's statement.
    post_sharing_payment(father, son, "9.00", dt.date(2026, 1, 3), settled=dt.date(2025, 12, 30))

    statement = beneficiary_statement(
        person=son, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)
    )

    assert [(line.payer.name, line.paid) for line in statement.lines] == [
        ("李明", Decimal("100.00")),
        ("李明", Decimal("40.00")),
        ("李明", Decimal("-40.00")),
        ("王芳", Decimal("300.00")),
    ]
    assert [(p.name, amount) for p, amount in statement.totals_by_payer()] == [
        ("李明", Decimal("100.00")),
        ("王芳", Decimal("300.00")),
    ]
    assert statement.total == Decimal("400.00")
    assert ledger_mismatches() == []
