"""Background jobs in the admin: everyone sees the jobs they started, nobody edits them.

The progress page refreshes itself (no script) until the job is finished, then
offers the result file (or sends the user to the job's result page, such as an
import report); the file is served only to the user who started the job.
"""

from django.contrib import admin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin.base import ReadOnlyAdmin
from jobs.models import Job
from jobs.services import job_result_url, jobs_reap


def job_progress_page(request, job, admin_site):
    """``job``'s status and progress (the jobs admin's page, and other apps' own job
    pages such as an import's); it refreshes itself until the job is finished."""
    context = {
        **admin_site.each_context(request),
        "title": job.title,
        "job": job,
        "opts": Job._meta,
    }
    return TemplateResponse(request, "jobs/progress.html", context)


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ["title", "status", "progress", "created_at", "finished_at", "result"]
    list_filter = ["status"]
    list_display_links = None

    def get_queryset(self, request):
        """Only the jobs the user started: their results may hold personal data."""
        return super().get_queryset(request).filter(created_by=request.user)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    @admin.display(description=_("progress"))
    def progress(self, job):
        url = reverse("admin:jobs_job_progress", args=[job.pk])
        shown = f"{job.rows_done}/{job.rows_total}" if job.rows_total else job.rows_done
        return format_html('<a href="{}">{}</a>', url, shown)

    @admin.display(description=_("result"))
    def result(self, job):
        page = job_result_url(job)
        if page:
            return format_html('<a href="{}">{}</a>', page, job.title)
        if not job.result_file:
            return "—"
        url = reverse("admin:jobs_job_download", args=[job.pk])
        return format_html('<a href="{}">{}</a>', url, job.result_name)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/progress/", view(self.progress_view), name="jobs_job_progress"),
            path("<int:pk>/download/", view(self.download_view), name="jobs_job_download"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        jobs_reap()  # a job whose worker was killed shows as failed, not running forever
        return super().changelist_view(request, extra_context)

    def progress_view(self, request, pk):
        jobs_reap()
        job = get_object_or_404(self.get_queryset(request), pk=pk)
        page = job_result_url(job)
        if page:
            return redirect(page)
        return job_progress_page(request, job, self.admin_site)

    def download_view(self, request, pk):
        job = get_object_or_404(self.get_queryset(request), pk=pk)
        if not job.result_file:
            raise Http404
        return FileResponse(
            job.result_file.open("rb"), as_attachment=True, filename=job.result_name
        )
