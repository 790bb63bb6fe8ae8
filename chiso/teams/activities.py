"""The kinds of activity a team logs, as data: ``reference_data/activity_types.csv``.

Each row maps one kind of work (residents guided, VNeID level-2 activations helped, …) to the data element its
monthly sum is written to (``XHS-14``, ``XHS-TCN-VNEID``, …). A log names its counts by those element codes, so
adding a kind of activity is a row here and, if the catalogue lacks it, a row in ``data_elements.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from chiso.csvfiles import LoadError, read_rows

FILE = Path(__file__).resolve().parent.parent / "reference_data" / "activity_types.csv"


@dataclass(frozen=True)
class ActivityType:
    code: str
    name_vi: str
    name_en: str
    data_element: str
    order: int
    help_vi: str


@cache
def activity_types() -> tuple[ActivityType, ...]:
    """The activity types in their order on the phone form."""
    found: list[ActivityType] = []
    for row in read_rows(FILE, ["code", "name_vi", "name_en", "data_element", "order", "help_vi"]):
        order = row.number("order")
        found.append(ActivityType(row.required("code"), row.required("name_vi"), row.required("name_en"),
                                  row.required("data_element"), int(order or 0), row.get("help_vi")))
        if row.problems:
            raise LoadError(row.problems)
    return tuple(sorted(found, key=lambda t: t.order))


def by_element() -> dict[str, ActivityType]:
    return {t.data_element: t for t in activity_types()}


def element_codes() -> list[str]:
    return [t.data_element for t in activity_types()]
