"""Reversal (冲正) of a posted sharing payment: requested by a clerk, approved by a reviewer."""

from django.db import IntegrityError, transaction

from accounts.models import EntryKind
from accounts.scope import require_can_act
from accounts.services.ledger import ledger_lock, ledger_post
from core.review import review_not_own, review_permitted, review_reason, review_record
from transfers.errors import PaymentNotPosted, ReversalAlreadyRequested, ReversalNotRequested
from transfers.models import PaymentStatus, Reversal, ReversalStatus, SharingPayment

from .payments import payment_entry_details

REVIEW_PERMISSION = "transfers.review_reversal"


def reversal_request(*, payment: SharingPayment, reason: str, operator) -> Reversal:
    """Ask for a posted payment to be reversed. Nothing is posted yet.

    Raises ``ReasonRequired``, ``PaymentNotPosted``, ``ReversalAlreadyRequested``
    (a payment is reversed at most once; the database holds the same line).
    """
    reason = review_reason(reason)
    try:
        with transaction.atomic():
            locked = SharingPayment.objects.select_for_update().get(pk=payment.pk)
            if locked.status != PaymentStatus.POSTED:
                raise PaymentNotPosted(status=locked.get_status_display())
            if locked.reversals.exclude(status=ReversalStatus.REJECTED).exists():
                raise ReversalAlreadyRequested()
            return Reversal.objects.create(
                payment=locked,
                grantor_id=locked.grantor_id,
                beneficiary_id=locked.beneficiary_id,
                reason=reason,
                requested_by=operator,
            )
    except IntegrityError:
        raise ReversalAlreadyRequested() from None


def _lock_requested(reversal: Reversal, operator) -> Reversal:
    """The review's preconditions in ``core.review``'s order: the permission, then,
    locking the account then the reversal (every service's order), that it waits
    and that the reviewer did not request it."""
    review_permitted(operator, REVIEW_PERMISSION)
    require_can_act(operator, reversal)
    ledger_lock(reversal.payment.account)
    locked = Reversal.objects.select_for_update().select_related("payment").get(pk=reversal.pk)
    if locked.status != ReversalStatus.REQUESTED:
        raise ReversalNotRequested(status=locked.get_status_display())
    review_not_own(locked, operator, entered_by="requested_by")
    return locked


def reversal_approve(*, reversal: Reversal, operator) -> Reversal:
    """Post the compensating entry: the payment's amount back to the grantor's account.

    Raises ``NotAReviewer``, ``ReversalNotRequested``, ``ReviewerIsCreator``; the ledger refuses
    (``AlreadyReversed``) a second reversal of the same entry.
    Writes one ``reversal`` credit that ``reverses`` the payment's entry; the
    payment becomes reversed.
    """
    with transaction.atomic():
        locked = _lock_requested(reversal, operator)
        payment = SharingPayment.objects.select_for_update().get(pk=locked.payment_id)
        original = payment.ledger_entry
        entry = ledger_post(
            holder=payment.account,
            kind=EntryKind.REVERSAL,
            amount=payment.amount,
            idempotency_key=f"reversal:{payment.settlement_id}",
            operator=operator,
            reverses=original,
            memo=locked.reason,
            **payment_entry_details(payment),
        )
        review_record(locked, operator=operator, ledger_entry=entry, status=ReversalStatus.APPROVED)
        payment.status = PaymentStatus.REVERSED
        payment.save(update_fields=["status"])
    return locked


def reversal_reject(*, reversal: Reversal, operator, reason: str) -> Reversal:
    """Refuse a requested reversal with a reason; the payment stays posted.

    Raises ``ReasonRequired``, ``NotAReviewer``, ``ReversalNotRequested``,
    ``ReviewerIsCreator``.
    """
    reason = review_reason(reason)
    with transaction.atomic():
        locked = _lock_requested(reversal, operator)
        review_record(locked, operator=operator, status=ReversalStatus.REJECTED, review_note=reason)
    return locked
