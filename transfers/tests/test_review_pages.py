"""A reviewer's page of a held payment or a requested reversal: the facts that decide
it side by side, the amount confirmed before money moves, an optional comment kept,
and the next record of the queue after the decision."""

import pytest
from django.urls import reverse

from accounts.tests.factories import credit
from core.models import ReviewComment
from transfers.models import PaymentStatus, ReversalStatus
from transfers.services.reversals import reversal_request

from .factories import local, receive


@pytest.fixture
def queue(li_ming, li_xiaoming, son_agreement, clerk):
    """李明 (¥500.00) gets ¥20,000.00; pays ¥100.00 at 09:30, then two large bills
    are held for review (at or above the ¥5,000 threshold) at 11:00 and 15:00."""
    credit(li_ming.account, "20000.00")
    receive(li_ming, li_xiaoming, "100.00", operator=clerk, sid="SMALL-1")
    first = receive(
        li_ming,
        li_xiaoming,
        "5000.00",
        operator=clerk,
        sid="BIG-1",
        settled_at=local(2025, 3, 10, 11, 0),
    )
    second = receive(
        li_ming,
        li_xiaoming,
        "6000.00",
        operator=clerk,
        sid="BIG-2",
        settled_at=local(2025, 3, 10, 15, 0),
    )
    assert first.status == second.status == PaymentStatus.HELD
    return first, second


def test_oracle_the_held_payment_page_shows_balance_before_and_after(client, reviewer, queue):
    first, _second = queue
    client.force_login(reviewer)
    page = client.get(reverse("admin:transfers_heldpayment_change", args=[first.pk]))
    html = page.content.decode()

    facts = html[html.index('class="review-facts"') :]
    facts = facts[: facts.index("</div>")]
    # 500.00 + 20,000.00 − 100.00 = 20,400.00 before; 20,400.00 − 5,000.00 = 15,400.00 after.
    assert "<td>¥20400.00</td>" in facts and "<td>¥15400.00</td>" in facts
    assert "李*" in facts and "320500********0032" in facts  # the grantor, masked
    assert "<td>子女</td>" in facts and "金额达到复核起点" in facts
    assert "苏州市立医院（H32050000012）" in facts
    assert "<th>SMALL-1</th><td>¥100.00 · 李** · 已记账</td>" in facts  # earlier that day
    assert "BIG-2" not in facts  # later that day: not earlier
    assert "李明" not in facts  # names masked in the facts


def test_approving_money_asks_for_the_amount_then_keeps_the_comment_and_goes_on(
    client, reviewer, queue
):
    first, second = queue
    approve = reverse("admin:transfers_heldpayment_approve", args=[first.pk])
    client.force_login(reviewer)

    unchecked = client.post(approve, {"comment": "已电话核实"})
    first.refresh_from_db()
    assert unchecked.status_code == 200 and first.status == PaymentStatus.HELD
    assert "我已核对金额：¥5000.00" in unchecked.content.decode()
    assert "这个字段是必填项" in unchecked.content.decode()

    done = client.post(approve, {"comment": "已电话核实", "amount_checked": "on"}, follow=True)
    first.refresh_from_db()
    assert first.status == PaymentStatus.POSTED
    assert done.redirect_chain[-1][0] == reverse(
        "admin:transfers_heldpayment_change", args=[second.pk]
    )
    assert [str(m) for m in done.context["messages"]] == [
        "已通过 1 条：BIG-1 5000.00。",
        "下一条待复核：BIG-2 6000.00",
    ]
    comment = ReviewComment.objects.get()
    assert (comment.comment, comment.decision, comment.by) == ("已电话核实", "approve", reviewer)
    shown = client.get(reverse("admin:transfers_sharingpayment_change", args=[first.pk]))
    assert "已电话核实" in shown.content.decode()


def test_rejecting_needs_a_reason_not_the_amount_and_stores_no_empty_comment(
    client, reviewer, queue
):
    first, _second = queue
    reject = reverse("admin:transfers_heldpayment_reject", args=[first.pk])
    client.force_login(reviewer)

    client.post(reject, {"reason": "重复结算", "comment": "  "})

    first.refresh_from_db()
    assert (first.status, first.reject_reason) == (PaymentStatus.REJECTED, "重复结算")
    assert not ReviewComment.objects.exists()


def test_a_requested_reversal_shows_the_original_entry(
    client, clerk, reviewer, li_ming, li_xiaoming, son_agreement
):
    payment = receive(li_ming, li_xiaoming, "325.04", operator=clerk, sid="JS-REV-1")
    reversal = reversal_request(payment=payment, reason="医院重复上传", operator=clerk)
    client.force_login(reviewer)

    html = client.get(
        reverse("admin:transfers_reversal_change", args=[reversal.pk])
    ).content.decode()
    facts = html[html.index('class="review-facts"') :]
    facts = facts[: facts.index("</div>")]

    # 500.00 − 325.04 = 174.96 after the original entry.
    assert "JS-REV-1</a>" in facts and "<td>¥174.96</td>" in facts
    assert "医院重复上传" in facts and "<td>¥325.04</td>" in facts
    done = client.post(
        reverse("admin:transfers_reversal_approve", args=[reversal.pk]),
        {"amount_checked": "on"},
        follow=True,
    )
    reversal.refresh_from_db()
    assert reversal.status == ReversalStatus.APPROVED
    assert "此队列中已没有待您复核的记录。" in [str(m) for m in done.context["messages"]]
