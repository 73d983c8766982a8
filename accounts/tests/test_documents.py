"""The printed statements: a print page without admin chrome, and a PDF with Chinese text."""

import datetime as dt
import io
import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext
from fontTools.ttLib import TTCollection
from pypdf import PdfReader

from accounts.documents import account_statement_document
from accounts.models import Scheme, Use
from accounts.selectors import ledger_mismatches
from accounts.tests.factories import make_person, make_user
from accounts.tests.postings import post_credit, post_reversal, post_sharing_payment
from core.printing import print_page
from core.tests.pdfs import PRINT_SCRIPT, page_scripts, read_pdf

# A fontconfig set-up that knows no font at all: a machine with no fonts installed.
NO_FONTS = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><cachedir>{cache}</cachedir></fontconfig>
"""
DRAW_PDF = (
    "import sys; from weasyprint import HTML; "
    "sys.stdout.buffer.write(HTML(string=sys.stdin.read()).write_pdf())"
)


@pytest.fixture
def history(clerk):
    """李明 in 2025: a credit, a hospital bill of his son, a pharmacy bill reversed."""
    li_ming = make_person(name="李明", operator=clerk)
    son = make_person(name="李小明", scheme=Scheme.RESIDENT, birth=dt.date(2012, 3, 1))
    post_credit(li_ming.account, "500.00", dt.date(2025, 1, 5))
    post_sharing_payment(li_ming.account, son, "100.00", dt.date(2025, 3, 1))
    wrong = post_sharing_payment(
        li_ming.account,
        son,
        "25.00",
        dt.date(2025, 3, 2),
        use=Use.PHARMACY,
        institution=("P32050000003", "同仁堂"),
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
    # The one script is the print button's own file: nothing inline, nothing external.
    assert page_scripts(page) == [PRINT_SCRIPT]
    assert "http" not in page.split("</style>")[0]
    assert "医疗保障服务大厅" in page and "李明" in page
    assert li_ming.masked_id_number in page and li_ming.id_number not in page
    assert son.masked_name in page and son.id_number not in page
    assert "苏州市立医院" in page
    assert "375.00" in page  # the running balance after the pharmacy bill
    assert '<button type="button" data-print>' in page and "no-print" in page
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
    text, font_names, embedded = read_pdf(response.content)
    for words in ("医疗保障服务大厅", "李明", li_ming.masked_id_number, son.masked_name, "同仁堂"):
        assert words in text
    assert gettext("Personal account statement") in text
    first_page = gettext("Page %(page)s of %(pages)s") % {"page": 1, "pages": 1}
    assert first_page.replace(" ", "") in text.replace(" ", "")
    assert font_names and all("YibaoPrint" in name for name in font_names)
    assert embedded


def test_every_pdf_page_carries_its_number_and_the_page_count(client, clerk):
    account = make_person(name="李明", operator=clerk).account
    for day in range(1, 61):
        post_credit(account, "1.00", dt.date(2025, 1, 1) + dt.timedelta(days=day))
    client.force_login(clerk)

    pdf = PdfReader(io.BytesIO(client.get(_statement_url(account, format="pdf")).content))

    pages = len(pdf.pages)
    assert pages >= 2
    for number, page in enumerate(pdf.pages, 1):
        expected = gettext("Page %(page)s of %(pages)s") % {"page": number, "pages": pages}
        assert expected.replace(" ", "") in page.extract_text().replace(" ", "")
    assert ledger_mismatches() == []


@pytest.mark.slow
def test_pdf_shows_every_character_on_a_machine_without_fonts(rf, clerk, history, tmp_path):
    li_ming, son = history
    request = rf.get("/")
    request.user = clerk
    context = account_statement_document(
        account=li_ming.account, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)
    )
    html = print_page(request, "accounts/print/statement.html", context, pdf=True)
    conf = tmp_path / "fonts.conf"
    conf.write_text(NO_FONTS.format(cache=tmp_path / "cache"))

    drawn = subprocess.run(
        [sys.executable, "-c", DRAW_PDF],
        input=html.encode(),
        capture_output=True,
        check=True,
        timeout=120,
        env={**os.environ, "FONTCONFIG_FILE": str(conf)},
    )

    text, font_names, embedded = read_pdf(drawn.stdout)
    assert "李明" in text and "苏州市立医院" in text and son.masked_name in text
    assert font_names and all("YibaoPrint" in name for name in font_names) and embedded
    font = TTCollection(settings.YIBAO_PRINT_FONTS["regular"]).fonts[0].getBestCmap()
    assert [c for c in text if not c.isspace() and ord(c) not in font] == []


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


def _credits(account, days: int):
    """A credit a day in January 2025, 1,0dd.25 on day dd (written out in the tests)."""
    for day in range(1, days + 1):
        post_credit(account, f"{1000 + day}.25", dt.date(2025, 1, day))


def test_oracle_pdf_statement_lists_every_amount_and_the_sql_closing_balance(client, clerk):
    account = make_person(name="李明", operator=clerk).account
    _credits(account, 30)
    client.force_login(clerk)

    pdf = PdfReader(io.BytesIO(client.get(_statement_url(account, format="pdf")).content))

    text = "".join(page.extract_text() for page in pdf.pages).replace(" ", "")
    for day in range(1, 31):
        assert f"1,{day:03d}.25" in text
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT SUM(amount) FROM accounts_ledgerentry WHERE account_id = %s", [account.pk]
        )
        closing = cursor.fetchone()[0]
    assert closing == Decimal("30472.50")  # 30 × 1,000.25 + (1 + … + 30)
    assert "30,472.50" in text.split(gettext("Closing balance"))[1][:40]


def test_statement_page_queries_do_not_grow_with_its_lines(client, clerk):
    few, many = (make_person(name=name, operator=clerk).account for name in ("李明", "王芳"))
    _credits(few, 2)
    _credits(many, 25)
    client.force_login(clerk)
    client.get(_statement_url(few))  # the session's first writes

    counts = []
    for account in (few, many):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_statement_url(account)).status_code == 200
        counts.append(len(queries))

    # A clerk's permissions and regional scope are read too: 15, where the
    # superuser of bench.pages has 11 (its target: ≤ 12).
    assert counts[0] == counts[1] <= 15
