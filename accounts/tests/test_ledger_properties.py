"""Property: for any sequence of postings, balance = sum of entries and never negative."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.errors import InsufficientBalance
from accounts.models import EntryKind, LedgerEntry
from accounts.selectors import ledger_mismatches
from accounts.services.ledger import ledger_post
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
