"""Import benchmark: a long-format CSV of N values through the real importer, against a bare bulk insert.

``run(database_label, rows)`` works on any migrated database with the reference units and catalogue:

1. writes a long-format CSV of ``rows`` values (real unit codes: every ward, commune and special zone of
   the hierarchy version in force, so Đà Nẵng and the whole country when loaded; integer data elements
   of the catalogue; consecutive months from 2090-01, where no real figure lives) in a temporary folder,
   with figures that keep every validation rule (so no violation report is built) and one in ten
   written the Vietnamese way (``12.345``) so the number parser does real work;
2. imports it exactly as a user's file is imported: ``importer.preview`` (decode, resolve units and
   elements, parse numbers, compare with stored figures, rules, outliers) then ``importer.commit``
   (one ``do_set_values`` call);
3. times a bare bulk insert of the same rows into a scratch table with the columns of ``DataValue`` and no
   index: ``COPY`` on PostgreSQL (psycopg 3 ``cursor.copy``), ``executemany`` on SQLite (the goal's reference);
   and, for information, into the values table itself (its indexes and foreign keys; after the import is taken
   back and the tables vacuumed, taken back in turn).

Everything runs in transactions that are rolled back: the database is left as it was found. The checks a
commit would run (PostgreSQL's deferred foreign keys) are run inside the timed import all the same.
Goals: at least 50.000 values/s, and the whole import within 3× the bare insert.
"""

from __future__ import annotations

import resource
import tempfile
import time
from datetime import datetime
from pathlib import Path
from random import Random
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from chiso.collection import importer
from chiso.collection.models import ValidationRule
from chiso.engine.periods import Period
from chiso.engine.rules import RuleSyntaxError, codes_in
from chiso.indicators.models import DataElement, ValueType
from chiso.units.models import HierarchyVersion, Unit
from chiso.values.models import DataValue, DataValueHistory

GOAL_VALUES_PER_SECOND = 50_000
GOAL_RATIO = 3.0
FIRST_MONTH = Period.parse("2090-01")
MAX_ELEMENTS = 40
COMMUNE_TYPES = ("phuong", "xa", "thi_tran", "dac_khu")
SCRATCH = "chiso_import_bench_scratch"
COLUMNS = ["data_element_id", "unit_id", "period", "period_start", "period_end", "value", "qualifier",
           "source", "comment", "is_illustrative", "is_deleted", "revision", "channel", "updated_by_id",
           "updated_at"]
TYPES = {  # the scratch table's columns: DataValue's, without its id and indexes
    "postgresql": "bigint bigint varchar(12) date date numeric(20,6) varchar(12) text text boolean boolean "
                  "integer varchar(10) integer timestamptz",
    "sqlite": "integer integer varchar(12) date date decimal varchar(12) text text bool bool integer "
              "varchar(10) integer datetime",
}


class BenchmarkError(RuntimeError):
    pass


def run(database_label: str, rows: int = 1_000_000, seed: int = 2025) -> list[dict[str, Any]]:
    """Generate, import (rolled back) and compare; one dict per metric
    (metric, value, unit, reference, ratio, goal, met)."""
    units, elements = _scope()
    levels = _levels(elements)
    with tempfile.TemporaryDirectory(prefix="chiso-import-bench-") as folder:
        path = Path(folder) / "gia-tri.csv"
        _write_csv(path, units, elements, levels, rows, Random(seed))
        size = path.stat().st_size
        with transaction.atomic():
            started = time.perf_counter()
            content = path.read_bytes()
            found = importer.preview(path.name, content, acting_user=None, max_bytes=None)
            previewed = time.perf_counter()
            if found.problems:
                faults = "; ".join(p.text() for p in found.problems[:5])
                raise BenchmarkError(f"the generated file has faults: {faults}")
            committing = time.perf_counter()
            result = importer.commit(found, acting_user=None)
            _deferred_checks()
            finished = time.perf_counter()
            # the import's peak, read before the bare insert builds its own copy of every row (600 MB a million)
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            if result.created != rows:
                raise BenchmarkError(f"expected {rows} new values, the import created {result.created}")
            bare = _bare_insert(found)
            transaction.set_rollback(True)
    _vacuum()  # the index entries the rolled-back import left would slow the next insert of the same cells
    into_values = _bare_insert(found, into_values=True)
    seconds = (previewed - started) + (finished - committing)
    per_second = rows / seconds
    bare_per_second = rows / bare
    label = f"{rows:,}".replace(",", ".")
    return [
        _row(f"import {label} values, {database_label}", round(seconds, 2), "s", round(bare, 2),
             f"≤ {GOAL_RATIO:g}× bare insert", seconds <= GOAL_RATIO * bare),
        _row("import throughput", round(per_second), "values/s", round(bare_per_second),
             f"≥ {GOAL_VALUES_PER_SECOND:,} values/s".replace(",", "."),
             per_second >= GOAL_VALUES_PER_SECOND),
        _row("  read, resolve, check (preview)", round(previewed - started, 2), "s"),
        _row("  write (commit → do_set_values)", round(finished - committing, 2), "s"),
        _row("  for information: the same rows inserted bare into the values table (indexes, foreign keys)",
             round(into_values, 2), "s"),
        _row("  import against that insert", round(seconds / into_values, 2), "×"),
        _row("  file", round(size / 1024 / 1024, 1), "MB"),
        _row("  rule violations found", len(found.violations), ""),
        _row("  peak memory of the process (import, before the bare insert)", round(peak_mb), "MB"),
    ]


def _row(metric: str, value: float | int, unit: str, reference: float | None = None, goal: str = "",
         met: bool | None = None) -> dict[str, Any]:
    ratio = round(value / reference, 2) if reference else None
    return {"metric": metric, "value": value, "unit": unit, "reference": reference, "ratio": ratio,
            "goal": goal, "met": met}


def _scope() -> tuple[list[Unit], list[DataElement]]:
    today = timezone.localdate()
    version = next((v for v in HierarchyVersion.objects.all() if v.covers(today)), None)
    if version is None:
        raise BenchmarkError("no hierarchy version is in force today: load the reference units first")
    units = list(Unit.objects.filter(version=version, type__in=COMMUNE_TYPES).order_by("path"))
    elements = list(DataElement.objects.filter(value_type=ValueType.INTEGER).order_by("code")[:MAX_ELEMENTS])
    if not units or not elements:
        raise BenchmarkError("no wards/communes or no integer data elements: load the units and the "
                             "catalogue first")
    return units, elements


def _levels(elements: list[DataElement]) -> dict[str, int]:
    """A level per element so that ``a <= b`` rules hold when values grow with the level."""
    level = {e.code: 0 for e in elements}
    pairs = []
    for rule in ValidationRule.objects.filter(is_active=True):
        try:
            left, right = codes_in(rule.left), codes_in(rule.right)
        except RuleSyntaxError:
            continue
        if rule.operator in (">=", ">"):
            left, right = right, left
        elif rule.operator not in ("<=", "<"):
            continue
        pairs += [(a, b) for a in left for b in right if a in level and b in level]
    for _ in range(len(level)):
        moved = False
        for a, b in pairs:
            if level[b] <= level[a]:
                level[b] = level[a] + 1
                moved = True
        if not moved:
            break
    return level


def _write_csv(path: Path, units: list[Unit], elements: list[DataElement], levels: dict[str, int], rows: int,
               rng: Random) -> None:
    per_month = len(units) * len(elements)
    written = 0
    month = FIRST_MONTH
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("unit,period,data_element,value\n")
        while written < rows:
            period = str(month)
            for unit in units:
                for element in elements:
                    if written >= rows:
                        break
                    value = (levels[element.code] + 1) * 1_000_000 + rng.randrange(1000)
                    text = f"{value:,}".replace(",", ".") if rng.random() < 0.1 else str(value)
                    out.write(f'{unit.code},{period},{element.code},"{text}"\n' if "." in text
                              else f"{unit.code},{period},{element.code},{text}\n")
                    written += 1
            month = month.next()
            if per_month == 0:
                break


def _vacuum() -> None:
    """PostgreSQL, outside a transaction: clear what a rolled-back insert left in the values and history tables."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            for model in (DataValue, DataValueHistory):
                cursor.execute(f"VACUUM {model._meta.db_table}")


def _deferred_checks() -> None:
    """Run now the checks a commit would run (PostgreSQL: the deferred foreign keys' queued row checks): the
    benchmark rolls back, which would skip them, and a real import pays for them. SQLite counts its deferred
    foreign-key faults as the rows are written: nothing is left for the commit."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _bare_insert(found: importer.Preview, *, into_values: bool = False) -> float:
    """Seconds to insert the same rows bare (``COPY`` on PostgreSQL, ``executemany`` on SQLite): into a scratch table
    shaped like DataValue without indexes (the goal's reference), or, ``into_values``, into the values table itself
    with its indexes and foreign keys (checked, as a commit would), taken back at once."""
    now = timezone.now()
    stamp: datetime | str = now if connection.vendor == "postgresql" else now.isoformat()
    rows = [(i.element.pk, i.unit.pk, str(i.period), i.period.start, i.period.end, i.value, i.qualifier,
             "", "", False, False, 1, "import", None, stamp) for i in found.items]
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in COLUMNS)
    shape = ", ".join(f"{quote(c)} {t}" for c, t in zip(COLUMNS, TYPES[connection.vendor].split(),
                                                         strict=True)) if connection.vendor in TYPES else ""
    if not shape:
        raise BenchmarkError(f"no bare insert for the {connection.vendor} database")
    table = quote(DataValue._meta.db_table) if into_values else SCRATCH
    with transaction.atomic(), connection.cursor() as cursor:
        if not into_values:
            cursor.execute(f"CREATE TEMP TABLE {SCRATCH} ({shape})")
        if connection.vendor == "postgresql":
            started = time.perf_counter()
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            _deferred_checks()
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as they were (a rollback to a savepoint keeps it)
        else:
            sqlite_rows = [(*r[:3], r[3].isoformat(), r[4].isoformat(), str(r[5]), *r[6:]) for r in rows]
            marks = ", ".join(["%s"] * len(COLUMNS))
            started = time.perf_counter()
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", sqlite_rows)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


def format_rows(rows: list[dict[str, Any]]) -> str:
    """The rows as a plain table (what ``chiso bench`` can print)."""
    def cell(v: object) -> str:
        if v is None:
            return ""
        if isinstance(v, bool):
            return "yes" if v else "no"
        if isinstance(v, float):
            return f"{v:,.2f}".replace(",", " ")
        if isinstance(v, int):
            return f"{v:,}".replace(",", " ")
        return str(v)

    header = ["metric", "value", "unit", "reference (bare insert)", "ratio", "goal", "met"]
    table = [header] + [[cell(r["metric"]), cell(r["value"]), r["unit"], cell(r["reference"]),
                         "" if r["ratio"] is None else f"{r['ratio']:g}×", r["goal"], cell(r["met"])]
                        for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in table]
    return "\n".join(lines)


__all__ = ["BenchmarkError", "format_rows", "run"]
