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

from chiso.engine.numbers import format_number

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


# -- rules and outliers in words ------------------------------------------------------------------------

_MUST = {"<=": "không được lớn hơn", "<": "phải nhỏ hơn", ">=": "không được nhỏ hơn", ">": "phải lớn hơn",
         "==": "phải bằng", "!=": "không được bằng"}
_IS = {"<=": "lớn hơn", "<": "không nhỏ hơn", ">=": "nhỏ hơn", ">": "không lớn hơn", "==": "khác", "!=": "bằng"}
_MUST_EN = {"<=": "must not be greater than", "<": "must be less than", ">=": "must not be less than",
            ">": "must be greater than", "==": "must equal", "!=": "must not equal"}
_IS_EN = {"<=": "is greater than", "<": "is not less than", ">=": "is less than", ">": "is not greater than",
          "==": "differs from", "!=": "equals"}


def in_words(left: str, op: str, right: str, values: Mapping[str, Decimal], names: Mapping[str, str], *,
             error: bool, english: bool = False) -> str:
    """A broken rule as an officer reads it: the figures by name, with the numbers they have; with ``english``,
    in English (``names`` then the English names; numbers still written the Vietnamese way).

    >>> names = {"KTS-11.TS": "Số chợ thanh toán không dùng tiền mặt", "KTS-11.MS": "Tổng số chợ"}
    >>> in_words("KTS-11.TS", "<=", "KTS-11.MS", {"KTS-11.TS": Decimal(2909), "KTS-11.MS": Decimal(200)},
    ...          names, error=True)
    'Số chợ thanh toán không dùng tiền mặt (2.909) không được lớn hơn Tổng số chợ (200).'
    >>> warning = in_words("XHS-05", "<=", "0.9 * DS", {"XHS-05": Decimal(100), "DS": Decimal(90)},
    ...                    {"XHS-05": "Số hồ sơ định danh", "DS": "Dân số"}, error=False)
    >>> warning.split(" — ")[0]
    'Số hồ sơ định danh (100) lớn hơn 0,9 × Dân số (81): thường không như vậy'
    >>> warning.split(" — ")[1]
    'kiểm tra lại; nếu đúng, ghi giải trình khi gửi báo cáo.'
    >>> side_words("2 * DS - XHS-06 + 5", {"DS": "Dân số"})
    '2 × Dân số − XHS-06 + 5'
    >>> in_words("KTS-11.TS", "<=", "KTS-11.MS", {"KTS-11.TS": Decimal(2909), "KTS-11.MS": Decimal(200)},
    ...          {"KTS-11.TS": "Markets taking cashless payments", "KTS-11.MS": "Markets"}, error=True, english=True)
    'Markets taking cashless payments (2.909) must not be greater than Markets (200).'
    >>> in_words("XHS-05", "<=", "0.9 * DS", {"XHS-05": Decimal(100), "DS": Decimal(90)},
    ...          {"DS": "Population"}, error=False, english=True)  # doctest: +NORMALIZE_WHITESPACE
    'XHS-05 (100) is greater than 0,9 × Population (81): this is unusual — check it; if it is right, write an
     explanation when submitting the report.'
    """
    a, b = evaluate_side(left, values), evaluate_side(right, values)
    first = f"{side_words(left, names)} ({_number_words(a)})"
    second = f"{side_words(right, names)} ({_number_words(b)})"
    if english:
        if error:
            return f"{first} {_MUST_EN.get(op, op)} {second}."
        return (f"{first} {_IS_EN.get(op, op)} {second}: this is unusual — check it; if it is right, write an "
                "explanation when submitting the report.")
    if error:
        return f"{first} {_MUST.get(op, op)} {second}."
    return (f"{first} {_IS.get(op, op)} {second}: thường không như vậy — kiểm tra lại; nếu đúng, ghi giải trình "
            "khi gửi báo cáo.")


def side_words(side: str, names: Mapping[str, str], values: Mapping[str, Decimal] | None = None) -> str:
    """``"2 * DS - XHS-06"`` → ``"2 × Dân số − Số tài khoản …"`` (codes without a name stay codes); with
    ``values``, each figure's number after its name: ``"2 × Dân số (11.597)"``.

    >>> side_words("2 * DS - XHS-06", {"DS": "Dân số"}, {"DS": Decimal(11597)})
    '2 × Dân số (11.597) − XHS-06'
    >>> side_words("5 - 0.5 * DS", {"DS": "Dân số"})
    '5 − 0,5 × Dân số'
    """
    words = []
    for i, (factor, code) in enumerate(terms(side)):
        sign = "−" if factor < 0 else "+"
        size = abs(factor)
        if code is None:
            term = _number_words(size)
        else:
            name = names.get(code, code)
            if values is not None and code in values:
                name += f" ({_number_words(values[code])})"
            term = name if size == 1 else f"{_number_words(size)} × {name}"
        words.append(term if i == 0 and sign == "+" else f"{sign} {term}" if i else f"−{term}")
    return " ".join(words)


def _number_words(value: Decimal | None) -> str:
    return format_number(value) if value is not None else "–"


def outlier_words(value: Decimal | float, history: Sequence[Decimal | float], unit_kind: str = "đơn vị", *,
                  english: bool = False) -> str:
    """How far a figure is from what the unit usually reports, in words (the median of its past); with
    ``english``, in English (``unit_kind`` then the English word: "ward"; numbers written the Vietnamese way).

    >>> outlier_words(2909, [70, 72, 75, 71, 74], "phường")
    'gấp khoảng 40 lần mức thường thấy của phường (khoảng 72)'
    >>> outlier_words(3, [70, 72, 75, 71, 74], "phường")
    'chỉ bằng khoảng 1/24 mức thường thấy của phường (khoảng 72)'
    >>> outlier_words(110, [70, 72, 75, 71, 74], "xã")
    'cao hơn khoảng 53% so với mức thường thấy của xã (khoảng 72)'
    >>> outlier_words(0, [70, 72, 75, 71], "xã")
    'bằng 0, trong khi mức thường thấy của xã là khoảng 72'
    >>> outlier_words(40, [70, 72, 75, 71], "xã")
    'thấp hơn khoảng 44% so với mức thường thấy của xã (khoảng 72)'
    >>> outlier_words(2909, [70, 72, 75, 71, 74], "ward", english=True)
    "about 40 times the ward's usual level (about 72)"
    >>> outlier_words(3, [70, 72, 75, 71, 74], "ward", english=True)
    "only about 1/24 of the ward's usual level (about 72)"
    >>> outlier_words(110, [70, 72, 75, 71, 74], "commune", english=True)
    "about 53% above the commune's usual level (about 72)"
    >>> outlier_words(0, [70, 72, 75, 71], "commune", english=True)
    "0, while the commune's usual level is about 72"
    >>> outlier_words(40, [70, 72, 75, 71], "commune", english=True)
    "about 44% below the commune's usual level (about 72)"

    """
    usual = Decimal(str(median(float(v) for v in history))) if history else Decimal(0)
    figure = Decimal(str(value))
    shown = format_number(usual.quantize(Decimal(1)) if abs(usual) >= 10 else usual.normalize(), None)
    kind, number = _how_far(figure, usual)
    if english:
        where = f"the {unit_kind}'s usual level"
        return {
            "far": f"far from {where} (about {shown})",
            "zero": f"0, while {where} is about {shown}",
            "times": f"about {number} times {where} (about {shown})",
            "above": f"about {number}% above {where} (about {shown})",
            "below": f"about {number}% below {where} (about {shown})",
            "fraction": f"only about 1/{number} of {where} (about {shown})",
        }[kind]
    where = f"mức thường thấy của {unit_kind}"
    return {
        "far": f"khác xa {where} (khoảng {shown})",
        "zero": f"bằng 0, trong khi {where} là khoảng {shown}",
        "times": f"gấp khoảng {number} lần {where} (khoảng {shown})",
        "above": f"cao hơn khoảng {number}% so với {where} (khoảng {shown})",
        "below": f"thấp hơn khoảng {number}% so với {where} (khoảng {shown})",
        "fraction": f"chỉ bằng khoảng 1/{number} {where} (khoảng {shown})",
    }[kind]


def _how_far(figure: Decimal, usual: Decimal) -> tuple[str, str]:
    """How far ``figure`` is from the ``usual`` level (the kind of gap, and its number as written); both languages'
    words of ``outlier_words`` come from it."""
    if usual <= 0:
        return "far", ""
    if figure == 0:
        return "zero", ""
    ratio = figure / usual

    def whole(number: Decimal) -> str:
        return format_number(number.quantize(Decimal(1)))

    if ratio >= 2:
        return "times", whole(ratio)
    if ratio > 1:
        return "above", whole((ratio - 1) * 100)
    if ratio > Decimal("0.5"):
        return "below", whole((1 - ratio) * 100)
    return "fraction", whole(1 / ratio)
