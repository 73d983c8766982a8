"""Held wallet spendings (issue 11: one person moves no money alone, from the wallet
either). 李小明's wallet holds ¥100.00 from his father (accepted first) and ¥200.00
from his mother (``filled_wallet``); every amount below is worked out by hand in
the comments, oldest accepted transfer taken first."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from accounts.models import EntryKind, LedgerEntry, Wallet
from accounts.scope import OutOfScope
from accounts.selectors import ledger_mismatches
from accounts.services.agreements import agreement_end
from accounts.tests.factories import make_user
from core.errors import ReasonRequired
from core.review import ReviewerIsCreator
from core.trail import trail_events, trail_lines
from staff.roles import roles_sync
from transfers.errors import NotHeld, WalletSpendableTooLow
from transfers.models import HoldReason, PaymentStatus, TransferStatus, WalletSpending
from transfers.selectors import wallet_mismatches, wallet_spendable
from transfers.services.holds import hold_rules_update
from transfers.services.spendings import wallet_spending_approve, wallet_spending_reject

from .factories import balance, spend
from .test_wallet_payments import run, wallet_row

pytestmark = pytest.mark.django_db

SAME_REVIEWER = "这是您本人录入的业务，须由其他复核人员处理。"


def _wallet(person) -> Wallet:
    return Wallet.objects.get(person=person)


def _unspent(*transfers) -> tuple:
    for t in transfers:
        t.refresh_from_db()
    return tuple(t.unspent for t in transfers)


def _consistent() -> bool:
    return ledger_mismatches() == [] and wallet_mismatches() == []


@pytest.fixture
def held(li_xiaoming, filled_wallet, clerk):
    """¥150.00 typed by the clerk: held (every manual entry, by default)."""
    return spend(li_xiaoming, "150.00", "W-HELD", operator=clerk, manual=True)


def test_oracle_a_held_spending_reserves_its_money_and_posts_nothing(
    li_xiaoming, filled_wallet, held
):
    assert (held.status, held.hold_reasons, held.ledger_entry) == (
        PaymentStatus.HELD,
        [HoldReason.MANUAL],
        None,
    )
    assert not LedgerEntry.objects.filter(kind=EntryKind.WALLET_SPENDING).exists()
    # Nothing posted: 100 + 200 = 300 still in the wallet. Reserved: the father's 100,
    # then 50 of the mother's 200; 300 − 150 = 150 left to spend.
    assert _wallet(li_xiaoming).balance == Decimal("300.00")
    assert _unspent(*filled_wallet) == (Decimal("0.00"), Decimal("150.00"))
    assert wallet_spendable(_wallet(li_xiaoming)) == Decimal("150.00")
    with pytest.raises(WalletSpendableTooLow) as refused:
        spend(li_xiaoming, "160.00", "W-2")
    assert str(refused.value) == "钱包当前可支付 150.00 元，本笔金额为 160.00 元。"
    assert _consistent()


def test_oracle_a_second_person_approves_and_the_wallet_pays(li_xiaoming, reviewer, held):
    approved = wallet_spending_approve(spending=held, operator=reviewer)
    assert (approved.status, approved.reviewed_by) == (PaymentStatus.POSTED, reviewer)
    assert approved.reviewed_at is not None
    entry = approved.ledger_entry
    # 300 − 150 = 150, posted by the reviewer, keyed by the 结算ID.
    assert (entry.kind, entry.amount, entry.balance_after, entry.idempotency_key) == (
        EntryKind.WALLET_SPENDING,
        Decimal("-150.00"),
        Decimal("150.00"),
        "settlement:W-HELD",
    )
    assert _wallet(li_xiaoming).balance == Decimal("150.00")
    with pytest.raises(NotHeld) as again:
        wallet_spending_approve(spending=held, operator=make_user("reviewer"))
    assert str(again.value) == "该笔支付不在待复核状态（状态：已记账）。"
    assert _consistent()


def test_the_creator_cannot_approve_and_the_database_refuses_it_too(li_xiaoming, filled_wallet):
    both = make_user("clerk")
    both.groups.add(roles_sync()["reviewer"])
    own = spend(li_xiaoming, "50.00", "W-OWN", operator=both, manual=True)
    with pytest.raises(ReviewerIsCreator) as refused:
        wallet_spending_approve(spending=own, operator=both)
    assert str(refused.value) == SAME_REVIEWER
    own.refresh_from_db()
    assert (own.status, _wallet(li_xiaoming).balance) == (PaymentStatus.HELD, Decimal("300.00"))
    with pytest.raises(IntegrityError, match="spending_reviewer_not_creator"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE transfers_walletspending SET status = 'rejected', reject_reason = 'x',"
                " reviewed_by_id = created_by_id, reviewed_at = now() WHERE id = %s",
                [own.pk],
            )


def test_the_database_refuses_a_held_spending_with_an_entry_or_a_reviewer(held, reviewer):
    with pytest.raises(IntegrityError, match="spending_held_undecided"):
        with transaction.atomic():
            WalletSpending.objects.filter(pk=held.pk).update(reviewed_by=reviewer)


def test_oracle_a_rejection_releases_the_reservation(li_xiaoming, filled_wallet, held, reviewer):
    with pytest.raises(ReasonRequired) as no_reason:
        wallet_spending_reject(spending=held, operator=reviewer, reason="  ")
    assert str(no_reason.value) == "必须填写原因。"
    rejected = wallet_spending_reject(spending=held, operator=reviewer, reason="重复结算")
    assert (rejected.status, rejected.reject_reason, rejected.reviewed_by) == (
        PaymentStatus.REJECTED,
        "重复结算",
        reviewer,
    )
    # Back where it was taken: the father's 100 and the mother's 200, all 300 spendable.
    assert _unspent(*filled_wallet) == (Decimal("100.00"), Decimal("200.00"))
    assert wallet_spendable(_wallet(li_xiaoming)) == Decimal("300.00")
    assert _wallet(li_xiaoming).balance == Decimal("300.00")
    assert rejected.ledger_entry is None
    spend(li_xiaoming, "300.00", "W-ALL")  # the released money can be spent
    assert _wallet(li_xiaoming).balance == Decimal("0.00")
    assert _consistent()


def test_an_agreement_ended_while_held_gets_its_reserved_money_back_on_rejection(
    li_ming, li_xiaoming, son_agreement, filled_wallet, held, clerk, reviewer
):
    """The father's 100 is all reserved when his agreement ends: the end returns none
    of it (500 − 100 = 400 stays his balance). Rejected, it goes back to him (500);
    the mother's 50 to her transfer (200); the wallet 300 − 100 = 200."""
    from_father, from_mother = filled_wallet
    agreement_end(
        agreement=son_agreement, requested_by="grantor_request", reason="不再共济", operator=clerk
    )
    assert balance(li_ming) == Decimal("400.00")
    wallet_spending_reject(spending=held, operator=reviewer, reason="就医人已出院结算")
    assert balance(li_ming) == Decimal("500.00")
    assert _wallet(li_xiaoming).balance == Decimal("200.00")
    assert _unspent(from_father, from_mother) == (Decimal("0.00"), Decimal("200.00"))
    assert (from_father.status, from_father.returned_amount) == (
        TransferStatus.RETURNED,
        Decimal("100.00"),
    )
    assert wallet_spendable(_wallet(li_xiaoming)) == Decimal("200.00")
    assert _consistent()


def test_the_manual_threshold_lets_a_small_wallet_spending_through(
    li_xiaoming, filled_wallet, clerk, supervisor
):
    """Held from ¥50.00: ¥25.00 typed posts at once (300 − 25 = 275), ¥50.00 waits."""
    hold_rules_update(operator=supervisor, manual_amount_threshold=Decimal("50.00"))
    small = spend(li_xiaoming, "25.00", "W-SMALL", operator=clerk, manual=True)
    large = spend(li_xiaoming, "50.00", "W-LARGE", operator=clerk, manual=True)
    assert (small.status, large.status) == (PaymentStatus.POSTED, PaymentStatus.HELD)
    assert _wallet(li_xiaoming).balance == Decimal("275.00")
    assert _consistent()


def test_a_files_wallet_row_is_held_by_the_files_rules(li_xiaoming, filled_wallet, supervisor):
    """Held from ¥100.00 (the amount rule, as for the file's account rows): ¥120.00
    is held in the preview and the write, ¥30.00 posts (300 − 30 = 270)."""
    hold_rules_update(operator=supervisor, amount_threshold=Decimal("100.00"))
    rows = [wallet_row(li_xiaoming, "F-1", "120.00"), wallet_row(li_xiaoming, "F-2", "30.00")]
    preview = run(rows, supervisor, dry_run=True)
    patient = li_xiaoming.masked_id_number
    assert [p.summary for p in preview.planned] == [
        f"F-1：{patient} 的医保钱包支付 ¥120.00（挂起待复核：金额达到复核起点）",
        f"F-2：{patient} 的医保钱包支付 ¥30.00",
    ]
    assert run(rows, supervisor).written
    statuses = dict(WalletSpending.objects.values_list("settlement_id", "status"))
    assert statuses == {"F-1": PaymentStatus.HELD, "F-2": PaymentStatus.POSTED}
    assert _wallet(li_xiaoming).balance == Decimal("270.00")
    assert _consistent()


def test_a_reviewer_of_another_region_may_not_decide(held):
    elsewhere = make_user("reviewer", region="411300")
    with pytest.raises(OutOfScope) as refused:
        wallet_spending_approve(spending=held, operator=elsewhere)
    assert "不在您所在服务大厅的统筹区范围内" in str(refused.value)
    held.refresh_from_db()
    assert held.status == PaymentStatus.HELD


def test_the_audit_trail_says_who_held_and_who_approved(held, clerk, reviewer):
    wallet_spending_approve(spending=held, operator=reviewer)
    events = trail_events().tracks(held).order_by("pgh_created_at", "pgh_id")
    assert [e.pgh_label for e in events] == ["insert", "update"]
    assert [e.pgh_context["user"] for e in events] == [clerk.pk, reviewer.pk]
    changes = trail_lines([events[1]])[0].changes
    assert "状态 由 挂起待复核 改为 已记账" in changes
    assert f"复核人 由 空 改为 {reviewer}" in changes
