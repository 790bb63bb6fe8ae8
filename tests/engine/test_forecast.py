"""Tests for chiso.engine.forecast (OLS linear trend with an 80 % prediction interval; pure Python)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiso.engine.forecast import Forecast, forecast, month_index, t_quantile_80
from chiso.engine.periods import Period


def months(year: int, values: list[float], start_month: int = 1) -> list[tuple[Period, float]]:
    """Consecutive monthly observations starting at ``year-start_month``."""
    first = Period.of_month(year, start_month)
    out: list[tuple[Period, float]] = []
    p = first
    for v in values:
        out.append((p, v))
        p = p.next()
    return out


def test_exact_line_projects_exactly_with_zero_width() -> None:
    """y = 10 + 2·m for m = 0..11 (Jan..Dec 2024); month 24 is Jan 2026: 10 + 48 = 58."""
    f = forecast(months(2024, [10 + 2 * m for m in range(12)]), Period.parse("2026-01"))
    assert f.value == 58.0
    assert f.low == f.high == 58.0
    assert f.slope_per_month == 2.0
    assert f.months_left == 13.0
    assert (f.required_monthly_pace, f.will_meet_target) == (None, None)
    assert f.method == (
        "Xu hướng tuyến tính (bình phương tối thiểu) qua 12 quan sát; "
        "khoảng dự báo 80% theo phân phối t với 10 bậc tự do."
    )


def test_alternating_noise_matches_hand_ols() -> None:
    """y = 10 + 2·m + (−1)^m, m = 0..11, forecast at m = 24.

    x̄ = 5.5, Sxx = Σ(m − 5.5)² = 12·(12² − 1)/12 = 143.
    Noise e = +1 at even m, −1 at odd m: Σ(m − x̄)·e = (30 − 33) − (36 − 33) = −6, Σe = 0.
    slope b = 2 − 6/143; ȳ = 10 + 2·5.5 = 21; ŷ(24) = 21 + b·18.5 = 58 − 111/143 = 57.2237762.
    SSE = Σe² − (Σ(m − x̄)e)²/Sxx = 12 − 36/143; s = √(SSE/10).
    half-width = t(0.90; 10) · s · √(1 + 1/12 + 18.5²/143) = 1.3722 · 1.0838935 · 1.8645884 = 2.7732372
    """
    f = forecast(months(2024, [10 + 2 * m + (-1) ** m for m in range(12)]), Period.parse("2026-01"))
    expected = 58 - 111 / 143
    assert f.value == pytest.approx(expected, abs=1e-12)
    assert f.value == pytest.approx(57.2237762, abs=1e-7)
    assert f.slope_per_month == pytest.approx(2 - 6 / 143, abs=1e-12)
    s = math.sqrt((12 - 36 / 143) / 10)
    half = 1.3722 * s * math.sqrt(1 + 1 / 12 + 18.5**2 / 143)
    assert half == pytest.approx(2.7732372, abs=1e-7)
    assert f.low == pytest.approx(expected - half, abs=1e-9)
    assert f.high == pytest.approx(expected + half, abs=1e-9)
    assert f.low < f.value < f.high


def test_generic_fractional_years_match_periods() -> None:
    """The same noisy line given as (fractional year, value) gives the same forecast."""
    values = [10 + 2 * m + (-1) ** m for m in range(12)]
    generic = forecast([(2024 + m / 12, v) for m, v in enumerate(values)], 2026.0)
    by_period = forecast(months(2024, values), Period.parse("2026-01"))
    assert generic.value == pytest.approx(by_period.value, abs=1e-9)
    assert generic.high == pytest.approx(by_period.high, abs=1e-9)
    assert generic.months_left == pytest.approx(13.0)


def test_clips_at_100_percent() -> None:
    """y = 70 + 5·m heads to 70 + 5·24 = 190 at m = 24: clipped to 100."""
    f = forecast(months(2024, [70 + 5 * m for m in range(12)]), Period.parse("2026-01"), upper_limit=100)
    assert (f.value, f.low, f.high) == (100.0, 100.0, 100.0)
    assert f.method.endswith("; đã cắt theo giới hạn tự nhiên (tối đa 100).")
    noisy = forecast(
        months(2024, [90 + 0.5 * m + (-1) ** m for m in range(12)]),
        Period.parse("2025-06"),
        lower_limit=0,
        upper_limit=100,
    )
    assert noisy.value < 100 and noisy.high == 100.0  # only the upper end of the interval is cut
    assert "(tối thiểu 0, tối đa 100)" in noisy.method


def test_count_cannot_go_below_zero() -> None:
    series = months(2024, [50 - 5 * m + (-1) ** m for m in range(12)])  # heads to 50 − 5·24 < 0
    f = forecast(series, Period.parse("2026-01"), lower_limit=0)
    assert f.value == 0.0 and f.low == 0.0 and f.high >= 0.0


def test_required_pace_and_will_meet_target() -> None:
    """Last value 60 in 2025-06, target 80 by 2025-12: (80 − 60)/6 = 3.3333… per month."""
    fast = forecast(months(2025, [35, 40, 45, 50, 55, 60]), Period.parse("2025-12"), target=80)
    assert fast.months_left == 6.0
    assert fast.required_monthly_pace == pytest.approx(20 / 6)
    assert fast.required_monthly_pace == pytest.approx(3.3333, abs=1e-4)
    assert fast.value == pytest.approx(90.0)  # 60 + 5·6
    assert fast.will_meet_target is True
    slow = forecast(months(2025, [55, 56, 57, 58, 59, 60]), Period.parse("2025-12"), target=80)
    assert slow.required_monthly_pace == pytest.approx(20 / 6)
    assert slow.value == pytest.approx(66.0) and slow.will_meet_target is False


def test_direction_down() -> None:
    """Paper records falling 2 points a month from 40: at 2025-12 the line gives 40 − 2·11 = 18."""
    series = months(2025, [40 - 2 * m for m in range(6)])  # last 30 in 2025-06
    ok = forecast(series, Period.parse("2025-12"), target=20, direction="down")
    assert ok.value == pytest.approx(18.0) and ok.will_meet_target is True
    assert ok.required_monthly_pace == pytest.approx(-10 / 6)
    assert forecast(series, Period.parse("2025-12"), target=15, direction="down").will_meet_target is False


def test_target_date_not_after_last_observation() -> None:
    f = forecast(months(2025, [1, 2, 3]), Period.parse("2025-03"), target=10)
    assert f.months_left == 0.0 and f.required_monthly_pace is None and f.will_meet_target is False


def test_two_points_value_only() -> None:
    f = forecast([(Period.parse("2025-01"), 10.0), (Period.parse("2025-03"), 14.0)], Period.parse("2025-06"))
    assert f == Forecast(20.0, 20.0, 20.0, f.method, None, 3.0, None, 2.0)
    assert "chỉ 2 quan sát nên không tính được khoảng dự báo" in f.method


def test_fewer_than_two_points_raises_in_vietnamese() -> None:
    with pytest.raises(ValueError, match="Cần ít nhất 2 quan sát để dự báo, hiện có 1"):
        forecast([(Period.parse("2025-01"), 1.0)], Period.parse("2025-06"))
    with pytest.raises(ValueError, match="hiện có 0"):
        forecast([], 2025.0)


def test_bad_inputs() -> None:
    with pytest.raises(ValueError, match="trùng một thời điểm"):
        forecast([(2025.0, 1.0), (2025.0, 2.0)], 2026.0)
    with pytest.raises(ValueError, match="kỳ tháng"):
        forecast([(Period.parse("2024"), 1.0), (Period.parse("2025"), 2.0)], 2026.0)
    with pytest.raises(ValueError, match="direction"):
        forecast([(2024.0, 1.0), (2025.0, 2.0)], 2026.0, direction="flat")
    with pytest.raises(ValueError, match="Giới hạn dưới"):
        forecast([(2024.0, 1.0), (2025.0, 2.0)], 2026.0, lower_limit=10, upper_limit=0)
    with pytest.raises(ValueError, match="NaN"):
        forecast([(2024.0, 1.0), (2025.0, math.nan)], 2026.0)


def test_t_table_and_month_index() -> None:
    assert [t_quantile_80(df) for df in (1, 2, 5, 10, 20, 30, 31, 1000)] == [
        3.0777, 1.8856, 1.4759, 1.3722, 1.3253, 1.3104, 1.2816, 1.2816,
    ]  # fmt: skip
    with pytest.raises(ValueError):
        t_quantile_80(0)
    assert month_index(Period.parse("2025-06")) == 24305
    assert month_index(2025.0) == 24300.0


@given(
    st.floats(-1e3, 1e3),
    st.floats(-50, 50),
    st.lists(st.floats(-5, 5), min_size=3, max_size=40),
    st.integers(0, 60),
)
def test_interval_always_contains_value(a: float, b: float, noise: list[float], ahead: int) -> None:
    values = [a + b * m + e for m, e in enumerate(noise)]
    series = months(2020, values)
    at = series[-1][0]
    for _ in range(ahead):
        at = at.next()
    f = forecast(series, at)
    assert f.low <= f.value <= f.high
    assert f.months_left == float(ahead)


def test_a_period_that_has_a_value_is_forecast_as_that_value() -> None:
    """CQS-03 on Thanh Khê: 74,2 at 12/2024, the trend said 61,7 "by 31/12/2024" (issue 14)."""
    series = [(Period.of_month(2024, m), v) for m, v in [(1, 80.0), (6, 60.0), (9, 70.0), (12, 74.2)]]
    f = forecast(series, Period.of_month(2024, 12), target=65)
    assert (f.value, f.low, f.high, f.months_left, f.will_meet_target) == (74.2, 74.2, 74.2, 0.0, True)
    assert f.method == "Kỳ này đã có số liệu: dự báo là chính số liệu đó."
