"""One settlement at the counter costs a handful of SQL statements, whatever the
size of the ledger (issue 12: it was 26, with a MAX over the account's entries)."""

import re
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import LedgerEntry
from transfers.models import PaymentStatus, SharingPayment
from transfers.services.holds import hold_rules_update
from transfers.tests.factories import balance, receive

# Counted by hand from the design (docs/TRANSFERS.md, "Settlements in batches"):
# persons, their histories, 结算IDs seen and the agreement in one statement; the
# account locked with its reservations, the hold rules with the day's count; the
# entry with the balance (one statement, accounts.services.ledger), the payment (its
# 结算ID taken by its trigger).
STATEMENTS = 5


def statements(captured) -> list[str]:
    """The statements sent, without the test's own savepoint (BEGIN/COMMIT in production)."""
    return [q["sql"] for q in captured if "SAVEPOINT" not in q["sql"]]


# The statements of one posted settlement, in the order sent, each by its verb and
# table (written from docs/TRANSFERS.md, not read from the code): the four reads
# that need no lock (one statement, each read in it in this order: persons,
# enrolment histories, 结算IDs seen in payments and wallet spendings, the agreement
# in force), the grantor's account locked, then the hold rule's read (after the
# lock: a payment committed meanwhile for the same beneficiary and day is
# counted), the entry with its balance, the payment.
ORDER = [
    (
        "persons, histories, 结算IDs seen, agreement in force",
        r'^WITH .* FROM "accounts_insuredperson" .* FROM "accounts_enrolmentperiod" '
        r'.* FROM "transfers_sharingpayment" .* UNION ALL .* FROM "transfers_walletspending" '
        r'.* FROM "accounts_sharingagreement" ',
    ),
    ("grantor's account locked", r'^SELECT .* FROM "accounts_personalaccount" .* FOR UPDATE'),
    ("hold rules and the day's count", r"^SELECT .*\sFROM transfers_holdrules\s"),
    (
        "entry with the balance",
        r'^WITH entries AS \(INSERT INTO "accounts_ledgerentry" .*'
        r'\sUPDATE "?accounts_personalaccount\b',
    ),
    ("payment", r'^INSERT INTO "transfers_sharingpayment"'),
]


def named(sql: str) -> str:
    """The name in ``ORDER`` of the one pattern ``sql`` matches, else the SQL itself."""
    names = [name for name, pattern in ORDER if re.search(pattern, sql.strip(), re.DOTALL)]
    return names[0] if len(names) == 1 else sql[:160]


def test_counter_settlement_reads_then_locks_then_counts_the_day_then_writes(
    li_ming, li_xiaoming, son_agreement, clerk
):
    receive(li_ming, li_xiaoming, "10.00", operator=clerk, sid="JS0")
    with CaptureQueriesContext(connection) as captured:
        payment = receive(li_ming, li_xiaoming, "10.00", operator=clerk, sid="JS1")
    sent = [named(sql) for sql in statements(captured.captured_queries)]
    assert payment.status == PaymentStatus.POSTED
    assert sent == [name for name, _pattern in ORDER]
    assert len(sent) <= STATEMENTS
    assert balance(li_ming) == payment.account.balance


def test_oracle_counter_settlement_posts_in_five_statements_without_max(
    li_ming, li_xiaoming, son_agreement, clerk
):
    receive(li_ming, li_xiaoming, "10.00", operator=clerk, sid="JS0")
    with CaptureQueriesContext(connection) as captured:
        payment = receive(li_ming, li_xiaoming, "10.00", operator=clerk, sid="JS1")
    sent = statements(captured.captured_queries)
    assert payment.status == PaymentStatus.POSTED
    assert len(sent) == STATEMENTS, "\n".join(s[:120] for s in sent)
    assert not [s for s in sent if "MAX(" in s.upper()]
    assert balance(li_ming) == payment.account.balance
    assert payment.ledger_entry.sequence == 3  # the opening credit, JS0, JS1


def test_held_settlement_takes_one_statement_fewer(
    li_ming, li_xiaoming, son_agreement, clerk, supervisor
):
    hold_rules_update(operator=supervisor, amount_threshold=Decimal("100.00"))
    with CaptureQueriesContext(connection) as captured:
        payment = receive(li_ming, li_xiaoming, "200.00", operator=clerk, sid="JS2")
    assert payment.status == PaymentStatus.HELD
    # The same, without the entry: a held payment posts nothing.
    assert len(statements(captured.captured_queries)) == STATEMENTS - 1


def test_a_retry_with_the_same_settlement_id_posts_nothing(
    li_ming, li_xiaoming, son_agreement, clerk
):
    first = receive(li_ming, li_xiaoming, "10.00", operator=clerk, sid="JS3")
    with CaptureQueriesContext(connection) as captured:
        again = receive(li_ming, li_xiaoming, "10.00", operator=clerk, sid="JS3")
    assert again.pk == first.pk
    assert SharingPayment.objects.count() == 1
    assert LedgerEntry.objects.filter(account=li_ming.account).count() == 2  # credit, JS3
    assert balance(li_ming) == Decimal("490.00")  # the fixture's 500.00 less one 10.00
    sent = statements(captured.captured_queries)
    # Reads only: no insert, update or delete (a row lock, ``FOR UPDATE``, writes none).
    assert [s for s in sent if re.search(r"(?<!FOR )\b(INSERT|UPDATE|DELETE)\b", s)] == []
