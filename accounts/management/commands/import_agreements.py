"""Import a file of sharing agreements (SPREADSHEETS.md §3)."""

from django.core.management.base import CommandError

from accounts.errors import OwnBatchApproval
from accounts.imports import AgreementsImport
from accounts.services.agreements import REVIEW_PERMISSION
from core.import_command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import sharing agreements from an .xlsx or .csv file (共济关系); they wait for "
        "review unless a second user approves the batch with --approved-by."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--approved-by", help="username of the reviewer who approves the whole batch"
        )

    def importer(self, options):
        approver = options["approved_by"]
        if approver and approver == options["operator"]:
            raise CommandError(str(OwnBatchApproval(user=approver)))
        return AgreementsImport(approved_by=self.user(approver, REVIEW_PERMISSION))
