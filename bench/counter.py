"""Single settlements at the counter (issue 12): settlements per second posted by 8
worker processes through ``settlement_receive``, against pgbench's tpcb-like tps
with 8 clients on the same server, both in one run.

    .venv/bin/python -m bench counter          # the row of the table
    .venv/bin/python -m bench.counter [PER_WORKER]

Each worker is a process of its own (as gunicorn's are) that keeps its connection
(as a worker with persistent connections does) and posts for grantors of its own,
so no worker waits for another's row lock: what is measured is the cost of one
settlement, not a queue on one account. Beside the rate it prints what a rate
under load hides: the load average, and the CPU time per settlement of the
workers (Python) and of their server backends (PostgreSQL, from ``/proc``).
"""

import datetime as dt
import os
import sys
import time

from bench.common import bench_database

WORKERS = 8


def counter_workers(pairs: list[tuple], workers: int = WORKERS, per_worker: int = 200) -> dict:
    """``workers`` processes post ``per_worker`` settlements each, every one for a
    grantor of its own: settlements/s, and the CPU seconds per settlement of the
    workers (``python_ms``) and of their server backends (``server_ms``)."""
    import multiprocessing

    from django.db import connections

    jobs = [
        [(g.id_number, c.id_number) for g, c in pairs[i * per_worker : (i + 1) * per_worker]]
        for i in range(workers)
    ]
    connections.close_all()  # each process opens its own connection
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        done = pool.starmap(_counter_work, enumerate(jobs))
    seconds = time.perf_counter() - start
    count = sum(n for n, _python, _server in done)
    servers = [server for _n, _python, server in done]
    return {
        "rate": count / seconds,
        "python_ms": 1000 * sum(python for _n, python, _server in done) / count,
        "server_ms": None if None in servers else 1000 * sum(servers) / count,
    }


def _counter_work(index: int, pairs: list[tuple]) -> tuple:
    from django.db import connection, connections

    from transfers.services.payments import settlement_receive
    from yibao.datagen.meter import process_cpu

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    server_before = process_cpu(backend)
    python_before = time.process_time()
    try:
        for n, (grantor, child) in enumerate(pairs):
            settlement_receive(
                settlement_id=f"W{index}-{n}",
                settled_at=dt.datetime(2025, 3, 11, 9, 0),
                institution_code="H32050000012",
                institution_name="苏州市立医院",
                use="就医",
                beneficiary_id_number=child,
                grantor_id_number=grantor,
                amount="12.30",
                operator=None,
            )
        python = time.process_time() - python_before
        server_after = process_cpu(backend)
    finally:
        connections.close_all()
    server = None if server_before is None else server_after - server_before
    return len(pairs), python, server


def counter_results(per_worker: int = 300, pgbench_seconds: int = 30) -> list:
    """The rows (``bench.table.Row``): the workers' rate, pgbench's tps (run after
    them, on the same server), their ratio, and the CPU and load beside them."""
    from accounts.selectors import ledger_mismatches
    from bench.settlements import families, pgbench_tps
    from bench.table import Row

    pairs = families(WORKERS * per_worker)
    workers = counter_workers(pairs, per_worker=per_worker)
    load_workers = os.getloadavg()[0]
    assert not ledger_mismatches()
    print(f"{WORKERS} counter workers: {workers['rate']:,.0f} settlements/s "
          f"(load {load_workers:.1f})", flush=True)  # fmt: skip
    tps = pgbench_tps(clients=WORKERS, seconds=pgbench_seconds)
    load_pgbench = os.getloadavg()[0]
    print(f"pgbench tpcb-like, {WORKERS} clients: {tps:,.0f} tps (load {load_pgbench:.1f})")
    server = "?" if workers["server_ms"] is None else f"{workers['server_ms']:.1f}"
    ratio = workers["rate"] / tps
    return [
        Row(f"single settlements, {WORKERS} workers, vs pgbench tpcb-like ({WORKERS} clients)",
            "≥ 20%", f"{workers['rate']:,.0f}/s / {tps:,.0f} tps = {ratio:.1%}", ratio >= 0.2),
        Row("  CPU per settlement: worker (Python) / server backend", "",
            f"{workers['python_ms']:.1f} ms / {server} ms"),
        Row("  load average (1 min) after the workers / after pgbench", "",
            f"{load_workers:.1f} / {load_pgbench:.1f}"),
    ]  # fmt: skip


def rows() -> list:
    """``python -m bench``: the counter's workers against pgbench."""
    with bench_database():
        return counter_results()


if __name__ == "__main__":
    from bench.table import table

    args = [int(a) for a in sys.argv[1:2] if a.isdigit()]
    with bench_database():
        print(table(counter_results(*args)))
