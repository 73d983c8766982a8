"""The background queue: a job runs to the end in the worker, with progress and a result."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from accounts.errors import InsufficientBalance
from accounts.tests.factories import make_user
from jobs.models import Job, JobStatus
from jobs.services import job_enqueue, job_progress, job_result_page, job_task, job_url
from jobs.tests.helpers import run_queued_jobs

seen_progress = []


@job_task
def count_rows(job, *, rows: int):
    """Counts ``rows`` in steps, as an export would, and returns them as a file."""
    job_progress(job, done=0, total=rows)
    for done in range(1, rows + 1):
        job_progress(job, done=done)
        seen_progress.append(Job.objects.get(pk=job.pk).rows_done)
    return ContentFile("\n".join(map(str, range(rows))).encode(), name="行.txt")


@job_task
def refuse(job):
    raise InsufficientBalance(balance="1.00", amount="2.00")


@job_task
def report(job, *, name: str):
    return ContentFile(b"{}", name="report.json")


@job_result_page(report)
def report_page(job, params):
    return f"/admin/report/{params['name']}/{job.pk}/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_job_runs_in_the_worker_with_progress_and_offers_its_file(client, clerk):
    job = job_enqueue(count_rows, title="count", operator=clerk, rows=3)
    client.force_login(clerk)
    queued = client.get(job_url(job)).content.decode()
    assert 'http-equiv="refresh"' in queued  # the page follows the job by itself

    seen_progress.clear()
    run_queued_jobs()

    job.refresh_from_db()
    assert seen_progress == [1, 2, 3]
    assert (job.status, job.rows_done, job.rows_total, job.percent) == (JobStatus.DONE, 3, 3, 100)
    done = client.get(job_url(job)).content.decode()
    assert 'http-equiv="refresh"' not in done
    assert reverse("admin:jobs_job_download", args=[job.pk]) in done
    download = client.get(reverse("admin:jobs_job_download", args=[job.pk]))
    assert b"".join(download.streaming_content) == b"0\n1\n2"
    assert "attachment" in download["Content-Disposition"]


def test_failed_job_shows_the_domain_error(client, clerk):
    job = job_enqueue(refuse, title="refuse", operator=clerk)

    run_queued_jobs()

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at is not None
    assert job.error == str(InsufficientBalance(balance="1.00", amount="2.00"))
    client.force_login(clerk)
    assert job.error in client.get(job_url(job)).content.decode()


def test_only_the_starter_sees_a_job_and_its_file(client, clerk, reviewer):
    job = job_enqueue(count_rows, title="clerk-secret-job", operator=clerk, rows=1)
    run_queued_jobs()
    client.force_login(reviewer)

    assert client.get(reverse("admin:jobs_job_download", args=[job.pk])).status_code == 404
    assert client.get(job_url(job)).status_code == 404
    assert (
        "clerk-secret-job" not in client.get(reverse("admin:jobs_job_changelist")).content.decode()
    )


def test_staff_without_any_role_can_follow_their_own_jobs(client, db):
    user = make_user(None)
    job = job_enqueue(count_rows, title="mine", operator=user, rows=1)
    client.force_login(user)
    assert "mine" in client.get(reverse("admin:jobs_job_changelist")).content.decode()
    assert client.get(job_url(job)).status_code == 200


def test_a_job_with_a_result_page_leads_there_once_done(client, clerk):
    job = job_enqueue(report, title="report", operator=clerk, name="settlements")
    client.force_login(clerk)
    assert client.get(job_url(job)).status_code == 200  # progress while queued

    run_queued_jobs()

    page = f"/admin/report/settlements/{job.pk}/"
    assert client.get(job_url(job)).url == page
    assert page in client.get(reverse("admin:jobs_job_changelist")).content.decode()
    DBTaskResult.objects.filter(id=job.task_id).delete()  # the queue pruned: the file remains
    done = client.get(job_url(job)).content.decode()
    assert reverse("admin:jobs_job_download", args=[job.pk]) in done
