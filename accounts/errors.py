"""Domain errors of people, accounts, the ledger and agreements.

Each failure has one class and one message, defined here once. Services raise
them; the admin, imports and commands show ``str(error)`` (Chinese under the
zh-hans locale); tests assert the class. ``argument`` names the service argument
a refusal is about (``core.errors.DomainError``).
"""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.masking import mask_id_number


class InsufficientBalance(DomainError):
    message = _("The balance %(balance)s is less than the amount %(amount)s.")


class AccountNotOpen(DomainError):
    message = _("Account %(number)s is %(status)s, not open.")


class IdempotencyConflict(DomainError):
    message = _(
        "The idempotency key %(key)s was already used for a different posting; nothing was posted."
    )


class AlreadyReversed(DomainError):
    message = _("This entry has already been reversed.")


class ReversalOfReversal(DomainError):
    message = _("A reversal cannot itself be reversed.")


class NotAnEmployee(DomainError):
    message = _("%(name)s is not in the employee scheme (310) and has no personal account.")


class StatusChangeNeedsReason(DomainError):
    argument = "reason"
    message = _("Changing the status of an account needs a reason.")


class AccountTransitionNotAllowed(DomainError):
    message = _("Account %(number)s is %(current)s and cannot become %(status)s.")


class AccountCloseNotEmpty(DomainError):
    message = _("Account %(number)s still holds %(balance)s; only an empty account can be closed.")


class AccountCloseWithAgreements(DomainError):
    message = _(
        "Account %(number)s pays for a relative under a pending or approved sharing agreement; "
        "end the agreement before closing the account."
    )


class EnrolmentDateAfterChange(DomainError):
    argument = "enrolled_on"
    message = _(
        "The enrolment date %(enrolled_on)s is after the enrolment change of %(changed_on)s "
        "already recorded; an enrolment date must come before it."
    )


class UnknownRegion(DomainError):
    message = _("%(code)s is not a known pooling region.")


class PolicyBlocks(DomainError):
    message = _(
        "The policy of %(province)s does not allow %(part)s on %(on_date)s "
        "(in force since: %(since)s)."
    )


class PersonNotFound(DomainError):
    message = _("No insured person is registered with the ID number %(id_number)s.")


class CreditMonthInFuture(DomainError):
    message = _("The month %(month)s has not begun yet.")


class CreditAboveLimit(DomainError):
    message = _(
        "A credit of %(amount)s is above the plausible %(limit)s per credit "
        "(YIBAO_CREDIT_MAX_AMOUNT); check the amount."
    )


class CreditConflict(DomainError):
    message = _(
        "Batch %(batch)s already credited %(amount)s for %(month)s to this person; "
        "a different amount or month is refused, the posted credit stays as it is."
    )


# Sharing agreements (共济关系): one class per rule of DOMAIN.md.


class InvalidIdNumber(DomainError):
    message = _("%(id_number)s is not a valid ID number: %(reason)s")


class GrantorNotEmployee(DomainError):
    argument = "grantor_id_number"
    message = _(
        "%(name)s cannot be a grantor: only a person in the employee scheme (310) "
        "with a personal account can share it."
    )


class GrantorAccountNotOpen(DomainError):
    argument = "grantor_id_number"
    message = _(
        "%(name)s cannot be a grantor: the personal account %(number)s is %(status)s, not open."
    )


class GrantorNotActive(DomainError):
    argument = "grantor_id_number"
    message = _("%(name)s cannot be a grantor: the enrolment status is %(status)s, not active.")


class BeneficiaryNotActive(DomainError):
    argument = "beneficiary_id_number"
    message = _("%(name)s cannot be a beneficiary: the enrolment status is %(status)s, not active.")


class SamePerson(DomainError):
    argument = "beneficiary_id_number"
    message = _("The grantor and the beneficiary must be two different people.")


class RelationshipNotAllowed(PolicyBlocks):
    argument = "relationship"
    message = _(
        "The policy of %(province)s (the grantor's province) does not allow the relationship "
        "“%(relationship)s” on %(on_date)s: %(part)s in force since: %(since)s."
    )


class BeneficiaryNotOlder(DomainError):
    argument = "relationship"
    message = _(
        "The birth dates contradict the relationship: as the grantor's %(relationship)s, "
        "%(beneficiary)s (born %(beneficiary_born)s) must be older than %(grantor)s "
        "(born %(grantor_born)s)."
    )


class BeneficiaryNotYounger(DomainError):
    argument = "relationship"
    message = _(
        "The birth dates contradict the relationship: as the grantor's %(relationship)s, "
        "%(beneficiary)s (born %(beneficiary_born)s) must be younger than %(grantor)s "
        "(born %(grantor_born)s)."
    )


class BeneficiaryCapReached(DomainError):
    argument = "grantor_id_number"
    message = _(
        "%(name)s already shares with %(count)s beneficiaries, the cap of the pooling "
        "region %(region)s."
    )


class AgreementExists(DomainError):
    argument = "beneficiary_id_number"
    message = _(
        "%(grantor)s already has a sharing agreement with %(beneficiary)s that is pending "
        "review or in force."
    )


class EvidenceScanTooLarge(DomainError):
    argument = "evidence_scan"
    message = _("The evidence scan is %(size)s MB; at most %(limit)s MB is accepted.")


class EvidenceScanWrongType(DomainError):
    argument = "evidence_scan"
    message = _("The evidence scan must be a PDF, JPEG or PNG file (checked by its content).")


class AgreementBatchRefused(DomainError):
    """Some beneficiaries of a counter batch were refused, so none was registered.
    ``refusals``: (position, ID number as entered, error) of each."""

    message = _("Nothing was registered. Refused: %(refused)s")

    def __init__(self, refusals):
        self.refusals = refusals
        refused = "; ".join(
            str(_("beneficiary %(position)d (%(id_number)s): %(error)s"))
            % {"position": position, "id_number": mask_id_number(number), "error": error}
            for position, number, error in refusals
        )
        super().__init__(refused=refused)


class AgreementNotPending(DomainError):
    message = _(
        "Agreement no. %(number)s is %(status)s: only an agreement pending review can be "
        "approved or rejected."
    )


class AgreementNotLive(DomainError):
    message = _("Agreement no. %(number)s is %(status)s and cannot be ended.")


class OwnBatchApproval(DomainError):
    message = _(
        "%(user)s cannot approve the batch they import; a second user approves it (--approved-by)."
    )


class EndNeedsReason(DomainError):
    argument = "reason"
    message = _("Ending an agreement on request needs a reason.")
