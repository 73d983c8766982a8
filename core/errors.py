"""The base of every domain error, and the errors of the shared layer itself.

Each failure has one class and one message. Services raise them; the admin,
imports and commands show ``str(error)`` (Chinese under the zh-hans locale);
tests assert the class. ``argument`` names the service argument (form field,
file column) an error is about, where it is about one.
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


class SettingNotPositive(DomainError):
    message = _("%(setting)s must be greater than zero.")
