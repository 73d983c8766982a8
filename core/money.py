"""Amounts of money: yuan as ``Decimal`` with exactly two places, never float.

Text is read by one strict grammar (docs/FILES.md): digits with an optional
fraction, commas only as thousands separators in their places (``1,000.00``;
``1,50`` is refused, never read as 150), an optional leading ``¥`` / ``￥`` (what
Excel writes into a CSV for a currency cell), and full-width digits, comma and
point read as their ASCII forms (what a Chinese input method types). Anything
else is refused, naming the value: nothing is dropped to make a number fit.
"""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.errors import InvalidAmount

CENT = Decimal("0.01")

# Full-width forms of the characters an amount may hold (U+FF10–FF19, U+FF0C,
# U+FF0E, U+FF0D, U+FFE5), read as what they are; nothing broader like NFKC,
# which would also turn ① into 1.
FULL_WIDTH = str.maketrans("０１２３４５６７８９，．－￥", "0123456789,.-¥")
AMOUNT_TEXT = re.compile(r"^(?P<minus>-?)¥?\s*(?P<number>[0-9,]+(?:\.[0-9]+)?)$")
GROUPED = re.compile(r"^[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?$")


def parse_amount(value, *, allow_zero: bool = False) -> Decimal:
    """A positive amount from user or file input: ``100``, ``100.5``, ``1,000.00``.

    Refuses floats (they are not exact), text outside the grammar of the module
    docstring, more than two decimals, negatives and zero, with the reason in
    the error. A ``Decimal`` or ``int`` (a form field, a workbook's number
    cell) is taken as it is.
    """
    if isinstance(value, float):
        raise TypeError("amounts must not be floats")
    if value is None or str(value).strip() == "":
        raise InvalidAmount(value="", reason=_("empty"))
    amount = Decimal(value) if isinstance(value, Decimal | int) else _from_text(str(value))
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


def _from_text(value: str) -> Decimal:
    text = value.strip().translate(FULL_WIDTH)
    match = AMOUNT_TEXT.match(text)
    if not match:
        raise InvalidAmount(value=value, reason=_("not a number"))
    number = match["number"]
    if "," in number and not GROUPED.match(number):
        raise InvalidAmount(
            value=value, reason=_("a comma may only separate thousands, as in 1,000.00")
        )
    amount = Decimal(number.replace(",", ""))
    return -amount if match["minus"] else amount
