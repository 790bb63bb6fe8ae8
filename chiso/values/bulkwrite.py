"""How ``values.actions.do_set_values`` writes many figures quickly and holds the write lock briefly.

Only ``values.actions`` calls this; the rules live there. The write is prepared before the write
transaction and done in it with a few set-based statements:

1. ``stored_figures`` reads the stored state of the cells (light rows, not ORM objects: an import of a
   million figures would otherwise hold a million model instances);
2. ``Stage.fill`` copies the planned rows into a temporary table (``COPY`` on PostgreSQL, ``executemany``
   on SQLite) *before* the write transaction: a temporary table is private to the connection, so filling
   it locks nothing another writer needs (on SQLite it lives in memory, outside the database file);
3. ``Stage.apply``, in the write transaction: one ``UPDATE … FROM`` guarded by the revision each figure
   had when it was read, one ``INSERT … SELECT`` for the new figures and one for each set of history
   rows. If a figure moved since it was read, ``Moved`` is raised (the transaction rolls back) and the
   caller checks again under lock.

On SQLite the write lock is held for these statements only (about a second per 200.000 figures); on
PostgreSQL the rows are locked one by one by the ``UPDATE``, so writers of other cells do not wait at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, connection, transaction

from chiso.values.models import DataValue, DataValueHistory

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from chiso.values.actions import ValueEntry

Key = tuple[int, int, str]
CHUNK = 500  # unit ids per IN (...) list, well under every database's limit
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
    elements = {k[0] for k in wanted}
    periods = {k[2] for k in wanted}
    units = sorted({k[1] for k in wanted})
    found: dict[Key, StoredFigure] = {}
    for start in range(0, len(units), CHUNK):
        rows = DataValue.objects.filter(unit_id__in=units[start:start + CHUNK], data_element_id__in=elements,
                                        period__in=periods)
        if lock:
            rows = rows.select_for_update()
        for row in rows.values_list(*STORED).iterator(chunk_size=20_000):
            key = (row[1], row[2], row[3])
            if key in wanted:
                found[key] = StoredFigure(*row)
    return found


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
        """Add rows to the stage (made on first use): a write given part by part (``values.actions.PartedWrite``)
        holds one part in memory, the stage holds them all."""
        vendor = connection.vendor
        if vendor not in TYPES:
            raise NotImplementedError(f"no set-based write for the {vendor} database")
        postgres = vendor == "postgresql"
        ops = connection.ops
        periods: dict[str, tuple[object, object]] = {}

        def number(value: Decimal | None) -> object:
            if value is None or postgres:
                return value
            return ops.adapt_decimalfield_value(value, 20, 6)

        def bounds(entry: ValueEntry) -> tuple[object, object]:
            text = str(entry.period)
            if text not in periods:
                start, end = entry.period.start, entry.period.end
                periods[text] = (start, end) if postgres else (start.isoformat(), end.isoformat())
            return periods[text]

        def rows() -> Iterable[tuple[object, ...]]:
            for stored, e in changed:
                yield (stored.id, stored.revision, stored.data_element_id, stored.unit_id, stored.period, *bounds(e),
                       number(e.value), number(stored.value), e.qualifier, e.source, e.comment, e.is_illustrative)
            for e in new:
                yield (None, 0, e.data_element.pk, e.unit.pk, str(e.period), *bounds(e), number(e.value), None,
                       e.qualifier, e.source, e.comment, e.is_illustrative)

        shape = ", ".join(f"{c} {t}" for c, t in zip(COLUMNS, TYPES[vendor], strict=True))
        with connection.cursor() as cursor, connection.wrap_database_errors:
            if not self._made:
                cursor.execute(f"CREATE TEMPORARY TABLE {self.table} ({shape})")
                self._made = True
            if postgres:
                with cursor.cursor.copy(f"COPY {self.table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                    for row in rows():
                        copy.write_row(row)
                cursor.execute(f"ANALYZE {self.table}")  # autovacuum never sees a temporary table
            else:
                marks = ", ".join(["%s"] * len(COLUMNS))
                cursor.executemany(f"INSERT INTO {self.table} VALUES ({marks})", rows())  # type: ignore[arg-type]
        self.changed += len(changed)
        self.new += len(new)

    def keys(self, batch: int = 20_000) -> Iterable[list[Key]]:
        """The staged cells, ``batch`` at a time (read back, not kept in memory)."""
        if not self._made:
            return
        query = f"SELECT data_element_id, unit_id, period FROM {self.table}"
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            # a client-side cursor would fetch every row at once; a named one streams them
            with connection.connection.cursor(name="chiso_stage_keys") as cursor:  # type: ignore[union-attr]
                cursor.itersize = batch
                cursor.execute(query)
                while rows := cursor.fetchmany(batch):
                    yield [(int(e), int(u), str(p)) for e, u, p in rows]
            return
        with connection.cursor() as cursor:
            cursor.execute(query)
            while rows := cursor.fetchmany(batch):
                yield [(int(e), int(u), str(p)) for e, u, p in rows]

    def apply(self, *, channel: str, user_id: int | None, now: datetime, reason: str) -> None:
        """Write the staged rows (call inside the write transaction). Raises ``Moved`` when a changed
        figure's revision is no longer the one read."""
        ops = connection.ops
        stamp = now if connection.vendor == "postgresql" else ops.adapt_datetimefield_value(now)
        values, history = DataValue._meta.db_table, DataValueHistory._meta.db_table
        stamped = (channel, user_id, stamp)
        history_columns = ("data_value_id, revision, old_value, value, qualifier, source, comment, is_deleted, "
                           "channel, reason, changed_by_id, changed_at")
        with connection.cursor() as cursor:
            if self.changed:
                cursor.execute(
                    f"UPDATE {values} SET value = s.value, qualifier = s.qualifier, source = s.source, "
                    "comment = s.comment, is_illustrative = s.is_illustrative, is_deleted = false, "
                    "revision = s.revision + 1, channel = %s, updated_by_id = %s, updated_at = %s "
                    f"FROM {self.table} s WHERE s.id IS NOT NULL AND {values}.id = s.id "
                    f"AND {values}.revision = s.revision", stamped)
                if cursor.rowcount != self.changed:
                    raise Moved()
                cursor.execute(
                    f"INSERT INTO {history} ({history_columns}) SELECT s.id, s.revision + 1, s.old_value, "
                    "s.value, s.qualifier, s.source, s.comment, false, %s, %s, %s, %s "
                    f"FROM {self.table} s WHERE s.id IS NOT NULL", (channel, reason, user_id, stamp))
            if self.new:
                cursor.execute(
                    f"INSERT INTO {values} (data_element_id, unit_id, period, period_start, period_end, value, "
                    "qualifier, source, comment, is_illustrative, is_deleted, revision, channel, updated_by_id, "
                    "updated_at) SELECT s.data_element_id, s.unit_id, s.period, s.period_start, s.period_end, "
                    "s.value, s.qualifier, s.source, s.comment, s.is_illustrative, false, 1, %s, %s, %s "
                    f"FROM {self.table} s WHERE s.id IS NULL", stamped)
                cursor.execute(
                    f"INSERT INTO {history} ({history_columns}) SELECT d.id, 1, NULL, s.value, s.qualifier, "
                    "s.source, s.comment, false, %s, %s, %s, %s "
                    f"FROM {self.table} s JOIN {values} d ON d.data_element_id = s.data_element_id "
                    "AND d.unit_id = s.unit_id AND d.period = s.period WHERE s.id IS NULL",
                    (channel, reason, user_id, stamp))

    def drop(self) -> None:
        if self._made:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
            self._made = False
        self.changed = self.new = 0


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
