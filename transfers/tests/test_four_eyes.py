"""Four eyes on every money movement a person enters (issue 11): a clerk's manual
settlement waits for a reviewer, paid from a grantor's account or from the
patient's wallet; a counter wallet transfer is accepted by another clerk; a
reversal is approved by another user. The same user is refused in Chinese, a
second user succeeds, and the ledger adds up at the end.

The balances are worked out by hand: 李明 has ¥500.00 (root conftest); a ¥100.00
payment leaves ¥400.00, a ¥300.00 transfer ¥200.00 in the account and ¥300.00 in
the son's wallet."""

from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import make_user
from core.importing import import_run
from core.tests.files import xlsx_file
from staff.roles import roles_sync
from transfers.imports import SettlementsImport
from transfers.models import (
    HoldReason,
    PaymentStatus,
    ReversalStatus,
    SharingPayment,
    TransferStatus,
    WalletSpending,
    WalletTransfer,
)
from transfers.services.holds import hold_rules_update

from .factories import balance, logged_in, receive, settlement_form, transfer

pytestmark = pytest.mark.django_db

SAME_REVIEWER = "这是您本人录入的业务，须由其他复核人员处理。"
SAME_ACCEPTOR = "这笔钱包转账是您本人录入的，须由其他经办人员办理接收。"


@pytest.fixture
def clerk_and_reviewer(db):
    """A user holding both roles: only the rule of the second person stops them."""
    user = make_user("clerk")
    user.groups.add(roles_sync()["reviewer"])
    return user


def _messages(response):
    """The messages of this response, after those still shown from the step before."""
    return [(m.level_tag, str(m)) for m in response.context["messages"]][-1:]


def test_oracle_a_manual_settlement_waits_for_a_second_person(
    client, clerk_and_reviewer, reviewer, li_ming, li_xiaoming, son_agreement
):
    add = reverse("admin:transfers_sharingpayment_add")
    response = logged_in(client, clerk_and_reviewer).post(
        add, settlement_form(li_ming, li_xiaoming)
    )
    assert response.status_code == 302
    payment = SharingPayment.objects.get(settlement_id="MANUAL-1")
    assert (payment.status, payment.hold_reasons) == (PaymentStatus.HELD, [HoldReason.MANUAL])
    assert balance(li_ming) == Decimal("500.00")  # nothing posted by one person

    queue = reverse("admin:transfers_heldpayment_changelist")
    approve = {
        "action": "approve",
        ACTION_CHECKBOX_NAME: [payment.pk],
        "apply": "1",
        "amount_checked": "1",
    }
    refused = client.post(queue, approve, follow=True)
    assert _messages(refused) == [("error", f"{payment}: {SAME_REVIEWER}")]
    assert balance(li_ming) == Decimal("500.00")

    approved = logged_in(client, reviewer).post(queue, approve, follow=True)
    assert [level for level, _text in _messages(approved)] == ["success"]
    payment.refresh_from_db()
    assert (payment.status, payment.created_by, payment.reviewed_by) == (
        PaymentStatus.POSTED,
        clerk_and_reviewer,
        reviewer,
    )
    assert balance(li_ming) == Decimal("400.00")
    call_command("verify_ledger")


def test_oracle_a_manual_wallet_settlement_waits_for_a_second_person(
    client, clerk_and_reviewer, reviewer, li_xiaoming, filled_wallet
):
    """¥25.00 typed at the counter from 李小明's wallet (¥300.00): held, the wallet
    unchanged; the reviewer's page shows ¥300.00 before and 300 − 25 = ¥275.00 after."""
    add = reverse("admin:transfers_sharingpayment_add")
    form = settlement_form(
        li_xiaoming,
        li_xiaoming,
        settlement_id="MANUAL-W",
        paid_from="wallet",
        grantor_id_number="",
        amount="25.00",
    )
    assert logged_in(client, clerk_and_reviewer).post(add, form).status_code == 302
    spending = WalletSpending.objects.get(settlement_id="MANUAL-W")
    assert (spending.status, spending.hold_reasons) == (PaymentStatus.HELD, [HoldReason.MANUAL])
    assert li_xiaoming.wallet.balance == Decimal("300.00")  # nothing posted by one person

    queue = reverse("admin:transfers_heldwalletspending_changelist")
    approve = {
        "action": "approve",
        ACTION_CHECKBOX_NAME: [spending.pk],
        "apply": "1",
        "amount_checked": "1",
    }
    refused = client.post(queue, approve, follow=True)
    assert _messages(refused) == [("error", f"{spending}: {SAME_REVIEWER}")]

    logged_in(client, reviewer)
    home = client.get(reverse("admin:index")).context["queues"]
    assert ("挂起待复核的钱包支付", 1) in [(str(t.label), t.value) for t in home]
    assert "MANUAL-W" in client.get(queue).content.decode()
    page = reverse("admin:transfers_heldwalletspending_change", args=[spending.pk])
    html = client.get(page).content.decode()
    facts = html[html.index('class="review-facts"') :]
    facts = facts[: facts.index("</div>")]
    assert "<td>¥300.00</td>" in facts and "<td>¥275.00</td>" in facts
    assert "李**" in facts and li_xiaoming.masked_id_number in facts and "人工录入" in facts
    assert li_xiaoming.name not in facts
    decide = reverse("admin:transfers_heldwalletspending_approve", args=[spending.pk])
    done = client.post(decide, {"amount_checked": "on"}, follow=True)
    assert str(list(done.context["messages"])[0]) == "已通过 1 条：MANUAL-W 25.00。"
    spending.refresh_from_db()
    assert (spending.status, spending.created_by, spending.reviewed_by) == (
        PaymentStatus.POSTED,
        clerk_and_reviewer,
        reviewer,
    )
    li_xiaoming.wallet.refresh_from_db()
    assert li_xiaoming.wallet.balance == Decimal("275.00")
    call_command("verify_ledger")
    call_command("verify_wallets")


def test_the_manual_threshold_is_a_setting_and_files_keep_their_rules(
    client, clerk, supervisor, li_ming, li_xiaoming, son_agreement
):
    """Manual entries held from ¥150.00: ¥100.00 typed posts at once, ¥150.00 waits.
    A row of the national platform's file is not a manual entry: ¥150.00 posts."""
    hold_rules_update(operator=supervisor, manual_amount_threshold=Decimal("150.00"))
    add = reverse("admin:transfers_sharingpayment_add")
    logged_in(client, clerk).post(add, settlement_form(li_ming, li_xiaoming))
    logged_in(client, clerk).post(
        add, settlement_form(li_ming, li_xiaoming, settlement_id="MANUAL-2", amount="150.00")
    )
    statuses = dict(SharingPayment.objects.values_list("settlement_id", "status"))
    assert statuses == {"MANUAL-1": PaymentStatus.POSTED, "MANUAL-2": PaymentStatus.HELD}
    header = ["结算ID", "结算时间", "定点机构编码", "定点机构名称", "用途"]
    header += ["被共济人身份号码", "共济人身份号码", "共济支付金额"]
    row = ["FILE-1", "2025-03-11 09:30:00", "H32050000012", "苏州市立医院", "就医"]
    row += [li_xiaoming.id_number, li_ming.id_number, "150.00"]
    report = import_run(
        SettlementsImport(), xlsx_file([header, row]), operator=supervisor, dry_run=False
    )
    assert report.written, report.errors
    assert SharingPayment.objects.get(settlement_id="FILE-1").status == PaymentStatus.POSTED
    # 500 − 100 (MANUAL-1) − 150 (FILE-1); MANUAL-2's 150 is reserved, not posted.
    assert balance(li_ming) == Decimal("250.00")
    call_command("verify_ledger")


def test_a_negative_manual_threshold_is_refused_on_the_page(client, supervisor):
    page = logged_in(client, supervisor).get(reverse("admin:transfers_holdrules_changelist"))
    response = client.post(
        page.url,
        {
            "amount_threshold": "5000.00",
            "daily_payments_per_beneficiary": "5",
            "manual_amount_threshold": "-1.00",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["manual_amount_threshold"] == ["确保该值大于或等于0.00。"]


def test_oracle_a_clerk_does_not_accept_their_own_counter_transfer(
    client, clerk, li_ming, li_xiaoming, son_agreement, no_quiet_hours
):
    add = reverse("admin:transfers_wallettransfer_add")
    number = logged_in(client, clerk).get(add).context["form"].fields["transfer_number"].initial
    data = {
        "transfer_number": number,
        "sender_id_number": li_ming.id_number,
        "recipient_id_number": li_xiaoming.id_number,
        "amount": "300",
    }
    assert client.post(add, data).status_code == 302
    sent = WalletTransfer.objects.get()
    url = reverse("admin:transfers_wallettransfer_changelist")
    accept = {"action": "accept", ACTION_CHECKBOX_NAME: [sent.pk]}
    refused = client.post(url, accept, follow=True)
    assert _messages(refused) == [("error", f"{sent}: {SAME_ACCEPTOR}")]
    sent.refresh_from_db()
    assert (sent.status, sent.accepted_by) == (TransferStatus.PENDING, None)

    counter = make_user("clerk", username="counter2")
    accepted = logged_in(client, counter).post(url, accept, follow=True)
    assert [level for level, _text in _messages(accepted)] == ["success"]
    sent.refresh_from_db()
    assert (sent.status, sent.created_by, sent.accepted_by) == (
        TransferStatus.ACCEPTED,
        clerk,
        counter,
    )
    assert "counter2" in client.get(url).content.decode()  # who accepted, in the list
    receipt = client.get(reverse("admin:transfers_wallettransfer_receipt", args=[sent.pk]))
    assert "counter2" in receipt.content.decode()
    li_xiaoming.wallet.refresh_from_db()
    assert (balance(li_ming), li_xiaoming.wallet.balance) == (Decimal("200.00"), Decimal("300.00"))
    call_command("verify_ledger")


def test_the_database_refuses_an_acceptor_who_entered_the_transfer(
    clerk, li_ming, li_xiaoming, son_agreement, no_quiet_hours
):
    sent = transfer(li_ming, li_xiaoming, "100.00", operator=clerk, at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        WalletTransfer.objects.filter(pk=sent.pk).update(
            status=TransferStatus.ACCEPTED, accepted_at=timezone.now(), accepted_by=clerk
        )


def test_oracle_a_reversal_is_approved_by_another_user(
    client, clerk_and_reviewer, reviewer, li_ming, li_xiaoming, son_agreement
):
    """The clerk's request (the payment page's button) posts nothing; the requester is
    refused as its reviewer; another reviewer's approval gives the ¥100.00 back."""
    payment = receive(li_ming, li_xiaoming, "100.00", operator=clerk_and_reviewer, sid="REV-1")
    assert balance(li_ming) == Decimal("400.00")
    ask = reverse("admin:transfers_sharingpayment_reverse", args=[payment.pk])
    response = logged_in(client, clerk_and_reviewer).post(ask, {"reason": "重复结算"})
    assert response.status_code == 302
    reversal = payment.reversals.get()
    assert (reversal.status, balance(li_ming)) == (ReversalStatus.REQUESTED, Decimal("400.00"))
    queue = reverse("admin:transfers_requestedreversal_changelist")
    approve = {
        "action": "approve",
        ACTION_CHECKBOX_NAME: [reversal.pk],
        "apply": "1",
        "amount_checked": "1",
    }
    refused = client.post(queue, approve, follow=True)
    assert _messages(refused) == [("error", f"{reversal}: {SAME_REVIEWER}")]
    assert balance(li_ming) == Decimal("400.00")
    logged_in(client, reviewer).post(queue, approve, follow=True)
    reversal.refresh_from_db()
    assert (reversal.status, reversal.reviewed_by) == (ReversalStatus.APPROVED, reviewer)
    assert balance(li_ming) == Decimal("500.00")
    call_command("verify_ledger")
