"""Person and credit files saved by a real office suite (LibreOffice Calc), imported
through the commands a scheduled job runs: ID numbers stored as numbers are refused,
never corrupted; dates and amounts in the forms a hall's programs write are read
as they mean. The files are what LibreOffice makes (``office_file``); the expected
values are written out by hand."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.models import InsuredPerson, LedgerEntry
from accounts.selectors import ledger_mismatches
from accounts.tests.factories import make_id_number, make_person
from core.idnumbers import normalize_id_number
from core.tests.files import import_command_run, office_file

PERSON_HEADER = [
    "姓名",
    "公民身份号码",
    "险种类型",
    "参保状态",
    "参保统筹区",
    "联系电话",
    "参保日期",
]
CREDIT_HEADER = ["批次号", "公民身份号码", "划入年月", "金额"]
# A real number whose 15 significant digits, padded with zeros, are another valid
# one (about 1 number in 11 is so): what an office program silently made of it.
REAL, ROUNDED = "320505199001028107", "320505199001028000"


def test_oracle_id_number_stored_as_a_number_is_refused_never_registered_as_another(
    db, tmp_path, supervisor
):
    assert normalize_id_number(ROUNDED) == ROUNDED  # the corruption would pass every check
    rows = [PERSON_HEADER, ["张伟", REAL, "310", "参保缴费", "320500", "13812345678", "2020-01-01"]]
    status, _out, err = import_command_run(
        "import_persons", office_file(rows), tmp_path, "--operator", supervisor.username
    )
    assert status == 1
    assert err.splitlines() == [
        "row 2, column 公民身份号码: 该列须以文本格式保存（单元格为数字 3.20505199001028E+17）",
        "row 2, column 联系电话: 该列须以文本格式保存（单元格为数字 13812345678）",
    ]
    assert InsuredPerson.objects.count() == 0

    as_text = office_file(rows, text_columns=("公民身份号码", "联系电话"))
    status, out, _err = import_command_run(
        "import_persons", as_text, tmp_path, "--operator", supervisor.username
    )
    assert status == 0, out
    person = InsuredPerson.objects.get()
    assert (person.id_number, person.phone) == (REAL, "13812345678")


@pytest.mark.parametrize("text_dates", [False, True], ids=["date cells", "text cells"])
def test_enrolment_dates_in_the_common_forms_are_read_as_the_same_day(
    db, tmp_path, supervisor, text_dates
):
    forms = ["2025-03-05", "2025/3/5", "2025年3月5日", "2025-3-5"]
    numbers = [make_id_number() for _form in forms]
    rows = [PERSON_HEADER] + [
        ["张伟", number, "310", "参保缴费", "320500", "", form]
        for number, form in zip(numbers, forms, strict=True)
    ]
    text_columns = ("公民身份号码", "参保日期") if text_dates else ("公民身份号码",)
    content = office_file(rows, text_columns=text_columns)
    status, out, err = import_command_run(
        "import_persons", content, tmp_path, "--operator", supervisor.username
    )
    assert (status, err) == (0, ""), out
    assert "新增 4" in out
    enrolled = InsuredPerson.objects.filter(id_number__in=numbers).values_list("enrolled_on")
    assert set(enrolled) == {(dt.date(2025, 3, 5),)}


@pytest.mark.parametrize("text_dates", [False, True], ids=["as typed", "text cells"])
def test_a_date_that_does_not_exist_is_refused_naming_row_and_column(
    db, tmp_path, supervisor, text_dates
):
    rows = [
        PERSON_HEADER,
        ["张伟", make_id_number(), "310", "参保缴费", "320500", "", "2025-03-05"],
        ["王芳", make_id_number(), "310", "参保缴费", "320500", "", "2025-02-30"],
    ]
    text_columns = ("公民身份号码", "参保日期") if text_dates else ("公民身份号码",)
    content = office_file(rows, text_columns=text_columns)
    status, _out, err = import_command_run("import_persons", content, tmp_path, "--dry-run")
    assert status == 1
    assert err.splitlines() == ["row 3, column 参保日期: “2025-02-30”是不存在的日期。"]
    assert InsuredPerson.objects.count() == 0


def test_oracle_amounts_as_numbers_text_and_with_separators_credit_the_same(
    db, tmp_path, clerk, supervisor
):
    """Each person is credited ¥1,000.00, written as a clerk's programs write it."""
    written = ["1000", "1,000.00", "1000.00", "￥1,000.00", "¥1,000.00", "１，０００．００"]
    people = [make_person(name=f"职工{i}", operator=clerk) for i in range(len(written))]
    rows = [CREDIT_HEADER] + [
        ["2025-03-320500-01", person.id_number, "2025-03", amount]
        for person, amount in zip(people, written, strict=True)
    ]
    for text_columns in (("公民身份号码",), ("公民身份号码", "金额")):
        status, out, err = import_command_run(
            "import_credits", office_file(rows, text_columns=text_columns), tmp_path
        )
        assert (status, err) == (0, ""), out
    for person in people:
        person.account.refresh_from_db()
        assert person.account.balance == Decimal("1000.00")
    assert LedgerEntry.objects.filter(reference="2025-03-320500-01").count() == len(written)
    assert ledger_mismatches() == []


def test_an_amount_whose_comma_is_no_thousands_separator_is_refused(db, tmp_path, clerk):
    people = [make_person(name=f"职工{i}", operator=clerk) for i in range(3)]
    rows = [CREDIT_HEADER] + [
        ["2025-03-320500-01", person.id_number, "2025-03", amount]
        for person, amount in zip(people, ["100", "1,50", "1,0,0"], strict=True)
    ]
    content = office_file(rows, text_columns=("公民身份号码", "金额"))
    status, _out, err = import_command_run("import_credits", content, tmp_path)
    assert status == 1
    assert err.splitlines() == [
        "row 3, column 金额: “1,50”不是有效金额：逗号只能作千位分隔符，如 1,000.00",
        "row 4, column 金额: “1,0,0”不是有效金额：逗号只能作千位分隔符，如 1,000.00",
    ]
    assert LedgerEntry.objects.filter(reference="2025-03-320500-01").count() == 0


def test_batch_number_stored_as_a_number_is_refused(db, tmp_path, clerk):
    person = make_person(operator=clerk)
    rows = [CREDIT_HEADER, ["202503001", person.id_number, "2025-03", "100"]]
    status, _out, err = import_command_run(
        "import_credits", office_file(rows, text_columns=("公民身份号码",)), tmp_path
    )
    assert status == 1
    assert err.splitlines() == [
        "row 2, column 批次号: 该列须以文本格式保存（单元格为数字 202503001）"
    ]
    assert LedgerEntry.objects.filter(kind="credit", reference="202503001").count() == 0


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_xls_and_ods_are_refused_saying_to_save_as_xlsx(db, tmp_path, fmt):
    rows = [PERSON_HEADER, ["张伟", make_id_number(), "310", "参保缴费", "320500", "", ""]]
    status, _out, err = import_command_run(
        "import_persons", office_file(rows, fmt), tmp_path, "--dry-run"
    )
    assert status == 1
    assert "另存为 .xlsx" in err
    assert InsuredPerson.objects.count() == 0
