"""Keeping the roll-ups equal to the raw figures: in the writer's transaction, level by level.

``figures_changed`` hears from ``values.hooks`` which cells changed (a figure written, deleted or undone; a
report approved or reopened, which changes what is published) and recomputes, inside the same transaction, the
``BelowTotal`` rows of every ancestor of those cells for the months, quarters and years containing them: the
deepest ancestors first, each level with one read of its children's raw figures, one of their own roll-ups and
one delete and one insert, so a figure is in every ancestor's total the moment its transaction commits.

Every number is computed by the engine's own functions (``engine.aggregate.over_time``, ``with_children``,
``below``) from the same figures the engine would read, so a roll-up equals a recomputation by construction;
``check`` proves it on a whole database and ``rebuild`` makes them from nothing (``chiso totals``).
"""

from __future__ import annotations

import time
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from chiso.collection.queries import PublishedReports
from chiso.engine import aggregate as agg
from chiso.engine.periods import Period, PeriodKind, period_of
from chiso.totals.measures import Measure, built_keys, catalogue, current, units_mark, with_elements
from chiso.totals.models import BelowTotal, TotalsState
from chiso.units.models import Unit
from chiso.units.queries import path_ids
from chiso.values.bulkwrite import client_side, collector_paused, pause
from chiso.values.hooks import Key
from chiso.values.models import DataValue

STORED = (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR)
READINGS = (False, True)  # every figure; published figures only
LEVEL_CHILDREN = 300  # children whose figures one refresh holds in memory (a bigger branch goes alone)


def stored_periods(period: Period) -> list[Period]:
    """The months, quarters and years whose totals a figure of ``period`` is part of.

    >>> [str(p) for p in stored_periods(Period.parse("2025-07-15"))]
    ['2025-07', '2025Q3', '2025']
    >>> [str(p) for p in stored_periods(Period.parse("2025Q3"))]
    ['2025Q3', '2025']
    """
    return [period.parent(kind) for kind in STORED if kind.rank <= period.kind.rank]


def stored(period: Period) -> bool:
    return period.kind in STORED


# -- hearing of changes -------------------------------------------------------------------------------------

def figures_changed(batches: Iterable[list[Key]], *, publication_only: bool = False,
                    after_commit: bool = False) -> None:
    """Recompute what the changed cells are part of (inside the caller's transaction); nothing to do while the
    roll-ups are not built (readers use the raw figures then). ``publication_only``: only the published reading
    can have changed. ``after_commit`` (a write done in batches of their own, on SQLite): each group of units in
    a short transaction of its own, which reads the figures as committed (SQLite's IMMEDIATE transactions)."""
    keys, mark = current()
    if not keys:
        for _ in batches:  # drain a streamed source all the same
            pass
        return
    by_parent: dict[int, set[tuple[int, str]]] = defaultdict(set)  # unit → (element, period) of its figures
    for batch in batches:
        for element_id, unit_id, period in batch:
            by_parent[unit_id].add((element_id, period))
    if not by_parent:
        return
    measures = [m for m in catalogue().values() if m.key in keys]
    if publication_only:
        readings: tuple[bool, ...] = (True,)
    elif PublishedReports.any_among(list(by_parent), {p for pairs in by_parent.values() for _, p in pairs}):
        readings = READINGS
    else:  # no changed figure is in a published report (an import into open reports): the public totals stay
        readings = (False,)
    refresh_ancestors(by_parent, measures, readings, "" if after_commit else mark, apart=after_commit)


def refresh_ancestors(cells: dict[int, set[tuple[int, str]]], measures: Sequence[Measure],
                      readings: tuple[bool, ...] = (False, True), mark: str = "", *, apart: bool = False) -> None:
    """Recompute the roll-ups of every ancestor of ``cells`` (unit → its changed (element, period) pairs)."""
    paths = _paths(list(cells))
    needs: dict[int, set[tuple[str, str]]] = defaultdict(set)  # branch → (measure key, period)
    touched: dict[tuple[int, str], list[tuple[str, str]]] = {}
    for unit_id, pairs in cells.items():
        ancestors = path_ids(paths.get(unit_id, ""))[:-1]  # the unit's own total is not below it
        if not ancestors:
            continue
        found: set[tuple[str, str]] = set()
        for element_id, period in pairs:
            if (element_id, period) not in touched:
                touched[(element_id, period)] = [
                    (m.key, str(p)) for m in with_elements(measures, [element_id])
                    for p in stored_periods(period_of(period))]
            found.update(touched[(element_id, period)])
        for ancestor in ancestors:
            needs[ancestor] |= found
    if not needs:
        return
    depth = {unit_id: path.count("/") - 1 for unit_id, path in _paths(list(needs)).items()}
    by_key = {m.key: m for m in measures}
    for level in sorted(set(depth.values()), reverse=True):
        nodes = [u for u in needs if depth.get(u) == level]
        for chunk in groups_of(nodes):
            wanted = set().union(*(needs[u] for u in chunk))
            measures_ = [by_key[k] for k in sorted({k for k, _ in wanted})]
            periods = sorted({period_of(p) for _, p in wanted}, key=lambda p: (p.start, p.end))
            if not apart:
                refresh_level(chunk, measures_, periods, readings, mark)
                continue
            for number, (few, year) in enumerate(_slices(measures_, periods)):  # apart: short transactions
                if number:
                    pause()  # as between a batched write's batches: waiting writers get in
                with transaction.atomic():
                    refresh_level(chunk, few, year, readings)


APART_MEASURES = 12  # measures per short transaction of a refresh done apart (with one year's periods)


def _slices(measures: Sequence[Measure], periods: Sequence[Period],
            ) -> Iterable[tuple[Sequence[Measure], list[Period]]]:
    """(measures, one year's periods) pieces of a refresh done apart, each a transaction of its own."""
    years: dict[int, list[Period]] = defaultdict(list)
    for period in periods:
        years[period.start.year].append(period)
    for start in range(0, len(measures), APART_MEASURES):
        for year in sorted(years):
            yield measures[start:start + APART_MEASURES], years[year]


# -- one level ------------------------------------------------------------------------------------------------

class Figure(NamedTuple):  # a named tuple: one is made for every figure a refresh reads (a million in an import)
    obs: agg.Obs
    published: bool


def refresh_level(nodes: Sequence[int], measures: Sequence[Measure], periods: Sequence[Period],
                  readings: tuple[bool, ...] = (False, True), mark: str = "") -> int:
    """Recompute the roll-ups of ``nodes`` (branch units of one depth) for every measure × period × reading
    (False: every figure, True: published ones) given, from their children's own figures and their children's
    roll-ups. Returns the rows written. ``mark``: the map's trace if already read in this transaction."""
    if not nodes or not measures or not periods:
        return 0
    with collector_paused():  # a level of a large write is millions of objects without cycles
        return _refresh_level(nodes, measures, periods, readings, mark)


def _refresh_level(nodes: Sequence[int], measures: Sequence[Measure], periods: Sequence[Period],
                   readings: tuple[bool, ...], mark: str) -> int:
    children: dict[int, list[int]] = defaultdict(list)
    for unit_id, parent_id in Unit.objects.filter(parent_id__any_of=set(nodes)).values_list("id", "parent_id"):
        children[parent_id].append(unit_id)
    kids = [k for found in children.values() for k in found]
    branches = branches_of(kids)
    element_ids = sorted({e for m in measures for e in m.elements})
    figures = _figures(kids, element_ids, min(p.start for p in periods), max(p.end for p in periods),
                       published=True in readings)
    stored_below = _stored(list(branches), [m.key for m in measures], [str(p) for p in periods])
    leaves = LeafCounts(mark)
    parent = {kid: node for node, found in children.items() for kid in found}
    # The children with something for a measure: a figure of one of its elements, or a stored total below. The
    # others add only to what was expected (one leaf, or every leaf under a branch) and are not visited.
    active: dict[tuple[int, str], set[int]] = defaultdict(set)
    by_element: dict[int, list[str]] = defaultdict(list)
    for measure in measures:
        for element_id in measure.elements:
            by_element[element_id].append(measure.key)
    for kid, element_id in figures:
        for key in by_element[element_id]:
            active[(parent[kid], key)].add(kid)
    for kid, key, _, _ in stored_below:
        active[(parent[kid], key)].add(kid)
    empty = {kid: leaves.under(kid) if kid in branches else 1 for kid in kids}
    over_of = {e: over for m in measures for e, over in zip(m.elements, m.over_time, strict=True)}
    values = time_values(figures, periods, over_of, readings)
    texts = [str(p) for p in periods]
    rows = []
    for node in nodes:
        nothing = sum(empty[kid] for kid in children.get(node, ()))
        for measure in measures:
            visited = sorted(active.get((node, measure.key), ()))
            if not visited:
                continue
            unvisited = nothing - sum(empty[kid] for kid in visited)
            own = [(kid, kid in branches, [values.get((kid, e)) for e in measure.elements]) for kid in visited]
            for index, period in enumerate(periods):
                for published in readings:
                    at = (measure.key, texts[index], published)
                    total = _below(own, (index, published), unvisited, empty,
                                   lambda kid, at=at: stored_below.get((kid, *at)))  # type: ignore[misc]
                    if total.parts is not None:
                        rows.append(_row(node, measure, period, published, total))
    BelowTotal.objects.filter(unit_id__any_of=set(nodes), measure__in=[m.key for m in measures],
                              period__in=[str(p) for p in periods], published__in=readings).delete()
    BelowTotal.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


TimeValue = tuple[Decimal, str, bool]  # value, qualifier, illustrative


def time_values(figures: dict[tuple[int, int], tuple[list[date], list[Figure]]], periods: Sequence[Period],
                over_of: dict[int, str], readings: tuple[bool, ...],
                ) -> dict[tuple[int, int], dict[tuple[int, bool], TimeValue]]:
    """Each unit's own figure of each element added up over each period (``engine.aggregate.over_time``), for each
    reading: (unit, element) → (period's index, published only) → value. One pass per unit and element; a figure
    reported for exactly the period asked is taken as it is, without the general rule's work."""
    found: dict[tuple[int, int], dict[tuple[int, bool], TimeValue]] = {}
    for key, (starts, items) in figures.items():
        over = over_of.get(key[1])
        if over is None:
            continue
        some = any(f.published for f in items)
        every = all(f.published for f in items)
        mine: dict[tuple[int, bool], TimeValue] = {}
        for index, period in enumerate(periods):
            low, high = bisect_left(starts, period.start), bisect_right(starts, period.end)
            if low == high:
                continue
            inside = items[low:high]
            for published in readings:
                if published and not some:
                    continue
                if published and every and (index, False) in mine:
                    mine[(index, True)] = mine[(index, False)]
                    continue
                used = [f.obs for f in inside if f.published] if published and not every else [f.obs for f in inside]
                if len(used) == 1 and used[0].period == period:
                    mine[(index, published)] = (used[0].value, used[0].qualifier, used[0].illustrative)
                elif used:
                    value = agg.over_time(used, period, over)
                    if value is not None:
                        mine[(index, published)] = (value.value, value.qualifier, value.illustrative)
        found[key] = mine
    return found


def _below(own: list[tuple[int, bool, list[dict[tuple[int, bool], TimeValue] | None]]], at: tuple[int, bool],
           unvisited: int, empty: dict[int, int], stored: Callable[[int], agg.Total | None]) -> agg.Total:
    """``engine.aggregate.below`` of the children's totals (``with_children`` of each child's own figure and its
    stored total below), written out flat: this loop is the roll-ups' whole cost."""
    sums: list[Decimal] | None = None
    qualifiers: set[str] = set()
    illustrative = False
    reported, expected = 0, unvisited
    for kid, branch, elements in own:
        mine: list[TimeValue] | None = []
        for by_period in elements:
            value = by_period.get(at) if by_period is not None else None
            if value is None:
                mine = None
                break
            mine.append(value)  # type: ignore[union-attr]
        numbers: tuple[Decimal, ...]
        if mine is not None:
            if len(mine) == 1:
                numbers, qualifier, flag = (mine[0][0],), mine[0][1], mine[0][2]
            else:
                numbers = tuple(v[0] for v in mine)
                qualifier = agg.combine_qualifiers(v[1] for v in mine)
                flag = any(v[2] for v in mine)
            reported, expected = reported + 1, expected + 1
        else:
            under = stored(kid) if branch else None
            if under is None or under.parts is None:
                expected += empty[kid] if under is None else under.expected
                continue
            numbers, qualifier, flag = under.parts, under.qualifier, under.illustrative
            reported, expected = reported + under.reported, expected + under.expected
        if sums is None:
            sums = list(numbers)
        else:
            for i, number in enumerate(numbers):
                sums[i] += number
        qualifiers.add(qualifier)
        illustrative = illustrative or flag
    total = tuple(sums) if sums is not None else None
    return agg.Total(total, agg.combine_qualifiers(qualifiers), illustrative, reported, expected, children=total)


def _figures(units: Sequence[int], element_ids: Sequence[int], start: date, end: date, published: bool = True,
             ) -> dict[tuple[int, int], tuple[list[date], list[Figure]]]:
    """The units' own figures of the elements inside [start, end], each with whether it is published (only asked
    when ``published``: otherwise every figure is taken as unpublished, and the published reading is not read)."""
    found: dict[tuple[int, int], list[Figure]] = defaultdict(list)
    reports = PublishedReports(units) if published else None
    values = (DataValue.objects.filter(unit_id__any_of=set(units), data_element_id__in=element_ids, is_deleted=False,
                                       value__isnull=False, period_start__gte=start, period_end__lte=end,
                                       period_end__gte=start)  # implied; lets the unit index find them
              .values_list("unit_id", "data_element_id", "period", "value", "qualifier", "is_illustrative"))
    for unit_id, element_id, period, value, qualifier, illustrative in client_side(values):
        found[(unit_id, element_id)].append(Figure(
            agg.Obs(period_of(period), value, qualifier, illustrative),
            reports is not None and reports.holds(element_id, unit_id, period)))
    ordered = {}
    for key, items in found.items():
        items.sort(key=lambda f: f.obs.period.start)
        ordered[key] = ([f.obs.period.start for f in items], items)
    return ordered  # type: ignore[return-value]


def _stored(units: Sequence[int], keys: Sequence[str], periods: Sequence[str],
            ) -> dict[tuple[int, str, str, bool], agg.Total]:
    found = {}
    for row in BelowTotal.objects.filter(unit_id__any_of=set(units), measure__in=keys, period__in=periods):
        found[(row.unit_id, row.measure, row.period, row.published)] = as_total(row)
    return found


def as_total(row: BelowTotal) -> agg.Total:
    parts = (row.first,) if row.second is None else (row.first, row.second)
    return agg.Total(parts, row.qualifier, row.illustrative, row.reported, row.expected, children=parts)


def _row(node: int, measure: Measure, period: Period, published: bool, total: agg.Total) -> BelowTotal:
    parts = total.parts or ()
    return BelowTotal(unit_id=node, measure=measure.key, period=str(period), published=published, first=parts[0],
                      second=parts[1] if len(parts) > 1 else None, qualifier=total.qualifier,
                      illustrative=total.illustrative, reported=total.reported, expected=total.expected)


# -- the map ------------------------------------------------------------------------------------------------------

class LeafCounts:
    """How many units without children lie under a unit (the completeness a total of nothing is measured
    against), from one read of the map, kept while the map does not change."""

    _cache: tuple[str, dict[int, int]] | None = None

    def __init__(self, mark: str = "") -> None:
        mark = mark or units_mark()
        if LeafCounts._cache is None or LeafCounts._cache[0] != mark:
            LeafCounts._cache = (mark, _count_leaves())
        self.counts = LeafCounts._cache[1]

    def under(self, unit_id: int) -> int:
        return self.counts.get(unit_id, 1)


def _count_leaves() -> dict[int, int]:
    parent_of = dict(Unit.objects.values_list("id", "parent_id"))
    has_children = {p for p in parent_of.values() if p is not None}
    counts: dict[int, int] = defaultdict(int)
    for unit_id in parent_of:
        if unit_id in has_children:
            continue
        counts[unit_id] = 1
        parent: int | None = parent_of[unit_id]
        seen = 0
        while parent is not None and seen < 64:  # bounded: a map is never that deep
            counts[parent] += 1
            parent = parent_of.get(parent)
            seen += 1
    return dict(counts)


def groups_of(nodes: Sequence[int]) -> Iterable[list[int]]:
    """``nodes`` (in order) cut into groups of about ``LEVEL_CHILDREN`` children in all."""
    counts: dict[int, int] = {}
    counts.update(Unit.objects.filter(parent_id__any_of=set(nodes)).values("parent_id").annotate(n=Count("id"))
                  .values_list("parent_id", "n"))
    group: list[int] = []
    size = 0
    for node in nodes:
        if group and size + counts.get(node, 0) > LEVEL_CHILDREN:
            yield group
            group, size = [], 0
        group.append(node)
        size += counts.get(node, 0)
    if group:
        yield group


def branches_of(units: Sequence[int]) -> set[int]:
    """Those of ``units`` that have children (one query)."""
    if not units:
        return set()
    return set(Unit.objects.filter(parent_id__any_of=set(units)).order_by().values_list("parent_id", flat=True)
               .distinct())


def _paths(units: Sequence[int]) -> dict[int, str]:
    return dict(Unit.objects.filter(id__any_of=set(units)).values_list("id", "path"))




# -- rebuild and check ------------------------------------------------------------------------------------

@dataclass
class Rebuilt:
    rows: int
    nodes: int
    measures: int
    periods: int
    seconds: float


def rebuild(log: Callable[[str], None] | None = None, *, fresh: bool = False) -> Rebuilt:
    """Make every roll-up from the raw figures (deepest branches first), then mark them current. Each chunk of
    units is its own transaction and records how far it got: a stopped rebuild leaves readers on the raw figures,
    and the next one goes on from there (unless ``fresh`` or the map changed)."""
    started = time.perf_counter()
    mark = units_mark()
    state = TotalsState.objects.first()
    if fresh or state is None or state.built or state.units != mark or state.done_depth is None:
        TotalsState.objects.all().delete()
        state = TotalsState.objects.create(built=False, units=mark)
    measures = list(catalogue().values())
    periods = _periods_with_figures()
    branches = _branch_depths()
    written = 0
    for level in sorted(set(branches.values()), reverse=True):
        nodes = sorted(u for u, d in branches.items() if d == level)
        if state.done_depth is not None and (level > state.done_depth or (
                level == state.done_depth and state.done_unit is not None)):
            nodes = [] if level > state.done_depth else [u for u in nodes if u > (state.done_unit or 0)]
        done = 0
        for chunk in groups_of(nodes):
            with transaction.atomic():
                written += refresh_level(chunk, measures, periods)
                state.done_depth, state.done_unit = level, chunk[-1]
                state.save(update_fields=["done_depth", "done_unit"])
            done += len(chunk)
            if log:
                log(f"  cấp {level}: {done}/{len(nodes)} đơn vị, {written:,} dòng")
    with transaction.atomic():
        TotalsState.objects.all().delete()
        TotalsState.objects.create(built=True, units=mark, measures=" ".join(m.key for m in measures),
                                   built_at=timezone.now())
    return Rebuilt(written, len(branches), len(measures), len(periods), time.perf_counter() - started)


def _periods_with_figures() -> list[Period]:
    texts = set(DataValue.objects.filter(is_deleted=False).values_list("period", flat=True).distinct())
    return sorted({p for t in texts for p in stored_periods(period_of(t))}, key=lambda p: (p.start, p.end))


def _branch_depths() -> dict[int, int]:
    parents = set(Unit.objects.filter(parent__isnull=False).values_list("parent_id", flat=True).distinct())
    return {u: path.count("/") - 1 for u, path in _paths(sorted(parents)).items()}


def check(limit: int = 20) -> list[str]:
    """Every stored roll-up against a recomputation from the raw figures (and no row missing): the differences,
    in words, at most ``limit``. Empty when they are equal."""
    keys = built_keys()
    if not keys:
        return ["Chưa dựng tổng theo cấp (hoặc bản đồ đã đổi từ lần dựng trước): chạy `chiso totals rebuild`."]
    measures = [m for m in catalogue().values() if m.key in keys]
    periods = _periods_with_figures()
    branches = _branch_depths()
    differences: list[str] = []
    for level in sorted(set(branches.values()), reverse=True):
        nodes = sorted(u for u, d in branches.items() if d == level)
        for chunk in groups_of(nodes):
            with transaction.atomic():
                before = _snapshot(chunk, measures, periods)
                refresh_level(chunk, measures, periods)
                after = _snapshot(chunk, measures, periods)
                transaction.set_rollback(True)  # a check changes nothing
            for key in sorted(set(before) | set(after), key=str):
                if before.get(key) != after.get(key) and len(differences) < limit:
                    differences.append(f"{key}: lưu {before.get(key)}, tính lại {after.get(key)}")
    return differences


def _snapshot(nodes: Sequence[int], measures: Sequence[Measure], periods: Sequence[Period]) -> dict[object, object]:
    rows = BelowTotal.objects.filter(unit_id__in=list(nodes), measure__in=[m.key for m in measures],
                                     period__in=[str(p) for p in periods])
    return {(r.unit_id, r.measure, r.period, r.published):
            (Decimal(r.first), r.second, r.qualifier, r.illustrative, r.reported, r.expected) for r in rows}
