"""Import a monthly account credit file (SPREADSHEETS.md §2)."""

from accounts.imports import CreditsImport
from core.import_command import ImportCommand


class Command(ImportCommand):
    help = "Import account credits from an .xlsx or .csv file (个人账户划入)."

    def importer(self, options):
        return CreditsImport()
