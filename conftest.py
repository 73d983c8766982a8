"""Project-wide test fixtures: users of each role and a funded employee."""

import pytest
from django.utils import translation

from accounts.tests.factories import credit, make_person, make_user


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests render pages without running collectstatic first (no manifest needed)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def clerk(db):
    return make_user("clerk", username="clerk1")


@pytest.fixture
def reviewer(db):
    return make_user("reviewer", username="reviewer1")


@pytest.fixture
def supervisor(db):
    return make_user("supervisor", username="supervisor1")


@pytest.fixture
def auditor(db):
    return make_user("auditor", username="auditor1")


@pytest.fixture
def li_ming(db, clerk):
    """李明: employee scheme in 苏州市 (320500) with ¥500.00 in his account."""
    person = make_person(name="李明", region="320500", operator=clerk)
    credit(person.account, "500.00", operator=clerk)
    person.account.refresh_from_db()
    return person


@pytest.fixture
def english():
    """Messages as their English msgids, whatever translations are compiled, so tests
    can assert the exact reason a user is shown."""
    with translation.override("en"):
        yield
