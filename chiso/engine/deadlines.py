"""The reporting calendar: when a period's report is due, which periods a unit is expected to have reported
by a given day, and how late a report is. Pure: the day is always passed in, never read from a clock.

A form's *due day* is a day of the month right after the period: the report of a month, a quarter or a
year is due on that day of the following month (the last day of that month when it is shorter).

>>> due_date(Period.parse("2024-12"), 10)
datetime.date(2025, 1, 10)
>>> due_date(Period.parse("2025-01"), 31), due_date(Period.parse("2024Q3"), 15), due_date(Period.parse("2024"), 20)
(datetime.date(2025, 2, 28), datetime.date(2024, 10, 15), datetime.date(2025, 1, 20))
>>> days_late(Period.parse("2025-01"), 10, today=date(2025, 2, 12))
2
>>> days_late(Period.parse("2025-01"), 10, today=date(2025, 2, 10))
0
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

from chiso.engine.periods import Period, PeriodKind

__all__ = ["DONE", "SOON_DAYS", "Standing", "Deadline", "days_late", "due_date", "expected_periods", "standing"]

SOON_DAYS = 7  # a report due within this many days is "due soon"
LOOKBACK = {PeriodKind.MONTH: 12, PeriodKind.QUARTER: 4, PeriodKind.YEAR: 2}  # periods looked back at
DONE = frozenset({"submitted", "approved", "locked"})  # a report in these states is no longer owed


class Standing(StrEnum):
    DONE = "done"  # submitted, approved or locked
    OVERDUE = "overdue"  # past its due day and not submitted (never started, a draft, or returned)
    DUE_SOON = "due_soon"  # due within SOON_DAYS days and not submitted
    LATER = "later"  # not due yet


@dataclass(frozen=True)
class Deadline:
    """One expected report of a unit's form: its period, due day and where it stands on ``today``."""

    period: Period
    due: date
    standing: Standing
    days: int  # days late when overdue, days left when due soon or later, 0 when done


def due_date(period: Period, due_day: int) -> date:
    """The day the report of ``period`` is due: ``due_day`` of the month after the period's end.

    >>> due_date(Period.parse("2024-02"), 30), due_date(Period.parse("2024-01"), 30)
    (datetime.date(2024, 3, 30), datetime.date(2024, 2, 29))
    >>> due_date(Period.parse("2024-06"), 0)
    Traceback (most recent call last):
    ...
    ValueError: Hạn nộp phải là một ngày từ 1 đến 31, không phải 0.
    """
    if not 1 <= due_day <= 31:
        raise ValueError(f"Hạn nộp phải là một ngày từ 1 đến 31, không phải {due_day}.")
    first = period.end + timedelta(days=1)
    if first.day != 1:  # a day period: the month after the month holding it
        first = (first.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first.replace(day=min(due_day, calendar.monthrange(first.year, first.month)[1]))


def days_late(period: Period, due_day: int, *, today: date) -> int:
    """How many days after its due day ``today`` is (0 on the day itself and before)."""
    return max(0, (today - due_date(period, due_day)).days)


def standing(period: Period, due_day: int, status: str, *, today: date) -> Deadline:
    """Where the report of ``period`` in ``status`` ("" when never started) stands on ``today``.

    >>> d = standing(Period.parse("2025-01"), 10, "", today=date(2025, 2, 12))
    >>> d.standing, d.days
    (<Standing.OVERDUE: 'overdue'>, 2)
    >>> [standing(Period.parse("2025-01"), 10, s, today=date(2025, 2, 5)).standing.value
    ...  for s in ("draft", "returned", "submitted", "approved")]
    ['due_soon', 'due_soon', 'done', 'done']
    >>> standing(Period.parse("2025-02"), 10, "draft", today=date(2025, 2, 12)).standing.value
    'later'
    """
    due = due_date(period, due_day)
    if status in DONE:
        return Deadline(period, due, Standing.DONE, 0)
    if today > due:
        return Deadline(period, due, Standing.OVERDUE, (today - due).days)
    left = (due - today).days
    return Deadline(period, due, Standing.DUE_SOON if left <= SOON_DAYS else Standing.LATER, left)


def expected_periods(kind: PeriodKind, due_day: int, *, today: date, valid_from: date | None,
                     valid_to: date | None, count: int | None = None) -> list[Period]:
    """The periods of ``kind`` a unit valid ``valid_from`` – ``valid_to`` owes a report of, oldest first:
    of the last ``count`` (default ``LOOKBACK[kind]``) periods whose report is due by ``today`` + SOON_DAYS,
    those that end while the unit is valid (a figure belongs to the unit valid at the end of its period).
    The window is counted back from ``today``, so a unit that ended long ago owes nothing any more.

    >>> [str(p) for p in expected_periods(PeriodKind.MONTH, 10, today=date(2025, 2, 12), valid_from=None,
    ...                                   valid_to=None, count=3)]
    ['2024-11', '2024-12', '2025-01']
    >>> [str(p) for p in expected_periods(PeriodKind.MONTH, 10, today=date(2025, 2, 5), valid_from=None,
    ...                                   valid_to=date(2024, 12, 31), count=3)]
    ['2024-11', '2024-12']
    >>> expected_periods(PeriodKind.MONTH, 10, today=date(2026, 2, 5), valid_from=None, valid_to=date(2024, 12, 31))
    []
    >>> [str(p) for p in expected_periods(PeriodKind.QUARTER, 10, today=date(2025, 7, 20),
    ...                                   valid_from=date(2025, 1, 1), valid_to=None)]
    ['2025Q1', '2025Q2']
    """
    window = _window(kind, due_day, today, LOOKBACK[kind] if count is None else count)
    return [p for p in window if (not valid_from or p.end >= valid_from) and (not valid_to or p.end <= valid_to)]


@lru_cache(maxsize=256)
def _window(kind: PeriodKind, due_day: int, today: date, count: int) -> tuple[Period, ...]:
    """The last ``count`` periods due by ``today`` + SOON_DAYS, oldest first (the same for every unit of a
    form: a start page asks it hundreds of times)."""
    horizon = today + timedelta(days=SOON_DAYS)
    period = Period.for_date(today, kind)
    while due_date(period, due_day) > horizon:
        period = period.previous()
    window = [period]
    while len(window) < count:
        window.append(window[-1].previous())
    return tuple(window[::-1])
