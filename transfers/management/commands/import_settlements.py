"""Import a settlement file from the settlement system (SPREADSHEETS.md §4)."""

from core.import_command import ImportCommand
from transfers.imports import SettlementsImport


class Command(ImportCommand):
    help = "Import sharing settlements from an .xlsx or .csv file (共济结算明细)."

    def importer(self, options):
        return SettlementsImport()
