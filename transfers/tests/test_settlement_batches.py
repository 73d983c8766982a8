"""Settlement files in batches: the preview lists the holds the write makes, a file
sent again after a partial write posts each row once, and a running import leaves
the counter free between its chunks."""

import threading
import time
from decimal import Decimal

import pytest

from accounts.selectors import ledger_mismatches
from core.importing import import_run
from core.tests.files import csv_file
from transfers.imports import SettlementsImport
from transfers.models import HoldReason, PaymentStatus, SharingPayment
from transfers.services.holds import hold_rules_update

from .factories import SETTLEMENT_HEADER, balance, local, receive, settlement_row


def run(rows, operator, *, dry_run=False, chunk=1000, progress=None):
    return import_run(
        SettlementsImport(),
        csv_file([SETTLEMENT_HEADER, *rows], "utf-8"),
        filename="s.csv",
        operator=operator,
        dry_run=dry_run,
        progress_every=chunk,
        progress=progress,
    )


def test_oracle_preview_lists_exactly_the_holds_the_write_makes(
    li_ming, li_xiaoming, son_agreement, supervisor
):
    hold_rules_update(operator=supervisor, amount_threshold=Decimal("100.00"))
    # By hand, with the default daily number 5: JS-1..5 post; JS-6 is the 6th of
    # the day (held); JS-7 is the 7th and at the threshold (held, both reasons).
    rows = [settlement_row(li_ming, li_xiaoming, f"JS-{i}", "10.00") for i in range(1, 7)]
    rows.append(settlement_row(li_ming, li_xiaoming, "JS-7", "100.00"))
    # Chunks of 2 rows: the day's count runs across chunks, in the preview and the write.
    preview = run(rows, supervisor, dry_run=True, chunk=2)
    assert preview.accepted, preview.errors
    held_in_preview = {
        p.summary.split("：")[0] for p in preview.planned if "挂起待复核" in p.summary
    }
    assert held_in_preview == {"JS-6", "JS-7"}
    report = run(rows, supervisor, chunk=2)
    assert report.written, report.errors
    held = dict(
        SharingPayment.objects.filter(status=PaymentStatus.HELD).values_list(
            "settlement_id", "hold_reasons"
        )
    )
    assert set(held) == held_in_preview
    assert held["JS-7"] == [HoldReason.AMOUNT, HoldReason.DAILY_COUNT]
    assert balance(li_ming) == Decimal("450.00")  # 500 − 5 × 10 posted
    assert ledger_mismatches() == []


def test_a_file_sent_again_after_a_partial_write_posts_each_row_once(
    li_ming, li_xiaoming, son_agreement, supervisor
):
    rows = [settlement_row(li_ming, li_xiaoming, f"JS-{i}", "10.00") for i in range(1, 5)]
    assert run(rows[:2], supervisor, chunk=1).written  # as if stopped after two chunks
    report = run(rows, supervisor, chunk=1)
    assert report.written and (report.created, report.skipped) == (2, 2)
    assert SharingPayment.objects.count() == 4
    assert balance(li_ming) == Decimal("460.00")
    assert ledger_mismatches() == []


@pytest.mark.django_db(transaction=True)
def test_a_counter_settlement_waits_at_most_a_second_for_a_running_import(
    li_ming, li_xiaoming, son_agreement, supervisor, clerk
):
    rows = [settlement_row(li_ming, li_xiaoming, f"F-{i}", "0.01") for i in range(1, 2401)]
    writing, results = threading.Event(), {}

    def progress(stage, done, total):
        if stage == "write":
            writing.set()

    def importing():
        try:
            results["report"] = run(rows, supervisor, chunk=200, progress=progress)
        finally:
            from django.db import connection

            connection.close()

    worker = threading.Thread(target=importing)
    worker.start()
    assert writing.wait(timeout=300), "the import never reached its writing"
    start = time.perf_counter()
    # The next day, so that the file's rows do not make the day's count hold it.
    payment = receive(
        li_ming, li_xiaoming, "1.00", operator=clerk, sid="COUNTER", settled_at=local(2025, 3, 11)
    )
    waited = time.perf_counter() - start
    alive = worker.is_alive()
    worker.join()
    assert alive, "the import ended before the counter posted: the test proved nothing"
    assert payment.status == PaymentStatus.POSTED
    assert waited < 1.5, f"the counter waited {waited:.2f} s"
    assert results["report"].written, results["report"].errors
    assert SharingPayment.objects.count() == 2401
    assert ledger_mismatches() == []


def test_oracle_a_files_payments_name_their_own_entries(
    li_ming, li_xiaoming, son_agreement, supervisor
):
    """A file's payments and entries go to COPY as rows (no model built): each posted
    payment names the entry keyed by its 结算ID, of its amount, after the balance
    counted by hand (500.00 opening: −10.00, −20.00; JS-3 at the 100.00 threshold
    is held and names none); a held one reserves without an entry."""
    hold_rules_update(operator=supervisor, amount_threshold=Decimal("100.00"))
    rows = [
        settlement_row(li_ming, li_xiaoming, "JS-1", "10.00"),
        settlement_row(li_ming, li_xiaoming, "JS-2", "20.00"),
        settlement_row(li_ming, li_xiaoming, "JS-3", "100.00"),
    ]
    report = run(rows, supervisor, chunk=2)
    assert report.written, report.errors
    payments = {p.settlement_id: p for p in SharingPayment.objects.select_related("ledger_entry")}
    one, two, held = payments["JS-1"].ledger_entry, payments["JS-2"].ledger_entry, payments["JS-3"]
    assert (one.idempotency_key, one.amount, one.balance_after) == (
        "settlement:JS-1",
        Decimal("-10.00"),
        Decimal("490.00"),
    )
    assert (two.idempotency_key, two.amount, two.balance_after) == (
        "settlement:JS-2",
        Decimal("-20.00"),
        Decimal("470.00"),
    )
    assert one.account_id == two.account_id == payments["JS-1"].account_id
    assert held.status == PaymentStatus.HELD and held.ledger_entry is None
    assert payments["JS-1"].created_by == supervisor and payments["JS-1"].created_at
    assert balance(li_ming) == Decimal("470.00")
    assert ledger_mismatches() == []


def test_a_preview_makes_the_lines_of_the_rows_it_keeps_only(
    li_ming, li_xiaoming, son_agreement, supervisor, monkeypatch
):
    """The preview keeps the first ``PLANNED_KEPT`` rows' lines (the counts cover
    all); the others' lines are not made: at 100,000 rows they were made to be
    thrown away. Counted by hand: 4 rows, 2 kept, 2 lines made."""
    import core.importing
    import transfers.imports

    made = []
    real = transfers.imports._settlement_summary

    def counted(*args):
        made.append(args[1].key)
        return real(*args)

    monkeypatch.setattr(core.importing, "PLANNED_KEPT", 2)
    monkeypatch.setattr(transfers.imports, "_settlement_summary", counted)
    rows = [settlement_row(li_ming, li_xiaoming, f"JS-{i}", "10.00") for i in range(1, 5)]
    preview = run(rows, supervisor, dry_run=True)
    assert preview.accepted and preview.created == 4
    assert [p.summary.split("：")[0] for p in preview.planned] == ["JS-1", "JS-2"]
    assert made == ["JS-1", "JS-2"]
