"""Import a wallet transfer file (SPREADSHEETS.md §5)."""

from core.import_command import ImportCommand
from transfers.imports import WalletTransfersImport


class Command(ImportCommand):
    help = "Import wallet transfers from an .xlsx or .csv file (钱包转账)."

    def importer(self, options):
        return WalletTransfersImport()
