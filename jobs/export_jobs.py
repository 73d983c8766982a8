"""Large list exports in the background: the same file as the direct download, as a job.

Why: an export of tens of thousands of rows must not hold a web request (and
a gunicorn worker) for minutes. Past ``settings.YIBAO_EXPORT_BACKGROUND_ROWS``
rows, ``jobs.admin_export`` queues ``list_export`` instead of streaming and
sends the worker only the list's filter parameters (its query string): the
worker asks the same ModelAdmin for the rows those parameters show, as the job's
starter, with that user's permissions checked again. No query object is stored:
the queue is a table, and unpickling what it holds would run the code of anyone
who can write to it. The file is written in chunks with the rules of
``core.exporting``, its progress recorded every ``PROGRESS_EVERY`` rows.
"""

import tempfile

from django.apps import apps
from django.contrib import admin
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.files import File
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from core.admin.filters import DateRangeFilter
from core.database import replica_alias
from core.exporting import csv_chunks, write_xlsx
from jobs.services import job_enqueue, job_progress, job_task

PROGRESS_EVERY = 1000


def list_queryset(model_admin, request):
    """The rows the admin list shows for ``request.GET`` (filters, search, order) and
    ``request.user``: the one reading of the filters, for direct and background exports.
    The rows are read from the replica: a file of a list may be a moment behind the
    primary (the ChangeList that reads the filters still counts on the primary)."""
    return model_admin.get_changelist_instance(request).get_queryset(request).using(replica_alias())


def export_heading(model_admin, request) -> str:
    """The title row of a list's workbook: the list, the period of its date filters
    (or 全部), the user's hall when they have one, and when it was made."""
    changelist = model_admin.get_changelist_instance(request)
    periods = [
        _("%(field)s %(start)s – %(end)s")
        % {
            "field": spec.field.verbose_name,
            "start": _param(spec, spec.param_from),
            "end": _param(spec, spec.param_to),
        }
        for spec in changelist.filter_specs
        if isinstance(spec, DateRangeFilter) and spec.has_output() and spec.used_parameters
    ]
    parts = [str(model_admin.opts.verbose_name_plural), *(periods or [_("all dates")])]
    try:
        parts.append(request.user.placement.hall.name)
    except ObjectDoesNotExist:
        pass
    parts.append(_("exported %(at)s") % {"at": f"{timezone.localtime():%Y-%m-%d %H:%M}"})
    return " · ".join(parts)


def _param(spec, name: str) -> str:
    value = spec.used_parameters.get(name)
    return (value[-1] if isinstance(value, list) else value) or "…"


def list_export_enqueue(model_admin, *, params: str, fmt, unmasked, filename, title, operator):
    """Queue the export of the rows ``model_admin``'s list shows for the query ``params``."""
    return job_enqueue(
        list_export,
        title=title,
        operator=operator,
        model=model_admin.opts.label,
        params=params,
        fmt=fmt,
        unmasked=unmasked,
        filename=filename,
    )


@job_task
def list_export(job, *, model, params, fmt, unmasked, filename):
    model_admin = admin.site._registry[apps.get_model(model)]
    request = _list_request(job.created_by, params)
    if not model_admin.has_view_permission(request) or not _may_export(job.created_by, unmasked):
        raise PermissionDenied(_("You may not export this list."))
    queryset = list_queryset(model_admin, request)
    exporter = model_admin.export_resource_class(unmasked=unmasked)
    total = queryset.count()
    job_progress(job, done=0, total=total)
    rows = _counted(exporter.rows(queryset), job, total)
    headers = exporter.get_export_headers()
    spool = tempfile.TemporaryFile()
    if fmt == "csv":
        spool.writelines(csv_chunks(headers, rows))
    else:
        write_xlsx(
            headers, rows, spool, title=_("Data"), heading=export_heading(model_admin, request)
        )
    spool.seek(0)
    return File(spool, name=filename)


def _may_export(user, unmasked: bool) -> bool:
    return user.has_perm("accounts.export_data") and (
        not unmasked or user.has_perm("accounts.export_unmasked")
    )


def _list_request(user, params: str) -> HttpRequest:
    """A GET of the list with ``params``, as ``user``: what the ChangeList reads."""
    request = HttpRequest()
    request.method = "GET"
    request.user = user
    request.GET = QueryDict(params)
    return request


def _counted(rows, job, total):
    """Pass the rows on, recording progress (never past the total counted at the start)."""
    for done, row in enumerate(rows, 1):
        if done % PROGRESS_EVERY == 0:
            job_progress(job, done=min(done, total))
        yield row
