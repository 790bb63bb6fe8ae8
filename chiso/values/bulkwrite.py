"""How ``values.actions.do_set_values`` writes many figures quickly and holds the write lock briefly.

Only ``values.actions`` calls this; the rules live there (``client_side``, a way of reading many rows, and
``collector_paused`` are shared with the importer). The write is prepared before the write transaction and done
in it with a few set-based statements:

1. ``stored_figures`` reads the stored state of the cells (light rows, not ORM objects: an import of a
   million figures would otherwise hold a million model instances);
2. ``Stage.fill`` copies the planned rows into a temporary table (``COPY`` on PostgreSQL, its text written here
   in blocks; ``executemany`` on SQLite) *before* the write transaction: a temporary table is private to the
   connection, so filling it locks nothing another writer needs (on SQLite it lives in memory, outside the
   database file);
3. ``Stage.apply``, in the write transaction, one pass per kind of row: one ``UPDATE … FROM`` guarded by the
   revision each figure had when it was read, one ``INSERT … SELECT`` for the new figures, each followed by the
   ``INSERT`` of their history rows from the rows just written (PostgreSQL: in the same statement,
   ``RETURNING``; SQLite: the new figures' ids given up front), never by reading the figures back. If a figure
   moved since it was read, ``Moved`` is raised (the transaction rolls back) and the caller checks again under
   lock. On PostgreSQL a large write checks its foreign keys once for the whole stage instead of row by row
   (``AT_ONCE``, ``Stage._check_references``), when its role may turn the row checks off meanwhile.

On SQLite the write lock is held for these statements only (about 0,6 s per 200.000 figures on a quiet machine,
two to four times that under load); on PostgreSQL the rows are locked one by one by the ``UPDATE``, so writers of
other cells do not wait at all. A large write on SQLite is therefore applied in batches (``Stage.spans``, ``apply``
with ``rows``), each its own short transaction, its history rows naming a ``WriteRun``; ``undo`` takes back what
such a run wrote, batch by batch (``values.parted.PartedWrite`` and ``undo_run`` own when).
"""

from __future__ import annotations

import gc
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction

from chiso.indicators.models import DataElement
from chiso.units.models import Unit
from chiso.values.models import DataValue, DataValueHistory, WriteRun

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from chiso.values.actions import ValueEntry

Key = tuple[int, int, str]
CHUNK = 500  # cells per (…) IN (VALUES …) list of Places.add, well under every database's limit
BATCH = 10_000  # figures per transaction of a batched write on SQLite: about 0,05 s of write lock when quiet
# Seconds between two batches on SQLite. Its lock is not fair: a writer kept waiting retries every 0,1 s at most (the
# busy handler's longest sleep), so batches back to back could keep it out for several; a longer pause lets it in.
PAUSE = 0.15
TABLE = "chiso_value_stage"
COLUMNS = ("id", "revision", "data_element_id", "unit_id", "period", "period_start", "period_end", "value",
           "old_value", "qualifier", "source", "comment", "is_illustrative")
TYPES = {
    "postgresql": ("bigint", "integer", "bigint", "bigint", "varchar(12)", "date", "date", "numeric(20,6)",
                   "numeric(20,6)", "varchar(12)", "text", "text", "boolean"),
    # SQLite: the target columns apply their own affinity when the rows are copied, as with a direct insert
    "sqlite": ("integer", "integer", "integer", "integer", "text", "text", "text", "text", "text", "text", "text",
               "text", "integer"),
}
STORED = ("id", "data_element_id", "unit_id", "period", "value", "qualifier", "source", "comment",
          "is_illustrative", "is_deleted", "revision")


def pause() -> None:
    """Between two batches of a write: on SQLite, outside any caller's transaction, let waiting writers in."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        time.sleep(PAUSE)


def batch_size() -> int:
    """Figures per transaction of a large write on this database: ``BATCH`` on SQLite, whose one write lock a long
    transaction holds against every other writer; 0 (one transaction) on PostgreSQL, whose row locks block no one."""
    return BATCH if connection.vendor == "sqlite" else 0


class Moved(Exception):
    """A figure changed after it was read: the set-based write was rolled back."""


@dataclass(slots=True)
class StoredFigure:
    """A stored figure as the checks and the writer need it: what ``DataValue`` holds, without the ORM."""

    id: int
    data_element_id: int
    unit_id: int
    period: str
    value: Decimal | None
    qualifier: str
    source: str
    comment: str
    is_illustrative: bool
    is_deleted: bool
    revision: int

    @property
    def pk(self) -> int:
        return self.id

    @property
    def history(self) -> QuerySet[DataValueHistory]:
        return DataValueHistory.objects.filter(data_value_id=self.id)


def stored_figures(keys: Iterable[Key], *, lock: bool = False) -> dict[Key, StoredFigure]:
    """The stored figures (deleted ones included) of the cells asked for that exist; ``lock`` locks their
    rows (select_for_update: only inside a transaction)."""
    wanted = set(keys)
    if not wanted:
        return {}
    elements = set(map(itemgetter(0), wanted))
    periods = set(map(itemgetter(2), wanted))
    units = set(map(itemgetter(1), wanted))
    found: dict[Key, StoredFigure] = {}
    rows = DataValue.objects.filter(unit_id__any_of=units, data_element_id__in=elements, period__in=periods)
    if lock:
        rows = rows.select_for_update()
    for row in client_side(rows.values_list(*STORED)):
        key = (row[1], row[2], row[3])
        if key in wanted:
            found[key] = StoredFigure(*row)
    return found


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a write or a file becomes a million objects (rows, figures,
    entries, keys): its passes over every object made so far took a third of the preview of a million figures
    (3,7 s of 11 s of CPU) and 1,3 s of the write's 11 s, and these objects hold no reference cycles for it to
    find. Reference counting frees everything as usual; the collector is on again afterwards (unless it was off
    before)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def client_side(rows: QuerySet[Any, Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of a ``values_list`` query, converted as Django converts them, without a list of them all. Not
    ``iterator()``: on PostgreSQL it declares a server-side cursor, which is planned for its first tenth of rows, and
    for the stored figures of an import that plan read every figure of the table (0,5 s) instead of the index of
    the cells asked for (30 ms)."""
    compiler = rows.query.get_compiler(using=rows.db)
    return compiler.results_iter(tuple_expected=True, chunked_fetch=False, chunk_size=20_000)  # type: ignore[return-value]


class Stage:
    """The rows of one write in a temporary table: changed figures (with the revision read) and new ones."""

    def __init__(self, table: str = TABLE) -> None:
        self.table = table  # a write given in parts stages under its own name, beside any single write
        self.changed = 0
        self.new = 0
        self._made = False

    def fill(self, changed: Sequence[tuple[StoredFigure, ValueEntry]], new: Sequence[ValueEntry]) -> None:
        """``changed``: (stored figure, entry with its texts filled); ``new``: entries of empty cells."""
        self.drop()
        self.extend(changed, new)

    def extend(self, changed: Sequence[tuple[StoredFigure, ValueEntry]], new: Sequence[ValueEntry]) -> None:
        """Add rows to the stage (made on first use): a write given part by part (``values.parted.PartedWrite``)
        holds one part in memory, the stage holds them all. A source or comment given as None keeps the stored
        one ("" for a new figure)."""
        vendor = connection.vendor
        if vendor not in TYPES:
            raise NotImplementedError(f"no set-based write for the {vendor} database")
        postgres = vendor == "postgresql"
        shape = ", ".join(f"{c} {t}" for c, t in zip(COLUMNS, TYPES[vendor], strict=True))
        with connection.cursor() as cursor, connection.wrap_database_errors:
            if not self._made:
                # n: the row number batches are cut by (``spans``), given by the database as rows arrive
                numbered = "n bigserial" if postgres else "n integer PRIMARY KEY"
                cursor.execute(f"CREATE TEMPORARY TABLE {self.table} ({shape}, {numbered})")
                self._made = True
            if postgres:
                with cursor.cursor.copy(f"COPY {self.table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                    for block in _copy_blocks(changed, new):
                        copy.write(block)
                if changed:  # the UPDATE joins the stage; a write of new figures only reads it through
                    cursor.execute(f"ANALYZE {self.table}")  # autovacuum never sees a temporary table
            else:
                # the driver's own executemany: Django's peeks at the rows through itertools.tee, which then
                # keeps every row given in memory until the last (a million rows, some 300 MB)
                marks = ", ".join(["?"] * len(COLUMNS))
                sqlite3.Cursor.executemany(cursor.cursor, f"INSERT INTO {self.table} ({', '.join(COLUMNS)}) "
                                           f"VALUES ({marks})", _sqlite_rows(changed, new))
        self.changed += len(changed)
        self.new += len(new)

    def keys(self, batch: int = 20_000, rows: tuple[int, int] | None = None) -> Iterable[list[Key]]:
        """The staged cells (of the row numbers ``rows``: from, to excluded), ``batch`` at a time (read back, not
        kept in memory)."""
        if not self._made:
            return
        span, params = self._span(rows)
        query = f"SELECT data_element_id, unit_id, period FROM {self.table} s WHERE true{span}"
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            # a client-side cursor would fetch every row at once; a named one streams them
            with connection.connection.cursor(name="chiso_stage_keys") as cursor:  # type: ignore[union-attr]
                cursor.itersize = batch
                cursor.execute(query, params)
                while found := cursor.fetchmany(batch):
                    yield [(int(e), int(u), str(p)) for e, u, p in found]
            return
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            while found := cursor.fetchmany(batch):
                yield [(int(e), int(u), str(p)) for e, u, p in found]

    def spans(self, size: int) -> list[tuple[int, int]]:
        """The staged rows cut into batches of at most ``size``: (from, to excluded) row numbers."""
        if not self._made:
            return []
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT min(n), max(n) FROM {self.table}")
            low, high = cursor.fetchone()
        if low is None:
            return []
        return [(start, min(start + size, high + 1)) for start in range(int(low), int(high) + 1, size)]

    def _span(self, rows: tuple[int, int] | None) -> tuple[str, tuple[int, ...]]:
        if rows is None:
            return "", ()
        return " AND s.n >= %s AND s.n < %s", rows

    def apply(self, *, channel: str, user_id: int | None, now: datetime, reason: str,
              rows: tuple[int, int] | None = None, run_id: int | None = None) -> None:
        """Write the staged rows (``rows``: only those row numbers, from ``spans``) inside the write transaction;
        the history rows name ``run_id`` (a batched write). Raises ``Moved`` when a changed figure's revision is no
        longer the one read.

        One pass per kind of row: the history rows come from the rows just written, not from reading the figures
        back. On PostgreSQL each ``UPDATE``/``INSERT`` hands its rows (ids given by the database) to the history
        ``INSERT`` in the same statement (``RETURNING``); on SQLite, whose write lock keeps every other writer out
        meanwhile, the ids of the new figures are given up front (past the highest id ever used, plus the row
        number) and both ``INSERT``s read the stage. The new figures go in as staged, in the order of the file: sorted
        by the cell index first, a million took longer (SQLite 11 s instead of 3 s, PostgreSQL 21 s instead of 17 s);
        a file goes period by period or unit by unit, so each part of an index is written in order anyway."""
        stamp = _stamp(now)
        values, history = DataValue._meta.db_table, DataValueHistory._meta.db_table
        stamped = (channel, user_id, stamp)
        span, params = self._span(rows)
        changed, new = self.changed, self.new
        postgres = connection.vendor == "postgresql"
        update = (f"UPDATE {values} SET value = s.value, qualifier = s.qualifier, source = s.source, "
                  "comment = s.comment, is_illustrative = s.is_illustrative, is_deleted = false, "
                  "revision = s.revision + 1, channel = %s, updated_by_id = %s, updated_at = %s "
                  f"FROM {self.table} s WHERE s.id IS NOT NULL AND {values}.id = s.id "
                  f"AND {values}.revision = s.revision{span}")
        insert = (f"INSERT INTO {values} ({{id}}data_element_id, unit_id, period, period_start, period_end, value, "
                  "qualifier, source, comment, is_illustrative, is_deleted, revision, channel, updated_by_id, "
                  "updated_at) SELECT {given}s.data_element_id, s.unit_id, s.period, s.period_start, s.period_end, "
                  "s.value, s.qualifier, s.source, s.comment, s.is_illustrative, false, 1, %s, %s, %s "
                  f"FROM {self.table} s WHERE s.id IS NULL{span}")
        kept = (channel, reason, user_id, stamp, run_id)
        with connection.cursor() as cursor:
            if rows is not None:
                cursor.execute(f"SELECT count(s.id), count(*) - count(s.id) FROM {self.table} s WHERE true{span}",
                               params)
                changed, new = (int(n) for n in cursor.fetchone())
            at_once = postgres and changed + new >= AT_ONCE and _row_checks_may_wait(cursor)
            if at_once:
                self._check_references(cursor, span, params, user_id, run_id)
                cursor.execute("SET LOCAL session_replication_role = replica")
            if changed and postgres:
                cursor.execute(
                    f"WITH moved AS ({update} RETURNING {values}.id, {values}.revision, s.old_value, {values}.value, "
                    f"{values}.qualifier, {values}.source, {values}.comment, {values}.is_illustrative) "
                    f"INSERT INTO {history} ({HISTORY_COLUMNS}) SELECT id, revision, old_value, value, qualifier, "
                    "source, comment, false, %s, %s, %s, %s, is_illustrative, %s FROM moved",
                    (*stamped, *params, *kept))
                if cursor.rowcount != changed:
                    raise Moved()
            elif changed:
                cursor.execute(update, (*stamped, *params))
                if cursor.rowcount != changed:
                    raise Moved()
                cursor.execute(
                    f"INSERT INTO {history} ({HISTORY_COLUMNS}) SELECT s.id, s.revision + 1, s.old_value, "
                    "s.value, s.qualifier, s.source, s.comment, false, %s, %s, %s, %s, s.is_illustrative, %s "
                    f"FROM {self.table} s WHERE s.id IS NOT NULL{span}", (*kept, *params))
            if new and postgres:
                cursor.execute(
                    f"WITH made AS ({insert.format(id='', given='')} RETURNING id, value, qualifier, source, "
                    f"comment, is_illustrative) INSERT INTO {history} ({HISTORY_COLUMNS}) SELECT id, 1, NULL, "
                    "value, qualifier, source, comment, false, %s, %s, %s, %s, is_illustrative, %s FROM made",
                    (*stamped, *params, *kept))
            elif new:
                # the ids past the highest ever given, by row number (from 1 in each batch: no gap grows)
                base = _highest_id(cursor, values) + 1 - (rows[0] if rows is not None else 1)
                cursor.execute(insert.format(id="id, ", given=f"{base} + s.n, "), (*stamped, *params))
                cursor.execute(
                    f"INSERT INTO {history} ({HISTORY_COLUMNS}) SELECT {base} + s.n, 1, NULL, s.value, s.qualifier, "
                    "s.source, s.comment, false, %s, %s, %s, %s, s.is_illustrative, %s "
                    f"FROM {self.table} s WHERE s.id IS NULL{span}", (*kept, *params))
            if at_once:
                cursor.execute("SET LOCAL session_replication_role = origin")

    def _check_references(self, cursor: Any, span: str, params: tuple[int, ...], user_id: int | None,
                          run_id: int | None) -> None:
        """PostgreSQL, before a large write with the row-by-row checks of its foreign keys off: the same checks
        once for the whole stage, with the same locks (``FOR KEY SHARE``: the units, data elements, user and run
        written about cannot be deleted until the write commits). The history rows' figures are the rows the
        write itself returns. Raises ``IntegrityError`` as the row checks would have at commit."""
        for column, target in (("unit_id", Unit), ("data_element_id", DataElement)):
            table = target._meta.db_table
            cursor.execute(
                f"SELECT (SELECT count(*) FROM (SELECT DISTINCT s.{column} FROM {self.table} s WHERE true{span}) "
                f"named) - (SELECT count(*) FROM (SELECT t.id FROM {table} t WHERE t.id IN "
                f"(SELECT s.{column} FROM {self.table} s WHERE true{span}) FOR KEY SHARE OF t) locked)",
                (*params, *params))
            if cursor.fetchone()[0]:
                raise IntegrityError(f"{DataValue._meta.db_table}.{column}: a figure names a row of {table} "
                                     "that does not exist")
        for value, named in ((user_id, get_user_model()._meta.db_table), (run_id, WriteRun._meta.db_table)):
            if value is None:
                continue
            cursor.execute(f"SELECT t.id FROM {named} t WHERE t.id = %s FOR KEY SHARE OF t", (value,))
            if cursor.fetchone() is None:
                raise IntegrityError(f"{named} {value} does not exist")

    def drop(self) -> None:
        if self._made:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
            self._made = False
        self.changed = self.new = 0


# A PostgreSQL write of this many rows or more checks its foreign keys once, set-based, instead of row by row.
# PostgreSQL checks a foreign key with one query per row written, queued until the commit (ours are deferred):
# for an import of a million figures that is three million queries (the figure's unit and data element, the history
# row's figure), 6 s to queue and 11 s to run on the benchmark's machine, against 0,6 s for the set-based checks.
AT_ONCE = 1_000


def _row_checks_may_wait(cursor: Any) -> bool:
    """Whether this connection may turn PostgreSQL's row-by-row checks off for a while (``session_replication_role``,
    which also turns off every other trigger: the values tables have none but the foreign keys'): a superuser may,
    or a role granted it (PostgreSQL 15 and later: ``GRANT SET ON PARAMETER session_replication_role TO chiso``).
    Otherwise the rows are checked one by one, as for a small write: slower, as safe."""
    cursor.execute("SELECT current_setting('is_superuser') = 'on'")
    if cursor.fetchone()[0]:
        return True
    if connection.pg_version < 150000:  # type: ignore[attr-defined]
        return False
    cursor.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
    return bool(cursor.fetchone()[0])


HISTORY_COLUMNS = ("data_value_id, revision, old_value, value, qualifier, source, comment, is_deleted, channel, "
                   "reason, changed_by_id, changed_at, is_illustrative, run_id")


def _highest_id(cursor: Any, table: str) -> int:
    """SQLite, inside the write transaction: the highest id ``table`` ever gave (its ``AUTOINCREMENT`` counter, or
    a higher id written explicitly); ids past it are free until the transaction ends."""
    cursor.execute(f"SELECT max(COALESCE((SELECT max(id) FROM {table}), 0), "
                   "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))", (table,))
    return int(cursor.fetchone()[0])


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
COPY_BLOCK = 5_000  # rows per write to the COPY stream


def _copy_text(text: str) -> str:
    """``text`` as a field of COPY's text format."""
    return text.translate(_COPY_ESCAPES) if text else text


def _copy_blocks(changed: Sequence[tuple[StoredFigure, ValueEntry]], new: Sequence[ValueEntry]) -> Iterator[str]:
    """The stage's rows in PostgreSQL's COPY text format, ``COPY_BLOCK`` lines at a time: written here rather than
    by ``copy.write_row``, which adapts every field of every row on its own (4 µs a row; this, under 1 µs)."""
    periods: dict[str, str] = {}  # period → its text, start and end fields

    def period(entry: ValueEntry) -> str:
        text = str(entry.period)
        fields = periods.get(text)
        if fields is None:
            fields = periods[text] = f"{text}\t{entry.period.start.isoformat()}\t{entry.period.end.isoformat()}"
        return fields

    lines: list[str] = []
    for stored, e in changed:
        source = e.source if e.source is not None else stored.source
        comment = e.comment if e.comment is not None else stored.comment
        lines.append(f"{stored.id}\t{stored.revision}\t{stored.data_element_id}\t{stored.unit_id}\t{period(e)}\t"
                     f"{_copy_number(e.value)}\t{_copy_number(stored.value)}\t{e.qualifier}\t{_copy_text(source)}\t"
                     f"{_copy_text(comment)}\t{'t' if e.is_illustrative else 'f'}\n")
        if len(lines) == COPY_BLOCK:
            yield "".join(lines)
            lines.clear()
    append = lines.append
    for e in new:
        known = periods.get(e.key[2])  # the key's period text, worked out once per entry and kept
        when = known if known is not None else period(e)
        value = e.value
        append(f"\\N\t0\t{e.data_element.id}\t{e.unit.id}\t{when}\t{NULL if value is None else value}\t\\N\t"
               f"{e.qualifier}\t{_copy_text(e.source or '')}\t{_copy_text(e.comment or '')}\t"
               f"{'t' if e.is_illustrative else 'f'}\n")
        if len(lines) == COPY_BLOCK:
            yield "".join(lines)
            lines.clear()
    if lines:
        yield "".join(lines)


NULL = "\\N"  # COPY's text format for NULL


def _copy_number(value: Decimal | None) -> str:
    return NULL if value is None else str(value)


def _sqlite_rows(changed: Sequence[tuple[StoredFigure, ValueEntry]], new: Sequence[ValueEntry],
                 ) -> Iterator[tuple[object, ...]]:
    """The stage's rows as SQLite takes them: dates as text, a decimal as the driver adapts it (its text)."""
    periods: dict[str, tuple[str, str]] = {}

    def bounds(entry: ValueEntry) -> tuple[str, str]:
        text = str(entry.period)
        found = periods.get(text)
        if found is None:
            found = periods[text] = (entry.period.start.isoformat(), entry.period.end.isoformat())
        return found

    for stored, e in changed:
        yield (stored.id, stored.revision, stored.data_element_id, stored.unit_id, stored.period, *bounds(e), e.value,
               stored.value, e.qualifier, e.source if e.source is not None else stored.source,
               e.comment if e.comment is not None else stored.comment, e.is_illustrative)
    for e in new:
        key = e.key
        start, end = periods.get(key[2]) or bounds(e)
        yield (None, 0, key[0], key[1], key[2], start, end, e.value, None, e.qualifier, e.source or "",
               e.comment or "", e.is_illustrative)


def _stamp(now: datetime) -> Any:
    return now if connection.vendor == "postgresql" else connection.ops.adapt_datetimefield_value(now)


def run_windows(run_id: int, size: int) -> list[tuple[int, int]]:
    """The ids of the history rows ``run_id`` wrote, cut into windows (from, to excluded) of at most ``size`` rows."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT min(id), max(id) FROM {DataValueHistory._meta.db_table} WHERE run_id = %s",
                       (run_id,))
        low, high = cursor.fetchone()
    if low is None:
        return []
    return [(start, min(start + size, int(high) + 1)) for start in range(int(low), int(high) + 1, size)]


def run_keys(run_id: int, batch: int = 20_000) -> Iterable[list[Key]]:
    """The cells run ``run_id`` wrote (through its history rows), ``batch`` at a time."""
    values, history = DataValue._meta.db_table, DataValueHistory._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT d.data_element_id, d.unit_id, d.period FROM {history} h "
                       f"JOIN {values} d ON d.id = h.data_value_id WHERE h.run_id = %s", (run_id,))
        while found := cursor.fetchmany(batch):
            yield [(int(e), int(u), str(p)) for e, u, p in found]


def undo(run_id: int, window: tuple[int, int], *, channel: str, user_id: int | None, now: datetime,
         reason: str) -> int:
    """Take back what run ``run_id`` wrote through its history rows of ids ``window`` (call inside a write
    transaction), only where the figure is still as the run wrote it (a figure changed since keeps that change):
    a changed figure gets its state before the run back (value, qualifier, source, comment, illustrative, deleted:
    the history row before the run's), a figure the run created is marked deleted. Each undone figure gets a
    history row (old → restored, ``user_id``, ``now``, ``reason``). Returns how many were undone. Running it again
    undoes nothing more (an undone figure is no longer at the run's revision)."""
    values, history = DataValue._meta.db_table, DataValueHistory._meta.db_table
    stamp = _stamp(now)
    where = "h.run_id = %s AND h.id >= %s AND h.id < %s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {values} SET "
            f"value = CASE WHEN h.revision = 1 THEN {values}.value ELSE h.old_value END, "
            f"qualifier = COALESCE(p.qualifier, {values}.qualifier), source = COALESCE(p.source, {values}.source), "
            f"comment = COALESCE(p.comment, {values}.comment), "
            f"is_illustrative = COALESCE(p.is_illustrative, {values}.is_illustrative), "
            "is_deleted = CASE WHEN h.revision = 1 THEN true ELSE COALESCE(p.is_deleted, false) END, "
            f"revision = {values}.revision + 1, channel = %s, updated_by_id = %s, updated_at = %s "
            f"FROM {history} h LEFT JOIN {history} p ON p.data_value_id = h.data_value_id "
            f"AND p.revision = h.revision - 1 WHERE {where} AND {values}.id = h.data_value_id "
            f"AND {values}.revision = h.revision", (channel, user_id, stamp, run_id, *window))
        undone = cursor.rowcount
        if undone:
            # the figures just undone: one revision past the run's, with no history row of that revision yet
            cursor.execute(
                f"INSERT INTO {history} ({HISTORY_COLUMNS}) SELECT d.id, d.revision, h.value, d.value, d.qualifier, "
                "d.source, d.comment, d.is_deleted, %s, %s, %s, %s, d.is_illustrative, NULL "
                f"FROM {history} h JOIN {values} d ON d.id = h.data_value_id AND d.revision = h.revision + 1 "
                f"WHERE {where} AND NOT EXISTS (SELECT 1 FROM {history} x WHERE x.data_value_id = d.id "
                "AND x.revision = d.revision)", (channel, reason, user_id, stamp, run_id, *window))
    return undone


class Ledger:
    """Every cell of a write given part by part, with the place it came from, in a temporary table: a cell
    given twice is found in the database, not in a set the size of the file."""

    TABLE = "chiso_value_ledger"

    def __init__(self) -> None:
        self._made = False

    def add(self, keys: Sequence[Key], places: Sequence[int]) -> dict[int, int]:
        """Record ``keys`` (from ``places``, e.g. rows of a file); return {index in ``keys``: place it was
        recorded from before} for the cells already recorded by an earlier part."""
        with connection.cursor() as cursor, connection.wrap_database_errors:
            if not self._made:
                cursor.execute(f"CREATE TEMPORARY TABLE {self.TABLE} (data_element_id bigint, unit_id bigint, "
                               "period varchar(12), place bigint)")
                cursor.execute(f"CREATE UNIQUE INDEX {self.TABLE}_cell ON {self.TABLE} "
                               "(data_element_id, unit_id, period)")
                self._made = True
            # No transaction: on SQLite it would take the database's write lock for a private table. When a row
            # fails, the part's rows before it stay recorded under their own places, which the lookup skips.
            # Inside a caller's transaction a savepoint keeps a failed insert from spoiling it (PostgreSQL).
            try:
                with transaction.atomic() if connection.in_atomic_block else nullcontext():
                    cursor.executemany(f"INSERT INTO {self.TABLE} VALUES (%s, %s, %s, %s)",
                                       [(*key, place) for key, place in zip(keys, places, strict=True)])
                return {}
            except IntegrityError:
                pass
            wanted = {key: i for i, key in enumerate(keys)}
            earlier: dict[int, int] = {}
            for start in range(0, len(keys), CHUNK):
                chunk = keys[start:start + CHUNK]
                cells = ", ".join(["(%s, %s, %s)"] * len(chunk))
                cursor.execute(f"SELECT data_element_id, unit_id, period, place FROM {self.TABLE} "
                               f"WHERE (data_element_id, unit_id, period) IN (VALUES {cells})",
                               [part for key in chunk for part in key])
                for element, unit, period, place in cursor.fetchall():
                    index = wanted[(int(element), int(unit), str(period))]
                    if int(place) != places[index]:
                        earlier[index] = int(place)
        return earlier

    def drop(self) -> None:
        if self._made:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")
            self._made = False
