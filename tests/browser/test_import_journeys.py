"""A supervisor imports a settlement file (SPREADSHEETS.md §4) through the preview and
confirm pages: first with a bad row, then corrected; and a large one in the background."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.selectors import ledger_mismatches
from accounts.tests.factories import make_agreement
from core.tests.files import xlsx_file
from jobs.tests.helpers import run_queued_jobs
from transfers.models import SharingPayment
from transfers.tests.factories import SETTLEMENT_HEADER, settlement_row

FILE_WORDS = (
    "xlsx",
    "csv",
    "YYYY-MM-DD",
    "YYYY-MM",
    "YYYY",
    "MM",
    "DD",
    "HH",
    "SS",
)  # file suffixes and date forms
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def agreement(li_ming, li_xiaoming, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    return make_agreement(li_ming, li_xiaoming)


def upload(page, rows):
    """Choose the settlement file on the upload page and ask for the preview."""
    content = xlsx_file([SETTLEMENT_HEADER, *rows])
    page.set_input_files(
        "#id_file", files=[{"name": "结算.xlsx", "mimeType": XLSX, "buffer": content}]
    )
    with page.expect_navigation():
        page.click("input.default[type=submit]")


def test_supervisor_imports_a_settlement_file_after_correcting_a_bad_row(
    page_as, shot, agreement, li_ming, li_xiaoming
):
    page = page_as("supervisor")
    page.goto(reverse("admin:transfers_sharingpayment_changelist"))
    with page.expect_navigation():
        page.click(f"a[href='{reverse('admin:transfers_sharingpayment_import')}']")
    shot(page, "upload form", FILE_WORDS)

    good = settlement_row(li_ming, li_xiaoming, "JS-1", "100.00")
    upload(page, [good, settlement_row(li_ming, li_xiaoming, "JS-2", "50.50", use="现金")])
    rejected = page.locator("table.import-errors tbody tr")
    assert rejected.count() == 1
    assert rejected.locator("td").all_inner_texts()[:2] == ["3", "现金"]
    assert "现金" in rejected.inner_text()
    assert page.locator("input.default[type=submit]").count() == 0  # nothing to confirm
    shot(page, "preview shows the rejected row", FILE_WORDS)
    assert not SharingPayment.objects.exists()

    with page.expect_navigation():
        page.click(f"a[href='{reverse('admin:transfers_sharingpayment_import')}']")
    upload(
        page,
        [
            good,
            settlement_row(li_ming, li_xiaoming, "JS-2", "50.50", use="购药", code="P32050000031"),
        ],
    )
    assert page.locator("table.import-planned tbody tr").count() == 2
    shot(page, "preview of the corrected file", FILE_WORDS)
    assert not SharingPayment.objects.exists()

    with page.expect_navigation():
        page.click("input.default[type=submit]")
    assert page.locator(".messagelist .success").is_visible()
    assert "JS-1" in page.content() and "JS-2" in page.content()
    shot(page, "payments list after the import", FILE_WORDS)
    li_ming.account.refresh_from_db()
    assert li_ming.account.balance == Decimal("349.50")
    assert ledger_mismatches() == []


def test_supervisor_imports_a_large_settlement_file_in_the_background(
    page_as, shot, settings, agreement, li_ming, li_xiaoming
):
    settings.YIBAO_IMPORT_BACKGROUND_ROWS = 1
    page = page_as("supervisor")
    page.goto(reverse("admin:transfers_sharingpayment_import"))
    upload(page, [settlement_row(li_ming, li_xiaoming, f"JS-{i}", "100.00") for i in (1, 2)])
    # The progress page refreshes itself every 2 s: no screenshot of it, which could
    # be taken while it reloads. It shows the report once the job is done.
    assert "/import/jobs/" in page.url

    run_queued_jobs()
    page.wait_for_selector("table.import-planned")  # the page refreshes itself
    assert page.locator("table.import-planned tbody tr").count() == 2
    shot(page, "preview done", FILE_WORDS)
    assert not SharingPayment.objects.exists()

    with page.expect_navigation():
        page.click("input.default[type=submit]")
    assert "/import/jobs/" in page.url
    run_queued_jobs()
    page.wait_for_selector(".submit-row a.button")  # the report leads back to the list
    shot(page, "import done", FILE_WORDS)
    assert SharingPayment.objects.count() == 2
    li_ming.account.refresh_from_db()
    assert li_ming.account.balance == Decimal("300.00")
    assert ledger_mismatches() == []
