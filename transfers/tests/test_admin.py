"""The clerk's and reviewer's screens, through Django's test client."""

from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import ledger_mismatches
from accounts.tests.factories import credit, make_user
from core.review import ReviewerIsCreator
from core.tests.pdfs import PRINT_SCRIPT, page_scripts
from transfers.models import (
    HoldReason,
    HoldRules,
    PaymentStatus,
    Reversal,
    ReversalStatus,
    WalletTransfer,
)

from .factories import balance, local, logged_in, receive, settlement_form, transfer


def test_manual_settlement_correction_is_received_through_the_service(
    client, clerk, li_ming, li_xiaoming, son_agreement
):
    """Received by ``settlement_receive`` and held for a second person (manual entry;
    ``test_four_eyes`` follows it to the reviewer)."""
    response = logged_in(client, clerk).post(
        reverse("admin:transfers_sharingpayment_add"), settlement_form(li_ming, li_xiaoming)
    )
    assert response.status_code == 302
    assert balance(li_ming) == Decimal("500.00")
    page = client.get(response.url)
    assert "MANUAL-1" in page.content.decode() and "人工录入" in page.content.decode()
    assert ledger_mismatches() == []


def test_manual_settlement_error_shown_next_to_the_field(
    client, clerk, li_ming, li_xiaoming, son_agreement
):
    response = logged_in(client, clerk).post(
        reverse("admin:transfers_sharingpayment_add"),
        settlement_form(li_ming, li_xiaoming, institution_code="P32050000012"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["institution_code"]
    response = client.post(
        reverse("admin:transfers_sharingpayment_add"),
        settlement_form(li_ming, li_xiaoming, amount="900.00"),
    )
    assert "900.00" in str(response.context["form"].errors["amount"])
    assert balance(li_ming) == Decimal("500.00")


def test_counter_wallet_transfer_and_its_printable_receipt(
    client, clerk, li_ming, li_xiaoming, son_agreement, no_quiet_hours
):
    add = reverse("admin:transfers_wallettransfer_add")
    form = logged_in(client, clerk).get(add).context["form"]
    number = form.fields["transfer_number"].initial
    data = {
        "transfer_number": number,
        "sender_id_number": li_ming.id_number,
        "recipient_id_number": li_xiaoming.id_number,
        "amount": "300",
    }
    assert client.post(add, data).status_code == 302
    assert client.post(add, data).status_code == 302  # a double submission moves money once
    transfer = WalletTransfer.objects.get()
    assert transfer.transfer_number == number
    assert balance(li_ming) == Decimal("200.00")
    receipt = client.get(reverse("admin:transfers_wallettransfer_receipt", args=[transfer.pk]))
    html = receipt.content.decode()
    assert "size: A4" in html and number in html and li_xiaoming.masked_id_number in html
    assert li_xiaoming.id_number not in html
    assert "<link" not in html and page_scripts(html) == [PRINT_SCRIPT]  # no admin chrome
    assert ledger_mismatches() == []


def test_counter_transfer_refusal_shown_as_form_error(
    client, clerk, li_ming, li_xiaoming, no_quiet_hours
):
    response = logged_in(client, clerk).post(
        reverse("admin:transfers_wallettransfer_add"),
        {
            "transfer_number": "CT-1",
            "sender_id_number": li_ming.id_number,
            "recipient_id_number": li_xiaoming.id_number,
            "amount": "100",
        },
    )
    assert "李小明" in str(response.context["form"].non_field_errors())
    assert not WalletTransfer.objects.exists()


@pytest.fixture
def held(li_ming, li_xiaoming, son_agreement, clerk):
    credit(li_ming.account, "5000.00")
    return receive(li_ming, li_xiaoming, "5000.00", operator=clerk, sid="BIG-1")


def test_review_queue_shows_why_held_and_bulk_approve_reports(client, reviewer, held, li_ming):
    queue = reverse("admin:transfers_heldpayment_changelist")
    page = logged_in(client, reviewer).get(queue).content.decode()
    assert "BIG-1" in page and str(HoldReason.AMOUNT.label) in page
    asked = client.post(queue, {"action": "approve", ACTION_CHECKBOX_NAME: [held.pk]})
    assert "我已核对金额：¥5000.00" in asked.content.decode()  # money: checked first
    held.refresh_from_db()
    assert held.status == PaymentStatus.HELD
    response = client.post(
        queue,
        {
            "action": "approve",
            ACTION_CHECKBOX_NAME: [held.pk],
            "apply": "1",
            "amount_checked": "on",
        },
        follow=True,
    )
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    held.refresh_from_db()
    assert held.status == PaymentStatus.POSTED
    assert balance(li_ming) == Decimal("500.00")


def test_held_payment_page_says_why_in_words(client, reviewer, held):
    for name in ("heldpayment", "sharingpayment"):
        page = logged_in(client, reviewer).get(
            reverse(f"admin:transfers_{name}_change", args=[held.pk])
        )
        html = page.content.decode()
        field = html[html.index("field-hold_reasons_in_words") :]
        field = field[: field.index("form-row")]
        assert "挂起原因" in field and '"readonly">金额达到复核起点<' in field
        assert 'field-hold_reasons"' not in html and ">amount<" not in html


def test_bulk_reject_asks_for_a_reason_first(client, reviewer, held):
    queue = reverse("admin:transfers_heldpayment_changelist")
    ask = logged_in(client, reviewer).post(
        queue, {"action": "reject", ACTION_CHECKBOX_NAME: [held.pk]}
    )
    assert ask.status_code == 200 and "reason" in ask.context["form"].fields
    client.post(
        queue,
        {"action": "reject", ACTION_CHECKBOX_NAME: [held.pk], "apply": "1", "reason": "重复结算"},
    )
    held.refresh_from_db()
    assert (held.status, held.reject_reason) == (PaymentStatus.REJECTED, "重复结算")
    listing = client.get(reverse("admin:transfers_sharingpayment_changelist"))
    assert "重复结算" in listing.content.decode()


def test_own_entry_cannot_be_approved_and_the_message_says_why(client, clerk, held):
    clerk.user_permissions.add(Permission.objects.get(codename="review_sharingpayment"))
    response = logged_in(client, clerk).post(
        reverse("admin:transfers_heldpayment_changelist"),
        {"action": "approve", ACTION_CHECKBOX_NAME: [held.pk], "apply": "1", "amount_checked": "1"},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [f"{held}: {ReviewerIsCreator()}"]
    held.refresh_from_db()
    assert held.status == PaymentStatus.HELD


def test_clerk_requests_reversal_reviewer_approves_and_prints_receipt(
    client, clerk, reviewer, li_ming, li_xiaoming, son_agreement
):
    payment = receive(li_ming, li_xiaoming, "100.00", operator=clerk)
    page = logged_in(client, clerk).get(
        reverse("admin:transfers_sharingpayment_change", args=[payment.pk])
    )
    assert reverse("admin:transfers_sharingpayment_reverse", args=[payment.pk]) in str(
        page.content, "utf-8"
    )
    client.post(
        reverse("admin:transfers_sharingpayment_reverse", args=[payment.pk]),
        {"reason": "医院重复上传"},
    )
    reversal = Reversal.objects.get()
    queue = reverse("admin:transfers_requestedreversal_changelist")
    assert "医院重复上传" in logged_in(client, reviewer).get(queue).content.decode()
    client.post(
        queue,
        {
            "action": "approve",
            ACTION_CHECKBOX_NAME: [reversal.pk],
            "apply": "1",
            "amount_checked": "1",
        },
    )
    reversal.refresh_from_db()
    assert reversal.status == ReversalStatus.APPROVED
    assert balance(li_ming) == Decimal("500.00")
    html = client.get(reverse("admin:transfers_reversal_receipt", args=[reversal.pk])).content
    assert "医院重复上传" in html.decode() and "size: A4" in html.decode()
    assert ledger_mismatches() == []


def test_lists_search_and_filter(client, auditor, clerk, li_ming, li_xiaoming, son_agreement):
    receive(li_ming, li_xiaoming, "100.00", operator=clerk, sid="FIND-ME")
    receive(li_ming, li_xiaoming, "50.00", operator=clerk, sid="OTHER")
    url = reverse("admin:transfers_sharingpayment_changelist")
    client = logged_in(client, auditor)
    for query, expected in [
        ({"q": "FIND-ME"}, 1),
        ({"q": li_xiaoming.id_number}, 2),
        ({"q": "H32050000012"}, 2),
        ({"status": "posted", "scope": "same_region", "use": "medical"}, 2),
        ({"settled_at__from": "2025-03-10", "settled_at__to": "2025-03-10"}, 2),
        ({"settled_at__from": "2025-03-11"}, 0),
    ]:
        response = client.get(url, query)
        assert response.status_code == 200
        assert response.context["cl"].result_count == expected, query
    # An auditor reads; the add button and review actions are not offered.
    assert not response.context["has_add_permission"]
    assert client.get(reverse("admin:transfers_sharingpayment_add")).status_code == 403
    for name in ("wallettransfer", "reversal", "walletspending", "heldpayment"):
        assert client.get(reverse(f"admin:transfers_{name}_changelist")).status_code == 200


def test_supervisor_edits_hold_rules(client, supervisor):
    page = logged_in(client, supervisor).get(reverse("admin:transfers_holdrules_changelist"))
    assert page.status_code == 302
    response = client.post(
        page.url,
        {
            "amount_threshold": "3000.00",
            "daily_payments_per_beneficiary": "5",
            "manual_amount_threshold": "0.00",
        },
    )
    assert response.status_code == 302
    assert HoldRules.current().amount_threshold == Decimal("3000.00")
    assert HoldRules.current().updated_by == supervisor


def test_payment_export_holds_the_filtered_rows_masked(
    client, clerk, li_ming, li_xiaoming, son_agreement
):
    receive(li_ming, li_xiaoming, "100.00", operator=clerk, sid="EXP-1")
    receive(li_ming, li_xiaoming, "20.00", operator=clerk, sid="EXP-2")
    url = reverse("admin:transfers_sharingpayment_export", args=["csv"])
    response = logged_in(client, clerk).get(url, {"q": "EXP-1"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("结算ID,结算时间,定点机构编码,定点机构名称,用途,被共济人身份号码")
    assert len(lines) == 2 and "EXP-1" in lines[1] and ",就医," in lines[1]
    assert li_xiaoming.masked_id_number in lines[1] and li_xiaoming.id_number not in text
    for name in ("wallettransfer", "reversal"):
        export = reverse(f"admin:transfers_{name}_export", args=["xlsx"])
        assert client.get(export).status_code == 200


def test_clerk_accepts_or_refuses_transfers_for_the_recipient(
    client, clerk, li_ming, li_xiaoming, son_agreement, no_quiet_hours
):
    """Entered at another clerk's counter (``test_four_eyes``: never one's own)."""
    entered_by = make_user("clerk")
    first = transfer(li_ming, li_xiaoming, "100.00", operator=entered_by, at=timezone.now())
    second = transfer(li_ming, li_xiaoming, "50.00", operator=entered_by, at=timezone.now())
    url = reverse("admin:transfers_wallettransfer_changelist")
    logged_in(client, clerk).post(url, {"action": "accept", ACTION_CHECKBOX_NAME: [first.pk]})
    response = client.post(
        url, {"action": "refuse", ACTION_CHECKBOX_NAME: [second.pk]}, follow=True
    )
    assert [m.level_tag for m in response.context["messages"]] == ["success", "success"]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("accepted", "refused")
    assert balance(li_ming) == Decimal("400.00")
    assert ledger_mismatches() == []


def test_accepting_a_transfer_past_its_cut_off_says_so_and_returns_it(
    client, clerk, li_ming, li_xiaoming, son_agreement
):
    """The return job has not run since 2025-03-11 06:00; the clerk tries to accept."""
    late = transfer(li_ming, li_xiaoming, "100.00", operator=clerk, at=local(2025, 3, 10, 10))
    response = logged_in(client, clerk).post(
        reverse("admin:transfers_wallettransfer_changelist"),
        {"action": "accept", ACTION_CHECKBOX_NAME: [late.pk]},
        follow=True,
    )
    assert [(m.level_tag, str(m)) for m in response.context["messages"]] == [
        (
            "error",
            f"{late}: 该笔钱包转账未在截止时间 2025-03-11 06:00 前接收，已不能再接收；"
            "100.00 元已退回转出人。",
        )
    ]
    late.refresh_from_db()
    assert (late.status, late.return_reason) == ("returned", "cut_off")
    assert 'field-status">已退回转出人<' in response.content.decode()  # in the list too
    assert balance(li_ming) == Decimal("500.00")
    assert ledger_mismatches() == []


def test_held_payment_page_approve_button_posts_it(client, reviewer, held, li_ming):
    approve = reverse("admin:transfers_heldpayment_approve", args=[held.pk])
    page = reverse("admin:transfers_heldpayment_change", args=[held.pk])
    assert f'href="{approve}">通过<' in logged_in(client, reviewer).get(page).content.decode()
    done = client.post(approve, {"amount_checked": "on"}, follow=True)
    assert [str(m) for m in done.context["messages"]] == [
        "已通过 1 条：BIG-1 5000.00。",
        "此队列中已没有待您复核的记录。",
    ]
    held.refresh_from_db()
    assert held.status == PaymentStatus.POSTED
    assert balance(li_ming) == Decimal("500.00")
