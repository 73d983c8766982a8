"""The export buttons of admin lists (see core/exporting.py for the file rules)."""

import tempfile

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from core.audit import disclosure_record
from core.exporting import csv_chunks, write_xlsx
from core.models import DisclosureLog
from jobs.export_jobs import export_heading, list_export_enqueue, list_queryset
from jobs.services import job_url

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ExportAdminMixin:
    """Adds "export .xlsx / .csv" to a changelist; the file holds the filtered rows.

    Set ``export_resource_class`` (a ``core.exporting.ExportResource``). Exporting
    needs ``accounts.export_data``; unmasked exports need
    ``accounts.export_unmasked`` and are recorded in the disclosure log. Past
    ``settings.YIBAO_EXPORT_BACKGROUND_ROWS`` rows the file is made by a background
    job (jobs/export_jobs.py) and the user is sent to its progress page.
    """

    export_resource_class = None
    change_list_template = "admin/yibao_change_list.html"

    def get_urls(self):
        app, model = self.opts.app_label, self.opts.model_name
        return [
            path(
                "export/<str:fmt>/",
                self.admin_site.admin_view(self.export_view),
                name=f"{app}_{model}_export",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        if request.user.has_perm("accounts.export_data"):
            extra_context["export_formats"] = list(CONTENT_TYPES)
            extra_context["export_unmasked"] = request.user.has_perm("accounts.export_unmasked")
        return super().changelist_view(request, extra_context)

    def export_view(self, request, fmt):
        if fmt not in CONTENT_TYPES or not request.user.has_perm("accounts.export_data"):
            raise PermissionDenied
        unmasked = request.GET.get("unmasked") == "1"
        if unmasked and not request.user.has_perm("accounts.export_unmasked"):
            raise PermissionDenied
        # The changelist reads the same GET parameters as the list page, so the
        # export holds exactly the rows the filters and search show.
        params = request.GET.copy()
        params.pop("unmasked", None)
        request.GET = params
        queryset = list_queryset(self, request)
        resource = self.export_resource_class(unmasked=unmasked)
        if unmasked:
            disclosure_record(
                user=request.user,
                action=DisclosureLog.Action.EXPORT,
                subject=str(
                    _("%(list)s exported (%(count)d rows)")
                    % {"list": self.opts.verbose_name_plural, "count": queryset.count()}
                ),
            )
        headers = resource.get_export_headers()
        filename = f"{self.opts.verbose_name_plural}-{timezone.localtime():%Y%m%d-%H%M%S}.{fmt}"
        if queryset.count() > settings.YIBAO_EXPORT_BACKGROUND_ROWS:
            job = list_export_enqueue(
                self,
                params=params.urlencode(),
                fmt=fmt,
                unmasked=unmasked,
                filename=filename,
                title=f"{self.opts.verbose_name_plural} ({fmt})",
                operator=request.user,
            )
            return redirect(job_url(job))
        if fmt == "csv":
            response = StreamingHttpResponse(
                csv_chunks(headers, resource.rows(queryset)), content_type=CONTENT_TYPES[fmt]
            )
            # filename*: the Chinese name, for every browser (RFC 6266).
            response["Content-Disposition"] = content_disposition_header(True, filename)
            return response
        spool = tempfile.TemporaryFile()
        heading = export_heading(self, request)
        write_xlsx(headers, resource.rows(queryset), spool, title=str(_("Data")), heading=heading)
        spool.seek(0)
        return FileResponse(
            spool, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[fmt]
        )
