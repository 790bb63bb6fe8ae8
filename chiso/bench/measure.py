"""Time the query engine against DuckDB and pandas on the same raw values; check the answers agree.

Measured, each after one untimed warm-up:

* a unit dashboard: ``evaluate`` of 30 indicators × 12 months for one commune (a different commune
  each time);
* one indicator across all communes for one month (``evaluate([code], communes, [month])``);
* the aggregate of that indicator on the root (the city for S, the country for M and L);
* save → visible: one value written through ``do_set_values``, then ``evaluate`` on the root until
  the aggregate shows it. DuckDB's reference is an UPDATE of the same value plus its aggregate query;
* peak memory of the process (``ru_maxrss``) and the Python memory of one cross-commune query
  (``tracemalloc``).

The aggregate is also timed without the roll-ups (``evaluate(..., roll_ups=False)``: the whole subtree's raw
figures added up), to show what the roll-ups buy; their rebuild after the bulk load is timed by ``generate``.
"""

from __future__ import annotations

import platform
import random
import resource
import sqlite3
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain
from typing import Any

from django.db import connection

from chiso.analytics.queries import Row, evaluate
from chiso.bench.reference import Answer, Reference
from chiso.demo.builder import COMMUNE_TYPES
from chiso.engine.periods import Period
from chiso.indicators.models import Indicator
from chiso.units.models import Unit
from chiso.values.actions import ValueEntry, do_set_values
from chiso.values.models import Channel, DataValue

DASHBOARD_INDICATORS = 30
DASHBOARD_MONTHS = 12
CROSS_INDICATOR = "CQS-03"  # online dossier rate: a flow rate every commune reports
TOLERANCE = 1e-9
SAVE_SOURCE = "Dữ liệu sinh cho kiểm tra hiệu năng"
GOAL_QUERY_MS = 100.0
GOAL_SAVE_MS = 1000.0
GOAL_RATIO = 3.0
GOAL_MEMORY_MB = 16 * 1024.0


@dataclass
class Metric:
    metric: str
    value: float | int | str | None
    unit: str = ""
    reference: float | None = None  # DuckDB, same answer from the same raw values
    ratio: float | None = None  # value ÷ reference
    goal: str = ""
    met: bool | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"metric": self.metric, "value": self.value, "unit": self.unit, "reference": self.reference,
                "ratio": self.ratio, "goal": self.goal, "met": self.met}


@dataclass
class Scope:
    root: Unit
    communes: list[Unit]
    dashboard_codes: list[str]
    cross_code: str
    months: list[Period]  # ascending; the dashboard uses the last 12


def scope_for(root: Unit, months: list[Period], cross_code: str = CROSS_INDICATOR,
              dashboard_size: int = DASHBOARD_INDICATORS) -> Scope:
    communes = list(Unit.objects.filter(version_id=root.version_id, type__in=COMMUNE_TYPES,
                                        path__startswith=root.path).select_related("version").order_by("path"))
    codes = list(Indicator.objects.filter(is_local=False).order_by("code").values_list("code", flat=True))
    return Scope(root, communes, codes[:dashboard_size], cross_code, sorted(months))


@dataclass
class Outcome:
    metrics: list[Metric]
    same_answers: bool
    mismatches: list[str] = field(default_factory=list)
    samples: dict[str, int] = field(default_factory=dict)


# --- comparing answers ----------------------------------------------------------------------------

def _float(x: Decimal | None) -> float | None:
    return None if x is None else float(x)


def engine_answer(row: Row, ratio: bool) -> Answer:
    if ratio:
        if row.numerator is None or row.denominator is None:
            return None, None
        return float(row.numerator), float(row.denominator)
    return _float(row.value), None


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= TOLERANCE * max(1.0, abs(a))


def same(a: Answer, b: Answer) -> bool:
    return _close(a[0], b[0]) and _close(a[1], b[1])


class Checker:
    def __init__(self, info: dict[str, tuple[bool, float, int]]):
        self.info = info
        self.mismatches: list[str] = []
        self.compared = 0

    def rows(self, rows: list[Row], key: Callable[[Row], object], others: dict[str, dict[Any, Answer]],
             what: str) -> None:
        """Compare engine rows with each reference's answers, keyed alike."""
        mine = {}
        for row in rows:
            ratio, factor, decimals = self.info[row.data]
            answer = engine_answer(row, ratio)
            mine[key(row)] = answer
            if ratio and answer[0] is not None and answer[1] and row.value is not None:
                exact = answer[0] / answer[1] * factor
                if abs(float(row.value) - exact) > 0.5 * 10 ** -decimals + TOLERANCE:
                    self.mismatches.append(f"{what} {key(row)}: rate {row.value} ≠ {exact}")
        for name, answers in others.items():
            for k in set(mine) | set(answers):
                self.compared += 1
                theirs = answers.get(k, (None, None))
                if not same(mine.get(k, (None, None)), theirs):
                    self.mismatches.append(f"{what} {k}: engine {mine.get(k)} ≠ {name} {theirs}")

    def one(self, mine: Answer, others: dict[str, Answer], what: str) -> None:
        for name, theirs in others.items():
            self.compared += 1
            if not same(mine, theirs):
                self.mismatches.append(f"{what}: engine {mine} ≠ {name} {theirs}")


# --- timing ---------------------------------------------------------------------------------------

def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return (time.perf_counter() - started) * 1000, result


def trials(repeats: int, budget: float, minimum: int = 5) -> Iterator[int]:
    """0, 1, … up to ``repeats``, stopping early once ``budget`` seconds are spent (and ``minimum`` done)."""
    started = time.perf_counter()
    for k in range(repeats):
        if k >= minimum and time.perf_counter() - started > budget:
            return
        yield k


def percentile(values: list[float], q: float) -> float:
    import numpy as np

    return float(np.percentile(values, q))


# --- the measurement ------------------------------------------------------------------------------

def measure(scope: Scope, *, repeats: int = 20, budget: float = 60.0, saves: int = 5,
            log: Callable[[str], None] = print) -> Outcome:
    r = random.Random(20250701)
    before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    ref = Reference(scope.root.version_id, [c.id for c in scope.communes], scope.dashboard_codes,
                    scope.cross_code)
    log(f"  references loaded: {ref.count:,} raw values (export {ref.export_seconds:.1f} s, DuckDB "
        f"{ref.duck_seconds:.1f} s, pandas {ref.pandas_seconds:.1f} s)")
    setup_seconds = time.perf_counter() - started
    check = Checker(ref.info)
    ratio_cross = ref.info[scope.cross_code][0]
    months = scope.months[-DASHBOARD_MONTHS:]
    texts = [str(m) for m in months]
    times: dict[str, list[float]] = {}

    def add(name: str, ms: float) -> None:
        times.setdefault(name, []).append(ms)

    # dashboard: 30 indicators × 12 months, one commune
    picks = [r.choice(scope.communes) for _ in range(repeats + 1)]
    for k in chain([-1], trials(repeats, budget)):
        unit = picks[k]
        ms, rows = timed(lambda u=unit: evaluate(scope.dashboard_codes, [u], months))
        dms, duck = timed(lambda u=unit: ref.duck_dashboard(u.id, texts))
        pms, pan = timed(lambda u=unit: ref.pandas_dashboard(u.id, texts))
        check.rows(rows, lambda row: (row.data, str(row.period)), {"DuckDB": duck, "pandas": pan},
                   f"dashboard {unit.code}")
        if k >= 0:
            add("dash", ms), add("dash_duck", dms), add("dash_pandas", pms)
    log(f"  dashboard: {len(times['dash'])} runs")

    # one indicator across all communes, one month; and the aggregate on the root
    for k in chain([-1], trials(repeats, budget)):
        month = months[k % len(months)]
        ms, rows = timed(lambda m=month: evaluate([scope.cross_code], scope.communes, [m]))
        dms, duck = timed(lambda m=month: ref.duck_cross(str(m)))
        pms, pan = timed(lambda m=month: ref.pandas_cross(str(m)))
        check.rows(rows, lambda row: row.unit.id, {"DuckDB": duck, "pandas": pan}, f"communes {month}")
        if k >= 0:
            add("cross", ms), add("cross_duck", dms), add("cross_pandas", pms)
    log(f"  one indicator × {len(scope.communes)} communes: {len(times['cross'])} runs")
    for k in chain([-1], trials(repeats, budget)):
        month = months[k % len(months)]
        ms, rows = timed(lambda m=month: evaluate([scope.cross_code], [scope.root], [m]))
        dms, duck = timed(lambda m=month: ref.duck_total(str(m)))
        pms, pan = timed(lambda m=month: ref.pandas_total(str(m)))
        check.one(engine_answer(rows[0], ratio_cross), {"DuckDB": duck, "pandas": pan}, f"total {month}")
        raw_ms, raw = timed(lambda m=month: evaluate([scope.cross_code], [scope.root], [m], roll_ups=False))
        check.one(engine_answer(raw[0], ratio_cross), {"DuckDB": duck}, f"total from raw figures {month}")
        if k >= 0:
            add("total", ms), add("total_duck", dms), add("total_pandas", pms), add("total_raw", raw_ms)
    log(f"  aggregate on {scope.root.name}: {len(times['total'])} runs")

    # Python memory of one cross-commune query
    tracemalloc.start()
    evaluate([scope.cross_code], scope.communes, [months[-1]])
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    # save one value → see it in the root's aggregate
    saved_seen = _save_to_visible(scope, ref, check, months[-1], saves, r, add)
    log(f"  save → visible: {len(times['save'])} writes")

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    metrics = _metrics(scope, times, setup_seconds, (before_mb, peak_mb), traced_peak / 2**20, saved_seen)
    agree = not check.mismatches and saved_seen
    metrics.append(Metric("same answers as DuckDB and pandas (±1e-9)", "yes" if agree else "no", "",
                          goal="yes", met=agree))
    return Outcome(metrics, agree, check.mismatches, {k: len(v) for k, v in times.items()} |
                   {"compared": check.compared})


def _save_to_visible(scope: Scope, ref: Reference, check: Checker, month: Period, saves: int,
                     r: random.Random, add: Callable[[str, float], None]) -> bool:
    indicator = Indicator.objects.select_related("numerator", "reported").get(code=scope.cross_code)
    element = indicator.numerator if indicator.is_ratio else indicator.reported
    ratio = indicator.is_ratio
    by_id = {c.id: c for c in scope.communes}
    candidates = sorted(DataValue.objects.filter(data_element=element, unit_id__in=by_id, period=str(month),
                                                 is_deleted=False, value__isnull=False)
                        .values_list("unit_id", flat=True))
    if not candidates:
        raise ValueError(f"no {element.code} value of {month} to change under {scope.root.name}")
    seen_all = True
    for k in range(saves):
        unit = by_id[r.choice(candidates)]
        current = DataValue.objects.get(data_element=element, unit=unit, period=str(month))
        before = engine_answer(evaluate([scope.cross_code], [scope.root], [month])[0], ratio)
        delta = Decimal(k + 1)
        new_value = current.value + delta  # type: ignore[operator]
        expected = (before[0] or 0.0) + float(delta)
        entry = ValueEntry(data_element=element, unit=unit, period=month, value=new_value, source=SAVE_SOURCE,
                           comment="Ghi thử để đo thời gian đến khi thấy trong tổng.", is_illustrative=True)
        started = time.perf_counter()
        do_set_values([entry], acting_user=None, channel=Channel.CLI, reason="Kiểm tra hiệu năng")
        while True:
            after = engine_answer(evaluate([scope.cross_code], [scope.root], [month])[0], ratio)
            seen = after[0] is not None and _close(after[0], expected)
            if seen or time.perf_counter() - started > 30:
                break
        add("save", (time.perf_counter() - started) * 1000)
        seen_all = seen_all and seen
        cell = (unit.id, element.id, str(month), float(new_value))
        dms, duck = timed(lambda c=cell: (ref.duck_update(*c), ref.duck_total(c[2]))[1])
        pms, pan = timed(lambda c=cell: (ref.pandas_update(*c), ref.pandas_total(c[2]))[1])
        add("save_duck", dms), add("save_pandas", pms)
        check.one(after, {"DuckDB": duck, "pandas": pan}, f"after saving {unit.code} {month}")
    return seen_all


def _ratio(value: float | None, reference: float | None) -> float | None:
    if value is None or not reference:
        return None
    return round(value / reference, 1)


def _metrics(scope: Scope, times: dict[str, list[float]], setup_seconds: float, memory: tuple[float, float],
             traced_mb: float, saved_seen: bool) -> list[Metric]:
    n = len(scope.communes)
    found = []
    worst_save = max(times["save"])
    duck_save = max(times["save_duck"])
    saves = len(times["save"])
    found.append(Metric(f"save one value → visible in {scope.root.name} aggregate (worst of {saves})",
                        round(worst_save, 1), "ms", round(duck_save, 2), _ratio(worst_save, duck_save),
                        "≤ 1 s", worst_save <= GOAL_SAVE_MS and saved_seen))
    names = {
        "dash": f"dashboard: {len(scope.dashboard_codes)} indicators × "
                f"{min(len(scope.months), DASHBOARD_MONTHS)} months, one commune",
        "cross": f"one indicator × {n} communes, one month",
        "total": f"one indicator, {scope.root.name} aggregate, one month",
    }
    for key, name in names.items():
        for q in (50, 95):
            value, duck = percentile(times[key], q), percentile(times[f"{key}_duck"], q)
            ratio = _ratio(value, duck)
            if q == 95 and key in ("dash", "cross"):
                goal, met = "≤ 100 ms, ≤ 3× DuckDB", value <= GOAL_QUERY_MS and (ratio or 0) <= GOAL_RATIO
            else:
                goal, met = "≤ 3× DuckDB", (ratio or 0) <= GOAL_RATIO
            found.append(Metric(f"{name} — p{q}", round(value, 2), "ms", round(duck, 2), ratio, goal, met))
    for key, name in names.items():
        value, duck = percentile(times[f"{key}_pandas"], 95), percentile(times[f"{key}_duck"], 95)
        found.append(Metric(f"pandas: {name} — p95", round(value, 2), "ms", round(duck, 2),
                            _ratio(value, duck)))
    value, duck = percentile(times["total_raw"], 95), percentile(times["total_duck"], 95)
    found.append(Metric(f"without roll-ups: {names['total']}, adding up the raw figures — p95", round(value, 2), "ms",
                        round(duck, 2), _ratio(value, duck)))
    value, duck = max(times["save_pandas"]), max(times["save_duck"])
    found.append(Metric("pandas: update one value + aggregate (worst)", round(value, 2), "ms", round(duck, 2),
                        _ratio(value, duck)))
    found.append(Metric("reference set-up: export raw values, load DuckDB and pandas",
                        round(setup_seconds, 1), "s"))
    before_mb, peak_mb = memory
    found.append(Metric("peak memory before loading DuckDB and pandas (ru_maxrss)", round(before_mb, 1), "MB",
                        goal="≤ 16 GB", met=before_mb <= GOAL_MEMORY_MB))
    found.append(Metric("peak memory of the whole run, references included (ru_maxrss)", round(peak_mb, 1),
                        "MB", goal="≤ 16 GB", met=peak_mb <= GOAL_MEMORY_MB))
    found.append(Metric(f"Python memory of one query over {n} communes (tracemalloc peak)",
                        round(traced_mb, 1), "MB"))
    return found


# --- output ---------------------------------------------------------------------------------------

def database_label() -> str:
    if connection.vendor == "postgresql":
        version = connection.pg_version
        return f"PostgreSQL {version // 10000}.{version % 10000}"
    return f"SQLite {sqlite3.sqlite_version}"


def machine_label() -> str:
    """Machine, cores, Python, and how busy the machine was (other processes skew the timings)."""
    import os

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
            f"load average (1, 5, 15 min) at the end: {load}")


def _cell(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "met" if value else "not met"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.1f}"
    return str(value)


def format_table(header: list[str], metrics: list[Metric]) -> str:
    columns = ["metric", "value", "unit", "reference (DuckDB)", "ratio", "goal", "met"]
    cells = [[m.metric, _cell(m.value), m.unit, _cell(m.reference),
              "" if m.ratio is None else f"{m.ratio:g}×", m.goal, "" if m.met is None else _cell(m.met)]
             for m in metrics]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    right = {1, 3, 4}

    def line(row: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths,
                                                                                                   strict=True)))

    out = [*header, "", line(columns), "  ".join("-" * w for w in widths)]
    out += [line(row).rstrip() for row in cells]
    return "\n".join(out)
