"""Forecast an indicator to a target date (dự báo đến kỳ mục tiêu) with a linear trend.

Method:

1. **Time axis in months.**  A monthly :class:`~chiso.engine.periods.Period` ``YYYY-MM`` becomes
   ``12·YYYY + MM − 1``; a generic time ``t`` in fractional years becomes ``12·t`` (so ``2025.0`` is
   January 2025 and ``2025 + 5/12`` is June 2025; the two forms may be mixed).
2. **Ordinary least squares** straight line ``y = a + b·x`` through all observations, projected to the
   target month ``x0``: ``ŷ0 = ȳ + b·(x0 − x̄)`` with ``b = Sxy / Sxx``.
3. **80 % prediction interval** (two-sided) for a new observation at ``x0``, the textbook formula
   ``ŷ0 ± t · s · √(1 + 1/n + (x0 − x̄)² / Sxx)`` with residual standard error ``s = √(SSE / (n − 2))``
   and ``t`` the 0.90 quantile of Student's t with ``n − 2`` degrees of freedom: an embedded table for
   1..30, the normal quantile 1.2816 above 30.  Needs ≥ 3 points; with exactly 2 the line passes
   through both, so only the value is given (``low == high == value``) and ``method`` says so.
4. **Natural limits.**  ``value``, ``low`` and ``high`` are clipped to ``[lower_limit, upper_limit]``
   (e.g. 0..100 for a percentage, ``lower_limit=0`` for a count).

A linear trend suits stock-like or cumulative series (số lũy kế).  For a flow the caller chooses what
to pass: the cumulative total (to forecast the total at the target date) or the monthly values (to
forecast the monthly level); this module does not aggregate.

``required_monthly_pace`` is ``(target − last value) / months_left``: what is still needed per month
from the last observation to reach the target by the target date.  ``will_meet_target`` compares the
(clipped) central projection with the target in the desired ``direction``.

>>> from chiso.engine.periods import Period
>>> series = [(Period.of_month(2024, m), 10 + 2 * (m - 1)) for m in range(1, 13)]
>>> f = forecast(series, Period.of_month(2026, 1), target=50)
>>> f.value, f.low, f.high, f.months_left, round(f.required_monthly_pace, 4), f.will_meet_target
(58.0, 58.0, 58.0, 13.0, 1.3846, True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from chiso.engine.numbers import format_number as _num
from chiso.engine.periods import Period, PeriodKind

__all__ = ["CONFIDENCE", "Forecast", "clip", "forecast", "month_index", "t_quantile_80"]

CONFIDENCE = 0.80
"""Two-sided coverage of the prediction interval."""

NORMAL_QUANTILE_80 = 1.2816
"""0.90 quantile of the standard normal, used when the degrees of freedom exceed 30."""

_T_80 = (  # 0.90 quantiles of Student's t, df = 1..30 (two-sided 80 %)
    3.0777, 1.8856, 1.6377, 1.5332, 1.4759, 1.4398, 1.4149, 1.3968, 1.3830, 1.3722,
    1.3634, 1.3562, 1.3502, 1.3450, 1.3406, 1.3368, 1.3334, 1.3304, 1.3277, 1.3253,
    1.3232, 1.3212, 1.3195, 1.3178, 1.3163, 1.3150, 1.3137, 1.3125, 1.3114, 1.3104,
)  # fmt: skip

When = Period | float


@dataclass(frozen=True)
class Forecast:
    """Projection at the target date with its 80 % interval and what is needed to reach the target.

    ``required_monthly_pace`` and ``will_meet_target`` are ``None`` without a target;
    ``required_monthly_pace`` is also ``None`` when the target date is not after the last observation.
    ``slope_per_month`` is the fitted trend ``b``.
    """

    value: float
    low: float
    high: float
    method: str
    required_monthly_pace: float | None
    months_left: float
    will_meet_target: bool | None
    slope_per_month: float = 0.0


def t_quantile_80(df: int) -> float:
    """0.90 quantile of Student's t (two-sided 80 %) for ``df`` degrees of freedom.

    >>> t_quantile_80(1), t_quantile_80(10), t_quantile_80(30), t_quantile_80(31)
    (3.0777, 1.3722, 1.3104, 1.2816)
    """
    if df < 1:
        raise ValueError(f"Bậc tự do phải ≥ 1, nhận {df}")
    return _T_80[df - 1] if df <= len(_T_80) else NORMAL_QUANTILE_80


def month_index(when: When) -> float:
    """Position on the month axis: ``12·year + month − 1`` for a month, ``12·t`` for fractional years.

    >>> month_index(Period.parse("2025-06")), month_index(2025 + 5 / 12)
    (24305, 24305.0)
    """
    if isinstance(when, Period):
        if when.kind is not PeriodKind.MONTH:
            raise ValueError(f"Dự báo cần kỳ tháng (dạng 2025-06), nhận {when} ({when.kind.value})")
        return 12 * when.year + when.start.month - 1
    if isinstance(when, bool) or not isinstance(when, (int, float)) or not math.isfinite(when):
        raise ValueError(f"Thời điểm không hợp lệ: {when!r}")
    return 12 * float(when)


def clip(x: float, lower: float | None, upper: float | None) -> float:
    """``x`` kept within the natural limits of a series (a rate 0–100, a count ≥ 0); None: no limit."""
    if lower is not None:
        x = max(lower, x)
    if upper is not None:
        x = min(upper, x)
    return x


def forecast(
    series: Sequence[tuple[When, float]],
    at: When,
    *,
    target: float | None = None,
    direction: str = "up",
    lower_limit: float | None = None,
    upper_limit: float | None = None,
) -> Forecast:
    """Project ``series`` (``(month Period or fractional year, value)`` pairs) to ``at`` by OLS.

    ``direction`` ("up": higher is better, "down") decides ``will_meet_target``.

    >>> s = [(2024.0, 50.0), (2025.0, 80.0)]
    >>> f = forecast(s, 2026.0, upper_limit=100)
    >>> f.value, f.low, f.high
    (100.0, 100.0, 100.0)
    >>> print(f.method.replace("; ", ";\\n"))
    Xu hướng tuyến tính (bình phương tối thiểu) qua 2 quan sát;
    chỉ 2 quan sát nên không tính được khoảng dự báo;
    đã cắt theo giới hạn tự nhiên (tối đa 100).
    >>> forecast([(2024.0, 1.0)], 2025.0)
    Traceback (most recent call last):
    ...
    ValueError: Cần ít nhất 2 quan sát để dự báo, hiện có 1.

    A period that already has a value is forecast as that value (the trend does not overrule it):

    >>> forecast([(2024.0, 50.0), (2024 + 11 / 12, 74.2)], 2024 + 11 / 12).value
    74.2
    """
    if direction not in ("up", "down"):
        raise ValueError(f"direction phải là 'up' hoặc 'down', nhận {direction!r}")
    if lower_limit is not None and upper_limit is not None and lower_limit > upper_limit:
        raise ValueError(f"Giới hạn dưới {lower_limit} lớn hơn giới hạn trên {upper_limit}")
    if len(series) < 2:
        raise ValueError(f"Cần ít nhất 2 quan sát để dự báo, hiện có {len(series)}.")
    points = sorted((month_index(when), float(y)) for when, y in series)
    if not all(math.isfinite(y) for _, y in points):
        raise ValueError("Chuỗi số liệu có giá trị không hợp lệ (NaN hoặc vô cực).")
    x0 = month_index(at)
    observed = [y for x, y in points if x == x0]
    if observed:  # the period already has a value: that value is the forecast
        value = observed[-1]
        reached = None if target is None else (value >= target if direction == "up" else value <= target)
        return Forecast(value, value, value, "Kỳ này đã có số liệu: dự báo là chính số liệu đó.", None,
                        0.0, reached, 0.0)
    n = len(points)
    x_mean = sum(x for x, _ in points) / n
    y_mean = sum(y for _, y in points) / n
    sxx = sum((x - x_mean) ** 2 for x, _ in points)
    if sxx == 0:
        raise ValueError("Các quan sát trùng một thời điểm: không ước lượng được xu hướng.")
    slope = sum((x - x_mean) * (y - y_mean) for x, y in points) / sxx
    value = y_mean + slope * (x0 - x_mean)

    method = f"Xu hướng tuyến tính (bình phương tối thiểu) qua {n} quan sát"
    if n >= 3:
        df = n - 2
        sse = sum((y - (y_mean + slope * (x - x_mean))) ** 2 for x, y in points)
        s = math.sqrt(sse / df)
        half = t_quantile_80(df) * s * math.sqrt(1 + 1 / n + (x0 - x_mean) ** 2 / sxx)
        low, high = value - half, value + half
        method += f"; khoảng dự báo 80% theo phân phối t với {df} bậc tự do"
    else:
        low = high = value
        method += "; chỉ 2 quan sát nên không tính được khoảng dự báo"
    clipped = [float(clip(v, lower_limit, upper_limit)) for v in (value, low, high)]
    if clipped != [value, low, high]:
        bounds = [f"{word} {_num(b)}" for word, b in (("tối thiểu", lower_limit), ("tối đa", upper_limit))
                  if b is not None]  # fmt: skip
        method += f"; đã cắt theo giới hạn tự nhiên ({', '.join(bounds)})"
    value, low, high = clipped

    last_x, last_y = points[-1]
    months_left = x0 - last_x
    pace: float | None = None
    meets: bool | None = None
    if target is not None:
        if months_left > 0:
            pace = (target - last_y) / months_left
        meets = value >= target if direction == "up" else value <= target
    return Forecast(value, low, high, method + ".", pace, float(months_left), meets, slope)
