"""A counter wallet transfer with its receipt, a held payment approved from the queue, and a
settlement paid from the wallet entered at the counter."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from accounts.models import Wallet
from accounts.tests.factories import credit, make_agreement, make_user
from tests.browser.support import field_error
from transfers.models import PaymentStatus, SharingPayment, WalletTransfer
from transfers.services.payments import settlement_receive
from transfers.services.wallets import wallet_transfer_accept, wallet_transfer_create
from transfers.tests.factories import local


def test_clerk_transfers_to_a_wallet_and_prints_the_receipt(
    page_as, shot, clerk, li_ming, li_xiaoming
):
    make_agreement(li_ming, li_xiaoming)
    region = li_ming.region  # the journey runs at any hour: no quiet hours
    region.wallet_quiet_from = region.wallet_quiet_until = dt.time(0, 0)
    region.save(update_fields=["wallet_quiet_from", "wallet_quiet_until"])
    page = page_as(clerk)
    page.goto(reverse("admin:transfers_wallettransfer_add"))
    page.fill("#id_sender_id_number", li_ming.id_number)
    page.fill("#id_recipient_id_number", li_xiaoming.id_number)
    page.fill("#id_amount", "2500")
    with page.expect_navigation():
        page.click("input.default[type=submit]")
    assert "2000" in field_error(page, "amount")
    shot(page, "over the limit, next to the amount")
    assert not WalletTransfer.objects.exists()

    page.fill("#id_amount", "300")
    with page.expect_navigation():
        page.click("input.default[type=submit]")
    assert page.locator(".messagelist .success").is_visible()
    shot(page, "transfer made")
    transfer = WalletTransfer.objects.get()
    assert transfer.amount == Decimal("300.00")

    page.goto(reverse("admin:transfers_wallettransfer_receipt", args=[transfer.pk]))
    assert li_xiaoming.masked_id_number in page.content()
    assert li_xiaoming.id_number not in page.content()
    shot(page, "receipt")


def test_reviewer_approves_a_held_payment_from_the_queue(
    page_as, shot, clerk, li_ming, li_xiaoming
):
    make_agreement(li_ming, li_xiaoming)
    credit(li_ming.account, "6000.00")
    settlement_receive(
        settlement_id="JS20250301000001",
        settled_at=local(2025, 3, 10, 9, 30),
        institution_code="H32050000012",
        institution_name="苏州市立医院",
        use="就医",
        beneficiary_id_number=li_xiaoming.id_number,
        grantor_id_number=li_ming.id_number,
        amount="5000.00",
        operator=clerk,
    )
    reviewer = page_as("reviewer")
    reviewer.goto(reverse("admin:transfers_heldpayment_changelist"))
    assert "JS20250301000001" in reviewer.content()
    shot(reviewer, "queue shows why it is held")
    reviewer.check("#result_list tbody input.action-select")
    reviewer.select_option("select[name=action]", "approve")
    with reviewer.expect_navigation():
        reviewer.click("button[name=index]")
    assert "¥5000.00" in reviewer.locator("label[for=id_amount_checked]").inner_text()
    shot(reviewer, "the total amount to check")
    reviewer.check("#id_amount_checked")
    with reviewer.expect_navigation():
        reviewer.click("input.default[type=submit]")
    assert reviewer.locator(".messagelist .success").is_visible()
    shot(reviewer, "approved and posted")
    assert SharingPayment.objects.get().status == PaymentStatus.POSTED


def test_clerk_enters_a_settlement_paid_from_the_wallet(page_as, shot, clerk, li_ming, li_xiaoming):
    make_agreement(li_ming, li_xiaoming)
    sent = wallet_transfer_create(
        transfer_number="WT-FILL",
        transferred_at=local(2025, 3, 10, 10, 0),
        sender_id_number=li_ming.id_number,
        recipient_id_number=li_xiaoming.id_number,
        amount="200.00",
        operator=clerk,
    )
    other_clerk = make_user("clerk")
    wallet_transfer_accept(transfer=sent, operator=other_clerk, now=local(2025, 3, 10, 11, 0))
    page = page_as(clerk)
    page.goto(reverse("admin:transfers_sharingpayment_add"))
    page.fill("#id_settlement_id", "JS-WALLET-1")
    page.fill("#id_settled_at", "2025-03-12T10:00")
    page.select_option("#id_use", "pharmacy")
    page.fill("#id_institution_code", "P32050000031")
    page.fill("#id_institution_name", "老百姓大药房")
    page.fill("#id_beneficiary_id_number", li_xiaoming.id_number)
    page.check("input[name=paid_from][value=wallet]")
    page.fill("#id_grantor_id_number", li_ming.id_number)
    page.fill("#id_amount", "80")
    page.fill("#id_note", "药店结算漏传")
    with page.expect_navigation():
        page.click("input.default[type=submit]")
    assert "留空" in field_error(page, "grantor_id_number")
    shot(page, "a wallet payment names no grantor")

    page.fill("#id_grantor_id_number", "")
    with page.expect_navigation():
        page.click("input.default[type=submit]")
    assert "医保钱包支付）：挂起待复核" in page.locator(".messagelist .success").inner_text()
    shot(page, "paid from the wallet, held for review")
    # Typed at the counter: held for a second person, the wallet unchanged until then.
    assert Wallet.objects.get(person=li_xiaoming).balance == Decimal("200.00")
