"""统计: the reports page and its .xlsx show the figures of the sharing year built
through the services (transfers/tests/sharing_year.py), whose 2025 totals were
added up by hand (see reports/tests/test_statistics.py)."""

import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Scope
from accounts.tests.factories import make_user
from jobs.models import Job, JobStatus
from jobs.tests.helpers import run_queued_jobs
from transfers.tests.sharing_year import sharing_year_build

YEAR_2025 = {"start": "2025-01-01", "end": "2025-12-31"}


@pytest.fixture
def year(clerk, reviewer):
    return sharing_year_build(clerk=clerk, reviewer=reviewer)


def _table(page: str, dimension: str) -> list[list[str]]:
    """The rows of one report table as the cells' text."""
    table = page.split(f'id="report-{dimension}"')[1].split("</table>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in rows
    ]


def test_oracle_reports_page_shows_the_hand_added_figures_with_bars_drawn_on_the_server(
    client, clerk, year
):
    client.force_login(make_user("national"))  # every province's figures

    page = client.get(reverse("reports:sharing_report"), YEAR_2025).content.decode()

    assert _table(page, "total")[0][1:7] == ["5", "475.50", "1", "300.00", "6", "775.50"]
    assert [row[:7] for row in _table(page, "scope")] == [
        ["同一统筹区", "4", "415.50", "0", "0.00", "4", "415.50"],
        ["省内跨统筹区", "1", "60.00", "0", "0.00", "1", "60.00"],
        ["跨省", "0", "0.00", "1", "300.00", "1", "300.00"],
    ]
    assert [row[0] for row in _table(page, "region")] == [
        "江苏省 苏州市（320500）",
        "河南省 南阳市（411300）",
    ]
    assert 'class="report-bar"' in page and "width: 100%" in page
    assert '<script src="http' not in page and "cdn" not in page.lower()


def test_reports_page_lists_the_three_official_scopes_even_with_nothing_shared(client, clerk):
    client.force_login(clerk)

    page = client.get(
        reverse("reports:sharing_report"), {"start": "2023-01-01", "end": "2023-12-31"}
    ).content.decode()

    assert _table(page, "scope") == [
        [label, "0", "0.00", "0", "0.00", "0", "0.00", ""]
        for label in ("同一统筹区", "省内跨统筹区", "跨省")
    ]


def test_period_boxes_show_the_chosen_dates_and_by_default_this_year(client, clerk):
    client.force_login(clerk)
    url = reverse("reports:sharing_report")

    chosen = client.get(url, {"start": "2025-03-01", "end": "2025-03-31"}).content.decode()
    default = client.get(url).content.decode()

    assert 'type="date" name="start" value="2025-03-01"' in chosen
    assert 'type="date" name="end" value="2025-03-31"' in chosen
    year = timezone.localdate().year
    assert f'type="date" name="start" value="{year}-01-01"' in default
    assert f'type="date" name="end" value="{year}-12-31"' in default


def test_reports_page_is_listed_on_the_admin_index(client, clerk):
    client.force_login(clerk)
    assert reverse("reports:sharing_report") in client.get(reverse("admin:index")).content.decode()


def test_report_exported_to_xlsx_by_a_background_job(client, clerk, year, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    national = make_user("national")  # every province's figures
    client.force_login(national)
    response = client.post(reverse("reports:sharing_report_export"), YEAR_2025)
    job = Job.objects.get(created_by=national)
    assert response.url == reverse("admin:jobs_job_progress", args=[job.pk])
    assert job.status == JobStatus.QUEUED

    run_queued_jobs()

    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.rows_done == job.rows_total == 6
    download = client.get(reverse("admin:jobs_job_download", args=[job.pk]))
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    total, scope = book.worksheets[0], book.worksheets[1]
    assert [c.value for c in total[2]][1:] == [5, 475.5, 1, 300, 6, 775.5]
    rows = [r for r in scope.iter_rows(min_row=2, values_only=True)]
    assert rows == [
        (str(Scope.SAME_REGION.label), 4, 415.5, 0, 0, 4, 415.5),
        (str(Scope.CROSS_REGION.label), 1, 60, 0, 0, 1, 60),
        (str(Scope.CROSS_PROVINCE.label), 0, 0, 1, 300, 1, 300),
    ]
