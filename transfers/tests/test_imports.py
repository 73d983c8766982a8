"""Settlement and wallet transfer files (SPREADSHEETS.md §4, §5): preview, all or nothing,
the same file twice, and the command's exit status."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.selectors import ledger_mismatches
from accounts.services.accounts import account_freeze
from core.importing import import_run
from core.tests.files import csv_file, xlsx_file
from transfers.imports import WalletTransfersImport
from transfers.models import PaymentStatus, SharingPayment, WalletTransfer

from .factories import SETTLEMENT_HEADER, balance, import_settlements, settlement_row

pytestmark = pytest.mark.usefixtures("english")


WALLET_HEADER = ["转账流水号", "转账时间", "转出人身份号码", "转入人身份号码", "金额"]


def import_wallet_transfers(rows, operator, dry_run=False, encoding="utf-8"):
    return import_run(
        WalletTransfersImport(),
        csv_file([WALLET_HEADER, *rows], encoding=encoding),
        filename="w.csv",
        operator=operator,
        dry_run=dry_run,
    )


def test_settlement_file_preview_then_import_then_same_file_again(
    li_ming, li_xiaoming, son_agreement, supervisor
):
    rows = [
        settlement_row(li_ming, li_xiaoming, "JS-1", "100.00"),
        settlement_row(li_ming, li_xiaoming, "JS-2", "50.5", use="购药", code="P32050000031"),
    ]
    preview = import_settlements(rows, supervisor, dry_run=True)
    assert (preview.accepted, preview.created, preview.written) == (True, 2, False)
    assert balance(li_ming) == Decimal("500.00")
    done = import_settlements(rows, supervisor)
    assert (done.written, done.created) == (True, 2)
    assert balance(li_ming) == Decimal("349.50")
    again = import_settlements(rows, supervisor)
    assert (again.created, again.skipped) == (0, 2)
    assert balance(li_ming) == Decimal("349.50")
    assert SharingPayment.objects.filter(status=PaymentStatus.POSTED).count() == 2
    assert ledger_mismatches() == []


def test_resent_settlement_with_other_amount_rejects_the_file(
    li_ming, li_xiaoming, son_agreement, supervisor
):
    import_settlements([settlement_row(li_ming, li_xiaoming, "JS-1", "100.00")], supervisor)
    report = import_settlements(
        [
            settlement_row(li_ming, li_xiaoming, "JS-1", "120.00"),
            settlement_row(li_ming, li_xiaoming, "JS-9", "10.00"),
        ],
        supervisor,
    )
    assert not report.accepted
    assert [(e.row, e.column) for e in report.errors] == [(2, "结算ID")]
    assert SharingPayment.objects.get(settlement_id="JS-1").amount == Decimal("100.00")
    assert not SharingPayment.objects.filter(settlement_id="JS-9").exists()


def test_rule_refusals_name_row_and_column(li_ming, li_xiaoming, son_agreement, supervisor):
    report = import_settlements(
        [
            settlement_row(li_ming, li_xiaoming, "JS-1", code="P32050000012"),
            settlement_row(li_ming, li_xiaoming, "JS-2", use="现金"),
            settlement_row(li_ming, li_xiaoming, "JS-3", at="2023-01-01 10:00:00"),
        ],
        supervisor,
    )
    assert [(e.row, e.column) for e in report.errors] == [
        (2, "定点机构编码"),
        (3, "用途"),
        (4, None),
    ]
    assert "H" in report.errors[0].message
    assert balance(li_ming) == Decimal("500.00")


def test_rows_that_exhaust_the_balance_together_write_nothing(
    li_ming, li_xiaoming, son_agreement, supervisor
):
    rows = [settlement_row(li_ming, li_xiaoming, f"JS-{i}", "300.00") for i in (1, 2)]
    # The preview counts row 2 as written when it checks row 3: 500 − 300 leaves 200.
    preview = import_settlements(rows, supervisor, dry_run=True)
    assert [(e.row, e.column) for e in preview.errors] == [(3, "共济支付金额")]
    assert "200.00" in preview.errors[0].message
    report = import_settlements(rows, supervisor)
    assert not report.written
    assert [(e.row, e.column) for e in report.errors] == [(3, "共济支付金额")]
    assert balance(li_ming) == Decimal("500.00")
    assert not SharingPayment.objects.exists()
    assert ledger_mismatches() == []


def test_wallet_transfer_file_imports_once(li_ming, li_xiaoming, son_agreement, supervisor):
    rows = [["WT-1", "2025-03-10 10:00", li_ming.id_number, li_xiaoming.id_number, "200"]]
    for _ in range(2):
        report = import_wallet_transfers(rows, supervisor, encoding="utf-8-sig")
        assert report.accepted, report.errors
    assert WalletTransfer.objects.get().amount == Decimal("200.00")
    assert balance(li_ming) == Decimal("300.00")
    night = [["WT-2", "2025-03-10 23:00", li_ming.id_number, li_xiaoming.id_number, "20"]]
    report = import_wallet_transfers(night, supervisor, dry_run=True)
    assert [e.row for e in report.errors] == [2]
    assert ledger_mismatches() == []


def test_a_grantor_account_not_open_is_named_in_the_grantor_column_of_either_file(
    li_ming, li_xiaoming, son_agreement, supervisor
):
    """The same refusal the agreements import names in 共济人身份号码: the settlement
    file's grantor column, the wallet file's sender column (the sender is the grantor)."""
    account_freeze(account=li_ming.account, reason="司法冻结", operator=supervisor)
    report = import_settlements([settlement_row(li_ming, li_xiaoming)], supervisor)
    assert [(e.row, e.column) for e in report.errors] == [(2, "共济人身份号码")]
    rows = [["WT-1", "2025-03-10 10:00", li_ming.id_number, li_xiaoming.id_number, "200"]]
    report = import_wallet_transfers(rows, supervisor, dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [(2, "转出人身份号码")]


def test_import_settlements_command_exit_status(
    tmp_path, li_ming, li_xiaoming, son_agreement, supervisor
):
    path = tmp_path / "settlements.xlsx"
    path.write_bytes(xlsx_file([SETTLEMENT_HEADER, settlement_row(li_ming, li_xiaoming)]))
    out = StringIO()
    call_command("import_settlements", str(path), "--operator", supervisor.username, stdout=out)
    assert "1 created" in out.getvalue()
    path.write_bytes(
        xlsx_file([SETTLEMENT_HEADER, settlement_row(li_ming, li_xiaoming, amount="999")])
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_settlements", str(path), "--dry-run", stdout=StringIO(), stderr=err)
    assert err.getvalue().startswith("row 2, column 结算ID:")
    assert balance(li_ming) == Decimal("400.00")


def test_import_screens_on_the_payment_and_transfer_lists(client, supervisor):
    client.force_login(supervisor)
    for name in ("sharingpayment", "wallettransfer"):
        page = client.get(f"/admin/transfers/{name}/").content.decode()
        assert f"/admin/transfers/{name}/import/" in page
        assert client.get(f"/admin/transfers/{name}/import/template/").status_code == 200
