"""Where each target stands: the figure it is judged on, its status, its forecast. One computation for
every surface (unit page, overview, indicator page, annual report, API).

A target says what it is judged on (``plans.Target.judged_on``, empty = the indicator's default,
``engine.progress.default_judged_on``):

* **cả kỳ** (``period``): the value of the target's year as the analytics engine computes it (a rate
  over the year as a ratio of sums, a flow summed, a stock's last value); while the year runs, the
  year to date;
* **mức tại ngày** (``level_at_date``): the value of the month of the target's date; before that month,
  the latest month.

:func:`standings` gives, for one unit and many (indicator, goal) pairs read up to one month, that figure
with the name of its period ("cả năm 2024", "tháng 12/2024"), the status (``engine.progress.judge``:
final *Đạt* / *Không đạt* once the target's date has passed, *Chưa có mục tiêu* without a target) and,
only while the target is still ahead, a linear-trend forecast with an 80 % interval
(``engine.forecast``) of the month of its date, clipped to 0..100 for a percentage and at 0 otherwise.
The trend uses the monthly values of the 36 months before the target's date (or before the month read).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from chiso.analytics.queries import Measure, Row, _rate, evaluate, measures
from chiso.engine.forecast import Forecast, forecast
from chiso.engine.periods import Period
from chiso.engine.progress import (
    PERIOD,
    Assessment,
    Status,
    default_judged_on,
    judge,
    share_reached,
    summarise,
)
from chiso.indicators.models import Indicator
from chiso.plans.models import Target, TargetScope
from chiso.units.models import Unit

WINDOW_MONTHS = 36
REFERENCE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(?:\(([^)]*)\))?")

Figures = Callable[[list[str], list[Unit], list[Period]], list[Row]]
"""``analytics.queries.evaluate`` with the reader's publication state bound (the portal passes its
memoised ``portal.queries.figures``)."""


@dataclass(frozen=True)
class Goal:
    """A target as every surface judges it: the unit's own (``kind="plan"``) or the catalogue's reference
    level (``"reference"``). ``judged_on`` empty: the indicator's default."""

    value: Decimal
    deadline: date
    kind: str
    source: str = ""
    judged_on: str = ""

    @classmethod
    def of_target(cls, target: Target) -> Goal:
        return cls(target.value, target.target_date, "plan", target.source, target.judged_on)


def reference_goal(indicator: Indicator, year: int) -> Goal | None:
    """The catalogue's reference level as a goal: "80 (2025)" → 80 by 31/12/2025; "65 (Đà Nẵng 2022)" →
    65; "50" → 50. A deadline already passed becomes the end of ``year``, so the status says whether the
    level is reached that year."""
    match = REFERENCE.match(indicator.reference_target or "")
    if not match:
        return None
    value = Decimal(match.group(1).replace(",", "."))
    years = re.findall(r"\d{4}", match.group(2) or "")
    deadline_year = max(int(years[-1]) if years else year, year)
    return Goal(value, date(deadline_year, 12, 31), "reference", indicator.legal_basis)


@dataclass
class Standing:
    """One indicator on one unit against one goal (or none), read up to the month ``as_of``."""

    indicator: Indicator
    unit: Unit
    as_of: Period
    goal: Goal | None
    judged_on: str  # PERIOD or LEVEL_AT_DATE
    judged_period: Period  # the year or the month of the figure judged
    figure: Row | None  # the figure judged (its value may be None)
    final: bool  # the target's date has passed: the status is a final verdict, nothing is projected
    series: list[Row]  # monthly rows with a value, oldest first, up to as_of
    assessment: Assessment
    forecast: Forecast | None
    peers: object | None = field(default=None)  # analytics.peers.PeerRank, set by the caller

    @property
    def status(self) -> Status:
        return self.assessment.status

    @property
    def value(self) -> Decimal | None:
        return self.figure.value if self.figure is not None else None

    @property
    def to_date(self) -> bool:
        """The figure is a year still running (a year to date)."""
        return self.judged_period.kind == "year" and self.as_of.end < self.judged_period.end

    @property
    def figure_label(self) -> str:
        """The period of the figure: "cả năm 2024", "năm 2025 đến tháng 6/2025", "tháng 12/2024"."""
        return period_label(self.judged_period, self.as_of)

    @property
    def figure_label_en(self) -> str:
        return period_label(self.judged_period, self.as_of, "en")

    @property
    def progress(self) -> float | None:
        """Share of the goal reached by the figure judged, 0..100 with one decimal."""
        if self.goal is None or self.value is None:
            return None
        share = share_reached(float(self.value), float(self.goal.value), self.indicator.direction)
        return round(share * 100, 1)

    @property
    def current(self) -> Row | None:
        return self.series[-1] if self.series else None


def period_label(period: Period, as_of: Period, lang: str = "vi") -> str:
    """>>> period_label(Period.of_year(2024), Period.of_month(2024, 12))
    'cả năm 2024'
    >>> period_label(Period.of_year(2025), Period.of_month(2025, 6))
    'năm 2025 đến tháng 6/2025'
    >>> period_label(Period.of_month(2024, 12), Period.of_month(2025, 6), "en")
    'December 2024'
    """
    if period.kind == "year":
        if as_of.end < period.end:
            return (f"{period.year} to {as_of.en_label()}" if lang == "en"
                    else f"năm {period.year} đến tháng {as_of.month}/{as_of.year}")
        return f"whole year {period.year}" if lang == "en" else f"cả năm {period.year}"
    return period.en_label() if lang == "en" else period.vi_label().lower()


def judged_on_of(indicator: Indicator, goal: Goal | None) -> str:
    if goal is not None and goal.judged_on:
        return goal.judged_on
    return default_judged_on(indicator.over_time)


def months_before(day: date, count: int) -> list[Period]:
    last = Period.of_month(day.year, day.month)
    months = [last]
    for _ in range(count - 1):
        months.append(months[-1].previous())
    return list(reversed(months))


def month_time(month: Period) -> float:
    """A month as a fractional year, labelled by its start: 2024-12 → 2024 + 11/12."""
    return month.year + ((month.month or 1) - 1) / 12


def _judged_period(judged_on: str, goal: Goal | None, as_of: Period) -> Period:
    if judged_on == PERIOD:
        year = min(goal.deadline.year, as_of.year) if goal is not None else as_of.year
        return Period.of_year(year)
    if goal is not None and goal.deadline <= as_of.end:
        return Period.of_month(goal.deadline.year, goal.deadline.month)
    return as_of


def year_to_date(indicator: Indicator, measure: Measure, months: list[Row], year: Period) -> Row | None:
    """The year so far from its monthly rows (January to the month read, every one with a value): a rate
    of flows as the ratio of the summed numerator and denominator, a flow summed, a stock's last value.
    A year still running is not a published year figure (the months after the one read are missing),
    so the year to date is combined here from the published months, by the engine's own rounding."""
    if not months or len(months) != months[-1].period.start.month or any(r.value is None for r in months):
        return None
    last = months[-1]
    values: dict[str, object] = {"period": year, "illustrative": any(r.illustrative for r in months),
                                 "estimated": any(r.estimated for r in months), "notes": []}
    if indicator.over_time == "stock":
        return replace(last, **values)  # type: ignore[arg-type]
    if measure.factor is not None:
        if any(r.numerator is None or r.denominator is None for r in months):
            return None
        numerator = sum((r.numerator for r in months), Decimal(0))  # type: ignore[misc]
        denominator = sum((r.denominator for r in months), Decimal(0))  # type: ignore[misc]
        return replace(last, value=_rate(numerator, denominator, measure), numerator=numerator,
                       denominator=denominator, **values)  # type: ignore[arg-type]
    return replace(last, value=sum((r.value for r in months), Decimal(0)), **values)  # type: ignore[arg-type,misc]


def standings(unit: Unit, items: Sequence[tuple[Indicator, Goal | None]], as_of: Period,
              figures: Figures) -> list[Standing]:
    """Where each (indicator, goal) stands on ``unit`` read up to the month ``as_of``: two engine calls."""
    if not items:
        return []
    codes = sorted({i.code for i, _ in items})
    months = months_before(as_of.end, WINDOW_MONTHS)
    monthly: dict[str, list[Row]] = {}
    for row in figures(codes, [unit], months):
        if row.value is not None:
            monthly.setdefault(row.data, []).append(row)
    plan = [(indicator, goal, judged_on_of(indicator, goal)) for indicator, goal in items]
    periods = {_judged_period(j, g, as_of) for _, g, j in plan}
    complete = sorted((p for p in periods if p.end <= as_of.end), key=str)
    judged = {(r.data, str(r.period)): r for r in figures(codes, [unit], complete)} if complete else {}
    by_code = {m.code: m for m in measures(codes)}
    result = []
    for indicator, goal, judged_on in plan:
        period = _judged_period(judged_on, goal, as_of)
        if period.end <= as_of.end:
            figure = judged.get((indicator.code, str(period)))
        else:  # a year still running: January to the month read
            months_of_year = [r for r in monthly.get(indicator.code, []) if r.period.year == period.year]
            figure = year_to_date(indicator, by_code[indicator.code], months_of_year, period)
        final = goal is not None and goal.deadline <= as_of.end
        series = sorted(monthly.get(indicator.code, []), key=lambda r: r.period.start)
        deadline = Period.of_month(goal.deadline.year, goal.deadline.month) if goal else None
        trend = [r for r in series if deadline is None or r.period.start <= deadline.start]
        percent = indicator.unit_of_measure == "%"
        value = float(figure.value) if figure is not None and figure.value is not None else None
        assessment = judge(
            [(month_time(r.period), float(r.value)) for r in trend],  # type: ignore[arg-type]
            direction=indicator.direction, target=float(goal.value) if goal else None,
            target_time=month_time(deadline) if deadline else None, figure=value, final=final,
            figure_label=period_label(period, as_of), limit=100.0 if percent else None)
        projected = None
        if goal is not None and deadline is not None and not final and len(trend) >= 2:
            projected = forecast([(r.period, float(r.value)) for r in trend], deadline,  # type: ignore[arg-type]
                                 target=float(goal.value), direction=indicator.direction, lower_limit=0.0,
                                 upper_limit=100.0 if percent else None)
        result.append(Standing(indicator, unit, as_of, goal, judged_on, period, figure, final, series,
                               assessment, projected))
    return result


def month_read(today: date) -> Period:
    """The month figures are read up to on ``today``: its month if ``today`` is its last day, else the
    month before (a month is read once it has ended)."""
    month = Period.of_month(today.year, today.month)
    return month if today >= month.end else month.previous()


@dataclass
class TargetProgress:
    target: Target
    standing: Standing

    @property
    def current(self) -> Row | None:
        return self.standing.figure if self.standing.figure is not None and self.standing.value is not None \
            else None

    @property
    def assessment(self) -> Assessment:
        return self.standing.assessment

    @property
    def forecast(self) -> Forecast | None:
        return self.standing.forecast


def own_targets(unit: Unit, year: int) -> list[Target]:
    return list(Target.objects.filter(plan__unit=unit, plan__year=year, scope=TargetScope.OWN)
                .select_related("indicator__pillar").order_by("indicator__pillar__order", "indicator__code"))


def target_progress(unit: Unit, year: int, today: date | None = None, *, published_only: bool = False,
                    drafts_under: Sequence[str] = (), as_of: Period | None = None,
                    figures: Figures | None = None) -> list[TargetProgress]:
    """The own targets of ``unit``'s plan for ``year``, each with its :class:`Standing`, read up to
    ``as_of`` (default: the last month ended by ``today``, and not after December of ``year``).
    ``published_only`` and ``drafts_under`` as in ``analytics.queries.evaluate``."""
    targets = own_targets(unit, year)
    if as_of is None:
        as_of = min(month_read(today or date.today()), Period.of_month(year, 12), key=lambda p: p.start)
    if figures is None:
        def figures(codes: list[str], units: list[Unit], periods: list[Period]) -> list[Row]:
            return evaluate(codes, units, periods, published_only=published_only, drafts_under=drafts_under)
    found = standings(unit, [(t.indicator, Goal.of_target(t)) for t in targets], as_of, figures)
    return [TargetProgress(t, s) for t, s in zip(targets, found, strict=True)]


def summary(progress: list[TargetProgress]) -> dict[str, dict[Status, int]]:
    """Per pillar code (and "all"), how many targets have each status."""
    by_pillar: dict[str, list[Status]] = {}
    for p in progress:
        by_pillar.setdefault(p.target.indicator.pillar.code, []).append(p.assessment.status)
    result = {pillar: summarise(statuses) for pillar, statuses in sorted(by_pillar.items())}
    result["all"] = summarise(p.assessment.status for p in progress)
    return result
