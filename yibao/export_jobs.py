"""Large list exports in the background: the same file as the direct download, as a job.

Why: an export of tens of thousands of rows must not hold a web request (and
a gunicorn worker) for minutes. Past ``settings.YIBAO_EXPORT_BACKGROUND_ROWS``
rows, ``yibao.admin_export`` queues ``list_export`` instead of streaming; the
worker rebuilds the filtered queryset from its pickled query (written by this
server only, into its own database) and writes the file in chunks with the
rules of ``yibao.exporting``, reporting its progress every ``PROGRESS_EVERY`` rows.
"""

import base64
import pickle
import tempfile

from django.apps import apps
from django.core.files import File
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from jobs.services import dotted_path, job_enqueue, job_progress, job_task
from yibao.exporting import csv_chunks, write_xlsx

PROGRESS_EVERY = 1000


def list_export_enqueue(queryset, *, resource_class, fmt, unmasked, filename, title, operator):
    """Queue the export of ``queryset`` (rows as the list's filters give them)."""
    return job_enqueue(
        list_export,
        title=title,
        operator=operator,
        model=queryset.model._meta.label,
        query=base64.b64encode(pickle.dumps(queryset.query)).decode(),
        resource=dotted_path(resource_class),
        fmt=fmt,
        unmasked=unmasked,
        filename=filename,
    )


@job_task
def list_export(job, *, model, query, resource, fmt, unmasked, filename):
    queryset = apps.get_model(model)._default_manager.all()
    queryset.query = pickle.loads(base64.b64decode(query))
    exporter = import_string(resource)(unmasked=unmasked)
    total = queryset.count()
    job_progress(job, done=0, total=total)
    rows = _counted(exporter.rows(queryset), job, total)
    headers = exporter.get_export_headers()
    spool = tempfile.TemporaryFile()
    if fmt == "csv":
        spool.writelines(csv_chunks(headers, rows))
    else:
        write_xlsx(headers, rows, spool, title=_("Data"))
    spool.seek(0)
    return File(spool, name=filename)


def _counted(rows, job, total):
    """Pass the rows on, recording progress (never past the total counted at the start)."""
    for done, row in enumerate(rows, 1):
        if done % PROGRESS_EVERY == 0:
            job_progress(job, done=min(done, total))
        yield row
