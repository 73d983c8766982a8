"""The import framework's own rules: cell parsers, rollback of a failed write, unreadable files."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.imports import CreditsImport
from accounts.models import LedgerEntry, PersonalAccount
from accounts.selectors import ledger_mismatches
from accounts.tests.factories import make_person
from yibao.importing import CellError, date_value, datetime_value, import_run, year_month
from yibao.tests.files import csv_file

pytestmark = pytest.mark.usefixtures("english")


def test_dates_as_text_or_excel_cells():
    assert date_value("2025-02-28") == dt.date(2025, 2, 28)
    assert date_value(dt.datetime(2025, 2, 28, 8, 0)) == dt.date(2025, 2, 28)
    for bad in ("2025-02-30", "2025/02/28", "28.02.2025"):
        with pytest.raises(CellError, match="not a date in the form YYYY-MM-DD"):
            date_value(bad)


def test_date_and_time_in_the_local_time_zone():
    moment = datetime_value("2025-03-01 09:30")
    assert timezone.localtime(moment).replace(tzinfo=None) == dt.datetime(2025, 3, 1, 9, 30)
    assert datetime_value(dt.datetime(2025, 3, 1, 9, 30, 5)).second == 5
    with pytest.raises(CellError):
        datetime_value("2025-03-01")


def test_year_month_from_text_or_date_cell():
    assert year_month("2025-03") == "2025-03"
    assert year_month(dt.date(2025, 3, 1)) == "2025-03"
    with pytest.raises(CellError):
        year_month("2025-00")


def test_failure_while_writing_rolls_back_every_row(db, clerk, monkeypatch):
    """A row that passed the check but fails when written (the data changed
    meanwhile) undoes the rows already written: nothing is posted."""
    people = [make_person(name=f"职工{i}", operator=clerk) for i in range(3)]
    rows = [["批次号", "公民身份号码", "划入年月", "金额"]]
    rows += [["B1", p.id_number, "2025-03", "10"] for p in people]
    real_check = CreditsImport.check

    def check_while_the_account_closes(self, values, found):
        change = real_check(self, values, found)
        if values["id_number"] == people[2].id_number:  # closed at the counter right now
            PersonalAccount.objects.filter(pk=people[2].account.pk).update(status="closed")
        return change

    monkeypatch.setattr(CreditsImport, "check", check_while_the_account_closes)
    report = import_run(CreditsImport(), csv_file(rows), operator=None, dry_run=False)
    assert not report.written
    assert [(e.row, e.column) for e in report.errors] == [(4, None)]
    assert str(report.errors[0]).startswith(f"row 4: Account {people[2].account.number} is")
    assert LedgerEntry.objects.count() == 0
    assert ledger_mismatches() == []


def test_file_that_is_not_a_spreadsheet_is_rejected_as_a_whole(db):
    report = import_run(
        CreditsImport(), b"\xff\xfe\x00garbage\x81\x30", operator=None, dry_run=True
    )
    assert [(e.row, e.column) for e in report.errors] == [(None, None)]
