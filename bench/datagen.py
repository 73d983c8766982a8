"""The data generator (issue 12: the 1M size in ≤ 15 minutes on the 2-core machine),
measured at a tenth of that size in a throw-away database, and multiplied by ten.

    .venv/bin/python -m bench datagen          # the row of the table
    .venv/bin/python -m bench.datagen [PERSONS]

The generator's work grows with the rows (COPY, one walk per account, index sorts
of ten times the rows: slightly more than ten times); the 1M run itself, its
steps and its CPU are in docs/BENCHMARKS.md. Beside the wall time it prints the
CPU seconds of this process and of the database server, and the load average.
"""

import os
import sys
import time

from bench.common import bench_database
from bench.table import Row

PERSONS, TARGET_S = 100_000, 15 * 60


def measure(persons: int = PERSONS) -> dict:
    from django.db import connection

    from yibao.datagen import generate
    from yibao.datagen.meter import postmaster_of, server_cpu

    with connection.cursor() as cursor:
        postmaster = postmaster_of(cursor)
    wall, python, server = time.perf_counter(), time.process_time(), server_cpu(postmaster)
    generate(persons)
    after = server_cpu(postmaster)
    return {
        "wall": time.perf_counter() - wall,
        "python": time.process_time() - python,
        "server": None if server is None else after - server,
        "load": os.getloadavg()[0],
    }


def rows(persons: int = PERSONS) -> list[Row]:
    with bench_database():
        m = measure(persons)
    scale = 1_000_000 / persons
    server = "?" if m["server"] is None else f"{m['server']:.0f}"
    return [
        Row(
            f"generate_data --persons {persons:,} (×{scale:g} for the 1M size)",
            f"≤ {TARGET_S // 60} min at 1M",
            f"{m['wall']:.0f} s wall (×{scale:g}: {m['wall'] * scale / 60:.1f} min); CPU python "
            f"{m['python']:.0f} s, server {server} s; load {m['load']:.1f}",
            m["wall"] * scale <= TARGET_S,
        )
    ]


if __name__ == "__main__":
    from bench.table import table

    print(table(rows(int(sys.argv[1]) if len(sys.argv) > 1 else PERSONS)))
