"""The import framework's own rules: cell parsers, rollback of a failed write, unreadable files."""

import datetime as dt
import gc
import re

import pytest
from django.utils import timezone, translation

from accounts.imports import AgreementsImport, CreditsImport, PersonsImport, credit_key
from accounts.models import EntryKind, LedgerEntry, PersonalAccount
from accounts.selectors import ledger_mismatches
from accounts.services.ledger import ledger_post
from accounts.tests.factories import make_person
from core.importing import (
    CellError,
    Column,
    date_value,
    datetime_value,
    import_run,
    year_month,
)
from core.spreadsheets import Number
from core.tests.files import csv_file
from transfers.imports import SettlementsImport, WalletTransfersImport

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize(
    "text", ["2025-03-05", "2025-3-5", "2025/3/5", "2025/03/05", "2025年3月5日", " 2025年03月05日 "]
)
def test_dates_as_text_in_the_common_forms(text):
    assert date_value(text) == dt.date(2025, 3, 5)


def test_dates_as_excel_cells():
    assert date_value(dt.date(2025, 2, 28)) == dt.date(2025, 2, 28)
    assert date_value(dt.datetime(2025, 2, 28, 8, 0)) == dt.date(2025, 2, 28)


@pytest.mark.parametrize("text", ["2025-02-30", "2025/2/29", "2024年13月1日", "2025-04-31"])
def test_a_date_that_does_not_exist_is_refused(text):
    with pytest.raises(CellError, match=f"^{text} is not a date that exists.$"):
        date_value(text)


@pytest.mark.parametrize(
    "text", ["28.02.2025", "2025-03", "2025/3-5", "25-3-5", "2025年3月5", "20250305", "45721"]
)
def test_a_date_in_no_accepted_form_is_refused_naming_the_forms(text):
    with pytest.raises(CellError, match=r"is not a date: write it as YYYY-MM-DD \(or YYYY/M/D"):
        date_value(text)


def test_date_and_time_in_the_local_time_zone():
    moment = datetime_value("2025-03-01 09:30")
    assert timezone.localtime(moment).replace(tzinfo=None) == dt.datetime(2025, 3, 1, 9, 30)
    assert datetime_value(dt.datetime(2025, 3, 1, 9, 30, 5)).second == 5
    for text in ("2025/3/1 9:30", "2025年3月1日 09:30:00"):
        assert timezone.localtime(datetime_value(text)).replace(tzinfo=None) == dt.datetime(
            2025, 3, 1, 9, 30
        )
    for text in ("2025-03-01", dt.date(2025, 3, 1), "2025-03-01 9", "2025-03-01T09:30"):
        with pytest.raises(CellError, match="is not a date and time in the form"):
            datetime_value(text)
    for text in ("2025-02-29 09:30", "2025-03-01 24:00", "2025-03-01 09:60"):
        with pytest.raises(CellError, match="is not a date and time that exists"):
            datetime_value(text)


@pytest.mark.parametrize(
    "cell, message",
    [
        (
            Number("3.20505199001016E+17"),
            "该列须以文本格式保存（单元格为数字 3.20505199001016E+17）",
        ),
        (Number("777"), "该列须以文本格式保存（单元格为数字 777）"),
        (dt.date(2025, 3, 5), "该列须以文本格式保存（单元格为日期 2025-03-05）"),
    ],
)
def test_identifier_column_takes_text_cells_only(cell, message):
    column = Column("结算ID", "settlement_id", identifier=True)
    assert column.read("000777") == "000777"
    with translation.override("zh-hans"), pytest.raises(CellError, match=f"^{re.escape(message)}$"):
        column.read(cell)
    assert Column("姓名", "name").read(Number("777")) == "777"  # not an identifier


def test_every_identifier_column_of_every_format_is_declared_so():
    """The identifier columns of SPREADSHEETS.md (its list, written out here; its
    转账编号 is §5's key 转账流水号), every ID-number column, every key column and
    证明材料编号 (docs/FILES.md) take text cells only, in every import."""
    contract = {
        "证明材料编号",
        "公民身份号码",
        "结算ID",
        "批次号",
        "账户号",
        "联系电话",
        "定点机构编码",
        "转账流水号",
    }
    formats = (
        PersonsImport(),
        CreditsImport(),
        AgreementsImport(),
        SettlementsImport(),
        WalletTransfersImport(),
    )
    seen = set()
    for importer in formats:
        for column in importer.columns:
            if column.header in contract or column.header.endswith("身份号码"):
                seen.add(column.header)
                assert column.identifier, (importer.title, column.header)
            if column.field in importer.key:
                assert column.identifier, (importer.title, column.header)
    assert seen >= contract - {"账户号"}  # no format has an account-number column yet


def test_year_month_from_text_or_date_cell():
    assert year_month("2025-03") == "2025-03"
    assert year_month(dt.date(2025, 3, 1)) == "2025-03"
    with pytest.raises(CellError):
        year_month("2025-00")


def test_failure_while_writing_rolls_back_every_row(db, clerk, monkeypatch):
    """A row that passed the check but fails when written (its key posted meanwhile,
    as by another import of the same file: the accounts are locked from the check
    on, so their data cannot change) undoes the rows already written: nothing is
    posted, and the report names the row."""
    people = [make_person(name=f"职工{i}", operator=clerk) for i in range(3)]
    rows = [["批次号", "公民身份号码", "划入年月", "金额"]]
    rows += [["B1", p.id_number, "2025-03", "10"] for p in people]
    real_check = CreditsImport.check

    def check_while_the_key_is_taken(self, values, found):
        change = real_check(self, values, found)
        if values["id_number"] == people[2].id_number:
            # The check's row of the account (a tuple), moved as the posting moves it.
            holder = PersonalAccount.objects.get(pk=change.data["holder"].id)
            data = {**change.data, "holder": holder, "kind": EntryKind.CREDIT}
            ledger_post(operator=None, **data)
            change.data["holder"] = change.data["holder"]._replace(
                balance=holder.balance, last_sequence=holder.last_sequence
            )
        return change

    monkeypatch.setattr(CreditsImport, "check", check_while_the_key_is_taken)
    report = import_run(CreditsImport(), csv_file(rows), operator=None, dry_run=False)
    assert not report.written
    assert [(e.row, e.column) for e in report.errors] == [(4, None)]
    key = credit_key("B1", people[2].pk)
    message = "The idempotency key %s was already used for a different posting; nothing was posted."
    assert str(report.errors[0]) == f"row 4: {message % key}"
    assert LedgerEntry.objects.count() == 0
    assert ledger_mismatches() == []


def test_the_collector_is_as_it_was_after_an_import_and_after_a_failed_one(db, monkeypatch):
    """An import freezes the objects alive before it and spaces the young
    collections while it runs; the process's collector is given back as it was
    when the import ends, and when it fails."""
    before = gc.get_threshold()
    person = make_person(name="职工1")
    rows = [["批次号", "公民身份号码", "划入年月", "金额"]]
    rows.append(["B1", person.id_number, "2025-03", "10"])
    report = import_run(CreditsImport(), csv_file(rows), operator=None, dry_run=True)
    assert report.accepted
    assert (gc.get_threshold(), gc.get_freeze_count()) == (before, 0)

    def fails(self, values, found):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(CreditsImport, "check", fails)
    with pytest.raises(RuntimeError):
        import_run(CreditsImport(), csv_file(rows), operator=None, dry_run=True)
    assert (gc.get_threshold(), gc.get_freeze_count()) == (before, 0)


def test_file_that_is_not_a_spreadsheet_is_rejected_as_a_whole(db):
    report = import_run(
        CreditsImport(), b"\xff\xfe\x00garbage\x81\x30", operator=None, dry_run=True
    )
    assert [(e.row, e.column) for e in report.errors] == [(None, None)]
