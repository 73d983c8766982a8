"""Project-wide test fixtures: users of each role and a funded employee.

Every test is also marked by the part of the suite it belongs to (see
docs/TESTING.md), so ``-m unit``, ``-m db``, ``-m concurrency`` and ``-m browser``
each select one part without anybody marking tests by hand.
"""

import datetime as dt

import pytest
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Scheme
from accounts.tests.factories import credit, make_person, make_user, serials_reset
from staff.services import second_factor_required


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        (marker and marker.kwargs.get("transaction"))
        or "transactional_db" in fixtures
        or "live_server" in fixtures
    )


def pytest_collection_modifyitems(items):
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "browser" in fixtures:
            item.add_marker("browser")
        elif _is_transactional(item):
            item.add_marker("concurrency")
        elif item.get_closest_marker("django_db") or "db" in fixtures:
            item.add_marker("db")
        else:
            item.add_marker("unit")


def _connect_as(entry: dict) -> None:
    """``default`` from now on as the role of ``entry`` (its test database kept)."""
    from django.db import connections

    connection = connections["default"]
    connection.close()
    for key in ("USER", "PASSWORD", "HOST", "PORT"):
        connection.settings_dict[key] = entry[key]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The test database is created and migrated by the owner (it needs CREATEDB)."""
    from django.conf import settings

    _connect_as(settings.DATABASE_OWNER)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The tests then run as the application role, as the web server does
    (core/database.py), and the owner drops the test database at the end.

    The one right the application role has here and not in production: TRUNCATE,
    by which the transactional tests' flush empties the tables."""
    from django.conf import settings

    with django_db_blocker.unblock():
        _grant_test_rights()
    _connect_as(settings.DATABASE_APPLICATION)
    yield
    _connect_as(settings.DATABASE_OWNER)


def _grant_test_rights() -> None:
    """As the owner: the application role's rights, and TRUNCATE for the flush."""
    from django.conf import settings
    from django.db import connection

    from core.roles import roles_grant

    application = settings.DATABASE_APPLICATION["USER"]
    if application != settings.DATABASE_OWNER["USER"]:
        roles_grant()
        with connection.cursor() as cursor:
            role = connection.ops.quote_name(application)
            cursor.execute(f"GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO {role}")


@pytest.fixture
def as_owner(transactional_db):
    """The test's connection as the owner of the tables (a test of migrations, of the
    data generator); for transactional tests, whose writes are committed as they go.
    The rights are given again afterwards, to the tables a migration made anew."""
    from django.conf import settings

    _connect_as(settings.DATABASE_OWNER)
    yield
    _grant_test_rights()
    _connect_as(settings.DATABASE_APPLICATION)


@pytest.fixture(scope="session")
def _reference_rows(django_db_setup, django_db_blocker):
    """Regions and sample policies as migration 0002 loaded them, read once per run."""
    from accounts.models import PoolingRegion, Province, ProvincePolicy

    with django_db_blocker.unblock():
        return [(m, list(m.objects.all())) for m in (Province, PoolingRegion, ProvincePolicy)]


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Regions and sample policies back in the database before each transactional test.

    A transactional test (threads, the browser's live server) ends with a flush that
    empties every table; the roles come back by themselves (post_migrate), the
    reference data of migration 0002 would not. Restored in three bulk inserts.
    """
    if not _is_transactional(request.node):
        return
    from accounts.models import PoolingRegion

    rows = request.getfixturevalue("_reference_rows")
    request.getfixturevalue("transactional_db")
    if not PoolingRegion.objects.exists():
        for model, instances in rows:
            model.objects.bulk_create(instances)


@pytest.fixture(autouse=True)
def _fresh_serials():
    serials_reset()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Test users log in (the browser types the password); the real hasher takes a second."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests render pages without running collectstatic first (no manifest needed)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


class SignedInClient(Client):
    """Django's test client, whose ``force_login`` stands for the whole sign-in: the
    password and, for a user who has (or must have) a TOTP device, its code. The
    sign-in steps themselves are tested through their pages (staff/tests)."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None and second_factor_required(user):
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()


@pytest.fixture
def client():
    return SignedInClient()


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
def no_quiet_hours(li_ming):
    """Counter transfers happen now: 李明's region (苏州市) has no wallet quiet hours,
    so a test does not depend on the hour it runs (CI runs at night too)."""
    region = li_ming.region
    region.wallet_quiet_from = region.wallet_quiet_until = dt.time(0, 0)
    region.save(update_fields=["wallet_quiet_from", "wallet_quiet_until"])


@pytest.fixture
def english():
    """Messages as their English msgids, whatever translations are compiled, so tests
    can assert the exact reason a user is shown."""
    with translation.override("en"):
        yield


@pytest.fixture
def li_xiaoming(db, clerk):
    """李小明: 李明's son, resident scheme in the same region, born 2010."""
    return make_person(
        name="李小明", scheme=Scheme.RESIDENT, birth=dt.date(2010, 3, 1), operator=clerk
    )
