"""The database keeps the trail against the application itself: its role owns no
table, so it can neither disable nor drop a trigger, may not change or delete
ledger and trail rows, and cannot make the trail's tracking triggers step aside
(``pgtrigger.ignore``); the owner (migrations) still can (core/roles.py).

The tests run as the application role, as the web server does (root conftest);
the owner's side through a connection of its own to the test database.
"""

import psycopg
import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from accounts.models import InsuredPerson
from accounts.tests.factories import make_person

PERSON_EVENTS = "SELECT count(*) FROM accounts_insuredpersonevent"


def refused(sql: str, params=()) -> str:
    """Run ``sql`` as the application; the SQLSTATE and message of its refusal."""
    with pytest.raises(ProgrammingError) as error, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    return f"{error.value.__cause__.sqlstate} {error.value}"


def tracking_triggers(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal "
            "AND tgname NOT LIKE '%%append_only'",
            [table],
        )
        return [name for (name,) in cursor.fetchall()]


def count(sql: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def test_the_tests_run_as_the_application_role_which_is_no_superuser(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, usesuper FROM pg_user WHERE usename = current_user")
        assert cursor.fetchone() == (settings.DATABASE_APPLICATION["USER"], False)
    assert settings.DATABASE_APPLICATION["USER"] != settings.DATABASE_OWNER["USER"]


@pytest.mark.parametrize(
    "sql",
    [
        "ALTER TABLE accounts_insuredperson DISABLE TRIGGER ALL",
        "ALTER TABLE accounts_ledgerentry DISABLE TRIGGER ledger_entry_append_only",
        "ALTER TABLE accounts_insuredpersonevent DISABLE TRIGGER audit_append_only",
        "DROP TRIGGER ledger_entry_append_only ON accounts_ledgerentry",
        "DROP TRIGGER audit_append_only ON accounts_disclosurelog",
        "DROP FUNCTION audit_append_only() CASCADE",
        "ALTER TABLE accounts_ledgerentry OWNER TO CURRENT_USER",
    ],
)
def test_the_application_may_neither_disable_nor_drop_a_trigger(db, sql):
    assert refused(sql).startswith("42501 must be owner of")  # insufficient_privilege


def test_the_tracking_triggers_are_not_ignored_for_the_application(db):
    person = make_person(name="王芳")
    names = tracking_triggers("accounts_insuredperson")
    assert len(names) == 3  # insert, update, delete
    before = count(PERSON_EVENTS)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pgtrigger.ignore', %s, false)", ["{" + ",".join(names) + "}"]
        )
        cursor.execute(
            "UPDATE accounts_insuredperson SET phone = '13900001111' WHERE id = %s", [person.pk]
        )
        cursor.execute("SELECT set_config('pgtrigger.ignore', '', false)")

    assert count(PERSON_EVENTS) == before + 1


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE accounts_ledgerentry SET amount = 1000",
        "DELETE FROM accounts_ledgerentry",
        "UPDATE accounts_insuredpersonevent SET phone = NULL",
        "DELETE FROM staff_userevent",
        "UPDATE accounts_disclosurelog SET subject = ''",
    ],
)
def test_the_application_may_not_change_ledger_or_trail_rows(li_ming, sql):
    assert refused(sql).startswith("42501 permission denied for table")


def owner_connection():
    owner, name = settings.DATABASE_OWNER, connection.settings_dict["NAME"]
    return psycopg.connect(
        dbname=name,
        user=owner["USER"],
        password=owner["PASSWORD"] or None,
        host=owner["HOST"],
        port=owner["PORT"] or None,
    )


@pytest.mark.django_db(transaction=True)
def test_the_owner_may_still_ignore_a_tracking_trigger_but_not_the_append_only_guard():
    person = make_person(name="王芳")
    update = tracking_triggers("accounts_insuredperson")
    with owner_connection() as owner:
        events = owner.execute(PERSON_EVENTS).fetchone()[0]
        owner.execute(
            "SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + ",".join(update) + "}"]
        )
        owner.execute(
            "UPDATE accounts_insuredperson SET phone = '13900001111' WHERE id = %s", [person.pk]
        )
        assert owner.execute(PERSON_EVENTS).fetchone()[0] == events
        with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="append-only"):
            owner.execute("UPDATE accounts_insuredpersonevent SET phone = NULL")
        owner.rollback()
    assert InsuredPerson.objects.get(pk=person.pk).phone != "13900001111"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("setting", [None, "", "not an array"])
def test_the_owner_is_tracked_where_it_names_no_trigger_to_ignore(setting):
    """Unset, empty or unreadable ``pgtrigger.ignore``: the owner's writes are tracked
    (the function's quick way out for an unset setting must not skip a trigger)."""
    person = make_person(name="王芳")
    with owner_connection() as owner:
        events = owner.execute(PERSON_EVENTS).fetchone()[0]
        if setting is not None:
            owner.execute("SELECT set_config('pgtrigger.ignore', %s, true)", [setting])
        owner.execute(
            "UPDATE accounts_insuredperson SET phone = '13900001111' WHERE id = %s", [person.pk]
        )
        assert owner.execute(PERSON_EVENTS).fetchone()[0] == events + 1
