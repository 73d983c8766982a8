"""History pages are read-only for every role: a POST to a version page changes nothing.

The pages are listed from the admin registry (every ModelAdmin with simple-history),
so a history admin added later is tested without anybody adding it here.
"""

import re

import pytest
from django.contrib import admin
from django.forms import MultiWidget
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from accounts.tests.factories import make_agreement, make_user
from core.admin.history import check_history_admins
from transfers.models import HoldRules

ROLES = ["clerk", "reviewer", "supervisor", "auditor", "superuser"]
HISTORY_ADMINS = sorted(
    (m for m in admin.site._registry.values() if isinstance(m, SimpleHistoryAdmin)),
    key=lambda m: m.opts.label,
)


@pytest.fixture
def one_of_each(li_ming, li_xiaoming, clerk):
    """An object with a history record for every history admin's model."""
    make_agreement(li_ming, li_xiaoming, operator=clerk)
    HoldRules.current()
    for model_admin in HISTORY_ADMINS:
        obj = model_admin.model._default_manager.order_by("pk").first()
        assert obj is not None, f"{model_admin.opts.label}: give this test an object"
        if not obj.history.exists():
            obj.save()  # reference rows loaded by a migration have no history yet


def _user(role, django_user_model):
    if role == "superuser":
        return django_user_model.objects.create_superuser("root", password="x-Tq8-vL3-wZ")
    return make_user(role)


def _revert_form_data(model_admin, request, version) -> dict:
    """What the version page's form would submit: the old version's values."""
    form = model_admin.get_form(request, version)(instance=version)
    data = {}
    for bound in form:
        value = bound.value()
        widget = bound.field.widget
        if isinstance(widget, MultiWidget):
            for i, part in enumerate(widget.decompress(value)):
                data[f"{bound.html_name}_{i}"] = "" if part is None else part
        elif isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, (list, tuple)):
            data[bound.html_name] = [str(v) for v in value]
        elif value is not None:
            data[bound.html_name] = value
    return data


def _state(model):
    return list(model._default_manager.order_by("pk").values()), model.history.count()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model_admin", HISTORY_ADMINS, ids=lambda m: m.opts.label)
def test_post_to_a_history_page_changes_nothing(
    model_admin, role, one_of_each, django_user_model, rf, client
):
    user = _user(role, django_user_model)
    client.force_login(user)
    model = model_admin.model
    obj = model._default_manager.order_by("pk").first()
    version = obj.history.earliest("history_date")
    opts = model._meta
    url = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, version.pk]
    )
    request = rf.get(url)
    request.user = user
    data = _revert_form_data(model_admin, request, version.instance)
    before = _state(model)

    response = client.post(url, {**data, "_save": "Revert"})

    assert response.status_code in (403, 405), response.status_code
    assert _state(model) == before


@pytest.mark.parametrize("model_admin", HISTORY_ADMINS, ids=lambda m: m.opts.label)
def test_history_version_page_shows_the_version_without_a_form_to_send(
    model_admin, one_of_each, supervisor, client
):
    client.force_login(supervisor)
    obj = model_admin.model._default_manager.order_by("pk").first()
    version = obj.history.earliest("history_date")
    opts = model_admin.model._meta
    url = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, version.pk]
    )

    page = client.get(url).content.decode()

    fields = re.findall(r"<(?:input|select|textarea)\b[^>]*>", page)
    assert [f for f in fields if 'type="hidden"' not in f and 'id="nav-filter"' not in f] == []
    assert 'id="content-main"' in page


def test_a_simple_history_admin_that_could_revert_fails_the_checks():
    site = admin.AdminSite(name="check")
    site.register(HoldRules, SimpleHistoryAdmin)

    errors = check_history_admins(site=site)

    assert [e.id for e in errors] == ["yibao.E001"]
    assert check_history_admins() == []
