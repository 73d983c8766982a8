"""The review of held wallet spendings: a second person posts or rejects what the
hold rule held (``wallets.wallet_spend``), as for held payments from an account
(``payments.payment_approve``), in ``core.review``'s shape and order.

While held, the spending's money is already taken from its transfers' ``unspent``
(``taken_from``): approving posts the wallet's debit and nothing else; rejecting
gives the money back to those transfers, or, where the agreement of a transfer
ended meanwhile, back to the grantor's account, as the end would have done.
"""

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from accounts.models import AgreementStatus, EntryKind
from accounts.scope import require_can_act
from accounts.services.ledger import ledger_lock, ledger_post
from core.audit import audit_as
from core.review import review_not_own, review_permitted, review_reason, review_record
from transfers.errors import NotHeld
from transfers.models import (
    PaymentStatus,
    ReturnReason,
    TransferStatus,
    WalletSpending,
    WalletTransfer,
)

from .payments import REVIEW_PERMISSION
from .wallets import spending_post


def _lock_held(spending: WalletSpending, operator) -> tuple[WalletSpending, dict]:
    """The review's preconditions, then the locks in the ledger's order (the
    grantors' accounts of the transfers it took from, the wallet), the spending
    and those transfers (by id). Returns the spending and its transfers by id."""
    review_permitted(operator, REVIEW_PERMISSION)
    require_can_act(operator, spending)
    ids = [transfer_id for transfer_id, _amount in spending.taken_from]
    transfers = WalletTransfer.objects.filter(pk__in=ids).select_related("account")
    ledger_lock(*(t.account for t in transfers), spending.wallet)
    locked = WalletSpending.objects.select_for_update().select_related("wallet").get(pk=spending.pk)
    if locked.status != PaymentStatus.HELD:
        raise NotHeld(status=locked.get_status_display())
    review_not_own(locked, operator)
    sources = WalletTransfer.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return locked, {t.pk: t for t in sources.select_related("agreement")}


def wallet_spending_approve(*, spending: WalletSpending, operator) -> WalletSpending:
    """Post a held spending: the wallet's debit, keyed by its 结算ID. Its money
    was reserved, so the wallet covers it.

    Raises ``NotAReviewer``, ``OutOfScope``, ``NotHeld`` (already decided:
    concurrent reviewers post once), ``ReviewerIsCreator``.
    """
    with transaction.atomic():
        locked, _sources = _lock_held(spending, operator)
        review_record(
            locked,
            operator=operator,
            ledger_entry=spending_post(locked, operator),
            status=PaymentStatus.POSTED,
        )
    return locked


def wallet_spending_reject(*, spending: WalletSpending, operator, reason: str) -> WalletSpending:
    """Reject a held spending with a reason: nothing is posted and its money is
    released, to the transfers it was taken from (``_release``).

    Raises ``ReasonRequired``, ``NotAReviewer``, ``OutOfScope``, ``NotHeld``,
    ``ReviewerIsCreator``.
    """
    reason = review_reason(reason)
    with transaction.atomic(), audit_as(operator):  # the released transfers too
        locked, sources = _lock_held(spending, operator)
        for transfer_id, amount in locked.taken_from:
            _release(sources[transfer_id], Decimal(amount), locked, operator)
        review_record(
            locked, operator=operator, status=PaymentStatus.REJECTED, reject_reason=reason
        )
    return locked


def _release(transfer: WalletTransfer, amount: Decimal, spending, operator) -> None:
    """Give ``amount`` back to ``transfer`` (locked). Its agreement still in force:
    spendable again. Ended meanwhile (the end returned only the unreserved money):
    it goes back to the grantor's account now, and the transfer is returned."""
    in_force = transfer.agreement.status == AgreementStatus.APPROVED
    if transfer.status == TransferStatus.ACCEPTED and in_force:
        transfer.unspent += amount
        transfer.save(update_fields=["unspent"])
        return
    why = ReturnReason.AGREEMENT_ENDED
    with translation.override(settings.LANGUAGE_CODE):  # printed on statements
        memo = str(why.label)
    posting = {"operator": operator, "reference": transfer.transfer_number, "memo": memo}
    key = f"wallet-release:{spending.settlement_id}:{transfer.pk}"
    ledger_post(
        holder=spending.wallet,
        kind=EntryKind.WALLET_RETURN,
        amount=-amount,
        idempotency_key=f"{key}:wallet",
        counterpart=transfer.sender,
        **posting,
    )
    ledger_post(
        holder=transfer.account,
        kind=EntryKind.WALLET_RETURN,
        amount=amount,
        idempotency_key=f"{key}:account",
        counterpart=transfer.recipient,
        **posting,
    )
    transfer.status = TransferStatus.RETURNED
    transfer.returned_amount = (transfer.returned_amount or Decimal("0.00")) + amount
    transfer.returned_at = transfer.returned_at or timezone.now()
    transfer.return_reason = transfer.return_reason or why
    transfer.save(update_fields=["status", "returned_amount", "returned_at", "return_reason"])
