"""History pages are read-only for every role: a POST to one changes nothing.

The pages are listed from the admin registry (every ModelAdmin of a model the
audit trail tracks), so a history page added later is tested without anybody
adding it here. The page is the record's trail (core/admin/history.py).
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import Scheme
from accounts.tests.factories import make_agreement, make_person, make_user
from core.admin.history import HistoryAdmin, check_history_admins
from core.trail import trail_events
from transfers.models import HoldRules
from transfers.services.holds import hold_rules_update
from transfers.services.reversals import reversal_request
from transfers.tests.factories import accept, receive, spend, transfer

ROLES = ["clerk", "reviewer", "supervisor", "auditor", "superuser"]
HISTORY_ADMINS = sorted(
    (
        m
        for m in admin.site._registry.values()
        if m.model in (User, Group) or hasattr(m.model._meta.concrete_model, "pgh_event_models")
    ),
    key=lambda m: m.opts.label,
)


@pytest.fixture
def one_of_each(li_ming, li_xiaoming, clerk):
    """A record with a recorded change in every list with a history page: an
    agreement, payments (one posted and reversed on request, one held), a wallet
    transfer accepted and spent from (one spending posted, one held)."""
    make_agreement(li_ming, li_xiaoming)
    HoldRules.current()
    posted = receive(li_ming, li_xiaoming, "20.00", operator=clerk, sid="JS-HISTORY-1")
    reversal_request(payment=posted, reason="结算撤销", operator=clerk)
    hold_rules_update(operator=make_user("supervisor"), amount_threshold=Decimal("30.00"))
    receive(li_ming, li_xiaoming, "40.00", operator=clerk, sid="JS-HISTORY-2")
    accept(transfer(li_ming, li_xiaoming, "50.00", operator=clerk))
    spend(li_xiaoming, "10.00", "JS-HISTORY-3")
    spend(li_xiaoming, "35.00", "JS-HISTORY-4")  # held: from ¥30.00
    daughter = make_person(name="李小红", scheme=Scheme.RESIDENT, birth=dt.date(2012, 4, 1))
    make_agreement(li_ming, daughter, operator=clerk)  # waits in the review queue
    for model_admin in HISTORY_ADMINS:
        obj = _first(model_admin)
        assert obj is not None, f"{model_admin.opts.label}: give this test a record"
        if not trail_events().tracks(obj).exists():
            obj.save()  # reference rows loaded by a migration have no event yet


def _first(model_admin):
    """The first record of the list (a review queue shows only what waits)."""
    request = RequestFactory().get("/")
    request.user = User(is_superuser=True, is_staff=True)
    return model_admin.get_queryset(request).order_by("pk").first()


def _user(role, django_user_model):
    if role == "superuser":
        return django_user_model.objects.create_superuser("root", password="x-Tq8-vL3-wZ")
    return make_user(role)


def _state(model):
    """The list's rows and the whole trail: a write of any kind would change one."""
    return list(model._default_manager.order_by("pk").values()), trail_events().count()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model_admin", HISTORY_ADMINS, ids=lambda m: m.opts.label)
def test_post_to_a_history_page_changes_nothing(
    model_admin, role, one_of_each, django_user_model, client
):
    user = _user(role, django_user_model)
    client.force_login(user)
    obj = _first(model_admin)
    opts = model_admin.model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
    fields = {f.name: "x" for f in opts.concrete_fields}
    before = _state(model_admin.model)

    response = client.post(url, {**fields, "_save": "Revert"})

    assert response.status_code in (403, 405), response.status_code
    assert _state(model_admin.model) == before


@pytest.mark.parametrize("model_admin", HISTORY_ADMINS, ids=lambda m: m.opts.label)
def test_history_page_shows_the_trail_without_a_form_to_send(
    model_admin, one_of_each, supervisor, client
):
    client.force_login(supervisor)
    obj = _first(model_admin)
    opts = model_admin.model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])

    response = client.get(url)

    assert response.status_code == 200
    page = response.content.decode()
    fields = re.findall(r"<(?:input|select|textarea)\b[^>]*>", page)
    assert [f for f in fields if 'type="hidden"' not in f and 'id="nav-filter"' not in f] == []
    assert 'id="trail"' in page


def test_an_admin_of_a_tracked_model_without_the_trail_fails_the_checks():
    site = admin.AdminSite(name="check")
    site.register(HoldRules, admin.ModelAdmin)

    errors = check_history_admins(site=site)

    assert [e.id for e in errors] == ["yibao.E001"]
    assert check_history_admins() == []
    assert all(isinstance(m, HistoryAdmin) for m in HISTORY_ADMINS)
