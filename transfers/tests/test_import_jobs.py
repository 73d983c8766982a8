"""Large settlement files in the admin: preview and import run as background jobs."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.selectors import ledger_mismatches
from accounts.tests.factories import make_user
from core.tests.files import xlsx_file
from jobs import import_jobs
from jobs.models import Job, JobStatus
from jobs.services import job_url
from jobs.tests.helpers import run_queued_jobs
from transfers.models import SharingPayment

from .factories import SETTLEMENT_HEADER, balance, receive, settlement_row

pytestmark = pytest.mark.usefixtures("english")
IMPORT = "admin:transfers_sharingpayment_import"


@pytest.fixture(autouse=True)
def small_threshold(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.YIBAO_IMPORT_BACKGROUND_ROWS = 1
    monkeypatch.setattr(import_jobs, "PROGRESS_EVERY", 1)


@pytest.fixture
def supervisor_client(client, supervisor):
    client.force_login(supervisor)
    return client


def upload(client, rows):
    content = xlsx_file([SETTLEMENT_HEADER, *rows])
    return client.post(reverse(IMPORT), {"file": SimpleUploadedFile("s.xlsx", content)})


def finished(client, response):
    """Run the queue, then open the job page the response sent the user to."""
    run_queued_jobs()
    return client.get(response.url)


def test_large_file_is_previewed_and_imported_by_jobs_with_progress(
    supervisor_client, supervisor, li_ming, li_xiaoming, son_agreement
):
    rows = [settlement_row(li_ming, li_xiaoming, f"JS-{i}", "100.00") for i in (1, 2)]
    queued = upload(supervisor_client, rows)
    assert queued.status_code == 302
    assert supervisor_client.get(queued.url).context["job"].status == JobStatus.QUEUED

    preview = finished(supervisor_client, queued)
    job = Job.objects.get(created_by=supervisor)
    assert (job.status, job.rows_done, job.rows_total) == (JobStatus.DONE, 2, 2)
    assert supervisor_client.get(job_url(job)).url == queued.url  # the jobs list leads here
    assert (preview.context["report"].created, preview.context["report"].written) == (2, False)
    confirm_url = reverse(f"{IMPORT}_confirm", args=[preview.context["token"]])
    assert f'action="{confirm_url}"' in preview.content.decode()
    assert not SharingPayment.objects.exists()

    imported = finished(supervisor_client, supervisor_client.post(confirm_url))
    report = imported.context["report"]
    assert (report.written, report.created) == (True, 2)
    assert "JS-2" in imported.content.decode()
    assert SharingPayment.objects.count() == 2
    assert balance(li_ming) == Decimal("300.00")
    assert supervisor_client.post(confirm_url).status_code == 404  # taken once
    assert ledger_mismatches() == []


def test_rejected_rows_are_listed_by_the_preview_job_and_nothing_is_written(
    supervisor_client, li_ming, li_xiaoming, son_agreement
):
    rows = [
        settlement_row(li_ming, li_xiaoming, "JS-1"),
        settlement_row(li_ming, li_xiaoming, "JS-2", use="现金"),
    ]
    preview = finished(supervisor_client, upload(supervisor_client, rows))
    errors = preview.context["report"].errors
    assert [(e.row, e.column) for e in errors] == [(3, "用途")]
    page = preview.content.decode()
    assert "现金" in page and 'class="default"' not in page  # no confirm button
    assert preview.context["token"] is None
    assert not SharingPayment.objects.exists()


def test_a_row_failing_while_the_job_writes_rolls_its_chunk_back(
    supervisor_client, li_ming, li_xiaoming, son_agreement, clerk
):
    rows = [settlement_row(li_ming, li_xiaoming, f"JS-{i}", "200.00") for i in (1, 2)]
    preview = finished(supervisor_client, upload(supervisor_client, rows))
    assert preview.context["report"].accepted
    # Between the preview and the confirm, the counter takes 200 of the 500.
    receive(li_ming, li_xiaoming, "200.00", operator=clerk, sid="JS-COUNTER")
    confirm_url = reverse(f"{IMPORT}_confirm", args=[preview.context["token"]])
    imported = finished(supervisor_client, supervisor_client.post(confirm_url))
    report = imported.context["report"]
    assert not report.written and report.errors[0].row == 3
    assert "JS-2" not in imported.content.decode()  # no planned rows listed
    assert list(SharingPayment.objects.values_list("settlement_id", flat=True)) == ["JS-COUNTER"]
    assert balance(li_ming) == Decimal("300.00")
    assert ledger_mismatches() == []


def test_only_the_starter_with_the_import_permission_sees_the_job(
    client, supervisor_client, li_ming, li_xiaoming, son_agreement
):
    queued = upload(supervisor_client, [settlement_row(li_ming, li_xiaoming)] * 2)
    run_queued_jobs()
    client.force_login(make_user("supervisor"))
    assert client.get(queued.url).status_code == 404
    client.force_login(make_user("clerk"))
    assert client.get(queued.url).status_code == 403


def test_a_file_within_the_threshold_is_previewed_in_the_request(
    supervisor_client, settings, li_ming, li_xiaoming, son_agreement
):
    settings.YIBAO_IMPORT_BACKGROUND_ROWS = 2
    preview = upload(supervisor_client, [settlement_row(li_ming, li_xiaoming)])
    assert preview.status_code == 200 and preview.context["report"].created == 1
    assert not Job.objects.exists()
