"""``field__any``: the rows ``__in`` would find, the values sent as one array."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import InsuredPerson, PersonalAccount
from accounts.tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_any_finds_the_rows_named_by_text_and_by_foreign_key():
    first, second, third = make_person(), make_person(), make_person()
    numbers = [first.id_number, third.id_number, "110105194912310021"]
    found = InsuredPerson.objects.filter(id_number__any=numbers)
    assert set(found) == {first, third}
    # Employees: each was registered with an account.
    accounts = PersonalAccount.objects.filter(person__any={second.pk, third.pk})
    assert {a.person_id for a in accounts} == {second.pk, third.pk}


def test_any_sends_the_values_as_one_array():
    with CaptureQueriesContext(connection) as queries:
        list(InsuredPerson.objects.filter(pk__any=[1, 2, 3]))
    (query,) = queries.captured_queries
    assert "\"id\" = ANY('{1,2,3}'" in query["sql"]


def test_any_of_nothing_finds_nothing_without_a_query():
    with CaptureQueriesContext(connection) as queries:
        assert list(InsuredPerson.objects.filter(id_number__any=[])) == []
    assert not queries.captured_queries
