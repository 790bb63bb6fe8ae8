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

``fault_en`` and ``warning_en`` say the same in English (for English pages; numbers still written the
Vietnamese way, as the entry pages write them):

>>> fault_en(Decimal("-3.5"), "integer"), warning_en(Decimal("120"), "percent")
('a count cannot be negative.', 'a rate of 120% is over 100%: check the numerator and the denominator.')
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from chiso.engine.numbers import format_number

__all__ = ["DECIMALS", "RANGES", "Range", "fault", "fault_en", "ordinary", "warning", "warning_en"]

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
_TYPE_NAMES_EN = {"integer": "whole number", "number": "decimal number", "percent": "percentage", "score": "score"}


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
    found = _fault(value, value_type)
    if found is None:
        return None
    kind, limit = found
    name = _TYPE_NAMES.get(value_type, value_type)
    return {
        "not_finite": "không phải số hữu hạn.",
        "too_large": f"số quá lớn: tối đa {limit} cho kiểu {name}.",
        "too_small": f"số quá nhỏ: tối thiểu {limit} cho kiểu {name}.",
        "negative_count": "số đếm không được âm.",
        "negative": f"{name} không được âm.",
        "fraction": "số đếm phải là số nguyên, không có phần thập phân.",
        "decimals": f"quá {DECIMALS} chữ số thập phân; làm tròn còn tối đa {DECIMALS} chữ số.",
    }[kind]


def fault_en(value: Decimal, value_type: str) -> str | None:
    """What ``fault`` says, in English (numbers written the Vietnamese way), or None.

    >>> fault_en(Decimal("12.5"), "integer")
    'a count must be a whole number, without decimals.'
    >>> fault_en(Decimal("1.0000001"), "number")
    'more than 6 decimals: round it to 6 decimals at most.'
    >>> fault_en(Decimal("-0.5"), "percent"), fault_en(Decimal("1001"), "percent")
    ('a percentage cannot be negative.', 'too large: at most 1.000 for a percentage.')
    >>> fault_en(Decimal("1E+30"), "integer"), fault_en(Decimal("-1E+40"), "number")
    ('too large: at most 1.000.000.000.000 (10^12) for a whole number.', \
'too small: at least -1.000.000.000.000 for a decimal number.')
    >>> fault_en(Decimal("NaN"), "number"), fault_en(Decimal("-7"), "number")
    ('not a finite number.', None)
    """
    found = _fault(value, value_type)
    if found is None:
        return None
    kind, limit = found
    name = _TYPE_NAMES_EN.get(value_type, value_type)
    return {
        "not_finite": "not a finite number.",
        "too_large": f"too large: at most {limit} for a {name}.",
        "too_small": f"too small: at least {limit} for a {name}.",
        "negative_count": "a count cannot be negative.",
        "negative": f"a {name} cannot be negative.",
        "fraction": "a count must be a whole number, without decimals.",
        "decimals": f"more than {DECIMALS} decimals: round it to {DECIMALS} decimals at most.",
    }[kind]


def _fault(value: Decimal, value_type: str) -> tuple[str, str] | None:
    """What is wrong with ``value`` for ``value_type`` (the kind of fault, and the limit it breaks as written),
    or None; ``fault`` and ``fault_en`` put it in words."""
    if not value.is_finite():
        return "not_finite", ""
    bounds = range_of(value_type)
    if value.adjusted() > 30:  # compared without arithmetic: 1e999999999 must not overflow the context
        return ("too_large", _show(bounds.maximum)) if value > 0 else ("too_small", _show(bounds.minimum))
    if value < bounds.minimum:
        if bounds.minimum == 0:
            return ("negative_count" if bounds.whole else "negative"), ""
        return "too_small", _show(bounds.minimum)
    if value > bounds.maximum:
        return "too_large", _show(bounds.maximum)
    if bounds.whole and value != value.to_integral_value():
        return "fraction", ""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -DECIMALS and value != value.quantize(Decimal(1).scaleb(-DECIMALS)):
        return "decimals", ""
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
    found = _doubt(value, value_type)
    if found is None:
        return None
    kind, shown, limit = found
    return {
        "over_100": f"tỷ lệ {shown}% vượt quá 100%: kiểm tra lại tử số và mẫu số.",
        "large": f"số {shown} lớn bất thường (trên {limit}): kiểm tra lại đơn vị tính.",
        "small": f"số {shown} nhỏ bất thường (dưới {limit}): kiểm tra lại.",
    }[kind]


def warning_en(value: Decimal, value_type: str) -> str | None:
    """What ``warning`` says, in English (numbers written the Vietnamese way), or None.

    >>> warning_en(Decimal("2000000000"), "integer")
    '2.000.000.000 is unusually large (over 1.000.000.000): check the unit of measure.'
    >>> warning_en(Decimal("-5"), "score"), warning_en(Decimal("50"), "percent")
    ('-5 is unusually small (under 0): check it.', None)
    """
    found = _doubt(value, value_type)
    if found is None:
        return None
    kind, shown, limit = found
    return {
        "over_100": f"a rate of {shown}% is over 100%: check the numerator and the denominator.",
        "large": f"{shown} is unusually large (over {limit}): check the unit of measure.",
        "small": f"{shown} is unusually small (under {limit}): check it.",
    }[kind]


def _doubt(value: Decimal, value_type: str) -> tuple[str, str, str] | None:
    """Why ``value`` is doubtful for ``value_type`` (the kind of doubt, the value and the limit as written), or
    None; ``warning`` and ``warning_en`` put it in words."""
    if _fault(value, value_type) is not None:
        return None
    bounds = range_of(value_type)
    if value_type == "percent" and value > bounds.plausible_high:
        return "over_100", _show(value), ""
    if value > bounds.plausible_high:
        return "large", _show(value), _show(bounds.plausible_high)
    if value < bounds.plausible_low:
        return "small", _show(value), _show(bounds.plausible_low)
    return None


def _show(value: Decimal) -> str:
    text = format_number(value)
    return f"{text} (10^12)" if value == _T else text
