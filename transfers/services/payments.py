"""Sharing payments: receiving a settlement, and the review of held ones."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.errors import IdempotencyConflict
from accounts.models import EntryKind
from accounts.policy import require_scope_allowed
from accounts.selectors import open_account_of
from accounts.services.ledger import ledger_lock, ledger_post
from core.review import review_not_own, review_permitted, review_reason, review_record
from transfers.errors import (
    GrantorRequired,
    InvalidPaymentSource,
    InvalidSettlementId,
    NotHeld,
    SettlementConflict,
    WalletPaymentNamesGrantor,
)
from transfers.models import (
    PaymentSource,
    PaymentStatus,
    SharingPayment,
    WalletSpending,
)

from .checks import (
    CheckedRow,
    agreement_in_force,
    person_by_id_number,
    regions_on,
    require_active_on,
    require_available,
    require_row_in_scope,
    require_settlement_allowed,
    same_or_conflict,
    settlement_known,
    settlement_raced,
    settlement_values,
    text_key,
)
from .holds import hold_reasons
from .wallets import wallet_spend, wallet_spend_check


def settlement_check(
    *,
    paid_from: str | None = PaymentSource.ACCOUNT,
    grantor_id_number: str | None = "",
    **settlement,
) -> CheckedRow:
    """Check a settlement without writing (an import's preview; the first half of
    ``settlement_receive``, which documents the arguments and the errors).

    A 结算ID received before comes back as ``existing`` when the content is the
    same; with other content ``SettlementConflict`` is raised. The balance is
    checked too, but only ``settlement_receive`` holds the account's (or the
    wallet's) lock.
    """
    if _source(paid_from, grantor_id_number) == PaymentSource.WALLET:
        return wallet_spend_check(**settlement)
    return _account_payment_check(grantor_id_number=grantor_id_number, **settlement)


def _source(paid_from: str | None, grantor_id_number: str | None) -> str:
    """What pays (empty: the grantor's account, as every file without the column
    means), with the grantor that it needs or must not have."""
    source = paid_from or PaymentSource.ACCOUNT
    if source not in PaymentSource.values:
        raise InvalidPaymentSource(value=source)
    named = bool((grantor_id_number or "").strip())
    if source == PaymentSource.WALLET and named:
        raise WalletPaymentNamesGrantor()
    if source == PaymentSource.ACCOUNT and not named:
        raise GrantorRequired()
    return source


def _account_payment_check(
    *,
    settlement_id: str,
    settled_at,
    institution_code: str,
    institution_name: str,
    use: str,
    beneficiary_id_number: str,
    grantor_id_number: str,
    amount,
) -> CheckedRow:
    key = text_key(settlement_id, InvalidSettlementId)
    grantor = person_by_id_number(grantor_id_number, argument="grantor_id_number")
    beneficiary = person_by_id_number(beneficiary_id_number, argument="beneficiary_id_number")
    values = {
        **settlement_values(
            settled_at=settled_at,
            institution_code=institution_code,
            institution_name=institution_name,
            use=use,
            amount=amount,
        ),
        "grantor_id": grantor.pk,
        "beneficiary_id": beneficiary.pk,
    }
    conflict = SettlementConflict(settlement_id=key)
    if existing := settlement_known(SharingPayment, WalletSpending, key, values, conflict):
        return CheckedRow(key=key, values=values, existing=existing)
    on_date = timezone.localdate(values["settled_at"])
    require_settlement_allowed(values, [grantor, beneficiary], on_date)
    # Policy first: where a province's policy blocks the sharing, that is the reason.
    grantor_region, beneficiary_region = regions_on([grantor, beneficiary], on_date)
    scope = require_scope_allowed(grantor_region, beneficiary_region, on_date)
    account = open_account_of(grantor)
    # Enrolment before the agreement: a suspension also ends the agreement, and the
    # suspension is the reason to give.
    require_active_on(beneficiary, on_date)
    agreement = agreement_in_force(grantor, beneficiary, on_date)
    require_available(account, values["amount"], on_date)
    return CheckedRow(
        key, values, None, account, agreement, scope, on_date, beneficiary, grantor_region
    )


def settlement_receive(
    *,
    operator,
    note: str = "",
    paid_from: str | None = PaymentSource.ACCOUNT,
    grantor_id_number: str | None = "",
    manual: bool = False,
    **settlement,
) -> SharingPayment | WalletSpending:
    """Receive one settlement (a file row or a clerk's manual correction).

    Keyword arguments: ``settlement_id``, ``settled_at``, ``institution_code``,
    ``institution_name``, ``use``, ``beneficiary_id_number``, ``grantor_id_number``,
    ``amount``, as the file has them: ``use`` a ``Use`` code or the file's word
    (就医, 购药, 居民医保缴费, 长护险缴费); ``settled_at`` without a zone is local
    time; ``amount`` a Decimal or text. ``paid_from`` is a ``PaymentSource``:
    the grantor's personal account (the default; a grantor is required) or the
    beneficiary's wallet (no grantor), which ``wallet_spend`` pays and documents.
    ``manual``: a clerk typed it (the counter's entry), so the manual hold rule
    applies too (``hold_reasons``); a file row of the national platform is not.

    Preconditions of a payment from an account, all on the settlement's date (not
    in the future), by the enrolment history and the policies of that day: both
    persons actively enrolled, the grantor in the employee scheme; an agreement in
    force from the grantor to the beneficiary, its relationship allowed; the scope
    (of the two regions then) and the use allowed by policy; the institution code
    matching the use; the amount within what the grantor's account can share, held
    reservations deducted.

    Raises ``InvalidPaymentSource``, ``GrantorRequired``, ``WalletPaymentNamesGrantor``,
    ``InvalidSettlementId``, ``SettlementInFuture``, ``InvalidAmount``,
    ``InvalidIdNumber``, ``PersonNotFound``, ``GrantorNotEmployee``,
    ``GrantorAccountNotOpen``, ``GrantorNotEmployeeOn``, ``NoAgreementInForce``,
    ``NotEnrolledOn``, ``PolicyBlocks`` (also ``RelationshipNotAllowed``),
    ``InvalidUse``, ``ContributionNotResident``, ``InvalidInstitutionCode``,
    ``InstitutionDivisionUnknown``, ``InstitutionDoesNotMatchUse``,
    ``InstitutionNameMissing``, ``AmountOverAvailable``, ``SettlementConflict`` (also when
    the 结算ID was received as paid by the other source).

    Writes: a payment, posted at once (one ``sharing_payment`` debit keyed by the
    结算ID) or held for review when a hold rule applies (nothing posted, amount
    reserved). The payment keeps its scope and the grantor's region, which the
    statistics count. A 结算ID received before with the same content returns
    that payment and writes nothing.
    """
    if _source(paid_from, grantor_id_number) == PaymentSource.WALLET:
        return wallet_spend(operator=operator, note=note, **settlement)
    checked = _account_payment_check(grantor_id_number=grantor_id_number, **settlement)
    require_row_in_scope(operator, checked, argument="grantor_id_number")
    if checked.existing is not None:
        return checked.existing
    key, values = checked.key, checked.values
    conflict = SettlementConflict(settlement_id=key)
    try:
        with transaction.atomic():
            (account,) = ledger_lock(checked.account)
            # Re-read under the lock: a concurrent copy of this row may have committed.
            if existing := SharingPayment.objects.filter(settlement_id=key).first():
                return same_or_conflict(existing, values, conflict)
            require_available(account, values["amount"], checked.on_date)
            payment = SharingPayment(
                settlement_id=key,
                account=account,
                agreement=checked.agreement,
                scope=checked.scope,
                grantor_region=checked.grantor_region,
                note=(note or "").strip(),
                created_by=operator,
                **values,
            )
            payment.hold_reasons = hold_reasons(
                amount=payment.amount,
                beneficiary_id=payment.beneficiary_id,
                scope=payment.scope,
                on_date=checked.on_date,
                manual=manual,
            )
            if payment.hold_reasons:
                payment.status = PaymentStatus.HELD
            else:
                payment.status = PaymentStatus.POSTED
                payment.ledger_entry = _post(payment, operator)
            payment.save()
    except (IntegrityError, IdempotencyConflict) as error:
        return settlement_raced(SharingPayment, key, values, conflict, error)
    return payment


def payment_entry_details(payment: SharingPayment) -> dict:
    """What the statement shows of a payment, on its entry and on its reversal's."""
    return {
        "reference": payment.settlement_id,
        "counterpart": payment.beneficiary,
        "use": payment.use,
        "scope": payment.scope,
        "institution_code": payment.institution_code,
        "institution_name": payment.institution_name,
    }


def _post(payment: SharingPayment, operator):
    return ledger_post(
        holder=payment.account,
        kind=EntryKind.SHARING_PAYMENT,
        amount=-payment.amount,
        idempotency_key=f"settlement:{payment.settlement_id}",
        operator=operator,
        occurred_at=payment.settled_at,
        memo=payment.note,
        **payment_entry_details(payment),
    )


REVIEW_PERMISSION = "transfers.review_sharingpayment"


def _lock_held(payment: SharingPayment, operator) -> SharingPayment:
    """The review's preconditions in ``core.review``'s order: the permission, then,
    locking the account then the payment (the order every service uses), that it
    still waits for review and that the reviewer did not enter it."""
    review_permitted(operator, REVIEW_PERMISSION)
    ledger_lock(payment.account)
    locked = SharingPayment.objects.select_for_update().get(pk=payment.pk)
    if locked.status != PaymentStatus.HELD:
        raise NotHeld(status=locked.get_status_display())
    review_not_own(locked, operator)
    return locked


def payment_approve(*, payment: SharingPayment, operator) -> SharingPayment:
    """Post a held payment. Its amount was reserved, so the balance covers it.

    Raises ``NotAReviewer``, ``NotHeld`` (already decided: concurrent reviewers post
    once), ``ReviewerIsCreator``, and ``AccountNotOpen`` if the account was frozen
    meanwhile.
    """
    with transaction.atomic():
        locked = _lock_held(payment, operator)
        review_record(
            locked,
            operator=operator,
            ledger_entry=_post(locked, operator),
            status=PaymentStatus.POSTED,
        )
    return locked


def payment_reject(*, payment: SharingPayment, operator, reason: str) -> SharingPayment:
    """Reject a held payment with a reason; nothing is posted and the reservation ends.

    Raises ``ReasonRequired``, ``NotAReviewer``, ``NotHeld``, ``ReviewerIsCreator``.
    """
    reason = review_reason(reason)
    with transaction.atomic():
        locked = _lock_held(payment, operator)
        review_record(
            locked, operator=operator, status=PaymentStatus.REJECTED, reject_reason=reason
        )
    return locked
