"""Reading one value cell: a qualifier written before the number, the number in Vietnamese or English style.

A cell reads as ``[qualifier] [-] number [%]``: ``gần 25``, ``hơn 3.500``, ``~25``, ``>3500``, ``91,5%``.
Whether ``.`` and ``,`` group thousands or mark decimals is decided for the whole file (see
``NumberStyle``): a cell such as ``1.234`` or ``1,234`` reads both ways and is a *doubt* until then.

>>> read_cell("hơn 3.500").qualifier, read_cell("hơn 3.500").doubt
('at_least', Doubt(text='hơn 3.500', vi=Decimal('3500'), en=Decimal('3.500')))
>>> read_cell("91,5%")
Reading(qualifier='exact', value=Decimal('91.5'), doubt=None, style='vi', percent=True)
>>> read_cell("1,234.5").value, read_cell("1.234.567").value, read_cell("12 345").value
(Decimal('1234.5'), Decimal('1234567'), Decimal('12345'))
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from chiso.engine.text import fold
from chiso.values.models import Qualifier

MAX_ABS = Decimal(10) ** 14  # DataValue.value is 20 digits with 6 decimals
MAX_DECIMALS = 6
EXACT = str(Qualifier.EXACT.value)

# Written qualifiers, compared folded (no diacritics, lower case); longest first.
QUALIFIER_WORDS: tuple[tuple[str, str], ...] = tuple(sorted(((word, str(q.value)) for word, q in (
    ("gan", Qualifier.APPROXIMATE), ("khoang", Qualifier.APPROXIMATE), ("xap xi", Qualifier.APPROXIMATE),
    ("uoc tinh", Qualifier.APPROXIMATE), ("~", Qualifier.APPROXIMATE), ("≈", Qualifier.APPROXIMATE),
    ("hon", Qualifier.AT_LEAST), ("tren", Qualifier.AT_LEAST), ("it nhat", Qualifier.AT_LEAST),
    ("toi thieu", Qualifier.AT_LEAST), (">=", Qualifier.AT_LEAST), ("≥", Qualifier.AT_LEAST),
    (">", Qualifier.AT_LEAST),
    ("duoi", Qualifier.AT_MOST), ("khong qua", Qualifier.AT_MOST), ("toi da", Qualifier.AT_MOST),
    ("chua den", Qualifier.AT_MOST), ("<=", Qualifier.AT_MOST), ("≤", Qualifier.AT_MOST),
    ("<", Qualifier.AT_MOST),
)), key=lambda pair: -len(pair[0])))

# What the qualifier column may hold: the stored words, the Vietnamese labels, the written words.
QUALIFIER_COLUMN: dict[str, str] = {"chinh xac": "exact", "": "exact", "=": "exact"} | {
    q.value: q.value for q in Qualifier} | {fold(q.label): q.value for q in Qualifier} | dict(QUALIFIER_WORDS)

_VI = re.compile(r"(?:[1-9]\d{0,2}(?:\.\d{3})+|\d+)(?:,\d+)?")
_EN = re.compile(r"(?:[1-9]\d{0,2}(?:,\d{3})+|\d+)(?:\.\d+)?")
_SPACED = re.compile(r"[1-9]\d{0,2}(?: \d{3})+(?:[.,]\d+)?")
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})


@dataclass(frozen=True)
class Doubt:
    """A number that reads two ways (``1.234``: 1234 the Vietnamese way, 1.234 the English way)."""

    text: str
    vi: Decimal
    en: Decimal


@dataclass(frozen=True)
class Reading:
    qualifier: str
    value: Decimal | None  # None with a doubt (decided later) or an error
    doubt: Doubt | None = None
    style: str | None = None  # "vi" or "en" when the cell itself shows the file's style, e.g. "12,5"
    percent: bool = False


class CellError(ValueError):
    def __init__(self, vi: str, en: str):
        self.vi, self.en = vi, en
        super().__init__(vi)


def read_cell(text: str) -> Reading:
    """Qualifier, number and style evidence of a value cell written as text; CellError when it is not one."""
    raw = text.strip()
    if raw.isdigit() and raw.isascii():  # the common case, a plain whole number
        return Reading(EXACT, Decimal(raw))
    if raw[:1] in "=@+" or (raw[:1] == "-" and len(raw) > 1 and not raw[1:2].isdigit()):
        raise CellError(f"ô '{_short(raw)}' là công thức hoặc văn bản, không phải số. "
                        "Ghi con số (ví dụ 166.039).",
                        f"'{_short(raw)}' is a formula or text, not a number. "
                        "Write the figure (e.g. 166039).")
    qualifier, rest = (EXACT, raw) if raw[:1].isdigit() or raw[:1] == "-" else _qualifier(raw)
    body = rest.translate(_SPACES).strip()
    percent = body.endswith("%")
    if percent:
        body = body[:-1].rstrip()
    negative = body.startswith("-")
    if negative:
        body = body[1:].lstrip()
    if _SPACED.fullmatch(body):
        body = body.replace(" ", "")
    vi = _decimal(_VI, body, ".", ",")
    en = _decimal(_EN, body, ",", ".")
    if vi is None and en is None:
        raise CellError(
            f"'{_short(raw)}' không phải là số. Viết số kiểu Việt Nam (166.039 hoặc 91,5), có thể kèm "
            "độ chính xác phía trước (gần 25, hơn 3.500).",
            f"'{_short(raw)}' is not a number. Write it the Vietnamese way (166.039 or 91,5), optionally "
            "with a qualifier before it (gần 25, hơn 3.500).")
    sign = -1 if negative else 1
    if vi is not None and en is not None and vi != en:
        return Reading(qualifier, None, Doubt(text.strip(), sign * vi, sign * en), percent=percent)
    value = vi if vi is not None else en
    assert value is not None
    style = None if (vi is not None and en is not None) else ("vi" if vi is not None else "en")
    return Reading(qualifier, sign * value, style=style, percent=percent)


def _qualifier(raw: str) -> tuple[str, str]:
    """The qualifier written before the number and the rest of the cell (folded: digits stay digits)."""
    folded = fold(raw)
    for word, qualifier in QUALIFIER_WORDS:
        if folded.startswith(word):
            rest = folded[len(word):]
            if word[0].isalpha() and rest[:1].isalpha():
                continue  # "hon" must not match the start of another word
            return qualifier, rest
    return EXACT, raw


def _decimal(pattern: re.Pattern[str], body: str, thousands: str, mark: str) -> Decimal | None:
    if not pattern.fullmatch(body):
        return None
    integer, _, fraction = body.replace(thousands, "").partition(mark)
    return Decimal(f"{integer}.{fraction}" if fraction else integer)


def from_number(value: int | float | Decimal) -> Decimal:
    """A spreadsheet's numeric cell as a Decimal (floats through their shortest repr, float noise past
    6 decimals rounded away); CellError for infinities and NaN."""
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise CellError(f"'{value}' không phải là số hữu hạn.", f"'{value}' is not a finite number.")
    if isinstance(value, float) and abs(number) < MAX_ABS and number.as_tuple().exponent < -MAX_DECIMALS:  # type: ignore[operator]
        number = number.quantize(Decimal("1e-6")).normalize()
    return number


def qualifier_from_column(text: str) -> str | None:
    return QUALIFIER_COLUMN.get(fold(text))


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class NumberStyle:
    """The file's way of writing numbers, decided from the cells that show it (``12,5``, ``1.234.567``,
    ``1,234.5``): Vietnamese when only Vietnamese cells are seen (and when none are), English when only
    English ones, mixed when both — then every doubtful cell is reported."""

    def __init__(self) -> None:
        self.vi = 0
        self.en = 0

    def see(self, style: str | None) -> None:
        if style == "vi":
            self.vi += 1
        elif style == "en":
            self.en += 1

    @property
    def name(self) -> str:
        if self.vi and self.en:
            return "mixed"
        return "en" if self.en else "vi"

    def settle(self, doubt: Doubt) -> Decimal | None:
        """The value of a doubtful cell under the file's style, or None when it stays doubtful:
        under the Vietnamese style ``1.234`` is 1234 but ``1,234`` is reported; the reverse in English."""
        separator = "." if "." in doubt.text else ","
        if self.name == "vi" and separator == ".":
            return doubt.vi
        if self.name == "en" and separator == ",":
            return doubt.en
        return None

    def explain(self, doubt: Doubt) -> tuple[str, str]:
        """Why a doubtful cell was not read, and how to write it (Vietnamese, English)."""
        style_vi = {"vi": "kiểu Việt Nam (1.234,5)", "en": "kiểu tiếng Anh (1,234.5)",
                    "mixed": "lẫn cả kiểu Việt Nam (1.234,5) và kiểu tiếng Anh (1,234.5)"}[self.name]
        style_en = {"vi": "the Vietnamese way (1.234,5)", "en": "the English way (1,234.5)",
                    "mixed": "both the Vietnamese way (1.234,5) and the English way (1,234.5)"}[self.name]
        whole, decimal = (doubt.vi, doubt.en) if "." in doubt.text else (doubt.en, doubt.vi)
        decimal_en = f"{decimal:f}"
        decimal_vi = decimal_en.replace(".", ",")
        written = (decimal_en if self.name == "en" else decimal_vi) + "0"
        return (
            f"'{doubt.text}' không rõ nghĩa: số nguyên {whole:f} hay số thập phân {decimal_vi}? "
            f"Tệp này viết số {style_vi}. "
            f"Viết lại ô: {whole:f} nếu là số nguyên, {written} nếu là số thập phân.",
            f"'{doubt.text}' is ambiguous: the whole number {whole:f} or the decimal {decimal_en}? "
            f"This file writes numbers {style_en}. Rewrite the cell: {whole:f} for the whole number, "
            f"{written} for the decimal.",
        )
