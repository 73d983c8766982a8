"""Prove the statistics summary: every table of the period equals the records' join."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.summary import statistics_compact, statistics_differences


class Command(BaseCommand):
    help = (
        "Compare the statistics summary with the payments, transfers and ledger entries "
        "for a period (default: all years from 2000); exit 1 naming every difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2000, 1, 1))
        parser.add_argument("--end", type=dt.date.fromisoformat, default=dt.date(2099, 12, 31))
        parser.add_argument(
            "--compact",
            action="store_true",
            help="first fold the slots of the days before today into one row a key (nightly)",
        )

    def handle(self, *args, start, end, compact, **options):
        if compact:
            folded = statistics_compact(timezone.localdate())
            self.stdout.write(f"{folded} summary row(s) of past days folded into slot 0")
        differences = statistics_differences(start, end)
        for difference in differences:
            self.stderr.write(difference)
        if differences:
            raise CommandError(f"{len(differences)} statistics row(s) disagree with the records")
        self.stdout.write(
            f"statistics verified from {start} to {end}: the summary equals the records"
        )
