"""Turning the figures the pure reader finds into proposals: units and data elements from the database."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from chiso.units.models import Unit

if TYPE_CHECKING:
    from chiso.extraction.reading import Proposal


def propose(text: str, *, on: date | None = None, main_unit: Unit | None = None) -> list[Proposal]:
    return []
