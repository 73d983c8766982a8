"""The data migrations of issue 9 on a database that already holds a history.

Rows are written with the current code, the two migrations are taken back
(their columns dropped) and applied again, so they fill rows that were written
before them: the ledger's value dates (past the append-only trigger, which is
on again afterwards) and the grantor's region of the time on payments and
transfers.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from accounts.models import EntryKind, LedgerEntry, PoolingRegion, Use
from accounts.services.ledger import ledger_post
from accounts.services.people import person_update
from accounts.tests.factories import make_user
from core.tests.clock import clock_at
from transfers.models import SharingPayment, WalletTransfer

from .factories import local
from .sharing_year import send, settle, wang_family_register

MIGRATIONS = [("accounts", "0006_ledger_value_date"), ("transfers", "0003_grantor_region")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


def _before_these_migrations():
    graph = MigrationExecutor(connection).loader.graph
    return [
        parent
        for parent in sorted(
            graph.node_map[MIGRATIONS[0]].parents | graph.node_map[MIGRATIONS[1]].parents
        )
        if parent not in MIGRATIONS
    ]


def _date_the_history_by_the_test_clock():
    """The person's history as simple-history wrote it then: dated by the application's
    clock (the test clock), where the audit trail that replaced it (copied back by the
    way down) dates events by the database's clock, which the test clock does not move."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_historicalinsuredperson SET history_date = CASE region_id "
            "WHEN '411300' THEN %s ELSE %s END",
            [local(2025, 1, 2, 9), local(2026, 2, 1, 9)],
        )


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("as_owner")  # migrations are the owner's
def test_migrations_fill_value_dates_and_the_grantors_region_of_the_time():
    clerk = make_user("clerk", region="411300")  # 王芳's hall
    with clock_at(local(2025, 1, 2, 9)):
        wang_fang, daughter, father = wang_family_register(clerk=clerk)
    with clock_at(local(2026, 1, 5, 10)):
        # As the credits import wrote a credit until now: the month first in the memo.
        credit = ledger_post(
            holder=wang_fang.account,
            kind=EntryKind.CREDIT,
            amount=Decimal("1000.00"),
            idempotency_key="credit:2025-11-411300:old",
            operator=clerk,
            memo="2025-11 十一月划入",
        )
    # 07:30 in 南阳 is still the day before in UTC.
    payment = settle(
        wang_fang,
        daughter,
        "80.00",
        local(2025, 4, 20, 7, 30),
        Use.MEDICAL,
        "nanyang_hospital",
        operator=clerk,
        received=local(2026, 1, 10, 9),
    )
    transfer = send(wang_fang, father, "300.00", local(2025, 4, 15, 10), operator=clerk)
    with clock_at(local(2026, 2, 1, 9)):
        person_update(
            person=wang_fang, region=PoolingRegion.objects.get(code="410100"), operator=clerk
        )

    _migrate(_before_these_migrations())
    _date_the_history_by_the_test_clock()
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    entries = LedgerEntry.objects.in_bulk(
        [credit.pk, payment.ledger_entry_id, transfer.account_entry_id]
    )
    assert entries[credit.pk].value_date == dt.date(2025, 11, 1)
    assert entries[payment.ledger_entry_id].value_date == dt.date(2025, 4, 20)
    assert entries[transfer.account_entry_id].value_date == dt.date(2025, 4, 15)
    assert SharingPayment.objects.get(pk=payment.pk).grantor_region_id == "411300"
    assert WalletTransfer.objects.get(pk=transfer.pk).grantor_region_id == "411300"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(pk=credit.pk).update(memo="changed")
