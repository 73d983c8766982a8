"""Sharing payments: receiving a settlement, and the review of held ones."""

from types import SimpleNamespace

from django.db import IntegrityError, transaction

from accounts.errors import IdempotencyConflict
from accounts.models import EntryKind, SharingAgreement
from accounts.policy import require_scope_allowed
from accounts.scope import require_can_act
from accounts.selectors import open_account_of
from accounts.services.ledger import Posting, ledger_lock, ledger_post_many
from core.copying import copy_insert, copy_values, new_instance
from core.dates import local_date
from core.errors import DomainError
from core.review import review_not_own, review_permitted, review_reason, review_record
from transfers.errors import (
    GrantorRequired,
    InvalidPaymentSource,
    InvalidSettlementId,
    NotHeld,
    WalletPaymentNamesGrantor,
)
from transfers.models import (
    PaymentSource,
    PaymentStatus,
    SharingPayment,
    WalletSpending,
)
from transfers.selectors import accounts_for_sharing

from .batch import (
    Pending,
    accounts_locked,
    batch_found,
    batch_holds,
    batch_rechecked,
    each_checked,
    held_amounts_set,
    known_payment,
    settlement_decide,
    spending_decide,
)
from .checks import (
    CheckedRow,
    agreement_in_force,
    person_by_id_number,
    regions_on,
    require_active_on,
    require_row_in_scope,
    require_settlement_allowed,
    settlement_values,
    text_key,
)
from .wallets import wallet_spend, wallet_spend_check


def settlement_check(
    *,
    paid_from: str | None = PaymentSource.ACCOUNT,
    grantor_id_number: str | None = "",
    **settlement,
) -> CheckedRow:
    """Check one settlement without writing (the first half of ``settlement_receive``,
    which documents the arguments and the errors); ``settlements_check`` for many.

    A 结算ID received before comes back as ``existing`` when the content is the
    same; with other content ``SettlementConflict`` is raised. The balance is
    checked too and the holds decided (``holds``), but only ``settlement_receive``
    holds the account's (or the wallet's) lock.
    """
    row = {"paid_from": paid_from, "grantor_id_number": grantor_id_number, **settlement}
    (result,) = settlements_check([row], Pending())
    if isinstance(result, Exception):
        raise result
    return result


def settlements_check(rows: list[dict], pending: Pending, regions: dict | None = None) -> list:
    """Check settlements without writing, each as ``settlement_check`` does, in a
    few queries for all (an import's preview of a chunk). ``pending``: what the
    rows checked before (earlier chunks of the file) take, which these rows
    extend; ``regions``: the file's cache of regions (``batch_found``). Returns,
    per row, its ``CheckedRow`` (with ``holds``) or the ``DomainError`` refusing it."""
    found = batch_found(rows, regions)
    results = each_checked(rows, lambda row: _row_check(row, found))
    # The accounts came with their persons (``batch_found``): only their
    # reservations are read, not the accounts again (three instances a row).
    held_amounts_set([c.account for c in results if _is_new_payment(c)])
    holds = batch_holds(results)
    for index, checked in enumerate(results):
        if _is_new_spending(checked):
            checked.holds = spending_decide(checked, holds, pending)
        if _is_new_payment(checked):
            try:
                checked.holds = settlement_decide(checked, checked.account, holds, pending)
            except DomainError as error:
                results[index] = error
    return results


def _row_check_in_scope(row: dict, found, operator) -> CheckedRow:
    """``_row_check``, and the one who pays in the row within ``operator``'s scope."""
    checked = _row_check(row, found)
    require_row_in_scope(operator, checked, argument="grantor_id_number")
    return checked


def _row_check(row: dict, found) -> CheckedRow:
    settlement = {k: v for k, v in row.items() if k not in ("paid_from", "note")}
    if _source(row.get("paid_from"), row.get("grantor_id_number")) == PaymentSource.WALLET:
        settlement.pop("grantor_id_number", None)
        return wallet_spend_check(**settlement)
    return _account_payment_check(found=found, **settlement)


def _is_new_payment(checked) -> bool:
    return isinstance(checked, CheckedRow) and checked.existing is None and checked.agreement


def _is_new_spending(checked) -> bool:
    return isinstance(checked, CheckedRow) and checked.existing is None and not checked.account


SOURCES = frozenset(PaymentSource.values)  # Django builds ``values`` anew at each use


def _source(paid_from: str | None, grantor_id_number: str | None) -> str:
    """What pays (empty: the grantor's account, as every file without the column
    means), with the grantor that it needs or must not have."""
    source = paid_from or PaymentSource.ACCOUNT
    if source not in SOURCES:
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
    found,
) -> CheckedRow:
    """The checks of a payment from an account that need no account state (that is
    ``settlement_decide``'s), from what ``batch_found`` read."""
    key = text_key(settlement_id, InvalidSettlementId)
    grantor = person_by_id_number(
        grantor_id_number, argument="grantor_id_number", found=found.persons
    )
    beneficiary = person_by_id_number(
        beneficiary_id_number, argument="beneficiary_id_number", found=found.persons
    )
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
    known = known_payment(key, values, found.settlements)
    if known:
        return CheckedRow(key=key, values=values, existing=known)
    on_date = local_date(values["settled_at"])
    require_settlement_allowed(values, [grantor, beneficiary], on_date)
    # Policy first: where a province's policy blocks the sharing, that is the reason.
    grantor_region, beneficiary_region = regions_on([grantor, beneficiary], on_date)
    scope = require_scope_allowed(grantor_region, beneficiary_region, on_date)
    account = open_account_of(grantor)
    # Enrolment before the agreement: a suspension also ends the agreement, and the
    # suspension is the reason to give.
    require_active_on(beneficiary, on_date)
    agreement = agreement_in_force(grantor, beneficiary, on_date, found=found.agreements)
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
    applies too (``hold_reasons``), whichever source pays; a file row of the
    national platform is not.

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
        return wallet_spend(operator=operator, note=note, manual=manual, **settlement)
    row = {"grantor_id_number": grantor_id_number, "note": note, **settlement}
    try:
        (result,) = settlements_receive([row], operator=operator, manual=manual)
    except (IntegrityError, IdempotencyConflict):
        # The same 结算ID committed meanwhile: a replay returns it, other content
        # or the other kind of settlement is refused; anything else is raised.
        checked = _account_payment_check(
            grantor_id_number=grantor_id_number, found=batch_found([row]), **settlement
        )
        if checked.existing is None:
            raise
        return checked.existing
    if isinstance(result, Exception):
        raise result
    return result


def settlements_receive(
    rows: list[dict],
    *,
    operator,
    manual: bool = False,
    regions: dict | None = None,
    checked: list[tuple] | None = None,
) -> list:
    """Receive settlements, each as ``settlement_receive`` does (which documents the
    rules), all in the caller's transaction or one of their own: a file's chunk,
    or one settlement at the counter.

    Reads what the checks need for all rows at once (``batch_found``), locks the
    grantors' accounts in id order with their reservations, decides each new
    payment in the order given (``settlement_decide``: the rows before it count
    as written), and writes the postings with one ``ledger_post_many`` and the
    payments in bulk. Payments from a wallet go through ``wallet_spend``, one by
    one. Returns, per row, the payment (the earlier one for a 结算ID received
    before with the same content) or the ``DomainError`` refusing it; a refused
    row writes nothing. A 结算ID committed meanwhile by someone else fails the
    insert (``IntegrityError``, ``IdempotencyConflict``) and nothing is written.
    ``regions``: a file's cache of regions (``batch_found``). ``checked``: what
    a file's check pass accepted of these rows (``checked_kept``); then only what
    can change meanwhile is checked again (``batch_rechecked``), and a new
    payment's result is its id: the payments and their entries go to COPY as
    rows, no model built (``_payment_row``, ``ledger_post_many(entries=False)``).
    """
    with transaction.atomic():
        if checked is None:
            found = batch_found(rows, regions)
            results = each_checked(rows, lambda row: _row_check_in_scope(row, found, operator))
            accounts = accounts_for_sharing(
                [c.account.pk for c in results if _is_new_payment(c)], lock=True
            )
        else:
            results = batch_rechecked(checked, regions)
            accounts = accounts_locked(
                [c.account.pk for c in results if _is_new_payment(c)], regions
            )
        holds = batch_holds(results)
        pending = Pending()
        # A file's chunk: its payments as rows, not models (nothing reads them).
        as_rows = checked is not None
        new_payment = _payment_row if as_rows else _payment
        payments, posted = [], []
        for index, (row, checked) in enumerate(zip(rows, results, strict=True)):
            if isinstance(checked, Exception):
                continue
            if checked.existing is not None:
                results[index] = checked.existing
            elif checked.account is None:
                results[index] = _wallet_spend(row, operator, manual, holds, pending)
            else:
                try:
                    account = accounts[checked.account.pk]
                    reasons = settlement_decide(checked, account, holds, pending, manual=manual)
                except DomainError as error:
                    results[index] = error
                    continue
                payment = new_payment(checked, account, reasons, row.get("note"), operator)
                if not reasons:
                    posted.append(payment)
                payments.append((index, payment))
                results[index] = payment
        if posted:
            postings = [_posting(payment) for payment in posted]
            entries = ledger_post_many(
                postings, operator=operator, locked=True, new_keys=True, entries=not as_rows
            )
            for payment, entry in zip(posted, entries, strict=True):
                if as_rows:
                    payment.ledger_entry_id = entry
                else:
                    payment.ledger_entry = entry
        if as_rows:
            ids = copy_values(SharingPayment, [vars(payment) for _index, payment in payments])
            for (index, _row), pk in zip(payments, ids, strict=True):
                results[index] = pk
        else:
            copy_insert([payment for _index, payment in payments])
    return results


def _wallet_spend(row: dict, operator, manual: bool, holds, pending: Pending):
    """A file's wallet row, held by the file's rule as its account rows are."""
    settlement = {k: v for k, v in row.items() if k not in ("paid_from", "grantor_id_number")}
    try:
        return wallet_spend(
            operator=operator, manual=manual, holds=holds, pending=pending, **settlement
        )
    except DomainError as error:
        return error


def _payment_values(checked: CheckedRow, account, reasons: list[str], note, operator) -> dict:
    """The values of a checked row's payment by attribute name, every foreign key
    by id (``_payment``, ``_payment_row``)."""
    return {
        "settlement_id": checked.key,
        "account_id": account.pk,
        "agreement_id": checked.agreement.pk,
        "scope": checked.scope,
        "grantor_region_id": checked.grantor_region.pk,
        "note": (note or "").strip(),
        "created_by_id": getattr(operator, "pk", None),
        "reviewed_by_id": None,
        "ledger_entry_id": None,
        "hold_reasons": reasons,
        "status": PaymentStatus.HELD if reasons else PaymentStatus.POSTED,
        **checked.values,
    }


def _payment_row(checked: CheckedRow, account, reasons: list[str], note, operator):
    """A file's payment, not a model: its values (``_payment_values``) as attributes,
    with the account and the beneficiary that its posting names (``_posting``), for
    ``copy_values``. Model instances were a fifth of a file's write."""
    values = _payment_values(checked, account, reasons, note, operator)
    return SimpleNamespace(**values, account=account, beneficiary=checked.beneficiary)


def _payment(checked: CheckedRow, account, reasons: list[str], note, operator) -> SharingPayment:
    """The payment of a checked row. Its foreign keys are given by id and their
    objects put in its cache, as ``ledger_post_many`` builds its entries (the
    descriptor's checks of each object were a fifth of a file's write); the posting
    names the beneficiary, the caller may show the agreement: no query for them.
    Built from its fields in order (``new_instance``), every foreign key given."""
    payment = new_instance(
        SharingPayment, _payment_values(checked, account, reasons, note, operator)
    )
    cache = payment._state.fields_cache
    cache.update(account=account, grantor_region=checked.grantor_region, created_by=operator)
    cache["beneficiary"] = checked.beneficiary
    if isinstance(checked.agreement, SharingAgreement):  # not a file's ``Ref``
        cache["agreement"] = checked.agreement
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


def _posting(payment: SharingPayment) -> Posting:
    """The debit of the grantor's account that posts ``payment``, keyed by its 结算ID."""
    return Posting(
        holder=payment.account,
        kind=EntryKind.SHARING_PAYMENT,
        amount=-payment.amount,
        idempotency_key=f"settlement:{payment.settlement_id}",
        occurred_at=payment.settled_at,
        memo=payment.note,
        **payment_entry_details(payment),
    )


def _post(payment: SharingPayment, operator):
    (entry,) = ledger_post_many([_posting(payment)], operator=operator)
    return entry


REVIEW_PERMISSION = "transfers.review_sharingpayment"


def _lock_held(payment: SharingPayment, operator) -> SharingPayment:
    """The review's preconditions in ``core.review``'s order: the permission, then,
    locking the account then the payment (the order every service uses), that it
    still waits for review and that the reviewer did not enter it."""
    review_permitted(operator, REVIEW_PERMISSION)
    require_can_act(operator, payment)
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
