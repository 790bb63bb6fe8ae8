"""Validation rules between figures of one unit and period, and outlier scores. Pure Python.

A side of a rule is a sum of terms separated by spaces: ``XHS-05``, ``2 * DS``,
``CQS-03.TS + CQS-04.TS``, ``100``. Codes may hold hyphens and dots, so + - * stand alone.

>>> check("XHS-06", "<=", "XHS-05", {"XHS-06": Decimal(120), "XHS-05": Decimal(100)})
False
>>> check("XHS-06", "<=", "0.9 * DS", {"XHS-06": Decimal(80), "DS": Decimal(100)})
True
>>> check("XHS-06", "<=", "XHS-05", {"XHS-06": Decimal(1)}) is None  # a figure is missing: skipped
True
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from statistics import median

OPERATORS = {"<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt,
             "==": operator.eq, "!=": operator.ne}


class RuleSyntaxError(ValueError):
    pass


def terms(side: str) -> list[tuple[Decimal, str | None]]:
    """``"2 * DS - XHS-06 + 5"`` → [(2, "DS"), (-1, "XHS-06"), (5, None)].

    >>> terms("2 * DS - XHS-06 + 5")
    [(Decimal('2'), 'DS'), (Decimal('-1'), 'XHS-06'), (Decimal('5'), None)]
    """
    tokens = side.split()
    if not tokens:
        raise RuleSyntaxError("Vế của quy tắc đang trống.")
    found: list[tuple[Decimal, str | None]] = []
    sign = Decimal(1)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in ("+", "-"):
            sign = Decimal(1) if token == "+" else Decimal(-1)
            i += 1
            continue
        factor = Decimal(1)
        if i + 2 < len(tokens) and tokens[i + 1] == "*":
            factor, token = _number(tokens[i]), tokens[i + 2]
            i += 2
        number = _maybe_number(token)
        found.append((sign * factor * number, None) if number is not None else (sign * factor, token))
        sign = Decimal(1)
        i += 1
    return found


def codes_in(side: str) -> list[str]:
    return [code for _, code in terms(side) if code is not None]


def evaluate_side(side: str, values: Mapping[str, Decimal]) -> Decimal | None:
    total = Decimal(0)
    for factor, code in terms(side):
        if code is None:
            total += factor
        elif code not in values or values[code] is None:
            return None
        else:
            total += factor * values[code]
    return total


def check(left: str, op: str, right: str, values: Mapping[str, Decimal]) -> bool | None:
    """True when the rule holds, False when broken, None when a figure it needs is missing."""
    a, b = evaluate_side(left, values), evaluate_side(right, values)
    if a is None or b is None:
        return None
    return bool(OPERATORS[op](a, b))


def _maybe_number(token: str) -> Decimal | None:
    try:
        return Decimal(token)
    except InvalidOperation:
        return None


def _number(token: str) -> Decimal:
    number = _maybe_number(token)
    if number is None:
        raise RuleSyntaxError(f"'{token}' trước dấu * phải là một số.")
    return number


def modified_z_score(value: Decimal | float, history: Sequence[Decimal | float]) -> float | None:
    """Iglewicz–Hoaglin modified z-score of ``value`` against a unit's own history.

    0,6745·(x − median) / MAD; |z| > 3,5 is an outlier. None with fewer than 4 past values or MAD = 0.
    Here the median is 12 and the MAD 1, so z = 0,6745 · 88.

    >>> round(modified_z_score(100, [10, 11, 12, 13, 12]), 2)
    59.36
    """
    past = [float(v) for v in history]
    if len(past) < 4:
        return None
    centre = median(past)
    mad = median(abs(v - centre) for v in past)
    if mad == 0:
        return None
    return 0.6745 * (float(value) - centre) / mad


OUTLIER_THRESHOLD = 3.5
