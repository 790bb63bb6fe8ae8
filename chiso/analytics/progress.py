"""Where each target stands: current value, progress status, forecast to the target date.

For every own target of a unit's plan the indicator is evaluated month by month (``queries.evaluate``)
over the 36 months before the target date (or before today, if earlier). Progress status follows the
Statistics Canada / Open SDG method (``engine.progress``) on those monthly points, time in fractional
years; the forecast is a linear trend with an 80 % interval (``engine.forecast``), clipped to 0..100 for a
percentage and at 0 for anything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from chiso.analytics.queries import Row, evaluate
from chiso.engine.forecast import Forecast, forecast
from chiso.engine.periods import Period
from chiso.engine.progress import Assessment, Status, assess, summarise
from chiso.plans.models import Target, TargetScope
from chiso.units.models import Unit

WINDOW_MONTHS = 36


@dataclass
class TargetProgress:
    target: Target
    current: Row | None
    assessment: Assessment
    forecast: Forecast | None


def months_before(day: date, count: int) -> list[Period]:
    last = Period.of_month(day.year, day.month)
    months = [last]
    for _ in range(count - 1):
        months.append(months[-1].previous())
    return list(reversed(months))


def month_time(month: Period) -> float:
    """A month as a fractional year, labelled by its start: 2024-12 → 2024 + 11/12."""
    return month.year + ((month.month or 1) - 1) / 12


def target_progress(unit: Unit, year: int, today: date | None = None, *, published_only: bool = False,
                    ) -> list[TargetProgress]:
    today = today or date.today()
    targets = list(Target.objects.filter(plan__unit=unit, plan__year=year, scope=TargetScope.OWN)
                   .select_related("indicator__pillar").order_by("indicator__pillar__order", "indicator__code"))
    results = []
    for target in targets:
        until = min(target.target_date, today)
        months = months_before(until, WINDOW_MONTHS)
        rows = [r for r in evaluate([target.indicator.code], [unit], months, published_only=published_only) if r.value is not None]
        points = [(month_time(r.period), float(r.value)) for r in rows]  # type: ignore[arg-type]
        percent = target.indicator.unit_of_measure == "%"
        target_year = month_time(Period.of_month(target.target_date.year, target.target_date.month))
        assessment = assess(points, direction=target.indicator.direction, target=float(target.value),
                            target_year=target_year, limit=100.0 if percent else None)
        projected = None
        if len(rows) >= 2:
            projected = forecast([(r.period, float(r.value)) for r in rows],  # type: ignore[arg-type]
                                 Period.of_month(target.target_date.year, target.target_date.month),
                                 target=float(target.value), direction=target.indicator.direction,
                                 lower_limit=0.0, upper_limit=100.0 if percent else None)
        results.append(TargetProgress(target, rows[-1] if rows else None, assessment, projected))
    return results


def summary(progress: list[TargetProgress]) -> dict[str, dict[Status, int]]:
    """Per pillar code (and "all"), how many targets have each status."""
    by_pillar: dict[str, list[Status]] = {}
    for p in progress:
        by_pillar.setdefault(p.target.indicator.pillar.code, []).append(p.assessment.status)
    result = {pillar: summarise(statuses) for pillar, statuses in sorted(by_pillar.items())}
    result["all"] = summarise(p.assessment.status for p in progress)
    return result
