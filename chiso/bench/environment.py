"""The benchmark's own database, chosen before Django reads its settings. Never the user's database.

* default: a fresh SQLite file in a new temporary folder;
* ``--database postgres``: the database ``chiso_bench`` on the server of ``CHISO_TEST_POSTGRES_URL``,
  dropped and created again;
* ``--database-url URL``: any PostgreSQL or SQLite URL whose database name contains "bench"
  (so a typo cannot wipe a real database); it is emptied first.

No Django import here: this runs before the settings exist.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DB_NAME = "chiso_bench"
MARKER = "CHISO_BENCH_DATABASE"  # set to the URL the benchmark may empty; the command checks it


class BenchEnvironmentError(Exception):
    """The benchmark's database cannot be prepared; the message says why."""


def _options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--database-url", default="")
    known, _ = parser.parse_known_args(argv)
    return known


def bench_url(argv: list[str], folder: Path) -> str:
    """The URL of the benchmark database for these command-line arguments."""
    from chiso import conf

    options = _options(argv)
    if options.database_url:
        url = options.database_url
        name = urlsplit(url).path.rsplit("/", 1)[-1]
        if "bench" not in name:
            raise BenchEnvironmentError(
                f"--database-url: the database name '{name}' does not contain 'bench'. The benchmark empties "
                "its database, so it only uses one whose name says so (e.g. …/chiso_bench).")
        return url
    if options.database == "postgres":
        server = urlsplit(conf.env_str("CHISO_TEST_POSTGRES_URL"))
        return urlunsplit((server.scheme, server.netloc, f"/{BENCH_DB_NAME}", "", ""))
    return f"sqlite:///{folder / 'bench.sqlite3'}"


def recreate(url: str) -> None:
    """Empty the benchmark database: drop and create it (PostgreSQL) or delete the file (SQLite)."""
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        path = Path(parts.path[1:] if parts.path.startswith("//") else parts.path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg

    name = parts.path.lstrip("/")
    server = urlunsplit((parts.scheme.replace("postgresql", "postgres"), parts.netloc, "/postgres", "", ""))
    try:
        with psycopg.connect(server, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        raise BenchEnvironmentError(f"Cannot prepare the PostgreSQL database {name} at {parts.hostname}: "
                                    f"{error}".strip()) from None


def prepare_bench_environment(argv: list[str]) -> str:
    """Set CHISO_DATA_DIR and CHISO_DATABASE_URL to the benchmark's own, emptied database; return its URL."""
    folder = Path(tempfile.mkdtemp(prefix="chiso-bench-"))
    url = bench_url(argv, folder)
    recreate(url)
    os.environ["CHISO_DATA_DIR"] = str(folder)
    os.environ["CHISO_DATABASE_URL"] = url
    os.environ[MARKER] = url
    return url
