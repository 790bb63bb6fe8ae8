"""What the overview and unit pages show about targets: cards, status counts, laggards, changes.

Built on ``portal.queries.figures`` (the analytics engine, batched: one call for many units or
periods) and ``analytics.progress.target_progress`` for the targets of a unit's plan. Where a unit
has no target of its own, an indicator is shown against its reference target from the catalogue
(``Indicator.reference_target``, e.g. "80 (2025)", QĐ 411/QĐ-TTg), and the page says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from chiso.analytics.progress import WINDOW_MONTHS, month_time, months_before, target_progress
from chiso.analytics.queries import Row
from chiso.engine.forecast import Forecast, forecast
from chiso.engine.numbers import format_number
from chiso.engine.periods import Period
from chiso.engine.progress import Assessment, Status, assess, summarise
from chiso.indicators.models import Indicator, Pillar
from chiso.plans.models import Plan, Target, TargetScope
from chiso.portal import queries
from chiso.portal.svg import sparkline
from chiso.units.models import Unit

HEADLINES_PER_PILLAR = 4
LAGGARDS = 10
SPARK_MONTHS = 24
_REFERENCE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(?:\(([^)]*)\))?")


@dataclass(frozen=True)
class Goal:
    value: Decimal
    deadline: date
    kind: str  # "plan": the unit's own target; "reference": the catalogue's reference target
    source: str = ""


def reference_goal(indicator: Indicator, year: int) -> Goal | None:
    """"80 (2025)" → 80 by 31/12/2025; "65 (Đà Nẵng 2022)" → 65; "50" → 50. A deadline already
    passed becomes the end of ``year``, so the status says whether the level is reached now."""
    match = _REFERENCE.match(indicator.reference_target or "")
    if not match:
        return None
    value = Decimal(match.group(1).replace(",", "."))
    years = re.findall(r"\d{4}", match.group(2) or "")
    deadline_year = max(int(years[-1]) if years else year, year)
    return Goal(value, date(deadline_year, 12, 31), "reference", indicator.legal_basis)


@dataclass
class Card:
    """One indicator on one unit: where it stands, against which target, and where it is heading."""

    indicator: Indicator
    series: list[Row]  # monthly rows with a value, oldest first
    goal: Goal | None
    assessment: Assessment
    forecast: Forecast | None
    spark: str = ""
    peers: PeerRank | None = None

    @property
    def current(self) -> Row | None:
        return self.series[-1] if self.series else None

    @property
    def previous(self) -> Row | None:
        return self.series[-2] if len(self.series) >= 2 else None

    @property
    def change(self) -> Decimal | None:
        if self.current is None or self.previous is None:
            return None
        return self.current.value - self.previous.value  # type: ignore[operator]

    @property
    def progress(self) -> float | None:
        """Share of the target reached, 0..100 (for a lower-is-better indicator: target ÷ value)."""
        if self.goal is None or self.current is None or self.current.value is None:
            return None
        value, goal = float(self.current.value), float(self.goal.value)
        if self.indicator.direction == "down":
            share = 1.0 if value <= goal else (goal / value if value else 1.0)
        else:
            share = value / goal if goal else 1.0
        return round(max(0.0, min(share, 1.0)) * 100, 1)

    @property
    def illustrative(self) -> bool:
        return self.current is not None and self.current.illustrative

    @property
    def status(self) -> Status:
        return self.assessment.status


@dataclass(frozen=True)
class PeerRank:
    rank: int
    count: int
    median: Decimal | None
    level_name: str  # e.g. "Quận Thanh Khê": the parent whose children are compared


def _assess(indicator: Indicator, rows: list[Row], goal: Goal | None) -> tuple[Assessment, Forecast | None]:
    points = [(month_time(r.period), float(r.value)) for r in rows]  # type: ignore[arg-type]
    percent = indicator.unit_of_measure == "%"
    deadline = Period.of_month(goal.deadline.year, goal.deadline.month) if goal else None
    assessment = assess(points, direction=indicator.direction,
                        target=float(goal.value) if goal else None,
                        target_year=month_time(deadline) if deadline else None,
                        limit=100.0 if percent else None)
    projected = None
    if goal is not None and deadline is not None and len(rows) >= 2:
        projected = forecast([(r.period, float(r.value)) for r in rows], deadline,  # type: ignore[arg-type]
                             target=float(goal.value), direction=indicator.direction, lower_limit=0.0,
                             upper_limit=100.0 if percent else None)
    return assessment, projected


def _spark(card: Card, lang: str, months: int = SPARK_MONTHS) -> str:
    shown = card.series[-months:]
    values = [float(r.value) for r in shown]  # type: ignore[arg-type]
    goal = float(card.goal.value) if card.goal else None
    band, future = None, 0
    if card.forecast is not None and card.goal is not None and shown:
        last = shown[-1].period
        future = max(0, (card.goal.deadline.year - last.year) * 12 + card.goal.deadline.month - (last.month or 12))
        if future:
            band = (card.forecast.low, card.forecast.value, card.forecast.high)
    first, last = shown[0], shown[-1]
    name = card.indicator.name_en if lang == "en" else card.indicator.name_vi
    if lang == "en":
        label = (f"{name}: from {format_number(first.value, None, lang)} ({first.period}) "
                 f"to {format_number(last.value, None, lang)} ({last.period})")
        if goal is not None:
            label += f"; target {format_number(goal, None, lang)}"
    else:
        label = (f"{name}: từ {format_number(first.value, None, lang)} ({first.period.vi_label().lower()}) "
                 f"đến {format_number(last.value, None, lang)} ({last.period.vi_label().lower()})")
        if goal is not None:
            label += f"; mục tiêu {format_number(goal, None, lang)}"
    return sparkline(values, label=label, target=goal, band=band, future=future)


def as_of(unit: Unit, year: int | None = None) -> Period | None:
    """The month a unit's figures are read at: the latest month with data, not after the unit ended
    (a unit of 2024 is read at 12/2024) nor after ``year``."""
    latest = queries.latest_month()
    if latest is None:
        return None
    end = unit.effective_to()
    if end is not None and end < latest.end:
        latest = Period.of_month(end.year, end.month)
    if year is not None and year < latest.year:
        return Period.of_month(year, 12)
    return latest


def headline_indicators() -> list[Indicator]:
    """Per pillar, the first indicators (by code) with a reference target: the overview's headlines."""
    found: dict[int, list[Indicator]] = {}
    for indicator in Indicator.objects.select_related("pillar").filter(is_local=False).order_by(
            "pillar__order", "code"):
        if _REFERENCE.match(indicator.reference_target or "") and (indicator.is_ratio or indicator.kind == "count"):
            found.setdefault(indicator.pillar_id, [])
            if len(found[indicator.pillar_id]) < HEADLINES_PER_PILLAR:
                found[indicator.pillar_id].append(indicator)
    return [i for group in found.values() for i in group]


def reference_cards(unit: Unit, indicators: list[Indicator], month: Period, lang: str) -> list[Card]:
    """Cards of ``indicators`` on ``unit`` against their reference targets, in one engine call."""
    months = months_before(month.end, WINDOW_MONTHS)
    rows = queries.figures([i.code for i in indicators], [unit], months)
    by_code: dict[str, list[Row]] = {}
    for row in rows:
        if row.value is not None:
            by_code.setdefault(row.data, []).append(row)
    cards = []
    for indicator in indicators:
        series = by_code.get(indicator.code, [])
        goal = reference_goal(indicator, month.year)
        assessment, projected = _assess(indicator, series, goal)
        card = Card(indicator, series, goal, assessment, projected)
        card.spark = _spark(card, lang) if series else ""
        cards.append(card)
    return cards


def plan_cards(unit: Unit, year: int, month: Period, lang: str) -> list[Card]:
    """Cards of the own targets of ``unit``'s plan for ``year`` (``target_progress``), with sparklines."""
    today = min(month.end, date(year, 12, 31))
    progress = target_progress(unit, year, today=today, published_only=True)
    if not progress:
        return []
    last = Period.of_month(today.year, today.month)
    months = months_before(last.end, WINDOW_MONTHS)
    rows = queries.figures([p.target.indicator.code for p in progress], [unit], months)
    cards = []
    for p in progress:
        series = [r for r in rows if r.data == p.target.indicator.code and r.value is not None]
        goal = Goal(p.target.value, p.target.target_date, "plan", p.target.source)
        card = Card(p.target.indicator, series, goal, p.assessment, p.forecast)
        card.spark = _spark(card, lang) if series else ""
        cards.append(card)
    return cards


def add_peer_ranks(unit: Unit, cards: list[Card], month: Period) -> None:
    """Rank the unit among the children of its parent on each card's indicator, in one engine call."""
    if unit.parent_id is None or not cards:
        return
    peers = list(Unit.objects.filter(parent_id=unit.parent_id, type=unit.type).select_related("version"))
    if len(peers) < 2:
        return
    rows = queries.figures([c.indicator.code for c in cards], peers, [month])
    for card in cards:
        values = {r.unit.id: r.value for r in rows if r.data == card.indicator.code and r.value is not None}
        own = values.get(unit.id)
        if own is None or len(values) < 2:
            continue
        ordered = sorted(values.values(), reverse=card.indicator.direction != "down")
        middle = sorted(values.values())
        half = len(middle) // 2
        median = middle[half] if len(middle) % 2 else (middle[half - 1] + middle[half]) / 2
        card.peers = PeerRank(ordered.index(own) + 1, len(values), median, unit.parent.name)


@dataclass
class PillarCards:
    pillar: Pillar
    cards: list[Card] = field(default_factory=list)


def by_pillar(cards: Iterable[Card]) -> list[PillarCards]:
    groups: dict[int, PillarCards] = {}
    for card in cards:
        groups.setdefault(card.indicator.pillar_id, PillarCards(card.indicator.pillar)).cards.append(card)
    return sorted(groups.values(), key=lambda g: (g.pillar.order, g.pillar.code))


def status_counts(cards: Iterable[Card]) -> list[tuple[Status, int]]:
    return list(summarise(c.status for c in cards).items())


@dataclass(frozen=True)
class Laggard:
    unit: Unit
    score: float  # mean share of the reference targets reached, 0..100
    worst: Indicator
    worst_value: Decimal
    worst_goal: Decimal
    illustrative: bool


def laggards(root: Unit, indicators: list[Indicator], month: Period, limit: int = LAGGARDS) -> list[Laggard]:
    """The wards and communes under ``root`` furthest from the reference targets (one engine call)."""
    units = queries.communes(root)
    goals = {i.code: reference_goal(i, month.year) for i in indicators}
    wanted = [i for i in indicators if goals[i.code] is not None]
    rows = queries.figures([i.code for i in wanted], units, [month])
    shares: dict[int, list[tuple[float, Row, Indicator]]] = {}
    by_code = {i.code: i for i in wanted}
    for row in rows:
        if row.value is None:
            continue
        indicator, goal = by_code[row.data], goals[row.data]
        value, target = float(row.value), float(goal.value)  # type: ignore[union-attr]
        if indicator.direction == "down":
            share = 1.0 if value <= target else target / value
        else:
            share = min(value / target, 1.0) if target else 1.0
        shares.setdefault(row.unit.id, []).append((share, row, indicator))
    result = []
    for items in shares.values():
        score = sum(s for s, _, _ in items) / len(items) * 100
        worst_share, worst_row, worst = min(items, key=lambda item: item[0])
        result.append(Laggard(worst_row.unit, round(score, 1), worst, worst_row.value,  # type: ignore[arg-type]
                              goals[worst.code].value, any(r.illustrative for _, r, _ in items)))  # type: ignore[union-attr]
    result.sort(key=lambda lag: (lag.score, lag.unit.code))
    return result[:limit]


@dataclass(frozen=True)
class PlanStatus:
    plan: Plan
    counts: list[tuple[Status, int]]
    total: int


def plans_in_subtree(root: Unit, month: Period) -> tuple[int | None, list[PlanStatus]]:
    """Plans with own targets of the units under ``root`` for the latest year ≤ now, with status counts."""
    plans = Plan.objects.filter(unit__path__startswith=root.path, year__lte=month.year,
                                targets__scope=TargetScope.OWN).distinct().select_related("unit__version")
    years = sorted({p.year for p in plans})
    if not years:
        return None, []
    year = years[-1]
    found = []
    for plan in [p for p in plans if p.year == year]:
        progress = target_progress(plan.unit, year, today=min(month.end, date(year, 12, 31)), published_only=True)
        counts = summarise(p.assessment.status for p in progress)
        found.append(PlanStatus(plan, list(counts.items()), len(progress)))
    found.sort(key=lambda s: s.plan.unit.path)
    return year, found


def plan_years(unit: Unit) -> list[int]:
    return sorted(set(Target.objects.filter(plan__unit=unit, scope=TargetScope.OWN)
                      .values_list("plan__year", flat=True)))
