"""Import a file of insured persons (SPREADSHEETS.md §1)."""

from accounts.imports import PersonsImport
from core.import_command import ImportCommand


class Command(ImportCommand):
    help = "Import insured persons from an .xlsx or .csv file (参保人员)."

    def importer(self, options):
        return PersonsImport()
