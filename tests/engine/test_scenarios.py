"""Tests for chiso.engine.scenarios: probability (seeded residual bootstrap), required pace, a chosen pace
redrawn, and a city's gap shared among its units in proportion to their room (pure Python)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiso.engine.periods import Period
from chiso.engine.scenarios import (
    UnitPace,
    months_between,
    probability,
    required_pace,
    scenario,
    split_gap,
)

JUL_DEC_2025 = [(Period.parse(f"2025-{m:02d}"), v) for m, v in zip(range(7, 13), [40, 43, 43, 47, 48, 52], strict=True)]
JUNE_2026 = Period.parse("2026-06")


def test_required_pace_is_the_gap_over_the_months_from_next_month_to_the_deadline():
    assert required_pace(JUL_DEC_2025, 64, JUNE_2026) == 2.0  # (64 − 52) / 6
    assert required_pace(JUL_DEC_2025, 40, JUNE_2026) == -2.0  # already above: it may even fall
    assert required_pace(JUL_DEC_2025, 64, Period.parse("2025-12")) is None  # no month left


def test_probability_of_a_seeded_bootstrap_is_exact_and_repeatable():
    assert probability(JUL_DEC_2025, 64, JUNE_2026, upper_limit=100) == 0.608
    assert probability(JUL_DEC_2025, 64, JUNE_2026, upper_limit=100) == 0.608  # same seed, same figure
    assert probability(JUL_DEC_2025, 60, JUNE_2026, upper_limit=100) == 0.9705
    assert probability(JUL_DEC_2025, 65, JUNE_2026, upper_limit=100) == 0.448
    assert probability(JUL_DEC_2025, 101, JUNE_2026, upper_limit=100) == 0.0  # above the natural limit
    # lower is better: reaching 64 "down" is the complement of staying at or above it, nearly
    assert probability(JUL_DEC_2025, 64, JUNE_2026, direction="down", upper_limit=100) == 0.392
    assert probability(JUL_DEC_2025[:2], 64, JUNE_2026) is None  # two points leave no residual


def test_a_straight_line_has_no_doubt():
    line = [(Period.parse(f"2025-{m:02d}"), 10.0 + m) for m in range(1, 7)]  # 11..16, +1 a month
    assert probability(line, 22, Period.parse("2025-12")) == 1.0  # the line gives exactly 22
    assert probability(line, 22.5, Period.parse("2025-12")) == 0.0


def test_a_pace_redraws_the_path_and_moves_the_date_the_target_is_reached():
    at_trend = scenario(JUL_DEC_2025, 2, 64, JUNE_2026, upper_limit=100)
    assert [(str(p), v) for p, v in at_trend.path] == [
        ("2026-01", 54.0), ("2026-02", 56.0), ("2026-03", 58.0), ("2026-04", 60.0), ("2026-05", 62.0),
        ("2026-06", 64.0)]
    assert (str(at_trend.reached), at_trend.on_time, at_trend.at_deadline) == ("2026-06", True, 64.0)
    assert at_trend.sentence() == "Đạt 64 vào tháng 6/2026, đúng hạn tháng 6/2026."
    faster = scenario(JUL_DEC_2025, 3, 64, JUNE_2026, upper_limit=100)
    assert faster.sentence() == "Đạt 64 vào tháng 4/2026, trước hạn tháng 6/2026."
    assert faster.at_deadline == 70.0 and str(faster.path[-1][0]) == "2026-06"  # drawn to the deadline
    slower = scenario(JUL_DEC_2025, 1, 64, JUNE_2026, upper_limit=100)
    assert slower.sentence() == "Đạt 64 vào tháng 12/2026, sau hạn tháng 6/2026."
    assert slower.sentence("en") == "Reaches 64 in December 2026, after the deadline June 2026."
    assert str(slower.path[-1][0]) == "2026-12"  # drawn to the month it is reached


def test_a_pace_that_never_gets_there_says_so():
    stuck = scenario(JUL_DEC_2025, 0, 64, JUNE_2026, upper_limit=100)
    assert stuck.reached is None and not stuck.on_time
    assert stuck.sentence() == "Không đạt 64 trước tháng 6/2031."  # 60 months after the deadline
    capped = scenario(JUL_DEC_2025, 10, 101, JUNE_2026, upper_limit=100)  # 100% is the ceiling
    assert capped.reached is None and capped.at_deadline == 100.0


def test_lower_is_better():
    falling = [(Period.parse("2025-11"), 30.0), (Period.parse("2025-12"), 28.0)]
    run = scenario(falling, -3, 20, Period.parse("2026-06"), direction="down", lower_limit=0)
    assert str(run.reached) == "2026-03" and run.on_time  # 25, 22, 19
    assert required_pace(falling, 20, Period.parse("2026-06")) == pytest.approx(-8 / 6, abs=1e-12)


def test_a_city_gap_is_shared_in_proportion_to_each_units_room():
    units = [UnitPace("A", 90, 0.5), UnitPace("B", 60, 0.5), UnitPace("C", 70, 2.0)]
    # city 220 → 250 in 6 months: 5 a month, the units give 3, 2 missing; rooms 10, 40, 30 → k = 2/80
    shares = split_gap(units, 220, 250, 6, limit=100)
    assert [(s.unit.name, s.room, s.needed, s.change, s.behind) for s in shares] == [
        ("A", 10.0, 0.75, 0.25, True), ("B", 40.0, 1.5, 1.0, True), ("C", 30.0, 2.75, 0.75, True)]
    # lower the target to 235: 2,5 a month, the units' own 3 suffice, nobody falls behind
    assert [s.behind for s in split_gap(units, 220, 235, 6, limit=100)] == [False, False, False]


def test_a_city_average_weights_units_and_a_full_unit_is_asked_nothing():
    units = [UnitPace("A", 100, 0.0, weight=3), UnitPace("B", 50, 1.0, weight=1)]
    # city average (3·100 + 50)/4 = 87,5 → 90 in 5 months: 0,5 a month; B gives 0,25; B alone has room
    shares = split_gap(units, 87.5, 90, 5, mean=True, limit=100)
    assert [(s.unit.name, s.needed, s.behind) for s in shares] == [("A", 0.0, False), ("B", 2.0, True)]


def test_without_a_limit_the_room_is_the_units_size():
    units = [UnitPace("A", 300, 0.0), UnitPace("B", 100, 0.0)]
    shares = split_gap(units, 400, 480, 4)  # 20 a month shared 3 : 1
    assert [s.needed for s in shares] == [15.0, 5.0]


def test_refusals():
    with pytest.raises(ValueError, match="Hạn của chỉ tiêu phải sau"):
        split_gap([UnitPace("A", 1, 0)], 1, 2, 0)
    with pytest.raises(ValueError, match="Kịch bản cần kỳ tháng"):
        months_between(Period.parse("2025"), JUNE_2026)
    with pytest.raises(ValueError, match="Tốc độ mỗi tháng không hợp lệ"):
        scenario(JUL_DEC_2025, float("nan"), 64, JUNE_2026)


@given(st.floats(min_value=0.01, max_value=50), st.floats(min_value=0, max_value=40))
def test_a_faster_pace_never_reaches_later(pace, extra):
    slow = scenario(JUL_DEC_2025, pace, 90, JUNE_2026)
    fast = scenario(JUL_DEC_2025, pace + extra, 90, JUNE_2026)
    if slow.reached is not None:
        assert fast.reached is not None and fast.reached.start <= slow.reached.start
