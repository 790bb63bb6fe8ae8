"""The SQLite connection settings behind defect 8 of issue 8: during a long import every other write and
login answered 500 after ~5 s (SQLite's default lock wait). A fresh database is in WAL mode (readers never
wait for a writer), takes the write lock at BEGIN and lets a writer wait up to the busy timeout.

These open their own SQLite file with the project's options, so they run the same on a PostgreSQL run.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper

HOLD_SECONDS = 6.0  # longer than SQLite's default 5 s wait, well under the project's busy timeout


@pytest.fixture(autouse=True)
def _own_files(django_db_blocker):  # no test database: each test opens its own SQLite file
    with django_db_blocker.unblock():
        yield


def _connection(path: Path, alias: str) -> DatabaseWrapper:
    wrapper = DatabaseWrapper({
        **settings.DATABASES["default"], "ENGINE": "django.db.backends.sqlite3", "NAME": str(path),
        "OPTIONS": dict(settings.SQLITE_OPTIONS), "CONN_MAX_AGE": 0, "ATOMIC_REQUESTS": False,
        "AUTOCOMMIT": True, "TIME_ZONE": None, "USER": "", "PASSWORD": "", "HOST": "", "PORT": "",
        "TEST": {},
    }, alias=alias)
    wrapper.ensure_connection()
    return wrapper


def test_a_fresh_sqlite_database_is_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    db = _connection(tmp_path / "fresh.sqlite3", "fresh")
    try:
        with db.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 30_000
            cursor.execute("PRAGMA temp_store")
            assert cursor.fetchone()[0] == 2  # MEMORY
        assert db.transaction_mode == "IMMEDIATE"
    finally:
        db.close()


def test_a_writer_waits_for_a_long_write_instead_of_failing(tmp_path: Path) -> None:
    """Defect 8: another writer's save waited ~5 s, then 'database is locked' (a 500). Now it waits."""
    path = tmp_path / "busy.sqlite3"
    setup = _connection(path, "setup")
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE figure (id integer PRIMARY KEY, value integer)")
        cursor.execute("INSERT INTO figure VALUES (1, 1), (2, 2)")
    setup.close()
    held = threading.Event()

    def long_write() -> None:  # an import holding the write lock longer than SQLite's default wait
        db = _connection(path, "import")
        try:
            with db.cursor() as cursor:
                cursor.execute("BEGIN IMMEDIATE")
                cursor.execute("UPDATE figure SET value = 10 WHERE id = 1")
                held.set()
                time.sleep(HOLD_SECONDS)
                cursor.execute("COMMIT")
        finally:
            db.close()

    thread = threading.Thread(target=long_write)
    thread.start()
    assert held.wait(5)
    other = _connection(path, "other")
    try:
        started = time.monotonic()
        with other.cursor() as cursor:  # raised OperationalError 'database is locked' after 5 s
            cursor.execute("UPDATE figure SET value = 20 WHERE id = 2")
            waited = time.monotonic() - started
            cursor.execute("SELECT value FROM figure ORDER BY id")
            assert [row[0] for row in cursor.fetchall()] == [10, 20]
        assert 4.0 < waited < HOLD_SECONDS + 2
    finally:
        other.close()
        thread.join()
