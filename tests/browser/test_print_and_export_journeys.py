"""A clerk prints a statement; an auditor exports a filtered list with masked ID numbers."""

import csv
import io

from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import make_person

A4_WIDTH_PX = 794  # 210 mm at 96 px per inch


def period_boxes(page) -> tuple[str, str]:
    """What the two date boxes hold (a box refuses a value that is not an ISO date)."""
    return page.input_value("input[name=start]"), page.input_value("input[name=end]")


def test_clerk_prints_a_statement_without_admin_chrome_on_a4(page_as, shot, clerk, li_ming):
    page = page_as(clerk)
    page.goto(reverse("admin:accounts_insuredperson_change", args=[li_ming.pk]))
    shot(page, "person page")
    page.click("text=打印对账单")
    page.wait_for_selector("h1.doc-title")
    assert page.locator("h1.doc-title").inner_text() == "个人账户对账单"
    assert li_ming.masked_id_number in page.content()
    assert li_ming.account.number in page.content()
    assert page.locator("#header, #nav-sidebar, .breadcrumbs").count() == 0
    year = timezone.localdate().year
    assert period_boxes(page) == (f"{year}-01-01", f"{year}-12-31")  # the browser shows them
    shot(page, "statement print view")

    page.set_viewport_size({"width": A4_WIDTH_PX, "height": 1123})
    page.emulate_media(media="print")
    assert page.locator(".no-print").first.is_hidden()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= A4_WIDTH_PX, f"the printed page is {width}px wide, wider than A4"
    pdf = page.pdf(format="A4")  # chromium's own print of the page
    assert pdf.startswith(b"%PDF")
    shot(page, "statement as printed")

    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.click("text=下载 PDF")
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as f:
        assert f.read(4) == b"%PDF"


def test_auditor_exports_the_filtered_person_list_with_masked_ids(page_as, shot, auditor, clerk):
    suzhou = [make_person(name=f"苏州参保人{i}", region="320500", operator=clerk) for i in range(2)]
    make_person(name="南京参保人", region="320100")  # by 南京's hall
    page = page_as(auditor)
    page.goto(reverse("admin:accounts_insuredperson_changelist"))
    page.fill("#searchbar", "苏州")
    page.press("#searchbar", "Enter")
    page.wait_for_url("**q=*")
    shot(page, "list searched for 苏州")
    assert page.locator("#result_list tbody tr").count() == 2
    assert "导出 CSV（不脱敏）" not in page.content()  # an auditor exports masked only

    with page.expect_download() as download:
        page.click("text=导出 CSV")
    with open(download.value.path(), encoding="utf-8-sig") as f:
        rows = list(csv.reader(io.StringIO(f.read())))
    assert rows[0][:2] == ["姓名", "公民身份号码"]
    assert sorted(r[1] for r in rows[1:]) == sorted(p.masked_id_number for p in suzhou)
    assert not any(p.id_number in ",".join(sum(rows, [])) for p in suzhou)
    shot(page, "after the export")


def test_clerk_chooses_a_period_on_the_reports_page(page_as, shot, clerk):
    page = page_as(clerk)
    page.goto(reverse("reports:sharing_report"))
    year = timezone.localdate().year
    assert period_boxes(page) == (f"{year}-01-01", f"{year}-12-31")
    shot(page, "reports page, this year", allow_english=("xlsx",))  # the file type

    page.fill("input[name=start]", "2025-03-01")
    page.fill("input[name=end]", "2025-03-31")
    page.click("input[type=submit][value=查询]")
    page.wait_for_url("**start=2025-03-01*")
    assert period_boxes(page) == ("2025-03-01", "2025-03-31")
    scopes = page.locator("#report-scope tbody th").all_inner_texts()
    assert scopes == ["同一统筹区", "省内跨统筹区", "跨省"]
    shot(page, "reports page, March 2025", allow_english=("xlsx",))
