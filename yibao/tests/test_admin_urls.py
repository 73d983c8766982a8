"""Every URL of the back office that takes a value in its path survives a wrong one.

The patterns are read from the URL configuration itself, so a URL added later is
walked too. A mistyped id must never be a server error: a 404 or a page that says
the record does not exist.
"""

import pytest
from django.contrib.auth import get_user_model

from accounts.tests.factories import make_agreement
from yibao.tests.routes import PARAMETER, url_routes

ROUTES = sorted(
    route for route, _view in url_routes() if PARAMETER.search(route) and "^" not in route
)


def test_the_walk_finds_the_custom_admin_urls():
    """A check of the walk itself: the URLs this project adds are among the routes."""
    for route in (
        "admin/transfers/reversal/<int:object_id>/receipt/",
        "admin/transfers/sharingpayment/<int:object_id>/reverse/",
        "admin/accounts/personalaccount/<int:object_id>/status/<str:action>/",
        "admin/accounts/sharingagreement/<int:pk>/end/",
        "admin/documents/accounts/<int:pk>/statement/",
        "admin/jobs/job/<int:pk>/download/",
    ):
        assert route in ROUTES
    assert len(ROUTES) > 60


@pytest.fixture
def superuser_client(client, db):
    user = get_user_model().objects.create_superuser("root", password="pw-test-123")
    client.force_login(user)
    client.raise_request_exception = False  # a 500 is a status to assert, not a crash
    return client


@pytest.mark.parametrize("route", ROUTES)
def test_no_server_error_for_a_wrong_id(superuser_client, route):
    """Not a number, and a number beyond any key (and beyond PostgreSQL's bigint)."""
    for value in ("abc", "99999999999999999999"):
        url = "/" + PARAMETER.sub(value, route)
        for method in (superuser_client.get, superuser_client.post):
            response = method(url, follow=True)
            assert response.status_code in (200, 403, 404, 405), (url, response.status_code)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/transfers/reversal/abc/receipt/",
        "/admin/accounts/personalaccount/abc/status/freeze/",
        "/admin/transfers/sharingpayment/abc/reverse/",
    ],
)
def test_a_mistyped_id_is_answered_in_chinese(superuser_client, url):
    response = superuser_client.get(url, follow=True)
    assert response.status_code == 200
    assert "不存在" in response.content.decode()  # “…abc…”的…不存在。可能已经被删除了？


def test_a_number_without_a_record_is_not_found(superuser_client):
    response = superuser_client.get("/admin/transfers/reversal/12345/receipt/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_the_review_queue_shows_an_agreements_history(
    superuser_client, li_ming, li_xiaoming, clerk
):
    agreement = make_agreement(li_ming, li_xiaoming, operator=clerk)  # waits for review
    response = superuser_client.get(
        f"/admin/accounts/pendingsharingagreement/{agreement.pk}/history/"
    )
    assert response.status_code == 200  # was a server error for any id (a proxy model)
    assert "李明 → 李小明" in response.content.decode()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2025-13-01", "abc"])
def test_the_ledgers_date_range_refuses_a_day_it_cannot_show(superuser_client, day):
    """The ledger has no date hierarchy (its links would each scan the ledger); its date
    range filter answers a day outside the dates that can be chosen as Django's
    "incorrect lookup", never as a server error."""
    response = superuser_client.get(
        "/admin/accounts/ledgerentry/", {"occurred_at__to": day}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith("?e=1")
