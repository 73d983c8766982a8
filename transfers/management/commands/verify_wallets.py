"""Prove every wallet: its balance is the unspent money of the transfers that fed it,
with what held spendings reserved of it (taken from ``unspent``, not yet posted)."""

from django.core.management.base import BaseCommand, CommandError

from transfers.selectors import wallet_mismatches


class Command(BaseCommand):
    help = (
        "Check every wallet against its transfers' unspent amounts and its held spendings; "
        "exit 1 naming any mismatch."
    )

    def handle(self, *args, **options):
        mismatches = wallet_mismatches()
        for wallet in mismatches:
            self.stderr.write(
                f"wallet {wallet.pk}: balance {wallet.balance}, "
                f"transfers unspent and held spendings {wallet.unspent_total}"
            )
        if mismatches:
            raise CommandError(f"{len(mismatches)} wallet(s) disagree with their transfers")
        self.stdout.write("wallets verified: every balance equals its transfers' unspent money")
