"""公民身份号码 (GB 11643): normalising, validating, and what the number tells.

A number is assigned when the person is registered, often years after birth, so
the division code is accepted if it existed in any era (python-stdnum's table of
codes with their years); ``stdnum.cn.ric.validate`` refuses such numbers when the
code was created after the birth year, so it is not used here.
"""

import datetime as dt
import functools

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import ric

from core.dates import local_today


def normalize_id_number(value: str) -> str:
    """The number in its stored form (trimmed, trailing ``x`` as ``X``), or ValidationError.

    A valid number is remembered for the day (its birth date is "not in the future"
    only until midnight): a settlement file names each person several times, and the
    checks cost some 0.15 ms a number. A refusal is not remembered. The day is the
    deployment's (``core.dates.local_today``: ``timezone.localdate()`` was most of a
    remembered number's cost, and a settlement row has six)."""
    return _normalized((value or "").strip().upper(), local_today())


@functools.lru_cache(maxsize=65536)
def _normalized(number: str, today: dt.date) -> str:
    if len(number) != 18:
        raise ValidationError(
            _("An ID number has 18 characters; this one has %(count)d.") % {"count": len(number)},
            code="length",
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(
            _("An ID number is 17 digits followed by a digit or X."), code="format"
        )
    if check_character(number[:17]) != number[17]:
        raise ValidationError(_("The check digit of the ID number is wrong."), code="check_digit")
    try:
        birth = birth_date(number)
    except ValueError:
        raise ValidationError(
            _("The birth date in the ID number is not a real date."), code="birth_date"
        ) from None
    if birth > today:
        raise ValidationError(
            _("The birth date in the ID number is in the future."), code="birth_date"
        )
    if not division_code_known(number[:6]):
        raise ValidationError(
            _("The first six digits of the ID number are not a known division code."),
            code="division",
        )
    return number


@functools.lru_cache(maxsize=8192)
def division_code_known(code: str) -> bool:
    """True when python-stdnum's table names the 6-digit code in any era (province
    part, then county part); institution codes carry one too. Remembered: the
    table's lookup costs a millisecond, and a file repeats a few hundred codes."""
    parts = numdb.get("cn/loc").info(code)
    return len(parts) == 2 and bool(parts[1][1])


def birth_date(number: str) -> dt.date:
    """Birth date from digits 7–14 (ValueError if it is not a date)."""
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def gender(number: str) -> str:
    """``M`` or ``F``: the 17th digit is odd for men, even for women."""
    return "M" if int(number[16]) % 2 else "F"


def check_character(body: str) -> str:
    """The check character (0–9 or X) of a 17-digit body, by ISO 7064 MOD 11-2.

    ``stdnum.cn.ric.calc_check_digit`` takes the whole 18-character number and drops
    its last character itself; given the 17-digit body it would drop a digit of the
    body. Hence the placeholder appended here.
    """
    return ric.calc_check_digit(body + "?")


def compose_id_number(division_code: str, birth: dt.date, order: int) -> str:
    """A valid number from its parts (demo data and tests): the order's parity is the gender."""
    body = f"{division_code}{birth:%Y%m%d}{order:03d}"
    return body + check_character(body)
