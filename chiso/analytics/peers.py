"""Ranks among peers, and the name of the peer group every rank carries ("11/23 phường", "43/94 đơn vị").

Best first: highest value, or lowest for a lower-is-better indicator; equal values share a rank (1, 2,
2, 4). The peer group is named by the kind of its units when they are all of one kind ("phường", "xã",
"quận"), else "đơn vị".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from chiso.analytics.queries import Row
from chiso.engine.periods import Period
from chiso.indicators.models import Indicator
from chiso.units.models import Unit
from chiso.units.types import UnitType

__all__ = ["PeerRank", "Ranked", "group_name", "median", "peer_ranks", "rank_rows"]


@dataclass(frozen=True)
class Ranked:
    rank: int | None  # None: no value
    count: int  # how many peers have a value
    group: str  # "phường", "xã", "đơn vị"
    row: Row

    @property
    def label(self) -> str:
        """"43/94 đơn vị"; empty without a rank."""
        return f"{self.rank}/{self.count} {self.group}" if self.rank is not None else ""


@dataclass(frozen=True)
class PeerRank:
    rank: int
    count: int
    median: Decimal | None
    group: str  # "phường": the kind of the units compared
    level_name: str  # "Quận Thanh Khê": the parent whose children are compared
    period: Period | None = None  # the period compared

    @property
    def label(self) -> str:
        """>>> PeerRank(11, 23, None, "phường", "Quận Thanh Khê").label
        '11/23 phường'
        """
        return f"{self.rank}/{self.count} {self.group}"

    @property
    def period_label(self) -> str:
        """"cả năm 2024", "tháng 12/2024"."""
        if self.period is None:
            return ""
        return f"cả năm {self.period.year}" if self.period.kind == "year" else self.period.vi_label().lower()


def group_name(units: Iterable[Unit]) -> str:
    """The kind of ``units`` in lower case when they are all of one kind, else "đơn vị"."""
    kinds = {u.type for u in units}
    if len(kinds) == 1:
        return str(UnitType(kinds.pop()).label).lower()
    return "đơn vị"


def median(values: Sequence[Decimal]) -> Decimal | None:
    """>>> median([Decimal(3), Decimal(1), Decimal(2), Decimal(10)])
    Decimal('2.5')
    """
    ordered = sorted(values)
    if not ordered:
        return None
    half = len(ordered) // 2
    return ordered[half] if len(ordered) % 2 else (ordered[half - 1] + ordered[half]) / 2


def rank_rows(rows: list[Row], direction: str) -> list[Ranked]:
    """Best first; equal values share a rank; rows without a value last, unranked."""
    known = [r for r in rows if r.value is not None]
    group = group_name(r.unit for r in rows)
    sign = 1 if direction == "down" else -1
    known.sort(key=lambda r: (sign * r.value, len(r.unit.code), r.unit.code))  # type: ignore[operator]
    ranked, previous, position = [], None, 0
    for i, row in enumerate(known, start=1):
        if row.value != previous:
            position, previous = i, row.value
        ranked.append(Ranked(position, len(known), group, row))
    missing = [Ranked(None, len(known), group, r) for r in rows if r.value is None]
    return ranked + missing


def peer_ranks(unit: Unit, indicators: list[Indicator], month: Period,
               figures: object) -> dict[str, PeerRank]:
    """Rank ``unit`` among the units of its kind under its parent on each indicator over the period
    ``month`` (a month or a whole year; one engine call through ``figures``, as in
    ``analytics.progress.standings``)."""
    if unit.parent_id is None or not indicators:
        return {}
    peers = list(Unit.objects.filter(parent_id=unit.parent_id, type=unit.type).select_related("version"))
    if len(peers) < 2:
        return {}
    rows = figures([i.code for i in indicators], peers, [month])  # type: ignore[operator]
    group = group_name(peers)
    found = {}
    for indicator in indicators:
        mine = [r for r in rows if r.data == indicator.code]
        ranked = [r for r in rank_rows(mine, indicator.direction) if r.rank is not None]
        own = next((r for r in ranked if r.row.unit.id == unit.id), None)
        if own is None or len(ranked) < 2:
            continue
        found[indicator.code] = PeerRank(own.rank, len(ranked), median([r.row.value for r in ranked]),  # type: ignore[arg-type,misc]
                                         group, unit.parent.name, month)  # type: ignore[union-attr]
    return found
