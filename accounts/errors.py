"""Domain errors of people, accounts, the ledger and agreements.

Each failure has one class and one message, defined here once. Services raise
them; the admin, imports and commands show ``str(error)`` (Chinese under the
zh-hans locale); tests assert the class.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule refused the action. ``message`` is a lazy translated template."""

    message = _("The action is not allowed.")

    def __init__(self, **params):
        self.params = params
        super().__init__(str(self))

    def __str__(self):
        return str(self.message) % self.params if self.params else str(self.message)


class InvalidAmount(DomainError):
    message = _("%(value)s is not a valid amount: %(reason)s")


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


class FreezeNeedsReason(DomainError):
    message = _("Freezing an account needs a reason.")


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


class CreditConflict(DomainError):
    message = _(
        "Batch %(batch)s already credited %(amount)s for %(month)s to this person; "
        "a different amount or month is refused, the posted credit stays as it is."
    )
