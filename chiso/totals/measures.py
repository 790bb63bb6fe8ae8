"""What the roll-ups are kept for, and whether they may be read.

A *measure* is what adds up over the hierarchy as one: a data element that adds up over units, or an indicator's
numerator and denominator together (both add up), so that a rate's total counts only the units that reported
both. Its key names the elements and how each adds up over time (``17f``; ``17f/18s``): an element whose way of
adding up over time changes gets a new key, which no rebuild has made yet, so it is read from the raw figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connections, router

from chiso.indicators.models import DataElement, Indicator, OverHierarchy, OverTime
from chiso.totals.models import TotalsState
from chiso.units.models import MapStamp, Unit


@dataclass(frozen=True)
class Measure:
    key: str
    elements: tuple[int, ...]
    over_time: tuple[str, ...]


def key_of(elements: Sequence[DataElement]) -> str:
    return "/".join(f"{e.id}{'s' if e.over_time == OverTime.STOCK else 'f'}" for e in elements)


def additive(elements: Sequence[DataElement]) -> bool:
    return all(e.over_hierarchy == OverHierarchy.SUM for e in elements)


def of_elements(elements: Sequence[DataElement]) -> Measure:
    return Measure(key_of(elements), tuple(e.id for e in elements), tuple(e.over_time for e in elements))


def catalogue() -> dict[str, Measure]:
    """Every additive measure of the catalogue: each element that adds up, each rate whose parts both do."""
    found: dict[str, Measure] = {}
    for element in DataElement.objects.filter(over_hierarchy=OverHierarchy.SUM).order_by("id"):
        measure = of_elements([element])
        found[measure.key] = measure
    for indicator in (Indicator.objects.filter(numerator__isnull=False, denominator__isnull=False)
                      .select_related("numerator", "denominator").order_by("id")):
        parts = [indicator.numerator, indicator.denominator]
        if additive(parts):  # type: ignore[arg-type]
            measure = of_elements(parts)  # type: ignore[arg-type]
            found[measure.key] = measure
    return found


def with_elements(measures: Iterable[Measure], element_ids: Iterable[int]) -> list[Measure]:
    wanted = set(element_ids)
    return [m for m in measures if wanted.intersection(m.elements)]


# The map's change count (``units.MapStamp``, kept by the database's own triggers), as text; 0 before any change
MARK_SQL = f"SELECT coalesce((SELECT max(changes) FROM {MapStamp._meta.db_table}), 0)"


def units_mark() -> str:
    """A trace of the map: units added, removed or moved change it (then the roll-ups wait for a rebuild)."""
    with connections[router.db_for_read(Unit)].cursor() as cursor:  # a replica's when the router says so
        cursor.execute(MARK_SQL)
        return str(cursor.fetchone()[0])


def built_keys() -> set[str]:
    """The keys of the measures whose roll-ups are complete and current; empty when they are not to be read
    (never built, or the map changed since): readers then add up the raw figures, as before the roll-ups."""
    return current()[0]


def current() -> tuple[set[str], str]:
    """``built_keys`` and the map's trace they were checked against, in one query (every analytics read asks)."""
    sql = f"SELECT s.built, s.units, s.measures, ({MARK_SQL}) FROM {TotalsState._meta.db_table} s"
    with connections[router.db_for_read(TotalsState)].cursor() as cursor:  # a replica's when the router says so
        cursor.execute(sql)
        found = cursor.fetchone()
    if found is None:
        return set(), ""
    built, mark, keys, now = found
    now = str(now)
    return (set(keys.split()) if built and mark == now else set()), now
