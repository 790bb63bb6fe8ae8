"""What-if for a target (kịch bản cho chỉ tiêu): the chance of reaching it, the pace it needs, and what a
chosen pace would do. Pure: monthly ``(Period, value)`` series in, plain results out.

Everything is on the **monthly level** of the series, the same quantity ``engine.forecast`` projects to
the month of the target's date (``analytics.progress.standings``).

* **Probability** (:func:`probability`): an *empirical residual bootstrap* of the ordinary least-squares
  trend of ``engine.forecast``, with a fixed seed so the same series always gives the same figure.  Fit
  ``y = a + b·x``; keep the residuals ``e``, inflated by ``√(n / (n − 2))`` (OLS residuals are smaller
  than the errors they estimate).  Each of ``draws`` rounds (default 2 000) builds a new series
  ``fitted + e*`` (residuals drawn with replacement), refits the line, projects it to the target's month
  and adds one more drawn residual (a new observation, not only the line).  The value is clipped to the
  natural limits, then compared with the target in its direction.  The probability is the share of rounds
  that reach it.  Needs :data:`MIN_POINTS` observations.
* **Required pace** (:func:`required_pace`): ``(target − last value) / months from the last observed month
  to the target's month``, what must be added each month from next month on.
* **Scenario** (:func:`scenario`): from the month after the last observation the value moves by ``pace``
  each month (clipped to the limits); the month it first reaches the target, looked for up to
  :data:`HORIZON_MONTHS` after the target's month; otherwise "không đạt trước …".
* **A city target over its units** (:func:`split_gap`): the pace the city lacks is shared among its units
  **in proportion to each unit's remaining room** (how far it still is from the natural limit — 100 for a
  percentage — or, without a limit, its current size): a unit close to the ceiling is asked for little, a
  unit far from it for more.  A unit falls behind when its own pace is below the pace asked of it; raise
  the target and more units fall behind, lower it and fewer do.

>>> from chiso.engine.periods import Period
>>> s = [(Period.of_month(2024, m), 40.0 + 2 * m) for m in range(1, 7)]
>>> required_pace(s, 64, Period.of_month(2024, 12))
2.0
>>> r = scenario(s, 3, 64, Period.of_month(2024, 12), upper_limit=100)
>>> str(r.reached), r.on_time, r.sentence()
('2024-10', True, 'Đạt 64 vào tháng 10/2024, trước hạn tháng 12/2024.')
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from chiso.engine.forecast import clip
from chiso.engine.numbers import format_number
from chiso.engine.periods import Period, PeriodKind

__all__ = ["DRAWS", "HORIZON_MONTHS", "MIN_POINTS", "SEED", "Scenario", "UnitPace", "UnitShare",
           "months_between", "probability", "required_pace", "scenario", "split_gap", "trend_pace"]

MIN_POINTS = 3
"""Observations needed for a probability (a line through two points leaves no residual to draw)."""
DRAWS = 2000
SEED = 20241
HORIZON_MONTHS = 60
"""How far past the target's month a scenario looks for the month the target is reached."""

Series = Sequence[tuple[Period, float]]


def months_between(start: Period, end: Period) -> int:
    """Months from ``start`` to ``end`` (both months).

    >>> months_between(Period.of_month(2024, 6), Period.of_month(2025, 1))
    7
    """
    for p in (start, end):
        if p.kind is not PeriodKind.MONTH:
            raise ValueError(f"Kịch bản cần kỳ tháng (dạng 2025-06), nhận {p}")
    return (end.year - start.year) * 12 + (end.start.month - start.start.month)


def _meets(value: float, target: float, direction: str) -> bool:
    if direction not in ("up", "down"):
        raise ValueError(f"direction phải là 'up' hoặc 'down', nhận {direction!r}")
    return value >= target if direction == "up" else value <= target


def _ordered(series: Series) -> list[tuple[Period, float]]:
    points = sorted(((p, float(v)) for p, v in series), key=lambda pv: pv[0].start)
    if not points:
        raise ValueError("Chuỗi số liệu trống: cần ít nhất 1 quan sát.")
    if not all(math.isfinite(v) for _, v in points):
        raise ValueError("Chuỗi số liệu có giá trị không hợp lệ (NaN hoặc vô cực).")
    return points


def required_pace(series: Series, target: float, deadline: Period) -> float | None:
    """Monthly change needed from next month to reach ``target`` in the month ``deadline``; ``None`` when
    the deadline is not after the last observation.

    >>> required_pace([(Period.of_month(2024, 6), 50.0)], 62, Period.of_month(2024, 12))
    2.0
    """
    last_month, last = _ordered(series)[-1]
    months = months_between(last_month, deadline)
    return (target - last) / months if months > 0 else None


def _fit(xs: list[float], ys: list[float]) -> tuple[float, float, float]:
    """(mean x, mean y, slope) of the least-squares line."""
    n = len(xs)
    x_mean, y_mean = sum(xs) / n, sum(ys) / n
    sxx = sum((x - x_mean) ** 2 for x in xs)
    slope = sum((x - x_mean) * (y - y_mean) for x, y in zip(xs, ys, strict=True)) / sxx
    return x_mean, y_mean, slope


def trend_pace(series: Series) -> float | None:
    """The least-squares slope per month of ``series`` (the forecast's own pace); ``None`` below 2 months.

    >>> trend_pace([(Period.of_month(2025, m), v) for m, v in zip(range(7, 11), [43, 47, 48, 52])])
    2.8
    """
    points = _ordered(series)
    if len(points) < 2:
        return None
    xs = [float(months_between(points[0][0], p)) for p, _ in points]
    if len(set(xs)) < 2:
        return None
    return round(_fit(xs, [v for _, v in points])[2], 12)


def probability(series: Series, target: float, deadline: Period, *, direction: str = "up",
                lower_limit: float | None = None, upper_limit: float | None = None,
                draws: int = DRAWS, seed: int = SEED) -> float | None:
    """Share of bootstrap rounds whose value in the month ``deadline`` reaches ``target`` (0..1); ``None``
    with fewer than :data:`MIN_POINTS` observations.

    >>> s = [(Period.of_month(2024, m), v) for m, v in zip(range(1, 7), [40, 43, 43, 47, 48, 52])]
    >>> probability(s, 60, Period.of_month(2024, 12), upper_limit=100)
    0.9705
    >>> probability(s, 65, Period.of_month(2024, 12), upper_limit=100)
    0.448
    >>> probability(s[:2], 60, Period.of_month(2024, 12)) is None
    True
    """
    points = _ordered(series)
    if len(points) < MIN_POINTS:
        return None
    start = points[0][0]
    xs = [float(months_between(start, p)) for p, _ in points]
    ys = [v for _, v in points]
    if len(set(xs)) < 2:
        return None
    x0 = float(months_between(start, deadline))
    x_mean, y_mean, slope = _fit(xs, ys)
    fitted = [y_mean + slope * (x - x_mean) for x in xs]
    n = len(xs)
    inflate = math.sqrt(n / (n - 2))
    residuals = [(y - f) * inflate for y, f in zip(ys, fitted, strict=True)]
    rng = random.Random(seed)
    reached = 0
    for _ in range(draws):
        drawn = [f + rng.choice(residuals) for f in fitted]
        mx, my, b = _fit(xs, drawn)
        value = clip(my + b * (x0 - mx) + rng.choice(residuals), lower_limit, upper_limit)
        reached += _meets(value, target, direction)
    return reached / draws


@dataclass(frozen=True)
class Scenario:
    """A pace applied from the month after ``last_month``: the path month by month, the month the target
    is first reached (``None``: not before ``horizon``), and whether that is by the deadline."""

    pace: float
    target: float
    deadline: Period
    last_month: Period
    last_value: float
    path: list[tuple[Period, float]]
    reached: Period | None
    horizon: Period

    @property
    def on_time(self) -> bool:
        return self.reached is not None and self.reached.start <= self.deadline.start

    @property
    def at_deadline(self) -> float:
        """The value the scenario gives in the deadline month."""
        return next((v for p, v in self.path if p == self.deadline), self.last_value)

    def sentence(self, lang: str = "vi") -> str:
        """What the scenario says, in words.

        >>> s = scenario([(Period.of_month(2024, 6), 50.0)], -1, 60, Period.of_month(2024, 12))
        >>> s.sentence(), s.sentence("en")
        ('Không đạt 60 trước tháng 12/2029.', 'Does not reach 60 before December 2029.')
        """
        target = format_number(self.target, lang=lang)
        if self.reached is None:
            if lang == "en":
                return f"Does not reach {target} before {self.horizon.en_label()}."
            return f"Không đạt {target} trước {self.horizon.vi_label().lower()}."
        if lang == "en":
            when = "by" if self.on_time else "after"
            return (f"Reaches {target} in {self.reached.en_label()}, {when} the deadline "
                    f"{self.deadline.en_label()}.")
        when = "trước hạn" if self.on_time else "sau hạn"
        if self.reached == self.deadline:
            when = "đúng hạn"
        return f"Đạt {target} vào {self.reached.vi_label().lower()}, {when} {self.deadline.vi_label().lower()}."


def scenario(series: Series, pace: float, target: float, deadline: Period, *, direction: str = "up",
             lower_limit: float | None = None, upper_limit: float | None = None,
             horizon_months: int = HORIZON_MONTHS) -> Scenario:
    """The path if the value moves by ``pace`` each month from the month after the last observation.

    >>> s = [(Period.of_month(2024, 5), 48.0), (Period.of_month(2024, 6), 50.0)]
    >>> r = scenario(s, 4, 60, Period.of_month(2024, 12), upper_limit=100)
    >>> [(str(p), v) for p, v in r.path[:3]], str(r.reached)
    ([('2024-07', 54.0), ('2024-08', 58.0), ('2024-09', 62.0)], '2024-09')
    >>> r.sentence()
    'Đạt 60 vào tháng 9/2024, trước hạn tháng 12/2024.'
    >>> str(scenario(s, 1, 60, Period.of_month(2024, 12)).reached)
    '2025-04'
    """
    if not math.isfinite(pace):
        raise ValueError(f"Tốc độ mỗi tháng không hợp lệ: {pace!r}")
    last_month, last = _ordered(series)[-1]
    horizon = deadline
    for _ in range(horizon_months):
        horizon = horizon.next()
    path: list[tuple[Period, float]] = []
    reached = last_month if _meets(last, target, direction) else None
    month, value = last_month, last
    while month.start < horizon.start and (reached is None or month.start < deadline.start):
        month, value = month.next(), clip(value + pace, lower_limit, upper_limit)
        path.append((month, value))
        if reached is None and _meets(value, target, direction):
            reached = month
    return Scenario(float(pace), float(target), deadline, last_month, last, path, reached, horizon)


@dataclass(frozen=True)
class UnitPace:
    """One unit of a city target: its name, its current value, its own monthly pace (the trend slope) and
    its weight in the city's figure (1 for a sum; e.g. its population for an average)."""

    name: str
    value: float
    pace: float
    weight: float = 1.0


@dataclass(frozen=True)
class UnitShare:
    unit: UnitPace
    room: float
    needed: float  # the monthly pace asked of the unit

    @property
    def change(self) -> float:
        """How much the unit's pace must change (positive: faster)."""
        return self.needed - self.unit.pace

    @property
    def behind(self) -> bool:
        """The unit's own pace is short of what is asked of it (by more than a rounding error)."""
        return self.change > 1e-9


def split_gap(units: Sequence[UnitPace], city_value: float, target: float, months: int, *,
              mean: bool = False, direction: str = "up", limit: float | None = None) -> list[UnitShare]:
    """The pace asked of each unit for the city to reach ``target`` in ``months`` months.

    The city's figure is ``Σ weight·value`` (``mean=False``) or that divided by ``Σ weight``.  The city
    needs ``(target − city_value) / months`` a month; what the units' own paces do not give is shared in
    proportion to ``weight·room`` (room: ``limit − value``, for "down" ``value − limit``, or the value
    itself without a limit), so each unit's extra pace is ``k·room``.

    >>> us = [UnitPace("A", 90, 0.5), UnitPace("B", 60, 0.5), UnitPace("C", 70, 2.0)]
    >>> [(s.unit.name, round(s.needed, 4), s.behind) for s in split_gap(us, 220, 250, 6, limit=100)]
    [('A', 0.75, True), ('B', 1.5, True), ('C', 2.75, True)]
    >>> [(s.unit.name, round(s.needed, 4), s.behind) for s in split_gap(us, 220, 235, 6, limit=100)]
    [('A', 0.5, False), ('B', 0.5, False), ('C', 2.0, False)]
    """
    if months <= 0:
        raise ValueError("Hạn của chỉ tiêu phải sau tháng số liệu cuối cùng.")
    sign = 1 if direction == "up" else -1
    rooms = []
    for u in units:
        if limit is None:
            room = abs(u.value)
        else:
            room = (limit - u.value) if direction == "up" else (u.value - limit)
        rooms.append(max(room, 0.0))
    scale = sum(u.weight for u in units) if mean else 1.0
    own = sum(u.weight * u.pace for u in units) / scale
    gap = (target - city_value) / months - own  # the city's monthly pace still missing
    if gap * sign <= 0:  # the units' own paces already suffice: nobody is asked for more
        return [UnitShare(u, r, u.pace) for u, r in zip(units, rooms, strict=True)]
    capacity = sum(u.weight * r for u, r in zip(units, rooms, strict=True)) / scale
    k = gap / capacity if capacity else 0.0
    return [UnitShare(u, r, u.pace + k * r) for u, r in zip(units, rooms, strict=True)]
