"""Large list exports run as background jobs and hold exactly the filtered rows."""

import csv
import io

import openpyxl
import pytest
from django.contrib import admin
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from accounts.models import InsuredPerson
from accounts.tests.factories import make_person
from jobs import export_jobs
from jobs.models import Job, JobStatus
from jobs.tests.helpers import run_queued_jobs


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
        make_person(name="南京丁", region="320100"),  # by 南京's hall
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


def test_background_export_holds_only_the_starters_scope(client, clerk, persons, small_threshold):
    """A 苏州 clerk's export job, with no filter, runs as the clerk: the three of 苏州
    (counted by hand), not 南京丁."""
    client.force_login(clerk)
    client.get(reverse("admin:accounts_insuredperson_export", args=["csv"]))
    run_queued_jobs()
    job = Job.objects.get(created_by=clerk)
    rows = list(csv.reader(io.StringIO(_download(client, job).decode("utf-8-sig"))))
    assert sorted(r[0] for r in rows[1:]) == ["'=苏州丙", "苏州乙", "苏州甲"]


def test_background_xlsx_export_keeps_formulas_as_text(client, auditor, persons, small_threshold):
    client.force_login(auditor)
    client.get(reverse("admin:accounts_insuredperson_export", args=["xlsx"]))

    run_queued_jobs()

    job = Job.objects.get(created_by=auditor)
    sheet = openpyxl.load_workbook(io.BytesIO(_download(client, job))).worksheets[0]
    names = {row[0].value: row[0].data_type for row in sheet.iter_rows(min_row=3)}
    assert set(names) == {p.name for p in persons}
    assert names["=苏州丙"] == "s"


def test_export_under_the_threshold_is_downloaded_at_once(client, auditor, persons, settings):
    settings.YIBAO_EXPORT_BACKGROUND_ROWS = 10
    client.force_login(auditor)
    response = client.get(reverse("admin:accounts_insuredperson_export", args=["csv"]))
    assert response.status_code == 200 and not Job.objects.exists()


def test_the_queue_holds_the_list_filters_as_text_never_a_pickled_query(
    client, auditor, persons, small_threshold
):
    client.force_login(auditor)
    client.get(
        reverse("admin:accounts_insuredperson_export", args=["csv"]),
        {"region__code__exact": "320500", "q": "苏州"},
    )

    task = DBTaskResult.objects.get()

    job = Job.objects.get()
    assert task.args_kwargs["kwargs"] == {
        "job_id": job.pk,
        "model": "accounts.InsuredPerson",
        "params": "region__code__exact=320500&q=%E8%8B%8F%E5%B7%9E",
        "fmt": "csv",
        "unmasked": False,
        "filename": task.args_kwargs["kwargs"]["filename"],
    }


def test_the_worker_applies_only_filters_the_list_allows(client, auditor, persons, small_threshold):
    """A queue row written by hand cannot reach other rows than the list's filters
    can: a lookup the list does not offer fails the job, and nothing is exported."""
    job = _run_persons_export(params="account__entries__memo__startswith=x", operator=auditor)

    assert job.status == JobStatus.FAILED and not job.result_file


def test_the_worker_checks_the_starters_permissions_again(client, clerk, persons, small_threshold):
    """An unmasked export queued for a user who may not see unmasked data fails."""
    job = _run_persons_export(params="", operator=clerk, unmasked=True)

    assert (job.status, job.error) == (JobStatus.FAILED, "您无权导出此列表。")
    assert not job.result_file


def _run_persons_export(*, params, operator, unmasked=False):
    """Queue the persons list's export as a queue row would name it, and run it."""
    job = export_jobs.list_export_enqueue(
        admin.site._registry[InsuredPerson],
        params=params,
        fmt="csv",
        unmasked=unmasked,
        filename="persons.csv",
        title="persons",
        operator=operator,
    )
    run_queued_jobs()
    job.refresh_from_db()
    return job
