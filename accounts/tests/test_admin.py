"""The clerk's screens for persons, accounts and the ledger, through Django's test client."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountStatus, EntryKind, InsuredPerson, LedgerEntry
from accounts.services.ledger import ledger_post
from accounts.tests.factories import make_agreement, make_user
from accounts.tests.postings import at, post_credit
from core.idnumbers import compose_id_number
from core.models import DisclosureLog
from transfers.tests.factories import accept, receive, spend, transfer


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


def test_clerk_registers_employee_who_gets_an_account(clerk_client):
    number = compose_id_number("320500", dt.date(1990, 2, 3), 11).lower()
    response = clerk_client.post(
        reverse("admin:accounts_insuredperson_add"),
        {
            "name": "周杰",
            "id_number": number,
            "scheme": "310",
            "category": "1101",
            "status": "active",
            "region": "320500",
            "phone": "13812345678",
            "enrolled_on": "2020-01-01",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    person = InsuredPerson.objects.get(name="周杰")
    assert person.id_number == number.upper()
    assert person.birth_date == dt.date(1990, 2, 3)
    assert person.gender == "M"
    assert person.account.balance == Decimal("0.00")


def test_bad_id_number_is_named_next_to_the_field(clerk_client):
    number = compose_id_number("320500", dt.date(1990, 2, 3), 11)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    response = clerk_client.post(
        reverse("admin:accounts_insuredperson_add"),
        {
            "name": "周杰",
            "id_number": wrong,
            "scheme": "310",
            "status": "active",
            "region": "320500",
        },
    )
    assert response.status_code == 200
    assert "校验码" in str(response.context["adminform"].form.errors["id_number"])
    assert not InsuredPerson.objects.filter(name="周杰").exists()


def test_person_list_masks_id_and_phone_and_finds_by_exact_id(clerk_client, li_ming):
    url = reverse("admin:accounts_insuredperson_changelist")
    page = clerk_client.get(url, {"q": li_ming.id_number.lower()}).content.decode()
    # The typed number comes back in the search box and in the links that keep
    # the search (sorting, export, rows); what the page shows has it masked.
    shown = re.sub(r'(href|value)="[^"]*"', "", page)
    assert li_ming.masked_id_number in shown
    assert li_ming.id_number not in shown
    assert "李明" in page
    by_account = clerk_client.get(url, {"q": li_ming.account.number}).content.decode()
    assert li_ming.masked_id_number in by_account


def test_person_page_shows_account_and_latest_entries(clerk_client, li_ming):
    page = clerk_client.get(
        reverse("admin:accounts_insuredperson_change", args=[li_ming.pk])
    ).content.decode()
    assert li_ming.account.number in page
    assert "500.00" in page
    assert li_ming.id_number not in page


def test_unmasked_id_only_with_permission_and_recorded(client, supervisor, li_ming):
    client.force_login(supervisor)
    page = client.get(reverse("admin:accounts_insuredperson_change", args=[li_ming.pk]))
    assert li_ming.id_number in page.content.decode()
    assert DisclosureLog.objects.filter(user=supervisor, action="view").count() == 1


def test_freezing_needs_a_reason(clerk_client, li_ming):
    url = reverse("admin:accounts_personalaccount_status", args=[li_ming.account.pk, "freeze"])
    response = clerk_client.post(url, {"reason": ""})
    assert response.status_code == 200
    li_ming.account.refresh_from_db()
    assert li_ming.account.status == AccountStatus.OPEN
    clerk_client.post(url, {"reason": "法院冻结通知"})
    li_ming.account.refresh_from_db()
    assert li_ming.account.status == AccountStatus.FROZEN
    assert li_ming.account.status_reason == "法院冻结通知"


def test_ledger_is_read_only_and_filters_by_date_range(clerk_client, li_ming):
    entry = LedgerEntry.objects.get(account=li_ming.account)
    url = reverse("admin:accounts_ledgerentry_changelist")
    today = timezone.localdate(entry.occurred_at).isoformat()
    shown = clerk_client.get(url, {"occurred_at__from": today, "occurred_at__to": today})
    assert shown.context["cl"].result_count == 1
    hidden = clerk_client.get(
        url, {"occurred_at__from": "2000-01-01", "occurred_at__to": "2000-12-31"}
    )
    assert hidden.context["cl"].result_count == 0
    assert (
        clerk_client.post(
            reverse("admin:accounts_ledgerentry_change", args=[entry.pk]), {}
        ).status_code
        == 403
    )


def test_oracle_ledger_date_range_is_the_local_day(clerk_client, li_ming):
    """00:30 on 1 April in Beijing is 16:30 on 31 March in UTC: it is 1 April's entry."""
    entry = ledger_post(
        holder=li_ming.account,
        kind=EntryKind.CREDIT,
        amount=Decimal("10.00"),
        idempotency_key="early-april",
        operator=None,
        occurred_at=at(dt.date(2025, 4, 1), 0) + dt.timedelta(minutes=30),
    )
    url = reverse("admin:accounts_ledgerentry_changelist")
    april = {"occurred_at__from": "2025-04-01", "occurred_at__to": "2025-04-01"}
    march = {"occurred_at__from": "2025-03-31", "occurred_at__to": "2025-03-31"}
    assert list(clerk_client.get(url, april).context["cl"].result_list) == [entry]
    assert list(clerk_client.get(url, march).context["cl"].result_list) == []


def test_ledger_search_finds_exact_account_id_number_and_reference(clerk_client, li_ming):
    entry = post_credit(li_ming.account, Decimal("10.00"), dt.date(2025, 4, 1))
    url = reverse("admin:accounts_ledgerentry_changelist")

    def found(term):
        return set(clerk_client.get(url, {"q": term}).context["cl"].result_list)

    assert entry in found(li_ming.account.number)
    assert entry in found(li_ming.id_number)
    assert found(entry.reference) == {entry}
    assert found(entry.reference[:-1]) == set()  # exact, not a part


def test_persons_list_offers_regions_once_a_province_is_chosen(clerk_client, li_ming):
    url = reverse("admin:accounts_insuredperson_changelist")

    def regions(query):
        changelist = clerk_client.get(url, query).context["cl"]
        (spec,) = [s for s in changelist.filter_specs if s.field_path == "region"] or [None]
        return [code for code, _name in spec.lookup_choices] if spec else []

    assert regions({}) == []  # not 357 regions on every page
    assert "320500" in regions({"region__province__code__exact": "32"})
    assert "110000" not in regions({"region__province__code__exact": "32"})
    chosen = clerk_client.get(url, {"region__code__exact": "110000"}).context["cl"]
    assert list(chosen.result_list) == []  # the region chosen still filters (李明 is in 320500)


def test_oracle_ledger_rows_name_holders_other_parties_and_operators(client, li_ming, li_xiaoming):
    """李明's credit, his payment for 李小明 and his transfer into 李小明's wallet, and
    李小明's spending from it: each row names its account or wallet (the wallet by
    its holder's name and masked ID number), the other party and who recorded it,
    by name; a page of them asks the database no more than a page of one (each row's
    records read with the list, with the fields its cells show)."""
    zhang = make_user("clerk", username="zhang", last_name="张", first_name="伟")
    make_agreement(li_ming, li_xiaoming)
    receive(li_ming, li_xiaoming, "20.00", operator=zhang, sid="JS-LEDGER-1")
    accept(transfer(li_ming, li_xiaoming, "50.00", operator=zhang))
    spend(li_xiaoming, "10.00", "JS-LEDGER-2", operator=zhang)
    client.force_login(zhang)
    url = reverse("admin:accounts_ledgerentry_changelist")
    client.get(url)  # the session's first request writes it

    def page(query):
        with CaptureQueriesContext(connection) as captured:
            html = client.get(url, query).content.decode()
        cells = re.findall(
            r'field-holder_display">([^<]*)<.*?field-counterpart_display">([^<]*)<'
            r'.*?field-created_by nowrap">([^<]*)<',
            html,
        )
        return cells, len(captured)

    def masked(person):
        return f"{person.id_number[:6]}********{person.id_number[-4:]}"

    li, xiao = f"李明（{masked(li_ming)}）", f"李小明（{masked(li_xiaoming)}）"
    wallet = f"医保钱包 {xiao}"
    rows, queries = page({})
    assert sorted(rows) == sorted(
        [
            (li_ming.account.number, "-", "clerk1"),  # the credit, by the fixture's clerk
            (li_ming.account.number, xiao, "张伟"),  # the payment
            (li_ming.account.number, xiao, "张伟"),  # the transfer out
            (wallet, li, "张伟"),  # into the wallet
            (wallet, "-", "张伟"),  # spent from it
        ]
    )
    credits, one_row_queries = page({"kind": "credit"})
    assert credits == [(li_ming.account.number, "-", "clerk1")]
    assert queries == one_row_queries
