"""The statistics over a full year from the summary, against a generated database.

    DATABASE_URL=postgresql://…/gen_1m?host=… .venv/bin/python -m bench.statistics [--explain]

``sharing_statistics`` for this year (1 January to 31 December) called ``CALLS``
times after one warm-up: the 95th percentile of the wall time, the CPU time of a
call in Python and in its PostgreSQL backend (read from /proc: the server on this
machine), and the load average beside them (a busy machine stretches wall
times, not CPU). ``--explain`` also prints EXPLAIN (ANALYZE, BUFFERS) of its query.
Then the page itself (the same call, the labels, links and chart) the same way;
``bench.pages``'s "statistics page, a full year" is its wall time among the others.
"""

import os
import statistics
import sys
import time

from bench.common import django_ready
from bench.table import Row

CALLS, TARGET_MS = 20, 500


def _year():
    from django.utils import timezone

    today = timezone.localdate()
    return {"start": today.replace(month=1, day=1), "end": today.replace(month=12, day=31)}


def explain() -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the summary query of the year."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from reports.selectors import sharing_statistics

    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        sharing_statistics(**_year())
    (query,) = [q["sql"] for q in captured.captured_queries if "reports_statisticsday" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query}")
        return "\n".join(line for (line,) in cursor.fetchall())


def _server_cpu_ms(pid: int) -> float:
    """CPU time used so far by the PostgreSQL backend ``pid`` (same machine: /proc),
    which a busy machine does not stretch as it does the wall time."""
    from yibao.datagen.meter import process_cpu

    return process_cpu(pid) * 1000


def _timed(call, backend: int) -> tuple[list[float], float, float]:
    """``call`` run ``CALLS`` times: the wall times (ms), and the median Python and
    the mean PostgreSQL CPU time of one call (ms)."""
    walls, cpus = [], []
    server = _server_cpu_ms(backend)
    for _ in range(CALLS):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return walls, statistics.median(cpus), (_server_cpu_ms(backend) - server) / CALLS


def _row(what: str, call, backend: int, extra: str = "") -> Row:
    call()  # warm-up
    walls, python, server = _timed(call, backend)
    p95 = statistics.quantiles(walls, n=20, method="inclusive")[-1]
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    return Row(
        what,
        f"≤ {TARGET_MS} ms",
        f"{p95:,.0f} ms p95 wall, CPU a call: {python:,.0f} ms Python, {server:,.0f} ms "
        f"PostgreSQL{extra}; load {load}",
        p95 <= TARGET_MS,
    )


def rows() -> list[Row]:
    django_ready()
    from django.db import connection

    from bench.pages import bench_client, plain_static
    from reports.models import StatisticsDay
    from reports.selectors import sharing_statistics

    year = _year()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    read = StatisticsDay.objects.filter(day__range=(year["start"], year["end"])).count()
    client = bench_client()
    url = f"/admin/documents/reports/sharing/?start={year['start']}&end={year['end']}"

    def page():
        assert client.get(url).status_code == 200

    with plain_static():
        return [
            _row(
                f"statistics, sharing_statistics({year['start']}..{year['end']}) from the summary",
                lambda: sharing_statistics(**year),
                backend,
                f", {read:,} summary rows read",
            ),
            _row("statistics page, a full year (CPU split)", page, backend),
        ]


if __name__ == "__main__":
    from bench.table import table

    print(table(rows()))
    if "--explain" in sys.argv[1:]:
        print(explain())
