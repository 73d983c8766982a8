"""Amounts of money: yuan as ``Decimal`` with exactly two places, never float."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from accounts.errors import InvalidAmount

CENT = Decimal("0.01")


def parse_amount(value, *, allow_zero: bool = False) -> Decimal:
    """A positive amount from user or file input: ``100``, ``100.5``, ``1,000.00``.

    Refuses floats (they are not exact), more than two decimals, negatives and
    zero, with the reason in the error.
    """
    if isinstance(value, float):
        raise TypeError("amounts must not be floats")
    text = str(value).strip().replace(",", "") if value is not None else ""
    if not text:
        raise InvalidAmount(value=value or "", reason=_("empty"))
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise InvalidAmount(value=value, reason=_("not a number")) from None
    if not amount.is_finite():
        raise InvalidAmount(value=value, reason=_("not a number"))
    try:
        cents = amount.quantize(CENT)
    except InvalidOperation:  # more digits than the decimal context holds
        raise InvalidAmount(value=value, reason=_("too large")) from None
    if cents != amount:
        raise InvalidAmount(value=value, reason=_("more than two decimal places"))
    amount = cents
    if amount < 0:
        raise InvalidAmount(value=value, reason=_("negative"))
    if amount == 0 and not allow_zero:
        raise InvalidAmount(value=value, reason=_("zero"))
    if amount >= Decimal("1e12"):
        raise InvalidAmount(value=value, reason=_("too large"))
    return amount
