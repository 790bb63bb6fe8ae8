"""``chiso demo`` keeps what a user entered (issue #11): the demo database built before is reused, ``--fresh``
builds it again, and a build that never finished is built again rather than reused. The decision, not a
server: ``chiso.demo.database`` and the ``chiso`` command's preparation (before Django opens anything)."""

from __future__ import annotations

import os
import re

import pytest

from chiso.cli import prepare_demo_environment
from chiso.demo.database import DEMO_DB, Plan, decide, forget, is_built, mark_built, mark_of


@pytest.fixture
def database(tmp_path):
    return tmp_path / DEMO_DB


def built(database):
    database.write_bytes(b"SQLite format 3\x00 with yesterday's figures")
    mark_built(database)
    return database


def test_nothing_there_is_built(database):
    choice = decide(database, fresh=False)
    assert (choice.plan, choice.message) == (Plan.BUILD, f"Dựng cơ sở dữ liệu mẫu mới tại {database}.")
    assert decide(database, fresh=True).plan is Plan.BUILD


def test_a_finished_build_is_reused_and_says_so(database):
    built(database)
    choice = decide(database, fresh=False)
    assert choice.plan is Plan.REUSE
    assert re.fullmatch(
        rf"Dùng lại cơ sở dữ liệu mẫu có sẵn ở {re.escape(str(database))} "
        r"\(dựng xong lúc \d\d:\d\d \d\d/\d\d/\d{4}\); "
        r"những gì bạn đã nhập vẫn còn \(--fresh để tạo lại\)\.", choice.message)


def test_fresh_rebuilds_a_finished_build(database):
    built(database)
    choice = decide(database, fresh=True)
    assert (choice.plan, choice.message) == (Plan.REBUILD, (
        f"Tạo lại cơ sở dữ liệu mẫu (--fresh): xóa bản cũ ở {database}, kể cả những gì đã nhập vào đó, "
        "rồi dựng lại."))


def test_a_half_built_database_is_rebuilt_not_reused(database):
    database.write_bytes(b"SQLite format 3\x00 half of the units")  # the build crashed: no mark
    choice = decide(database, fresh=False)
    assert (choice.plan, choice.message) == (Plan.REBUILD, (
        f"Cơ sở dữ liệu mẫu ở {database} chưa dựng xong (lần dựng trước bị ngắt giữa chừng): xóa và dựng lại "
        "từ đầu."))


def test_a_mark_without_its_database_is_a_new_build(database):
    mark_built(database)
    assert decide(database, fresh=False).plan is Plan.BUILD
    assert not is_built(database)


def test_forget_removes_the_database_its_journals_and_its_mark(database):
    built(database)
    for suffix in ("-wal", "-shm", "-journal"):
        database.with_name(DEMO_DB + suffix).write_bytes(b"")
    forget(database)
    assert sorted(p.name for p in database.parent.iterdir()) == []


@pytest.fixture
def demo_env(monkeypatch):
    """prepare_demo_environment sets these two; monkeypatch puts the test run's own back afterwards."""
    for name in ("CHISO_DATA_DIR", "CHISO_DATABASE_URL"):
        monkeypatch.setenv(name, os.environ.get(name, ""))


def test_the_chiso_command_keeps_a_finished_demo(tmp_path, demo_env, capsys):
    database = built(tmp_path / DEMO_DB)
    prepare_demo_environment(["demo", "--no-serve", "--data-dir", str(tmp_path)])
    assert database.read_bytes() == b"SQLite format 3\x00 with yesterday's figures"
    assert os.environ["CHISO_DATABASE_URL"] == f"sqlite:///{database}"
    assert capsys.readouterr().out.startswith(f"Dùng lại cơ sở dữ liệu mẫu có sẵn ở {database} ")


@pytest.mark.parametrize(("argv", "finished"), [(["--fresh"], True), ([], False)])
def test_the_chiso_command_throws_away_a_half_built_or_fresh_demo(tmp_path, demo_env, capsys, argv, finished):
    database = tmp_path / DEMO_DB
    if finished:
        built(database)
    else:
        database.write_bytes(b"half")
    database.with_name(DEMO_DB + "-wal").write_bytes(b"")
    prepare_demo_environment(["demo", *argv, f"--data-dir={tmp_path}"])
    assert not database.exists() and not mark_of(database).exists()
    assert not database.with_name(DEMO_DB + "-wal").exists()
    said = capsys.readouterr().out
    assert said.startswith("Tạo lại" if finished else f"Cơ sở dữ liệu mẫu ở {database} chưa dựng xong")
