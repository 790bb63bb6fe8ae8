"""What a figure may be, by its value type: the range the database and the indicator allow.

Pure Python. ``values.actions`` asks these for every figure written by any channel (grid, file, API,
CLI, demo), so the rule lives in one place. A figure *outside* its type's hard range is refused; one
inside the range but past the plausible band is accepted with a warning for the writer to check.

The database keeps 20 digits with 6 decimals (``DataValue.value``), i.e. less than 10^14; every range
below stays well inside it so that sums of many figures still fit.

>>> fault(Decimal("-3.5"), "integer")
'số đếm không được âm.'
>>> fault(Decimal("1E+30"), "integer")
'số quá lớn: tối đa 1.000.000.000.000 (10^12) cho kiểu số nguyên.'
>>> fault(Decimal("Infinity"), "number")
'không phải số hữu hạn.'
>>> fault(Decimal("91.5"), "percent") is None, warning(Decimal("120"), "percent")
(True, 'tỷ lệ 120% vượt quá 100%: kiểm tra lại tử số và mẫu số.')
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from chiso.engine.numbers import format_number

__all__ = ["DECIMALS", "RANGES", "Range", "fault", "ordinary", "warning"]

DECIMALS = 6
"""Decimals a stored figure keeps."""


@dataclass(frozen=True)
class Range:
    minimum: Decimal  # refused below
    maximum: Decimal  # refused above
    plausible_low: Decimal  # a warning below
    plausible_high: Decimal  # a warning above
    whole: bool = False  # a count: no decimals


_T = Decimal(10) ** 12
RANGES: dict[str, Range] = {
    "integer": Range(Decimal(0), _T, Decimal(0), Decimal(10) ** 9, whole=True),
    "number": Range(-_T, _T, Decimal(-(10 ** 9)), Decimal(10) ** 9),
    "percent": Range(Decimal(0), Decimal(1000), Decimal(0), Decimal(100)),
    "score": Range(Decimal(-(10 ** 6)), Decimal(10) ** 6, Decimal(0), Decimal(1000)),
}
_TYPE_NAMES = {"integer": "số nguyên", "number": "số thập phân", "percent": "tỷ lệ phần trăm", "score": "điểm"}


def range_of(value_type: str) -> Range:
    return RANGES.get(value_type, RANGES["number"])


def fault(value: Decimal, value_type: str) -> str | None:
    """Why ``value`` cannot be a figure of ``value_type`` (a Vietnamese sentence), or None.

    >>> fault(Decimal("12.5"), "integer")
    'số đếm phải là số nguyên, không có phần thập phân.'
    >>> fault(Decimal("1.0000001"), "number")
    'quá 6 chữ số thập phân; làm tròn còn tối đa 6 chữ số.'
    >>> fault(Decimal("-0.5"), "percent"), fault(Decimal("1001"), "percent")
    ('tỷ lệ phần trăm không được âm.', 'số quá lớn: tối đa 1.000 cho kiểu tỷ lệ phần trăm.')
    >>> fault(Decimal("-7"), "number") is None
    True
    """
    if not value.is_finite():
        return "không phải số hữu hạn."
    bounds = range_of(value_type)
    name = _TYPE_NAMES.get(value_type, value_type)
    if value.adjusted() > 30:  # compared without arithmetic: 1e999999999 must not overflow the context
        return f"số quá {'lớn' if value > 0 else 'nhỏ'}: tối {'đa' if value > 0 else 'thiểu'} " \
               f"{_show(bounds.maximum if value > 0 else bounds.minimum)} cho kiểu {name}."
    if value < bounds.minimum:
        if bounds.minimum == 0:
            return "số đếm không được âm." if bounds.whole else f"{name} không được âm."
        return f"số quá nhỏ: tối thiểu {_show(bounds.minimum)} cho kiểu {name}."
    if value > bounds.maximum:
        return f"số quá lớn: tối đa {_show(bounds.maximum)} cho kiểu {name}."
    if bounds.whole and value != value.to_integral_value():
        return "số đếm phải là số nguyên, không có phần thập phân."
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -DECIMALS and value != value.quantize(Decimal(1).scaleb(-DECIMALS)):
        return f"quá {DECIMALS} chữ số thập phân; làm tròn còn tối đa {DECIMALS} chữ số."
    return None


_QUANTUM = Decimal(1).scaleb(-DECIMALS)
_ORDINARY = {name: (max(r.minimum, r.plausible_low), min(r.maximum, r.plausible_high), r.whole)
             for name, r in RANGES.items()}  # per type: what neither ``fault`` nor ``warning`` says a word about


def ordinary(value: Decimal, value_type: str) -> bool:
    """Whether ``value`` is neither refused (``fault``) nor doubtful (``warning``) for ``value_type``: the common
    case, told with a few comparisons (an import asks it a million times; ``fault`` and ``warning`` word the rest).

    >>> ordinary(Decimal("1234"), "integer"), ordinary(Decimal("12.5"), "integer"), ordinary(Decimal("2E+9"), "integer")
    (True, False, False)
    >>> ordinary(Decimal("91.5"), "percent"), ordinary(Decimal("120"), "percent"), ordinary(Decimal("NaN"), "number")
    (True, False, False)
    >>> ordinary(Decimal("1.0000001"), "number"), ordinary(Decimal("1.2500000"), "number")
    (False, True)
    """
    low, high, whole = _ORDINARY.get(value_type) or _ORDINARY["number"]
    if not value.is_finite() or not low <= value <= high:
        return False
    if whole:
        return value == value.to_integral_value()  # a whole number has no decimals past the sixth either
    exponent = value.as_tuple().exponent
    return not (isinstance(exponent, int) and exponent < -DECIMALS and value != value.quantize(_QUANTUM))


def warning(value: Decimal, value_type: str) -> str | None:
    """A sentence when ``value`` is allowed but implausible (the writer should look again), or None.

    >>> warning(Decimal("2000000000"), "integer")
    'số 2.000.000.000 lớn bất thường (trên 1.000.000.000): kiểm tra lại đơn vị tính.'
    >>> warning(Decimal("50"), "percent") is None
    True
    """
    if fault(value, value_type) is not None:
        return None
    bounds = range_of(value_type)
    if value_type == "percent" and value > bounds.plausible_high:
        return f"tỷ lệ {_show(value)}% vượt quá 100%: kiểm tra lại tử số và mẫu số."
    if value > bounds.plausible_high:
        return (f"số {_show(value)} lớn bất thường (trên {_show(bounds.plausible_high)}): "
                "kiểm tra lại đơn vị tính.")
    if value < bounds.plausible_low:
        return f"số {_show(value)} nhỏ bất thường (dưới {_show(bounds.plausible_low)}): kiểm tra lại."
    return None


def _show(value: Decimal) -> str:
    text = format_number(value)
    return f"{text} (10^12)" if value == _T else text
