"""The statistics summary kept by PostgreSQL: each write that changes the figures
changes the page by exactly what is counted here by hand, whichever path made it,
and the summary always equals the records' join (``sharing_statistics_live``)."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings

from accounts.tests.factories import credit, make_agreement
from core.errors import DomainError
from core.tests.threads import run_at_once
from reports.models import StatisticsDay
from reports.selectors import sharing_statistics, sharing_statistics_live
from transfers.models import HoldRules, PaymentStatus
from transfers.services.payments import payment_approve
from transfers.services.reversals import reversal_approve, reversal_request
from transfers.services.wallets import wallet_transfers_return_unaccepted
from transfers.tests.factories import (
    accept,
    import_settlements,
    local,
    receive,
    settlement_row,
    spend,
    transfer,
)
from transfers.tests.test_properties import STEPS, _step

MARCH = {"start": dt.date(2025, 3, 1), "end": dt.date(2025, 3, 31)}
EVER = {"start": dt.date(2000, 1, 1), "end": dt.date(2099, 12, 31)}
D = Decimal


def page(period=MARCH):
    """The total row as the page shows it: payments, their amount, transfers, theirs."""
    (total,) = sharing_statistics(**period)["total"]
    return (total.payments, total.payments_amount, total.transfers, total.transfers_amount)


@pytest.fixture
def son(li_ming, li_xiaoming):
    make_agreement(li_ming, li_xiaoming)
    return li_xiaoming


def test_oracle_a_counter_settlement_adds_one_use_of_its_amount(li_ming, son, clerk):
    assert page() == (0, D("0.00"), 0, D("0.00"))
    receive(li_ming, son, "100.00", operator=clerk)
    assert page() == (1, D("100.00"), 0, D("0.00"))
    (suzhou,) = sharing_statistics(**MARCH)["region"]
    assert (suzhou.key, suzhou.payments_amount) == (("江苏省", "苏州市", "320500"), D("100.00"))


def test_oracle_a_settlement_file_adds_each_of_its_rows(li_ming, son, clerk):
    rows = [
        settlement_row(li_ming, son, sid="F-1", amount="10.00"),
        settlement_row(li_ming, son, sid="F-2", amount="20.00"),
        settlement_row(li_ming, son, sid="F-3", amount="30.50"),
    ]
    report = import_settlements(rows, clerk)
    assert not report.errors
    assert page() == (3, D("60.50"), 0, D("0.00"))  # 10.00 + 20.00 + 30.50


def test_oracle_a_held_payment_counts_once_approved(li_ming, son, clerk, reviewer):
    credit(li_ming.account, "5000.00")
    held = receive(li_ming, son, "5000.00", operator=clerk)
    assert held.status == PaymentStatus.HELD
    assert page() == (0, D("0.00"), 0, D("0.00"))
    payment_approve(payment=held, operator=reviewer)
    assert page() == (1, D("5000.00"), 0, D("0.00"))


def test_oracle_a_reversal_takes_its_payment_away(li_ming, son, clerk, reviewer):
    payment = receive(li_ming, son, "100.00", operator=clerk, sid="R-1")
    receive(li_ming, son, "30.00", operator=clerk, sid="R-2")
    assert page() == (2, D("130.00"), 0, D("0.00"))
    reversal = reversal_request(payment=payment, reason="重复", operator=clerk)
    assert page() == (2, D("130.00"), 0, D("0.00"))  # requested only
    reversal_approve(reversal=reversal, operator=reviewer)
    assert page() == (1, D("30.00"), 0, D("0.00"))


def test_oracle_a_transfer_counts_a_spending_of_it_changes_nothing(li_ming, son, clerk):
    """The transfer is the use (the grantor's money leaving the account); spending
    from the wallet is the beneficiary's and no sharing use of its own."""
    accept(transfer(li_ming, son, "300.00", operator=clerk))
    assert page() == (0, D("0.00"), 1, D("300.00"))
    spend(son, "40.00", "S-1")
    assert page() == (0, D("0.00"), 1, D("300.00"))


def test_oracle_a_transfer_never_accepted_is_taken_away_at_its_cut_off(li_ming, son, clerk):
    transfer(li_ming, son, "50.00", operator=clerk)
    assert page() == (0, D("0.00"), 1, D("50.00"))
    wallet_transfers_return_unaccepted(operator=None, now=local(2025, 3, 12))
    assert page() == (0, D("0.00"), 0, D("0.00"))


def test_oracle_a_payment_written_by_raw_sql_is_counted(li_ming, son, clerk):
    """A payment and its entry written past the services (an INSERT of each, as a
    repair script or a bulk load would) count like any other: 100.00 + 25.00."""
    posted = receive(li_ming, son, "100.00", operator=clerk, sid="RAW-0")
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO accounts_ledgerentry (account_id, wallet_id, sequence, kind, amount,
                balance_after, idempotency_key, reference, counterpart_id, use, scope,
                institution_code, institution_name, memo, occurred_at, value_date,
                created_at, created_by_id)
            SELECT account_id, wallet_id, sequence + 1, kind, -25.00, balance_after - 25,
                'RAW-1', reference, counterpart_id, use, scope, institution_code,
                institution_name, memo, occurred_at, value_date, now(), created_by_id
            FROM accounts_ledgerentry WHERE id = %s RETURNING id""",
            [posted.ledger_entry_id],
        )
        (entry,) = cursor.fetchone()
        cursor.execute(
            """INSERT INTO transfers_sharingpayment (settlement_id, settled_at,
                institution_code, institution_name, use, amount, ledger_entry_id, note,
                created_at, created_by_id, reviewed_at, reviewed_by_id, grantor_id,
                beneficiary_id, account_id, agreement_id, scope, grantor_region_id, status,
                hold_reasons, reject_reason)
            SELECT 'RAW-1', settled_at, institution_code, institution_name, use, 25.00, %s,
                note, now(), created_by_id, reviewed_at, reviewed_by_id, grantor_id,
                beneficiary_id, account_id, agreement_id, scope, grantor_region_id, status,
                hold_reasons, reject_reason
            FROM transfers_sharingpayment WHERE id = %s""",
            [entry, posted.pk],
        )
    assert page() == (2, D("125.00"), 0, D("0.00"))


@pytest.mark.django_db(transaction=True)
def test_oracle_concurrent_postings_lose_no_use(li_ming, son, clerk):
    """Eight counters post ¥50.00 each at once (real threads, own connections): the
    summary holds 8 uses and ¥400.00, as the ledger does."""
    rules = HoldRules.current()
    rules.daily_payments_per_beneficiary = 20  # none held for the day's count
    rules.save()
    outcomes = run_at_once(
        *[
            lambda i=i: receive(li_ming, son, "50.00", operator=clerk, sid=f"C-{i}")
            for i in range(8)
        ]
    )
    assert [getattr(o, "status", o) for o in outcomes] == [PaymentStatus.POSTED] * 8
    assert page() == (8, D("400.00"), 0, D("0.00"))
    call_command("verify_statistics", stdout=StringIO())
    out = StringIO()
    call_command("verify_statistics", "--compact", stdout=out)  # value date in the past
    assert StatisticsDay.objects.get().uses == 8  # one row: one day, one key
    assert page() == (8, D("400.00"), 0, D("0.00"))
    assert "statistics verified" in out.getvalue()


def test_verify_statistics_names_a_summary_row_changed_behind_the_triggers(li_ming, son, clerk):
    receive(li_ming, son, "100.00", operator=clerk)
    out = StringIO()
    call_command("verify_statistics", stdout=out)
    assert "statistics verified" in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reports_statisticsday SET amount = amount + 1")
    errors = StringIO()
    with pytest.raises(CommandError, match="disagree"):
        call_command("verify_statistics", stderr=errors)
    assert "total (): summary" in errors.getvalue()


@pytest.mark.django_db
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=STEPS)
def test_any_sequence_of_postings_and_reversals_keeps_the_summary_equal_to_the_records(
    steps, li_ming, son, clerk, reviewer
):
    rules = HoldRules.current()
    rules.amount_threshold = Decimal("200.00")  # so that holds and approvals happen
    rules.save()
    with transaction.atomic():
        for i, (op, n) in enumerate(steps):
            try:
                with transaction.atomic():
                    _step(i, op, n, li_ming, son, clerk, reviewer)
            except DomainError:
                pass  # a refusal leaves everything as it was
            assert sharing_statistics(**EVER) == sharing_statistics_live(**EVER)
        transaction.set_rollback(True)
