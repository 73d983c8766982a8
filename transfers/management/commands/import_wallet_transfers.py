"""Import a wallet transfer file (SPREADSHEETS.md §5)."""

from transfers.imports import WalletTransfersImport
from yibao.import_command import ImportCommand


class Command(ImportCommand):
    help = "Import wallet transfers from an .xlsx or .csv file (钱包转账)."

    def importer(self, options):
        return WalletTransfersImport()
