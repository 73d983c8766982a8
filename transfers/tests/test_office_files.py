"""Settlement and wallet-transfer files saved by LibreOffice Calc, through the commands:
a 结算ID or 转账流水号 stored as a number is refused (``000777`` would become 777 and
post the same payment again when the original CSV comes; two long IDs would collapse
into one), and a settlement at midnight stays a date and time."""

from decimal import Decimal

from accounts.selectors import ledger_mismatches
from core.tests.files import csv_file, import_command_run, office_file
from transfers.models import SharingPayment, WalletTransfer

from .factories import SETTLEMENT_HEADER, balance, settlement_row

ID_COLUMNS = ("被共济人身份号码", "共济人身份号码")
TRANSFER_HEADER = ["转账流水号", "转账时间", "转出人身份号码", "转入人身份号码", "金额"]


def test_numeric_settlement_ids_are_refused_and_the_original_csv_posts_once(
    tmp_path, li_ming, li_xiaoming, son_agreement, supervisor
):
    rows = [
        SETTLEMENT_HEADER,
        settlement_row(li_ming, li_xiaoming, "000777", "3.33"),
        settlement_row(li_ming, li_xiaoming, "202503100000000001", "10.00"),
        settlement_row(li_ming, li_xiaoming, "202503100000000002", "20.00"),
    ]
    status, _out, err = import_command_run(
        "import_settlements", office_file(rows, text_columns=ID_COLUMNS), tmp_path
    )
    assert status == 1
    assert err.splitlines() == [
        "row 2, column 结算ID: 该列须以文本格式保存（单元格为数字 777）",
        "row 3, column 结算ID: 该列须以文本格式保存（单元格为数字 2.025031E+17）",
        "row 4, column 结算ID: 该列须以文本格式保存（单元格为数字 2.025031E+17）",
    ]
    assert SharingPayment.objects.count() == 0

    as_text = office_file(rows, text_columns=("结算ID", *ID_COLUMNS))
    assert import_command_run("import_settlements", as_text, tmp_path)[0] == 0
    status, out, _err = import_command_run(
        "import_settlements", csv_file(rows), tmp_path, name="original.csv"
    )
    assert status == 0 and "无变化 3" in out
    assert sorted(SharingPayment.objects.values_list("settlement_id", flat=True)) == [
        "000777",
        "202503100000000001",
        "202503100000000002",
    ]
    assert balance(li_ming) == Decimal("466.67")  # 500.00 − 3.33 − 10.00 − 20.00, once
    assert ledger_mismatches() == []


def test_settlement_at_midnight_in_a_date_time_cell_is_accepted(
    tmp_path, li_ming, li_xiaoming, son_agreement, supervisor
):
    rows = [
        SETTLEMENT_HEADER,
        settlement_row(li_ming, li_xiaoming, "JS-1", "100.00", at="2025-03-10 00:00:00"),
    ]
    content = office_file(rows, text_columns=("结算ID", *ID_COLUMNS))
    status, out, err = import_command_run("import_settlements", content, tmp_path, "--dry-run")
    assert (status, err) == (0, ""), out
    assert "新增 1" in out


def test_numeric_transfer_number_is_refused(tmp_path, li_ming, li_xiaoming, son_agreement):
    rows = [
        TRANSFER_HEADER,
        ["0012345", "2025-03-10 10:00:00", li_ming.id_number, li_xiaoming.id_number, "300"],
    ]
    content = office_file(rows, text_columns=("转出人身份号码", "转入人身份号码"))
    status, _out, err = import_command_run("import_wallet_transfers", content, tmp_path)
    assert status == 1
    assert err.splitlines() == [
        "row 2, column 转账流水号: 该列须以文本格式保存（单元格为数字 12345）"
    ]
    assert WalletTransfer.objects.count() == 0
    assert balance(li_ming) == Decimal("500.00")
