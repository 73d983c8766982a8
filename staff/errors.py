"""Refusals of staff administration, one class per failure (see accounts.errors)."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class UserOutrankedYou(DomainError):
    message = _(
        "%(username)s has permissions that you do not have: only a user who has all of "
        "them may change this user or reset the password."
    )


class SecondFactorWrongCode(DomainError):
    argument = "token"
    message = _("The code is wrong or has expired: enter the code the app shows now.")


class SecondFactorThrottled(DomainError):
    argument = "token"
    message = _("Too many wrong codes: wait %(seconds)s seconds, then try again.")


class SecondFactorAlreadySet(DomainError):
    message = _("You already have an authenticator app for signing in.")
