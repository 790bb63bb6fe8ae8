"""The query engine: any indicator or data element × units × periods, on any hierarchy version.

Computed on read from the stored figures — a saved value shows in every ancestor's total on the
next read, with no batch rebuild. One query for the units and one for the figures per hierarchy
version involved; the adding up is ``chiso.engine.aggregate``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from chiso.analytics.mapping import Mapping, map_unit, rounded_estimate
from chiso.engine import aggregate as agg
from chiso.engine.periods import Period, period_of, texts_within
from chiso.indicators.models import DataElement, Indicator, OverHierarchy
from chiso.totals.measures import current, key_of
from chiso.totals.read import StoredBelow, branches_of
from chiso.totals.refresh import stored
from chiso.units.models import HierarchyVersion, Unit
from chiso.values.bulkwrite import collector_paused
from chiso.values.models import DataValue

if TYPE_CHECKING:
    from chiso.collection.queries import Coverage, ReportCoverage


NAMED_PERIODS = 100  # a quarter and its months and days (96): named in the figures' query (_VersionData)


class QueryError(ValueError):
    """A request the engine cannot answer; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class Measure:
    """What is computed for a code: one data element, or an indicator's numerator ÷ denominator."""

    code: str
    elements: tuple[DataElement, ...]
    additive: bool
    factor: Decimal | None = None  # set for a ratio
    decimals: int | None = None
    reported: DataElement | None = None  # an indicator's own-code element, used when no ratio is known


@dataclass(slots=True)
class Row:
    data: str
    unit: Unit
    period: Period
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    qualifier: str
    reported: int
    expected: int
    estimated: bool
    illustrative: bool
    own_value: Decimal | None = None
    children_value: Decimal | None = None
    differs: bool = False
    notes: list[str] = field(default_factory=list)
    # published mode, a total computed from the units below: how many of them have an approved report
    coverage: Coverage | None = None
    withheld: bool = False  # below the form's completeness threshold: not published (value None)

    @property
    def completeness(self) -> float | None:
        return round(self.reported / self.expected, 4) if self.expected else None


def measures(codes: list[str]) -> list[Measure]:
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=codes)
                  .select_related("numerator", "denominator", "reported")}
    elements = {e.code: e for e in DataElement.objects.filter(code__in=codes)}
    found = []
    for code in codes:
        if code in indicators:
            i = indicators[code]
            if i.is_ratio:
                additive = (i.numerator.over_hierarchy == OverHierarchy.SUM
                            and i.denominator.over_hierarchy == OverHierarchy.SUM)
                found.append(Measure(code, (i.numerator, i.denominator), additive, i.factor, i.decimals, i.reported))
            else:
                found.append(Measure(code, (i.reported,), i.reported.over_hierarchy == OverHierarchy.SUM,
                                     decimals=i.decimals))
        elif code in elements:
            e = elements[code]
            found.append(Measure(code, (e,), e.over_hierarchy == OverHierarchy.SUM))
        else:
            raise QueryError(f"Không có chỉ tiêu hay yếu tố dữ liệu mã '{code}'.")
    return found


def overlapping_versions(period: Period, versions: list[HierarchyVersion] | None = None) -> list[HierarchyVersion]:
    """Versions in force at some day of ``period``, oldest first."""
    return [v for v in (versions if versions is not None else HierarchyVersion.objects.all())
            if (v.valid_from is None or v.valid_from <= period.end) and (v.valid_to is None or period.start <= v.valid_to)]


class Rolled:
    """Which roots may read the roll-ups (``chiso.totals``) instead of adding up their subtree's raw figures, and
    with which reading: every figure, or published ones only. A root whose reader may see drafts somewhere
    strictly inside its subtree (but not all of it) mixes both readings, so it adds up its raw figures."""

    def __init__(self, measures: Sequence[Measure], periods: Sequence[Period], published_only: bool,
                 drafts_under: Sequence[str]):
        self.keys = {key_of(m.elements) for m in measures if m.additive}
        self.periods = [str(p) for p in periods]
        self.possible = bool(self.keys) and all(stored(p) for p in periods)
        self.published_only, self.drafts_under = published_only, drafts_under
        self._usable: bool | None = None
        self.mark = ""

    def reading(self, unit: Unit) -> bool | None:
        """False: every figure; True: published only; None: add up the raw figures. Asked for branches only."""
        if self._usable is None:  # asked once, and only when a branch is among the roots
            built, self.mark = current() if self.possible else (set(), "")
            self._usable = self.possible and self.keys <= built
        if not self._usable:
            return None
        if not self.published_only or any(unit.path.startswith(p) for p in self.drafts_under):
            return False
        if any(p.startswith(unit.path) for p in self.drafts_under):
            return None
        return True


class _VersionData:
    """Units and figures of one hierarchy version under some roots, loaded once. A root that reads the roll-ups
    loads only its own figures and its stored children's total; the others load their whole subtree."""

    def __init__(self, roots: list[Unit], element_ids: set[int], start, end,  # type: ignore[no-untyped-def]
                 published_only: bool = False, drafts_under: Sequence[str] = (), rolled: Rolled | None = None):
        branches = branches_of([u.id for u in roots]) if rolled is not None else set()
        self.reading: dict[int, bool] = {}  # the roots that read their children's total from the roll-ups
        for root in roots if rolled is not None else ():
            reading = rolled.reading(root) if root.id in branches else False  # a leaf: nothing below to add up
            if reading is not None:
                self.reading[root.id] = reading
        walked = [u for u in roots if u.id not in self.reading]
        # the whole subtrees when published (the coverage of published totals counts every unit below), else the
        # subtrees walked for their figures
        units = _subtrees(roots if published_only else walked)
        self.children: dict[int, list[int]] = defaultdict(list)
        for unit_id, parent_id in units.values_list("id", "parent_id"):
            if parent_id is not None:
                self.children[parent_id].append(unit_id)
        # period_end ≥ start is implied by period_start ≥ start; said, it lets the (unit, element, period_end) index
        # find a few units' figures without scanning every month of the elements. For up to a quarter the periods
        # inside are also named, so the (element, period) index finds a month of 3.321 communes in one range
        # (8 ms, against 47 ms through 3.321 units); the database picks whichever finds fewer rows.
        values = DataValue.objects.filter(
            data_element_id__in=element_ids, is_deleted=False, period_start__gte=start, period_end__lte=end,
            period_end__gte=start,
        )
        named = texts_within(start, end)
        if len(named) <= NAMED_PERIODS:
            values = values.filter(period__any_of=frozenset(named))
        whose = Q(unit_id__any_of=frozenset(self.reading)) if self.reading else Q(pk__in=[])  # the roots' own figures
        if walked:
            whose |= Q(unit__in=_subtrees(walked))
        self.coverage: ReportCoverage | None = None
        if published_only:
            from chiso.collection.queries import ReportCoverage, readable

            self.coverage = ReportCoverage(units, self.children, element_ids)
        self.observations: dict[tuple[int, int], list[agg.Obs]] = defaultdict(list)
        found = values.filter(whose)
        if published_only:
            found = readable(found, list(drafts_under))  # published, and the drafts the reader may read
        for unit_id, element_id, period, value, qualifier, illustrative in found.values_list(
                "unit_id", "data_element_id", "period", "value", "qualifier", "is_illustrative"):
            if value is not None:
                self.observations[(unit_id, element_id)].append(
                    agg.Obs(period_of(period), value, qualifier, illustrative))
        self.starts: dict[tuple[int, int], list[object]] = {}
        for key, found in self.observations.items():
            if len(found) > 1:  # within() reads a single figure directly
                found.sort(key=lambda o: o.period.start)
                self.starts[key] = [o.period.start for o in found]
        self.below = StoredBelow(self.reading, branches, rolled.keys, rolled.periods, rolled.mark) if (
            rolled is not None and branches & self.reading.keys()) else None

    def within(self, key: tuple[int, int], period: Period) -> list[agg.Obs]:
        """The figures of one unit and element whose period starts inside ``period`` (binary search)."""
        found = self.observations.get(key)
        if not found:
            return []
        if len(found) == 1:  # most keys of a query over one period
            return found if period.start <= found[0].period.start <= period.end else []
        starts = self.starts[key]
        return found[bisect_left(starts, period.start):bisect_right(starts, period.end)]

    def own(self, unit_id: int, measure: Measure, period: Period) -> agg.Leaf | None:
        """A unit's own figure for the measure, over time; None unless every element of it has one."""
        parts, qualifiers, illustrative = [], [], False
        for element in measure.elements:
            found = agg.over_time(self.within((unit_id, element.id), period), period, element.over_time)
            if found is None:
                return None
            parts.append(found.value)
            qualifiers.append(found.qualifier)
            illustrative = illustrative or found.illustrative
        return tuple(parts), agg.combine_qualifiers(qualifiers), illustrative

    def total(self, unit_id: int, measure: Measure, period: Period) -> agg.Total:
        if unit_id in self.reading and measure.additive and self.below is not None:
            return agg.with_children(self.own(unit_id, measure, period),
                                     self.below.total(unit_id, key_of(measure.elements), period))
        if unit_id not in self.children:  # a leaf (or a root read as itself): over_hierarchy's first step
            return agg.with_children(self.own(unit_id, measure, period), None)
        return agg.over_hierarchy(unit_id, lambda u: self.children.get(u, []),
                                  lambda u: self.own(u, measure, period), measure.additive)

    def reported_rate(self, unit_id: int, measure: Measure, period: Period) -> agg.TimeValue | None:
        if measure.reported is None:
            return None
        return agg.over_time(self.within((unit_id, measure.reported.id), period), period,
                             measure.reported.over_time)


def _subtrees(roots: Sequence[Unit]) -> QuerySet[Unit]:
    """The units of ``roots``' subtrees (one version), as a query."""
    if not roots:
        return Unit.objects.none()
    minimal: list[str] = []
    for prefix in sorted({u.path for u in roots}):  # sorted, a subtree follows its root
        if not minimal or not prefix.startswith(minimal[-1]):
            minimal.append(prefix)
    if len(minimal) > 50:
        return Unit.objects.filter(version_id=roots[0].version_id)
    condition = Q()
    for prefix in minimal:
        condition |= Q(path__startswith=prefix)
    return Unit.objects.filter(condition, version_id=roots[0].version_id)


def evaluate(codes: list[str], units: list[Unit], periods: list[Period], *, published_only: bool = False,
             drafts_under: Sequence[str] = (), roll_ups: bool = True) -> list[Row]:
    """Rows for every (code, unit, period); units may belong to any hierarchy version.

    ``published_only``: use only figures of approved reports (public pages, published exports).
    ``drafts_under`` (with ``published_only``): path prefixes of the units whose unpublished figures the
    reader may also see (``accounts.access.unpublished_read_prefixes``). Judged on each figure's own unit,
    so a total, a rate or a figure re-expressed from older units counts a draft only where the reader
    may read that unit's drafts; a total whose every source the reader may read is not withheld as
    incomplete (it is their own work in progress).

    A unit's total is its own figure in front of its children's stored total (``chiso.totals``, kept fresh by
    every write) when those are current; ``roll_ups`` False adds up the raw figures of the whole subtree
    instead (the tests and the benchmark compare the two).
    """
    with collector_paused():  # thousands of rows and figures without reference cycles (a third of 3.321 rows)
        return _evaluate(codes, units, periods, published_only, drafts_under, roll_ups)


def _evaluate(codes: list[str], units: list[Unit], periods: list[Period], published_only: bool,
              drafts_under: Sequence[str], roll_ups: bool) -> list[Row]:
    wanted = measures(codes)
    if not periods or not units:
        return []  # no cell asked, no row (the API says which parameter is missing)
    element_ids = {e.id for m in wanted for e in (*m.elements, *([m.reported] if m.reported else []))}
    start, end = min(p.start for p in periods), max(p.end for p in periods)
    plans: dict[tuple[int, str], list[tuple[HierarchyVersion, Mapping]]] = {}
    roots: dict[int, dict[int, Unit]] = defaultdict(dict)  # per version, the units whose figures are read
    all_versions = list(HierarchyVersion.objects.all())
    in_force = {str(p): overlapping_versions(p, all_versions) for p in periods}
    mappings: dict[tuple[int, int], Mapping] = {}
    for unit in units:
        for text, versions in in_force.items():
            plan = plans[(unit.id, text)] = []
            for version in versions:
                mapping = mappings.get((unit.id, version.id))
                if mapping is None:
                    mapping = mappings[(unit.id, version.id)] = map_unit(unit, version)
                    roots[version.id].update((s.unit.id, s.unit) for s in mapping.sources)
                plan.append((version, mapping))
    rolled = Rolled(wanted, periods, published_only, drafts_under) if roll_ups else None
    data = {vid: _VersionData(list(rs.values()), element_ids, start, end, published_only, drafts_under, rolled)
            for vid, rs in roots.items() if rs}
    rows = []
    for measure in wanted:
        for unit in units:
            for period in periods:
                plan = plans[(unit.id, str(period))]
                rows.append(_row(measure, unit, period, plan, data,
                                 published_only and not _reads_every_source(plan, drafts_under)))
    return rows


def _reads_every_source(plan: list[tuple[HierarchyVersion, Mapping]], drafts_under: Sequence[str]) -> bool:
    """Whether the reader may read the drafts of every unit the row's figure comes from."""
    return bool(drafts_under) and all(any(s.unit.path.startswith(p) for p in drafts_under)
                                      for _, mapping in plan for s in mapping.sources)


def _row(measure: Measure, unit: Unit, period: Period, plan: list[tuple[HierarchyVersion, Mapping]],
         data: dict[int, _VersionData], published_only: bool = False) -> Row:
    if len(plan) == 1 and len(plan[0][1].sources) == 1 and plan[0][1].sources[0].weight == 1 \
            and not plan[0][1].sources[0].estimated:
        # the unit itself (or the one whole unit it continues), in one map version: its total as computed (the
        # general path below would multiply it by 1 and add it to nothing, twice; this is most rows)
        version, mapping = plan[0]
        total = data[version.id].total(mapping.sources[0].unit.id, measure, period)
        coverage = _coverage(measure, unit, period, total, plan, data) if published_only else None
        return _finish(measure, unit, period, total, list(mapping.notes), plan, data, coverage)
    per_version: list[agg.Total] = []
    notes: list[str] = []
    for version, mapping in plan:
        notes += mapping.notes
        if not mapping.sources:
            continue
        source_totals = [(s.weight, data[version.id].total(s.unit.id, measure, period)) for s in mapping.sources]
        combined = agg.weighted_sum(source_totals)
        combined.estimated = combined.estimated or any(s.estimated for s in mapping.sources if s.weight)
        if len(mapping.sources) == 1 and mapping.sources[0].weight == 1:
            single = source_totals[0][1]
            combined.own, combined.children = single.own, single.children
        per_version.append(combined)
    stock = all(e.over_time == "stock" for e in measure.elements)
    with_value = [t for t in per_version if t.parts is not None]
    if stock:
        total = with_value[-1] if with_value else (per_version[-1] if per_version else agg.Total(None))
    else:
        total = agg.weighted_sum([(Decimal(1), t) for t in per_version])
        total.estimated = any(t.estimated for t in per_version)
        if len(per_version) == 1:
            total.own, total.children = per_version[0].own, per_version[0].children
    if total.estimated and total.parts is not None:  # through split shares: rounded as the figure is written
        total.parts = rounded_estimate(total.parts, [e.value_type for e in measure.elements],
                                       measure.decimals if measure.factor is None else None)
    coverage = _coverage(measure, unit, period, total, plan, data) if published_only else None
    return _finish(measure, unit, period, total, notes, plan, data, coverage)


def _coverage(measure: Measure, unit: Unit, period: Period, total: agg.Total,
              plan: list[tuple[HierarchyVersion, Mapping]], data: dict[int, _VersionData]) -> Coverage | None:
    """How complete the reports behind a total are (``collection.queries.ReportCoverage``); ``None`` for
    a figure the unit (or the one unit it continues) reported itself, published with its own report."""
    from chiso.collection.queries import weakest

    if total.own is not None and total.parts == total.own:
        return None
    element_ids = [e.id for e in measure.elements]
    found = []
    for version, mapping in plan:
        roots = [s.unit.id for s in mapping.sources if s.weight]
        counter = data[version.id].coverage if version.id in data else None
        if roots and counter is not None:
            found += counter.counts(roots, period, element_ids, (version.valid_from, version.valid_to))
    return weakest(found)


def _finish(measure: Measure, unit: Unit, period: Period, total: agg.Total, notes: list[str],
            plan: list[tuple[HierarchyVersion, Mapping]], data: dict[int, _VersionData],
            coverage: Coverage | None = None) -> Row:
    numerator = denominator = value = None
    own_value = children_value = None
    withheld = coverage is not None and not coverage.complete
    if not withheld and total.parts is not None:
        if measure.factor is not None:
            numerator, denominator = total.parts
            value = _rate(numerator, denominator, measure)
            own_value = value if total.own is total.parts else _rate(*total.own, measure) if total.own else None
            children_value = _rate(*total.children, measure) if total.children else None
        else:
            value = total.parts[0]
            own_value = total.own[0] if total.own else None
            children_value = total.children[0] if total.children else None
    if value is None and measure.reported is not None:
        same = [m for v, m in plan if m.sources and m.sources[0].unit.id == unit.id]
        if same:
            direct = data[unit.version_id].reported_rate(unit.id, measure, period)
            if direct is not None:
                value, own_value = direct.value, direct.value
                total = agg.Total((direct.value,), direct.qualifier, direct.illustrative, 1, 1)
                coverage, withheld = None, False  # the unit's own approved figure
                notes.append("Tỷ lệ do đơn vị báo cáo trực tiếp (không có tử số, mẫu số).")
    if withheld and coverage is not None:
        notes.append(f"Chưa công bố: {coverage.label_vi} ({coverage.form}, kỳ {coverage.period}; "
                     f"cần ít nhất {coverage.threshold.normalize():f}%).")
    return Row(
        data=measure.code, unit=unit, period=period, value=value, numerator=numerator, denominator=denominator,
        qualifier=total.qualifier, reported=total.reported, expected=total.expected, estimated=total.estimated,
        illustrative=total.illustrative, own_value=own_value, children_value=children_value,
        differs=own_value is not None and children_value is not None and own_value != children_value,
        notes=notes, coverage=coverage, withheld=withheld,
    )


def _rate(numerator: Decimal, denominator: Decimal, measure: Measure) -> Decimal | None:
    if not denominator:
        return None
    exact = numerator / denominator * (measure.factor or 1)
    return exact.quantize(Decimal(1).scaleb(-(measure.decimals or 0)), rounding=ROUND_HALF_UP)


def resolve_units(spec: str, version: HierarchyVersion) -> list[Unit]:
    """Units named in ``spec``: codes separated by commas; ``48/children``; ``48/level-3`` (descendants).

    Codes are read in ``version``: 491 is quận Thanh Khê in 2024 and does not exist in 2025-07.
    """
    found: list[Unit] = []
    for part in [p.strip() for p in spec.split(",") if p.strip()]:
        code, _, selector = part.partition("/")
        try:
            unit = Unit.objects.select_related("version").get(version=version, code=code)
        except Unit.DoesNotExist:
            raise QueryError(f"Không có đơn vị mã '{code}' trong phiên bản {version.name}.") from None
        if not selector:
            found.append(unit)
        elif selector == "children":
            found += list(unit.children.select_related("version").order_by("code"))
        elif selector.startswith("level-") and selector[6:].isdigit():
            depth = int(selector[6:])
            from chiso.units.types import LEVEL
            types = [t for t, level in LEVEL.items() if level == depth]
            found += list(Unit.objects.filter(version=version, path__startswith=unit.path, type__in=types)
                          .exclude(id=unit.id).select_related("version").order_by("code"))
        else:
            raise QueryError(f"'{part}': sau dấu / chỉ dùng 'children' hoặc 'level-N'.")
    return found
