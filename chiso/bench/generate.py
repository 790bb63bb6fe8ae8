"""Seeded, labelled synthetic data for the benchmark, written straight into the database.

Sizes:

* **S**: Đà Nẵng today — its 94 communes and wards of the 2025-07 map, plus 3 tổ dân phố each;
* **M**: the whole country — 3.321 communes, wards and special zones under 34 provinces;
* **L**: M plus 30 tổ dân phố under every commune (≈ 100.000 more units).

Every commune reports the numerators, denominators and counts of the national catalogue (the
demo's ``generated_elements()``) monthly, for the last ``months`` months up to 2025-12, drawn
with the demo's functions (``draw``, ``clamp_numerators``) from a seeded population. A tổ dân phố
reports only the demo's ``RESIDENTIAL_GROUP_ELEMENTS`` (population, households, e-ID applications
and accounts, residents guided), as a share of its commune: the groups' shares are drawn and scaled
to add up to one, so a commune's groups add up to the commune (up to rounding).

Everything is flagged illustrative with the source "Dữ liệu sinh cho kiểm tra hiệu năng". Values are
bulk-inserted (PostgreSQL ``COPY``, SQLite ``executemany``), not through ``do_set_values``, and get
no history rows: the benchmark measures reading, and one write through ``do_set_values`` is timed
separately.

The map is the national 2025-07 one, loaded with ``load_reference()``; since the real 2025-07 map
starts on 1/7/2025, the benchmark's database declares it valid from the start (a version without
predecessors), so that three years of monthly figures can sit on today's communes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.db import connection, transaction

from chiso.demo import illustrative as gen
from chiso.demo.builder import COMMUNE_TYPES, clamp_numerators, draw, generated_elements, numerator_pairs
from chiso.demo.profiles import RESIDENTIAL_GROUP_ELEMENTS
from chiso.engine.periods import Period
from chiso.engine.text import fold
from chiso.indicators.catalogue import load_catalogue
from chiso.indicators.models import DataElement, OverHierarchy
from chiso.totals.refresh import rebuild
from chiso.units.loaders import COUNTRY_CODE, NATIONAL_VERSION, load_reference, refresh_paths
from chiso.units.models import HierarchyVersion, Unit
from chiso.units.types import UnitType
from chiso.values.models import Channel, DataValue, Qualifier

SOURCE = "Dữ liệu sinh cho kiểm tra hiệu năng"
GROUP_SOURCE = "Tổ dân phố sinh cho kiểm tra hiệu năng (tên không có thật)."
LAST_MONTH = (2025, 12)
DEFAULT_MONTHS = 36
BATCH_COMMUNES = 200


@dataclass(frozen=True)
class Size:
    name: str
    label: str
    province: str | None  # code of the province whose communes report; None: the whole country
    groups_per_commune: int


SIZES = {
    "S": Size("S", "Đà Nẵng: 94 xã, phường (bản đồ 2025-07) + 3 tổ dân phố mỗi xã", "48", 3),
    "M": Size("M", "Cả nước: 3.321 xã, phường, đặc khu dưới 34 tỉnh, thành phố", None, 0),
    "L": Size("L", "M + 30 tổ dân phố mỗi xã, phường", None, 30),
}


@dataclass
class Built:
    size: Size
    root: Unit
    communes: int
    groups: int
    elements: int
    months: list[Period]
    values: int
    seconds: dict[str, float] = field(default_factory=dict)


def month_list(count: int) -> list[Period]:
    """The last ``count`` months up to LAST_MONTH, oldest first."""
    year, month = LAST_MONTH
    found = []
    for _ in range(count):
        found.append(Period.of_month(year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found[::-1]


def write_reference_files(folder: Path) -> dict[str, Path]:
    """The national map only, valid from the start: one version, no Đà Nẵng history."""
    folder.mkdir(parents=True, exist_ok=True)
    versions = folder / "bench_versions.csv"
    versions.write_text(
        "name,label,valid_from,valid_to,legal_basis\n"
        f'{NATIONAL_VERSION},"Cả nước (bản đồ từ 1/7/2025, dùng cho cả 2023–2025 trong kiểm tra hiệu năng)"'
        ",,,NQ 202/2025/QH15\n", encoding="utf-8")
    units = folder / "bench_units.csv"
    units.write_text("version,code,name,type,parent_code,lat,lon,source\n", encoding="utf-8")
    successions = folder / "bench_successions.csv"
    successions.write_text("effective_date,from_version,from_code,to_version,to_code,kind,population_share,"
                           "share_note,source\n", encoding="utf-8")
    return {"versions_file": versions, "units_file": units, "successions_file": successions}


def build(size: Size, months: int, folder: Path, log: Callable[[str], None] = print) -> Built:
    """Load the map and catalogue, add tổ dân phố, write every synthetic value. Empty database expected."""
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    load_reference(**write_reference_files(folder))
    load_catalogue()
    version = HierarchyVersion.objects.get(name=NATIONAL_VERSION)
    root = Unit.objects.select_related("version").get(version=version, code=size.province or COUNTRY_CODE)
    communes = list(Unit.objects.filter(version=version, type__in=COMMUNE_TYPES, path__startswith=root.path)
                    .order_by("path"))
    groups = add_groups(communes, size.groups_per_commune)
    seconds["units"] = time.perf_counter() - started
    log(f"  map and catalogue: {len(communes)} communes, {sum(len(g) for g in groups.values())} tổ dân phố "
        f"({seconds['units']:.1f} s)")
    periods = month_list(months)
    codes = generated_elements()
    started = time.perf_counter()
    count = write_values(communes, groups, codes, periods, log)
    seconds["values"] = time.perf_counter() - started
    started = time.perf_counter()
    rolled = rebuild()  # bulk-loaded without do_set_values: the roll-ups are made once, as after any bulk load
    seconds["totals"] = time.perf_counter() - started
    log(f"  roll-ups built: {rolled.rows:,} rows for {rolled.nodes:,} branch units ({seconds['totals']:.1f} s)")
    return Built(size, root, len(communes), sum(len(g) for g in groups.values()), len(codes), periods, count,
                 seconds)


def add_groups(communes: list[Unit], per_commune: int) -> dict[int, list[Unit]]:
    """``per_commune`` tổ dân phố under each commune, bulk inserted; paths refreshed."""
    if not per_commune:
        return {}
    new = []
    for commune in communes:
        for k in range(1, per_commune + 1):
            name = f"Tổ dân phố {k} ({commune.name})"
            new.append(Unit(version_id=commune.version_id, code=f"{commune.code}-TDP{k:02d}", name=name,
                            type=UnitType.RESIDENTIAL_GROUP, parent_id=commune.id, search_key=fold(name),
                            source=GROUP_SOURCE))
    with transaction.atomic():
        Unit.objects.bulk_create(new, batch_size=5000)
        refresh_paths()
    found: dict[int, list[Unit]] = {c.id: [] for c in communes}
    for unit in Unit.objects.filter(type=UnitType.RESIDENTIAL_GROUP, parent_id__in=found).order_by("code"):
        found[unit.parent_id].append(unit)  # type: ignore[index]
    return found


def population(unit: Unit, key: str, months: int) -> list[float]:
    """As the demo draws an origin's population: a ward 9.000–32.000, a commune 6.000–22.000, +1 %/year."""
    r = gen.rng("population", key)
    base = r.uniform(9000, 32000) if unit.type == UnitType.WARD else r.uniform(6000, 22000)
    return [base * (1 + 0.01 * i / 12) for i in range(months)]


Batch = list[tuple[int, int, int, str]]  # (unit id, element id, month index, value text)


def _batches(communes: list[Unit], groups: dict[int, list[Unit]], codes: list[str], periods: list[Period],
             ) -> Iterator[Batch]:
    """Every synthetic value, ``BATCH_COMMUNES`` communes (and their groups) at a time.

    Reads the database between batches (the demo's ``clamp_numerators`` looks up the catalogue), so a
    batch is written only after it is drawn: never read from the connection in the middle of a COPY.
    """
    elements = {e.code: e for e in DataElement.objects.filter(code__in=codes)}
    ids = {c: elements[c].id for c in codes}
    scores = {c for c in codes if elements[c].over_hierarchy == OverHierarchy.NONE}
    group_codes = [c for c in RESIDENTIAL_GROUP_ELEMENTS if c in ids]
    pairs = numerator_pairs()
    n = len(periods)
    for start in range(0, len(communes), BATCH_COMMUNES):
        chosen = communes[start:start + BATCH_COMMUNES]
        series: dict[tuple[str, str], list[float]] = {}
        for commune in chosen:
            key = f"bench/{commune.code}"
            people = population(commune, key, n)
            for code in codes:
                series[(key, code)] = draw(code, key, people, series, pairs)
        clamp_numerators(series)
        batch: Batch = []
        for commune in chosen:
            key = f"bench/{commune.code}"
            for code in codes:
                element_id = ids[code]
                values = series[(key, code)]
                if code in scores:  # one decimal, as in the demo
                    texts = [repr(round(v, 1)) for v in values]
                else:
                    texts = [str(round(v)) for v in values]
                batch += [(commune.id, element_id, i, text) for i, text in enumerate(texts)]
            mine = groups.get(commune.id, [])
            if not mine:
                continue
            weights = [gen.rng("group", g.code).uniform(0.025, 0.045) for g in mine]
            total = sum(weights)
            for group, weight in zip(mine, weights, strict=True):
                share = weight / total
                for code in group_codes:
                    element_id = ids[code]
                    batch += [(group.id, element_id, i, str(round(v * share)))
                              for i, v in enumerate(series[(key, code)])]
        yield batch


def write_values(communes: list[Unit], groups: dict[int, list[Unit]], codes: list[str], periods: list[Period],
                 log: Callable[[str], None] = print) -> int:
    batches = _batches(communes, groups, codes, periods)
    if connection.vendor == "postgresql":
        count = _copy_postgres(batches, periods, log)
    else:
        count = _insert_sqlite(batches, periods, log)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return count


COLUMNS = ["data_element_id", "unit_id", "period", "period_start", "period_end", "value", "qualifier",
           "source", "comment", "is_illustrative", "is_deleted", "revision", "channel", "updated_by_id",
           "updated_at"]


def _copy_postgres(batches: Iterator[Batch], periods: list[Period], log: Callable[[str], None]) -> int:
    """One COPY per batch; indexes and constraints are set aside and rebuilt at the end."""
    table = DataValue._meta.db_table
    stamp = datetime.now(UTC).isoformat()
    tails = [f"\t{p}\t{p.start}\t{p.end}\t" for p in periods]
    constant = f"\t{Qualifier.EXACT}\t{SOURCE}\t\tt\tf\t1\t{Channel.DEMO}\t\\N\t{stamp}\n"
    connection.ensure_connection()
    raw = connection.connection
    count, reported = 0, 0
    started = time.perf_counter()
    # Inside a transaction (the test suite) the FK checks of earlier writes are still pending, and
    # PostgreSQL refuses to alter the table: keep the indexes then, the data is small.
    saved: list[str] = []
    if not connection.in_atomic_block:
        with raw.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            saved = _set_aside_indexes(cursor, table)
    for batch in batches:
        text = "".join([f"{element_id}\t{unit_id}{tails[i]}{value}{constant}"
                        for unit_id, element_id, i, value in batch])
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            copy.write(text)
        count += len(batch)
        if count - reported >= 2_000_000:
            reported = count
            log(f"  {count:,} values ({time.perf_counter() - started:.0f} s)")
    log(f"  {count:,} values copied ({time.perf_counter() - started:.0f} s); rebuilding indexes…")
    with raw.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for statement in saved:
            cursor.execute(statement)
    log(f"  indexes rebuilt ({time.perf_counter() - started:.0f} s)")
    return count


def _set_aside_indexes(cursor, table: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Drop the table's secondary indexes, unique and foreign-key constraints; return how to rebuild them."""
    cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                   "WHERE conrelid = %s::regclass AND contype IN ('u', 'f')", [table])
    constraints = cursor.fetchall()
    cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
                   "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)", [table, table])
    indexes = cursor.fetchall()
    for name, _ in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in indexes] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for name, definition in constraints]


def _insert_sqlite(batches: Iterator[Batch], periods: list[Period], log: Callable[[str], None]) -> int:
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(datetime.now(UTC))
    bounds = [(str(p), ops.adapt_datefield_value(p.start), ops.adapt_datefield_value(p.end)) for p in periods]
    table = connection.ops.quote_name(DataValue._meta.db_table)
    sql = f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"
    count, reported = 0, 0
    with transaction.atomic():
        for batch in batches:
            rows = [(element_id, unit_id, *bounds[i], value, Qualifier.EXACT, SOURCE, "", True, False, 1,
                     Channel.DEMO, None, stamp) for unit_id, element_id, i, value in batch]
            with connection.cursor() as cursor:
                cursor.executemany(sql, rows)
            count += len(rows)
            if count - reported >= 1_000_000:
                reported = count
                log(f"  {count:,} values")
    return count
