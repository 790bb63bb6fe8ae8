"""Reads of reported figures: the latest value of each data element of a unit, by pillar."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, Subquery

from chiso.collection.queries import published
from chiso.indicators.models import Indicator, Pillar
from chiso.units.models import Unit
from chiso.values.models import DataValue


@dataclass(frozen=True)
class LatestValue:
    """The figure of the latest period (by end date) of one data element on one unit."""

    data_value: DataValue  # with data_element loaded
    pillar: Pillar | None  # pillar of the first indicator using the element; None: used by none
    real_value: DataValue | None = None  # when data_value is illustrative: the latest real figure, if any


@dataclass
class PillarGroup:
    pillar: Pillar | None  # None: "Khác", elements used by no indicator
    values: list[LatestValue] = field(default_factory=list)


def _latest_end(real_only: bool, published_only: bool) -> Subquery:
    same_cell = DataValue.objects.filter(
        unit=OuterRef("unit"), data_element=OuterRef("data_element"), is_deleted=False
    )
    if real_only:
        same_cell = same_cell.filter(is_illustrative=False)
    if published_only:
        same_cell = published(same_cell)
    return Subquery(same_cell.order_by("-period_end").values("period_end")[:1])


def latest_values(unit: Unit, *, published_only: bool = False) -> list[LatestValue]:
    """For each data element with a non-deleted value on ``unit``, the value of its latest period.

    When that value is illustrative, the latest real figure of the element comes along, so a real
    figure is never hidden behind made-up ones. Two queries whatever the number of elements.
    Among periods ending on the same day a real figure wins, then the longest period (the year
    2024 over its December). Ordered by pillar, then element code. ``published_only``: figures of
    approved reports only (public pages).
    """
    cells = DataValue.objects.filter(unit=unit, is_deleted=False)
    if published_only:
        cells = published(cells)
    rows = (
        cells.filter(Q(period_end=_latest_end(False, published_only))
                     | Q(is_illustrative=False, period_end=_latest_end(True, published_only)))
        .select_related("data_element")
        .order_by("data_element__code", "-period_end", "is_illustrative", "period_start")
    )
    latest: dict[int, DataValue] = {}
    real: dict[int, DataValue] = {}
    for row in rows:
        latest.setdefault(row.data_element_id, row)
        if not row.is_illustrative:
            real.setdefault(row.data_element_id, row)
    pillars = pillars_of_elements(set(latest))
    result = [
        LatestValue(v, pillars.get(element_id), real.get(element_id) if v.is_illustrative else None)
        for element_id, v in latest.items()
    ]
    return sorted(result, key=_pillar_then_code)


def _pillar_then_code(item: LatestValue) -> tuple[int, int, str, str]:
    pillar = item.pillar
    if pillar is None:
        return 1, 0, "", item.data_value.data_element.code
    return 0, pillar.order, pillar.code, item.data_value.data_element.code


def pillars_of_elements(element_ids: set[int]) -> dict[int, Pillar]:
    """Element id → pillar of the first indicator (by pillar order, then code) that uses it.

    An indicator uses an element as its reported value, numerator or denominator.
    """
    if not element_ids:
        return {}
    indicators = (
        Indicator.objects.filter(reported_id__in=element_ids)
        | Indicator.objects.filter(numerator_id__in=element_ids)
        | Indicator.objects.filter(denominator_id__in=element_ids)
    )
    found: dict[int, Pillar] = {}
    for indicator in indicators.select_related("pillar").order_by("pillar__order", "pillar__code", "code"):
        for element_id in (indicator.reported_id, indicator.numerator_id, indicator.denominator_id):
            if element_id in element_ids:
                found.setdefault(element_id, indicator.pillar)
    return found


def group_by_pillar(values: list[LatestValue]) -> list[PillarGroup]:
    """Consecutive groups of ``values`` (already ordered by pillar), "Khác" last."""
    groups: list[PillarGroup] = []
    for item in values:
        pillar_id = item.pillar.pk if item.pillar else None
        if not groups or (groups[-1].pillar.pk if groups[-1].pillar else None) != pillar_id:
            groups.append(PillarGroup(item.pillar))
        groups[-1].values.append(item)
    return groups
