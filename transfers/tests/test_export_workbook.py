"""An exported list as a person opens it: a title row naming the list, the period
of its date filter and the user's hall; a frozen bold header; columns wide enough;
amounts as numbers shown 0.00, times as dates; a Chinese file name."""

import io
from decimal import Decimal
from urllib.parse import quote

import openpyxl
from django.urls import reverse

from accounts.models import PoolingRegion, ServiceHall, StaffPlacement

from .factories import local, receive


def test_oracle_the_payments_workbook_as_a_person_reads_it(
    client, auditor, clerk, li_ming, li_xiaoming, son_agreement
):
    hall = ServiceHall.objects.create(
        code="320500-01", name="姑苏区服务大厅", region=PoolingRegion.objects.get(code="320500")
    )
    StaffPlacement.objects.update_or_create(user=auditor, defaults={"hall": hall})
    receive(li_ming, li_xiaoming, "100.00", operator=clerk, sid="JS-MAR-1")
    receive(
        li_ming,
        li_xiaoming,
        "25.50",
        operator=clerk,
        sid="JS-APR-1",
        settled_at=local(2025, 4, 2, 9, 0),
    )
    client.force_login(auditor)
    response = client.get(
        reverse("admin:transfers_sharingpayment_export", args=["xlsx"]),
        {"settled_at__from": "2025-03-01", "settled_at__to": "2025-03-31"},
    )

    name = quote("共济支付-")
    assert f"filename*=utf-8''{name}" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    title = sheet["A1"].value
    assert title.startswith(
        "共济支付 · 结算时间 2025-03-01 至 2025-03-31 · 姑苏区服务大厅 · 导出于 "
    )
    assert sheet.freeze_panes == "A3" and sheet["A2"].font.b
    assert [c.value for c in sheet[2]][:2] == ["结算ID", "结算时间"]
    assert [c.value for c in sheet[3]][0] == "JS-MAR-1" and sheet.max_row == 3  # March only
    amount = sheet.cell(row=3, column=8)
    assert (amount.value, amount.number_format) == (100, "0.00")
    assert Decimal(str(amount.value)) == Decimal("100.00")
    settled = sheet.cell(row=3, column=2)
    assert settled.number_format == "yyyy-mm-dd hh:mm:ss" and settled.value.day == 10
    # 结算时间 is 4 characters wide 2 each (8), its value 19: the column fits the value.
    assert sheet.column_dimensions["B"].width == 21
    assert sheet.column_dimensions["A"].width == 10  # 结算ID: 4 + 2 = 6 < "JS-MAR-1" 8 + 2
