"""``amount_in_capitals``: amounts in capitals (人民币大写) as a bank clerk writes them."""

from decimal import Decimal

import pytest

from core.money import amount_in_capitals


@pytest.mark.parametrize(
    "amount, allowed",
    [
        ("1409.50", {"人民币壹仟肆佰零玖元伍角"}),
        ("6007.14", {"人民币陆仟零柒元壹角肆分"}),
        ("1680.32", {"人民币壹仟陆佰捌拾元零叁角贰分", "人民币壹仟陆佰捌拾元叁角贰分"}),
        ("107000.53", {"人民币壹拾万柒仟元零伍角叁分", "人民币壹拾万零柒仟元伍角叁分"}),
        ("16409.02", {"人民币壹万陆仟肆佰零玖元零贰分"}),
        ("325.04", {"人民币叁佰贰拾伍元零肆分"}),
    ],
)
def test_oracle_the_examples_of_the_peoples_bank_rules(amount, allowed):
    """The worked examples of 中国人民银行《正确填写票据和结算凭证的基本规定》 (1997),
    section 四 (一)–(四), copied literally; where the rule says 应写成 A, 或者写成 B,
    both are allowed. Text as quoted at http://m.ningxialong.com/c/0QDM23R022_3.html
    and http://m.ningxialong.com/c/0920101I952022_2.html.
    """
    assert amount_in_capitals(Decimal(amount)) in allowed


@pytest.mark.parametrize(
    "amount, expected",
    [
        ("300.00", "人民币叁佰元整"),  # 到元为止, 元后写整
        ("10.00", "人民币壹拾元整"),  # a leading ten is 壹拾, never a bare 拾
        ("110000.00", "人民币壹拾壹万元整"),
        ("100500.00", "人民币壹拾万零伍佰元整"),  # 仟 is 0 too: the 零 is not optional
        ("1000000500.00", "人民币壹拾亿零伍佰元整"),  # a whole zero 万 group, one 零
        ("1010.00", "人民币壹仟零壹拾元整"),
        ("0.50", "人民币伍角"),
        ("0.05", "人民币伍分"),
        ("0.00", "人民币零元整"),
        ("999999999999.99", "人民币玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_amounts_written_out_by_hand(amount, expected):
    assert amount_in_capitals(Decimal(amount)) == expected


@pytest.mark.parametrize("amount", ["-1.00", "0.001", "1000000000000.00"])
def test_what_is_not_an_amount_of_yuan_and_fen_is_refused(amount):
    with pytest.raises(ValueError):
        amount_in_capitals(Decimal(amount))
