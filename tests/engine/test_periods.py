"""Tests for chiso.engine.periods (pure Python, no Django)."""

from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiso.engine.periods import Period, PeriodError, PeriodKind, months_in, periods_between

VALID = [
    ("2024", "2024", PeriodKind.YEAR, date(2024, 1, 1), date(2024, 12, 31)),
    ("2024Q3", "2024Q3", PeriodKind.QUARTER, date(2024, 7, 1), date(2024, 9, 30)),
    ("2024q1", "2024Q1", PeriodKind.QUARTER, date(2024, 1, 1), date(2024, 3, 31)),
    (" 2024Q4\n", "2024Q4", PeriodKind.QUARTER, date(2024, 10, 1), date(2024, 12, 31)),
    ("2024-07", "2024-07", PeriodKind.MONTH, date(2024, 7, 1), date(2024, 7, 31)),
    ("2024-02", "2024-02", PeriodKind.MONTH, date(2024, 2, 1), date(2024, 2, 29)),
    ("2023-02", "2023-02", PeriodKind.MONTH, date(2023, 2, 1), date(2023, 2, 28)),
    ("2024-07-15", "2024-07-15", PeriodKind.DAY, date(2024, 7, 15), date(2024, 7, 15)),
    ("2024-02-29", "2024-02-29", PeriodKind.DAY, date(2024, 2, 29), date(2024, 2, 29)),
    ("1900", "1900", PeriodKind.YEAR, date(1900, 1, 1), date(1900, 12, 31)),
    ("2100-12-31", "2100-12-31", PeriodKind.DAY, date(2100, 12, 31), date(2100, 12, 31)),
]


@pytest.mark.parametrize(("text", "canonical", "kind", "start", "end"), VALID)
def test_parse_valid(text: str, canonical: str, kind: PeriodKind, start: date, end: date) -> None:
    period = Period.parse(text)
    assert str(period) == canonical
    assert period.kind == kind
    assert period.kind == kind.value  # a str enum compares equal to its plain string
    assert (period.start, period.end) == (start, end)
    assert Period.parse(str(period)) == period
    assert repr(period) == f"Period({canonical!r})"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2024-13", "tháng phải từ 01 đến 12"),
        ("2024-00", "tháng phải từ 01 đến 12"),
        ("2024-13-01", "tháng phải từ 01 đến 12"),
        ("2024Q5", "quý phải từ 1 đến 4"),
        ("2024Q0", "quý phải từ 1 đến 4"),
        ("2024-02-30", "chỉ có 29 ngày"),
        ("2023-02-29", "chỉ có 28 ngày"),
        ("2024-04-31", "chỉ có 30 ngày"),
        ("1899", "năm phải từ 1900 đến 2100"),
        ("2101-01", "năm phải từ 1900 đến 2100"),
        ("24", "sai định dạng"),
        ("2024-7", "sai định dạng"),
        ("2024/07", "sai định dạng"),
        ("Q3 2024", "sai định dạng"),
        ("2024 Q3", "sai định dạng"),
        ("2024-07-1", "sai định dạng"),
        ("", "sai định dạng"),
        ("abc", "sai định dạng"),
    ],
)
def test_parse_invalid(text: str, reason: str) -> None:
    with pytest.raises(PeriodError) as excinfo:
        Period.parse(text)
    message = str(excinfo.value)
    assert f"'{text}'" in message
    assert reason in message
    assert message.startswith("Kỳ báo cáo không hợp lệ:")
    assert "Dùng dạng 2024, 2024Q3, 2024-07 hoặc 2024-07-15." in message
    assert "Invalid period" in message
    assert isinstance(excinfo.value, ValueError)


def test_exact_error_message() -> None:
    with pytest.raises(PeriodError) as excinfo:
        Period.parse("2024-13")
    assert str(excinfo.value).startswith(
        "Kỳ báo cáo không hợp lệ: '2024-13' (tháng phải từ 01 đến 12). "
        "Dùng dạng 2024, 2024Q3, 2024-07 hoặc 2024-07-15."
    )


def test_parse_rejects_non_string() -> None:
    with pytest.raises(TypeError):
        Period.parse(2024)  # type: ignore[arg-type]


@pytest.mark.parametrize("inner", ["2024", "2024Q3", "2024-07", "2024-07-15", "2024Q1", "2024-12-31"])
def test_year_contains(inner: str) -> None:
    assert Period.parse("2024").contains(Period.parse(inner))


@pytest.mark.parametrize("outer", ["2025-01", "2023-12-31", "2025", "2025Q1"])
def test_year_does_not_contain_other_year(outer: str) -> None:
    assert not Period.parse("2024").contains(Period.parse(outer))


def test_contains_dates_and_finer_does_not_contain_coarser() -> None:
    quarter = Period.parse("2024Q3")
    assert quarter.contains(date(2024, 7, 1))
    assert quarter.contains(date(2024, 9, 30))
    assert not quarter.contains(date(2024, 10, 1))
    assert not quarter.contains(Period.parse("2024"))
    assert not Period.parse("2024-07").contains(Period.parse("2024Q3"))
    assert quarter.contains(quarter)


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("2024Q3", "month", ["2024-07", "2024-08", "2024-09"]),
        ("2024Q3", None, ["2024-07", "2024-08", "2024-09"]),
        ("2024", None, ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]),
        ("2024", "month", [f"2024-{m:02d}" for m in range(1, 13)]),
        ("2024-02", "day", [f"2024-02-{d:02d}" for d in range(1, 30)]),
    ],
)
def test_children(text: str, kind: str | None, expected: list[str]) -> None:
    assert [str(c) for c in Period.parse(text).children(kind)] == expected


def test_children_of_year_in_days() -> None:
    assert len(Period.parse("2024").children("day")) == 366
    assert len(Period.parse("2023").children(PeriodKind.DAY)) == 365


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("2024-07-15", None, "2024-07"),
        ("2024-07", None, "2024Q3"),
        ("2024Q3", None, "2024"),
        ("2024-07-15", "quarter", "2024Q3"),
        ("2024-07-15", "year", "2024"),
        ("2024-12", PeriodKind.YEAR, "2024"),
        ("2024-07", "month", "2024-07"),
    ],
)
def test_parent(text: str, kind: str | None, expected: str) -> None:
    assert str(Period.parse(text).parent(kind)) == expected


def test_parent_and_children_errors() -> None:
    with pytest.raises(ValueError):
        Period.parse("2024").parent()
    with pytest.raises(ValueError):
        Period.parse("2024-07").parent("day")
    with pytest.raises(ValueError):
        Period.parse("2024-07-15").children()
    with pytest.raises(ValueError):
        Period.parse("2024-07").children("quarter")


@pytest.mark.parametrize(
    ("text", "previous", "following"),
    [
        ("2024-01", "2023-12", "2024-02"),
        ("2024Q1", "2023Q4", "2024Q2"),
        ("2024Q4", "2024Q3", "2025Q1"),
        ("2024", "2023", "2025"),
        ("2024-03-01", "2024-02-29", "2024-03-02"),
        ("2024-12-31", "2024-12-30", "2025-01-01"),
    ],
)
def test_previous_and_next(text: str, previous: str, following: str) -> None:
    period = Period.parse(text)
    assert str(period.previous()) == previous
    assert str(period.next()) == following


def test_next_and_previous_stay_in_range() -> None:
    with pytest.raises(PeriodError):
        Period.parse("2100").next()
    with pytest.raises(PeriodError):
        Period.parse("1900-01-01").previous()


def test_sorting_shuffled_list_gives_documented_order() -> None:
    expected = [
        "2023Q4",
        "2023-12",
        "2023-12-31",
        "2024-01-01",
        "2024-01",
        "2024Q1",
        "2024",
        "2024-01-02",
        "2024-02",
        "2024Q2",
        "2024-07-15",
        "2025",
    ]
    shuffled = expected[:]
    random.Random(20240715).shuffle(shuffled)
    assert shuffled != expected
    assert [str(p) for p in sorted(Period.parse(t) for t in shuffled)] == expected


def test_ordering_and_equality() -> None:
    assert Period.parse("2024-01") < Period.parse("2024")
    assert Period.parse("2024") < Period.parse("2024-02")
    assert Period.parse("2024q3") == Period.parse("2024Q3")
    assert len({Period.parse("2024Q3"), Period.parse("2024q3"), Period.parse("2024-07")}) == 2


@pytest.mark.parametrize(
    ("text", "vi", "en"),
    [
        ("2024", "Năm 2024", "2024"),
        ("2024Q3", "Quý III/2024", "Q3 2024"),
        ("2024Q4", "Quý IV/2024", "Q4 2024"),
        ("2024-07", "Tháng 7/2024", "July 2024"),
        ("2024-12", "Tháng 12/2024", "December 2024"),
        ("2024-07-15", "Ngày 15/07/2024", "15/07/2024"),
    ],
)
def test_labels(text: str, vi: str, en: str) -> None:
    period = Period.parse(text)
    assert period.vi_label() == vi
    assert period.en_label() == en


def test_for_date_and_constructors() -> None:
    d = date(2024, 8, 9)
    assert [str(Period.for_date(d, k)) for k in PeriodKind] == ["2024", "2024Q3", "2024-08", "2024-08-09"]
    assert Period.of_year(2024) == Period.parse("2024")
    assert Period.of_quarter(2024, 3) == Period.parse("2024Q3")
    assert Period.of_month(2024, 7) == Period.parse("2024-07")
    assert Period.of_day(d) == Period.parse("2024-08-09")
    with pytest.raises(PeriodError):
        Period.of_quarter(2024, 5)
    with pytest.raises(PeriodError):
        Period(date(2024, 1, 2), date(2024, 12, 31), PeriodKind.YEAR)


def test_periods_between() -> None:
    months = periods_between(Period.parse("2023-11"), Period.parse("2024-02"))
    assert [str(p) for p in months] == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert periods_between(Period.parse("2024"), Period.parse("2024")) == [Period.parse("2024")]
    assert periods_between(Period.parse("2025"), Period.parse("2024")) == []
    with pytest.raises(ValueError):
        periods_between(Period.parse("2024"), Period.parse("2024Q1"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024", [f"2024-{m:02d}" for m in range(1, 13)]),
        ("2024Q2", ["2024-04", "2024-05", "2024-06"]),
        ("2024-05", ["2024-05"]),
        ("2024-05-20", ["2024-05"]),
    ],
)
def test_months_in(text: str, expected: list[str]) -> None:
    assert [str(m) for m in months_in(Period.parse(text))] == expected


periods = st.builds(
    Period.for_date,
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.sampled_from(list(PeriodKind)),
)


@given(periods)
def test_round_trip_property(period: Period) -> None:
    assert str(Period.parse(str(period))) == str(period)
    assert Period.parse(str(period).lower()) == period


@given(periods)
def test_parent_contains_child_property(period: Period) -> None:
    if period.kind is not PeriodKind.YEAR:
        assert period.parent().contains(period)
        assert period in period.parent().children(period.kind)
