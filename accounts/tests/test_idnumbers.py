"""ID numbers (公民身份号码): check digit, birth date, division code of any era."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.idnumbers import birth_date, compose_id_number, gender, normalize_id_number
from accounts.masking import mask_id_number, mask_name, mask_phone


def test_valid_number_is_accepted_and_lowercase_x_stored_as_x():
    # The check digit of 11010519491231070 is X.
    assert normalize_id_number(" 11010519491231070x ") == "11010519491231070X"
    assert birth_date("11010519491231070X") == dt.date(1949, 12, 31)
    assert gender("11010519491231070X") == "F"


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
        from stdnum.cn import ric

        number = number[:17] + ric.calc_check_digit(number[:17])
    with pytest.raises(ValidationError) as error:
        normalize_id_number(number)
    assert fragment in error.value.messages[0]


def test_impossible_and_future_birth_dates_are_refused():
    from stdnum.cn import ric

    feb30 = "320500" + "19900230" + "011"
    with pytest.raises(ValidationError, match="有效日期"):
        normalize_id_number(feb30 + ric.calc_check_digit(feb30))
    future = compose_id_number("320500", dt.date.today() + dt.timedelta(days=400), 11)
    with pytest.raises(ValidationError, match="晚于今天"):
        normalize_id_number(future)


def test_one_masking_scheme():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_phone("13812341234") == "138****1234"
    assert mask_name("李小明") == "李**"
    assert mask_name("欧阳娜娜") == "欧阳**"
