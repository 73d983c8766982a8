"""Settlements paid from the beneficiary's wallet: the service, the settlement file's
支付来源 column, the command and the counter. Expected amounts are worked out by hand
in the comments (oldest accepted transfer spent first)."""

import io
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.models import EnrolmentStatus, EntryKind, LedgerEntry, Wallet
from accounts.selectors import ledger_mismatches
from accounts.services.people import person_update
from core.importing import import_run
from core.tests.files import csv_file, xlsx_file
from transfers.errors import (
    GrantorRequired,
    InstitutionDoesNotMatchUse,
    InvalidPaymentSource,
    NotEnrolledOn,
    SettlementConflict,
    WalletPaymentNamesGrantor,
    WalletSpendableTooLow,
)
from transfers.imports import SettlementsImport
from transfers.models import PaymentStatus, SharingPayment, WalletSpending
from transfers.selectors import wallet_mismatches
from transfers.services.payments import settlement_receive

from .factories import (
    HOSPITAL,
    PHARMACY,
    SETTLEMENT_HEADER,
    accept,
    balance,
    local,
    pay_from_wallet,
    settlement_row,
    transfer,
)


def _wallet_balance(person):
    return Wallet.objects.get(person=person).balance


def test_oracle_settlement_paid_from_the_wallet_spends_the_oldest_money_first(
    li_xiaoming, filled_wallet, clerk
):
    from_father, from_mother = filled_wallet
    spending = pay_from_wallet(li_xiaoming, "150.00", "JS-W-1", operator=clerk, note="漏传")
    assert isinstance(spending, WalletSpending)
    # 300 − 150 = 150 left; the father's 100 used up first, then 50 of the mother's 200.
    assert _wallet_balance(li_xiaoming) == Decimal("150.00")
    from_father.refresh_from_db()
    from_mother.refresh_from_db()
    assert (from_father.unspent, from_mother.unspent) == (Decimal("0.00"), Decimal("150.00"))
    entry = spending.ledger_entry
    assert (entry.kind, entry.amount, entry.balance_after, entry.memo) == (
        EntryKind.WALLET_SPENDING,
        Decimal("-150.00"),
        Decimal("150.00"),
        "漏传",
    )
    assert entry.idempotency_key == "settlement:JS-W-1"  # one key per 结算ID, whoever pays
    assert (spending.note, spending.created_by) == ("漏传", clerk)
    assert ledger_mismatches() == []
    call_command("verify_wallets")


def test_the_same_wallet_settlement_twice_pays_once(li_xiaoming, filled_wallet):
    first = pay_from_wallet(li_xiaoming, "40.00", "JS-W-1")
    assert pay_from_wallet(li_xiaoming, "40.00", "JS-W-1").pk == first.pk
    with pytest.raises(SettlementConflict):
        pay_from_wallet(li_xiaoming, "41.00", "JS-W-1")
    assert _wallet_balance(li_xiaoming) == Decimal("260.00")  # 300 − 40, once
    assert LedgerEntry.objects.filter(kind=EntryKind.WALLET_SPENDING).count() == 1


def test_one_settlement_id_is_paid_by_one_source_only(
    li_ming, li_xiaoming, filled_wallet, son_agreement, clerk
):
    settlement_receive(
        settlement_id="JS-A",
        settled_at=local(2025, 3, 12, 9, 0),
        use="就医",
        **HOSPITAL,
        beneficiary_id_number=li_xiaoming.id_number,
        grantor_id_number=li_ming.id_number,
        amount="10.00",
        operator=clerk,
    )
    with pytest.raises(SettlementConflict):
        pay_from_wallet(li_xiaoming, "10.00", "JS-A")
    pay_from_wallet(li_xiaoming, "10.00", "JS-W")
    with pytest.raises(SettlementConflict):
        settlement_receive(
            settlement_id="JS-W",
            settled_at=local(2025, 3, 12, 10, 0),
            use="购药",
            **PHARMACY,
            beneficiary_id_number=li_xiaoming.id_number,
            grantor_id_number=li_ming.id_number,
            amount="10.00",
            operator=clerk,
        )
    assert SharingPayment.objects.count() == WalletSpending.objects.count() == 1
    # 500 − 100 (transfer) − 10 (JS-A); 300 − 10 (JS-W)
    assert balance(li_ming) == Decimal("390.00")
    assert _wallet_balance(li_xiaoming) == Decimal("290.00")
    assert ledger_mismatches() == []


@pytest.mark.parametrize(
    ("changes", "error", "argument"),
    [
        ({"grantor_id_number": "GRANTOR"}, WalletPaymentNamesGrantor, "grantor_id_number"),
        ({"paid_from": "cash"}, InvalidPaymentSource, "paid_from"),
        ({"use": "就医"}, InstitutionDoesNotMatchUse, "institution_code"),  # a pharmacy code
        ({"amount": "300.01"}, WalletSpendableTooLow, "amount"),
    ],
)
def test_wallet_payment_refusals(li_ming, li_xiaoming, filled_wallet, changes, error, argument):
    if changes.get("grantor_id_number") == "GRANTOR":
        changes["grantor_id_number"] = li_ming.id_number
    with pytest.raises(error) as refused:
        pay_from_wallet(li_xiaoming, changes.pop("amount", "10.00"), "JS-W", **changes)
    assert refused.value.argument == argument
    assert not WalletSpending.objects.exists()
    assert _wallet_balance(li_xiaoming) == Decimal("300.00")


def test_wallet_pays_only_accepted_money_of_an_enrolled_patient(
    li_ming, li_xiaoming, son_agreement, clerk
):
    pending = transfer(li_ming, li_xiaoming, "100.00", operator=clerk)
    with pytest.raises(WalletSpendableTooLow) as refused:
        pay_from_wallet(li_xiaoming, "10.00", "JS-W")
    with translation.override("zh-hans"):
        assert str(refused.value) == "钱包当前可支付 0.00 元，本笔金额为 10.00 元。"
    accept(pending)
    person_update(person=li_xiaoming, status=EnrolmentStatus.SUSPENDED, operator=clerk)
    with pytest.raises(NotEnrolledOn):
        pay_from_wallet(li_xiaoming, "10.00", "JS-W", settled_at=timezone.localtime())


def test_a_payment_from_an_account_still_needs_its_grantor(li_ming, li_xiaoming, son_agreement):
    with pytest.raises(GrantorRequired) as refused:
        settlement_receive(
            settlement_id="JS-1",
            settled_at=local(2025, 3, 10, 9, 30),
            use="就医",
            **HOSPITAL,
            beneficiary_id_number=li_xiaoming.id_number,
            grantor_id_number="  ",
            amount="10.00",
            operator=None,
        )
    assert refused.value.argument == "grantor_id_number"


# The settlement file (SPREADSHEETS.md §4 with the optional 支付来源 column, docs/TRANSFERS.md)

HEADER = [*SETTLEMENT_HEADER, "支付来源"]


def wallet_row(patient, sid, amount, grantor=""):
    """A §4 row paid by the patient's wallet: the grantor's cell is left empty."""
    row = [sid, "2025-03-12 10:00:00", *PHARMACY.values(), "购药", patient.id_number]
    return [*row, grantor, amount, "医保钱包"]


def run(rows, operator, *, dry_run=False, header=HEADER):
    content = xlsx_file([header, *rows])
    with translation.override("zh-hans"):
        return import_run(
            SettlementsImport(), content, filename="s.xlsx", operator=operator, dry_run=dry_run
        )


def test_oracle_settlement_file_with_wallet_rows_imports_once(
    li_ming, li_xiaoming, filled_wallet, son_agreement, supervisor
):
    rows = [
        [*settlement_row(li_ming, li_xiaoming, "JS-1", "20.00"), "共济人个人账户"],
        [*settlement_row(li_ming, li_xiaoming, "JS-2", "30.00"), ""],  # empty: the account
        wallet_row(li_xiaoming, "JS-3", "120.00"),
    ]
    preview = run(rows, supervisor, dry_run=True)
    assert (preview.accepted, preview.created) == (True, 3), preview.errors
    assert preview.planned[2].summary == (
        f"JS-3：{li_xiaoming.masked_id_number} 的医保钱包支付 ¥120.00"
    )
    assert not WalletSpending.objects.exists()
    done = run(rows, supervisor)
    assert (done.written, done.created) == (True, 3)
    again = run(rows, supervisor)
    assert (again.created, again.skipped) == (0, 3)
    # Account: 500 − 100 (transfer) − 20 − 30 = 350. Wallet: 300 − 120 = 180.
    assert balance(li_ming) == Decimal("350.00")
    assert _wallet_balance(li_xiaoming) == Decimal("180.00")
    assert WalletSpending.objects.get().settlement_id == "JS-3"
    assert ledger_mismatches() == []


def test_a_file_without_the_new_column_imports_as_before(
    li_ming, li_xiaoming, son_agreement, supervisor
):
    content = csv_file(
        [SETTLEMENT_HEADER, settlement_row(li_ming, li_xiaoming, "JS-1", "20.00")],
        encoding="gb18030",
    )
    report = import_run(
        SettlementsImport(), content, filename="s.csv", operator=supervisor, dry_run=False
    )
    assert (report.written, report.warnings) == (True, [])
    assert SharingPayment.objects.get().amount == Decimal("20.00")


def test_file_refusals_name_the_row_and_the_column(
    li_ming, li_xiaoming, filled_wallet, son_agreement, supervisor
):
    rows = [
        wallet_row(li_xiaoming, "JS-1", "10.00", grantor=li_ming.id_number),
        [*settlement_row(li_ming, li_xiaoming, "JS-2", "10.00")[:6], "", "10.00", ""],
        [*settlement_row(li_ming, li_xiaoming, "JS-3", "10.00"), "现金"],
        wallet_row(li_xiaoming, "JS-4", "300.01"),
        wallet_row(li_xiaoming, "JS-5", "10.00"),
    ]
    report = run(rows, supervisor)
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (
            2,
            "共济人身份号码",
            "医保钱包支付不填共济人：由被共济人本人的医保钱包支付，用的是亲属转入的钱。"
            "请将共济人留空。",
        ),
        (3, "共济人身份号码", "由共济人个人账户支付时须填写共济人身份号码。"),
        (4, "支付来源", "“现金”不是以下值之一：共济人个人账户 / 医保钱包"),
        (5, "共济支付金额", "钱包当前可支付 300.00 元，本笔金额为 300.01 元。"),
    ]
    assert not report.written and not WalletSpending.objects.exists()  # JS-5 neither


def test_wallet_rows_that_exhaust_the_wallet_together_write_nothing(
    li_xiaoming, filled_wallet, supervisor
):
    rows = [wallet_row(li_xiaoming, f"JS-{i}", "200.00") for i in (1, 2)]
    assert run(rows, supervisor, dry_run=True).accepted  # each alone fits in ¥300
    report = run(rows, supervisor)
    assert not report.written and [e.row for e in report.errors] == [3]
    assert _wallet_balance(li_xiaoming) == Decimal("300.00")
    assert not WalletSpending.objects.exists()


def test_import_settlements_command_takes_wallet_rows(
    tmp_path, li_xiaoming, filled_wallet, supervisor
):
    path = tmp_path / "settlements.xlsx"
    path.write_bytes(xlsx_file([HEADER, wallet_row(li_xiaoming, "JS-W", "55.00")]))
    out = StringIO()
    call_command("import_settlements", str(path), "--operator", supervisor.username, stdout=out)
    assert "新增 1" in out.getvalue()
    assert WalletSpending.objects.get().created_by == supervisor
    assert _wallet_balance(li_xiaoming) == Decimal("245.00")  # 300 − 55


def test_blank_template_offers_the_new_column(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("admin:transfers_sharingpayment_import_template"))
    assert response.status_code == 200
    headers = [c.value for c in next(load_workbook(io.BytesIO(response.content)).active.rows)]
    assert headers[-1] == "支付来源" and headers[:8] == SETTLEMENT_HEADER


# The counter: the manual settlement entry


def counter_form(patient, **changes):
    return {
        "settlement_id": "MANUAL-W",
        "settled_at": "2025-03-12T10:00",
        "use": "pharmacy",
        **PHARMACY,
        "beneficiary_id_number": patient.id_number,
        "paid_from": "wallet",
        "grantor_id_number": "",
        "amount": "25.00",
        "note": "药店结算漏传",
        **changes,
    }


def test_counter_enters_a_settlement_paid_from_the_wallet(
    client, clerk, li_xiaoming, filled_wallet
):
    client.force_login(clerk)
    response = client.post(
        reverse("admin:transfers_sharingpayment_add"), counter_form(li_xiaoming), follow=True
    )
    spending = WalletSpending.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "admin:transfers_walletspending_change", args=[spending.pk]
    )
    # Typed by one clerk: held for a second person (issue 11), nothing posted yet.
    assert [str(m) for m in response.context["messages"]] == [
        "结算 MANUAL-W（医保钱包支付）：挂起待复核。"
    ]
    page = response.content.decode()
    assert "药店结算漏传" in page and "挂起待复核" in page
    assert (spending.amount, spending.created_by) == (Decimal("25.00"), clerk)
    assert (spending.status, spending.ledger_entry) == (PaymentStatus.HELD, None)
    assert _wallet_balance(li_xiaoming) == Decimal("300.00")
    assert ledger_mismatches() == [] and wallet_mismatches() == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"grantor_id_number": "GRANTOR"},
            "医保钱包支付不填共济人：由被共济人本人的医保钱包支付，用的是亲属转入的钱。"
            "请将共济人留空。",
        ),
        ({"paid_from": "account"}, "由共济人个人账户支付时须填写共济人身份号码。"),
    ],
)
def test_counter_shows_the_grantor_rule_next_to_the_grantor(
    client, clerk, li_ming, li_xiaoming, filled_wallet, changes, message
):
    if changes.get("grantor_id_number") == "GRANTOR":
        changes["grantor_id_number"] = li_ming.id_number
    client.force_login(clerk)
    response = client.post(
        reverse("admin:transfers_sharingpayment_add"), counter_form(li_xiaoming, **changes)
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"grantor_id_number": [message]}
    assert not WalletSpending.objects.exists() and not SharingPayment.objects.exists()
