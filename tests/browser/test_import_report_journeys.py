"""A supervisor's settlement file with many bad rows, at a 1366×768 hall PC: the
upload page says what each column takes, the report groups the errors by reason
with counts and each bad value, and the same comes down as an .xlsx."""

import io

import openpyxl
import pytest
from django.urls import reverse

from accounts.tests.factories import make_agreement
from core.tests.files import xlsx_file
from transfers.models import SharingPayment
from transfers.tests.factories import SETTLEMENT_HEADER, settlement_row

HALL_PC = {"width": 1366, "height": 768}
FILE_WORDS = ("xlsx", "csv", "YYYY-MM-DD", "YYYY-MM", "YYYY", "MM", "DD", "HH", "SS")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def agreement(li_ming, li_xiaoming, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return make_agreement(li_ming, li_xiaoming)


def no_sideways_scroll(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_supervisor_reads_a_grouped_error_report_and_downloads_it(
    page_as, shot, agreement, li_ming, li_xiaoming
):
    page = page_as("supervisor")
    page.set_viewport_size(HALL_PC)
    page.goto(reverse("admin:transfers_sharingpayment_import"))
    columns = page.locator("table.import-columns")
    assert "就医 / 购药 / 居民医保缴费 / 长护险缴费" in columns.inner_text()
    assert no_sideways_scroll(page)
    shot(page, "the upload page lists each column's allowed values", FILE_WORDS)

    rows = [
        settlement_row(li_ming, li_xiaoming, f"JS-{n}", "100.00", use="现金") for n in (1, 2, 3)
    ]
    rows += [settlement_row(li_ming, li_xiaoming, "JS-4", "100.00", at="2025-02-30 09:00:00")]
    rows += [settlement_row(li_ming, li_xiaoming, "JS-5", "100.00")]
    content = xlsx_file([SETTLEMENT_HEADER, *rows])
    page.set_input_files(
        "#id_file", files=[{"name": "三月结算.xlsx", "mimeType": XLSX, "buffer": content}]
    )
    with page.expect_navigation():
        page.click("input.default[type=submit]")

    groups = page.locator("table.import-error-groups tbody tr")
    # Counted by hand: 用途 现金 in rows 2–4, a 30 February in row 5.
    assert groups.count() == 2
    assert groups.nth(0).locator("td").all_inner_texts()[1:] == ["用途", "3"]
    assert groups.nth(1).locator("td").all_inner_texts()[1:] == ["结算时间", "1"]
    assert page.locator("td.bad-value").all_inner_texts() == [
        "现金",
        "现金",
        "现金",
        "2025-02-30 09:00:00",
    ]
    assert page.locator("input.default[type=submit]").count() == 0  # nothing to confirm
    assert no_sideways_scroll(page)
    shot(page, "errors grouped by reason with counts", FILE_WORDS)

    with page.expect_download() as download:
        page.click("a.errors-download")
    assert download.value.suggested_filename == "三月结算-错误明细.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    lines = [row for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert [(line[2], line[3], line[4]) for line in lines] == [
        (2, "用途", "现金"),
        (3, "用途", "现金"),
        (4, "用途", "现金"),
        (5, "结算时间", "2025-02-30 09:00:00"),
    ]
    assert not SharingPayment.objects.exists()
