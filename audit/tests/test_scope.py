"""The auditor's screen finds only the viewer's regional scope: an auditor of 江苏
finds the events of 苏州 persons and not those of 南阳 (河南), and the other way
round, by every search, on the page and in the CSV; the national office finds both.

The counts are made by hand: a clerk registers a person (the person and their
account are added: two events) and changes the phone (one event), three events in
all made by the clerk at their hall, about the person (the account is named
by its number, the person by name).
"""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.services.people import person_update
from accounts.tests.factories import make_person, make_user
from core.audit import disclosure_record
from core.models import DisclosureLog
from transfers.services.holds import hold_rules_update

TRAIL = reverse("audit:trail")
DISCLOSURES = reverse("audit:disclosures")
JIANGSU, HENAN = "320500", "411300"  # 苏州市, 南阳市


def _registered(region: str, tag: str):
    clerk = make_user("clerk", username=f"clerk{tag}", region=region)
    person = make_person(name=f"{tag}人", region=region, operator=clerk)
    person_update(person=person, operator=clerk, phone="13956785678")
    disclosure_record(user=clerk, action=DisclosureLog.Action.VIEW, subject=f"{tag}人的号码")
    return clerk


@pytest.fixture
def provinces(db):
    return {"苏州": _registered(JIANGSU, "苏州"), "南阳": _registered(HENAN, "南阳")}


def csv_rows(client, viewer, url, **query) -> list[list[str]]:
    client.force_login(viewer)
    response = client.get(url, {**query, "format": "csv"})
    assert response.status_code == 200, response.status_code
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]


def about(rows, tag: str) -> int:
    """The rows of the changes made by the province's clerk (the 用户 column)."""
    return sum(f"clerk{tag}" in row[1] for row in rows)


def _searches(provinces, tag: str) -> dict[str, dict]:
    today = timezone.localdate()
    return {
        "person": {"person": f"{tag}人"},
        "user": {"user": f"clerk{tag}"},
        "hall": {"hall": provinces[tag].placement.hall.pk},
        "dates": {"start": today, "end": today},
        "kind": {"kind": "accounts.InsuredPersonEvent"},
    }


# What each search finds of a province's person: the three events, or the two of the
# person's own record when searching that kind.
FOUND = {"person": 3, "user": 3, "hall": 3, "dates": 3, "kind": 2}


@pytest.mark.parametrize("search", FOUND)
@pytest.mark.parametrize(
    ("region", "own", "other"), [(JIANGSU, "苏州", "南阳"), (HENAN, "南阳", "苏州")]
)
def test_oracle_an_auditor_finds_only_their_province_by_each_search(
    client, provinces, search, region, own, other
):
    auditor = make_user("auditor", region=region)

    own_rows = csv_rows(client, auditor, TRAIL, **_searches(provinces, own)[search])
    other_rows = csv_rows(client, auditor, TRAIL, **_searches(provinces, other)[search])

    assert about(own_rows, own) == FOUND[search]
    assert about(own_rows, other) == 0
    assert about(other_rows, other) == 0
    if search in ("person", "user", "hall"):  # the other province's person, clerk, hall
        assert other_rows == []


def test_oracle_the_page_shows_what_the_csv_has(client, provinces):
    client.force_login(make_user("auditor", region=JIANGSU))

    shown = client.get(TRAIL, {"kind": "accounts.InsuredPersonEvent"}).content.decode()

    assert shown.count("参保人 苏州人（") == 2
    assert "南阳人" not in shown


def test_oracle_the_national_office_finds_both_provinces(client, provinces):
    national = make_user("national", region=JIANGSU)

    rows = csv_rows(client, national, TRAIL, kind="accounts.InsuredPersonEvent")

    assert (about(rows, "苏州"), about(rows, "南阳")) == (2, 2)


def test_an_auditor_placed_at_no_hall_finds_nothing(client, provinces):
    auditor = make_user("auditor", hall=False)

    assert csv_rows(client, auditor, TRAIL) == []
    assert csv_rows(client, auditor, DISCLOSURES) == []


def test_rows_without_a_region_only_for_the_national_office(client, provinces):
    national = make_user("national", region=JIANGSU)
    hold_rules_update(operator=national, amount_threshold=Decimal("2000.00"))
    kind = {"kind": "transfers.HoldRulesEvent", "user": national.username}

    assert csv_rows(client, make_user("auditor", region=JIANGSU), TRAIL, **kind) == []
    assert len(csv_rows(client, national, TRAIL, **kind)) == 1


def test_the_halls_to_choose_from_are_those_of_the_scope(client, provinces):
    client.force_login(make_user("auditor", region=JIANGSU))

    form = client.get(TRAIL).context["form"]

    assert [h.region_id for h in form.fields["hall"].queryset] == [JIANGSU]
    refused = client.get(TRAIL, {"hall": provinces["南阳"].placement.hall.pk})
    assert refused.context["form"].errors["hall"]


@pytest.mark.parametrize(
    ("region", "own", "other"), [(JIANGSU, "苏州", "南阳"), (HENAN, "南阳", "苏州")]
)
def test_oracle_the_disclosure_log_of_the_province_only(client, provinces, region, own, other):
    auditor = make_user("auditor", region=region)
    today = timezone.localdate()

    for query in ({}, {"user": f"clerk{own}"}, {"start": today, "end": today}):
        rows = csv_rows(client, auditor, DISCLOSURES, **query)
        assert [row[3] for row in rows] == [f"{own}人的号码"], query
    assert csv_rows(client, auditor, DISCLOSURES, user=f"clerk{other}") == []
    shown = client.get(DISCLOSURES).content.decode()
    assert f"{own}人的号码" in shown and f"{other}人的号码" not in shown
