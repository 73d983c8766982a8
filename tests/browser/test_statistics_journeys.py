"""统计 at a 1366×768 hall PC: a period preset, 万元, the month chart, and a figure
that opens the payments it counts (figures of transfers/tests/sharing_year.py)."""

from django.urls import reverse

from transfers.tests.sharing_year import sharing_year_build

HALL_PC = {"width": 1366, "height": 768}


def test_the_national_office_reads_the_year_in_ten_thousand_yuan_and_opens_a_figure(
    page_as, shot, clerk, reviewer
):
    sharing_year_build(clerk=clerk, reviewer=reviewer)
    page = page_as("national")  # every province's figures (a supervisor: their province's)
    page.set_viewport_size(HALL_PC)
    page.goto(reverse("reports:sharing_report") + "?start=2025-01-01&end=2025-12-31")
    with page.expect_navigation():
        page.click(".report-units a:text('万元')")
    assert page.locator("svg.report-chart g").count() == 3  # March, April, May 2025
    assert page.locator("#report-total tbody td").nth(5).inner_text() == "0.08"  # 775.50 元
    shot(page, "the year in 10,000 yuan with its chart", ("xlsx",))

    with page.expect_navigation():
        page.locator("#report-scope tbody tr").first.locator("a").first.click()
    # 同一统筹区: 4 payments, added up by hand (reports/tests/test_statistics.py).
    assert page.locator("#result_list tbody tr").count() == 4
    shot(page, "the payments behind the figure")
