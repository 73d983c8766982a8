"""Statements of a history imported long after its value dates (issue 9).

李明's November credit of 200.00 is imported on 28 November 2026. On 1 December
2026 the hall imports four settlements, one of 5 March 2025 and three of
November 2026, then his credits of January 2021 to October 2026 (70 months of
100.00). Every entry belongs to the period it was booked in, in ledger order,
and shows its value date: the November payments are December's lines, not
November's. The balances below are added up by hand: 200.00 at the end of
November; 200.00 − 45.00 − 10.00 − 20.00 − 30.00 = 95.00; 95.00 + 70 × 100.00 =
7,095.00.
"""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Scheme, Use
from accounts.selectors import ledger_mismatches, ledger_statement
from accounts.tests.factories import import_credits, make_agreement, make_person
from core.tests.clock import clock_at

from .factories import local
from .sharing_year import settle

D = Decimal
HISTORY_MONTHS = [f"{year}-{month:02d}" for year in range(2021, 2027) for month in range(1, 13)][
    :70
]  # 2021-01 … 2026-10


@pytest.fixture
def history(clerk, supervisor):
    li_ming = make_person(name="李明", operator=clerk)
    son = make_person(name="李小明", scheme=Scheme.RESIDENT, birth=dt.date(2012, 3, 1))
    make_agreement(li_ming, son)
    with clock_at(local(2026, 11, 28, 10)):
        import_credits(li_ming, {"2026-11": "200.00"}, operator=supervisor)
    for amount, settled_at in (
        ("45.00", local(2025, 3, 5, 9)),
        ("10.00", local(2026, 11, 3, 9)),
        ("20.00", local(2026, 11, 10, 9)),
        ("30.00", local(2026, 11, 20, 9)),
    ):
        settle(
            li_ming,
            son,
            amount,
            settled_at,
            Use.MEDICAL,
            "suzhou_hospital",
            operator=clerk,
            received=local(2026, 12, 1, 9),
        )
    with clock_at(local(2026, 12, 1, 10)):
        import_credits(li_ming, dict.fromkeys(HISTORY_MONTHS, "100.00"), operator=supervisor)
    return li_ming


def _statement(person, start, end):
    return ledger_statement(holder=person.account, start=start, end=end)


def test_oracle_each_entry_is_in_the_period_it_was_booked_in_with_its_value_date(history):
    november = _statement(history, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    december = _statement(history, dt.date(2026, 12, 1), dt.date(2026, 12, 31))

    assert november.opening_balance == D("0.00")
    assert [(e.amount, e.value_date, e.balance_after) for e in november.entries] == [
        (D("200.00"), dt.date(2026, 11, 1), D("200.00")),
    ]
    assert november.closing_balance == december.opening_balance == D("200.00")
    payments, credits = december.entries[:4], december.entries[4:]
    assert [(e.amount, e.value_date, e.balance_after) for e in payments] == [
        (D("-45.00"), dt.date(2025, 3, 5), D("155.00")),
        (D("-10.00"), dt.date(2026, 11, 3), D("145.00")),
        (D("-20.00"), dt.date(2026, 11, 10), D("125.00")),
        (D("-30.00"), dt.date(2026, 11, 20), D("95.00")),
    ]
    assert [f"{e.value_date:%Y-%m}" for e in credits] == HISTORY_MONTHS
    assert (credits[0].balance_after, credits[-1].balance_after) == (D("195.00"), D("7095.00"))
    assert december.closing_balance == D("7095.00")
    assert [e.sequence for e in november.entries + december.entries] == list(range(1, 76))
    assert ledger_mismatches() == []


def test_oracle_a_year_is_the_sum_of_its_months_and_nothing_falls_in_the_value_year(history):
    year_2026 = _statement(history, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    year_2025 = _statement(history, dt.date(2025, 1, 1), dt.date(2025, 12, 31))

    assert (year_2026.opening_balance, len(year_2026.entries)) == (D("0.00"), 75)
    assert year_2026.closing_balance == D("7095.00")
    assert (year_2026.credits, year_2026.debits) == (D("7200.00"), D("-105.00"))
    assert (year_2025.opening_balance, year_2025.entries, year_2025.closing_balance) == (
        D("0.00"),
        [],
        D("0.00"),
    )


def _rows(page: str) -> list[list[str]]:
    """The cells' text of the statement's lines (its first table of class lines)."""
    body = page.split('class="lines"')[1].split("<tbody>")[1].split("</tbody>")[0]
    return [
        [
            re.sub(r"<[^>]+>|\s+", " ", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def test_printed_statement_shows_booking_and_value_dates_and_grouped_amounts(
    client, clerk, history
):
    client.force_login(clerk)
    url = reverse("documents:statement", args=[history.account.pk])

    page = client.get(url, {"start": "2026-12-01", "end": "2026-12-31"}).content.decode()

    rows = _rows(page)
    assert rows[0] == ["期初余额", "200.00"]
    assert rows[1][:3] == ["2", "2026-12-01", "2025-03-05"]
    assert rows[1][-2:] == ["-45.00", "155.00"]
    assert rows[5][:3] == ["6", "2026-12-01", "2021-01"]
    assert rows[5][-2:] == ["100.00", "195.00"]
    assert rows[74][:3] == ["75", "2026-12-01", "2026-10"]
    assert rows[74][-1] == "7,095.00"
    assert rows[-1] == ["期末余额", "7,095.00"]
    assert 'type="date" name="start" value="2026-12-01"' in page
    assert 'type="date" name="end" value="2026-12-31"' in page


def test_every_pdf_page_repeats_holder_and_account_number(client, clerk, history):
    client.force_login(clerk)
    url = reverse("documents:statement", args=[history.account.pk])

    response = client.get(url, {"start": "2026-01-01", "end": "2026-12-31", "format": "pdf"})

    pages = [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]
    assert len(pages) >= 2
    for text in pages:
        assert "李明" in text and history.account.number in text
    assert "7,095.00" in pages[-1]
