"""The posting function and the database guards of the ledger."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError, IntegrityError

from accounts.errors import (
    AccountNotOpen,
    IdempotencyConflict,
    InsufficientBalance,
)
from accounts.models import EntryKind, LedgerEntry, PersonalAccount
from accounts.selectors import ledger_mismatches
from accounts.services.accounts import account_freeze
from accounts.services.ledger import Posting, ledger_post, ledger_post_many
from accounts.tests.factories import credit, make_person
from core.errors import InvalidAmount
from core.tests.threads import run_at_once


def debit(account, amount, key, operator=None):
    return ledger_post(
        holder=account,
        kind=EntryKind.SHARING_PAYMENT,
        amount=-Decimal(amount),
        idempotency_key=key,
        operator=operator,
    )


def test_posting_moves_balance_and_records_balance_after(li_ming):
    account = li_ming.account
    entry = debit(account, "100.00", "pay-1")
    account.refresh_from_db()
    assert account.balance == Decimal("400.00")
    assert entry.balance_after == Decimal("400.00")
    assert entry.sequence == 2
    assert ledger_mismatches() == []


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("0.00"), Decimal("1.005")])
def test_zero_or_three_decimal_amount_refused(li_ming, amount):
    with pytest.raises(InvalidAmount):
        debit(li_ming.account, amount, "pay-bad")
    assert LedgerEntry.objects.filter(idempotency_key="pay-bad").count() == 0


def test_float_amount_refused(li_ming):
    with pytest.raises(InvalidAmount):
        ledger_post(
            holder=li_ming.account,
            kind=EntryKind.CREDIT,
            amount=1.5,
            idempotency_key="f",
            operator=None,
        )


def test_overdraft_refused_and_balance_unchanged(li_ming):
    with pytest.raises(InsufficientBalance):
        debit(li_ming.account, "500.01", "pay-big")
    li_ming.account.refresh_from_db()
    assert li_ming.account.balance == Decimal("500.00")
    assert ledger_mismatches() == []


def test_replay_of_idempotency_key_posts_once(li_ming):
    first = debit(li_ming.account, "50.00", "settlement-42")
    again = debit(li_ming.account, "50.00", "settlement-42")
    assert again.pk == first.pk
    li_ming.account.refresh_from_db()
    assert li_ming.account.balance == Decimal("450.00")


def test_idempotency_key_reused_for_other_amount_refused(li_ming):
    debit(li_ming.account, "50.00", "settlement-43")
    with pytest.raises(IdempotencyConflict):
        debit(li_ming.account, "60.00", "settlement-43")
    li_ming.account.refresh_from_db()
    assert li_ming.account.balance == Decimal("450.00")


def test_frozen_account_takes_credits_but_pays_nothing(li_ming, clerk):
    account_freeze(account=li_ming.account, reason="司法冻结", operator=clerk)
    with pytest.raises(AccountNotOpen):
        debit(li_ming.account, "1.00", "pay-frozen")
    credit(li_ming.account, "10.00")
    li_ming.account.refresh_from_db()
    assert li_ming.account.balance == Decimal("510.00")


def test_raw_sql_update_of_ledger_row_refused(li_ming):
    """The application's role holds no UPDATE or DELETE on the ledger (core/roles.py);
    behind it the trigger refuses even the owner (core/tests/test_roles.py)."""
    entry = LedgerEntry.objects.get(account=li_ming.account)
    with pytest.raises(DatabaseError, match="permission denied"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE accounts_ledgerentry SET amount = 1000 WHERE id = %s", [entry.pk]
            )
    with pytest.raises(DatabaseError, match="permission denied"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM accounts_ledgerentry WHERE id = %s", [entry.pk])
    assert LedgerEntry.objects.get(pk=entry.pk).amount == Decimal("500.00")


def test_database_refuses_negative_balance_without_orm(li_ming):
    with pytest.raises(IntegrityError):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE accounts_personalaccount SET balance = -1 WHERE id = %s",
                [li_ming.account.pk],
            )


@pytest.mark.django_db(transaction=True)
def test_concurrent_debits_never_overdraw():
    """Eight threads each take ¥80 from ¥500 at once: exactly six succeed."""
    person = make_person(name="王芳")
    credit(person.account, "500.00")
    outcomes = run_at_once(
        *[
            lambda i=i: debit(PersonalAccount.objects.get(pk=person.account.pk), "80.00", f"c-{i}")
            for i in range(8)
        ]
    )
    refused = [o for o in outcomes if isinstance(o, InsufficientBalance)]
    assert len(refused) == 2
    assert all(isinstance(o, LedgerEntry) for o in outcomes if o not in refused)
    person.account.refresh_from_db()
    assert person.account.balance == Decimal("20.00")
    assert ledger_mismatches() == []


def _updates(table: str) -> tuple[int, int]:
    """This transaction's row updates of ``table`` so far: all, and of them HOT."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = %s",
            [table],
        )
        return cursor.fetchone()


@pytest.mark.django_db
def test_oracle_a_credit_chunk_rewrites_no_account_index():
    """A chunk of a credit file updates every account of its pages in one transaction;
    each new row version stays on its page (a HOT update, no index written) because
    the pages are half empty (migration 0017). 150 accounts fill several pages
    at the default fillfactor, where most of these updates were not HOT."""
    accounts = [make_person().account for _ in range(150)]
    updated_before, hot_before = _updates("accounts_personalaccount")
    postings = [Posting(a, EntryKind.CREDIT, Decimal("10.00"), f"hot-{a.pk}") for a in accounts]
    ledger_post_many(postings, operator=None, entries=False)
    updated, hot = _updates("accounts_personalaccount")
    assert (updated - updated_before, hot - hot_before) == (150, 150)


def test_oracle_an_entrys_value_date_is_the_day_in_beijing_time(li_ming):
    """Asia/Shanghai is UTC+8 all year (no daylight saving): 16:30 UTC on 10 March
    is 00:30 on 11 March in the hall, 15:59 UTC still 23:59 on 10 March."""
    utc = dt.UTC
    after = debit_at(li_ming.account, "pay-late", dt.datetime(2025, 3, 10, 16, 30, tzinfo=utc))
    before = debit_at(li_ming.account, "pay-early", dt.datetime(2025, 3, 10, 15, 59, tzinfo=utc))
    assert after.value_date == dt.date(2025, 3, 11)
    assert before.value_date == dt.date(2025, 3, 10)
    assert LedgerEntry.objects.get(pk=after.pk).value_date == dt.date(2025, 3, 11)


def debit_at(account, key, occurred_at):
    return ledger_post(
        holder=account,
        kind=EntryKind.SHARING_PAYMENT,
        amount=-Decimal("1.00"),
        idempotency_key=key,
        operator=None,
        occurred_at=occurred_at,
    )
