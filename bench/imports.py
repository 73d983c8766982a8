"""Credit-file import benchmark: check and write N rows, then the same file again.

    .venv/bin/python -m bench.imports [ROWS] [--memory]

Persons and accounts are bulk-created first (set-up, not measured). Prints the
time of the dry run (preview), the confirmed import and the re-import (every row
skipped), and the peak memory of the whole process; with ``--memory`` also the
peak Python memory of each step (tracemalloc, which slows the run several times).
"""

import csv
import datetime as dt
import io
import resource
import sys
import tracemalloc

from bench.common import bench_database, timed


def importer_and_confirmer():
    """Two supervisors of the national office: a credit file this large is posted
    on a second user's confirmation (``core.importing``, four eyes)."""
    from django.contrib.auth import get_user_model

    from staff.roles import roles_sync

    users = [
        get_user_model().objects.create_user(username=name, is_staff=True)
        for name in ("bench-importer", "bench-confirmer")
    ]
    roles = roles_sync()
    for user in users:
        # Also national: every region is in their scope (issue 11), with no hall.
        user.groups.add(roles["supervisor"], roles["national"])
    return users


def main(rows: int = 100_000, memory: bool = False):

    from accounts.imports import CreditsImport
    from accounts.models import InsuredPerson, PersonalAccount
    from accounts.selectors import ledger_mismatches
    from core.idnumbers import compose_id_number
    from core.importing import import_run

    importer, confirmer = importer_and_confirmer()

    numbers = [
        compose_id_number(
            "320500", dt.date(1960, 1, 1) + dt.timedelta(days=i // 400), i % 400 * 2 + 1
        )
        for i in range(rows)
    ]
    people = InsuredPerson.objects.bulk_create(
        [
            InsuredPerson(
                name=f"职工{i}",
                id_number=n,
                birth_date=dt.date(1960, 1, 1),
                gender="M",
                scheme="310",
                region_id="320500",
            )
            for i, n in enumerate(numbers)
        ],
        batch_size=5000,
    )
    PersonalAccount.objects.bulk_create(
        [PersonalAccount(person=p, number=f"B{p.pk:015d}") for p in people], batch_size=5000
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["批次号", "公民身份号码", "划入年月", "金额", "摘要"])
    for i, n in enumerate(numbers):
        writer.writerow(
            ["2025-03-320500-01", n, "2025-03", f"{100 + i % 300}.{i % 100:02d}", "三月划入"]
        )
    content = buffer.getvalue().encode("gb18030")
    print(f"file: {rows} rows, {len(content) / 1e6:.1f} MB (CSV, GB18030)")

    del people, numbers, buffer  # set-up objects out of the way of the measurement
    for label, dry_run in (
        ("preview (dry run)", True),
        ("confirmed import", False),
        ("same file again (all skipped)", False),
    ):
        if memory:
            tracemalloc.start()
        with timed(label, rows, "row"):
            report = import_run(
                CreditsImport(),
                content,
                filename="credits.csv",
                operator=importer,
                dry_run=dry_run,
                confirmed_by=confirmer,
            )
        assert report.accepted, report.errors[:3]
        print(f"  created {report.created}, skipped {report.skipped}")
        if memory:
            peak = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
            print(f"  peak Python memory of the import: {peak:.0f} MB")
    print(f"ledger mismatches: {len(ledger_mismatches())}")
    print(
        f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )


if __name__ == "__main__":
    with bench_database():
        main(*[int(a) for a in sys.argv[1:2] if a.isdigit()], memory="--memory" in sys.argv)
