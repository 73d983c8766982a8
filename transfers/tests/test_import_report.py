"""What a supervisor sees of a rejected settlement file: each column's allowed values
before uploading, the errors grouped by reason with counts and the bad values, and
the same as an .xlsx."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tests.factories import make_agreement, make_user
from core.tests.files import xlsx_file
from transfers.models import SharingPayment

from .factories import SETTLEMENT_HEADER, settlement_row


@pytest.fixture
def uploads(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _upload(client, rows):
    content = xlsx_file([SETTLEMENT_HEADER, *rows])
    file = SimpleUploadedFile("三月结算.xlsx", content)
    return client.post(reverse("admin:transfers_sharingpayment_import"), {"file": file})


def test_the_upload_page_lists_each_columns_allowed_values(client, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("admin:transfers_sharingpayment_import")).content.decode()

    table = page[page.index('class="import-columns"') :]
    assert "<th>允许的取值</th>" in table
    assert "就医 / 购药" in table  # the 用途 words of SPREADSHEETS.md §4
    assert "日期时间：YYYY-MM-DD HH:MM:SS" in table  # 结算时间
    assert "18 位公民身份号码，文本格式" in table
    assert "文本，至多 30 个字符" in table  # 结算ID


def test_oracle_errors_are_grouped_by_reason_with_counts_and_the_bad_values(
    client, supervisor, uploads, li_ming, li_xiaoming
):
    make_agreement(li_ming, li_xiaoming)
    rows = [
        settlement_row(li_ming, li_xiaoming, "JS-1", "100.00", use="现金"),  # row 2
        settlement_row(li_ming, li_xiaoming, "JS-2", "100.00"),  # row 3: good
        settlement_row(li_ming, li_xiaoming, "JS-3", "100.00", use="礼品"),  # row 4
        settlement_row(li_ming, li_xiaoming, "JS-4", ""),  # row 5
        settlement_row(li_ming, li_xiaoming, "JS-5", "100.00", use="现金"),  # row 6
    ]
    client.force_login(supervisor)
    page = _upload(client, rows).content.decode()

    # Counted by hand: three rows with a 用途 that is no word of the format, one
    # row without an amount.
    groups = page[page.index('class="import-error-groups"') :]
    groups = groups[: groups.index("</table>")]
    assert groups.count("<tr><td>") == 2
    first, second = groups.split("<tr><td>")[1:]
    assert "不是以下值之一" in first and "…" in first and "用途" in first and ">3<" in first
    assert "现金" not in first  # the reason, without any row's value
    assert "此项必填。" in second
    assert ">1<" in second and "共济支付金额" in second
    assert '<td class="bad-value">礼品</td>' in page and page.count('class="bad-value">现金<') == 2
    assert not SharingPayment.objects.exists()

    link = page[page.index('class="button errors-download"') - 200 :]
    url = link[link.index('href="') + 6 :].split('"')[0]
    download = client.get(url)
    assert "filename*=utf-8''" in download["Content-Disposition"]
    assert "%E9%94%99%E8%AF%AF%E6%98%8E%E7%BB%86" in download["Content-Disposition"]  # 错误明细
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    lines = [list(r) for r in sheet.iter_rows(values_only=True)]
    data = [line for line in lines if line and isinstance(line[2], int)]
    assert [(line[1], line[2], line[3], line[4]) for line in data] == [
        (3, 2, "用途", "现金"),
        (3, 4, "用途", "礼品"),
        (3, 6, "用途", "现金"),
        (1, 5, "共济支付金额", None),
    ]
    client.force_login(make_user("supervisor"))
    assert client.get(url).status_code == 404  # only who was shown the report
