"""Reading .xlsx and CSV files into rows, and the blank template."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation

from core.spreadsheets import (
    FileRejected,
    Number,
    sheet_read,
    sheet_rows_at_most,
    template_xlsx,
)
from core.tests.files import csv_file, office_file, xlsx_file, xlsx_with_dimension

ROWS = [["姓名", "金额"], ["李明", "1,000.50"], ["王芳", "20"]]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_in_every_accepted_encoding_reads_the_same(encoding):
    sheet = sheet_read(csv_file(ROWS, encoding))
    assert sheet.headers == ["姓名", "金额"]
    assert [(r.number, r.cells) for r in sheet.rows] == [
        (2, {"姓名": "李明", "金额": "1,000.50"}),
        (3, {"姓名": "王芳", "金额": "20"}),
    ]


def test_xlsx_cells_become_text_numbers_or_dates_and_blank_rows_keep_numbering():
    content = xlsx_file(
        [
            [" 姓名 ", "金额", "日期", "时间"],
            ["李明", 100.5, dt.date(2025, 3, 1), dt.datetime(2025, 3, 1, 0, 0)],
            [None, None, None, None],
            ["王芳", 20, None, None],
        ]
    )
    sheet = sheet_read(content)
    assert sheet.headers == ["姓名", "金额", "日期", "时间"]
    assert [r.number for r in sheet.rows] == [2, 4]
    first = sheet.rows[0].cells
    assert first["金额"] == Number("100.5") and isinstance(first["金额"], Number)
    assert type(first["日期"]) is dt.date and first["日期"] == dt.date(2025, 3, 1)
    assert first["时间"] == dt.datetime(2025, 3, 1, 0, 0)  # midnight stays a time
    assert sheet.rows[1].cells == {"姓名": "王芳", "金额": "20", "日期": "", "时间": ""}
    assert not isinstance(sheet.rows[1].cells["姓名"], Number)


@pytest.mark.parametrize(
    "fmt, message",
    [
        ("xls", "这是 Excel 97–2003（.xls）文件或设有密码的工作簿，无法读取；请另存为 .xlsx"),
        ("ods", "无法读取 OpenDocument（.ods）文件，请另存为 .xlsx 或 .csv。"),
    ],
)
def test_xls_and_ods_saved_by_libreoffice_are_refused_saying_save_as_xlsx(fmt, message):
    content = office_file([["姓名", "金额"], ["李明", "1"]], fmt)
    with translation.override("zh-hans"), pytest.raises(FileRejected) as refused:
        sheet_read(content)
    assert str(refused.value).startswith(message)


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
    content = xlsx_file(
        [["金额", "电话", "身份号码"], [100.30000000000001, 13812345678, 320505199001016129]]
    )
    cells = sheet_read(content).rows[0].cells
    assert cells == {"金额": "100.3", "电话": "13812345678", "身份号码": "3.20505199001016E+17"}
    assert all(isinstance(cell, Number) for cell in cells.values())
    assert cells["金额"].value == Decimal("100.3")


def test_oracle_libreoffice_number_cells_read_as_calc_shows_them():
    """LibreOffice keeps 15 significant digits of 320505199001016129 and drops the
    zeros of 000777; the reader hands on exactly that, marked as numbers, so the
    import can refuse them (the expected texts are what Calc itself shows)."""
    rows = [
        ["公民身份号码", "结算ID", "金额", "参保日期", "结算时间"],
        ["320505199001016129", "000777", "1,000.00", "2025-03-05", "2025-03-10 00:00:00"],
    ]
    cells = sheet_read(office_file(rows)).rows[0].cells
    assert cells == {
        "公民身份号码": "3.20505199001016E+17",
        "结算ID": "777",
        "金额": "1000",
        "参保日期": dt.date(2025, 3, 5),
        "结算时间": dt.datetime(2025, 3, 10, 0, 0),
    }
    assert isinstance(cells["公民身份号码"], Number) and isinstance(cells["结算ID"], Number)
    texts = sheet_read(office_file(rows, text_columns=("公民身份号码", "结算ID"))).rows[0].cells
    assert (texts["公民身份号码"], texts["结算ID"]) == ("320505199001016129", "000777")
    assert not isinstance(texts["结算ID"], Number)


def test_row_count_bound_is_read_without_the_cells():
    rows = [["姓名", "金额"], *[["张伟", str(i)] for i in range(5)]]
    assert sheet_rows_at_most(xlsx_file(rows)) == 5
    assert sheet_rows_at_most(csv_file(rows)) == 5
    assert sheet_rows_at_most(b"PK\x03\x04broken") == 0  # the import itself reports it


def test_a_wrong_declared_dimension_drops_no_row_or_column():
    """A LibreOffice workbook of 7 data rows whose declared dimension is then edited
    (too small, one cell, too large): every row and column is read, and the
    background decision counts 7 rows."""
    rows = [["姓名", "金额", "摘要"], *[[f"张{i}", str(i + 1), f"第{i}笔"] for i in range(7)]]
    made = office_file(rows)
    for dimension in ("A1:B3", "A1:A1", "A1:C100000"):
        content = xlsx_with_dimension(made, dimension)
        sheet = sheet_read(content)
        assert sheet.headers == ["姓名", "金额", "摘要"], dimension
        assert [r.number for r in sheet.rows] == [2, 3, 4, 5, 6, 7, 8], dimension
        assert sheet.rows[-1].cells == {"姓名": "张6", "金额": "7", "摘要": "第6笔"}, dimension
        assert sheet_rows_at_most(content) == 7, dimension


def test_row_count_bound_of_a_large_workbook_whose_dimension_says_two_rows():
    """5,000 rows declared as A1:B3 would be imported in the web request if the
    dimension were trusted; counted, they go to the background."""
    rows = [["姓名", "金额"], *[["张伟", i + 1] for i in range(5000)]]
    assert sheet_rows_at_most(xlsx_with_dimension(xlsx_file(rows), "A1:B3")) == 5000


def _workbook_with_padding(megabytes: int) -> bytes:
    """A real two-row workbook with an extra member of ``megabytes`` MB of spaces:
    a few KB on disk, many MB unpacked, as a "ZIP bomb" is."""
    import zipfile

    buffer = io.BytesIO(xlsx_file([["姓名"], ["张伟"]]))
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/padding.xml", b" " * (megabytes << 20))
    return buffer.getvalue()


def test_a_workbook_unpacking_beyond_the_limit_is_refused_before_it_is_read(settings):
    settings.YIBAO_IMPORT_MAX_UNPACKED_MB = 4
    bomb = _workbook_with_padding(6)
    assert len(bomb) < 64 << 10  # 6 MB of spaces pack into a few KB
    with translation.override("zh-hans"), pytest.raises(FileRejected) as refused:
        sheet_read(bomb)
    assert str(refused.value) == (
        "该工作簿解压后为 6 MB，超过可读取的 4 MB；请拆分成较小的文件，或另存为 .csv。"
    )
    assert sheet_rows_at_most(bomb) == 0  # nothing unpacked to count rows
    settings.YIBAO_IMPORT_MAX_UNPACKED_MB = 8
    assert sheet_read(bomb).rows[0].cells == {"姓名": "张伟"}
