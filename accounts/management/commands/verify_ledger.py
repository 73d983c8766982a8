"""Prove every balance: it equals the sum of its entries and the chain is unbroken."""

from django.core.management.base import BaseCommand, CommandError

from accounts.selectors import ledger_mismatches


class Command(BaseCommand):
    help = "Check every account and wallet against its ledger; exit 1 naming any mismatch."

    def handle(self, *args, **options):
        mismatches = ledger_mismatches()
        for mismatch in mismatches:
            self.stderr.write(str(mismatch))
        if mismatches:
            raise CommandError(f"{len(mismatches)} balance(s) disagree with the ledger")
        self.stdout.write("ledger verified: every balance equals the sum of its entries")
