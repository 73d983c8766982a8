"""The period of the statements and the report, as typed into the query string."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import make_person
from core.forms import PeriodForm


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [("0001-01-01", "2025-12-31", "start"), ("2025-01-01", "9999-12-31", "end")],
)
def test_a_date_no_account_can_have_is_refused_in_chinese(start, end, field):
    with translation.override("zh-hans"):
        form = PeriodForm.from_query({"start": start, "end": end})
        assert not form.is_valid()
        written = start if field == "start" else end
        assert form.errors[field] == [
            f"{written} 不在可选的日期范围内（1900-01-01 至 2099-12-31）。"
        ]


def test_the_first_and_last_dates_that_can_be_chosen():
    form = PeriodForm.from_query({"start": "1900-01-01", "end": "2099-12-31"})
    assert form.period == (dt.date(1900, 1, 1), dt.date(2099, 12, 31))


@pytest.mark.parametrize("page", ["statement", "sharing_report"])
def test_pages_refuse_the_period_instead_of_failing(client, supervisor, page):
    account = make_person(name="李明").account
    url = (
        reverse("documents:statement", args=[account.pk])
        if page == "statement"
        else reverse("reports:sharing_report")
    )
    client.force_login(supervisor)
    response = client.get(url, {"start": "0001-01-01", "end": "9999-12-31"})
    assert response.status_code == 200
    form = response.context["period_form" if page == "statement" else "form"]
    assert set(form.errors) == {"start", "end"}
    page_text = response.content.decode()
    assert "0001-01-01 不在可选的日期范围内" in page_text
    assert "9999-12-31 不在可选的日期范围内" in page_text
