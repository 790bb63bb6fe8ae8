"""A real streaming replica (issue #13 item 5): analytics reads go to it, writes never do.

PostgreSQL only. The test makes a second cluster with ``pg_basebackup -R`` from the test server (the one of
CHISO_DATABASE_URL, which must accept replication connections from 127.0.0.1: ``host replication all
127.0.0.1/32 trust`` in its pg_hba.conf), starts it on port 5433 as a hot standby (as the ``postgres`` OS user
when the tests run as root: PostgreSQL refuses to run as root), points a ``replica1`` alias at the test
database on it, and removes it afterwards. About 15 s. A standby opens for reads only once the primary has no
transaction with more than 64 savepoints open (another test run on the same server may hold one): after
60 s of that the test is skipped, saying so."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from chiso.web.replicas import PIN_COOKIE

PORT = 5433
OPEN_WITHIN = 60  # seconds the standby may take to open for reads
MIDDLEWARE_WITH_REPLICAS = "chiso.web.replicas.ReplicaMiddleware"


def _bin_dir() -> Path | None:
    """The folder holding pg_ctl and postgres of the server's own major version."""
    if connection.vendor != "postgresql":
        return None
    connection.ensure_connection()
    major = connection.pg_version // 10000
    candidates = [Path(f"/usr/lib/postgresql/{major}/bin")]
    if shutil.which("pg_ctl"):
        candidates.append(Path(shutil.which("pg_ctl")).resolve().parent)  # type: ignore[arg-type]
    for folder in candidates:
        if (folder / "pg_ctl").is_file() and (folder / "postgres").is_file() and (folder / "pg_basebackup").is_file():
            return folder
    return None


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture(scope="module")
def replica(request, django_db_blocker):
    """Module-scoped, so the ``replica1`` alias exists before the test case that may read it is set up."""
    if connection.vendor != "postgresql":
        pytest.skip("a streaming replica needs PostgreSQL (this run is on SQLite)")
    request.getfixturevalue("django_db_setup")  # the test database (and its small world) first: it is copied
    with django_db_blocker.unblock():
        folder_bin = _bin_dir()
    if folder_bin is None or shutil.which("pg_basebackup") is None:
        pytest.skip("pg_basebackup and pg_ctl (with postgres beside it) are not installed")
    primary = connection.settings_dict
    # As root the cluster runs as the postgres OS user, in a folder it can reach (its home: /tmp may be 0700).
    home = pwd.getpwnam("postgres").pw_dir if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="chiso-replica-", dir=home))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        max_connections = cursor.fetchone()[0]
    backup = subprocess.run(
        _as_postgres([str(folder_bin / "pg_basebackup"), "-h", primary["HOST"] or "127.0.0.1",
                      "-p", str(primary["PORT"] or 5432), "-U", primary["USER"] or "postgres",
                      "-D", str(data), "-R", "-X", "stream", "-c", "fast"]),
        capture_output=True, text=True, timeout=60)
    if backup.returncode:
        shutil.rmtree(folder, ignore_errors=True)
        if "no pg_hba.conf entry for replication" in backup.stderr:
            pytest.skip("the PostgreSQL server refuses replication connections: add `host replication all "
                        "127.0.0.1/32 trust` to its pg_hba.conf and reload it")
        pytest.fail(f"pg_basebackup failed: {backup.stderr}")
    # Debian keeps the configuration outside the data folder: the standby gets its own.
    (data / "postgresql.conf").write_text(
        f"listen_addresses = '127.0.0.1'\nport = {PORT}\nunix_socket_directories = '{folder}'\nhot_standby = on\n"
        f"max_connections = {max_connections}\nshared_buffers = 16MB\nfsync = off\n", encoding="utf-8")
    (data / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n", encoding="utf-8")
    if os.geteuid() == 0:
        for name in ("postgresql.conf", "pg_hba.conf"):
            shutil.chown(data / name, "postgres")
    pg_ctl = [str(folder_bin / "pg_ctl"), "-D", str(data)]
    try:
        started = subprocess.run(
            _as_postgres([*pg_ctl, "-l", str(folder / "log"), "-w", "-t", str(OPEN_WITHIN), "start"]),
            capture_output=True, text=True, timeout=OPEN_WITHIN + 30)
        if started.returncode:
            log = (folder / "log").read_text(errors="replace") if (folder / "log").exists() else ""
            if "consistent recovery state reached" in log:
                pytest.skip(f"the standby did not open for reads within {OPEN_WITHIN} s: a session on the primary "
                            "holds a transaction with more than 64 savepoints (another test run); try again later")
            pytest.fail(f"the replica did not start on port {PORT}: {started.stdout}{log[-2000:]}")
        connections.settings["replica1"] = {**primary, "PORT": PORT, "CONN_MAX_AGE": 0,
                                            "OPTIONS": {k: v for k, v in primary["OPTIONS"].items() if k != "pool"}}
        with django_db_blocker.unblock():
            _wait_until_it_answers("replica1")
        yield "replica1"
    finally:
        if "replica1" in connections.settings:
            connections["replica1"].close()
            del connections.settings["replica1"]
            del connections["replica1"]
        subprocess.run(_as_postgres([*pg_ctl, "-m", "immediate", "-w", "stop"]), capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def _wait_until_it_answers(alias: str) -> None:
    until = time.monotonic() + 20
    while True:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT pg_is_in_recovery()")
                assert cursor.fetchone()[0] is True  # a standby: it cannot write
                return
        except Exception:
            if time.monotonic() > until:
                raise
            connections[alias].close()
            time.sleep(0.3)


@pytest.mark.django_db(databases=["default", "replica1"])
def test_analytics_reads_go_to_the_replica_and_writes_never_do(replica):
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(2, MIDDLEWARE_WITH_REPLICAS)  # as settings.py puts it when replicas are set
    with override_settings(DATABASE_ROUTERS=["chiso.web.replicas.ReplicaRouter"], MIDDLEWARE=middleware):
        client = Client()
        with CaptureQueriesContext(connections["default"]) as on_primary, \
                CaptureQueriesContext(connections[replica]) as on_replica:
            page = client.get("/chi-tieu/XHS-06/?v=2024&don-vi=491")
        assert page.status_code == 200
        replica_sql = [q["sql"] for q in on_replica.captured_queries]
        assert any('"values_datavalue"' in sql for sql in replica_sql)  # the figures came from the replica
        assert all(sql.lstrip().upper().startswith(("SELECT", "SAVEPOINT", "RELEASE")) for sql in replica_sql)
        assert on_primary.captured_queries == []  # nothing of this page read the primary
        assert PIN_COOKIE not in page.cookies

        # A write: everything on the primary, and the writer is pinned to it for the next seconds.
        with CaptureQueriesContext(connections["default"]) as on_primary, \
                CaptureQueriesContext(connections[replica]) as on_replica:
            login = client.post("/nhap-lieu/dang-nhap/", {"username": "nobody", "password": "wrong"})
        assert login.status_code == 200  # the form again, with its error
        assert on_replica.captured_queries == []
        assert on_primary.captured_queries != []
        assert login.cookies[PIN_COOKIE]["max-age"] == 5
        with CaptureQueriesContext(connections["default"]) as on_primary, \
                CaptureQueriesContext(connections[replica]) as on_replica:
            again = client.get("/chi-tieu/XHS-06/?v=2024&don-vi=491")  # the client sends the cookie back
        assert again.status_code == 200
        assert on_replica.captured_queries == []
        assert any('"values_datavalue"' in q["sql"] for q in on_primary.captured_queries)
