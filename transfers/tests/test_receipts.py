"""The receipts (回执) on the shared print machinery: a print page, or a PDF in Chinese."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext

from accounts.selectors import ledger_mismatches
from core.tests.pdfs import PRINT_SCRIPT, page_scripts, read_pdf
from transfers.services.reversals import reversal_request

from .factories import receive, transfer


@pytest.fixture
def wallet_transfer(li_ming, li_xiaoming, son_agreement, clerk):
    return transfer(li_ming, li_xiaoming, "300.00", operator=clerk, number="WT-RECEIPT-1")


def _receipt(client, user, name, pk, **query):
    client.force_login(user)
    return client.get(reverse(f"admin:{name}", args=[pk]), query)


def test_wallet_transfer_receipt_is_a_print_page_without_admin_chrome(
    client, clerk, wallet_transfer, li_xiaoming
):
    html = _receipt(client, clerk, "transfers_wallettransfer_receipt", wallet_transfer.pk)
    html = html.content.decode()

    assert 'id="header"' not in html and "<link" not in html
    assert page_scripts(html) == [PRINT_SCRIPT]
    assert "size: A4" in html and settings.YIBAO_HALL_NAME in html
    assert li_xiaoming.masked_id_number in html and li_xiaoming.id_number not in html
    assert gettext("Signature of the insured person") in html
    assert "format=pdf" in html  # the download link of the shared print actions
    assert ledger_mismatches() == []


def test_wallet_transfer_receipt_downloads_as_a_pdf_with_the_chinese_text(
    client, clerk, wallet_transfer, li_ming, li_xiaoming
):
    response = _receipt(
        client, clerk, "transfers_wallettransfer_receipt", wallet_transfer.pk, format="pdf"
    )

    assert response["Content-Type"] == "application/pdf"
    text, font_names, embedded = read_pdf(response.content)
    for words in (
        gettext("Wallet transfer receipt"),
        settings.YIBAO_HALL_NAME,
        "李明",
        "李小明",
        li_xiaoming.masked_id_number,
        "WT-RECEIPT-1",
        "300.00",
        "人民币叁佰元整",  # the capitals beside the figures, written out by hand
        gettext("Signature of the clerk"),
    ):
        assert words.replace(" ", "") in text.replace(" ", "")
    assert li_ming.id_number not in text
    assert font_names and all("YibaoPrint" in name for name in font_names) and embedded


def test_reversal_receipt_downloads_as_a_pdf_with_the_reason(
    client, clerk, li_ming, li_xiaoming, son_agreement
):
    payment = receive(li_ming, li_xiaoming, "325.04", operator=clerk)
    reversal = reversal_request(payment=payment, reason="医院重复上传", operator=clerk)

    page = _receipt(client, clerk, "transfers_reversal_receipt", reversal.pk).content.decode()
    pdf = _receipt(client, clerk, "transfers_reversal_receipt", reversal.pk, format="pdf")

    assert "<link" not in page and gettext("Reversal receipt") in page
    text = read_pdf(pdf.content)[0]
    assert "医院重复上传" in text and gettext("Reversal receipt") in text
    assert li_ming.masked_id_number in text and "325.04" in text
    assert "人民币叁佰贰拾伍元零肆分" in page  # the People's Bank's own example
    assert "人民币叁佰贰拾伍元零肆分" in text.replace(" ", "")
    assert ledger_mismatches() == []
