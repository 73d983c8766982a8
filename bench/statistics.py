"""The statistics over a full year from the summary, against a generated database.

    DATABASE_URL=postgresql://…/gen_1m?host=… .venv/bin/python -m bench.statistics [--explain]

``sharing_statistics`` for this year (1 January to 31 December) called ``CALLS``
times after one warm-up: the 95th percentile of the wall time, the CPU time of a
call in Python and in its PostgreSQL backend (read from /proc: the server on this
machine), and the load average beside them (a busy machine stretches wall
times, not CPU). ``--explain`` also prints EXPLAIN (ANALYZE, BUFFERS) of its query.
The page itself (the same call, the labels and the chart) is ``bench.pages``'s
"statistics page, a full year".
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
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def rows() -> list[Row]:
    django_ready()
    from django.db import connection

    from reports.models import StatisticsDay
    from reports.selectors import sharing_statistics

    year = _year()
    sharing_statistics(**year)  # warm-up
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    walls, cpus = [], []
    server = _server_cpu_ms(backend)
    for _ in range(CALLS):
        wall, cpu = time.perf_counter(), time.process_time()
        sharing_statistics(**year)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    server = (_server_cpu_ms(backend) - server) / CALLS
    p95 = statistics.quantiles(walls, n=20, method="inclusive")[-1]
    summary = StatisticsDay.objects.filter(day__range=(year["start"], year["end"])).count()
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    return [
        Row(
            f"statistics, sharing_statistics({year['start']}..{year['end']}) from the summary",
            f"≤ {TARGET_MS} ms",
            f"{p95:,.0f} ms p95 wall, {statistics.median(cpus):,.0f} ms Python CPU and "
            f"{server:,.0f} ms PostgreSQL CPU a call, "
            f"{summary:,} summary rows read, load {load}",
            p95 <= TARGET_MS,
        )
    ]


if __name__ == "__main__":
    from bench.table import table

    print(table(rows()))
    if "--explain" in sys.argv[1:]:
        print(explain())
