"""Export benchmark: the ledger list of 1M entries as .csv and .xlsx, as the job writes it.

    .venv/bin/python -m bench.exports [ROWS]

Fills ROWS ledger entries (default 1,000,000) over 10,000 accounts with COPY
(set-up, not measured), then runs the background export job (``list_export``,
the file a user gets for the whole ledger list) once per format, each in a fresh
worker process, so that the peak RSS printed is that of a worker doing nothing
else. ``export_results(rows)`` returns the (what, target, measured) rows for
``python -m bench``; it needs the benchmark database (``bench_database``).
"""

import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from decimal import Decimal

from bench.common import bench_database

ACCOUNTS = 10_000
TARGETS = {"csv": (60, 300), "xlsx": (240, 300)}  # seconds, MB of peak RSS


def ledger_fill(rows: int) -> None:
    """``rows`` ledger entries over ``ACCOUNTS`` accounts: three credits of 100.00,
    then a sharing payment of 30.00 for a relative, over and over (balances and
    sequences consistent, as ``ledger_post`` would have written them)."""
    from django.db import connection
    from django.utils import timezone

    from accounts.models import InsuredPerson, PersonalAccount
    from core.idnumbers import compose_id_number

    birth = dt.date(1970, 1, 1)
    people = InsuredPerson.objects.bulk_create(
        [
            InsuredPerson(
                name=f"职工{i}",
                id_number=compose_id_number(
                    "320500", birth + dt.timedelta(days=i // 400), i % 400 * 2 + 1
                ),
                birth_date=birth,
                gender="M",
                scheme="310",
                region_id="320500",
            )
            for i in range(ACCOUNTS)
        ],
        batch_size=5000,
    )
    accounts = PersonalAccount.objects.bulk_create(
        [PersonalAccount(person=p, number=f"B{p.pk:015d}") for p in people], batch_size=5000
    )
    start = timezone.make_aware(dt.datetime(2025, 1, 1, 8, 0))
    per_account = -(-rows // ACCOUNTS)
    columns = (
        "account_id, sequence, kind, amount, balance_after, idempotency_key, reference, "
        "counterpart_id, use, scope, institution_code, institution_name, memo, occurred_at, "
        "value_date, created_at"
    )
    written = 0
    balances = {}
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY accounts_ledgerentry ({columns}) FROM STDIN") as copy,
    ):
        for sequence in range(1, per_account + 1):
            at = start + dt.timedelta(minutes=sequence * 7)
            for index, account in enumerate(accounts):
                if written == rows:
                    break
                written += 1
                relative = people[(index + 1) % ACCOUNTS].pk
                balance = balances.get(account.pk, Decimal("0.00"))
                if sequence % 4:
                    amount, row = (
                        Decimal("100.00"),
                        ("credit", "", None, "", "", "", "", "月度划入"),
                    )
                else:
                    amount = Decimal("-30.00")
                    row = (
                        "sharing_payment",
                        f"JS{written:016d}",
                        relative,
                        "medical",
                        "same_region",
                        "H32050000012",
                        "苏州市立医院",
                        "",
                    )
                balance += amount
                balances[account.pk] = balance
                kind, reference, counterpart, use, scope, code, name, memo = row
                copy.write_row(
                    (
                        account.pk,
                        sequence,
                        kind,
                        amount,
                        balance,
                        f"bench-{written}",
                        reference,
                        counterpart,
                        use,
                        scope,
                        code,
                        name,
                        memo,
                        at,
                        at.date(),
                        at,
                    )
                )
    for account in accounts:
        account.balance = balances.get(account.pk, Decimal("0.00"))
    PersonalAccount.objects.bulk_update(accounts, ["balance"], batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_ledgerentry")


def export_results(rows: int = 1_000_000) -> Iterator[tuple[str, str, str]]:
    """Fill the ledger, export it in each format: a (what, target, measured) row for
    each, yielded as soon as it is measured."""
    from django.db import connection

    from accounts.tests.factories import make_user

    ledger_fill(rows)
    user = make_user("supervisor", username="bench-exporter")
    connection.close()  # the workers open their own
    for fmt, (seconds_target, mb_target) in TARGETS.items():
        measured = _export_in_worker(fmt, user.pk, connection.settings_dict["NAME"])
        assert measured["rows"] == rows, measured
        yield (
            f"export of {rows:,} ledger rows, .{fmt}",
            f"≤ {seconds_target} s, peak RSS ≤ {mb_target} MB",
            f"{measured['seconds']:.1f} s (worker CPU {measured['cpu_seconds']:.1f} s), "
            f"peak RSS {measured['peak_mb']:.0f} MB, {measured['size_mb']:.0f} MB file, "
            f"load average {measured['load']:.1f}",
        )


def _export_in_worker(fmt: str, user_id: int, database: str) -> dict:
    argv = [sys.executable, "-m", "bench.exports", "--worker", fmt, str(user_id), database]
    done = subprocess.run(argv, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def worker(fmt: str, user_id: int, database: str) -> None:
    """One export job run to the end in this process; prints its figures as JSON."""
    import resource
    import tempfile

    import django
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = database
    django.setup()
    media = tempfile.TemporaryDirectory(prefix="bench-exports-")
    settings.MEDIA_ROOT = media.name

    from jobs.export_jobs import list_export
    from jobs.models import Job, JobStatus

    job = Job.objects.create(
        title=f"bench .{fmt}", task_path=list_export.module_path, created_by_id=user_id
    )
    start = time.perf_counter()
    list_export.call(
        job_id=job.pk,
        model="accounts.LedgerEntry",
        params="",
        fmt=fmt,
        unmasked=False,
        filename=f"ledger.{fmt}",
    )
    seconds = time.perf_counter() - start
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    usage = resource.getrusage(resource.RUSAGE_SELF)  # before counting the rows
    figures = {
        "rows": _rows_in(job.result_file.path, fmt),
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,
        "size_mb": os.path.getsize(job.result_file.path) / 1e6,
        "load": os.getloadavg()[0],  # the machine's, over the last minute of the export
    }
    media.cleanup()
    print(json.dumps(figures))


def _rows_in(path: str, fmt: str) -> int:
    """Data rows of the file (after the timing and the peak memory were taken): its
    lines, or the row elements of its sheets, read as a stream, less each header."""
    if fmt == "csv":
        with open(path, "rb") as file:
            return sum(1 for _ in file) - 1
    count = 0
    with zipfile.ZipFile(path) as book:
        sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/")]
        for name in sheets:
            with book.open(name) as sheet:
                tail = b""
                while chunk := sheet.read(1 << 20):
                    if not tail:  # the frozen rows (the heading and the header) are not data
                        count -= int(re.search(rb'ySplit="(\d+)"', chunk)[1])
                    count += (tail + chunk).count(b"<row ")
                    tail = chunk[-4:]  # a "<row " cut in two, never counted twice
    return count


def rows() -> list:
    """``python -m bench``: the 1M-row exports."""
    from bench.table import Row

    with bench_database():
        return [Row(what, target, measured) for what, target, measured in export_results()]


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        worker(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        with bench_database():
            for what, target, measured in export_results(*[int(a) for a in sys.argv[1:2]]):
                print(f"{what}: {measured} (target {target})", flush=True)
