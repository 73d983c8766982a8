"""Spreadsheet files for import tests, built when the test runs (no binary fixtures in
git): in memory with openpyxl, or by a real office suite (LibreOffice) from CSV."""

import csv
import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


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


def office_file(
    rows: list[list], fmt: str = "xlsx", *, text_columns: tuple[str, ...] = ()
) -> bytes:
    """The file LibreOffice Calc saves as ``fmt`` (xlsx, xls, ods) after opening ``rows``
    (header first) as a CSV, the way a clerk opens a CSV from another system.

    Calc decides each cell's type as its import dialog does under a Chinese locale
    (detection of special numbers on): 18-digit ID numbers and ``000777`` become
    number cells, ``2025-03-05`` a date cell, ``1,000.00`` the number 1000; the
    columns named in ``text_columns`` are imported as text (the clerk set the
    column to 文本). Each call has its own LibreOffice profile, so parallel test
    runs do not share one. No LibreOffice is a failure, not a skip: ``bin/setup
    test`` installs it.
    """
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.fail("LibreOffice (soffice) is not installed; run bin/setup test")
    formats = "/".join(
        f"{index}/{2 if name in text_columns else 1}" for index, name in enumerate(rows[0], 1)
    )
    with tempfile.TemporaryDirectory(prefix="yibao-office-") as folder:
        source = Path(folder) / "rows.csv"
        source.write_bytes(csv_file(rows))
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={Path(folder, 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                fmt,
                f"--infilter=CSV:44,34,76,1,{formats},2052,false,true",
                "--outdir",
                folder,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        return (Path(folder) / f"rows.{fmt}").read_bytes()


def xlsx_with_dimension(content: bytes, dimension: str) -> bytes:
    """The workbook ``content`` with its first sheet's declared dimension replaced by
    ``dimension`` (e.g. ``A1:B3``), as some programs write it wrong; nothing else changes."""
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, count = re.subn(
                    rb'<dimension ref="[^"]*"', b'<dimension ref="%s"' % dimension.encode(), data
                )
                assert count == 1, "the sheet declares no dimension"
            target.writestr(item, data)
    return out.getvalue()


def import_command_run(command: str, content: bytes, folder, *args, name: str = "file.xlsx"):
    """``manage.py <command> FILE *args`` on ``content`` saved as ``folder/name``: its
    (exit status, stdout, stderr), as a scheduled job sees them."""
    path = Path(folder) / name
    path.write_bytes(content)
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(command, str(path), *args, stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()
