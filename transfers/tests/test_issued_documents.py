"""Printed documents are issued: a serial of their own, a QR leading to a verify page
that shows what was printed, a seal box; an agreement not in force is marked so."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import make_agreement, make_person
from core.models import IssuedDocument
from transfers.models import WalletTransfer

from .factories import transfer


@pytest.fixture
def wallet_transfer(li_ming, li_xiaoming, son_agreement, clerk):
    return transfer(li_ming, li_xiaoming, "300.00", operator=clerk, number="WT-ISSUE-1")


def _print(client, user, url):
    client.force_login(user)
    return client.get(url).content.decode()


def test_oracle_each_print_has_the_next_serial_of_its_year_and_kind(client, clerk, wallet_transfer):
    url = reverse("admin:transfers_wallettransfer_receipt", args=[wallet_transfer.pk])
    year = timezone.localdate().year

    first, second = _print(client, clerk, url), _print(client, clerk, url)

    # 年份 + 类型 (QB: 钱包) + six-digit number, counted by hand: the first and second.
    assert f"{year}QB000001" in first and f"{year}QB000002" in second
    assert f"{year}QB000001" not in second
    assert "经办机构盖章" in first and "扫码核验" in first
    assert "<svg" in first and "<img" not in first  # the QR drawn inline, nothing fetched


def test_the_qr_code_leads_a_signed_in_user_to_the_facts_printed(
    client, clerk, reviewer, wallet_transfer
):
    url = reverse("admin:transfers_wallettransfer_receipt", args=[wallet_transfer.pk])
    _print(client, clerk, url)
    issued = IssuedDocument.objects.get()
    verify = f"/admin/documents/verify/{issued.code}/"

    client.logout()
    assert client.get(verify).status_code == 302  # to the sign-in page first
    page = _print(client, reviewer, verify)

    assert "钱包转账回执" in page and issued.serial in page
    assert "李* 3205" in page and "WT-ISSUE-1" in page  # sender and number as printed
    assert "¥300.00 · 人民币叁佰元整" in page
    assert wallet_transfer.recipient.id_number not in page
    assert clerk.get_username() in page or clerk.get_full_name() in page
    assert client.get("/admin/documents/verify/0000/").status_code == 404


def test_the_receipt_is_offered_right_after_the_counter_transfer(
    client, clerk, li_ming, li_xiaoming, son_agreement, no_quiet_hours
):
    client.force_login(clerk)
    response = client.post(
        reverse("admin:transfers_wallettransfer_add"),
        {
            "transfer_number": "WT-COUNTER-9",
            "sender_id_number": li_ming.id_number,
            "recipient_id_number": li_xiaoming.id_number,
            "amount": "120.00",
        },
        follow=True,
    )
    page = response.content.decode()
    made = WalletTransfer.objects.get(transfer_number="WT-COUNTER-9")
    receipt = reverse("admin:transfers_wallettransfer_receipt", args=[made.pk])
    assert "转账已完成" in page and "打印回执" in page
    assert page.count(f'href="{receipt}"') == 2  # in the message and on the record's tools


def test_a_pending_agreement_prints_marked_not_in_force(client, clerk, li_ming, son_agreement):
    wife = make_person(name="王芳", operator=clerk)
    pending = make_agreement(li_ming, wife, operator=clerk, relationship="spouse")
    approved = son_agreement

    url = "admin:accounts_sharingagreement_print"
    pending_page = _print(client, clerk, reverse(url, args=[pending.pk]))
    approved_page = _print(client, clerk, reverse(url, args=[approved.pk]))

    assert "未生效" in pending_page and "待复核" in pending_page
    assert "未生效" not in approved_page
    assert re.search(r"\d{4}QR000002", approved_page)
