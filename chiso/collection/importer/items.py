"""What a file proposes: one ``Item`` per figure read, and the ``Change`` a preview lists."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from chiso.engine.numbers import format_number
from chiso.engine.periods import Period
from chiso.indicators.models import DataElement
from chiso.units.models import Unit
from chiso.values.models import QUALIFIER_WORDS

Key = tuple[int, int, str]  # (data element id, unit id, period text): what the database keys a figure by


class Change(NamedTuple):
    unit: Unit
    element: DataElement
    period: Period
    old: Decimal | None
    new: Decimal | None


@dataclass(slots=True)
class Item:
    """One proposed figure and where it was read (sheet index, row, column index)."""

    unit: Unit
    element: DataElement
    period: Period
    value: Decimal | None
    qualifier: str
    source: str | None  # None: not given, the stored text stays
    comment: str | None
    sheet: int
    row: int
    column: int
    key: Key


def figure_text(value: Decimal | None, qualifier: str) -> str:
    """``gần 25``, ``166.039``: a figure as the preview shows it."""
    word = QUALIFIER_WORDS.get(qualifier, "")  # type: ignore[call-overload]
    number = format_number(value)
    return f"{word} {number}" if word else number
