"""What a year-end CĐS report of a unit says, as plain data (rendered by ``render``).

Structure of a district's "báo cáo kết quả chuyển đổi số năm": the plan and its consistency, results
by pillar (each indicator's value for the year against the previous year and the target, with its
progress status), highlights and laggards, the units below it, and every source. Figures come from
the analytics engine through ``portal.queries`` (batched: one call per kind of table).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from chiso.analytics.queries import Row
from chiso.engine.periods import Period
from chiso.engine.progress import Status, summarise
from chiso.indicators.models import Indicator, Pillar
from chiso.plans.checks import check_plan
from chiso.plans.models import Plan
from chiso.portal import dashboard, queries
from chiso.units.models import HierarchyVersion, Unit

HIGHLIGHTS = 5
BAD = (Status.NOT_ACHIEVED, Status.DETERIORATION, Status.LIMITED_PROGRESS, Status.ACCELERATION_NEEDED)


class ReportError(ValueError):
    """A report that cannot be made; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class Source:
    number: int
    text: str


@dataclass
class Line:
    indicator: Indicator
    value: Row | None  # the year
    previous: Row | None  # the year before
    card: dashboard.Card  # monthly series, goal, status, forecast
    sources: list[Source] = field(default_factory=list)

    @property
    def change(self) -> Decimal | None:
        if self.value is None or self.previous is None or self.value.value is None or self.previous.value is None:
            return None
        return self.value.value - self.previous.value

    @property
    def relative_change(self) -> float:
        change = self.change
        if change is None or not self.previous or not self.previous.value:
            return 0.0
        sign = -1 if self.indicator.direction == "down" else 1
        return sign * float(change) / abs(float(self.previous.value))

    @property
    def illustrative(self) -> bool:
        return self.value is not None and self.value.value is not None and self.value.illustrative

    @property
    def status(self) -> Status:
        return self.card.status


@dataclass
class Section:
    pillar: Pillar
    lines: list[Line]

    @property
    def counts(self) -> list[tuple[Status, int]]:
        return list(summarise(line.status for line in self.lines).items())


@dataclass
class ChildLine:
    unit: Unit
    cells: list[tuple[Indicator, Row | None]]


@dataclass
class AnnualReport:
    unit: Unit
    year: int
    month: Period  # figures are read up to this month
    plan: Plan | None
    plan_checks: list[str]
    plan_based: bool  # the statuses are against the unit's own targets (else reference targets)
    sections: list[Section]
    highlights: list[Line]
    laggards: list[Line]
    lagging_units: list[dashboard.Laggard]
    child_columns: list[Indicator]
    children: list[ChildLine]
    sources: list[Source]
    real_values: list[tuple[object, Source | None]]  # every real figure of the unit that year, with its source
    generated: date

    @property
    def lines(self) -> list[Line]:
        return [line for s in self.sections for line in s.lines]

    @property
    def counts(self) -> list[tuple[Status, int]]:
        return dashboard.shown_counts(summarise(line.status for line in self.lines))

    @property
    def has_illustrative(self) -> bool:
        return any(line.illustrative for line in self.lines) or any(
            c is not None and c.illustrative for child in self.children for _, c in child.cells)


def version_of_year(year: int) -> HierarchyVersion:
    """The hierarchy version in force on 31 December of ``year`` (2024 → "2024", 2025 → "2025-07")."""
    day = date(year, 12, 31)
    for version in reversed(list(HierarchyVersion.objects.all())):
        if version.covers(day):
            return version
    raise ReportError(f"Không có phiên bản danh mục đơn vị nào có hiệu lực ngày 31/12/{year}.")


def build_report(unit: Unit, year: int, lang: str = "vi") -> AnnualReport:
    month = dashboard.as_of(unit, year)
    if month is None:
        raise ReportError("Chưa có số liệu nào.")
    if month.year < year:
        raise ReportError(f"Chưa có số liệu của năm {year} (số liệu mới nhất: tháng {month.month}/{month.year}).")
    plan = Plan.objects.filter(unit=unit, year=year).first()
    cards = dashboard.plan_cards(unit, year, month, lang)
    plan_based = bool(cards)
    planned = {c.indicator.code for c in cards}
    indicators = list(Indicator.objects.select_related("pillar", "reported", "numerator", "denominator")
                      .order_by("pillar__order", "code"))
    years = queries.figures([i.code for i in indicators], [unit], [Period.of_year(year - 1), Period.of_year(year)])
    by_key = {(r.data, r.period.year): r for r in years}
    with_data = [i for i in indicators
                 if (by_key.get((i.code, year)) and by_key[(i.code, year)].value is not None) or i.code in planned]
    others = [i for i in with_data if i.code not in planned]
    cards += dashboard.reference_cards(unit, others, month, lang) if others else []
    dashboard.add_peer_ranks(unit, cards, month)
    by_code = {c.indicator.code: c for c in cards}
    notes, real_values = _sources(unit, year, with_data)
    lines = [Line(i, by_key.get((i.code, year)), by_key.get((i.code, year - 1)), by_code[i.code],
                  notes.get(i.code, [])) for i in with_data]
    sections: dict[int, Section] = {}
    for line in lines:
        sections.setdefault(line.indicator.pillar_id, Section(line.indicator.pillar, [])).lines.append(line)
    improving = sorted([line for line in lines if line.relative_change > 0], key=lambda l: -l.relative_change)
    lagging = [line for line in lines if line.status in BAD]
    lagging.sort(key=lambda l: (BAD.index(l.status), l.indicator.code))
    headline = dashboard.headline_indicators()
    columns = _columns(headline)
    children = list(Unit.objects.filter(parent=unit).select_related("version", "parent"))
    children.sort(key=lambda u: (len(u.code), u.code))
    child_rows = queries.figures([i.code for i in columns], children, [Period.of_year(year)]) if children else []
    cell = {(r.unit.id, r.data): r for r in child_rows}
    lagging_units = dashboard.laggards(unit, headline, month) if len(queries.communes(unit)) > 1 else []
    all_sources = sorted({s for _, s in real_values if s is not None}, key=lambda s: s.number)
    return AnnualReport(
        unit=unit, year=year, month=month, plan=plan, plan_checks=check_plan(plan) if plan else [],
        plan_based=plan_based, sections=sorted(sections.values(), key=lambda s: (s.pillar.order, s.pillar.code)),
        highlights=improving[:HIGHLIGHTS], laggards=lagging[:HIGHLIGHTS], lagging_units=lagging_units[:5],
        child_columns=columns,
        children=[ChildLine(c, [(i, cell.get((c.id, i.code))) for i in columns]) for c in children],
        sources=all_sources, real_values=real_values, generated=date.today(),
    )


def _columns(headline: list[Indicator]) -> list[Indicator]:
    seen: set[int] = set()
    found = []
    for indicator in headline:
        if indicator.pillar_id not in seen:
            seen.add(indicator.pillar_id)
            found.append(indicator)
    return found


def _sources(unit: Unit, year: int, indicators: list[Indicator],
             ) -> tuple[dict[str, list[Source]], list[tuple[object, Source | None]]]:
    """Indicator code → numbered sources of the real figures of its data elements on the unit that year;
    and every real figure with its source."""
    figures = queries.real_figures_of_unit(unit, year)
    numbers: dict[str, Source] = {}
    by_element: dict[int, list[Source]] = {}
    real: list[tuple[object, Source | None]] = []
    for value in figures:
        text = value.source.strip()
        if not text:
            real.append((value, None))
            continue
        if text not in numbers:
            numbers[text] = Source(len(numbers) + 1, text)
        real.append((value, numbers[text]))
        found = by_element.setdefault(value.data_element_id, [])
        if numbers[text] not in found:
            found.append(numbers[text])
    result: dict[str, list[Source]] = {}
    for indicator in indicators:
        found = []
        for element_id in (indicator.reported_id, indicator.numerator_id, indicator.denominator_id):
            for source in by_element.get(element_id, []):  # type: ignore[arg-type]
                if source not in found:
                    found.append(source)
        if found:
            result[indicator.code] = found
    return result, real
