"""Formatting and strict parsing of numbers the Vietnamese way.

Rules:

* Vietnamese (``lang="vi"``) groups thousands with ``.`` and separates decimals
  with ``,``: ``1.234.567,89``.  English (``lang="en"``) uses ``,`` and ``.``:
  ``1,234,567.89``.
* Rounding is half-up (``ROUND_HALF_UP``), never banker's rounding.
* ``decimals=None`` shows integers without decimals and other numbers with as
  many decimals as needed (trailing zeros stripped), at most 6.
* A missing value (``None``) is shown as an en dash ``–``.
* Floats are read through their shortest ``repr`` so ``0.834`` stays ``0.834``.

>>> format_number(166039), format_number(166039, lang="en")
('166.039', '166,039')
>>> format_number(0.834, decimals=4), format_percent(91.5)
('0,8340', '91,5%')
>>> parse_vn_number("1.234.567,89")
Decimal('1234567.89')
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

__all__ = ["MISSING", "NumberFormatError", "format_number", "format_percent", "parse_number", "parse_vn_number"]

MISSING = "–"
"""What a missing value (``None``) is shown as: an en dash."""

MAX_AUTO_DECIMALS = 6
_SEPARATORS = {"vi": (".", ","), "en": (",", ".")}  # (thousands, decimal)
_PRECISION = 100  # digits of working precision, enough for any realistic indicator
_STRICT_VI = re.compile(r"-?(?:[1-9]\d{0,2}(?:\.\d{3})+|\d+)(?:,\d+)?")

Number = Decimal | int | float


class NumberFormatError(ValueError):
    """Text that is not a number in strict Vietnamese format; the message is in Vietnamese (``reason_en``: why,
    in English, when known)."""

    def __init__(self, text: str, reason: str, reason_en: str = "") -> None:
        self.text = text
        self.reason = reason
        self.reason_en = reason_en
        super().__init__(f"Số không hợp lệ: {text!r} ({reason}). Ví dụ đúng: 166.039 hoặc 1.234,5")


def _to_decimal(value: Number) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, float)):
        raise TypeError(f"expected Decimal, int or float, got {type(value).__name__}")
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError(f"cannot format non-finite number {value!r}")
    return number


def _group(digits: str, separator: str) -> str:
    """Insert ``separator`` every three digits from the right."""
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return separator.join(groups)


def format_number(value: Number | None, decimals: int | None = None, lang: str = "vi") -> str:
    """Format ``value`` for display in ``lang`` ("vi" or "en").

    >>> format_number(1234.5), format_number(-1234), format_number(None)
    ('1.234,5', '-1.234', '–')
    >>> format_number(Decimal("91.5"), decimals=1, lang="en")
    '91.5'
    >>> format_number(2.5, decimals=0), format_number(Decimal("0.1234565"))
    ('3', '0,123457')
    """
    if value is None:
        return MISSING
    if lang not in _SEPARATORS:
        raise ValueError(f"unsupported lang {lang!r}; use 'vi' or 'en'")
    if decimals is not None and decimals < 0:
        raise ValueError(f"decimals must be >= 0, got {decimals}")
    thousands, decimal_mark = _SEPARATORS[lang]
    if decimals is None and (type(value) is int or (type(value) is Decimal and value.is_finite()
                                                     and value == value.to_integral_value())):
        # a whole number, the common case (an import words a warning for each of thousands): Python groups it
        return f"{int(value):,}".replace(",", thousands)
    number = _to_decimal(value)
    with localcontext() as context:
        wanted = MAX_AUTO_DECIMALS if decimals is None else decimals
        context.prec = max(_PRECISION, max(number.adjusted(), 0) + wanted + 2)
        if decimals is None:
            if number == number.to_integral_value():
                rounded = number.to_integral_value()
            else:
                rounded = number.quantize(Decimal(1).scaleb(-MAX_AUTO_DECIMALS), ROUND_HALF_UP)
                rounded = rounded.normalize() if rounded != 0 else Decimal(0)
        else:
            rounded = number.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # never show "-0"
    text = format(abs(rounded), "f")
    integer, _, fraction = text.partition(".")
    sign = "-" if rounded < 0 else ""
    result = sign + _group(integer, thousands)
    return result + decimal_mark + fraction if fraction else result


def format_percent(value: Number | None, decimals: int = 1, lang: str = "vi") -> str:
    """Format a value that is already a percentage (91.5 means 91.5 %).

    Trailing zeros follow ``decimals``; ``None`` gives the en dash.

    >>> format_percent(91.5), format_percent(91.5, lang="en"), format_percent(91, 1), format_percent(91, 0)
    ('91,5%', '91.5%', '91,0%', '91%')
    """
    if value is None:
        return MISSING
    return format_number(value, decimals, lang) + "%"


def parse_vn_number(text: str) -> Decimal:
    """Read a number written strictly in Vietnamese format.

    ``.`` may only group thousands (exactly three digits after each dot) and
    ``,`` is the only decimal mark, used at most once.  The decimals written
    are kept: ``"91,50"`` gives ``Decimal('91.50')``.

    >>> parse_vn_number("166.039"), parse_vn_number("91,5"), parse_vn_number(" -12 ")
    (Decimal('166039'), Decimal('91.5'), Decimal('-12'))
    >>> parse_vn_number("1.23")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    chiso.engine.numbers.NumberFormatError: Số không hợp lệ: '1.23' (dấu chấm '.' chỉ dùng để ngăn ...
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_vn_number expects str, got {type(text).__name__}")
    clean = text.strip()
    if _STRICT_VI.fullmatch(clean):
        integer, _, fraction = clean.replace(".", "").partition(",")
        number = Decimal(f"{integer}.{fraction}" if fraction else integer)
        return abs(number) if number == 0 else number
    raise NumberFormatError(clean, *_explain(clean))


def parse_number(text: str) -> Decimal:
    """A number written the Vietnamese way (``166.039``, ``91,5``) or, when it cannot be one, with a decimal
    point (``16.5``): for hand-written method files, where both appear. ``1.234`` is Vietnamese (1234).

    >>> parse_number("166.039"), parse_number("91,5"), parse_number("16.5"), parse_number("1e3")
    (Decimal('166039'), Decimal('91.5'), Decimal('16.5'), Decimal('1E+3'))
    >>> parse_number("nan")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    chiso.engine.numbers.NumberFormatError: Số không hợp lệ: 'nan' (chỉ được dùng chữ số...
    """
    try:
        return parse_vn_number(text)
    except NumberFormatError:
        try:
            number = Decimal(text.strip())
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite():
            raise
        return number


def _explain(text: str) -> tuple[str, str]:
    """Why ``text`` is not a strict Vietnamese number (in Vietnamese, in English).

    >>> _explain("1.23")[1]  # doctest: +NORMALIZE_WHITESPACE
    "a dot '.' only separates thousands and must come before exactly 3 digits;
     decimals take a comma, for example 1,23"
    """
    if not text:
        return "ô trống, không có số", "the cell is empty, there is no number"
    body = text[1:] if text.startswith("-") else text
    if not body or re.search(r"[^\d.,]", body):
        return ("chỉ được dùng chữ số, dấu chấm '.' ngăn cách hàng nghìn và dấu phẩy ',' thập phân",
                "use only digits, dots '.' between thousands and a comma ',' before the decimals")
    if body.count(",") > 1:
        return "có nhiều hơn một dấu phẩy ',' thập phân", "more than one decimal comma ','"
    integer, _, fraction = body.partition(",")
    if not integer or (body.count(",") and not fraction):
        return ("dấu phẩy ',' phải có chữ số ở cả hai bên, ví dụ 0,5",
                "a comma ',' needs digits on both sides, for example 0,5")
    if "." in fraction:
        return ("dấu chấm '.' không được đứng sau dấu phẩy ',' thập phân",
                "a dot '.' cannot come after the decimal comma ','")
    groups = integer.split(".")
    if any(len(group) != 3 for group in groups[1:]):
        suggestion = integer.replace(".", ",") if integer.count(".") == 1 and not fraction else ""
        example = f", ví dụ {suggestion}" if suggestion else ""
        example_en = f", for example {suggestion}" if suggestion else ""
        return (
            "dấu chấm '.' chỉ dùng để ngăn cách hàng nghìn và phải đứng trước đúng 3 chữ số; "
            f"số thập phân dùng dấu phẩy{example}",
            "a dot '.' only separates thousands and must come before exactly 3 digits; "
            f"decimals take a comma{example_en}",
        )
    return ("nhóm đầu tiên trước dấu chấm '.' phải có 1 đến 3 chữ số và không bắt đầu bằng 0",
            "the first group before a dot '.' must have 1 to 3 digits and not start with 0")
