"""Reversal (冲正): a posted payment undone by a compensating entry, once."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction

from accounts.errors import ReversalOfReversal
from accounts.models import EntryKind, LedgerEntry
from accounts.selectors import ledger_mismatches
from accounts.services.ledger import ledger_post
from accounts.tests.factories import credit, make_user
from core.errors import ReasonRequired
from core.review import NotAReviewer, ReviewerIsCreator
from transfers.errors import (
    PaymentNotPosted,
    ReversalAlreadyRequested,
    ReversalNotRequested,
)
from transfers.models import PaymentStatus, Reversal, ReversalStatus
from transfers.services.reversals import reversal_approve, reversal_reject, reversal_request

from .factories import balance, receive


@pytest.fixture
def posted(li_ming, li_xiaoming, son_agreement, clerk):
    return receive(li_ming, li_xiaoming, "100.00", operator=clerk)


def test_scenario_6_reversal_restores_balance_and_statement_shows_both(
    posted, li_ming, clerk, reviewer
):
    reversal = reversal_request(payment=posted, reason="医院重复上传", operator=clerk)
    assert balance(li_ming) == Decimal("400.00")
    reversal = reversal_approve(reversal=reversal, operator=reviewer)
    assert reversal.status == ReversalStatus.APPROVED
    assert balance(li_ming) == Decimal("500.00")
    posted.refresh_from_db()
    assert posted.status == PaymentStatus.REVERSED
    kinds = list(LedgerEntry.objects.filter(account=li_ming.account).values_list("kind", "amount"))
    assert kinds[-2:] == [
        (EntryKind.SHARING_PAYMENT, Decimal("-100.00")),
        (EntryKind.REVERSAL, Decimal("100.00")),
    ]
    assert reversal.ledger_entry.reverses == posted.ledger_entry
    assert ledger_mismatches() == []


def test_oracle_a_reversal_carries_its_payments_parties(posted, li_ming, li_xiaoming, clerk):
    """李明 paid 李小明: the reversal names them, and the database refuses one without."""
    reversal = reversal_request(payment=posted, reason="医院重复上传", operator=clerk)
    reversal.refresh_from_db()
    assert (reversal.grantor, reversal.beneficiary) == (li_ming, li_xiaoming)
    with pytest.raises(IntegrityError, match="reversal_has_parties"), transaction.atomic():
        Reversal.objects.filter(pk=reversal.pk).update(beneficiary=None)


def test_payment_reversed_at_most_once(posted, clerk, reviewer):
    reversal = reversal_request(payment=posted, reason="错误", operator=clerk)
    with pytest.raises(ReversalAlreadyRequested):
        reversal_request(payment=posted, reason="again", operator=clerk)
    reversal_approve(reversal=reversal, operator=reviewer)
    with pytest.raises(PaymentNotPosted):
        reversal_request(payment=posted, reason="again", operator=clerk)
    with pytest.raises(ReversalNotRequested):
        reversal_approve(reversal=reversal, operator=make_user("reviewer"))
    assert ledger_mismatches() == []


def test_reversal_is_never_reversed(posted, clerk, reviewer):
    reversal = reversal_approve(
        reversal=reversal_request(payment=posted, reason="错误", operator=clerk), operator=reviewer
    )
    with pytest.raises(ReversalOfReversal):
        ledger_post(
            holder=posted.account,
            kind=EntryKind.REVERSAL,
            amount=Decimal("-100.00"),
            idempotency_key="reverse-the-reversal",
            operator=reviewer,
            reverses=reversal.ledger_entry,
        )


def test_requester_cannot_approve_and_rejection_needs_reason(posted, clerk, reviewer):
    reversal = reversal_request(payment=posted, reason="错误", operator=clerk)
    with pytest.raises(NotAReviewer):
        reversal_approve(reversal=reversal, operator=clerk)
    clerk.user_permissions.add(Permission.objects.get(codename="review_reversal"))
    clerk = type(clerk).objects.get(pk=clerk.pk)  # a fresh user: permissions are cached
    with pytest.raises(ReviewerIsCreator):
        reversal_approve(reversal=reversal, operator=clerk)
    with pytest.raises(ReasonRequired):
        reversal_reject(reversal=reversal, reason="", operator=reviewer)
    rejected = reversal_reject(reversal=reversal, reason="结算无误", operator=reviewer)
    assert (rejected.status, rejected.review_note) == (ReversalStatus.REJECTED, "结算无误")
    # After a rejection a new request may be made.
    assert reversal_request(payment=posted, reason="再次核对有误", operator=clerk).pk


def test_request_needs_reason_and_a_posted_payment(
    li_ming, li_xiaoming, son_agreement, clerk, posted
):
    with pytest.raises(ReasonRequired):
        reversal_request(payment=posted, reason="  ", operator=clerk)
    credit(li_ming.account, "5000.00")
    held = receive(li_ming, li_xiaoming, "5000.00", operator=clerk, sid="big")
    with pytest.raises(PaymentNotPosted):
        reversal_request(payment=held, reason="错误", operator=clerk)
