"""Background jobs in PostgreSQL: django-tasks with the django-tasks-db backend.

Why: a large export or import must never run inside one web request, and the
hall has no server besides PostgreSQL. django-tasks is the API that Django 6
adopted (``django.tasks``); its database backend keeps the queue in a table and
``manage.py db_worker`` (started by bin/serve beside gunicorn) runs it. A ``Job``
row beside each queued task is what the user follows: progress, error, result.

How to add a job::

    # myapp/jobs.py — a module-level function, made a task by the decorator
    from django.core.files.base import ContentFile
    from jobs.services import job_task, job_progress

    @job_task
    def persons_export(job, *, region_code):      # params: JSON-serialisable
        rows = ...
        for done, chunk in enumerate(chunks, 1):
            ...
            job_progress(job, done=done * CHUNK, total=len(rows))
        return ContentFile(data, name="persons.xlsx")  # or a File, or None

    # in a view: queue it and send the user to its progress page
    job = job_enqueue(persons_export, title=_("Persons"), operator=request.user,
                      region_code="320500")
    return redirect(job_url(job))

A job whose result is better shown as a page than downloaded (an import
report) registers that page: ``@job_result_page(task)`` on ``page(job, params)
-> url``; the jobs list and progress page then lead there once it is done.

The function gets the ``Job`` first and its keyword params; what it returns (a
django ``File`` whose name is the download name, or None) becomes the result
file. An exception marks the job failed with ``str(error)`` as its message (so a
domain error shows its translated text). In tests, run the queue in-process
with ``call_command("db_worker", batch=True, ...)`` (see jobs/tests).
"""

import datetime as dt
import functools
import os
import socket

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task
from django_tasks.exceptions import TaskResultDoesNotExist

from jobs.models import Job, JobStatus


def job_task(function):
    """Make ``function(job, **params)`` a background task that keeps its ``Job`` up to date."""

    @functools.wraps(function)
    def run(*, job_id: int, **params):
        job = Job.objects.get(pk=job_id)
        _job_set(
            job,
            status=JobStatus.RUNNING,
            worker_pid=os.getpid(),
            worker_host=socket.gethostname(),
            heartbeat_at=timezone.now(),
        )
        try:
            result = function(job, **params)
        except Exception as error:
            _job_set(job, status=JobStatus.FAILED, error=str(error), finished_at=timezone.now())
            raise
        changes = {
            "status": JobStatus.DONE,
            "rows_done": job.rows_total or job.rows_done,
            "finished_at": timezone.now(),
        }
        if result is not None:
            job.result_file.save(result.name, result, save=False)
            changes |= {"result_file": job.result_file, "result_name": result.name}
        _job_set(job, **changes)

    return task(run)


def job_enqueue(job_task_, *, title: str, operator, **params) -> Job:
    """Queue ``job_task_`` with ``params`` and return its ``Job`` (status queued).

    The job row and the queue row are written in one transaction, so a worker
    never sees a task whose job is not there yet.
    """
    with transaction.atomic():
        job = Job.objects.create(title=title, task_path=job_task_.module_path, created_by=operator)
        result = job_task_.enqueue(job_id=job.pk, **params)
        job.task_id = str(result.id)
        job.save(update_fields=["task_id"])
    return job


def job_progress(job: Job, *, done: int, total: int | None = None) -> None:
    """Record how many rows are done (and, once known, how many in all)."""
    changes = {"rows_done": done, "heartbeat_at": timezone.now()}
    if total is not None:
        changes["rows_total"] = total
    _job_set(job, **changes)


def jobs_reap() -> int:
    """Mark failed the running jobs whose worker is gone; returns how many.

    Gone: a process of this host whose id no longer exists (a worker killed by
    SIGKILL or the OOM killer cannot mark its job), or no progress for
    ``settings.YIBAO_JOB_STALE_MINUTES`` (a worker on another host, or an id
    reused by another process). An import so stopped can be run again: what it
    wrote is skipped (its key makes each row exactly once)."""
    stale = timezone.now() - dt.timedelta(minutes=settings.YIBAO_JOB_STALE_MINUTES)
    gone = [
        job.pk
        for job in Job.objects.filter(status=JobStatus.RUNNING)
        if (job.heartbeat_at or job.created_at) < stale
        or (job.worker_host == socket.gethostname() and not _process_alive(job.worker_pid))
    ]
    message = _(
        "The worker running this job stopped before the end (killed or crashed). "
        "Run it again: rows already written are skipped."
    )
    return Job.objects.filter(pk__in=gone, status=JobStatus.RUNNING).update(
        status=JobStatus.FAILED, error=message, finished_at=timezone.now()
    )


def _process_alive(pid: int | None) -> bool:
    if not pid:
        return True  # not told: the heartbeat decides
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True


def dotted_path(cls: type) -> str:
    """A class as a job parameter (JSON text); the job gets it back with ``import_string``."""
    return f"{cls.__module__}.{cls.__qualname__}"


def job_url(job: Job) -> str:
    """The page that shows the job's progress and, when done, its result."""
    return reverse("admin:jobs_job_progress", args=[job.pk])


_RESULT_PAGES = {}  # task path -> page(job, params) -> url


def job_result_page(job_task_):
    """Register the decorated ``page(job, params) -> url`` as where ``job_task_``'s
    finished jobs show their result (``params``: what the job was queued with)."""

    def register(page):
        _RESULT_PAGES[job_task_.module_path] = page
        return page

    return register


def job_result_url(job: Job) -> str | None:
    """The finished job's result page, if its task registered one (else its file is it)."""
    page = _RESULT_PAGES.get(job.task_path)
    if page is None or job.status != JobStatus.DONE:
        return None
    try:
        queued = import_string(job.task_path).get_result(job.task_id)
    except TaskResultDoesNotExist:  # the queue's row was pruned: the file is still there
        return None
    return page(job, queued.kwargs)


def _job_set(job: Job, **changes) -> None:
    """Write ``changes`` at once (autocommit), so the progress page sees them mid-run."""
    for field, value in changes.items():
        setattr(job, field, value)
    job.save(update_fields=list(changes))
