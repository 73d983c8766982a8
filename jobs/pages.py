"""The page that follows a job, for the jobs admin and for other apps' own job pages.

Why a module of its own: ``yibao.admin_import`` shows an import job's progress
with it, and ``jobs.admin`` imports the accounts admin (a cycle otherwise).
"""

from django.template.response import TemplateResponse

from jobs.models import Job


def job_progress_page(request, job, admin_site):
    """``job``'s status and progress; the page refreshes itself until it is finished."""
    context = {
        **admin_site.each_context(request),
        "title": job.title,
        "job": job,
        "opts": Job._meta,
    }
    return TemplateResponse(request, "jobs/progress.html", context)
