"""Spreadsheet import screens for any ModelAdmin: upload, preview, confirm; blank template.

Usage::

    @admin.register(LedgerEntry)
    class LedgerEntryAdmin(ImportAdminMixin, ReadOnlyAdmin):
        importer_class = CreditsImport

The changelist gets an "Import" and a "Blank template" button for users who
hold ``importer_class.permission``. The upload is checked as a dry run and the
preview lists what would be created, updated and left unchanged and every
rejected row; the confirm button runs the import again on the stored upload
(``core.import_uploads``) and writes all or nothing. A file of more rows than
``settings.YIBAO_IMPORT_BACKGROUND_ROWS`` is previewed and imported by background
jobs (``jobs.import_jobs``): the user follows them on ``import/jobs/<pk>/``,
which shows the progress, then the same report page (with the confirm button
after the dry run).

Four eyes: when the preview finds that another user must confirm the file (a
large credit file, ``Import.second_person``), the uploader gets no confirm
button; the upload is handed over and listed on the import page of the other
users holding the permission, who open its preview (``import/<token>/``) and
confirm it. The rows are then written as the uploader's, confirmed by them.

The mixin sets ``change_list_template`` to ``admin/import/change_list.html``,
which extends the export buttons' template (``jobs/admin_export.py``), so list
it before ``ExportAdminMixin``; a ModelAdmin that needs its own changelist
template extends ``admin/import/change_list.html``.
"""

import datetime as dt
import io
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from core.import_errors import error_groups, errors_xlsx
from core.import_uploads import (
    upload_claim,
    upload_claimed_path,
    upload_confirmable,
    upload_discard,
    upload_hand_over,
    upload_path,
    upload_read,
    upload_store,
    uploads_handed_over,
)
from core.importing import PLANNED_KEPT, import_run
from core.spreadsheets import sheet_rows_at_most, template_xlsx
from jobs.admin import job_progress_page
from jobs.import_jobs import import_enqueue, import_job, import_job_result
from jobs.models import Job, JobStatus

SUFFIXES = (".xlsx", ".csv")
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("file"), help_text=_(".xlsx, or .csv in UTF-8 or GB18030"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in SUFFIXES:
            raise forms.ValidationError(_("Choose an .xlsx or .csv file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


class ImportAdminMixin:
    """Adds the import screens to a ModelAdmin; set ``importer_class``."""

    importer_class = None
    change_list_template = "admin/import/change_list.html"

    def _url_name(self, step: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_import{step}"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name=self._url_name("")),
            path(
                "import/template/",
                view(self.import_template_view),
                name=self._url_name("_template"),
            ),
            path(
                "import/jobs/<int:pk>/",
                view(self.import_job_view),
                name=self._url_name("_job"),
            ),
            path(
                "import/errors/<str:token>/",
                view(self.import_errors_view),
                name=self._url_name("_errors"),
            ),
            path(
                "import/<str:token>/",
                view(self.import_confirm_view),
                name=self._url_name("_confirm"),
            ),
            *super().get_urls(),
        ]

    def has_import_permission(self, request) -> bool:
        return request.user.has_perm(self.importer_class.permission)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "import_allowed": self.has_import_permission(request),
            "import_url_name": f"admin:{self._url_name('')}",
            "import_template_url_name": f"admin:{self._url_name('_template')}",
        }
        return super().changelist_view(request, extra_context)

    def _require_import_permission(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied

    def _context(self, request, **extra):
        importer = self.importer_class()
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import %(title)s") % {"title": importer.title},
            "importer": importer,
            "template_url_name": f"admin:{self._url_name('_template')}",
            **extra,
        }

    def import_view(self, request):
        """Upload form; on POST, store the file and show the dry run's preview."""
        self._require_import_permission(request)
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            file = form.cleaned_data["file"]
            upload = upload_store(
                file.chunks(), filename=file.name, importer=self._url_name(""), user=request.user
            )
            return self._dry_run(request, upload)
        waiting = uploads_handed_over(importer=self._url_name(""), user=request.user)
        uploaders = get_user_model().objects.in_bulk([upload.user_id for upload in waiting])
        handed_over = [
            (
                upload,
                uploaders.get(upload.user_id),
                dt.datetime.fromtimestamp(upload.stored_at, dt.UTC),
            )
            for upload in waiting
        ]
        return TemplateResponse(
            request,
            "admin/import/upload.html",
            self._context(
                request,
                form=form,
                handed_over=handed_over,
                confirm_url_name=f"admin:{self._url_name('_confirm')}",
            ),
        )

    def _dry_run(self, request, upload):
        """The preview of a stored upload, for its uploader or its second user."""
        content = upload_path(upload.token).read_bytes()
        if self._in_background(content):
            return self._enqueue(request, upload, dry_run=True)
        report = self._run(request, upload, content, dry_run=True)
        if not report.accepted:
            upload_discard(upload.token)
        elif report.second_person and not upload.second_person:
            upload_hand_over(upload.token)
            return self._preview(request, report, None)
        return self._preview(request, report, upload.token if report.accepted else None)

    def import_confirm_view(self, request, token):
        """Run the import on the stored upload, for real; all rows or none are written.
        A GET by the second user of a handed-over upload shows its preview."""
        self._require_import_permission(request)
        if request.method != "POST":
            upload = upload_confirmable(token, importer=self._url_name(""), user=request.user)
            if upload is not None and upload.second_person and upload_path(token).exists():
                return self._dry_run(request, upload)
            return redirect(f"admin:{self._url_name('')}")
        upload = upload_claim(token, importer=self._url_name(""), user=request.user)
        if upload is None:
            raise Http404
        content = upload_claimed_path(token).read_bytes()
        if self._in_background(content):
            return self._enqueue(request, upload, dry_run=False)  # the job reads the file
        upload_claimed_path(token).unlink()
        report = self._run(request, upload, content, dry_run=False)
        if not report.written:
            return self._preview(request, report, None)
        messages.success(request, report.summary())
        return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")

    def import_job_view(self, request, pk):
        """A background preview or import: its progress, then its report."""
        self._require_import_permission(request)
        job = get_object_or_404(
            Job, pk=pk, created_by=request.user, task_path=import_job.module_path
        )
        if job.status != JobStatus.DONE:
            return job_progress_page(request, job, self.admin_site)
        importer, token, report = import_job_result(job)
        if importer != self._url_name(""):
            raise Http404
        confirmable = (
            token is not None
            and upload_path(token).exists()
            and upload_confirmable(token, importer=importer, user=request.user) is not None
        )
        return self._preview(request, report, token if confirmable else None)

    @staticmethod
    def _in_background(content: bytes) -> bool:
        return sheet_rows_at_most(content) > settings.YIBAO_IMPORT_BACKGROUND_ROWS

    def _enqueue(self, request, upload, *, dry_run):
        title = _("Import %(title)s") % {"title": self.importer_class().title}
        job = import_enqueue(
            self.importer_class,
            upload=upload,
            dry_run=dry_run,
            title=f"{_('Preview')} — {title}" if dry_run else title,
            operator=request.user,
        )
        return redirect(f"admin:{self._url_name('_job')}", job.pk)

    def _run(self, request, upload, content, *, dry_run):
        """As the uploader; a handed-over upload's real run confirmed by this user."""
        operator, confirmed_by = request.user, None
        if upload.second_person:
            operator = get_user_model().objects.get(pk=upload.user_id)
            confirmed_by = None if dry_run else request.user
        return import_run(
            self.importer_class(),
            content,
            filename=upload.filename,
            operator=operator,
            dry_run=dry_run,
            confirmed_by=confirmed_by,
        )

    def _preview(self, request, report, token):
        errors_url = None
        if report.errors:
            buffer = io.BytesIO()
            errors_xlsx(report, buffer)
            stored = upload_store(
                [buffer.getvalue()],
                filename=f"{Path(report.filename).stem}-错误明细.xlsx",
                importer=self._url_name("_errors"),
                user=request.user,
            )
            errors_url = reverse(f"admin:{self._url_name('_errors')}", args=[stored.token])
        context = self._context(
            request,
            report=report,
            error_groups=error_groups(report.errors),
            errors_url=errors_url,
            token=token,
            planned=report.planned,  # the first PLANNED_KEPT; errors are always all listed
            planned_hidden=max(report.created + report.updated + report.skipped - PLANNED_KEPT, 0),
            confirm_url_name=f"admin:{self._url_name('_confirm')}",
            upload_url_name=f"admin:{self._url_name('')}",
        )
        return TemplateResponse(request, "admin/import/preview.html", context)

    def import_errors_view(self, request, token):
        """The errors workbook of a report this user was shown."""
        self._require_import_permission(request)
        stored = upload_read(token, importer=self._url_name("_errors"), user=request.user)
        if stored is None:
            raise Http404
        upload, content = stored
        response = HttpResponse(content, content_type=XLSX_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, upload.filename)
        return response

    def import_template_view(self, request):
        """The blank .xlsx with the format's headers."""
        self._require_import_permission(request)
        importer = self.importer_class()
        response = HttpResponse(template_xlsx(importer.headers), content_type=XLSX_TYPE)
        response["Content-Disposition"] = content_disposition_header(
            True, f"{importer.title}模板.xlsx"
        )
        return response
