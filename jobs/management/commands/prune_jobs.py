"""``manage.py prune_jobs [--days N]``: mark failed the jobs whose worker is gone,
then remove finished jobs older than N days (``YIBAO_JOB_RETENTION_DAYS``) with
their result files, and uploads waiting longer than a day. For a daily cron job."""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from core.import_uploads import uploads_prune
from jobs.models import Job, JobStatus
from jobs.services import jobs_reap


class Command(BaseCommand):
    help = "Mark stopped jobs failed; remove old finished jobs, their files and old uploads."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.YIBAO_JOB_RETENTION_DAYS)

    def handle(self, *args, days, **options):
        reaped = jobs_reap()
        cutoff = timezone.now() - dt.timedelta(days=days)
        old = Job.objects.filter(
            status__in=[JobStatus.DONE, JobStatus.FAILED], finished_at__lt=cutoff
        )
        removed = 0
        for job in old.iterator():
            if job.result_file:
                job.result_file.delete(save=False)
            job.delete()
            removed += 1
        uploads_prune()
        self.stdout.write(f"{reaped} stopped job(s) marked failed, {removed} old job(s) removed.")
