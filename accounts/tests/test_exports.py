"""Exports of the accounts lists: the filtered rows, masked, formulas kept as text."""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from accounts.tests.factories import make_person, make_user
from core.models import DisclosureLog


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(response):
    data = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    # Row 1 is the title row (list, period, hall); the header follows.
    return [[c.value for c in row] for row in sheet.iter_rows(min_row=2)], sheet


@pytest.fixture
def persons(clerk):
    return [
        make_person(name="苏州甲", region="320500", operator=clerk),
        make_person(name="苏州乙", region="320500", operator=clerk, phone="13812345678"),
        make_person(name="南京丙", region="320100", operator=make_user("clerk", region="320100")),
    ]


def test_export_holds_exactly_the_filtered_rows(client, auditor, persons):
    client.force_login(auditor)
    url = reverse("admin:accounts_insuredperson_export", args=["csv"])
    rows = csv_rows(client.get(url, {"region__code__exact": "320500", "q": "苏州"}))
    assert rows[0][:2] == ["姓名", "公民身份号码"]
    assert sorted(r[0] for r in rows[1:]) == ["苏州乙", "苏州甲"]
    assert all("*" in r[1] for r in rows[1:])  # masked ID numbers
    assert "138****5678" in [r[6] for r in rows[1:]]


def test_unmasked_export_needs_permission_and_is_recorded(client, auditor, supervisor, persons):
    client.force_login(auditor)
    url = reverse("admin:accounts_insuredperson_export", args=["xlsx"])
    assert client.get(url, {"unmasked": "1"}).status_code == 403
    client.force_login(supervisor)
    rows, _ = xlsx_rows(client.get(url, {"unmasked": "1"}))
    assert {r[1] for r in rows[1:]} == {p.id_number for p in persons}
    assert DisclosureLog.objects.filter(user=supervisor, action="export").count() == 1


def test_formula_looking_text_comes_back_as_text(client, supervisor, clerk):
    make_person(name="=HYPERLINK(1)", operator=clerk)
    make_person(name="@SUM(A1)", operator=clerk)
    client.force_login(supervisor)
    base = reverse("admin:accounts_insuredperson_export", args=["xlsx"])
    rows, sheet = xlsx_rows(client.get(base))
    names = {r[0] for r in rows[1:]}
    assert names == {"=HYPERLINK(1)", "@SUM(A1)"}
    assert all(sheet.cell(row=i, column=1).data_type == "s" for i in (3, 4))
    rows = csv_rows(client.get(reverse("admin:accounts_insuredperson_export", args=["csv"])))
    assert {r[0] for r in rows[1:]} == {"'=HYPERLINK(1)", "'@SUM(A1)"}


def test_ledger_export_filtered_by_kind(client, auditor, li_ming):
    client.force_login(auditor)
    url = reverse("admin:accounts_ledgerentry_export", args=["csv"])
    rows = csv_rows(client.get(url, {"kind__exact": "credit"}))
    assert len(rows) == 2 and rows[1][rows[0].index("金额")] == "500.00"
    assert csv_rows(client.get(url, {"kind__exact": "reversal"}))[1:] == []


def test_clerk_without_export_permission_is_refused(client, persons):
    from accounts.tests.factories import make_user

    client.force_login(make_user(None))
    url = reverse("admin:accounts_insuredperson_export", args=["csv"])
    assert client.get(url).status_code in (302, 403)


def test_oracle_ledger_export_of_a_sharing_payment_cell_by_cell(client, auditor, li_ming, clerk):
    """The cells a user reads, written out by hand: labels in Chinese, the local time,
    the counterpart's ID number masked (first 6, 8 stars, last 4)."""
    from accounts.tests.factories import make_agreement
    from transfers.tests.factories import receive

    son = make_person(name="李小明", operator=clerk, birth=dt.date(2010, 3, 1), scheme="390")
    make_agreement(li_ming, son)
    receive(li_ming, son, "100.00", operator=clerk)
    client.force_login(auditor)
    for fmt, read in (("csv", csv_rows), ("xlsx", lambda r: xlsx_rows(r)[0])):
        url = reverse("admin:accounts_ledgerentry_export", args=[fmt])
        header, row = read(client.get(url, {"kind__exact": "sharing_payment"}))
        cells = dict(zip(header, row, strict=True))
        when = "2025-03-10 09:30:00" if fmt == "csv" else dt.datetime(2025, 3, 10, 9, 30)
        day = "2025-03-10" if fmt == "csv" else dt.datetime(2025, 3, 10)
        assert cells["个人账户号"] == li_ming.account.number
        assert (cells["发生时间"], cells["业务日期"]) == (when, day)
        assert (cells["类型"], cells["用途"], cells["共济范围"]) == (
            "共济支付",
            "就医",
            "同一统筹区",
        )
        # A number in the workbook (openpyxl reads it as a float), the text in the CSV.
        assert Decimal(str(cells["金额"])) == Decimal("-100.00")
        assert Decimal(str(cells["变动后余额"])) == Decimal("400.00")
        assert fmt == "xlsx" or cells["金额"] == "-100.00"
        assert cells["对方身份号码"] == son.id_number[:6] + "********" + son.id_number[-4:]
        assert cells["定点机构名称"] == "苏州市立医院"


def test_ledger_export_queries_do_not_grow_with_the_rows(client, auditor, li_ming, clerk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.tests.factories import credit

    client.force_login(auditor)
    url = reverse("admin:accounts_ledgerentry_export", args=["csv"])
    client.get(url)  # the session's first request writes it (then once a minute)
    counts = []
    for more in (2, 20):
        for _ in range(more):
            credit(li_ming.account, "1.00", operator=clerk)
        with CaptureQueriesContext(connection) as queries:
            rows = csv_rows(client.get(url))
        counts.append((len(rows), len(queries)))
    assert [rows for rows, _ in counts] == [1 + 1 + 2, 1 + 1 + 22]
    assert counts[0][1] == counts[1][1]
