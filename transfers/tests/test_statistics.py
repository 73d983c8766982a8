"""What the reports page counts of this app's postings (scenarios 1 and 6): one use
per posted payment or accepted transfer, nothing that was reversed or never accepted."""

import datetime as dt
from decimal import Decimal

from accounts.models import Scope, Use
from accounts.selectors import sharing_statistics
from transfers.services.reversals import reversal_approve, reversal_request
from transfers.services.wallets import wallet_transfers_return_unaccepted

from .factories import local
from .test_payments import receive
from .test_wallets import transfer

MARCH = {"start": dt.date(2025, 3, 1), "end": dt.date(2025, 3, 31)}


def table(dimension):
    return {row.key: row for row in sharing_statistics(**MARCH)[dimension]}


def test_scenario_1_one_use_of_100_under_same_region_and_medical(
    li_ming, li_xiaoming, son_agreement, clerk
):
    receive(li_ming, li_xiaoming, "100.00", operator=clerk)
    (total,) = sharing_statistics(**MARCH)["total"]
    assert (total.uses, total.amount) == (1, Decimal("100.00"))
    same_region = table("scope")[(Scope.SAME_REGION,)]
    medical = table("use")[(Use.MEDICAL,)]
    assert (same_region.uses, same_region.amount) == (1, Decimal("100.00"))
    assert (medical.uses, medical.amount) == (1, Decimal("100.00"))


def test_reversed_payments_and_unaccepted_transfers_are_not_counted(
    li_ming, li_xiaoming, son_agreement, clerk, reviewer
):
    payment = receive(li_ming, li_xiaoming, "100.00", operator=clerk, sid="R-1")
    receive(li_ming, li_xiaoming, "30.00", operator=clerk, sid="R-2")
    reversal_approve(
        reversal=reversal_request(payment=payment, reason="重复", operator=clerk),
        operator=reviewer,
    )
    transfer(li_ming, li_xiaoming, "50.00", operator=clerk)
    wallet_transfers_return_unaccepted(operator=None, now=local(2025, 3, 12))
    (total,) = sharing_statistics(**MARCH)["total"]
    assert (total.payments, total.payments_amount) == (1, Decimal("30.00"))
    assert (total.transfers, total.transfers_amount) == (0, Decimal("0.00"))
