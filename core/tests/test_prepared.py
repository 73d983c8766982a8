"""Querysets compiled once and run as prepared statements (``core.prepared``): the
same rows as Django's own evaluation, one statement, planned once by the server."""

import datetime as dt
import re

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import PoolingRegion
from accounts.selectors import periods_query, persons_by_id_number, persons_query
from accounts.tests.factories import make_agreement, make_person
from core.audit import audit_context
from core.prepared import FoundIds, prepared_write, queried, queried_together
from transfers.selectors import accounts_for_sharing
from transfers.services.checks import (
    agreements_by_triple,
    agreements_in_force,
    agreements_query,
    settlements_query,
)
from transfers.services.holds import hold_context

pytestmark = pytest.mark.django_db


def _prepared_statements() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements")
        return dict(cursor.fetchall())


def test_oracle_persons_as_django_loads_them():
    grantor = make_person(name="王芳", region="320500")
    child = make_person(name="王小明", region="330100", birth=dt.date(2015, 3, 2))
    found = persons_by_id_number([grantor.id_number, child.id_number])
    assert set(found) == {grantor.id_number, child.id_number}
    person = found[child.id_number]
    # Filled by hand above: the child's region is Hangzhou, in Zhejiang.
    assert (person.name, person.region.code, person.region.province.code) == (
        "王小明",
        "330100",
        "33",
    )
    assert found[grantor.id_number].account.pk == grantor.account.pk
    with CaptureQueriesContext(connection) as queries:
        periods = list(person.enrolment_periods.all())
        region = periods[0].region.province.policy
    assert len(queries) == 0  # histories, regions and policies came with the read
    assert [p.region_id for p in periods] == ["330100"] and region is not None


def test_two_persons_of_one_region_and_their_histories_share_its_one_region():
    grantor = make_person(name="王芳", region="320500")
    child = make_person(name="王小明", region="320500", birth=dt.date(2015, 3, 2))
    other = make_person(name="张伟", region="330100")
    found = persons_by_id_number([grantor.id_number, child.id_number, other.id_number])
    suzhou = found[grantor.id_number].region
    histories = [found[p.id_number].enrolment_periods.all()[0] for p in (grantor, child)]
    assert found[child.id_number].region is suzhou
    assert all(period.region is suzhou for period in histories)
    # The other region's own, each with its province and policy as stored.
    hangzhou = found[other.id_number].region
    assert (suzhou.code, suzhou.province.code, hangzhou.code, hangzhou.province.code) == (
        "320500",
        "32",
        "330100",
        "33",
    )
    assert suzhou.province.policy.province_id == "32"


def test_a_second_read_of_the_same_shape_is_one_prepared_statement_reused():
    grantor = make_person(name="王芳")
    child = make_person(name="王小明", birth=dt.date(2015, 3, 2))
    agreement = make_agreement(grantor, child)
    on = dt.date(2025, 3, 11)
    key = (grantor.pk, child.pk, on)
    assert agreements_in_force([key]) == {key: agreement}
    with CaptureQueriesContext(connection) as queries:
        assert agreements_in_force([key])[key].pk == agreement.pk
    assert len(queries) == 1
    assert "accounts_sharingagreement" in queries[0]["sql"]  # logged with its text
    (uses,) = [n for sql, n in _prepared_statements().items() if "sharingagreement" in sql]
    assert uses >= 2
    # A day before the agreement's start: the date is a parameter, not kept.
    assert agreements_in_force([(grantor.pk, child.pk, dt.date(2023, 12, 31))]) == {}


@pytest.mark.django_db(transaction=True)
def test_reads_go_on_after_a_reconnection_and_are_logged_only_when_the_log_is_on():
    """The cursor kept for the prepared statements belongs to one connection: after
    Django connects again, a read runs on the new one (prepared there afresh)."""
    grantor = make_person(name="王芳")
    child = make_person(name="王小明", birth=dt.date(2015, 3, 2))
    agreement = make_agreement(grantor, child)
    key = (grantor.pk, child.pk, dt.date(2025, 3, 11))
    assert agreements_in_force([key]) == {key: agreement}
    with CaptureQueriesContext(connection) as logged:
        agreements_in_force([key])
    assert len(logged) == 1
    assert agreements_in_force([key]) == {key: agreement}  # the log off again
    assert len(logged) == 1
    before = connection.connection
    connection.close()
    assert agreements_in_force([key]) == {key: agreement}
    assert connection.connection is not before
    assert [s for s in _prepared_statements() if "sharingagreement" in s]


def test_oracle_the_same_rows_as_the_queryset():
    grantor = make_person(name="王芳")
    children = [make_person(name=f"王{n}", birth=dt.date(2015, 3, n + 1)) for n in range(3)]
    for child in children:
        make_agreement(grantor, child)
    on = dt.date(2025, 3, 11)
    for count in (1, 3):
        beneficiaries = {c.pk for c in children[:count]}
        for ids in (False, True):
            expected = list(agreements_query(on, [grantor.pk], sorted(beneficiaries), ids))
            assert len(expected) == count
            assert queried(agreements_query, on, {grantor.pk}, beneficiaries, ids) == expected


def _together(numbers, grantor_number, beneficiary_number, key, on):
    return queried_together(
        (persons_query, numbers),
        (periods_query, FoundIds(persons_query, "id_number", numbers)),
        (settlements_query, {key}),
        (
            agreements_query,
            on,
            FoundIds(persons_query, "id_number", [grantor_number]),
            FoundIds(persons_query, "id_number", [beneficiary_number]),
            False,
        ),
    )


def test_oracle_reads_together_are_the_querysets_read_one_by_one():
    grantor = make_person(name="王芳", region="320500")
    child = make_person(name="王小明", region="320500", birth=dt.date(2015, 3, 2))
    other = make_person(name="张伟", region="320500")
    agreement = make_agreement(grantor, child)
    make_agreement(other, child)  # another grantor's: not read
    on = dt.date(2025, 3, 11)
    numbers = [grantor.id_number, child.id_number]
    with CaptureQueriesContext(connection) as queries:
        persons, periods, seen, agreements = _together(
            numbers, grantor.id_number, child.id_number, "JS1", on
        )
    assert len(queries) == 1
    # Django's own evaluation of each queryset, the ids found as Django finds them.
    ids = sorted(p.pk for p in persons_query(numbers))
    assert sorted(p.pk for p in persons) == ids == sorted([grantor.pk, child.pk])
    assert [(p.pk, p.region.code) for p in periods] == [
        (p.pk, p.region.code) for p in periods_query(ids)
    ]
    assert seen == list(settlements_query(["JS1"])) == []
    assert agreements == list(agreements_query(on, [grantor.pk], [child.pk], False))
    assert [a.pk for a in agreements] == [agreement.pk]
    by_number = {p.id_number: p for p in persons}
    assert by_number[child.id_number].region.province.code == "32"  # filled by hand
    assert by_number[grantor.id_number].account.pk == grantor.account.pk


def test_reads_together_for_a_number_not_registered_read_nothing_for_it():
    grantor = make_person(name="王芳")
    child = make_person(name="王小明", birth=dt.date(2015, 3, 2))
    make_agreement(grantor, child)
    unknown = "11010519491231002X"  # valid, and no one's here
    on = dt.date(2025, 3, 11)
    persons, periods, _seen, agreements = _together(
        [grantor.id_number, unknown], grantor.id_number, unknown, "JS1", on
    )
    assert [p.pk for p in persons] == [grantor.pk]
    assert {p.person_id for p in periods} == {grantor.pk}
    assert agreements == []


def test_accounts_with_reservations_locked_and_unlocked():
    grantor = make_person(name="王芳")
    with transaction.atomic():
        locked = accounts_for_sharing([grantor.account.pk], lock=True)
    unlocked = accounts_for_sharing([grantor.account.pk], lock=False)
    for accounts in (locked, unlocked):
        account = accounts[grantor.account.pk]
        assert (account.held_amount, account.person.region.code) == (0, "320500")
    assert accounts_for_sharing([], lock=False) == {}


def test_inside_the_trails_context_reads_are_prepared_too():
    grantor = make_person(name="王芳")
    number = grantor.id_number
    with audit_context(user=1), transaction.atomic():
        context = hold_context([(grantor.pk, dt.date(2025, 3, 11))])
        accounts = accounts_for_sharing([grantor.account.pk], lock=True)
        persons, *_others = _together([number], number, number, "JS1", dt.date(2025, 3, 11))
    assert context.rules.pk == 1 and context.same_day == {}
    assert list(accounts) == [grantor.account.pk]
    assert [p.pk for p in persons] == [grantor.pk]  # the merged read, numbered


def test_a_prepared_write_keeps_the_trails_context():
    region = PoolingRegion.objects.get(code="320500")
    with audit_context(user=7, username="clerk7"), transaction.atomic():
        for name in ("苏州市（一）", "苏州市（二）"):  # the second run is the prepared one
            rows = prepared_write(
                "UPDATE accounts_poolingregion SET name = %s WHERE code = %s RETURNING code",
                [name, region.code],
            )
            assert rows == [("320500",)]
    events = apps.get_model("accounts", "PoolingRegionEvent").objects.order_by("pgh_id")
    events = events.filter(pgh_obj_id="320500")
    assert [(e.name, e.pgh_context["username"]) for e in events.filter(pgh_label="update")] == [
        ("苏州市（一）", "clerk7"),
        ("苏州市（二）", "clerk7"),
    ]


def _rows_expected(table: str, values: list) -> tuple[int, int, int, int]:
    """The prepared statement reading ``table`` (its parameters ``values``): its
    generic and custom plans so far, the rows its generic plan expects and those a
    plan for the values themselves expects."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement ~ %s",
            [f'^SELECT .* FROM "{table}"'],
        )
        ((statement, generic, custom),) = cursor.fetchall()
        cursor.execute(f"EXPLAIN (GENERIC_PLAN, FORMAT JSON) {statement}")
        ((generic_plan,),) = cursor.fetchall()
        literal = re.sub(r"\$(\d+)", lambda m: f"'{values[int(m[1]) - 1]}'", statement)
        cursor.execute(f"EXPLAIN (FORMAT JSON) {literal}")
        ((custom_plan,),) = cursor.fetchall()
    rows = [plan[0]["Plan"]["Plan Rows"] for plan in (generic_plan, custom_plan)]
    return generic, custom, *rows


def test_a_list_argument_is_planned_once_not_at_every_execution():
    # Two persons read together, as at the counter. The generic plan must expect the
    # rows a plan for the two values does, or PostgreSQL, finding it dearer, plans
    # every execution again (3 ms of the server's 9 ms a settlement in the
    # benchmark's database with ``= ANY($1)``, for which it guesses ten values). It
    # plans the first five executions for their values and keeps one plan after that.
    grantor = make_person(name="王芳")
    child = make_person(name="王小明", birth=dt.date(2015, 3, 2))
    numbers = [grantor.id_number, child.id_number]
    for _n in range(12):
        assert set(persons_by_id_number(numbers)) == set(numbers)
    generic, custom, rows_generic, rows_for_values = _rows_expected(
        "accounts_insuredperson", numbers
    )
    assert (generic, custom) == (7, 5)
    assert rows_generic == rows_for_values
    one = persons_by_id_number([child.id_number])  # another length: a statement of its own
    assert list(one) == [child.id_number]


def test_the_agreement_of_a_pair_is_its_least_id_whatever_the_order_of_the_rows():
    """The merged read's rows come in no promised order (``queried_together``): two
    agreements in force for one pair on a day (an ended one and its successor)
    give the one of the least id, as the query alone, sorted by id, gives it."""
    on = dt.date(2025, 3, 11)
    for rows in ([(1, 2, 5, None), (1, 2, 9, None)], [(1, 2, 9, None), (1, 2, 5, None)]):
        found = {}
        agreements_by_triple(found, rows, on, {(1, 2)}, ids=True)
        assert found == {(1, 2, on): 5}
