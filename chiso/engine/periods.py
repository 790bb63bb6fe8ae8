"""Reporting periods (kỳ báo cáo) as immutable, ordered value objects.

Every period has one stable, canonical string form:

=========  ==============  =====================================
kind       form            meaning
=========  ==============  =====================================
year       ``2024``        the whole calendar year
quarter    ``2024Q3``      July–September 2024
month      ``2024-07``     July 2024
day        ``2024-07-15``  a stock (số liệu thời điểm) as of that date
=========  ==============  =====================================

Years must lie in 1900..2100.  ``Period.parse`` accepts a lowercase ``q``
and surrounding whitespace, but ``str()`` always gives the canonical form.

**Ordering rule.** Periods sort by ``(start, end)``: the earlier start first;
with the same start the shorter (finer) period first.  So a day sorts before
its month, the month before its quarter, the quarter before its year:

>>> names = ["2024Q2", "2024", "2024-01-02", "2024-01", "2024Q1", "2024-01-01"]
>>> [str(p) for p in sorted(Period.parse(n) for n in names)]
['2024-01-01', '2024-01', '2024Q1', '2024', '2024-01-02', '2024Q2']
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

__all__ = ["MAX_YEAR", "MIN_YEAR", "Period", "PeriodError", "PeriodKind", "months_in", "periods_between"]

MIN_YEAR = 1900
MAX_YEAR = 2100

_FORMS_VI = "Dùng dạng 2024, 2024Q3, 2024-07 hoặc 2024-07-15."
_FORMS_EN = "Use 2024, 2024Q3, 2024-07 or 2024-07-15."
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_MONTHS_EN = tuple(
    "January February March April May June July August September October November December".split()
)
_PATTERNS = (
    ("year", re.compile(r"(\d{4})")),
    ("quarter", re.compile(r"(\d{4})[Qq](\d+)")),
    ("month", re.compile(r"(\d{4})-(\d{2})")),
    ("day", re.compile(r"(\d{4})-(\d{2})-(\d{2})")),
)


class PeriodError(ValueError):
    """A period text or value that is not valid; the message is in Vietnamese and English."""

    def __init__(self, text: str, reason_vi: str = "sai định dạng", reason_en: str = "wrong shape") -> None:
        self.text = text
        self.reason_vi = reason_vi
        self.reason_en = reason_en
        super().__init__(
            f"Kỳ báo cáo không hợp lệ: {text!r} ({reason_vi}). {_FORMS_VI} "
            f"/ Invalid period {text!r} ({reason_en}). {_FORMS_EN}"
        )


class PeriodKind(StrEnum):
    """Granularity of a period, from coarsest to finest."""

    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"
    DAY = "day"

    @property
    def rank(self) -> int:
        """0 for year (coarsest) up to 3 for day (finest)."""
        return list(PeriodKind).index(self)


def _bounds(kind: PeriodKind, year: int, number: int = 1, day: int = 1) -> tuple[date, date]:
    """First and last day of the period; ``number`` is the quarter or month."""
    if kind is PeriodKind.YEAR:
        return date(year, 1, 1), date(year, 12, 31)
    if kind is PeriodKind.QUARTER:
        first, last = 3 * number - 2, 3 * number
        return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])
    if kind is PeriodKind.MONTH:
        return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])
    return date(year, number, day), date(year, number, day)


def _bounds_for_date(d: date, kind: PeriodKind) -> tuple[date, date]:
    """Bounds of the period of ``kind`` that contains ``d``."""
    number = (d.month - 1) // 3 + 1 if kind is PeriodKind.QUARTER else d.month
    return _bounds(kind, d.year, number, d.day)


@dataclass(frozen=True, order=True, repr=False)
class Period:
    """One reporting period, compared and ordered by ``(start, end)``.

    Build one with :meth:`parse`, :meth:`for_date` or the ``of_*`` helpers.

    >>> p = Period.parse(" 2024q3 ")
    >>> p, p.kind, p.start, p.end
    (Period('2024Q3'), <PeriodKind.QUARTER: 'quarter'>, datetime.date(2024, 7, 1), datetime.date(2024, 9, 30))
    >>> Period.parse("2024").contains(p), p.contains(Period.parse("2024"))
    (True, False)
    >>> Period.parse("2024-07-15").parent(), p.parent()
    (Period('2024-07'), Period('2024'))
    >>> Period.parse("2024-01").previous(), Period.parse("2024Q4").next()
    (Period('2023-12'), Period('2025Q1'))
    """

    start: date
    end: date
    kind: PeriodKind = field(compare=False)

    def __post_init__(self) -> None:
        kind = PeriodKind(self.kind)
        object.__setattr__(self, "kind", kind)
        if not MIN_YEAR <= self.start.year <= MAX_YEAR:
            raise PeriodError(
                self.start.isoformat(),
                f"năm phải từ {MIN_YEAR} đến {MAX_YEAR}",
                f"year must be {MIN_YEAR}..{MAX_YEAR}",
            )
        if (self.start, self.end) != _bounds_for_date(self.start, kind):
            raise PeriodError(
                f"{self.start}..{self.end}",
                f"không phải một {kind.value} trọn vẹn",
                f"not a whole {kind.value}",
            )

    # -- construction -------------------------------------------------------

    @classmethod
    def for_date(cls, d: date, kind: PeriodKind | str) -> Period:
        """The period of the given kind that contains ``d``.

        >>> Period.for_date(date(2024, 8, 9), "quarter")
        Period('2024Q3')
        """
        kind = PeriodKind(kind)
        return cls(*_bounds_for_date(d, kind), kind)

    @classmethod
    def of_year(cls, year: int) -> Period:
        """The whole year, e.g. ``Period.of_year(2024)``."""
        return cls.parse(f"{year:04d}")

    @classmethod
    def of_quarter(cls, year: int, quarter: int) -> Period:
        """Quarter 1..4 of ``year``."""
        return cls.parse(f"{year:04d}Q{quarter}")

    @classmethod
    def of_month(cls, year: int, month: int) -> Period:
        """Month 1..12 of ``year``."""
        return cls.parse(f"{year:04d}-{month:02d}")

    @classmethod
    def of_day(cls, d: date) -> Period:
        """The single day ``d`` (a stock as of that date)."""
        return cls.for_date(d, PeriodKind.DAY)

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read the canonical form (whitespace and lowercase ``q`` tolerated).

        >>> [str(Period.parse(t)) for t in ["2024", "2024q3", "2024-07", "2024-02-29"]]
        ['2024', '2024Q3', '2024-07', '2024-02-29']
        >>> Period.parse("2024-13")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        chiso.engine.periods.PeriodError: Kỳ báo cáo không hợp lệ: '2024-13' (tháng phải từ 01 đến 12). ...
        """
        if not isinstance(text, str):
            raise TypeError(f"Period.parse expects str, got {type(text).__name__}")
        clean = text.strip()
        for kind_name, pattern in _PATTERNS:
            match = pattern.fullmatch(clean)
            if match:
                kind = PeriodKind(kind_name)
                numbers = [int(g) for g in match.groups()]
                break
        else:
            raise PeriodError(clean)
        year = numbers[0]
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise PeriodError(
                clean, f"năm phải từ {MIN_YEAR} đến {MAX_YEAR}", f"year must be {MIN_YEAR}..{MAX_YEAR}"
            )
        if kind is PeriodKind.QUARTER and not 1 <= numbers[1] <= 4:
            raise PeriodError(clean, "quý phải từ 1 đến 4", "quarter must be 1..4")
        if kind in (PeriodKind.MONTH, PeriodKind.DAY) and not 1 <= numbers[1] <= 12:
            raise PeriodError(clean, "tháng phải từ 01 đến 12", "month must be 01..12")
        if kind is PeriodKind.DAY:
            last = calendar.monthrange(year, numbers[1])[1]
            if not 1 <= numbers[2] <= last:
                raise PeriodError(
                    clean,
                    f"tháng {numbers[1]:02d}/{year} chỉ có {last} ngày",
                    f"{year}-{numbers[1]:02d} has only {last} days",
                )
        return cls(*_bounds(kind, *numbers), kind)

    # -- views --------------------------------------------------------------

    @property
    def bounds(self) -> tuple[date, date]:
        """``(start, end)``, both inclusive."""
        return self.start, self.end

    @property
    def year(self) -> int:
        """Calendar year of the period."""
        return self.start.year

    @property
    def quarter(self) -> int | None:
        """Quarter 1..4 for quarters, months and days; ``None`` for a year."""
        return None if self.kind is PeriodKind.YEAR else (self.start.month - 1) // 3 + 1

    @property
    def month(self) -> int | None:
        """Month 1..12 for months and days; ``None`` otherwise."""
        return self.start.month if self.kind.rank >= PeriodKind.MONTH.rank else None

    def __str__(self) -> str:
        text = self.__dict__.get("_text")
        if text is None:  # written once: the engine keys its figures by it, millions of times
            text = _text(self)
            object.__setattr__(self, "_text", text)
        return text

    def __repr__(self) -> str:
        return f"Period({str(self)!r})"

    def vi_label(self) -> str:
        """Vietnamese label: ``Năm 2024``, ``Quý III/2024``, ``Tháng 7/2024``, ``Ngày 15/07/2024``."""
        if self.kind is PeriodKind.YEAR:
            return f"Năm {self.year}"
        if self.kind is PeriodKind.QUARTER:
            return f"Quý {_ROMAN[self.quarter or 1]}/{self.year}"
        if self.kind is PeriodKind.MONTH:
            return f"Tháng {self.start.month}/{self.year}"
        return f"Ngày {self.start:%d/%m/%Y}"

    def en_label(self) -> str:
        """English label: ``2024``, ``Q3 2024``, ``July 2024``, ``15/07/2024``."""
        if self.kind is PeriodKind.YEAR:
            return str(self.year)
        if self.kind is PeriodKind.QUARTER:
            return f"Q{self.quarter} {self.year}"
        if self.kind is PeriodKind.MONTH:
            return f"{_MONTHS_EN[self.start.month - 1]} {self.year}"
        return f"{self.start:%d/%m/%Y}"

    # -- relations ----------------------------------------------------------

    def contains(self, other: Period | date) -> bool:
        """True if ``other`` (a date or a period) lies wholly inside this period."""
        if isinstance(other, Period):
            return self.start <= other.start and other.end <= self.end
        return self.start <= other <= self.end

    def parent(self, kind: PeriodKind | str | None = None) -> Period:
        """The enclosing period of a coarser (or the same) kind; by default one step up.

        >>> Period.parse("2024-07").parent("year")
        Period('2024')
        """
        target = PeriodKind(kind) if kind is not None else None
        if target is None:
            if self.kind is PeriodKind.YEAR:
                raise ValueError("A year has no parent period / Năm không có kỳ cha")
            target = list(PeriodKind)[self.kind.rank - 1]
        if target.rank > self.kind.rank:
            raise ValueError(f"{target.value} is finer than {self.kind.value}; use children()")
        return Period.for_date(self.start, target)

    def children(self, kind: PeriodKind | str | None = None) -> list[Period]:
        """The periods of a finer kind that make up this one; by default one step down.

        >>> [str(c) for c in Period.parse("2024Q3").children()]
        ['2024-07', '2024-08', '2024-09']
        """
        target = PeriodKind(kind) if kind is not None else None
        if target is None:
            if self.kind is PeriodKind.DAY:
                raise ValueError("A day has no child periods / Ngày không có kỳ con")
            target = list(PeriodKind)[self.kind.rank + 1]
        if target.rank <= self.kind.rank:
            raise ValueError(f"{target.value} is not finer than {self.kind.value}; use parent()")
        result = [Period.for_date(self.start, target)]
        while result[-1].end < self.end:
            result.append(Period.for_date(result[-1].end + timedelta(days=1), target))
        return result

    def next(self) -> Period:
        """The following period of the same kind (raises PeriodError past 2100)."""
        return Period.for_date(self.end + timedelta(days=1), self.kind)

    def previous(self) -> Period:
        """The preceding period of the same kind (raises PeriodError before 1900)."""
        return Period.for_date(self.start - timedelta(days=1), self.kind)


@lru_cache(maxsize=65536)
def period_of(text: str) -> Period:
    """``Period.parse`` of a period as the database stores it, kept: the engine reads it for every figure."""
    return Period.parse(text)


@lru_cache(maxsize=256)
def texts_within(start: date, end: date) -> tuple[str, ...]:
    """Every period (year, quarter, month or day) lying wholly inside ``start``..``end``, as stored: what
    ``period_start >= start AND period_end <= end`` finds, named, so an index on (element, period) finds it.

    >>> texts_within(date(2024, 2, 1), date(2024, 2, 29))[:3], len(texts_within(date(2024, 2, 1), date(2024, 2, 29)))
    (('2024-02', '2024-02-01', '2024-02-02'), 30)
    >>> len(texts_within(date(2024, 1, 1), date(2024, 12, 31)))  # the year, 4 quarters, 12 months, 366 days
    383
    >>> texts_within(date(2024, 2, 3), date(2024, 2, 1))
    ()
    """
    found: list[str] = []
    for kind in PeriodKind if start <= end else ():
        period = Period.for_date(start, kind)
        while period.start <= end:
            if start <= period.start and period.end <= end:
                found.append(str(period))
            if period.end >= date(MAX_YEAR, 12, 31):
                break
            period = period.next()
    return tuple(found)


def _text(period: Period) -> str:
    if period.kind is PeriodKind.YEAR:
        return f"{period.year:04d}"
    if period.kind is PeriodKind.QUARTER:
        return f"{period.year:04d}Q{period.quarter}"
    if period.kind is PeriodKind.MONTH:
        return f"{period.year:04d}-{period.start.month:02d}"
    return period.start.isoformat()


def periods_between(start: Period, end: Period) -> list[Period]:
    """All periods from ``start`` to ``end`` inclusive; both must have the same kind.

    Returns an empty list when ``start`` comes after ``end``.

    >>> [str(p) for p in periods_between(Period.parse("2023Q4"), Period.parse("2024Q2"))]
    ['2023Q4', '2024Q1', '2024Q2']
    """
    if start.kind is not end.kind:
        raise ValueError(f"periods_between needs the same kind, got {start.kind.value} and {end.kind.value}")
    result: list[Period] = []
    current = start
    while current <= end:
        result.append(current)
        if current == end:
            break
        current = current.next()
    return result


def months_in(period: Period) -> list[Period]:
    """The months that overlap ``period``: 12 for a year, 3 for a quarter, 1 for a month or a day.

    >>> [str(m) for m in months_in(Period.parse("2024-07-15"))]
    ['2024-07']
    """
    if period.kind.rank >= PeriodKind.MONTH.rank:
        return [period.parent(PeriodKind.MONTH)]
    return period.children(PeriodKind.MONTH)
