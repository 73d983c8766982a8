"""The printed statements: a print page without admin chrome, and a PDF with Chinese text."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils.translation import gettext
from pypdf import PdfReader

from accounts.models import Scheme
from accounts.selectors import ledger_mismatches
from accounts.tests.factories import make_person, make_user
from accounts.tests.postings import post_credit, post_reversal, post_sharing_payment


@pytest.fixture
def history(clerk):
    """李明 in 2025: a credit, a hospital bill of his son, a pharmacy bill reversed."""
    li_ming = make_person(name="李明", operator=clerk)
    son = make_person(name="李小明", scheme=Scheme.RESIDENT, birth=dt.date(2012, 3, 1))
    post_credit(li_ming.account, "500.00", dt.date(2025, 1, 5))
    post_sharing_payment(li_ming.account, son, "100.00", dt.date(2025, 3, 1))
    wrong = post_sharing_payment(
        li_ming.account, son, "25.00", dt.date(2025, 3, 2), institution=("P32050000003", "同仁堂")
    )
    post_reversal(wrong, dt.date(2025, 3, 4))
    return li_ming, son


def _statement_url(account, **query):
    url = reverse("documents:statement", args=[account.pk])
    query.setdefault("start", "2025-01-01")
    query.setdefault("end", "2025-12-31")
    return url + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def test_print_view_is_a_bare_a4_page_with_the_statement(client, clerk, history):
    li_ming, son = history
    client.force_login(clerk)

    page = client.get(_statement_url(li_ming.account)).content.decode()

    assert "@page" in page and "A4" in page
    assert 'id="header"' not in page and "nav-sidebar" not in page  # no admin chrome
    assert "<script" not in page and "http" not in page.split("</style>")[0]
    assert "医疗保障服务大厅" in page and "李明" in page
    assert li_ming.masked_id_number in page and li_ming.id_number not in page
    assert son.masked_name in page and son.id_number not in page
    assert "苏州市立医院" in page
    assert "375.00" in page  # the running balance after the pharmacy bill
    assert 'onclick="window.print()"' in page and "no-print" in page
    assert ledger_mismatches() == []


def test_statement_period_defaults_to_the_current_year(client, clerk, history):
    client.force_login(clerk)
    year = dt.date.today().year
    page = client.get(reverse("documents:statement", args=[history[0].account.pk]))
    assert f"{year}-01-01 — {year}-12-31" in page.content.decode()


def test_pdf_statement_embeds_its_font_and_renders_the_chinese_text(client, clerk, history):
    li_ming, son = history
    client.force_login(clerk)

    response = client.get(_statement_url(li_ming.account, format="pdf"))

    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    pdf = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in pdf.pages)
    for words in ("医疗保障服务大厅", "李明", li_ming.masked_id_number, son.masked_name, "同仁堂"):
        assert words in text
    assert gettext("Personal account statement") in text
    first_page = gettext("Page %(page)s of %(pages)s") % {"page": 1, "pages": len(pdf.pages)}
    assert first_page.replace(" ", "") in text.replace(" ", "")
    fonts = [font.get_object() for font in pdf.pages[0]["/Resources"]["/Font"].values()]
    descriptors = [f["/DescendantFonts"][0].get_object()["/FontDescriptor"] for f in fonts]
    assert all("YibaoPrint" in str(f["/BaseFont"]) for f in fonts)
    assert all({"/FontFile", "/FontFile2", "/FontFile3"} & set(d) for d in descriptors)


def test_beneficiary_statement_prints_who_paid(client, clerk, history):
    li_ming, son = history
    client.force_login(clerk)
    url = reverse("documents:beneficiary_statement", args=[son.pk])

    page = client.get(url, {"start": "2025-01-01", "end": "2025-12-31"}).content.decode()

    assert "李小明" in page and li_ming.masked_name in page
    assert "100.00" in page and "-25.00" in page


def test_statement_needs_the_view_permission(client, history):
    client.force_login(make_user(None))
    assert client.get(_statement_url(history[0].account)).status_code == 403


def test_account_and_person_pages_link_to_their_statements(client, clerk, history):
    li_ming, son = history
    client.force_login(clerk)
    statement = reverse("documents:statement", args=[li_ming.account.pk])

    account_page = client.get(
        reverse("admin:accounts_personalaccount_change", args=[li_ming.account.pk])
    )
    person_page = client.get(reverse("admin:accounts_insuredperson_change", args=[li_ming.pk]))
    son_page = client.get(reverse("admin:accounts_insuredperson_change", args=[son.pk]))

    assert statement in account_page.content.decode()
    assert statement in person_page.content.decode()
    received = reverse("documents:beneficiary_statement", args=[son.pk])
    assert received in son_page.content.decode()
