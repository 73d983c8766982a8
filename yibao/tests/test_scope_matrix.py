"""Regional scope as a matrix: every admin URL of a record × every role × a record in
scope (苏州市, the users' hall) and one out of it (南阳市, another province).

The routes are read from the URL conf, so a page added later is in the matrix: a
route that names a record is either checked by the scope (the admin's
``ScopedAdminMixin`` wraps it) or a document view listed here with its model, or
listed in ``NOT_OBJECT_SCOPED`` with the reason; anything else fails
``test_every_route_is_covered``.
"""

import datetime as dt
import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model

from accounts.models import Scheme
from accounts.scope import is_scoped
from accounts.tests.factories import credit, make_agreement, make_person, make_user
from transfers.services.reversals import reversal_request
from transfers.tests.factories import accept, receive, spend, transfer
from yibao.tests.routes import url_routes

PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
RECORD_ROUTE = re.compile(r"<(?:\w+:)?(object_id|pk|id)>/")
ROLES = ["clerk", "reviewer", "supervisor", "auditor", "national"]
IN_SCOPE, OUT_OF_SCOPE = "320500", "411300"

# Routes that name a record outside an admin of a scoped model, and why the
# scope does not apply to them.
NOT_OBJECT_SCOPED = {
    "admin/r/<path:content_type_id>/<path:object_id>/": "Django's view-on-site; no model has one",
    "admin/jobs/job/<int:pk>/download/": "a job is its starter's only (jobs.admin)",
    "admin/jobs/job/<int:pk>/progress/": "a job is its starter's only (jobs.admin)",
}
# The printed documents outside the admin, and the model whose scope they check.
DOCUMENT_ROUTES = {
    "admin/documents/accounts/<int:pk>/statement/": "accounts.personalaccount",
    "admin/documents/persons/<int:pk>/sharing-received/": "accounts.insuredperson",
}
# Values for the other parameters of a record's route.
OTHER_VALUES = {"action": "freeze", "fmt": "csv"}


ALL_ROUTES = {route: pattern for route, pattern in url_routes() if PARAMETER.search(route)}


def _model_label(route: str) -> str | None:
    if route in DOCUMENT_ROUTES:
        return DOCUMENT_ROUTES[route]
    match = re.match(r"admin/(\w+)/(\w+)/", route)
    return match and f"{match.group(1)}.{match.group(2)}"


def _scoped_admin_routes():
    return sorted(r for r, p in ALL_ROUTES.items() if getattr(p.callback, "scope_checked", False))


SCOPED_ROUTES = sorted({*_scoped_admin_routes(), *DOCUMENT_ROUTES})


def test_every_route_is_covered():
    """A route that names a record is checked by the scope (an admin of a scoped
    model, or a document with its model), belongs to a model that is not scoped
    (``UNSCOPED_MODELS``, with its reason), or is listed here with its reason."""
    from accounts.admin.scope import UNSCOPED_MODELS

    for route in ALL_ROUTES:
        if not RECORD_ROUTE.search(route) or "^" in route:
            continue  # an export format, an upload token, the sign-in pages
        label = _model_label(route)
        assert (
            route in SCOPED_ROUTES
            or route in NOT_OBJECT_SCOPED
            or "/import/jobs/" in route  # an import's job: its starter's only (jobs)
            or label in UNSCOPED_MODELS
        ), route
    assert len(SCOPED_ROUTES) > 40


def test_every_registered_model_is_scoped_or_says_why():
    from accounts.admin.scope import UNSCOPED_MODELS

    for model in admin.site._registry:
        label = model._meta.label_lower
        assert is_scoped(model) or label in UNSCOPED_MODELS, label


def _world(region: str, tag: str) -> dict:
    """One record of every scoped model, all of persons of ``region``."""
    grantor = make_person(name=f"{tag}甲", region=region)
    child = make_person(
        name=f"{tag}乙", region=region, scheme=Scheme.RESIDENT, birth=dt.date(2010, 3, 1)
    )
    niece = make_person(
        name=f"{tag}丙", region=region, scheme=Scheme.RESIDENT, birth=dt.date(2012, 3, 1)
    )
    credit(grantor.account, "9000.00")
    make_agreement(grantor, child)
    pending = make_agreement(grantor, niece, operator=make_user("clerk", region=region))
    payment = receive(grantor, child, "100.00", operator=None, sid=f"{tag}-1")
    held = receive(grantor, child, "5000.00", operator=None, sid=f"{tag}-2")
    reversal = reversal_request(
        payment=payment, reason="错误", operator=make_user("clerk", region=region)
    )
    moved = transfer(grantor, child, "300.00", operator=None)
    accept(moved)
    spending = spend(child, "10.00", f"{tag}-3")
    held_spending = spend(child, "10.00", f"{tag}-4", manual=True)
    return {
        "accounts.insuredperson": grantor.pk,
        "accounts.personalaccount": grantor.account.pk,
        "accounts.wallet": child.wallet.pk,
        "accounts.ledgerentry": grantor.account.entries.first().pk,
        "accounts.sharingagreement": pending.pk,
        "accounts.pendingsharingagreement": pending.pk,
        "transfers.sharingpayment": payment.pk,
        "transfers.heldpayment": held.pk,
        "transfers.reversal": reversal.pk,
        "transfers.requestedreversal": reversal.pk,
        "transfers.wallettransfer": moved.pk,
        "transfers.walletspending": spending.pk,
        "transfers.heldwalletspending": held_spending.pk,
        "accounts.servicehall": make_user(region=region).placement.hall.pk,
        "auth.user": make_user(region=region).pk,
    }


@pytest.fixture
def worlds(db):
    return {"in": _world(IN_SCOPE, "苏"), "out": _world(OUT_OF_SCOPE, "豫")}


def _url(route: str, pk) -> str:
    def value(match):
        kind, name = match.groups()
        return str(pk) if name in ("object_id", "pk", "id") else OTHER_VALUES[name]

    return "/" + PARAMETER.sub(value, route)


# The pages that show a record (its page and its history): in scope, 200 for a role
# that may view the model.
SHOWING = re.compile(r"<path:object_id>/(change|history)/$")


@pytest.mark.parametrize("role", ROLES)
def test_matrix_every_record_route_by_role_in_and_out_of_scope(client, worlds, role):
    user = make_user(role)
    client.force_login(user)
    client.raise_request_exception = False
    for route in SCOPED_ROUTES:
        label = _model_label(route)
        inside = client.get(_url(route, worlds["in"][label]))
        outside = client.get(_url(route, worlds["out"][label]))
        assert inside.status_code in (200, 302, 403, 404, 405), (route, inside.status_code)
        app, model = label.split(".")
        model_name = "sharingagreement" if model == "pendingsharingagreement" else model
        may_view = user.has_perm(f"{app}.view_{model_name}")
        if SHOWING.search(route) and may_view and "pending" not in route:
            assert inside.status_code == 200, (route, inside.status_code)
        if role == "national":
            assert outside.status_code == inside.status_code, route
        else:
            assert outside.status_code == 404, (route, outside.status_code)
            assert client.post(_url(route, worlds["out"][label])).status_code in (404, 405), route


@pytest.mark.parametrize("role", ROLES)
def test_matrix_lists_show_only_the_scope(client, worlds, role):
    user = make_user(role)
    client.force_login(user)
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        if label not in worlds["in"] or not model_admin.has_view_permission(
            type("R", (), {"user": user})()
        ):
            continue
        response = client.get(f"/admin/{label.replace('.', '/')}/")
        assert response.status_code == 200, label
        shown = {obj.pk for obj in response.context["cl"].result_list}
        assert worlds["in"][label] in shown, label
        assert (worlds["out"][label] in shown) == (role == "national"), label


def test_superusers_see_every_region(client, worlds):
    client.force_login(get_user_model().objects.create_superuser("root", password="pw-x-123"))
    for label in ("accounts.insuredperson", "transfers.sharingpayment"):
        for side in ("in", "out"):
            url = f"/admin/{label.replace('.', '/')}/{worlds[side][label]}/change/"
            assert client.get(url).status_code == 200


def test_signed_out_a_records_page_asks_to_sign_in(client, worlds):
    url = f"/admin/accounts/insuredperson/{worlds['in']['accounts.insuredperson']}/change/"
    response = client.get(url)
    assert response.status_code == 302 and "next=" in response["Location"]


# The auditor's screen: searches over every table, scoped by ``audit.scope``; the
# search of each world's person on each page, and what it finds of that person.
AUDIT_SEARCHES = {
    "admin/audit/trail/": lambda tag: {"person": f"{tag}甲"},
    "admin/audit/disclosures/": lambda tag: {"subject": f"{tag}甲"},
}


def test_every_audit_route_is_in_the_matrix():
    assert {r for r, _p in url_routes() if r.startswith("admin/audit/")} == set(AUDIT_SEARCHES)


@pytest.mark.parametrize("role", ROLES)
def test_matrix_the_audit_screen_finds_only_the_scope(client, worlds, role):
    from core.audit import disclosure_record
    from core.models import DisclosureLog

    for region, tag in ((IN_SCOPE, "苏"), (OUT_OF_SCOPE, "豫")):
        viewer = make_user("clerk", region=region)
        disclosure_record(user=viewer, action=DisclosureLog.Action.VIEW, subject=f"{tag}甲")
    user = make_user(role)
    client.force_login(user)
    for route, search in AUDIT_SEARCHES.items():
        pages = {tag: client.get(f"/{route}", {**search(tag), "format": "csv"}) for tag in "苏豫"}
        if not user.has_perm("core.view_trail"):
            assert {p.status_code for p in pages.values()} == {403}, route
            continue
        rows = {
            tag: len(p.content.decode("utf-8-sig").splitlines()) - 1 for tag, p in pages.items()
        }
        assert rows["苏"] > 0, route
        assert (rows["豫"] > 0) == (role == "national"), route
