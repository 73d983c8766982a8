"""The embedded PostgreSQL: started on demand, shared by processes started at once."""

import shutil
import subprocess
import sys
import textwrap
import uuid

import pytest

from core.database import (
    database_from_url,
    embedded_server_stop,
    embedded_settings,
    shared_buffers_mb,
)

PROBE = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    import psycopg
    from core.database import embedded_server
    server = embedded_server(Path(sys.argv[1]))
    with psycopg.connect(server.get_uri()) as conn:
        print(conn.execute("select pg_postmaster_start_time()").fetchone()[0])
    """
)


@pytest.mark.slow
def test_two_processes_starting_at_once_share_one_server(settings):
    # Under var/ rather than pytest's tmp_path: the wheel, as root, opens the
    # parent folders to its server user, and pytest's shared temp folders are
    # cleaned and re-created by other test runs on the same machine.
    data = settings.VAR_DIR / f"test-pgdata-{uuid.uuid4().hex[:8]}"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", PROBE, str(data)], stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120)[0].strip() for p in procs]
    try:
        assert all(p.returncode == 0 for p in procs)
        assert outputs[0] == outputs[1] != ""  # same server, same start time
    finally:
        embedded_server_stop(data)
        shutil.rmtree(data)


def test_database_url_with_socket_host_and_port():
    db = database_from_url("postgresql://clerk:s%40cret@/yibao?host=/var/run/postgresql")
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["NAME"]) == (
        "clerk",
        "s@cret",
        "/var/run/postgresql",
        "yibao",
    )
    db = database_from_url("postgres://u:p@db.internal:6543/hall")
    assert (db["HOST"], db["PORT"], db["NAME"]) == ("db.internal", "6543", "hall")


def test_connections_are_kept_only_when_the_environment_says(monkeypatch):
    monkeypatch.delenv("DATABASE_CONN_MAX_AGE", raising=False)
    db = database_from_url("postgresql://u@/yibao?host=/tmp")
    assert (db["CONN_MAX_AGE"], db["CONN_HEALTH_CHECKS"]) == (0, False)
    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", "300")
    db = database_from_url("postgresql://u@/yibao?host=/tmp")
    assert (db["CONN_MAX_AGE"], db["CONN_HEALTH_CHECKS"]) == (300, True)


def test_database_url_must_be_postgresql():
    with pytest.raises(ValueError, match="postgresql"):
        database_from_url("sqlite:///db.sqlite3")


@pytest.mark.parametrize(
    ("memory_gib", "expected_mb"),
    [(24, 2048), (4, 512), (0.5, 128)],  # an eighth, at most 2 GB, at least 128 MB
)
def test_shared_buffers_are_an_eighth_of_memory_bounded(monkeypatch, memory_gib, expected_mb):
    pages = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": int(memory_gib * 2**30 / 4096)}
    monkeypatch.setattr("os.sysconf", pages.__getitem__)
    assert shared_buffers_mb({}) == expected_mb
    assert shared_buffers_mb({"YIBAO_PG_SHARED_BUFFERS": "768"}) == 768


def test_server_settings_are_included_once_from_the_cluster_config(tmp_path, monkeypatch):
    monkeypatch.setenv("YIBAO_PG_SHARED_BUFFERS", "256")
    embedded_settings(tmp_path)  # no cluster yet: nothing written
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "postgresql.conf").write_text("max_connections = 100\n")
    embedded_settings(tmp_path)
    embedded_settings(tmp_path)
    assert (tmp_path / "yibao.conf").read_text() == "shared_buffers = '256MB'\n"
    conf = (tmp_path / "postgresql.conf").read_text()
    assert conf == "max_connections = 100\n\ninclude_if_exists = 'yibao.conf'\n"
