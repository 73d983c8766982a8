"""Person and credit files (SPREADSHEETS.md §1, §2) through the import framework."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from accounts.exports import InsuredPersonExport
from accounts.imports import CreditsImport, PersonsImport
from accounts.models import (
    EnrolmentStatus,
    InsuredPerson,
    LedgerEntry,
    PersonalAccount,
    PoolingRegion,
)
from accounts.selectors import ledger_mismatches
from accounts.services.accounts import account_close, account_freeze
from accounts.services.people import person_register
from accounts.tests.factories import make_id_number, make_person
from core.exporting import write_xlsx
from core.idnumbers import check_character
from core.importing import import_run
from core.masking import mask_id_number
from core.tests.files import csv_file, xlsx_file
from core.tests.threads import run_at_once

PERSON_HEADER = [
    "姓名",
    "公民身份号码",
    "险种类型",
    "人员类别",
    "参保状态",
    "参保统筹区",
    "联系电话",
]
CREDIT_HEADER = ["批次号", "公民身份号码", "划入年月", "金额", "摘要"]


pytestmark = pytest.mark.usefixtures("english")


def person_row(number, name="张伟", scheme="310", status="参保缴费", region="320500"):
    return [name, number, scheme, "1101", status, region, "13812345678"]


def run(importer, rows, *, fmt=csv_file, dry_run=False, operator=None):
    return import_run(importer, fmt(rows), operator=operator, dry_run=dry_run)


def run_persons(rows, *, header=PERSON_HEADER, **options):
    return run(PersonsImport(), [header, *rows], **options)


def run_credits(rows, *, header=CREDIT_HEADER, **options):
    return run(CreditsImport(), [header, *rows], **options)


def errors(report):
    return [(e.row, e.column, e.message) for e in report.errors]


def id_with_check(body: str) -> str:
    return body + check_character(body)


def wrong_check_digit(number: str) -> str:
    return number[:17] + ("1" if number[17] == "0" else "0")


# Formats ------------------------------------------------------------------


@pytest.mark.parametrize(
    "fmt",
    [
        xlsx_file,
        lambda rows: csv_file(rows, "utf-8"),
        lambda rows: csv_file(rows, "utf-8-sig"),
        lambda rows: csv_file(rows, "gb18030"),
    ],
    ids=["xlsx", "csv-utf8", "csv-utf8-bom", "csv-gb18030"],
)
def test_person_file_accepted_in_every_format(db, supervisor, fmt):
    number = make_id_number()
    report = run_persons([person_row(number, name="欧阳娜娜")], fmt=fmt, operator=supervisor)
    assert report.accepted and report.written
    person = InsuredPerson.objects.get(id_number=number)
    assert person.name == "欧阳娜娜"
    assert person.created_by == supervisor
    assert PersonalAccount.objects.filter(person=person).exists()


def test_headers_in_any_order_and_excel_date_cells(db):
    number = make_id_number()
    header = ["参保日期", "参保统筹区", "参保状态", "险种类型", "公民身份号码", "姓名"]
    row = [dt.date(2020, 7, 1), 320500, "参保缴费", 390, number, "王芳"]
    report = run_persons([row], header=header, fmt=xlsx_file)
    assert report.accepted, errors(report)
    person = InsuredPerson.objects.get(id_number=number)
    assert person.enrolled_on == dt.date(2020, 7, 1)
    assert person.scheme == "390"
    assert not PersonalAccount.objects.filter(person=person).exists()


def test_scheme_by_name_and_date_as_text(db):
    number = make_id_number()
    header = [*PERSON_HEADER, "参保日期"]
    row = [*person_row(number, scheme="城乡居民基本医疗保险"), "2021-01-15"]
    assert run_persons([row], header=header).accepted
    person = InsuredPerson.objects.get(id_number=number)
    assert (person.scheme, person.enrolled_on) == ("390", dt.date(2021, 1, 15))


# Column errors --------------------------------------------------------------


def test_lowercase_x_is_stored_as_uppercase(db):
    number = next(
        n for n in (id_with_check(f"32050019800517{i:03d}") for i in range(999)) if n[-1] == "X"
    )
    assert run_persons([person_row(number.lower())]).accepted
    assert InsuredPerson.objects.filter(id_number=number).exists()


@pytest.mark.parametrize(
    "number, message",
    [
        (
            make_id_number()[:17] + "Y",
            "An ID number is 17 digits followed by a digit or X.",
        ),
        (wrong_check_digit(make_id_number()), "The check digit of the ID number is wrong."),
        (id_with_check("32050019800230001"), "The birth date in the ID number is not a real date."),
        ("3205001980", "An ID number has 18 characters; this one has 10."),
    ],
    ids=["format", "check-digit", "impossible-birth-date", "length"],
)
def test_bad_id_number_rejects_the_row_naming_row_and_column(db, number, message):
    good = make_id_number()
    report = run_persons([person_row(good), person_row(number)])
    assert errors(report) == [(3, "公民身份号码", message)]
    assert not InsuredPerson.objects.exists()


def test_unknown_region_rejected(db):
    report = run_persons([person_row(make_id_number(), region="329900")])
    assert errors(report) == [(2, "参保统筹区", "329900 is not a known pooling region.")]


def test_bad_scheme_and_status_both_reported_for_one_row(db):
    report = run_persons([person_row(make_id_number(), scheme="410", status="中止")])
    assert errors(report) == [
        (2, "险种类型", "410 is not one of: 310 / 职工基本医疗保险 / 390 / 城乡居民基本医疗保险"),
        (2, "参保状态", "中止 is not one of: 参保缴费 / 暂停 / 终止"),
    ]


def test_empty_required_cell_and_bad_phone_rejected(db):
    row = person_row(make_id_number(), name="")
    row[6] = "12345"
    report = run_persons([row])
    assert [(e.row, e.column) for e in report.errors] == [(2, "姓名"), (2, "联系电话")]
    assert report.errors[0].message == "A value is required."


def test_missing_required_column_rejects_the_file_before_any_row(db):
    header = [h for h in PERSON_HEADER if h != "参保状态"]
    report = run_persons([["x"] * len(header)], header=header)
    assert errors(report) == [
        (1, "参保状态", "This required column is missing from the header row.")
    ]
    assert report.planned == []


def test_extra_column_is_ignored_with_a_warning(db):
    number = make_id_number()
    report = run_persons([[*person_row(number), "某某"]], header=[*PERSON_HEADER, "备注"])
    assert report.accepted
    assert [(w.row, w.column) for w in report.warnings] == [(1, "备注")]
    assert str(report.warnings[0]).startswith("row 1, column 备注: ")
    assert InsuredPerson.objects.filter(id_number=number).exists()


def test_same_id_number_twice_in_one_file_rejected(db):
    number = make_id_number()
    report = run_persons([person_row(number), person_row(number)])
    assert errors(report) == [(3, "公民身份号码", "The same key is already in row 2 of this file.")]


# All or nothing, dry run, idempotency -------------------------------------------------


def test_one_bad_row_writes_nothing(db):
    rows = [person_row(make_id_number()) for _ in range(3)]
    rows.append(person_row(make_id_number(), region="999999"))
    report = run_persons(rows)
    assert not report.accepted and not report.written
    assert len(report.errors) == 1
    assert InsuredPerson.objects.count() == 0


def test_dry_run_reports_what_would_happen_and_writes_nothing(db, clerk):
    existing = make_person(name="李明", operator=clerk)
    rows = [
        person_row(make_id_number(), name="新人"),
        person_row(existing.id_number, name="李明", status="暂停"),
    ]
    report = run_persons(rows, dry_run=True)
    assert report.accepted and not report.written
    assert (report.created, report.updated, report.skipped) == (1, 1, 0)
    assert [p.action for p in report.planned] == ["create", "update"]
    assert "suspended" in report.planned[1].summary
    assert existing.id_number not in report.planned[1].summary  # masked
    assert InsuredPerson.objects.count() == 1


def test_person_file_imported_twice_changes_nothing_the_second_time(db):
    rows = [person_row(make_id_number()) for _ in range(2)]
    run_persons(rows)
    before = list(InsuredPerson.objects.values_list("id", "updated_at"))
    again = run_persons(rows)
    assert (again.created, again.updated, again.skipped) == (0, 0, 2)
    assert list(InsuredPerson.objects.values_list("id", "updated_at")) == before


def test_status_imported_as_suspended_updates_the_person(db, clerk, supervisor):
    person = make_person(name="李小明", operator=clerk)
    row = person_row(person.id_number, name="李小明", status="暂停")
    report = run_persons([row], operator=supervisor)
    assert (report.updated, report.written) == (1, True)
    person.refresh_from_db()
    assert person.status == EnrolmentStatus.SUSPENDED
    assert [(p.valid_from, p.valid_to, p.status) for p in person.enrolment_periods.all()] == [
        (None, timezone.localdate(), EnrolmentStatus.ACTIVE),
        (timezone.localdate(), None, EnrolmentStatus.SUSPENDED),
    ]
    assert person.events.latest("pgh_id").pgh_context["user"] == supervisor.pk


def test_empty_optional_cell_keeps_the_registered_value(db, clerk):
    person = make_person(name="李明", operator=clerk, phone="13900001111", category="1201")
    row = person_row(person.id_number, name="李明")
    row[3] = row[6] = ""
    report = run_persons([row])
    assert report.skipped == 1
    person.refresh_from_db()
    assert (person.phone, person.category) == ("13900001111", "1201")


# Credits ----------------------------------------------------------------------


def credit_row(person, amount="100.00", batch="2025-03-320500-01", month="2025-03"):
    return [batch, person.id_number, month, amount, "三月划入"]


def balance(person):
    return PersonalAccount.objects.get(person=person).balance


def test_month_end_credit_file_credits_every_account_once(db, clerk, supervisor):
    """Scenario 7: the credit file credits every account once; again, nothing."""
    people = [make_person(name=f"职工{i}", operator=clerk) for i in range(3)]
    rows = [credit_row(p, amount=f"{100 + i}.50") for i, p in enumerate(people)]
    first = run_credits(rows, operator=supervisor)
    assert (first.created, first.written) == (3, True)
    assert [balance(p) for p in people] == [Decimal("100.50"), Decimal("101.50"), Decimal("102.50")]
    entry = LedgerEntry.objects.get(account__person=people[0])
    assert (entry.kind, entry.reference, entry.value_date, entry.memo) == (
        "credit",
        "2025-03-320500-01",
        dt.date(2025, 3, 1),
        "三月划入",
    )
    assert entry.created_by == supervisor

    second = run_credits(rows, operator=supervisor)
    assert second.accepted
    assert (second.created, second.skipped) == (0, 3)
    assert LedgerEntry.objects.count() == 3
    assert [balance(p) for p in people] == [Decimal("100.50"), Decimal("101.50"), Decimal("102.50")]
    assert ledger_mismatches() == []


@pytest.mark.parametrize(
    "changed, column",
    [({"amount": "100.01"}, "金额"), ({"month": "2025-02"}, "划入年月")],
)
def test_same_key_with_other_amount_or_month_is_rejected_not_overwritten(
    db, clerk, changed, column
):
    person = make_person(operator=clerk)
    run_credits([credit_row(person)])
    report = run_credits([credit_row(person, **changed)])
    assert [(e.row, e.column) for e in report.errors] == [(2, column)]
    assert "already credited 100.00 for 2025-03" in report.errors[0].message
    assert balance(person) == Decimal("100.00")
    assert ledger_mismatches() == []


@pytest.mark.parametrize(
    "amount, reason",
    [
        ("1.005", "more than two decimal places"),
        ("-5", "negative"),
        ("0", "zero"),
        ("0.00", "zero"),
        ("abc", "not a number"),
    ],
)
def test_bad_amount_rejected_with_reason(db, clerk, amount, reason):
    person = make_person(operator=clerk)
    report = run_credits([credit_row(person, amount=amount)])
    assert errors(report) == [(2, "金额", f"{amount} is not a valid amount: {reason}")]
    assert LedgerEntry.objects.count() == 0


def test_amount_with_thousands_separator_accepted(db, clerk):
    person = make_person(operator=clerk)
    assert run_credits([credit_row(person, amount="1,000.5")]).accepted
    assert balance(person) == Decimal("1000.50")


@pytest.mark.parametrize(
    "month, message",
    [
        ("2025-13", "2025-13 is not a month in the form YYYY-MM."),
        ("2025/03", "2025/03 is not a month in the form YYYY-MM."),
        ("2999-01", "The month 2999-01 has not begun yet."),
    ],
)
def test_bad_month_rejected(db, clerk, month, message):
    person = make_person(operator=clerk)
    assert errors(run_credits([credit_row(person, month=month)])) == [(2, "划入年月", message)]


def test_credit_for_unknown_person_or_resident_rejected(db, clerk):
    resident = make_person(name="王芳", scheme="390", operator=clerk)
    stranger = make_id_number()
    rows = [credit_row(resident), ["2025-03-320500-01", stranger, "2025-03", "10", ""]]
    report = run_credits(rows)
    assert errors(report) == [
        (
            2,
            "公民身份号码",
            "王芳 is not in the employee scheme (310) and has no personal account.",
        ),
        (
            3,
            "公民身份号码",
            f"No insured person is registered with the ID number {mask_id_number(stranger)}.",
        ),
    ]


def test_frozen_account_still_takes_its_credit(db, clerk):
    person = make_person(operator=clerk)
    account_freeze(account=person.account, reason="核查", operator=clerk)
    assert run_credits([credit_row(person)]).written
    assert balance(person) == Decimal("100.00")


def test_closed_account_refuses_its_credit_by_number_and_status(db, clerk):
    """The check reads the account as a row (not a model): its number and status
    label still name the refusal."""
    person = make_person(operator=clerk)
    account_close(account=person.account, reason="死亡", operator=clerk)
    report = run_credits([credit_row(person)])
    number = person.account.number
    assert errors(report) == [(2, "公民身份号码", f"Account {number} is closed, not open.")]
    assert LedgerEntry.objects.count() == 0


def test_oracle_two_batches_for_one_account_in_one_chunk(db, clerk):
    """Two credits of one account in one file (two 批次号): both post, one after the
    other on the same running balance: 100.00 + 20.50 = 120.50, sequences 1 and 2."""
    person = make_person(operator=clerk)
    rows = [credit_row(person, batch="B-1"), credit_row(person, amount="20.50", batch="B-2")]
    report = run_credits(rows)
    assert report.written and report.created == 2
    assert balance(person) == Decimal("120.50")
    entries = LedgerEntry.objects.filter(account__person=person).order_by("sequence")
    assert [(e.sequence, e.amount, e.balance_after) for e in entries] == [
        (1, Decimal("100.00"), Decimal("100.00")),
        (2, Decimal("20.50"), Decimal("120.50")),
    ]
    assert ledger_mismatches() == []


def test_one_bad_credit_row_posts_nothing(db, clerk):
    people = [make_person(name=f"职工{i}", operator=clerk) for i in range(3)]
    rows = [credit_row(p) for p in people]
    rows[2][3] = "1.001"
    report = run_credits(rows)
    assert not report.written
    assert LedgerEntry.objects.count() == 0
    assert all(balance(p) == 0 for p in people)
    assert ledger_mismatches() == []


def test_progress_is_reported_after_each_chunk_is_checked_and_written(db, clerk):
    people = [make_person(name=f"职工{i}", operator=clerk) for i in range(4)]
    calls = []
    import_run(
        CreditsImport(),
        csv_file([CREDIT_HEADER, *[credit_row(p) for p in people]]),
        operator=None,
        dry_run=False,
        progress=lambda stage, done, total: calls.append((stage, done, total)),
        progress_every=2,
    )
    assert calls == [("rows", 2, 4), ("rows", 4, 4)]
    assert LedgerEntry.objects.filter(reference="2025-03-320500-01").count() == 4


def test_exported_person_list_re_imports_unchanged(db, clerk):
    """The persons export (unmasked) is a valid person file: importing it changes nothing."""
    make_person(name="李明", operator=clerk, phone="13900001111", enrolled_on=dt.date(2020, 1, 1))
    make_person(name="王芳", scheme="390", category="1501", operator=clerk)
    resource = InsuredPersonExport(unmasked=True)
    out = io.BytesIO()
    with translation.override("zh-hans"):
        write_xlsx(resource.get_export_headers(), resource.rows(InsuredPerson.objects.all()), out)
    report = import_run(PersonsImport(), out.getvalue(), operator=None, dry_run=False)
    assert report.accepted, errors(report)
    assert (report.created, report.updated, report.skipped) == (0, 0, 2)
    assert {w.column for w in report.warnings} == {"个人账户号", "账户余额", "创建人", "创建时间"}


@pytest.mark.django_db(transaction=True)
def test_person_registered_meanwhile_rolls_the_whole_file_back(monkeypatch):
    first, second = make_id_number(), make_id_number()
    real_check = PersonsImport.check

    def check_while_a_clerk_registers(self, values, found):
        change = real_check(self, values, found)
        if values["id_number"] == second:  # the counter registers the person right now
            (registered,) = run_at_once(
                lambda: person_register(
                    name="赵六",
                    id_number=second,
                    scheme="390",
                    region=PoolingRegion.objects.get(code="320500"),
                    operator=None,
                )
            )
            assert isinstance(registered, InsuredPerson)
        return change

    monkeypatch.setattr(PersonsImport, "check", check_while_a_clerk_registers)
    report = run_persons([person_row(first), person_row(second)])
    assert not report.written
    assert [(e.row, e.column) for e in report.errors] == [(3, None)]
    assert "Import it again" in report.errors[0].message
    assert list(InsuredPerson.objects.values_list("id_number", flat=True)) == [second]
