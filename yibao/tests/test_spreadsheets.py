"""Reading .xlsx and CSV files into rows, and the blank template."""

import datetime as dt
import io

import openpyxl
import pytest

from yibao.spreadsheets import FileRejected, sheet_read, sheet_rows_at_most, template_xlsx
from yibao.tests.files import csv_file, xlsx_file

ROWS = [["姓名", "金额"], ["李明", "1,000.50"], ["王芳", "20"]]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_in_every_accepted_encoding_reads_the_same(encoding):
    sheet = sheet_read(csv_file(ROWS, encoding))
    assert sheet.headers == ["姓名", "金额"]
    assert [(r.number, r.cells) for r in sheet.rows] == [
        (2, {"姓名": "李明", "金额": "1,000.50"}),
        (3, {"姓名": "王芳", "金额": "20"}),
    ]


def test_xlsx_cells_become_text_or_dates_and_blank_rows_keep_numbering():
    content = xlsx_file(
        [
            [" 姓名 ", "金额", "日期", "时间"],
            ["李明", 100.5, dt.datetime(2025, 3, 1), dt.datetime(2025, 3, 1, 9, 30)],
            [None, None, None, None],
            ["王芳", 20, None, None],
        ]
    )
    sheet = sheet_read(content)
    assert sheet.headers == ["姓名", "金额", "日期", "时间"]
    assert [r.number for r in sheet.rows] == [2, 4]
    first = sheet.rows[0].cells
    assert first["金额"] == "100.5"
    assert first["日期"] == dt.date(2025, 3, 1)
    assert first["时间"] == dt.datetime(2025, 3, 1, 9, 30)
    assert sheet.rows[1].cells == {"姓名": "王芳", "金额": "20", "日期": "", "时间": ""}


def test_old_xls_file_is_rejected_with_a_hint():
    with pytest.raises(FileRejected, match="xlsx"):
        sheet_read(b"\xd0\xcf\x11\xe0" + b"\0" * 100)


def test_broken_xlsx_is_rejected():
    with pytest.raises(FileRejected):
        sheet_read(b"PK\x03\x04 not really a zip")


def test_duplicate_header_is_rejected():
    with pytest.raises(FileRejected, match="金额"):
        sheet_read(csv_file([["金额", "金额"], ["1", "2"]]))


def test_template_has_the_headers_in_bold_and_no_data():
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(["批次号", "金额"])))
    sheet = book.active
    assert [c.value for c in sheet[1]] == ["批次号", "金额"]
    assert sheet["A1"].font.bold
    assert sheet_read(template_xlsx(["批次号", "金额"])).rows == []


def test_xlsx_number_reads_as_excel_shows_it():
    content = xlsx_file([["金额", "电话"], [100.30000000000001, 13812345678]])
    assert sheet_read(content).rows[0].cells == {"金额": "100.3", "电话": "13812345678"}


def test_row_count_bound_is_read_without_the_cells():
    rows = [["姓名", "金额"], *[["张伟", str(i)] for i in range(5)]]
    assert sheet_rows_at_most(xlsx_file(rows)) == 5
    assert sheet_rows_at_most(csv_file(rows)) == 5
    assert sheet_rows_at_most(b"PK\x03\x04broken") == 0  # the import itself reports it
