"""A background job someone started: what it is, how far it got, and its result file."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import operator_field


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class Job(models.Model):
    """One run of a job task (``jobs.services.job_task``), as its starter sees it.

    The queue itself is django-tasks' table; this row is what the user follows:
    progress in rows, the error, and the result file, kept under MEDIA_ROOT
    (outside the web root) and served only to its starter.
    """

    title = models.CharField(_("title"), max_length=200)
    task_path = models.CharField(_("task"), max_length=200)
    task_id = models.CharField(_("queue id"), max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in all"), null=True, blank=True)
    result_file = models.FileField(_("result file"), upload_to="jobs/%Y/%m/", blank=True)
    result_name = models.CharField(_("result file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    # Which worker process runs it, and when it last said so (each progress): a
    # worker killed mid-run leaves its job "running"; ``jobs_reap`` finds it.
    worker_pid = models.PositiveIntegerField(_("worker process"), null=True, blank=True)
    worker_host = models.CharField(_("worker host"), max_length=100, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    created_by = operator_field(_("started by"))
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rows_total__isnull=True)
                | models.Q(rows_done__lte=models.F("rows_total")),
                name="job_progress_within_total",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["done", "failed"])
                | models.Q(finished_at__isnull=False),
                name="job_finished_has_time",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def percent(self) -> int | None:
        """Progress in whole percent, None while the total is unknown."""
        if self.status == JobStatus.DONE:
            return 100
        if not self.rows_total:
            return None
        return self.rows_done * 100 // self.rows_total

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
