"""What an officer types in a cell, read and written back the Vietnamese way. Pure Python.

A cell holds a number written the Vietnamese way, optionally after a qualifier word, as reports
write them: ``166.039``, ``91,5``, ``gần 25`` (nearly), ``hơn 3.500`` (more than), ``không quá 10``
(at most). An empty cell means "no figure".

>>> parse_cell("hơn 3.500")
Cell(value=Decimal('3500'), qualifier='at_least')
>>> parse_cell("  gần 25 "), parse_cell("")
(Cell(value=Decimal('25'), qualifier='approximate'), Cell(value=None, qualifier='exact'))
>>> show_cell(Decimal("3500.000000"), "at_least"), show_cell(Decimal("91.500000"), "exact")
('hơn 3.500', '91,5')
>>> parse_cell("12,5", "integer")
Cell(value=Decimal('12.5'), qualifier='exact')

Reading is all this does: whether 12,5 may be a count is a rule of the figure, decided by
``values.actions.check_values`` for every channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from chiso.engine.numbers import NumberFormatError, format_number, parse_vn_number

# Words written before a number, longest first so "không quá" wins over a shorter match.
QUALIFIER_PREFIXES: tuple[tuple[str, str], ...] = (
    ("không quá", "at_most"),
    ("tối đa", "at_most"),
    ("ít nhất", "at_least"),
    ("khoảng", "approximate"),
    ("gần", "approximate"),
    ("hơn", "at_least"),
    ("trên", "at_least"),
    ("~", "approximate"),
    ("≈", "approximate"),
    (">", "at_least"),
    ("≤", "at_most"),
    ("<=", "at_most"),
)
WORDS = {"exact": "", "approximate": "gần", "at_least": "hơn", "at_most": "không quá"}


class CellError(ValueError):
    """Text that is not a figure; the message says why and how to write it, in Vietnamese (``message``) and in
    English (``message_en``)."""

    def __init__(self, message: str, message_en: str) -> None:
        super().__init__(message)
        self.message, self.message_en = message, message_en


@dataclass(frozen=True)
class Cell:
    value: Decimal | None
    qualifier: str = "exact"


def parse_cell(text: str, value_type: str = "number") -> Cell:
    """Read a cell. A cell of a percent (``value_type`` "percent") may end with ``%``.

    >>> parse_cell("91,5%", "percent"), parse_cell("1.234", "integer")
    (Cell(value=Decimal('91.5'), qualifier='exact'), Cell(value=Decimal('1234'), qualifier='exact'))
    """
    clean = " ".join(text.split())
    if not clean:
        return Cell(None)
    qualifier = "exact"
    lowered = clean.lower()
    for word, meaning in QUALIFIER_PREFIXES:
        if lowered.startswith(word):
            qualifier, clean = meaning, clean[len(word):].strip()
            break
    if value_type == "percent" and clean.endswith("%"):
        clean = clean[:-1].strip()
    if not clean:
        raise CellError(f"Sau chữ '{text.strip()}' cần một con số, ví dụ 'gần 25' hoặc 'hơn 3.500'.",
                        f"After '{text.strip()}' a number is needed, for example 'gần 25' or 'hơn 3.500'.")
    try:
        value = parse_vn_number(clean)
    except NumberFormatError as error:
        raise CellError(f"'{clean}' không phải số viết kiểu Việt Nam ({error.reason}). "
                        "Ví dụ đúng: 166.039 hoặc 91,5; có thể thêm chữ: gần 25, hơn 3.500.",
                        f"'{clean}' is not a number written the Vietnamese way ({error.reason_en or error.reason}). "
                        "Written right: 166.039 or 91,5; a word may come first: gần 25, hơn 3.500.") from None
    return Cell(value, qualifier)


def show_cell(value: Decimal | None, qualifier: str = "exact") -> str:
    """The text a cell shows for a stored figure: the inverse of :func:`parse_cell`."""
    if value is None:
        return ""
    word = WORDS.get(qualifier, "")
    number = format_number(value)
    return f"{word} {number}" if word else number
