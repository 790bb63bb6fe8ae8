"""Reading the roll-ups: the stored children's totals of some units (``analytics.queries`` puts each unit's own
figure in front with ``engine.aggregate.with_children``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from chiso.engine import aggregate as agg
from chiso.engine.periods import Period
from chiso.totals.models import BelowTotal
from chiso.totals.refresh import LeafCounts, as_total, branches_of


class StoredBelow:
    """The children's totals of ``reading``'s units (unit id → read published figures only) that are ``branches``,
    for the measure keys and periods asked, read in one query."""

    def __init__(self, reading: dict[int, bool], branches: set[int], keys: Iterable[str], periods: Iterable[str],
                 mark: str = ""):
        self.mark = mark  # the map's trace, read with the roll-ups' state
        self.reading = reading
        self.branches = branches & reading.keys()
        self.rows: dict[tuple[int, str, str], agg.Total] = {}
        if self.branches:
            for row in BelowTotal.objects.filter(unit_id__any_of=self.branches, measure__in=list(keys),
                                                 period__in=list(periods)):
                if row.published == reading[row.unit_id]:
                    self.rows[(row.unit_id, row.measure, row.period)] = as_total(row)
        self._leaves: LeafCounts | None = None

    def total(self, unit_id: int, key: str, period: Period) -> agg.Total | None:
        """None for a unit without children; a total of nothing (0 of its leaves) where nothing below reported."""
        if unit_id not in self.branches:
            return None
        found = self.rows.get((unit_id, key, str(period)))
        if found is None:
            if self._leaves is None:
                self._leaves = LeafCounts(self.mark)
            return agg.Total(None, reported=0, expected=self._leaves.under(unit_id))
        return replace(found)  # the caller may change its copy


__all__ = ["StoredBelow", "branches_of"]
