"""The shape of every ``import_*`` management command (SPREADSHEETS.md).

``import_x FILE [--dry-run] [--operator USERNAME] [--confirmed-by USERNAME] [--accept-valid]``
(``--confirmed-by``: the second user, another one holding the import's permission,
that a large credit file needs: ``core.importing``, "Four eyes"): prints the
summary, the warnings, and every rejected row as ``row N, column C: reason`` (with
``-v 2`` also what each row does); exits 0 when the file was accepted (or, with
``--dry-run``, would be), 1 when rejected; with ``--accept-valid`` (settlement and
wallet files) 3 when the valid rows were written and some kept as exceptions.
The operator must hold the import's permission. A command subclasses
``ImportCommand`` and returns its import from ``importer(options)``, which may
read extra options (e.g. ``--approved-by``).
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.importing import Import, import_run


class ImportCommand(BaseCommand):
    def importer(self, options) -> Import:
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the .xlsx or .csv file")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report, write nothing"
        )
        parser.add_argument("--operator", help="username recorded as who imported the file")
        parser.add_argument(
            "--confirmed-by", help="username of the second user who confirms a large file"
        )
        parser.add_argument(
            "--accept-valid",
            action="store_true",
            help="settlement and wallet files: write the valid rows, keep refused ones as "
            "exceptions (exit status 3 when some were kept)",
        )

    def handle(self, *args, **options):
        importer = self.importer(options)
        operator = self.user(options["operator"], importer.permission)
        path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        report = import_run(
            importer,
            path,
            operator=operator,
            dry_run=options["dry_run"],
            confirmed_by=self.user(options["confirmed_by"], importer.permission),
            accept_valid=options["accept_valid"],
        )
        if options["verbosity"] >= 2:
            for planned in report.planned:
                self.stdout.write(f"row {planned.row}: {planned.action}: {planned.summary}")
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        for error in report.errors:
            self.stderr.write(str(error))
        if report.dry_run and report.accepted and report.second_person:
            self.stdout.write(f"needs --confirmed-by another user: {report.second_person}")
        if report.written and report.kept:
            self.stdout.write(report.summary())
            raise SystemExit(3)
        if not report.accepted:
            raise CommandError(report.summary())
        self.stdout.write(report.summary())

    def user(self, username: str | None, permission: str | None = None):
        """The named active user, who must hold ``permission``; None without a name."""
        if not username:
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username}")
        if permission and not user.has_perm(permission):
            raise CommandError(f"{username} lacks the permission {permission}")
        return user
