"""A settlement file's write from what its check pass kept: the statements of a
chunk do not grow with its rows, and what changes between the check and the write
(a 结算ID received at the counter, an agreement ended) is checked again."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import EndReason, EntryKind, LedgerEntry
from accounts.selectors import ledger_mismatches
from accounts.services.agreements import agreement_end
from transfers.models import SharingPayment

from .factories import balance, receive, settlement_row
from .test_settlement_batches import run


def statements_of_confirm(rows, operator) -> int:
    with CaptureQueriesContext(connection) as queries:
        report = run(rows, operator, chunk=len(rows))
    assert report.written, report.errors
    return len(queries)


def test_the_statements_of_a_chunk_do_not_grow_with_its_rows(
    li_ming, li_xiaoming, son_agreement, supervisor
):
    def day(n, rows):  # one day each: each file posts five and holds the rest
        at = f"2025-03-{n} 09:30:00"
        return [settlement_row(li_ming, li_xiaoming, f"{n}-{i}", "0.01", at=at) for i in rows]

    statements_of_confirm(day(10, range(1)), supervisor)  # what a first import reads once
    small = statements_of_confirm(day(11, range(60)), supervisor)
    assert small == statements_of_confirm(day(12, range(180)), supervisor)
    # Counted by hand: 241 payments of ¥0.01; five a day post, the rest are held.
    assert SharingPayment.objects.count() == 241
    assert LedgerEntry.objects.filter(kind=EntryKind.SHARING_PAYMENT).count() == 11
    assert ledger_mismatches() == []


def test_a_settlement_received_at_the_counter_between_check_and_write_posts_once(
    li_ming, li_xiaoming, son_agreement, supervisor, clerk
):
    rows = [settlement_row(li_ming, li_xiaoming, f"JS-{i}", "10.00") for i in range(1, 4)]

    def progress(stage, done, total):
        if stage == "rows" and done == total:  # checked, not yet written
            receive(li_ming, li_xiaoming, "10.00", operator=clerk, sid="JS-2")

    report = run(rows, supervisor, chunk=3, progress=progress)
    assert report.written, report.errors
    assert SharingPayment.objects.filter(settlement_id="JS-2").count() == 1
    assert SharingPayment.objects.count() == 3
    assert balance(li_ming) == Decimal("470.00")  # 500 − 3 × 10, JS-2 once
    assert ledger_mismatches() == []


def test_an_agreement_ended_between_check_and_write_refuses_the_row_and_writes_nothing(
    li_ming, li_xiaoming, son_agreement, supervisor, clerk
):
    today = f"{timezone.localdate():%Y-%m-%d} 00:00:01"
    rows = [settlement_row(li_ming, li_xiaoming, f"JS-{i}", "10.00", at=today) for i in range(1, 4)]

    def progress(stage, done, total):
        if stage == "rows" and done == total:
            agreement_end(
                agreement=son_agreement,
                requested_by=EndReason.GRANTOR_REQUEST,
                reason="本人申请",
                operator=clerk,
            )

    report = run(rows, supervisor, chunk=3, progress=progress)
    assert not report.written
    (error,) = report.errors
    assert error.row == 2
    assert "没有 李明 对 李小明 的生效共济关系" in error.message
    assert SharingPayment.objects.count() == 0
    assert balance(li_ming) == Decimal("500.00")


def test_payments_copied_in_bulk_are_in_the_audit_trail_naming_the_importer(
    li_ming, li_xiaoming, son_agreement, supervisor
):
    rows = [settlement_row(li_ming, li_xiaoming, f"T-{i}", "0.01") for i in range(60)]
    report = run(rows, supervisor, chunk=60)  # 60 rows: above COPY_FROM_ROWS
    assert report.written, report.errors
    inserts = SharingPayment.pgh_event_model.objects.filter(pgh_label="insert")
    assert inserts.count() == 60
    assert {e.pgh_context["user"] for e in inserts} == {supervisor.pk}
