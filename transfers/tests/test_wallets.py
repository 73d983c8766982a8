"""The wallet: transfer checks, acceptance, cut-off return, spending, agreement end."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from accounts.errors import (
    GrantorAccountNotOpen,
    IdempotencyConflict,
    InvalidIdNumber,
    PersonNotFound,
    PolicyBlocks,
)
from accounts.models import (
    AgreementStatus,
    EndReason,
    EnrolmentStatus,
    EntryKind,
    LedgerEntry,
    PoolingRegion,
    Scope,
    Use,
    Wallet,
)
from accounts.selectors import ledger_mismatches
from accounts.services.accounts import account_freeze
from accounts.services.agreements import agreement_end
from accounts.services.people import person_update
from accounts.services.regions import policy_update
from accounts.signals import agreement_ended
from accounts.tests.factories import credit, make_agreement, make_id_number, make_person, make_user
from core.errors import InvalidAmount
from transfers.apps import WALLET_RETURN_UID
from transfers.checks import check_agreement_ended_receiver
from transfers.errors import (
    AmountOverAvailable,
    DailyTransfersExceeded,
    InvalidTransferNumber,
    NoAgreementInForce,
    NotEnrolledOn,
    QuietHours,
    TransferConflict,
    TransferNotPending,
    TransferOverLimit,
    TransferPastCutOff,
    WalletSpendableTooLow,
    WalletSwitchedOff,
)
from transfers.models import ReturnReason, TransferStatus, WalletTransfer
from transfers.receivers import agreement_ended_return_wallet
from transfers.services.wallets import (
    wallet_return_for_agreement,
    wallet_transfer_accept,
    wallet_transfer_create,
    wallet_transfer_refuse,
    wallet_transfers_return_unaccepted,
)

from .factories import accept, local, spend, transfer


def balances(transfer_):
    transfer_.account.refresh_from_db()
    transfer_.wallet.refresh_from_db()
    return transfer_.account.balance, transfer_.wallet.balance


@pytest.fixture
def son_wallet(li_ming, li_xiaoming, son_agreement):
    return li_ming, li_xiaoming


def test_scenario_2_cross_province_refused_naming_henan_then_allowed(clerk, supervisor):
    daughter = make_person(name="陈静", region="320500", gender="F")
    credit(daughter.account, "1000.00")
    father = make_person(name="陈建国", region="411300", scheme="390", birth=dt.date(1955, 4, 2))
    at = local(2025, 1, 10, 10, 0)
    # Henan's policy (sample data: from 2025-02-04) blocks first, agreement or not.
    with pytest.raises(PolicyBlocks, match="河南省"):
        transfer(daughter, father, "300.00", operator=clerk, at=at, number="WT-HN-1")
    assert not WalletTransfer.objects.exists()
    henan = PoolingRegion.objects.get(code="411300").province.policy
    policy_update(
        policy=henan,
        operator=supervisor,
        cross_province_since=dt.date(2025, 1, 1),
        wallet_since=dt.date(2025, 1, 1),
    )
    # Now the counter can register the agreement, and the same transfer goes through.
    make_agreement(daughter, father, relationship="parent", effective_from=dt.date(2025, 1, 1))
    done = transfer(daughter, father, "300.00", operator=clerk, at=at, number="WT-HN-1")
    assert done.scope == Scope.CROSS_PROVINCE
    assert done.status == TransferStatus.PENDING
    assert balances(done) == (Decimal("700.00"), Decimal("300.00"))
    assert done.account_entry.scope == Scope.CROSS_PROVINCE
    assert ledger_mismatches() == []


def test_same_transfer_number_twice_moves_money_once(son_wallet, clerk):
    first = transfer(*son_wallet, operator=clerk, number="WT-SAME")
    again = transfer(*son_wallet, operator=clerk, number="WT-SAME")
    assert again.pk == first.pk
    assert balances(first) == (Decimal("200.00"), Decimal("300.00"))
    with pytest.raises(TransferConflict):
        transfer(*son_wallet, "301.00", operator=clerk, number="WT-SAME")
    assert ledger_mismatches() == []


def test_fourth_transfer_of_the_day_refused(son_wallet, clerk):
    for hour in (8, 9, 10):
        transfer(*son_wallet, "10.00", operator=clerk, at=local(2025, 3, 10, hour))
    with pytest.raises(DailyTransfersExceeded):
        transfer(*son_wallet, "10.00", operator=clerk, at=local(2025, 3, 10, 11))
    transfer(*son_wallet, "10.00", operator=clerk, at=local(2025, 3, 11, 8))


def test_transfer_over_the_limit_refused(li_ming, li_xiaoming, son_agreement, clerk):
    credit(li_ming.account, "3000.00")
    with pytest.raises(TransferOverLimit):
        transfer(li_ming, li_xiaoming, "2000.01", operator=clerk)
    assert transfer(li_ming, li_xiaoming, "2000.00", operator=clerk).amount == Decimal("2000.00")


@pytest.mark.parametrize(
    ("hour", "minute", "refused"),
    [(22, 0, True), (23, 59, True), (0, 0, True), (5, 59, True), (6, 0, False), (21, 59, False)],
)
def test_quiet_hours(son_wallet, clerk, hour, minute, refused):
    at = local(2025, 3, 10, hour, minute)
    if refused:
        with pytest.raises(QuietHours):
            transfer(*son_wallet, operator=clerk, at=at)
    else:
        transfer(*son_wallet, operator=clerk, at=at)


@pytest.mark.parametrize("side", ["sender", "recipient"])
def test_wallet_switched_off_in_either_region_refused(son_wallet, clerk, side):
    grantor, son = son_wallet
    nephew_region = PoolingRegion.objects.get(code="320100")
    recipient = make_person(name="李侄", region="320100", scheme="390", birth=dt.date(2010, 1, 1))
    make_agreement(grantor, recipient, relationship="sibling", effective_from=dt.date(2024, 10, 1))
    off = grantor.region if side == "sender" else nephew_region
    off.wallet_enabled = False
    off.save(update_fields=["wallet_enabled"])
    with pytest.raises(WalletSwitchedOff, match=off.name):
        transfer(grantor, recipient, operator=clerk)


def test_transfer_needs_agreement_and_balance(li_ming, li_xiaoming, clerk, son_agreement):
    stranger = make_person(name="路人", scheme="390")
    with pytest.raises(NoAgreementInForce):
        transfer(li_ming, stranger, operator=clerk)
    with pytest.raises(AmountOverAvailable):
        transfer(li_ming, li_xiaoming, "500.01", operator=clerk)
    assert not WalletTransfer.objects.exists()


def test_unaccepted_transfer_returns_at_cut_off_once(son_wallet, clerk):
    pending = transfer(*son_wallet, "300.00", operator=clerk, at=local(2025, 3, 10, 21, 0))
    assert pending.return_due_at == local(2025, 3, 11, 6, 0)
    assert wallet_transfers_return_unaccepted(operator=None, now=local(2025, 3, 11, 5, 59)) == []
    returned = wallet_transfers_return_unaccepted(operator=None, now=local(2025, 3, 11, 6, 0))
    assert [t.pk for t in returned] == [pending.pk]
    assert wallet_transfers_return_unaccepted(operator=None, now=local(2025, 3, 12)) == []
    pending.refresh_from_db()
    assert (pending.status, pending.returned_amount) == (TransferStatus.RETURNED, Decimal("300"))
    assert pending.return_reason == ReturnReason.CUT_OFF
    assert balances(pending) == (Decimal("500.00"), Decimal("0.00"))
    with pytest.raises(TransferNotPending):
        wallet_transfer_accept(transfer=pending, operator=make_user("clerk"))
    assert ledger_mismatches() == []


def test_accepting_before_the_cut_off_makes_the_money_spendable(son_wallet, clerk):
    pending = transfer(*son_wallet, "300.00", operator=clerk, at=local(2025, 3, 10, 21, 0))
    second = make_user("clerk")
    accepted = wallet_transfer_accept(
        transfer=pending, operator=second, now=local(2025, 3, 11, 5, 59)
    )
    accepted.refresh_from_db()
    assert (accepted.status, accepted.accepted_at, accepted.accepted_by) == (
        TransferStatus.ACCEPTED,
        local(2025, 3, 11, 5, 59),
        second,
    )
    # The scheduler, running late, leaves an accepted transfer alone.
    assert wallet_transfers_return_unaccepted(operator=None, now=local(2025, 3, 13)) == []
    assert balances(pending) == (Decimal("200.00"), Decimal("300.00"))


@pytest.mark.parametrize("now", [local(2025, 3, 11, 6, 0), local(2025, 3, 14, 9, 0)])
def test_accepting_after_the_cut_off_returns_the_transfer(son_wallet, clerk, now):
    """The return job has not run: the acceptance itself finds the cut-off passed
    (06:00 the day after, 苏州's return time), refuses, and returns the money."""
    pending = transfer(*son_wallet, "300.00", operator=clerk, at=local(2025, 3, 10, 21, 0))
    with pytest.raises(TransferPastCutOff) as refused:
        wallet_transfer_accept(transfer=pending, operator=make_user("clerk"), now=now)
    with translation.override("zh-hans"):
        assert str(refused.value) == (
            "该笔钱包转账未在截止时间 2025-03-11 06:00 前接收，已不能再接收；"
            "300.00 元已退回转出人。"
        )
    pending.refresh_from_db()
    assert (pending.status, pending.return_reason) == (
        TransferStatus.RETURNED,
        ReturnReason.CUT_OFF,
    )
    assert balances(pending) == (Decimal("500.00"), Decimal("0.00"))
    # Returned once: neither the scheduler nor a second try moves money again.
    assert wallet_transfers_return_unaccepted(operator=None, now=now) == []
    with pytest.raises(TransferNotPending):
        wallet_transfer_accept(transfer=pending, operator=make_user("clerk"), now=now)
    assert balances(pending) == (Decimal("500.00"), Decimal("0.00"))
    assert LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).count() == 2
    assert ledger_mismatches() == []
    call_command("verify_wallets")


def test_return_command_is_idempotent(son_wallet, clerk, capsys):
    pending = transfer(*son_wallet, "50.00", operator=clerk)
    call_command("wallet_transfers_return_unaccepted", "--operator", clerk.username)
    call_command("wallet_transfers_return_unaccepted")
    assert capsys.readouterr().out.splitlines()[-2:] == [
        "1 wallet transfer(s) returned",
        "0 wallet transfer(s) returned",
    ]
    assert balances(pending) == (Decimal("500.00"), Decimal("0.00"))
    # Never accepted, the transfer is undone: both of its entries are reversed.
    assert set(
        LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).values_list("reverses", flat=True)
    ) == {
        pending.account_entry_id,
        pending.wallet_entry_id,
    }


def test_refused_transfer_returns_at_once(son_wallet, clerk):
    pending = transfer(*son_wallet, "80.00", operator=clerk)
    refused = wallet_transfer_refuse(transfer=pending, operator=clerk)
    assert refused.status == TransferStatus.REFUSED
    assert balances(pending) == (Decimal("500.00"), Decimal("0.00"))
    assert ledger_mismatches() == []


def test_only_accepted_money_is_spent_and_recorded_like_a_settlement(son_wallet, clerk):
    grantor, son = son_wallet
    pending = transfer(grantor, son, "300.00", operator=clerk)
    with pytest.raises(WalletSpendableTooLow):
        spend(son, "10.00", "S-1")
    accept(pending)
    spending = spend(son, "120.00", "S-1")
    assert spend(son, "120.00", "S-1").pk == spending.pk
    entry = spending.ledger_entry
    assert (entry.kind, entry.amount, entry.use) == (
        EntryKind.WALLET_SPENDING,
        Decimal("-120.00"),
        Use.PHARMACY,
    )
    assert entry.institution_name == "老百姓大药房"
    with pytest.raises(WalletSpendableTooLow):
        spend(son, "180.01", "S-2")
    assert Wallet.objects.get(person=son).balance == Decimal("180.00")
    assert ledger_mismatches() == []


def test_agreement_end_returns_only_that_grantors_unused_money(son_wallet, clerk):
    father, son = son_wallet
    mother = make_person(name="王梅", gender="F")
    credit(mother.account, "500.00")
    mother_agreement = make_agreement(mother, son)
    from_father = transfer(father, son, "100.00", operator=clerk, at=local(2025, 3, 10, 9))
    from_mother = transfer(mother, son, "200.00", operator=clerk, at=local(2025, 3, 10, 10))
    for t in (from_father, from_mother):
        accept(t)
    spend(son, "150.00", "S-OLD-FIRST")  # the father's ¥100 first, then ¥50 of the mother's
    returned = wallet_return_for_agreement(agreement=mother_agreement, operator=clerk)
    assert [(t.pk, t.returned_amount) for t in returned] == [(from_mother.pk, Decimal("150.00"))]
    assert wallet_return_for_agreement(agreement=mother_agreement, operator=clerk) == []
    mother.account.refresh_from_db()
    assert mother.account.balance == Decimal("450.00")
    assert mother.account.entries.last().kind == EntryKind.WALLET_RETURN  # it was a use
    assert Wallet.objects.get(person=son).balance == Decimal("0.00")
    assert ledger_mismatches() == []
    call_command("verify_wallets")


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"transfer_number": " "}, InvalidTransferNumber),
        ({"transfer_number": "N" * 31}, InvalidTransferNumber),
        ({"amount": "0"}, InvalidAmount),
        ({"recipient_id_number": "12345"}, InvalidIdNumber),
        # Born on a day no fixture person is: never the number of someone registered.
        ({"recipient_id_number": make_id_number(birth=dt.date(1970, 1, 1))}, PersonNotFound),
    ],
)
def test_malformed_transfer_rows_refused(son_wallet, clerk, changes, error):
    grantor, son = son_wallet
    row = {
        "transfer_number": "WT-ROW",
        "transferred_at": local(2025, 3, 10, 10),
        "sender_id_number": grantor.id_number,
        "recipient_id_number": son.id_number,
        "amount": "10.00",
        "operator": clerk,
        **changes,
    }
    with pytest.raises(error) as refused:
        wallet_transfer_create(**row)
    if error in (InvalidIdNumber, PersonNotFound):
        assert refused.value.argument == "recipient_id_number"
    assert not WalletTransfer.objects.exists()


def test_transfer_to_suspended_recipient_or_from_frozen_account_refused(son_wallet, clerk):
    grantor, son = son_wallet
    person_update(person=son, status=EnrolmentStatus.SUSPENDED, operator=clerk)
    today = timezone.localtime().replace(hour=10, minute=0)
    with pytest.raises(NotEnrolledOn):
        transfer(grantor, son, operator=clerk, at=today)
    account_freeze(account=grantor.account, reason="司法冻结", operator=clerk)
    with pytest.raises(GrantorAccountNotOpen):
        transfer(grantor, son, operator=clerk)


def test_verify_wallets_names_a_wallet_whose_transfers_disagree(son_wallet, clerk):
    made = transfer(*son_wallet, "50.00", operator=clerk)
    call_command("verify_wallets")
    WalletTransfer.objects.filter(pk=made.pk).update(unspent=Decimal("40.00"))
    with pytest.raises(CommandError, match="1 wallet"):
        call_command("verify_wallets")


def test_ending_the_agreement_at_the_counter_returns_the_unused_wallet_money(
    son_wallet, son_agreement, clerk
):
    grantor, son = son_wallet
    accepted = transfer(grantor, son, "100.00", operator=clerk, at=local(2025, 3, 10, 9))
    accept(accepted)
    pending = transfer(grantor, son, "40.00", operator=clerk, at=local(2025, 3, 11, 9))
    spend(son, "30.00", "S-BEFORE-END")
    agreement_end(
        agreement=son_agreement,
        requested_by=EndReason.GRANTOR_REQUEST,
        reason="本人申请解除",
        operator=clerk,
    )
    accepted.refresh_from_db()
    pending.refresh_from_db()
    assert (accepted.status, accepted.returned_amount) == (TransferStatus.RETURNED, Decimal("70"))
    assert (pending.status, pending.returned_amount) == (TransferStatus.RETURNED, Decimal("40"))
    grantor.account.refresh_from_db()
    assert grantor.account.balance == Decimal("470.00")
    assert Wallet.objects.get(person=son).balance == Decimal("0.00")
    assert ledger_mismatches() == []
    call_command("verify_wallets")


def test_a_failing_wallet_return_rolls_the_end_of_the_agreement_back(
    son_wallet, son_agreement, clerk
):
    """The return runs in the end's transaction: when it fails (here the key of its
    account entry was taken by another posting), the agreement is not ended either."""
    grantor, son = son_wallet
    accepted = transfer(grantor, son, "100.00", operator=clerk, at=local(2025, 3, 10, 9))
    accept(accepted)
    credit(grantor.account, "1.00", key=f"wallet-return:{accepted.transfer_number}:account")
    with pytest.raises(IdempotencyConflict):
        agreement_end(
            agreement=son_agreement,
            requested_by=EndReason.GRANTOR_REQUEST,
            reason="本人申请解除",
            operator=clerk,
        )
    son_agreement.refresh_from_db()
    accepted.refresh_from_db()
    assert son_agreement.status == AgreementStatus.APPROVED
    assert accepted.status == TransferStatus.ACCEPTED
    assert balances(accepted) == (Decimal("401.00"), Decimal("100.00"))
    assert ledger_mismatches() == []


def test_startup_check_reports_an_agreement_end_without_its_wallet_receiver():
    assert check_agreement_ended_receiver() == []
    agreement_ended.disconnect(dispatch_uid=WALLET_RETURN_UID)
    try:
        (error,) = check_agreement_ended_receiver()
    finally:
        agreement_ended.connect(agreement_ended_return_wallet, dispatch_uid=WALLET_RETURN_UID)
    assert error.id == "transfers.E001"
    assert "agreement_ended" in error.msg
