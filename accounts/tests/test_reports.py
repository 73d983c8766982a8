"""统计: figures computed from the ledger, against totals computed by hand."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Scheme, Scope, Use
from accounts.selectors import ledger_mismatches, sharing_statistics
from accounts.tests.factories import make_person
from accounts.tests.postings import (
    post_credit,
    post_reversal,
    post_sharing_payment,
    post_wallet_transfer,
)
from jobs.models import Job, JobStatus
from jobs.tests.helpers import run_queued_jobs

YEAR_2025 = {"start": dt.date(2025, 1, 1), "end": dt.date(2025, 12, 31)}
D = Decimal


def _figures(rows):
    return {
        row.key: (row.payments, row.payments_amount, row.transfers, row.transfers_amount)
        for row in rows
    }


def _child(name, region="320500"):
    return make_person(name=name, scheme=Scheme.RESIDENT, region=region, birth=dt.date(2012, 3, 1))


def test_son_hospital_bill_counts_once_and_the_reversed_one_not_at_all(db):
    """Scenarios 1 and 6: 1 use / ¥100.00 under 同一统筹区 and 就医."""
    li_ming = make_person(name="李明").account
    son = _child("李小明")
    post_credit(li_ming, "500.00", dt.date(2025, 1, 1))
    post_sharing_payment(li_ming, son, "100.00", dt.date(2025, 3, 10))
    mistake = post_sharing_payment(li_ming, son, "50.00", dt.date(2025, 3, 20), use=Use.PHARMACY)
    post_reversal(mistake, dt.date(2025, 3, 21))

    tables = sharing_statistics(**YEAR_2025)

    assert _figures(tables["scope"]) == {(Scope.SAME_REGION,): (1, D("100.00"), 0, D("0.00"))}
    assert _figures(tables["use"]) == {(Use.MEDICAL,): (1, D("100.00"), 0, D("0.00"))}
    assert ledger_mismatches() == []


@pytest.fixture
def year_of_sharing(db):
    """A year of two grantors, with a reversed payment and payments outside 2025.

    李明 (苏州, Jiangsu) pays for his son (medical 100, contribution 200, a
    pharmacy bill of 50 reversed) and for his father-in-law in 南京 (pharmacy 60);
    王芳 (南阳, Henan) pays for her daughter (medical 80) and moves 300 into her
    father's wallet in 苏州.
    """
    li_ming = make_person(name="李明").account
    wang_fang = make_person(name="王芳", gender="F", region="411300").account
    son, daughter = _child("李小明"), _child("王小丽", region="411300")
    in_law = make_person(name="赵大", region="320100", birth=dt.date(1950, 1, 1))
    wang_father = make_person(name="王老", birth=dt.date(1948, 1, 1))
    post_credit(li_ming, "1000.00", dt.date(2024, 12, 1))
    post_credit(wang_fang, "1000.00", dt.date(2024, 12, 1))
    post_sharing_payment(li_ming, son, "10.00", dt.date(2024, 12, 31))
    post_sharing_payment(li_ming, son, "100.00", dt.date(2025, 3, 10))
    mistake = post_sharing_payment(li_ming, son, "50.00", dt.date(2025, 3, 20), use=Use.PHARMACY)
    post_reversal(mistake, dt.date(2025, 3, 21))
    post_sharing_payment(li_ming, son, "200.00", dt.date(2025, 4, 2), use=Use.RESIDENT_CONTRIBUTION)
    post_wallet_transfer(
        wang_fang, wang_father, "300.00", dt.date(2025, 4, 15), scope=Scope.CROSS_PROVINCE
    )
    post_sharing_payment(
        wang_fang,
        daughter,
        "80.00",
        dt.date(2025, 4, 20),
        institution=("H41130000001", "南阳市中心医院"),
    )
    post_sharing_payment(
        li_ming, in_law, "60.00", dt.date(2025, 5, 1), use=Use.PHARMACY, scope=Scope.CROSS_REGION
    )
    post_sharing_payment(li_ming, son, "7.00", dt.date(2026, 1, 1))


def test_statistics_by_scope_use_month_and_region_match_hand_computed_totals(year_of_sharing):
    tables = sharing_statistics(**YEAR_2025)

    assert _figures(tables["total"]) == {(): (4, D("440.00"), 1, D("300.00"))}
    assert _figures(tables["scope"]) == {
        (Scope.CROSS_PROVINCE,): (0, D("0.00"), 1, D("300.00")),
        (Scope.CROSS_REGION,): (1, D("60.00"), 0, D("0.00")),
        (Scope.SAME_REGION,): (3, D("380.00"), 0, D("0.00")),
    }
    assert _figures(tables["use"]) == {
        ("",): (0, D("0.00"), 1, D("300.00")),
        (Use.MEDICAL,): (2, D("180.00"), 0, D("0.00")),
        (Use.PHARMACY,): (1, D("60.00"), 0, D("0.00")),
        (Use.RESIDENT_CONTRIBUTION,): (1, D("200.00"), 0, D("0.00")),
    }
    months = {key[0].strftime("%Y-%m"): f for key, f in _figures(tables["month"]).items()}
    assert months == {
        "2025-03": (1, D("100.00"), 0, D("0.00")),
        "2025-04": (2, D("280.00"), 1, D("300.00")),
        "2025-05": (1, D("60.00"), 0, D("0.00")),
    }
    assert _figures(tables["province"]) == {
        ("江苏省",): (3, D("360.00"), 0, D("0.00")),
        ("河南省",): (1, D("80.00"), 1, D("300.00")),
    }
    assert _figures(tables["region"]) == {
        ("江苏省", "苏州市", "320500"): (3, D("360.00"), 0, D("0.00")),
        ("河南省", "南阳市", "411300"): (1, D("80.00"), 1, D("300.00")),
    }
    assert ledger_mismatches() == []


def test_reports_page_shows_the_figures_with_bars_drawn_on_the_server(
    client, clerk, year_of_sharing
):
    client.force_login(clerk)

    page = client.get(reverse("documents:sharing_report"), YEAR_2025).content.decode()

    assert "440.00" in page and "380.00" in page and "南阳市（411300）" in page
    assert 'class="report-bar"' in page and "width: 100%" in page
    assert '<script src="http' not in page and "cdn" not in page.lower()


def test_reports_page_is_listed_on_the_admin_index(client, clerk):
    client.force_login(clerk)
    assert (
        reverse("documents:sharing_report") in client.get(reverse("admin:index")).content.decode()
    )


def test_report_exported_to_xlsx_by_a_background_job(
    client, clerk, year_of_sharing, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(clerk)

    response = client.post(
        reverse("documents:sharing_report_export"), {"start": "2025-01-01", "end": "2025-12-31"}
    )
    job = Job.objects.get(created_by=clerk)
    assert response.url == reverse("admin:jobs_job_progress", args=[job.pk])
    assert job.status == JobStatus.QUEUED

    run_queued_jobs()

    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.rows_done == job.rows_total == 6
    download = client.get(reverse("admin:jobs_job_download", args=[job.pk]))
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    total, scope = book.worksheets[0], book.worksheets[1]
    assert [c.value for c in total[2]][1:] == [4, 440, 1, 300, 5, 740]
    rows = {r[0]: r[1:] for r in scope.iter_rows(min_row=2, values_only=True)}
    assert rows[str(Scope.SAME_REGION.label)] == (3, 380, 0, 0, 3, 380)
