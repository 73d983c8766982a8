"""Return wallet transfers not accepted by their cut-off (run by a scheduler, e.g. at 06:00)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from transfers.services.wallets import wallet_transfers_return_unaccepted


class Command(BaseCommand):
    help = "Return every pending wallet transfer whose cut-off has passed. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--operator", help="username recorded on the return entries")

    def handle(self, *args, operator=None, **options):
        user = None
        if operator:
            try:
                user = get_user_model().objects.get(username=operator)
            except get_user_model().DoesNotExist:
                raise CommandError(f"no user {operator}") from None
        returned = wallet_transfers_return_unaccepted(operator=user)
        for transfer in returned:
            self.stdout.write(f"{transfer.transfer_number}: {transfer.returned_amount}")
        self.stdout.write(f"{len(returned)} wallet transfer(s) returned")
