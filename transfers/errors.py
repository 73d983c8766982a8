"""Domain errors of settlements, sharing payments, reversals and the wallet.

One class per reason a row or a counter entry is refused, message defined once
(English msgid, Chinese under zh-hans). ``field`` names the input the error is
about, so a counter form can show it next to that field and an import can name
the column; ``None`` means the entry as a whole.
"""

from django.utils.translation import gettext_lazy as _

from accounts.errors import DomainError


class TransferError(DomainError):
    field: str | None = None


class InvalidSettlementId(TransferError):
    field = "settlement_id"
    message = _("A settlement ID has 1 to 30 characters.")


class InvalidTransferNumber(TransferError):
    field = "transfer_number"
    message = _("A transfer number has 1 to 30 characters.")


class SettlementConflict(TransferError):
    field = "settlement_id"
    message = _(
        "Settlement %(settlement_id)s was already received with different content; "
        "it is not overwritten."
    )


class TransferConflict(TransferError):
    field = "transfer_number"
    message = _(
        "Wallet transfer %(number)s was already received with different content; "
        "it is not overwritten."
    )


class NoAgreementInForce(TransferError):
    message = _(
        "No sharing agreement from %(grantor)s to %(beneficiary)s is in force on %(on_date)s."
    )


class BeneficiaryNotActive(TransferError):
    message = _("%(name)s is not actively enrolled on %(on_date)s.")


class GrantorHasNoAccount(TransferError):
    message = _("%(name)s has no open personal account.")


class InvalidInstitutionCode(TransferError):
    field = "institution_code"
    message = _("%(code)s is not an institution code (H or P followed by 11 digits).")


class InstitutionDoesNotMatchUse(TransferError):
    field = "institution_code"
    message = _("%(use)s must be paid to an institution whose code starts with %(letter)s.")


class InstitutionNameMissing(TransferError):
    field = "institution_name"
    message = _("The institution name is required.")


class AmountOverAvailable(TransferError):
    field = "amount"
    message = _(
        "The amount %(amount)s is more than the %(available)s that can be shared now "
        "(balance %(balance)s, held for review %(held)s)."
    )


class NotHeld(TransferError):
    message = _("This payment is not waiting for review (status: %(status)s).")


class ReviewerIsCreator(TransferError):
    message = _("You entered this yourself; another reviewer must decide it.")


class ReasonRequired(TransferError):
    field = "reason"
    message = _("A reason is required.")


class PaymentNotPosted(TransferError):
    message = _("Only a posted payment can be reversed (status: %(status)s).")


class ReversalAlreadyRequested(TransferError):
    message = _("A reversal of this payment has already been requested or approved.")


class ReversalNotRequested(TransferError):
    message = _("This reversal is not waiting for review (status: %(status)s).")


class WalletSwitchedOff(TransferError):
    message = _("The wallet is not switched on in %(region)s.")


class DailyTransfersExceeded(TransferError):
    message = _(
        "%(name)s has already made %(count)s wallet transfers on %(on_date)s "
        "(at most %(limit)s a day)."
    )


class TransferOverLimit(TransferError):
    field = "amount"
    message = _("A wallet transfer may be at most %(limit)s; this one is %(amount)s.")


class QuietHours(TransferError):
    message = _("No wallet transfers between %(start)s and %(end)s; this one is at %(time)s.")


class TransferNotPending(TransferError):
    message = _("This wallet transfer is not waiting to be accepted (status: %(status)s).")


class WalletSpendableTooLow(TransferError):
    field = "amount"
    message = _("The wallet can pay %(spendable)s now; the amount is %(amount)s.")


class InvalidUse(TransferError):
    field = "use"
    message = _("%(use)s is not a use that shared money may pay for.")
