"""The load test's own logic (``python -m chiso.bench.load``): which database it may empty, how it counts."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from chiso.bench.load import Sample, _database_url, _report, _server_words


def test_it_empties_only_a_database_named_for_it(tmp_path: Path) -> None:
    assert _database_url("sqlite", tmp_path) == f"sqlite:///{tmp_path / 'load.sqlite3'}"
    assert _database_url("postgres://u@h/chiso_x_load", tmp_path) == "postgres://u@h/chiso_x_load"
    with pytest.raises(SystemExit, match="contains 'load'"):
        _database_url("postgres://u@h/chiso", tmp_path)


def _args() -> argparse.Namespace:
    return argparse.Namespace(server="waitress", readers=20, figures=200_000)


def test_server_errors_and_unanswered_requests_are_counted_apart_and_fail_the_goal() -> None:
    samples = [Sample("page", "import", 0.2, 200), Sample("page", "import", 0.4, 500),
               Sample("page", "import", 60.0, 0), Sample("write", "import", 0.3, 200),
               Sample("direct write", "import", 0.05, 200), Sample("login", "baseline", 0.5, 400)]
    report = _report(_args(), "sqlite:///x", samples, {"changed": 200_000, "longest_write_s": 0.9})
    read = report["requests"]["page (import)"]
    assert (read["count"], read["server_errors"], read["no_answer"], read["p50_ms"], read["max_ms"]) == (
        3, 1, 1, 400, 60000)
    assert report["requests"]["login (baseline)"]["other_failures"] == 1
    assert report["server_errors"] == 1
    assert report["table"].endswith("goal: 0 server errors, other writers wait ≤ 1 s → NOT met")


def test_the_goal_is_met_with_no_error_and_writes_within_a_second() -> None:
    samples = [Sample("api read", "import", 2.5, 200), Sample("write", "import", 0.8, 200),
               Sample("direct write", "import", 0.9, 200)]
    report = _report(_args(), "postgres://u@h/chiso_load", samples, {})
    assert report["database"] == "PostgreSQL"
    assert report["table"].endswith("→ met")


def test_pages_and_api_reads_are_reported_apart_and_the_server_is_named() -> None:
    samples = [Sample("page", "baseline", 0.1, 200), Sample("page", "baseline", 0.3, 200),
               Sample("api read", "baseline", 0.05, 200)]
    report = _report(argparse.Namespace(server="serve", workers=3, readers=20, figures=200_000), "sqlite:///x",
                     samples, {})
    assert (report["requests"]["page (baseline)"]["count"], report["requests"]["api read (baseline)"]["count"]) == (
        2, 1)
    assert report["table"].startswith("chiso load — SQLite, chiso serve with 3 workers × 4 threads, 20 readers")
    assert _server_words(argparse.Namespace(server="runserver", readers=20)) == "runserver"
    assert _server_words(argparse.Namespace(server="waitress", readers=20)) == "waitress with 24 threads"
