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


CAPITAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
CAPITAL_PLACES = ("", "拾", "佰", "仟")
CAPITAL_GROUPS = ("", "万", "亿")


def amount_in_capitals(amount: Decimal) -> str:
    """``Decimal("1409.50")`` → ``人民币壹仟肆佰零玖元伍角``.

    中国人民银行《正确填写票据和结算凭证的基本规定》: 人民币 in front, every digit
    written (壹拾, never a bare 拾), one 零 for each run of zeros inside the yuan,
    零 after 元 when the 角 is 0 and the 分 is not, 整 after 元 when there are no
    角 and 分 (after 角 the rule leaves it out, as its examples do). Where the rule
    allows a 零 or none (a 0 in the 元 place before a 角, 1,680.32), none is
    written. Amounts are those ``parse_amount`` accepts, below one trillion.
    """
    if isinstance(amount, float):
        raise TypeError("amounts must not be floats")
    if amount < 0 or amount >= Decimal("1e12") or amount.quantize(CENT) != amount:
        raise ValueError(f"not an amount of yuan and fen: {amount}")
    cents = int(amount * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    words = _yuan_in_capitals(yuan) + "元" if yuan else ""
    if jiao:
        words += CAPITAL_DIGITS[jiao] + "角"
    elif fen and yuan:
        words += "零"
    if fen:
        words += CAPITAL_DIGITS[fen] + "分"
    elif not jiao:
        words = (words or "零元") + "整"
    return "人民币" + words


def _yuan_in_capitals(yuan: int) -> str:
    """The whole yuan in groups of four digits (万, 亿); one 零 per run of zeros."""
    text = str(yuan)
    words, zeros, group_written = [], False, False
    for index, char in enumerate(text):
        position = len(text) - 1 - index
        place, group = position % 4, position // 4
        if char == "0":
            zeros = bool(words)
        else:
            if zeros:
                words.append("零")
                zeros = False
            words.append(CAPITAL_DIGITS[int(char)] + CAPITAL_PLACES[place])
            group_written = True
        if place == 0 and group_written:
            words.append(CAPITAL_GROUPS[group])
            group_written = False
    return "".join(words)
