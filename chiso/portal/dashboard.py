"""What the overview and unit pages show about targets: cards, status counts, laggards, changes.

Formatting only: every figure, status, forecast and rank comes from ``analytics.progress.standings``
and ``analytics.peers`` (the same computation as the annual report and the API), read through the
memoised ``portal.queries.figures``. Where a unit has no target of its own, an indicator is shown
against its reference target from the catalogue (``analytics.progress.reference_goal``), and the page
says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from chiso.analytics.peers import PeerRank, peer_ranks
from chiso.analytics.progress import (
    REFERENCE,
    Goal,
    Standing,
    own_targets,
    reference_goal,
    standings,
    target_progress,
)
from chiso.analytics.queries import Row
from chiso.engine.forecast import Forecast
from chiso.engine.numbers import format_number
from chiso.engine.periods import Period
from chiso.engine.progress import Assessment, Status, share_reached, summarise
from chiso.indicators.models import Indicator, Pillar
from chiso.plans.models import Plan, Target, TargetScope
from chiso.portal import queries
from chiso.portal.svg import sparkline
from chiso.units.models import Unit

__all__ = ["Card", "Goal", "PeerRank", "reference_goal"]

HEADLINES_PER_PILLAR = 4
LAGGARDS = 10
SPARK_MONTHS = 24


@dataclass
class Card:
    """One indicator on one unit as a page shows it: an ``analytics.progress.Standing``, its sparkline
    and its rank among peers."""

    standing: Standing
    spark: str = ""
    peers: PeerRank | None = None

    @property
    def indicator(self) -> Indicator:
        return self.standing.indicator

    @property
    def series(self) -> list[Row]:
        return self.standing.series

    @property
    def goal(self) -> Goal | None:
        return self.standing.goal

    @property
    def assessment(self) -> Assessment:
        return self.standing.assessment

    @property
    def forecast(self) -> Forecast | None:
        return self.standing.forecast

    @property
    def figure(self) -> Row | None:
        """The figure the target is judged on (the year, or the month of its date); see ``figure_label``."""
        return self.standing.figure if self.standing.value is not None else None

    @property
    def figure_label(self) -> str:
        return self.standing.figure_label

    @property
    def figure_label_en(self) -> str:
        return self.standing.figure_label_en

    @property
    def final(self) -> bool:
        return self.standing.final

    @property
    def current(self) -> Row | None:
        """The latest month (the sparkline's last point)."""
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
        """Share of the target reached by the figure judged, 0..100 (``Standing.progress``)."""
        return self.standing.progress

    @property
    def illustrative(self) -> bool:
        shown = self.figure or self.current
        return shown is not None and shown.illustrative

    @property
    def status(self) -> Status:
        return self.assessment.status


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
    """The month a unit's figures are read at: the last complete month of the city in the unit's version
    (``queries.latest_month``, one "now" for every public page, so peers are compared at the same month),
    not after the unit ended (a unit of 2024 is read at 12/2024) nor after ``year``."""
    latest = queries.latest_month(queries.city(unit.version) or unit)
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
        if REFERENCE.match(indicator.reference_target or "") and (indicator.is_ratio or indicator.kind == "count"):
            found.setdefault(indicator.pillar_id, [])
            if len(found[indicator.pillar_id]) < HEADLINES_PER_PILLAR:
                found[indicator.pillar_id].append(indicator)
    return [i for group in found.values() for i in group]


def _cards(unit: Unit, items: list[tuple[Indicator, Goal | None]], month: Period, lang: str) -> list[Card]:
    cards = []
    for standing in standings(unit, items, month, queries.figures):
        card = Card(standing)
        card.spark = _spark(card, lang) if standing.series else ""
        cards.append(card)
    return cards


def reference_cards(unit: Unit, indicators: list[Indicator], month: Period, lang: str) -> list[Card]:
    """Cards of ``indicators`` on ``unit`` against their reference targets (two engine calls)."""
    return _cards(unit, [(i, reference_goal(i, month.year)) for i in indicators], month, lang)


def indicator_card(unit: Unit, indicator: Indicator, month: Period, lang: str) -> Card:
    """The headline of an indicator's page: ``unit``'s figure against its own target of ``month``'s year
    when its plan has one, else against the catalogue's reference level (the same standing as the cards)."""
    own = Target.objects.filter(plan__unit=unit, plan__year=month.year, scope=TargetScope.OWN,
                                indicator=indicator).first()
    goal = Goal.of_target(own) if own is not None else reference_goal(indicator, month.year)
    return _cards(unit, [(indicator, goal)], month, lang)[0]


def plan_cards(unit: Unit, year: int, month: Period, lang: str) -> list[Card]:
    """Cards of the own targets of ``unit``'s plan for ``year``, read up to ``month`` (not after December
    of ``year``), with sparklines."""
    targets = own_targets(unit, year)
    if not targets:
        return []
    read = min(month, Period.of_month(year, 12), key=lambda p: p.start)
    return _cards(unit, [(t.indicator, Goal.of_target(t)) for t in targets], read, lang)


def add_peer_ranks(unit: Unit, cards: list[Card], month: Period) -> None:
    """Rank the unit among the units of its kind under its parent on each card's indicator
    (``analytics.peers.peer_ranks``, one engine call)."""
    by_period: dict[Period, list[Card]] = {}
    for card in cards:  # on the figure the card shows: its whole period once complete, else the month
        period = card.standing.judged_period
        by_period.setdefault(period if period.end <= month.end else month, []).append(card)
    for period, group in by_period.items():
        ranks = peer_ranks(unit, [c.indicator for c in group], period, queries.figures)
        for card in group:
            card.peers = ranks.get(card.indicator.code)


@dataclass
class PillarCards:
    pillar: Pillar
    cards: list[Card] = field(default_factory=list)


def by_pillar(cards: Iterable[Card]) -> list[PillarCards]:
    groups: dict[int, PillarCards] = {}
    for card in cards:
        groups.setdefault(card.indicator.pillar_id, PillarCards(card.indicator.pillar)).cards.append(card)
    return sorted(groups.values(), key=lambda g: (g.pillar.order, g.pillar.code))


FINAL = (Status.ACHIEVED, Status.NOT_ACHIEVED)
RUNNING = (Status.TARGET_ACHIEVED, Status.ON_TRACK, Status.ACCELERATION_NEEDED, Status.LIMITED_PROGRESS,
           Status.DETERIORATION)


def shown_counts(counts: dict[Status, int]) -> list[tuple[Status, int]]:
    """The counts a page lists: the final verdicts when some target's date has passed, the progress
    statuses when some target is still ahead, and any other status that occurs."""
    has_final = any(counts[s] for s in FINAL)
    has_running = any(counts[s] for s in RUNNING) or not has_final
    return [(s, n) for s, n in counts.items()
            if n or (s in FINAL and has_final) or (s in RUNNING and has_running)
            or (s is Status.NOT_ASSESSABLE and has_running)]


def status_counts(cards: Iterable[Card]) -> list[tuple[Status, int]]:
    return shown_counts(summarise(c.status for c in cards))


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
        share = share_reached(float(row.value), float(goal.value), indicator.direction)  # type: ignore[union-attr]
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
        read = min(month, Period.of_month(year, 12), key=lambda p: p.start)
        progress = target_progress(plan.unit, year, as_of=read, figures=queries.figures)
        counts = summarise(p.assessment.status for p in progress)
        found.append(PlanStatus(plan, shown_counts(counts), len(progress)))
    found.sort(key=lambda s: s.plan.unit.path)
    return year, found


def plan_years(unit: Unit) -> list[int]:
    return sorted(set(Target.objects.filter(plan__unit=unit, scope=TargetScope.OWN)
                      .values_list("plan__year", flat=True)))
