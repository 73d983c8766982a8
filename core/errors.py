"""The base of every domain error, and the errors of the shared layer itself.

Each failure has one class and one message. Services raise them; the admin,
imports and commands show ``str(error)`` (Chinese under the zh-hans locale);
tests assert the class. ``argument`` names the service argument (form field,
file column) an error is about, where it is about one.
"""

from contextlib import contextmanager

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule refused the action. ``message`` is a lazy translated template."""

    message = _("The action is not allowed.")
    # The service argument (form field, file column) the refusal is about, if one:
    # a class's own, or set on the instance by the service that knows the name.
    argument: str | None = None

    def __init__(self, **params):
        self.params = params
        super().__init__(str(self))

    def __str__(self):
        return str(self.message) % self.params if self.params else str(self.message)


@contextmanager
def about(argument: str):
    """A refusal raised inside names ``argument``: the caller knows what it passed
    (the same lookup of an ID number is about the grantor in one call, the
    beneficiary in the next)."""
    try:
        yield
    except DomainError as error:
        error.argument = argument
        raise


class InvalidAmount(DomainError):
    argument = "amount"
    message = _("%(value)s is not a valid amount: %(reason)s")


class SettingNotPositive(DomainError):
    message = _("%(setting)s must be greater than zero.")


class ReasonRequired(DomainError):
    argument = "reason"
    message = _("A reason is required.")
