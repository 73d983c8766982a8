"""The streaming .xlsx writer, read back by LibreOffice Calc and by openpyxl.

The oracle is the office program: Calc opens the file and saves what it shows as
CSV; the expected lines are written out by hand."""

import datetime as dt
import io
import shutil
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from core.exporting import write_xlsx

HEADERS = ["姓名", "金额", "业务日期", "记账时间", "笔数", "摘要"]
ROWS = [
    ["王芳", Decimal("12.30"), dt.date(2025, 3, 10), dt.datetime(2025, 3, 10, 9, 30, 5), 3, ""],
    [
        "=SUM(1)",
        Decimal("-30.00"),
        dt.date(1999, 12, 31),
        dt.datetime(2024, 2, 29, 23, 59),
        0,
        "<&>",
    ],
]


def _workbook(rows=ROWS) -> bytes:
    target = io.BytesIO()
    write_xlsx(HEADERS, rows, target, title="流水")
    return target.getvalue()


def _calc_shows(content: bytes) -> list[str]:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.fail("LibreOffice (soffice) is not installed; run bin/setup test")
    with tempfile.TemporaryDirectory(prefix="yibao-xlsx-") as folder:
        source = Path(folder) / "export.xlsx"
        source.write_bytes(content)
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={Path(folder, 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true",
                "--outdir",
                folder,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        return (Path(folder) / "export.csv").read_text("utf-8").splitlines()


@pytest.mark.slow
def test_oracle_libreoffice_shows_the_cells_as_written():
    assert _calc_shows(_workbook()) == [
        "姓名,金额,业务日期,记账时间,笔数,摘要",
        "王芳,12.30,2025-03-10,2025-03-10 09:30:05,3,",  # amounts shown 0.00
        "=SUM(1),-30.00,1999-12-31,2024-02-29 23:59:00,0,<&>",
    ]


def test_cells_keep_their_types_and_text_is_never_a_formula():
    sheet = openpyxl.load_workbook(io.BytesIO(_workbook())).worksheets[0]
    assert sheet.title == "流水1"
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == HEADERS
    assert values[1] == [
        "王芳",
        12.3,
        dt.datetime(2025, 3, 10),
        dt.datetime(2025, 3, 10, 9, 30, 5),
        3,
        None,
    ]
    assert sheet["A3"].data_type == "s" and sheet["A3"].value == "=SUM(1)"
    assert sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet["D2"].number_format == "yyyy-mm-dd hh:mm:ss"


def test_an_empty_export_is_a_sheet_with_the_header_only():
    sheet = openpyxl.load_workbook(io.BytesIO(_workbook([]))).worksheets[0]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [HEADERS]


def test_control_characters_xml_cannot_hold_are_left_out():
    content = _workbook([["a\x01b\x1fc", Decimal("1.00"), "", "", "", "tab\there"]])
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert (sheet["A2"].value, sheet["F2"].value) == ("abc", "tab\there")
