"""The statement's PDF as the writer of ``core.pdf`` draws it, read back by other readers.

The oracles: pypdf and poppler's ``pdftotext`` for the text, ``pdftoppm`` and
zbar's ``zbarimg`` for the QR (bin/setup installs poppler-utils and
zbar-tools), a plain SQL sum for the closing balance, and the page count
worked out by hand from the layout's geometry (below).
"""

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext
from pypdf import PdfReader

from accounts.models import EntryKind
from accounts.selectors import ledger_mismatches
from accounts.services.ledger import Posting, ledger_post_many
from accounts.tests.factories import make_person
from accounts.tests.postings import at
from core.models import IssuedDocument
from core.tests.clock import clock_at

# Lines a page holds, worked out from the layout (A4, 297 mm; margins 20 mm at the
# top, 18 mm at the bottom: 259 mm = 734.2 pt to fill). A one-line row is 9 pt ×
# 1.3 + 2 × 1 mm of padding = 17.37 pt. Every page starts with the two header rows
# (34.7 pt): later pages hold (734.2 − 34.7) / 17.37 = 40.3 → 40 lines. The first
# also has the heading (hall 19.97, title 32.14, serial 17.37, print time 18.9 pt),
# the three rows of the account block (52.1 pt), the note (16.1 pt + 2 mm) and the
# opening balance row: (734.2 − 162.2 − 34.7 − 17.4) / 17.37 = 29.9 → 29 lines.
FIRST_PAGE, LATER_PAGE = 29, 40


def _credits(account, count: int):
    """``count`` credits booked on 2025-01-02, the i-th of 1,000.25 + i yuan."""
    postings = [
        Posting(account, EntryKind.CREDIT, Decimal(1000 + i) + Decimal("0.25"), f"pdf-{i}")
        for i in range(1, count + 1)
    ]
    with clock_at(at(dt.date(2025, 1, 2))):
        ledger_post_many(postings, operator=None)


def _pdf(client, clerk, account) -> bytes:
    client.force_login(clerk)
    url = reverse("documents:statement", args=[account.pk])
    response = client.get(url, {"start": "2025-01-01", "end": "2025-12-31", "format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    return response.content


def _sql_balance(account) -> Decimal:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT SUM(amount) FROM accounts_ledgerentry WHERE account_id = %s", [account.pk]
        )
        return cursor.fetchone()[0]


def _pdftotext(data: bytes, tmp_path) -> str:
    path = tmp_path / "statement.pdf"
    path.write_bytes(data)
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode()


def _check(data: bytes, account, count: int, pages: int, tmp_path):
    """What a reader of the PDF of ``count`` credits must find."""
    pdf = PdfReader(io.BytesIO(data))
    assert len(pdf.pages) == pages
    texts = [page.extract_text().replace(" ", "") for page in pdf.pages]
    text = "".join(texts)
    for i in range(1, count + 1):
        assert f"{1000 + i:,}.25" in text, i
    closing = _sql_balance(account)
    assert closing == count * Decimal("1000.25") + count * (count + 1) // 2  # 1 + … + count
    assert f"{closing:,}" in text.split(gettext("Closing balance"))[1][:40]
    assert gettext("Personal account statement") == "个人账户对账单"
    assert "医疗保障服务大厅" in texts[0] and "个人账户对账单" in texts[0]
    assert "账户持有人李明" in texts[0]  # the heading block, as written
    serial = IssuedDocument.objects.get().serial
    assert f"文书编号{serial}" in texts[0]
    assert serial in texts[-1]  # under the QR
    for number, page in enumerate(texts, 1):
        assert f"第{number}页共{pages}页" in page
    fonts = [f.get_object() for p in pdf.pages for f in p["/Resources"]["/Font"].values()]
    for font in fonts:
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile3" in descriptor and "YibaoPrint" in font["/BaseFont"]
    poppler = _pdftotext(data, tmp_path)
    assert "个人账户对账单" in poppler and f"{closing:,}" in poppler
    assert f"{1000 + count:,}.25" in poppler


@pytest.mark.skipif(not shutil.which("zbarimg"), reason="zbar-tools (bin/setup) missing")
def test_oracle_pdf_statement_of_60_lines_reads_back_with_its_qr(client, clerk, tmp_path):
    account = make_person(name="李明", operator=clerk).account
    _credits(account, 60)

    data = _pdf(client, clerk, account)

    # 29 lines on page 1, 31 and the closing row on page 2; the totals fit under
    # them, the foot (8 + 42 mm) does not: a third page.
    _check(data, account, 60, 3, tmp_path)
    (tmp_path / "s.pdf").write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-f", "3", "-l", "3", "-png", tmp_path / "s.pdf", tmp_path / "p"],
        check=True,
    )
    image = next(tmp_path.glob("p*.png"))
    scanned = subprocess.run(["zbarimg", "-q", "--raw", image], capture_output=True, check=True)
    code = IssuedDocument.objects.get().code
    verify = "http://testserver" + reverse("documents:verify", args=[code])
    assert scanned.stdout.decode().strip() == verify
    assert ledger_mismatches() == []


def test_oracle_pdf_statement_of_2000_lines(client, clerk, tmp_path):
    account = make_person(name="李明", operator=clerk).account
    _credits(account, 2000)

    data = _pdf(client, clerk, account)

    # 29 + 49 × 40 = 1,989 lines on 50 pages; the 51st holds the last 11, the
    # closing row, the totals and the foot.
    _check(data, account, 2000, 51, tmp_path)
    assert ledger_mismatches() == []
