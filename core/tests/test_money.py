"""``parse_amount``: the one reading of amounts from users and files (docs/FILES.md).

The expected values are written out by hand: what each text means to a person.
"""

from decimal import Decimal

import pytest
from django.utils import translation

from core.errors import InvalidAmount
from core.money import parse_amount

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("100", "100.00"),
        ("100.5", "100.50"),
        ("100.50", "100.50"),
        (" 3.33 ", "3.33"),
        ("1,000.00", "1000.00"),
        ("1,000", "1000.00"),
        ("12,345,678.90", "12345678.90"),
        ("¥1,000.00", "1000.00"),  # what Excel writes into a CSV for a currency cell
        ("￥1,000.00", "1000.00"),  # the full-width yuan sign of a Chinese input method
        ("¥ 3.33", "3.33"),
        ("１，０００．５０", "1000.50"),  # full-width digits, comma and point
        ("１００", "100.00"),
    ],
)
def test_oracle_amount_texts_read_as_a_person_reads_them(text, expected):
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["1,50", "1,0,0", "1,0000.00", ",100", "100,", "1,000,00"])
def test_a_comma_that_is_not_a_thousands_separator_is_refused(text):
    with pytest.raises(InvalidAmount) as refused:
        parse_amount(text)
    assert str(refused.value) == (
        f"{text} is not a valid amount: a comma may only separate thousands, as in 1,000.00"
    )


@pytest.mark.parametrize(
    "text, reason",
    [
        ("1e2", "not a number"),  # Decimal would read 100
        ("1 000", "not a number"),
        ("$100", "not a number"),
        ("100元", "not a number"),
        ("①", "not a number"),  # NFKC would read 1
        (".5", "not a number"),
        ("100.", "not a number"),
        ("NaN", "not a number"),
        ("¥-5", "not a number"),
        ("-5", "negative"),
        ("-¥5", "negative"),
        ("1.005", "more than two decimal places"),
        ("0", "zero"),
        ("1,000,000,000,000", "too large"),
    ],
)
def test_other_texts_are_refused_with_the_value_and_reason(text, reason):
    with pytest.raises(InvalidAmount) as refused:
        parse_amount(text)
    assert str(refused.value) == f"{text} is not a valid amount: {reason}"


def test_numbers_are_taken_at_their_value_and_floats_refused():
    assert parse_amount(Decimal("1E+3")) == Decimal("1000.00")
    assert parse_amount(25) == Decimal("25.00")
    with pytest.raises(TypeError):
        parse_amount(1.5)


def test_the_refusal_in_chinese_shows_the_value():
    with translation.override("zh-hans"):
        with pytest.raises(InvalidAmount) as refused:
            parse_amount("1,50")
        assert str(refused.value) == "“1,50”不是有效金额：逗号只能作千位分隔符，如 1,000.00"
