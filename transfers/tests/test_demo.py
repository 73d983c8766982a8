"""``manage.py load_demo``: every transfers screen has data, and running it again is safe."""

import io

from django.core.management import call_command
from django.utils import timezone

from accounts.selectors import ledger_mismatches
from transfers.models import PaymentStatus, Reversal, ReversalStatus, SharingPayment, WalletTransfer
from transfers.selectors import wallet_mismatches


def test_demo_data_runs_twice_and_fills_every_transfers_screen(db):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())

    statuses = sorted(SharingPayment.objects.values_list("status", flat=True))
    assert statuses == [PaymentStatus.HELD] + [PaymentStatus.POSTED] * 3
    assert Reversal.objects.get().status == ReversalStatus.REQUESTED
    assert WalletTransfer.objects.count() == 1
    year = timezone.localdate().year  # the default statement period is this year
    assert {p.settled_at.year for p in SharingPayment.objects.all()} == {year}
    assert ledger_mismatches() == []
    assert wallet_mismatches() == []
