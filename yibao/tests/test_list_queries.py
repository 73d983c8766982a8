"""The admin lists at a bounded number of queries, the same for 20 or 100 rows a
page, for the superuser and for placed staff (their regional scope); and the
searches and scope reworked for the 1M size (docs/BENCHMARKS.md) still finding
the rows counted here by hand."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

from accounts.models import Scheme
from accounts.tests.factories import credit, make_agreement, make_person, make_user
from transfers.services.reversals import reversal_request
from transfers.tests.factories import receive

A, T = "/admin/accounts/", "/admin/transfers/"

# Every request: the session, the user (with sign-in state and hall placement) and
# the second factor's device (a supervisor's or superuser's, by the session; a
# clerk's: has one? and must have one?). A placed user: their permissions (the
# user's, their groups') and a supervisor the province's regions. Each list: the
# provinces of its filter, the count's EXPLAIN, the capped count (a few rows
# expected), the rows; the agreements instead their counts per scope (the count is
# their sum), and searched by name the persons' ids first.
PLACED = 3  # queries a placed clerk or supervisor adds to the superuser's
QUERIES = {
    "persons": (f"{A}insuredperson/", 7),
    "persons by name": (f"{A}insuredperson/?q=李", 7),
    "ledger": (f"{A}ledgerentry/", 6),
    "payments": (f"{T}sharingpayment/", 7),
    "agreements by name": (f"{A}sharingagreement/?q=小", 7),
    "review queue: agreements": (f"{A}pendingsharingagreement/", 6),
    "review queue: held payments": (f"{T}heldpayment/", 7),
    "review queue: reversals": (f"{T}requestedreversal/", 7),
    # The exact searches: the ledger's by account number also the account first.
    "persons by exact ID": (f"{A}insuredperson/?q={{li_id}}", 7),
    "ledger by account number": (f"{A}ledgerentry/?q={{li_account}}", 7),
    "payments by 结算ID": (f"{T}sharingpayment/?q=JS-7", 7),
}


@pytest.fixture
def families(db):
    """李明 → 李小明 (苏州, 25 payments, one reversal requested); 王芳 (南京) → 王小芳
    (苏州, pending); 赵强 (南京) with no one in 苏州."""
    li = make_person(name="李明", region="320500")
    son = make_person(
        name="李小明", region="320500", scheme=Scheme.RESIDENT, birth=dt.date(2010, 3, 1)
    )
    credit(li.account, "9000.00")
    make_agreement(li, son)
    payments = [receive(li, son, "10.00", operator=None, sid=f"JS-{n}") for n in range(25)]
    reversal_request(payment=payments[0], reason="错误", operator=make_user("clerk"))
    wang = make_person(name="王芳", region="320100")
    niece = make_person(
        name="王小芳", region="320500", scheme=Scheme.RESIDENT, birth=dt.date(2012, 3, 1)
    )
    make_agreement(wang, niece, operator=make_user("clerk", region="320100"))
    make_person(name="赵强", region="320100")
    return {"li": li, "wang": wang}


def _queries(client, url, rows):
    model_admin = resolve(url.split("?")[0]).func.model_admin
    previous, model_admin.list_per_page = model_admin.list_per_page, rows
    try:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
    finally:
        model_admin.list_per_page = previous
    return len(captured)


@pytest.mark.parametrize("user", ["superuser", "clerk", "supervisor"])
def test_oracle_list_queries_counted_and_not_growing_with_the_rows(client, families, user):
    staff = make_user(None, is_superuser=True) if user == "superuser" else make_user(user)
    client.force_login(staff)
    client.get(f"{A}insuredperson/")  # the session's first request writes it
    li = families["li"]
    for what, (url, superuser) in QUERIES.items():
        url = url.format(li_id=li.id_number, li_account=li.account.number)
        expected = superuser if user == "superuser" else superuser + PLACED
        assert [_queries(client, url, 20), _queries(client, url, 100)] == [expected] * 2, what


def _names(response, column):
    return sorted(getattr(row, column).name for row in response.context["cl"].result_list)


def test_oracle_agreements_by_name_find_either_party(client, families):
    client.force_login(make_user(None, is_superuser=True))
    by_name = client.get(f"{A}sharingagreement/?q=小")  # 李小明 and 王小芳, beneficiaries
    assert _names(by_name, "beneficiary") == ["李小明", "王小芳"]
    by_grantor = client.get(f"{A}sharingagreement/?q=王芳")
    assert _names(by_grantor, "grantor") == ["王芳"]
    by_id = client.get(f"{A}sharingagreement/?q={families['li'].id_number}")
    assert _names(by_id, "beneficiary") == ["李小明"]


def test_oracle_clerk_sees_the_other_side_of_an_agreement_only(client, families):
    """苏州's clerk: 李明, 李小明, 王小芳, and 王芳 of 南京 (grantor to 王小芳); not 赵强."""
    client.force_login(make_user("clerk"))
    persons = client.get(f"{A}insuredperson/")
    names = sorted(person.name for person in persons.context["cl"].result_list)
    assert names == ["李小明", "李明", "王小芳", "王芳"]


def test_oracle_staff_without_a_hall_see_an_empty_list(client, families):
    """No hall, no scope: the list shows no one (and its count is 0, not an error)."""
    client.force_login(make_user("clerk", hall=False))
    persons = client.get(f"{A}insuredperson/")
    assert persons.status_code == 200
    assert persons.context["cl"].result_count == 0


def test_oracle_a_searched_ledger_page_is_the_newest_entries_in_scope(client, families):
    """李明's account: his credit and the 5 payments the daily count lets through (the
    other 20 are held): 6 entries; 4 a page, the newest first by time and key (the
    keys' query sorts them, Python's sort checks); a 南京 clerk finds none of them,
    nor in the list without its search (the scope of a list's other querysets, as
    a filter's facets use)."""
    li = families["li"]
    url = f"{A}ledgerentry/?q={li.account.number}"
    model_admin = resolve(f"{A}ledgerentry/").func.model_admin
    previous, model_admin.list_per_page = model_admin.list_per_page, 4
    try:
        client.force_login(make_user("clerk"))
        first = client.get(url).context["cl"]
        second = client.get(f"{url}&p=2").context["cl"]
        client.force_login(make_user("clerk", region="320100"))
        response = client.get(url)
        nanjing = response.context["cl"]
    finally:
        model_admin.list_per_page = previous
    assert first.result_count == 6
    shown = [*first.result_list, *second.result_list]
    newest = sorted(li.account.entries.all(), key=lambda e: (e.occurred_at, e.pk), reverse=True)
    assert [entry.pk for entry in shown] == [entry.pk for entry in newest]
    assert [len(first.result_list), len(second.result_list)] == [4, 2]
    assert nanjing.result_count == 0 and list(nanjing.result_list) == []
    others = nanjing.get_queryset(response.wsgi_request, exclude_parameters=["q"])
    assert not others.filter(account=li.account).exists()
