"""Whether ``chiso demo`` reuses the demo database it built before or builds it (again).

A newcomer who entered figures yesterday finds them today: a demo database that was built to the end is
reused, unless ``--fresh`` asks for a new one. A build that did not finish (a crash, Ctrl-C) leaves no
mark, so its half-built database is thrown away and built again rather than reused. Pure file logic, no
Django: the ``chiso`` command decides before Django opens the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

DEMO_DB = "chiso.sqlite3"
BUILT_MARK = ".built"  # beside the database, written once a build has finished: chiso.sqlite3.built


class Plan(StrEnum):
    REUSE = "reuse"
    BUILD = "build"  # nothing there yet
    REBUILD = "rebuild"  # --fresh, or a build that did not finish


@dataclass(frozen=True)
class DemoDatabase:
    plan: Plan
    message: str


def mark_of(database: Path) -> Path:
    return database.with_name(database.name + BUILT_MARK)


def decide(database: Path, *, fresh: bool) -> DemoDatabase:
    """What to do with the demo database at ``database`` (the folder's ``chiso.sqlite3``)."""
    built = mark_of(database)
    if not database.exists():
        return DemoDatabase(Plan.BUILD, f"Dựng cơ sở dữ liệu mẫu mới tại {database}.")
    if fresh:
        return DemoDatabase(Plan.REBUILD, f"Tạo lại cơ sở dữ liệu mẫu (--fresh): xóa bản cũ ở {database}, "
                                          "kể cả những gì đã nhập vào đó, rồi dựng lại.")
    if not built.exists():
        return DemoDatabase(Plan.REBUILD, f"Cơ sở dữ liệu mẫu ở {database} chưa dựng xong (lần dựng trước bị "
                                          "ngắt giữa chừng): xóa và dựng lại từ đầu.")
    return DemoDatabase(Plan.REUSE, f"Dùng lại cơ sở dữ liệu mẫu có sẵn ở {database} (dựng xong lúc "
                                    f"{_when(built)}); những gì bạn đã nhập vẫn còn (--fresh để tạo lại).")


def forget(database: Path) -> None:
    """Remove the database, its SQLite journal files and its mark (the mark first: never a mark alone)."""
    mark_of(database).unlink(missing_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)


def mark_built(database: Path) -> None:
    """Record that the build of ``database`` finished (call it last)."""
    mark_of(database).write_text(f"{datetime.now().isoformat(timespec='seconds')}\n", encoding="utf-8")


def is_built(database: Path) -> bool:
    return database.exists() and mark_of(database).exists()


def _when(built: Path) -> str:
    text = built.read_text(encoding="utf-8").strip()
    try:
        return f"{datetime.fromisoformat(text):%H:%M %d/%m/%Y}"
    except ValueError:
        return "không rõ"
