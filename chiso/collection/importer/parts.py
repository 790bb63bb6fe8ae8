"""Importing a large CSV of figures (one per row: unit, period, data element, value, …) part by part, so that
memory holds one part, not the file: a million figures take what twenty thousand do.

The file is read from disk row by row; every ``PART_ROWS`` rows, at a change of unit or period (so that the
rules across a unit's figures of a period see them together), the part is previewed like a whole file
(``preview``: read, resolve, compare), its figures checked by ``values.parted.PartedWrite.check`` (every rule
of the write action, and a cell given twice in two parts refused) and, when clean, staged. Nothing is written
until the last part is clean: then one short transaction writes everything, or nothing at all. Faults name the
file's own rows.

Only plain long CSV files (header on row 1; UTF-8 or a one-byte encoding) with more rows than one part take this
path (``import_in_parts`` answers None otherwise): every other file is read whole by ``preview``.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.db import connection

from chiso.collection.importer import checks
from chiso.collection.importer.decoding import DecodeError, decode, sniff_delimiter
from chiso.collection.importer.items import Change, Item
from chiso.collection.importer.preview import Preview, preview
from chiso.collection.importer.problems import MAX_PROBLEMS, ImportProblem
from chiso.collection.validation import Violation
from chiso.values.actions import CheckResult, User, ValueEntry, ValueWriteError, WriteResult
from chiso.values.models import Channel
from chiso.values.parted import PartedWrite

PART_ROWS = 20_000
HEAD_BYTES = 1 << 20  # what the encoding and delimiter are read from
TEMP_CACHE_KB = 64 * 1024  # SQLite's page cache for the stage: a part's worth stays in memory, the rest on disk
SHOWN = 1000  # changes, violations, outliers and warnings kept for display
NO_FIGURES = "Tệp không có số liệu nào"  # preview's fault for a file of blank values only
WIDE_ENCODINGS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


@dataclass
class PartedImport:
    """What a parted import found and did; the lists keep the first ``SHOWN`` (``MAX_PROBLEMS`` problems)."""

    name: str
    encoding: str = ""
    delimiter: str = ""
    parts: int = 0
    total: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    warnings: list[ImportProblem] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    outliers: list[checks.Outlier] = field(default_factory=list)
    written: WriteResult | None = None
    more_problems: int = 0

    def fault(self, problem: ImportProblem) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.more_problems += 1


def import_in_parts(path: Path, *, acting_user: User | None, hierarchy: str | None = None, dry_run: bool = False,
                    part_rows: int | None = None) -> PartedImport | None:
    """Preview and (unless ``dry_run`` or any fault) write ``path`` part by part; None when the file is not a
    plain long CSV longer than one part (then ``preview`` reads it whole)."""
    part_rows = part_rows or PART_ROWS
    opened = _open(path)
    if opened is None:
        return None
    text, encoding, delimiter = opened
    with text:
        rows = csv.reader(text, delimiter=delimiter)
        header = next(rows, None)
        if header is None:
            return None
        first = _take(rows, part_rows + 1)
        if len(first) <= part_rows:
            return None  # one part: the whole-file path says the same, with everything listed
        sample = preview(path.name, _csv(header, first[:1]), acting_user=acting_user, hierarchy=hierarchy,
                         max_bytes=None)
        layout = sample.layouts[0] if sample.layouts else None
        if layout is None or layout.kind != "long" or layout.header_row != 1:
            return None
        place = [layout.columns[c] for c in ("unit", "unit_name", "period") if c in layout.columns]
        outcome = PartedImport(path.name, encoding, delimiter)
        with _file_backed_temp_tables(), PartedWrite(acting_user=acting_user, channel=Channel.IMPORT,
                                                     reason=f"Nhập từ tệp {path.name}") as write:
            offset, seen, blind = 0, (0, 0), False
            try:
                for part in _parts(first, rows, part_rows, place):
                    def check(entries: list[ValueEntry], items: list[Item], at: int = offset) -> CheckResult:
                        return write.check(entries, [item.row + at for item in items])

                    clean = not outcome.problems
                    found = preview(path.name, _csv(header, part), acting_user=acting_user, hierarchy=hierarchy,
                                    max_bytes=None, number_seen=seen, check=check)
                    blind = blind or (found.doubtful > 0 and seen == (0, 0) and found.number_seen == (0, 0))
                    seen = found.number_seen
                    _gather(outcome, found, offset)
                    if clean and not found.problems and found.items and not dry_run:
                        write.keep()
                    offset += len(part)
                    outcome.parts += 1
            except (UnicodeDecodeError, csv.Error) as error:
                outcome.fault(ImportProblem(path.name, None, offset + 2, None, None,
                              f"Không đọc tiếp được tệp từ khoảng dòng {offset + 2} ({error}). Lưu lại tệp dạng "
                              "\"CSV UTF-8\" rồi nhập lại; chưa ghi gì.",
                              f"The file cannot be read beyond about row {offset + 2} ({error}). Save it as "
                              "\"CSV UTF-8\" and import again; nothing was written."))
            if outcome.total == 0 and not outcome.problems:
                outcome.fault(ImportProblem(path.name, None, None, None, None,
                              "Tệp không có số liệu nào để nhập (mọi ô giá trị đều trống).",
                              "The file holds no figures to import (every value cell is empty)."))
            if blind and seen[1]:
                outcome.fault(ImportProblem(path.name, None, None, None, None,
                              "Tệp viết số kiểu Anh (1,234.5) nhưng có phần đầu chỉ có số như 1.234, đã đọc theo "
                              "kiểu Việt Nam. Viết mọi số cùng một kiểu rồi nhập lại; chưa ghi gì.",
                              "The file writes numbers the English way (1,234.5) but an early part only has "
                              "numbers like 1.234, read the Vietnamese way. Write every number one way and "
                              "import again; nothing was written."))
            if not outcome.problems and not dry_run:
                try:
                    outcome.written = write.commit()
                except ValueWriteError as error:
                    for refusal in error.refusals:
                        outcome.fault(ImportProblem(path.name, None, None, None, None, refusal.message,
                                                    refusal.message_en or refusal.message))
    return outcome


def _open(path: Path) -> tuple[io.TextIOWrapper, str, str] | None:
    """The file as text with its encoding and delimiter, read from its first megabyte; None for a file this path
    does not take (not text, UTF-16, an Excel delimiter line)."""
    try:
        with path.open("rb") as raw:
            head = raw.read(HEAD_BYTES)
    except OSError:
        return None
    if head.startswith(WIDE_ENCODINGS) or head.startswith(b"PK\x03\x04") or b"\x00" in head:
        return None
    cut = head if len(head) < HEAD_BYTES else head[:head.rfind(b"\n") + 1]
    try:
        decoded = decode(cut)
    except DecodeError:
        return None
    if decoded.text.lstrip().lower().startswith("sep="):
        return None
    return (path.open(encoding=decoded.encoding, newline="", errors="strict"), decoded.label,
            sniff_delimiter(decoded.text))


def _take(rows: Iterator[list[str]], count: int) -> list[list[str]]:
    taken = []
    for row in rows:
        taken.append(row)
        if len(taken) >= count:
            break
    return taken


def _parts(first: list[list[str]], rows: Iterator[list[str]], size: int, place: list[int],
           ) -> Iterator[list[list[str]]]:
    """Parts of about ``size`` rows, each ending where the unit or period changes."""
    def key(row: list[str]) -> tuple[str, ...]:
        return tuple(row[i] if i < len(row) else "" for i in place)

    part: list[list[str]] = []
    pending = iter(first)
    for source in (pending, rows):
        for row in source:
            if len(part) >= size and key(row) != key(part[-1]):
                yield part
                part = []
            part.append(row)
    if part:
        yield part


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _moved(problem: ImportProblem, offset: int) -> ImportProblem:
    return problem if problem.row is None or problem.row == 1 else replace(problem, row=problem.row + offset)


def _gather(outcome: PartedImport, found: Preview, offset: int) -> None:
    general = {p.message_vi for p in outcome.problems if p.row is None}
    for problem in found.problems:
        if problem.row is None and (problem.message_vi in general or problem.message_vi.startswith(NO_FIGURES)):
            continue  # said by an earlier part already; a part of blank values is no fault of the file
        outcome.fault(_moved(problem, offset))
    outcome.warnings += [_moved(w, offset) for w in found.warnings[:SHOWN - len(outcome.warnings)]]
    outcome.total += found.total
    outcome.new, outcome.changed, outcome.unchanged = (outcome.new + found.new, outcome.changed + found.changed,
                                                       outcome.unchanged + found.unchanged)
    outcome.changes += found.changes[:SHOWN - len(outcome.changes)]
    outcome.violations += found.violations[:SHOWN - len(outcome.violations)]
    outcome.outliers += found.outliers[:SHOWN - len(outcome.outliers)]


@contextmanager
def _file_backed_temp_tables() -> Iterator[None]:
    """SQLite keeps temporary tables in memory (settings: ``temp_store=MEMORY``); a parted import's stage and
    ledger hold every figure of the file, so for its length they go to a temporary file, read through SQLite's
    page cache (``TEMP_CACHE_KB``: about 200.000 staged figures stay in memory, a million spill to disk).
    (Changing temp_store drops existing temporary tables: there are none between writes. SQLite refuses the
    change inside a transaction: a caller's transaction, as in the tests, keeps memory.)"""
    change = connection.vendor == "sqlite" and not connection.in_atomic_block
    if change:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA temp_store = FILE")
            cursor.execute(f"PRAGMA temp.cache_size = -{TEMP_CACHE_KB}")
    try:
        yield
    finally:
        if change:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA temp_store = MEMORY")
