"""Spreadsheet files built in memory for import tests (no binary fixtures in git)."""

import csv
import io

import openpyxl


def xlsx_file(rows: list[list]) -> bytes:
    """An .xlsx workbook whose first sheet holds ``rows`` (header first); cells keep their
    Python types, so a ``datetime.date`` becomes an Excel date cell."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_file(rows: list[list], encoding: str = "utf-8") -> bytes:
    """CSV text in ``encoding`` (``utf-8-sig`` writes the BOM Excel writes)."""
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)
