"""Run a benchmark in a throw-away database (Django's test database machinery).

The database is created, migrated, used and dropped, so benchmarks never touch the
demo or production data of the server they run against.
"""

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yibao.settings")
# As the owner: a benchmark creates and drops its own database, loads by COPY and
# runs ANALYZE (core/database.py, ``runs_as_owner``).
os.environ.setdefault("YIBAO_DATABASE_ROLE", "owner")


def django_ready():
    """Django set up on the configured database itself (``DATABASE_URL``)."""
    import django

    django.setup()


@contextmanager
def bench_database():
    import django
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    django.setup()
    from django.conf import settings

    # Its own database name, so a benchmark and the test suite can run side by side.
    settings.DATABASES["default"]["TEST"]["NAME"] = os.environ.get("YIBAO_BENCH_DB", "yibao_bench")
    setup_test_environment()
    config = setup_databases(verbosity=0, interactive=False, keepdb=False)
    try:
        yield
    finally:
        teardown_databases(config, verbosity=0)


@contextmanager
def timed(label: str, count: int, unit: str = "op"):
    start = time.perf_counter()
    yield
    seconds = time.perf_counter() - start
    print(f"{label}: {count} {unit}s in {seconds:.2f} s = {count / seconds:,.0f} {unit}/s")
