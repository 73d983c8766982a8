"""ID numbers (公民身份号码): check digit, birth date, division code of any era.

The ``test_oracle_*`` tests check the project against references it did not write:
the check-digit formula of GB 11643-1999 written out here, the standard's own printed
example, and python-stdnum's ``is_valid``.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumValidationError

from core.idnumbers import (
    birth_date,
    check_character,
    compose_id_number,
    gender,
    normalize_id_number,
)
from core.masking import mask_id_number, mask_name, mask_phone
from core.tests.oracles import gb11643_check_character


def test_oracle_the_standards_printed_example_is_accepted():
    # GB 11643-1999, appendix: 11010519491231002X, a woman born 1949-12-31 in 朝阳区.
    assert normalize_id_number("11010519491231002X") == "11010519491231002X"
    assert normalize_id_number(" 11010519491231002x ") == "11010519491231002X"
    assert birth_date("11010519491231002X") == dt.date(1949, 12, 31)
    assert gender("11010519491231002X") == "F"


def test_oracle_the_standards_example_with_any_other_check_character_is_refused():
    for other in "0123456789":
        with pytest.raises(ValidationError) as error:
            normalize_id_number("11010519491231002" + other)
        assert error.value.code == "check_digit"


def stdnum_accepts_check_character(number: str) -> bool:
    """python-stdnum's verdict on the check character alone (its ``validate`` also
    refuses a division code created after the birth year, which is not our rule)."""
    try:
        ric.validate(number)
    except InvalidChecksum:
        return False
    except StdnumValidationError:
        return True
    return True


bodies = st.builds(
    lambda birth, order: f"320505{birth:%Y%m%d}{order:03d}",
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
    st.integers(min_value=0, max_value=999),
)


@settings(max_examples=3000, deadline=None)
@given(body=bodies, given_check=st.sampled_from("0123456789X"))
def test_oracle_exactly_the_standards_check_character_is_accepted(body, given_check):
    number = body + given_check
    expected = gb11643_check_character(body)
    assert check_character(body) == expected
    assert stdnum_accepts_check_character(number) == (given_check == expected)
    if given_check == expected:
        assert normalize_id_number(number) == number
    else:
        with pytest.raises(ValidationError) as error:
            normalize_id_number(number)
        assert error.value.code == "check_digit"


@settings(max_examples=500, deadline=None)
@given(body=bodies, position=st.integers(min_value=0, max_value=16), shift=st.integers(1, 9))
def test_oracle_one_wrong_digit_anywhere_is_refused(body, position, shift):
    """MOD 11-2 detects every single-digit error: any changed digit is refused."""
    number = body + gb11643_check_character(body)
    changed = str((int(number[position]) + shift) % 10)
    wrong = number[:position] + changed + number[position + 1 :]
    with pytest.raises(ValidationError):
        normalize_id_number(wrong)


def test_composed_numbers_carry_the_standards_check_character():
    number = compose_id_number("320505", dt.date(2015, 1, 1), 612)
    assert number[17] == gb11643_check_character(number[:17])
    assert ric.is_valid(number)  # 320505 (虎丘区) is in stdnum's table for 2015


def test_person_born_long_before_the_district_code_existed_is_accepted():
    # 320583 昆山市 exists since 1989; a person born in 1950 got the number later.
    number = compose_id_number("320583", dt.date(1950, 4, 1), 21)
    assert normalize_id_number(number) == number


def test_code_of_a_district_abolished_since_is_accepted():
    # 110103 崇文区 was merged away in 2010; numbers issued before stay valid.
    number = compose_id_number("110103", dt.date(1970, 1, 1), 33)
    assert normalize_id_number(number) == number


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        ("11010519491231002", "18 位"),
        ("1101051949123100XX", "17 位数字"),
        ("110105194912310021", "校验码"),
        ("999999" + "19800101" + "001" + "0", "区划代码"),
    ],
)
def test_invalid_numbers_are_refused_with_the_reason(number, fragment):
    if fragment == "区划代码":
        number = number[:17] + gb11643_check_character(number[:17])
    with pytest.raises(ValidationError) as error:
        normalize_id_number(number)
    assert fragment in error.value.messages[0]


def test_impossible_and_future_birth_dates_are_refused():
    feb30 = "320500" + "19900230" + "011"
    with pytest.raises(ValidationError, match="有效日期"):
        normalize_id_number(feb30 + gb11643_check_character(feb30))
    future = compose_id_number("320500", dt.date.today() + dt.timedelta(days=400), 11)
    with pytest.raises(ValidationError, match="晚于今天"):
        normalize_id_number(future)


def test_one_masking_scheme():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_phone("13812341234") == "138****1234"
    assert mask_name("李小明") == "李**"
    assert mask_name("欧阳娜娜") == "欧阳**"
