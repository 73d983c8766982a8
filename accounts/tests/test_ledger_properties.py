"""Property: for any sequence of postings, balance = sum of entries and never negative."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.errors import InsufficientBalance
from accounts.models import EntryKind, LedgerEntry
from accounts.selectors import ledger_mismatches
from accounts.services.ledger import Posting, ledger_post, ledger_post_many
from accounts.tests.factories import make_person

cents = st.integers(min_value=1, max_value=100_000).map(lambda c: Decimal(c) / 100)
postings = st.lists(st.tuples(st.booleans(), cents, st.booleans()), min_size=1, max_size=25)


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=postings)
def test_any_sequence_of_postings_keeps_the_ledger_consistent(steps):
    """Credits, debits (refused when too large) and replays of earlier keys."""
    account = make_person(name="随机").account
    expected = Decimal("0.00")
    keys = []
    for i, (is_credit, amount, replay) in enumerate(steps):
        if replay and keys:
            key, signed = keys[-1]
        else:
            key, signed = f"p{account.pk}-{i}", amount if is_credit else -amount
        try:
            ledger_post(
                holder=account,
                kind=EntryKind.CREDIT if signed > 0 else EntryKind.SHARING_PAYMENT,
                amount=signed,
                idempotency_key=key,
                operator=None,
            )
        except InsufficientBalance:
            assert expected + signed < 0
            continue
        if (key, signed) not in keys:
            keys.append((key, signed))
            expected += signed
    account.refresh_from_db()
    entries = LedgerEntry.objects.filter(account=account)
    assert account.balance == expected == sum((e.amount for e in entries), Decimal("0"))
    assert all(e.balance_after >= 0 for e in entries)
    assert ledger_mismatches() == []


batch_steps = st.lists(
    st.tuples(st.integers(min_value=0, max_value=2), cents, st.booleans(), st.booleans()),
    min_size=1,
    max_size=30,
)


def _batch(accounts, steps, tag):
    """The postings of ``steps``: (account, amount, credit?, the last posting again?)."""
    postings, last = [], None
    for i, (which, amount, is_credit, replay) in enumerate(steps):
        if not (replay and last):
            signed = amount if is_credit else -amount
            kind = EntryKind.CREDIT if signed > 0 else EntryKind.SHARING_PAYMENT
            last = Posting(accounts[which], kind, signed, f"{tag}-{i}", memo=f"m{i}")
        postings.append(last)
    return postings


@pytest.mark.django_db
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=batch_steps)
def test_a_batch_without_entries_posts_what_a_batch_with_entries_posts(steps):
    """``ledger_post_many(entries=False)`` (a file's chunk, rows sent to COPY as
    tuples, entry ids returned) against the same batch with entries, and against the balances worked
    out here by summing: every account starts at 100.00; a debit that would take a
    balance below zero refuses the whole batch, and nothing is written."""
    results = {}
    for entries in (True, False):
        accounts = [make_person(name=name).account for name in ("张三", "李四", "王五")]
        opening = [Posting(a, EntryKind.CREDIT, Decimal("100.00"), f"o{a.pk}") for a in accounts]
        ledger_post_many(opening, operator=None)
        expected, refused, seen = [Decimal("100.00")] * 3, False, set()
        for which, amount, is_credit, replay in steps:
            signed = amount if is_credit else -amount
            if replay and seen:
                continue  # a replay of the posting before: nothing moves
            seen.add(1)
            expected[which] += signed
            refused = refused or expected[which] < 0
        postings = _batch(accounts, steps, f"b{accounts[0].pk}")
        try:
            returned = ledger_post_many(postings, operator=None, entries=entries)
        except InsufficientBalance:
            assert refused
            expected = [Decimal("100.00")] * 3
        else:
            assert not refused
            # Each posting's entry (its id without entries), a replay's the earlier one.
            ids = [e.pk for e in returned] if entries else returned
            keys = dict(LedgerEntry.objects.filter(pk__in=ids).values_list("pk", "idempotency_key"))
            assert [keys[pk] for pk in ids] == [p.idempotency_key for p in postings]
        rows = []
        for account, balance in zip(accounts, expected, strict=True):
            account.refresh_from_db()
            entries_of = list(LedgerEntry.objects.filter(account=account).order_by("sequence"))
            assert account.balance == balance == sum(e.amount for e in entries_of)
            assert [e.sequence for e in entries_of] == list(range(1, len(entries_of) + 1))
            assert account.last_sequence == len(entries_of)
            rows.append(
                [
                    (e.sequence, e.kind, e.amount, e.balance_after, e.memo, e.value_date)
                    for e in entries_of
                ]
            )
        results[entries] = rows
    assert results[True] == results[False]
    assert ledger_mismatches() == []
