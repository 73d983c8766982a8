"""A reviewer's day at a 1366×768 hall PC: the held payments queue, each payment's
facts beside the decision, approve with the amount checked and a comment, reject
with a reason, and on to the next in the queue until none is left."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import credit, make_agreement
from core.models import ReviewComment
from transfers.models import PaymentStatus, SharingPayment
from transfers.tests.factories import local, receive

HALL_PC = {"width": 1366, "height": 768}


def no_sideways_scroll(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


@pytest.fixture
def held(li_ming, li_xiaoming, clerk):
    make_agreement(li_ming, li_xiaoming)
    credit(li_ming.account, "20000.00")
    receive(li_ming, li_xiaoming, "100.00", operator=clerk, sid="JS-0930")
    return [
        receive(li_ming, li_xiaoming, amount, operator=clerk, sid=sid, settled_at=at)
        for sid, amount, at in (
            ("JS-BIG-1", "5000.00", local(2025, 3, 10, 11, 0)),
            ("JS-BIG-2", "6000.00", local(2025, 3, 10, 15, 0)),
        )
    ]


def test_reviewer_approves_rejects_and_goes_on_through_the_queue(page_as, shot, held, li_ming):
    first, second = held
    page = page_as("reviewer")
    page.set_viewport_size(HALL_PC)
    page.goto(reverse("admin:transfers_heldpayment_changelist"))
    assert page.locator("#result_list tbody tr").count() == 2
    shot(page, "held payments queue")

    with page.expect_navigation():
        page.click("#result_list a:text('JS-BIG-1')")
    facts = page.locator(".review-facts")
    assert facts.locator("section").count() == 5  # side by side, one block per question
    # 500.00 + 20,000.00 − 100.00 before; − 5,000.00 after (added by hand).
    assert "¥20400.00" in facts.inner_text() and "¥15400.00" in facts.inner_text()
    assert "JS-0930" in facts.inner_text() and "金额达到复核起点" in facts.inner_text()
    assert li_ming.id_number not in page.content()
    assert no_sideways_scroll(page)
    shot(page, "the facts of the first held payment")

    with page.expect_navigation():
        page.click(".object-tools a:text('通过')")
    page.fill("#id_comment", "已电话联系共济人核实")
    with page.expect_navigation():
        page.click("input.default[type=submit]")
    assert "此字段是必填项" in page.content() or "这个字段是必填项" in page.content()
    shot(page, "the amount must be ticked as checked")
    page.check("#id_amount_checked")
    with page.expect_navigation():
        page.click("input.default[type=submit]")

    assert f"/heldpayment/{second.pk}/change/" in page.url  # the next in the queue
    assert "下一条待复核：JS-BIG-2" in page.locator(".messagelist").inner_text()
    assert no_sideways_scroll(page)
    shot(page, "approved, on to the next")

    with page.expect_navigation():
        page.click(".object-tools a:text('驳回')")
    page.fill("#id_reason", "同日已有大额支付，请核实")
    with page.expect_navigation():
        page.click("input.default[type=submit]")
    assert "此队列中已没有待您复核的记录。" in page.locator(".messagelist").inner_text()
    assert page.locator("#result_list tbody tr").count() == 0
    shot(page, "rejected, the queue is empty")

    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, second.status) == (PaymentStatus.POSTED, PaymentStatus.REJECTED)
    assert second.reject_reason == "同日已有大额支付，请核实"
    assert ReviewComment.objects.get().comment == "已电话联系共济人核实"
    li_ming.account.refresh_from_db()
    assert li_ming.account.balance == Decimal("15400.00")
    assert SharingPayment.objects.count() == 3
