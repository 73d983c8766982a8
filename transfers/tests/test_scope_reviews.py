"""Regional scope in the services that decide (not only in the admin's pages): a
reviewer or clerk of another region may not approve, reject, accept or refuse."""

from decimal import Decimal

import pytest

from accounts.scope import OutOfScope
from accounts.tests.factories import make_user
from transfers.models import PaymentStatus, TransferStatus
from transfers.services.payments import payment_approve, payment_reject
from transfers.services.reversals import reversal_approve, reversal_request
from transfers.services.wallets import wallet_transfer_accept, wallet_transfer_refuse

from .factories import balance, receive, transfer

NANYANG = "411300"  # 南阳市 (河南省): outside 苏州市's region and province


def test_a_reviewer_of_another_region_cannot_decide_a_held_payment(
    clerk, li_ming, li_xiaoming, son_agreement
):
    held = receive(li_ming, li_xiaoming, "100.00", operator=clerk, manual=True)
    assert held.status == PaymentStatus.HELD
    elsewhere = make_user("reviewer", region=NANYANG)
    with pytest.raises(OutOfScope):
        payment_approve(payment=held, operator=elsewhere)
    with pytest.raises(OutOfScope):
        payment_reject(payment=held, operator=elsewhere, reason="不符")
    held.refresh_from_db()
    assert held.status == PaymentStatus.HELD and balance(li_ming) == Decimal("500.00")
    payment_approve(payment=held, operator=make_user("reviewer"))  # 苏州市's reviewer
    assert balance(li_ming) == Decimal("400.00")


def test_a_reviewer_of_another_region_cannot_approve_a_reversal(
    clerk, reviewer, li_ming, li_xiaoming, son_agreement
):
    payment = receive(li_ming, li_xiaoming, "100.00", operator=clerk)
    reversal = reversal_request(payment=payment, reason="重复结算", operator=clerk)
    with pytest.raises(OutOfScope):
        reversal_approve(reversal=reversal, operator=make_user("reviewer", region=NANYANG))
    assert balance(li_ming) == Decimal("400.00")
    reversal_approve(reversal=reversal, operator=reviewer)
    assert balance(li_ming) == Decimal("500.00")


def test_a_clerk_of_another_region_cannot_accept_or_refuse_a_transfer(
    clerk, li_ming, li_xiaoming, son_agreement
):
    sent = transfer(li_ming, li_xiaoming, "100.00", operator=clerk)
    elsewhere = make_user("clerk", region=NANYANG)
    with pytest.raises(OutOfScope):
        wallet_transfer_accept(transfer=sent, operator=elsewhere, now=sent.transferred_at)
    with pytest.raises(OutOfScope):
        wallet_transfer_refuse(transfer=sent, operator=elsewhere)
    sent.refresh_from_db()
    assert sent.status == TransferStatus.PENDING
