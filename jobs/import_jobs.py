"""Large imports in the background: the admin's preview and confirm, each as a job.

Why: checking a settlement or credit file of 100,000 rows takes minutes, longer
than a web request may. Past ``settings.YIBAO_IMPORT_BACKGROUND_ROWS`` rows,
``jobs.admin_import`` queues ``import_job`` (as ``jobs.export_jobs`` does for
exports): the dry run reads the stored upload and leaves it for the confirm;
the real run reads the upload the confirm claimed. Both run ``import_run`` with
the job's starter as operator, record its progress, and keep the report (plain
data, with the first ``PLANNED_KEPT`` planned rows) as the job's result file,
which the admin renders as the same page as the synchronous preview. A dry run
that finds a second user needed hands the upload over (``upload_hand_over``); the
second user's real run writes as the uploader, confirmed by the job's starter.
"""

import json
from dataclasses import asdict

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.import_uploads import (
    Upload,
    upload_claimed_read,
    upload_discard,
    upload_hand_over,
    upload_path,
)
from core.importing import Import, ImportReport, PlannedRow, Problem, import_run
from jobs.services import dotted_path, job_enqueue, job_progress, job_result_page, job_task

PROGRESS_EVERY = 1000  # rows per chunk; each chunk done is recorded as progress


def import_enqueue(importer_class, *, upload: Upload, dry_run: bool, title: str, operator):
    """Queue the dry run (``dry_run``) or the real import of ``upload``, run by
    ``operator``; a real run of a handed-over upload writes as its uploader,
    ``operator`` being the second user who confirms it."""
    return job_enqueue(
        import_job,
        title=title,
        operator=operator,
        importer=dotted_path(importer_class),
        importer_key=upload.importer,
        token=upload.token,
        filename=upload.filename,
        dry_run=dry_run,
        entered_by=upload.user_id if upload.second_person and not dry_run else None,
    )


@job_task
def import_job(job, *, importer, importer_key, token, filename, dry_run, entered_by=None):
    content = upload_path(token).read_bytes() if dry_run else upload_claimed_read(token)
    operator, confirmed_by = job.created_by, None
    if entered_by is not None:
        operator, confirmed_by = get_user_model().objects.get(pk=entered_by), job.created_by
    report = import_run(
        _importer(importer, job.created_by),
        content,
        filename=filename,
        operator=operator,
        dry_run=dry_run,
        confirmed_by=confirmed_by,
        progress=lambda _stage, done, total: job_progress(job, done=done, total=total),
        progress_every=PROGRESS_EVERY,
    )
    if dry_run and not report.accepted:
        upload_discard(token)
    elif dry_run and report.second_person:
        upload_hand_over(token)
    result = {
        "importer": importer_key,
        "token": token if dry_run and report.accepted else None,
        "report": asdict(report),
    }
    return ContentFile(json.dumps(result, ensure_ascii=False).encode(), name="import-report.json")


def _importer(path: str, operator) -> Import:
    """The import named by the queue's row, if it is one and its starter may run it
    (the queue is a table: its text is not trusted to name any callable)."""
    importer_class = import_string(path)
    if not (
        isinstance(importer_class, type)
        and issubclass(importer_class, Import)
        and operator.has_perm(importer_class.permission)
    ):
        raise PermissionDenied(_("You may not run this import."))
    return importer_class()


@job_result_page(import_job)
def import_job_page(job, params) -> str:
    """The admin page of the import (``ImportAdminMixin.import_job_view``) shows the report."""
    return reverse(f"admin:{params['importer_key']}_job", args=[job.pk])


def import_job_result(job) -> tuple[str, str | None, ImportReport]:
    """The finished job's import key, the upload token a confirm may use, and its report."""
    with job.result_file.open("rb") as file:
        result = json.load(file)
    data = result["report"]
    report = ImportReport(
        **data
        | {
            "planned": [PlannedRow(**row) for row in data["planned"]],
            "warnings": [Problem(**problem) for problem in data["warnings"]],
            "errors": [Problem(**problem) for problem in data["errors"]],
        }
    )
    return result["importer"], result["token"], report
