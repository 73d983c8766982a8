"""The auditor's screen and the record history pages: search, masking, disclosure.

What an auditor (and a supervisor) reads over HTTP; a clerk is turned away. The
full phone is shown only on asking, to those allowed, and each such showing is
written to the disclosure log, which is searchable on the same screen.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.services.people import person_update
from accounts.tests.factories import make_person
from core.models import DisclosureLog

from .conftest import ID_NUMBER, database_minute

TRAIL = reverse("audit:trail")
PHONE_CHANGE = (
    "窗口经办 张三（苏州市姑苏区服务大厅）将 参保人 李明（110105********002X） 的 "
    "联系电话 由 138****1234 改为 139****5678"
)


@pytest.fixture
def phone_changed(zhang_san, li_ming_registered):
    person_update(person=li_ming_registered, operator=zhang_san, phone="13956785678")
    return li_ming_registered


def page(client, viewer, url, **query):
    client.force_login(viewer)
    response = client.get(url, query)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_a_clerk_may_not_open_the_screen(client, clerk):
    client.force_login(clerk)
    assert client.get(TRAIL).status_code == 403
    assert client.get(reverse("audit:disclosures")).status_code == 403


@pytest.mark.parametrize("role", ["auditor", "supervisor"])
def test_oracle_search_by_person_finds_the_change_as_a_sentence(
    role, request, client, phone_changed
):
    make_person(name="王芳")  # another person's record is not found

    found = page(client, request.getfixturevalue(role), TRAIL, person=ID_NUMBER)

    assert f"{database_minute()} {PHONE_CHANGE}" in found
    assert "王芳" not in found
    assert "13956785678" not in found  # masked unless asked for


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"person": "李明"}, True),
        ({"person": "王小二"}, False),
        ({"user": "zhangsan"}, True),
        ({"user": "nobody"}, False),
        ({"kind": "accounts.InsuredPersonEvent"}, True),
        ({"kind": "transfers.HoldRulesEvent"}, False),
        ({"change": "update"}, True),
        ({"change": "delete"}, False),
    ],
)
def test_each_filter_keeps_or_drops_the_change(query, found, client, auditor, phone_changed):
    assert (PHONE_CHANGE in page(client, auditor, TRAIL, **query)) is found


def test_search_by_hall_and_by_local_days(client, auditor, phone_changed, zhang_san):
    today = timezone.localdate()
    hall = zhang_san.placement.hall

    assert PHONE_CHANGE in page(client, auditor, TRAIL, hall=hall.pk, start=today, end=today)
    yesterday = today - dt.timedelta(days=1)
    assert PHONE_CHANGE not in page(client, auditor, TRAIL, end=yesterday)
    assert PHONE_CHANGE not in page(client, auditor, TRAIL, start=today + dt.timedelta(days=1))


def test_the_unmasked_trail_is_shown_on_asking_and_recorded(client, auditor, phone_changed):
    shown = page(client, auditor, TRAIL, person="李明", unmasked="1")

    assert "联系电话 由 13812341234 改为 13956785678" in shown
    record = DisclosureLog.objects.get(user=auditor)
    assert record.action == DisclosureLog.Action.VIEW
    assert record.subject == "审计轨迹：李明（110105********002X）"

    disclosures = page(client, auditor, reverse("audit:disclosures"), user="auditor1")
    assert "审计轨迹：李明（110105********002X）" in disclosures
    others = page(client, auditor, reverse("audit:disclosures"), user="clerk1")
    assert "审计轨迹：李明" not in others


def test_a_person_history_page_shows_the_sentences_masked_for_a_clerk(client, clerk, phone_changed):
    url = reverse("admin:accounts_insuredperson_history", args=[phone_changed.pk])

    shown = page(client, clerk, url, unmasked="1")  # asking is not enough

    assert f"{database_minute()} {PHONE_CHANGE}" in shown
    assert "13956785678" not in shown and "13812341234" not in shown
    assert not DisclosureLog.objects.exists()


def test_the_trail_exports_as_csv(client, auditor, phone_changed):
    client.force_login(auditor)

    response = client.get(TRAIL, {"person": ID_NUMBER, "format": "csv"})

    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert text.splitlines()[0] == "时间,用户,记录类型,记录,变更"
    assert PHONE_CHANGE in text
    assert "13956785678" not in text


def test_person_page_masks_the_phone_for_those_without_the_permission(
    client, clerk, reviewer, phone_changed
):
    url = reverse("admin:accounts_insuredperson_change", args=[phone_changed.pk])

    for user in (clerk, reviewer):
        shown = page(client, user, url)
        assert "13956785678" not in shown, user
        assert "139****5678" in shown, user
        assert ID_NUMBER not in shown, user


def test_a_clerk_replaces_a_masked_phone_or_keeps_it_with_an_empty_box(
    client, clerk, phone_changed
):
    url = reverse("admin:accounts_insuredperson_change", args=[phone_changed.pk])
    client.force_login(clerk)
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}

    assert client.post(url, {**data, "phone": ""}).status_code == 302
    phone_changed.refresh_from_db()
    assert phone_changed.phone == "13956785678"

    assert client.post(url, {**data, "phone": "13511112222"}).status_code == 302
    phone_changed.refresh_from_db()
    assert phone_changed.phone == "13511112222"
