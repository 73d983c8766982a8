"""Large list exports run as background jobs and hold exactly the filtered rows."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from accounts.tests.factories import make_person
from jobs.models import Job, JobStatus
from jobs.tests.helpers import run_queued_jobs
from yibao import export_jobs


@pytest.fixture
def small_threshold(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    settings.YIBAO_EXPORT_BACKGROUND_ROWS = 2
    monkeypatch.setattr(export_jobs, "PROGRESS_EVERY", 1)


@pytest.fixture
def persons(clerk):
    return [
        make_person(name="苏州甲", region="320500", operator=clerk),
        make_person(name="苏州乙", region="320500", operator=clerk),
        make_person(name="=苏州丙", region="320500", operator=clerk),
        make_person(name="南京丁", region="320100", operator=clerk),
    ]


def _download(client, job):
    response = client.get(reverse("admin:jobs_job_download", args=[job.pk]))
    return b"".join(response.streaming_content)


def test_export_past_the_threshold_runs_in_the_background_with_the_filtered_rows(
    client, auditor, persons, small_threshold
):
    client.force_login(auditor)
    url = reverse("admin:accounts_insuredperson_export", args=["csv"])

    response = client.get(url, {"region__code__exact": "320500"})

    job = Job.objects.get(created_by=auditor)
    assert response.url == reverse("admin:jobs_job_progress", args=[job.pk])
    run_queued_jobs()
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total) == (JobStatus.DONE, 3, 3)
    rows = list(csv.reader(io.StringIO(_download(client, job).decode("utf-8-sig"))))
    assert rows[0][:2] == ["姓名", "公民身份号码"]
    assert sorted(r[0] for r in rows[1:]) == ["'=苏州丙", "苏州乙", "苏州甲"]
    assert all("*" in r[1] for r in rows[1:])


def test_background_xlsx_export_keeps_formulas_as_text(client, auditor, persons, small_threshold):
    client.force_login(auditor)
    client.get(reverse("admin:accounts_insuredperson_export", args=["xlsx"]))

    run_queued_jobs()

    job = Job.objects.get(created_by=auditor)
    sheet = openpyxl.load_workbook(io.BytesIO(_download(client, job))).worksheets[0]
    names = {row[0].value: row[0].data_type for row in sheet.iter_rows(min_row=2)}
    assert set(names) == {p.name for p in persons}
    assert names["=苏州丙"] == "s"


def test_export_under_the_threshold_is_downloaded_at_once(client, auditor, persons, settings):
    settings.YIBAO_EXPORT_BACKGROUND_ROWS = 10
    client.force_login(auditor)
    response = client.get(reverse("admin:accounts_insuredperson_export", args=["csv"]))
    assert response.status_code == 200 and not Job.objects.exists()
