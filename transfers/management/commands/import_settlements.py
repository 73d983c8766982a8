"""Import a settlement file from the settlement system (SPREADSHEETS.md §4)."""

from transfers.imports import SettlementsImport
from yibao.import_command import ImportCommand


class Command(ImportCommand):
    help = "Import sharing settlements from an .xlsx or .csv file (共济结算明细)."

    def importer(self, options):
        return SettlementsImport()
