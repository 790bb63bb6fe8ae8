"""What a target may be: pure rules, no Django. ``plans.actions`` asks these for every target and minimum
written by any channel (plan page, API, spreadsheet, CLI).

* a target is a finite number in the sensible range of its indicator's kind: a rate 0–100 (%), a count a
  whole number from 0 to 10^12, an average or a score from 0 to its ceiling; at most 6 decimals;
* a unit's target is never weaker than a minimum assigned above it: not lower for an indicator where
  higher is better, not higher for one where lower is better.

>>> fault(Decimal("91.5"), "rate") is None, fault(Decimal("120"), "rate")
(True, 'tỷ lệ phải từ 0 đến 100 (%), nhận được 120.')
>>> fault(Decimal("NaN"), "count"), fault(Decimal("2.5"), "count")
('không phải số hữu hạn.', 'số lượng phải là số nguyên, nhận được 2,5.')
>>> weaker(Decimal(60), Decimal(65), "up"), weaker(Decimal(3), Decimal(5), "down")
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from chiso.engine.numbers import format_number

__all__ = ["BOUNDS", "DECIMALS", "Bounds", "fault", "stricter", "weaker"]

DECIMALS = 6  # Target.value keeps 6 decimals


@dataclass(frozen=True)
class Bounds:
    low: Decimal
    high: Decimal
    whole: bool
    name: str  # Vietnamese, as the message says it


BOUNDS: dict[str, Bounds] = {
    "rate": Bounds(Decimal(0), Decimal(100), False, "tỷ lệ"),
    "count": Bounds(Decimal(0), Decimal(10) ** 12, True, "số lượng"),
    "average": Bounds(Decimal(0), Decimal(10) ** 9, False, "giá trị bình quân"),
    "score": Bounds(Decimal(0), Decimal(1000), False, "điểm"),
}


def fault(value: Decimal, kind: str) -> str | None:
    """Why ``value`` cannot be a target of an indicator of ``kind`` (a Vietnamese sentence), or None.

    >>> fault(Decimal("-1"), "rate")
    'tỷ lệ phải từ 0 đến 100 (%), nhận được -1.'
    >>> fault(Decimal("1E+40"), "count")
    'số lượng phải từ 0 đến 1.000.000.000.000, nhận được 1E+40.'
    >>> fault(Decimal("50.1234567"), "rate")
    'quá 6 chữ số thập phân; làm tròn còn tối đa 6 chữ số.'
    >>> fault(Decimal("Infinity"), "score")
    'không phải số hữu hạn.'
    """
    if not value.is_finite():
        return "không phải số hữu hạn."
    bounds = BOUNDS.get(kind, BOUNDS["average"])
    if not bounds.low <= value <= bounds.high:
        unit = " (%)" if kind == "rate" else ""
        return (f"{bounds.name} phải từ {format_number(bounds.low)} đến {format_number(bounds.high)}{unit}, "
                f"nhận được {_show(value)}.")
    if bounds.whole and value != value.to_integral_value():
        return f"{bounds.name} phải là số nguyên, nhận được {_show(value)}."
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -DECIMALS and value != round(value, DECIMALS):
        return f"quá {DECIMALS} chữ số thập phân; làm tròn còn tối đa {DECIMALS} chữ số."
    return None


def weaker(value: Decimal, minimum: Decimal, direction: str) -> bool:
    """Whether ``value`` falls short of ``minimum`` for an indicator of ``direction`` ("up" or "down").

    >>> weaker(Decimal(65), Decimal(65), "up"), weaker(Decimal(7), Decimal(5), "down")
    (False, True)
    """
    return value < minimum if direction != "down" else value > minimum


def stricter(a: Decimal, b: Decimal, direction: str) -> Decimal:
    """The more demanding of two minimums.

    >>> stricter(Decimal(60), Decimal(65), "up"), stricter(Decimal(60), Decimal(65), "down")
    (Decimal('65'), Decimal('60'))
    """
    return b if weaker(a, b, direction) else a


def _show(value: Decimal) -> str:
    if abs(value) >= Decimal(10) ** 15:
        return str(value)
    return format_number(value)
