"""Domain errors of settlements, sharing payments, reversals and the wallet.

One class per reason a row or a counter entry is refused, message defined once
(English msgid, Chinese under zh-hans). ``argument`` (``core.errors.DomainError``)
names the service argument the error is about, so a counter form shows it next
to that field and an import names the column; ``None`` means the entry as a
whole. Refusals the accounts app already defines (an unknown ID number, a
grantor without an open account, a policy) are reused from there.
"""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class TransferError(DomainError):
    """The refusals of this app."""


class InvalidSettlementId(TransferError):
    argument = "settlement_id"
    message = _("A settlement ID has 1 to 30 characters.")


class InvalidTransferNumber(TransferError):
    argument = "transfer_number"
    message = _("A transfer number has 1 to 30 characters.")


class SettlementConflict(TransferError):
    argument = "settlement_id"
    message = _(
        "Settlement %(settlement_id)s was already received with different content; "
        "it is not overwritten."
    )


class TransferConflict(TransferError):
    argument = "transfer_number"
    message = _(
        "Wallet transfer %(number)s was already received with different content; "
        "it is not overwritten."
    )


class NoAgreementInForce(TransferError):
    message = _(
        "No sharing agreement from %(grantor)s to %(beneficiary)s is in force on %(on_date)s."
    )


class NotEnrolledOn(TransferError):
    message = _("%(name)s is not actively enrolled on %(on_date)s (on that day: %(status)s).")


class GrantorNotEmployeeOn(TransferError):
    argument = "grantor_id_number"
    message = _(
        "%(name)s is not in the employee scheme (310) on %(on_date)s, so the personal "
        "account cannot pay for a relative on that day."
    )


class ContributionNotResident(TransferError):
    argument = "use"
    message = _(
        "%(name)s is in the employee scheme on %(on_date)s: a resident-scheme contribution "
        "is only paid for a person in the resident scheme (390)."
    )


class SettlementInFuture(TransferError):
    argument = "settled_at"
    message = _("The settlement time %(settled_at)s is later than now.")


class InvalidInstitutionCode(TransferError):
    argument = "institution_code"
    message = _("%(code)s is not an institution code (H or P followed by 11 digits).")


class InstitutionDivisionUnknown(TransferError):
    argument = "institution_code"
    message = _(
        "%(code)s is not an institution code: %(division)s (its 2nd to 7th characters) "
        "is not a known division code."
    )


class InstitutionDoesNotMatchUse(TransferError):
    argument = "institution_code"
    message = _("%(use)s must be paid to an institution whose code starts with %(letter)s.")


class InstitutionNameMissing(TransferError):
    argument = "institution_name"
    message = _("The institution name is required.")


class AmountOverAvailable(TransferError):
    argument = "amount"
    message = _(
        "The amount %(amount)s is more than the %(available)s that can be shared now "
        "(balance %(balance)s, held for review %(held)s)."
    )


class NotHeld(TransferError):
    message = _("This payment is not waiting for review (status: %(status)s).")


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
    argument = "amount"
    message = _("A wallet transfer may be at most %(limit)s; this one is %(amount)s.")


class QuietHours(TransferError):
    message = _("No wallet transfers between %(start)s and %(end)s; this one is at %(time)s.")


class TransferNotPending(TransferError):
    message = _("This wallet transfer is not waiting to be accepted (status: %(status)s).")


class AcceptorIsCreator(TransferError):
    message = _("You entered this wallet transfer yourself; another clerk must accept it.")


class TransferPastCutOff(TransferError):
    message = _(
        "This wallet transfer was not accepted by its cut-off %(due)s and can no longer "
        "be accepted; the %(amount)s went back to the sender."
    )


class WalletSpendableTooLow(TransferError):
    argument = "amount"
    message = _("The wallet can pay %(spendable)s now; the amount is %(amount)s.")


class InvalidPaymentSource(TransferError):
    argument = "paid_from"
    message = _(
        "%(value)s is not what pays a settlement (the grantor's personal account or the "
        "beneficiary's wallet)."
    )


class GrantorRequired(TransferError):
    argument = "grantor_id_number"
    message = _("A payment from the grantor's personal account needs the grantor's ID number.")


class WalletPaymentNamesGrantor(TransferError):
    argument = "grantor_id_number"
    message = _(
        "A payment from the wallet names no grantor: the beneficiary's own wallet pays, "
        "from the money relatives transferred into it. Leave the grantor empty."
    )


class InvalidUse(TransferError):
    argument = "use"
    message = _("%(use)s is not a use that shared money may pay for.")
