"""Password rules beyond Django's: no username and no calendar date inside.

Why: at a service hall the first guesses at a colleague's password are their
login name and a birthday; Django's similarity check misses "clerk7!2024" and
knows nothing of dates. Dates are found as 8 digits (19800517), 6 digits
(800517) or with separators (1980-5-17, 1980.05.17, 1980年5月17日), and only
when they name a real day.
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_SEPARATED = re.compile(r"(\d{4}|\d{2})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})")
_DIGITS = re.compile(r"\d{6,}")


def _is_day(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _year(digits: str) -> int:
    """A two-digit year as a person means it: 00–29 this century, else the last."""
    year = int(digits)
    if len(digits) == 2:
        year += 2000 if year < 30 else 1900
    return year


def contains_date(password: str) -> bool:
    for y, m, d in _SEPARATED.findall(password):
        if _is_day(_year(y), int(m), int(d)):
            return True
    for run in _DIGITS.findall(password):
        for width, year_digits in ((8, 4), (6, 2)):
            for i in range(len(run) - width + 1):
                part = run[i : i + width]
                year, rest = part[:year_digits], part[year_digits:]
                if (width == 6 or year[:2] in ("19", "20")) and _is_day(
                    _year(year), int(rest[:2]), int(rest[2:])
                ):
                    return True
    return False


class NoUsernameOrDateValidator:
    """AUTH_PASSWORD_VALIDATORS entry: refuses the username and any date inside."""

    def validate(self, password, user=None):
        username = user.get_username() if user is not None else ""
        if len(username) >= 3 and username.lower() in password.lower():
            raise ValidationError(
                _("The password must not contain the username."), code="password_has_username"
            )
        if contains_date(password):
            raise ValidationError(
                _("The password must not contain a date (such as a birthday)."),
                code="password_has_date",
            )

    def get_help_text(self):
        return _("Your password must not contain your username or a date.")
