"""A worker killed mid-import (SIGKILL: it cannot mark its job) is found and its job
shown failed; the file sent again writes each row exactly once."""

import json
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from accounts.selectors import ledger_mismatches
from accounts.tests.factories import make_agreement
from core.import_uploads import upload_claim, upload_store
from core.importing import import_run
from core.tests.files import csv_file
from jobs.import_jobs import import_enqueue
from jobs.models import Job, JobStatus
from transfers.imports import SettlementsImport
from transfers.models import SharingPayment
from transfers.tests.factories import SETTLEMENT_HEADER, balance, settlement_row

pytestmark = pytest.mark.django_db(transaction=True)

# The worker: the real import job, in chunks of 20 rows so that it is killed mid-run.
WORKER = """
import json, sys
import django
django.setup()
from jobs import import_jobs
import_jobs.PROGRESS_EVERY = 20
import_jobs.import_job.func(job_id=int(sys.argv[1]), **json.loads(sys.argv[2]))
"""


def worker_env() -> dict:
    db = connection.settings_dict
    url = f"postgresql://{db['USER']}@/{db['NAME']}?host={db['HOST']}&port={db['PORT']}"
    return {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "yibao.settings"}


def test_a_killed_worker_shows_failed_and_the_file_sent_again_posts_each_row_once(
    li_ming, li_xiaoming, supervisor
):
    make_agreement(li_ming, li_xiaoming)
    rows = [settlement_row(li_ming, li_xiaoming, f"K-{i}", "0.01") for i in range(1, 401)]
    content = csv_file([SETTLEMENT_HEADER, *rows])
    key = "transfers_sharingpayment_import"
    upload = upload_store([content], filename="k.csv", importer=key, user=supervisor)
    upload_claim(upload.token, importer=key, user=supervisor)
    job = import_enqueue(
        SettlementsImport, upload=upload, dry_run=False, title="k.csv", operator=supervisor
    )
    params = {
        "importer": "transfers.imports.SettlementsImport",
        "importer_key": key,
        "token": upload.token,
        "filename": "k.csv",
        "dry_run": False,
    }
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(job.pk), json.dumps(params)],
        cwd=Path(__file__).resolve().parents[2],
        env=worker_env(),
    )
    try:
        deadline = time.monotonic() + 300
        while not SharingPayment.objects.exists():
            assert worker.poll() is None, "the worker ended before writing"
            assert time.monotonic() < deadline, "the worker never wrote a chunk"
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    written = SharingPayment.objects.count()
    assert 0 < written < 400, "killed mid-run: some chunks written, not all"
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING  # what the killed worker left behind

    call_command("prune_jobs")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "停止" in job.error

    report = import_run(SettlementsImport(), content, operator=supervisor, dry_run=False)
    assert report.written, report.errors
    assert (report.created, report.skipped) == (400 - written, written)
    assert SharingPayment.objects.count() == 400
    # By hand: the daily number (5) posts rows 1–5 of the day, holds the other 395.
    assert SharingPayment.objects.filter(status="posted").count() == 5
    assert balance(li_ming) == Decimal("499.95")
    assert ledger_mismatches() == []
    assert Job.objects.filter(pk=job.pk).exists()  # kept: within the retention
