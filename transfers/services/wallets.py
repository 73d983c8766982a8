"""The wallet (医保钱包): transfers in from a relative's account, acceptance, the
cut-off return, spending, and the return of unused money when an agreement ends."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from accounts.errors import IdempotencyConflict
from accounts.models import (
    EntryKind,
    PolicyPart,
    PoolingRegion,
    SharingAgreement,
    Wallet,
)
from accounts.policy import require_part, require_scope_allowed
from accounts.scope import require_can_act
from accounts.selectors import open_account_of
from accounts.services.ledger import ledger_lock, ledger_post
from core.audit import audit_as
from core.dates import local_aware, local_date, local_days, local_moment
from core.errors import about
from core.money import parse_amount
from transfers.errors import (
    AcceptorIsCreator,
    DailyTransfersExceeded,
    InvalidSettlementId,
    InvalidTransferNumber,
    QuietHours,
    SettlementConflict,
    TransferConflict,
    TransferNotPending,
    TransferOverLimit,
    TransferPastCutOff,
    WalletSpendableTooLow,
    WalletSwitchedOff,
)
from transfers.models import (
    PaymentStatus,
    ReturnReason,
    SharingPayment,
    TransferStatus,
    WalletSpending,
    WalletTransfer,
)
from transfers.selectors import spendable_transfers, wallet_spendable

from .batch import Pending, batch_holds, spending_decide
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
from .holds import HoldContext


def wallet_transfer_check(
    *,
    transfer_number: str,
    transferred_at,
    sender_id_number: str,
    recipient_id_number: str,
    amount,
) -> CheckedRow:
    """Check a wallet transfer without writing (an import's preview; the first half
    of ``wallet_transfer_create``, which documents the rules and the errors).

    A 转账流水号 received before comes back as ``existing`` when the content is
    the same; with other content ``TransferConflict`` is raised. The daily count
    and the balance are checked too, but only the create holds the account's lock.
    """
    number = text_key(transfer_number, InvalidTransferNumber)
    sender = person_by_id_number(sender_id_number, argument="sender_id_number")
    recipient = person_by_id_number(recipient_id_number, argument="recipient_id_number")
    values = {
        "transferred_at": local_aware(transferred_at),
        "sender_id": sender.pk,
        "recipient_id": recipient.pk,
        "amount": parse_amount(amount),
    }
    if existing := WalletTransfer.objects.filter(transfer_number=number).first():
        same_or_conflict(existing, values, TransferConflict(number=number))
        return CheckedRow(number, values, existing)
    moment = timezone.localtime(values["transferred_at"])
    on_date = moment.date()
    # Settings and policy first: where a region or a province blocks, that is the reason.
    sender_region, recipient_region = regions_on([sender, recipient], on_date)
    for region in (sender_region, recipient_region):
        if not region.wallet_enabled:
            raise WalletSwitchedOff(region=region.name)
        require_part(region.province, PolicyPart.WALLET, on_date)
    scope = require_scope_allowed(sender_region, recipient_region, on_date)
    with about("sender_id_number"):  # the sender is the grantor
        account = open_account_of(sender)
    require_active_on(recipient, on_date)  # before the agreement, which a suspension ends
    agreement = agreement_in_force(sender, recipient, on_date)
    rules = sender_region
    _require_outside_quiet_hours(rules, moment.time())
    if values["amount"] > rules.wallet_transfer_limit:
        raise TransferOverLimit(limit=rules.wallet_transfer_limit, amount=values["amount"])
    _require_daily_count(account, sender, on_date)
    require_available(account, values["amount"], on_date)
    return CheckedRow(
        number, values, None, account, agreement, scope, on_date, recipient, sender_region
    )


def wallet_transfer_create(*, operator, **transfer) -> WalletTransfer:
    """Move money from the sender's personal account into the recipient's wallet.

    Keyword arguments: ``transfer_number``, ``transferred_at`` (without a zone:
    local time), ``sender_id_number``, ``recipient_id_number``, ``amount``.

    Preconditions on the transfer's date: an agreement in force from the sender
    (grantor) to the recipient; the recipient actively enrolled; the wallet
    switched on in both regions and in force in both provinces' policies; the
    scope allowed (cross-province only where both provinces allow it). The
    sender's region settings: not in quiet hours, at most the per-transfer limit,
    at most the daily number of transfers; and enough shareable balance.

    Raises ``InvalidTransferNumber``, ``InvalidAmount``, ``InvalidIdNumber``, ``PersonNotFound``,
    ``GrantorNotEmployee``, ``GrantorAccountNotOpen``, ``NoAgreementInForce``, ``NotEnrolledOn``,
    ``WalletSwitchedOff``, ``PolicyBlocks``, ``QuietHours``, ``TransferOverLimit``,
    ``DailyTransfersExceeded``, ``AmountOverAvailable``, ``TransferConflict``.

    Writes, in one transaction: a ``wallet_transfer_out`` debit of the account and
    a ``wallet_transfer_in`` credit of the wallet, and the pending transfer (with
    its scope and the grantor's region, which the statistics count). A
    转账流水号 received before with the same content returns that transfer.
    """
    checked = wallet_transfer_check(**transfer)
    require_row_in_scope(operator, checked, argument="sender_id_number")
    if checked.existing is not None:
        return checked.existing
    number, values = checked.key, checked.values
    conflict = TransferConflict(number=number)
    try:
        with transaction.atomic():
            wallet, _created = Wallet.objects.get_or_create(person=checked.beneficiary)
            account, wallet = ledger_lock(checked.account, wallet)
            if existing := WalletTransfer.objects.filter(transfer_number=number).first():
                return same_or_conflict(existing, values, conflict)
            _require_daily_count(account, account.person, checked.on_date)
            require_available(account, values["amount"], checked.on_date)
            posting = {
                "operator": operator,
                "occurred_at": values["transferred_at"],
                "reference": number,
                "scope": checked.scope,
            }
            account_entry = ledger_post(
                holder=account,
                kind=EntryKind.WALLET_TRANSFER_OUT,
                amount=-values["amount"],
                idempotency_key=f"wallet-transfer:{number}:out",
                counterpart=checked.beneficiary,
                **posting,
            )
            wallet_entry = ledger_post(
                holder=wallet,
                kind=EntryKind.WALLET_TRANSFER_IN,
                amount=values["amount"],
                idempotency_key=f"wallet-transfer:{number}:in",
                counterpart=account.person,
                **posting,
            )
            return WalletTransfer.objects.create(
                transfer_number=number,
                account=account,
                wallet=wallet,
                agreement=checked.agreement,
                scope=checked.scope,
                grantor_region=checked.grantor_region,
                unspent=values["amount"],
                return_due_at=_return_due(account.person.region, checked.on_date),
                account_entry=account_entry,
                wallet_entry=wallet_entry,
                created_by=operator,
                **values,
            )
    except (IntegrityError, IdempotencyConflict):
        # The same 转账流水号 committed by another sender's transaction meanwhile.
        existing = WalletTransfer.objects.filter(transfer_number=number).first()
        if existing is None:
            raise
        return same_or_conflict(existing, values, conflict)


def _require_outside_quiet_hours(region: PoolingRegion, at: dt.time) -> None:
    start, end = region.wallet_quiet_from, region.wallet_quiet_until
    quiet = (start <= at < end) if start <= end else (at >= start or at < end)
    if quiet:
        raise QuietHours(start=f"{start:%H:%M}", end=f"{end:%H:%M}", time=f"{at:%H:%M}")


def _require_daily_count(account, sender, on_date: dt.date) -> None:
    """The sender region's transfers a day; the create counts again under the account's
    lock, so concurrent transfers cannot all pass."""
    region = sender.region
    start, end = local_days(on_date)
    count = WalletTransfer.objects.filter(
        account=account, transferred_at__gte=start, transferred_at__lt=end
    ).count()
    if count >= region.wallet_daily_transfers:
        raise DailyTransfersExceeded(
            name=sender.name,
            count=count,
            on_date=on_date.isoformat(),
            limit=region.wallet_daily_transfers,
        )


def _return_due(region: PoolingRegion, on_date: dt.date) -> dt.datetime:
    """Not accepted by the region's return time of the next day, the money goes back."""
    return local_moment(on_date + dt.timedelta(days=1), region.wallet_return_at)


def _lock_transfer(transfer: WalletTransfer) -> WalletTransfer:
    """Account and wallet first (the ledger's order), then the transfer row."""
    ledger_lock(transfer.account, transfer.wallet)
    return WalletTransfer.objects.select_for_update().get(pk=transfer.pk)


def wallet_transfer_accept(
    *, transfer: WalletTransfer, operator, now: dt.datetime | None = None
) -> WalletTransfer:
    """The recipient accepts (at ``now``, by default the current time): the money
    becomes spendable. The clerk who accepts is recorded and is not the one who
    entered the transfer: entering and accepting are the two people a movement
    of money needs (the database refuses it too).

    Raises ``TransferNotPending``, ``AcceptorIsCreator``, and ``TransferPastCutOff``
    once the cut-off has passed (``return_due_at``, the same moment the scheduler
    uses): the transfer can no longer be accepted and is returned there and then,
    as the scheduler would have returned it, so the clerk sees it back with the
    sender and never waiting for a job. The return is committed before the
    error is raised; a caller that wraps this in its own transaction keeps it
    by catching the error.
    """
    now = now or timezone.now()
    require_can_act(operator, transfer)  # a counter of the sender's or recipient's scope
    with transaction.atomic():
        locked = _lock_transfer(transfer)
        if locked.status != TransferStatus.PENDING:
            raise TransferNotPending(status=locked.get_status_display())
        too_late = locked.return_due_at <= now
        if not too_late and locked.created_by_id == operator.pk:
            raise AcceptorIsCreator()
        if too_late:
            _give_back(locked, TransferStatus.RETURNED, ReturnReason.CUT_OFF, operator)
        else:
            locked.status = TransferStatus.ACCEPTED
            locked.accepted_at = now
            locked.accepted_by = operator
            locked.save(update_fields=["status", "accepted_at", "accepted_by"])
    if too_late:
        due = timezone.localtime(locked.return_due_at)
        raise TransferPastCutOff(due=f"{due:%Y-%m-%d %H:%M}", amount=locked.returned_amount)
    return locked


def wallet_transfer_refuse(*, transfer: WalletTransfer, operator) -> WalletTransfer:
    """The recipient refuses: the money goes back at once. Raises ``TransferNotPending``."""
    require_can_act(operator, transfer)  # a counter of the sender's or recipient's scope
    with transaction.atomic():
        locked = _lock_transfer(transfer)
        if locked.status != TransferStatus.PENDING:
            raise TransferNotPending(status=locked.get_status_display())
        _give_back(locked, TransferStatus.REFUSED, ReturnReason.REFUSED, operator)
    return locked


def _give_back(locked: WalletTransfer, status: str, why: ReturnReason, operator) -> None:
    """Post the unspent part of a locked transfer back from the wallet to the account.

    A transfer never accepted is undone: both entries are reversed, so it is no
    sharing at all (the statistics leave reversed entries out). Money an accepted
    transfer left unspent goes back as a ``wallet_return``: the transfer stays a use.
    """
    amount = locked.unspent
    undone = locked.status == TransferStatus.PENDING
    kind = EntryKind.REVERSAL if undone else EntryKind.WALLET_RETURN
    # The memo is printed on statements: in the hall's language, whoever runs this
    # (the scheduler's command runs without a request's language).
    with translation.override(settings.LANGUAGE_CODE):
        memo = str(why.label)
    posting = {"operator": operator, "reference": locked.transfer_number, "memo": memo}
    locked.return_wallet_entry = ledger_post(
        holder=locked.wallet,
        kind=kind,
        amount=-amount,
        idempotency_key=f"wallet-return:{locked.transfer_number}:wallet",
        counterpart=locked.sender,
        reverses=locked.wallet_entry if undone else None,
        **posting,
    )
    locked.return_account_entry = ledger_post(
        holder=locked.account,
        kind=kind,
        amount=amount,
        idempotency_key=f"wallet-return:{locked.transfer_number}:account",
        counterpart=locked.recipient,
        reverses=locked.account_entry if undone else None,
        **posting,
    )
    locked.status = status
    locked.unspent = Decimal("0.00")
    locked.returned_amount = amount
    locked.returned_at = timezone.now()
    locked.return_reason = why
    locked.save(
        update_fields=[
            "return_wallet_entry",
            "return_account_entry",
            "status",
            "unspent",
            "returned_amount",
            "returned_at",
            "return_reason",
        ]
    )


def _give_back_each(transfers, *, still, why: ReturnReason, operator) -> list[WalletTransfer]:
    """Return each transfer that, locked, still matches ``still``; one transaction each."""
    returned = []
    for transfer in transfers:
        with transaction.atomic():
            locked = _lock_transfer(transfer)
            if still(locked):
                _give_back(locked, TransferStatus.RETURNED, why, operator)
                returned.append(locked)
    return returned


def wallet_transfers_return_unaccepted(*, operator, now: dt.datetime | None = None):
    """Return every pending transfer whose cut-off has passed (run by a scheduler).

    Idempotent: a transfer returns once; a second run finds nothing pending.
    Returns the transfers returned by this run.
    """
    now = now or timezone.now()
    due = WalletTransfer.objects.filter(status=TransferStatus.PENDING, return_due_at__lte=now)
    return _give_back_each(
        due.order_by("pk"),
        still=lambda t: t.status == TransferStatus.PENDING,
        why=ReturnReason.CUT_OFF,
        operator=operator,
    )


def wallet_return_for_agreement(*, agreement: SharingAgreement, operator):
    """When an agreement ends, the grantor's money still in the wallet goes back.

    What is unspent of each transfer made under the agreement (pending ones in
    full) returns to the grantor's account. Run on ``accounts.signals.agreement_ended``
    (``transfers.receivers``), in the end's transaction. Idempotent.
    """
    open_transfers = WalletTransfer.objects.filter(
        agreement=agreement,
        status__in=[TransferStatus.PENDING, TransferStatus.ACCEPTED],
        unspent__gt=0,
    )
    return _give_back_each(
        open_transfers.order_by("pk"),
        still=lambda t: (
            t.status in (TransferStatus.PENDING, TransferStatus.ACCEPTED) and t.unspent > 0
        ),
        why=ReturnReason.AGREEMENT_ENDED,
        operator=operator,
    )


def wallet_spend_check(
    *,
    settlement_id: str,
    settled_at,
    institution_code: str,
    institution_name: str,
    use: str,
    beneficiary_id_number: str,
    amount,
) -> CheckedRow:
    """Check a settlement paid from the beneficiary's wallet without writing (an
    import's preview; the first half of ``wallet_spend``, which documents the
    rules and the errors).

    A 结算ID received before as a wallet payment comes back as ``existing`` when
    the content is the same; with other content, or received as a payment from
    a grantor's account, ``SettlementConflict`` is raised. The spendable money
    is checked too, but only the spend holds the wallet's lock.
    """
    key = text_key(settlement_id, InvalidSettlementId)
    person = person_by_id_number(beneficiary_id_number, argument="beneficiary_id_number")
    wallet = Wallet.objects.filter(person=person).first()
    values = {
        **settlement_values(
            settled_at=settled_at,
            institution_code=institution_code,
            institution_name=institution_name,
            use=use,
            amount=amount,
        ),
        "wallet_id": getattr(wallet, "pk", None),
    }
    conflict = SettlementConflict(settlement_id=key)
    if existing := settlement_known(WalletSpending, SharingPayment, key, values, conflict):
        return CheckedRow(key=key, values=values, existing=existing)
    on_date = local_date(values["settled_at"])
    require_settlement_allowed(values, [person], on_date)
    require_active_on(person, on_date)
    _require_spendable(wallet_spendable(wallet), values["amount"])
    return CheckedRow(key, values, None, on_date=on_date, beneficiary=person)


def wallet_spend(
    *,
    operator,
    note: str = "",
    manual: bool = False,
    holds: HoldContext | None = None,
    pending: Pending | None = None,
    **settlement,
) -> WalletSpending:
    """A settlement paid from the beneficiary's own wallet (the card is never shared).

    Keyword arguments: ``settlement_id``, ``settled_at``, ``institution_code``,
    ``institution_name``, ``use``, ``beneficiary_id_number`` (the patient, whose
    wallet pays), ``amount``, as ``settlement_receive`` takes them. Held or not
    by the rule of a payment from an account (``batch.spending_decide``):
    ``manual``, a clerk typed it; a file's rows pass the file's ``holds`` and
    ``pending`` (the rows before them).

    Only accepted money is spent, oldest accepted transfer first. Preconditions
    on the settlement's date: the patient actively enrolled, the use allowed by
    policy, the institution code matching the use; and the amount within the
    accepted money not reserved by held spendings.

    Raises ``InvalidSettlementId``, ``InvalidAmount``, ``InvalidIdNumber``, ``PersonNotFound``,
    ``NotEnrolledOn``, ``PolicyBlocks``, ``InvalidUse``,
    ``InvalidInstitutionCode``, ``InstitutionDoesNotMatchUse``,
    ``InstitutionNameMissing``, ``WalletSpendableTooLow``, ``SettlementConflict``.

    Writes the spending and takes its amount from the transfers' ``unspent``
    (noted in ``taken_from``). Posted at once: one ``wallet_spending`` debit keyed
    by the 结算ID (``settlement:<结算ID>``, the key of a payment from an account:
    the ledger itself keeps one 结算ID one posting, whichever pays it). Held for
    review when a hold rule applies: nothing posted, the money reserved until a
    second person decides (``transfers.services.spendings``). A 结算ID received
    before with the same content returns that spending and writes nothing.
    """
    checked = wallet_spend_check(**settlement)
    require_row_in_scope(operator, checked, argument="beneficiary_id_number")
    if checked.existing is not None:
        return checked.existing
    key, values = checked.key, checked.values
    holds = holds or batch_holds([checked])
    reasons = spending_decide(checked, holds, pending or Pending(), manual=manual)
    conflict = SettlementConflict(settlement_id=key)
    try:
        with transaction.atomic(), audit_as(operator):  # the trail names who entered it
            (wallet,) = ledger_lock(Wallet.objects.get(pk=values["wallet_id"]))
            if existing := WalletSpending.objects.filter(settlement_id=key).first():
                return same_or_conflict(existing, values, conflict)
            sources = list(spendable_transfers(wallet).select_for_update())
            _require_spendable(sum((t.unspent for t in sources), Decimal("0.00")), values["amount"])
            spending = WalletSpending(
                settlement_id=key,
                note=(note or "").strip(),
                created_by=operator,
                status=PaymentStatus.HELD if reasons else PaymentStatus.POSTED,
                hold_reasons=reasons,
                taken_from=_take_oldest_first(sources, values["amount"]),
                **values,
            )
            spending.wallet = wallet
            if not reasons:
                spending.ledger_entry = spending_post(spending, operator)
            spending.save()
            return spending
    except (IntegrityError, IdempotencyConflict) as error:
        return settlement_raced(WalletSpending, key, values, conflict, error)


def spending_post(spending: WalletSpending, operator):
    """The wallet's debit for ``spending``, keyed by its 结算ID (the wallet locked)."""
    return ledger_post(
        holder=spending.wallet,
        kind=EntryKind.WALLET_SPENDING,
        amount=-spending.amount,
        idempotency_key=f"settlement:{spending.settlement_id}",
        operator=operator,
        occurred_at=spending.settled_at,
        reference=spending.settlement_id,
        use=spending.use,
        institution_code=spending.institution_code,
        institution_name=spending.institution_name,
        memo=spending.note,
    )


def _require_spendable(spendable: Decimal, amount: Decimal) -> None:
    if amount > spendable:
        raise WalletSpendableTooLow(spendable=spendable, amount=amount)


def _take_oldest_first(sources: list[WalletTransfer], amount: Decimal) -> list:
    """Take ``amount`` from the transfers in order; the [transfer id, amount] taken."""
    taken = []
    for transfer in sources:
        take = min(transfer.unspent, amount)
        if take:
            transfer.unspent -= take
            transfer.save(update_fields=["unspent"])
            amount -= take
            taken.append([transfer.pk, str(take)])
    return taken
