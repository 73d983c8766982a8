"""Demo sharing payments, a held payment, a wallet transfer and a reversal request.

Called by ``manage.py load_demo`` after the demo persons and agreements, so that
someone trying ``bin/serve`` finds every list, review queue, receipt and
statement with data. Everything goes through the services, as at the counter.
Dates fall in the current year (the default statement period) and before now;
each record is made once per year (numbers carry the year), so running the
command again changes nothing.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accounts.models import EntryKind, InsuredPerson, Use
from accounts.services.ledger import ledger_post
from transfers.models import Reversal, SharingPayment, WalletTransfer
from transfers.services.payments import settlement_receive
from transfers.services.reversals import reversal_request
from transfers.services.wallets import wallet_transfer_accept, wallet_transfer_create

HOSPITAL = {"institution_code": "H32050000012", "institution_name": "苏州市立医院"}
PHARMACY = {"institution_code": "P32050000031", "institution_name": "雷允上药店"}

# number (after the year), days ago, use, institution, amount. 5200.00 is over the
# default hold threshold (¥5,000), so that payment waits in the review queue.
DEMO_SETTLEMENTS = [
    ("0001", 40, Use.MEDICAL, HOSPITAL, "120.00"),
    ("0002", 25, Use.PHARMACY, PHARMACY, "45.50"),
    ("0003", 10, Use.MEDICAL, HOSPITAL, "300.00"),
    ("0004", 3, Use.MEDICAL, HOSPITAL, "5200.00"),
]
# This year's credit of the grantor: enough for the payments and the held one.
DEMO_CREDIT = Decimal("8000.00")


def demo_transfers_load(
    *, grantor: InsuredPerson, beneficiary: InsuredPerson, clerk, acceptor
) -> None:
    """The grantor's year: a credit, four settlements (one held), a reversal request
    on the pharmacy bill, and an accepted transfer into the beneficiary's wallet
    (accepted by ``acceptor``: never the user who entered it)."""
    year = timezone.localdate().year
    ledger_post(
        holder=grantor.account,
        kind=EntryKind.CREDIT,
        amount=DEMO_CREDIT,
        idempotency_key=f"demo-credit-{year}-{grantor.pk}",
        operator=clerk,
        memo=f"演示数据：{year}年划入",
    )
    payments = {}
    for number, days_ago, use, institution, amount in DEMO_SETTLEMENTS:
        settlement_id = f"DEMO-JS{year}{number}"
        payments[number] = SharingPayment.objects.filter(
            settlement_id=settlement_id
        ).first() or settlement_receive(
            settlement_id=settlement_id,
            settled_at=_days_ago(days_ago),
            use=use,
            **institution,
            beneficiary_id_number=beneficiary.id_number,
            grantor_id_number=grantor.id_number,
            amount=amount,
            operator=clerk,
        )
    if not Reversal.objects.filter(payment=payments["0002"]).exists():
        reversal_request(payment=payments["0002"], reason="演示：药店重复上传", operator=clerk)
    number = f"DEMO-WT{year}0001"
    if not WalletTransfer.objects.filter(transfer_number=number).exists():
        transfer = wallet_transfer_create(
            transfer_number=number,
            transferred_at=_days_ago(15),
            sender_id_number=grantor.id_number,
            recipient_id_number=beneficiary.id_number,
            amount="200.00",
            operator=clerk,
        )
        # Accepted at once, beside the sender at the counter (before its cut-off).
        wallet_transfer_accept(transfer=transfer, operator=acceptor, now=transfer.transferred_at)


def _days_ago(days: int) -> dt.datetime:
    """10:00 local that many days ago (outside the wallet's quiet hours), kept
    inside the current year and never after now."""
    now = timezone.localtime()
    day = max(now.date() - dt.timedelta(days=days), now.date().replace(month=1, day=1))
    return min(now, timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0))))
