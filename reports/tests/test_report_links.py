"""统计 as a person uses it: period presets, 元 or 万元, each figure a link to the
records it counts, and a chart drawn on the server. Figures of the sharing year
(transfers/tests/sharing_year.py), added up by hand in test_statistics.py."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from accounts.tests.factories import make_user
from core.forms import period_presets
from transfers.tests.sharing_year import sharing_year_build

YEAR_2025 = {"start": "2025-01-01", "end": "2025-12-31"}


@pytest.fixture
def year(clerk, reviewer):
    return sharing_year_build(clerk=clerk, reviewer=reviewer)


def test_oracle_period_presets_of_a_day_in_january():
    presets = period_presets(dt.date(2026, 1, 15))
    assert [(str(label), a.isoformat(), b.isoformat()) for label, a, b in presets] == [
        ("本月", "2026-01-01", "2026-01-31"),
        ("上月", "2025-12-01", "2025-12-31"),
        ("本年", "2026-01-01", "2026-12-31"),
        ("上年", "2025-01-01", "2025-12-31"),
    ]


def _links(page: str, dimension: str) -> list[str]:
    table = page.split(f'id="report-{dimension}"')[1].split("</table>")[0]
    return [link.replace("&amp;", "&") for link in re.findall(r'<a href="([^"]+)"', table)]


def test_oracle_each_figure_opens_the_records_it_counts(client, year):
    client.force_login(make_user("national"))  # every province's figures and records
    page = client.get(reverse("reports:sharing_report"), YEAR_2025).content.decode()

    def listed(url):
        return client.get(url).context["cl"].result_count

    # By scope (hand-added): 同一统筹区 4 payments, 省内跨统筹区 1, 跨省 1 transfer.
    scope = _links(page, "scope")
    payments = [u for u in scope if "sharingpayment" in u][::2]  # count and amount: one link
    transfers = [u for u in scope if "wallettransfer" in u][::2]
    assert [listed(u) for u in payments] == [4, 1, 0]
    assert [listed(u) for u in transfers] == [0, 0, 1]
    # By month: March 2 payments (100 + 35.50, one reversed and not counted), April 2.
    months = [u for u in _links(page, "month") if "sharingpayment" in u][::2]
    assert [listed(u) for u in months] == [2, 2, 1]
    assert "ledger_entry__value_date__gte=2025-03-01" in months[0]
    assert "ledger_entry__value_date__lte=2025-03-31" in months[0]


def test_oracle_amounts_in_ten_thousand_yuan_and_the_chart(client, year):
    client.force_login(make_user("national"))  # every province's figures
    page = client.get(reverse("reports:sharing_report"), {**YEAR_2025, "unit": "wan"})
    html = page.content.decode()

    total = html.split('id="report-total"')[1].split("</table>")[0]
    # 775.50 yuan = 0.07755 万元, shown 0.08; 475.50 → 0.04755 → 0.05; 300.00 → 0.03.
    assert ">0.08<" in total and ">0.05<" in total and ">0.03<" in total
    assert 'class="selected">万元<' in html
    chart = html[html.index('<svg class="report-chart"') :]
    chart = chart[: chart.index("</svg>")]
    # One bar per month: 2025-03, 2025-04, 2025-05; April's total 280 + 300 = 580 yuan.
    assert chart.count("<g>") == 3 and "2025-04: 0.06" in chart
    presets = html[html.index('class="report-presets"') :].split("</p>")[0]
    assert [t for t in re.findall(r">([^<]+)</a>", presets)] == ["本月", "上月", "本年", "上年"]
    assert "unit=wan" in presets
