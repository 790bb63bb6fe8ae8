"""Which units of one hierarchy version make up a unit of another, and with what weight.

Backwards (today's unit, an older version): follow the successions one version at a time. A former
unit that went whole into today's unit counts fully; one that was split counts with its documented
``population_share`` (an estimate, marked so); one whose share is unknown counts with the share an
administrator entered (``estimated_share``, marked so) or not at all — and a note says so: a figure
is never silently dropped or double-counted. A former district listed beside its own wards is left
out (its wards already cover it).
Forwards (an older unit, a newer version): only where the unit carried on alone (unchanged, renamed).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from chiso.units.models import HierarchyVersion, Succession, SuccessionKind, Unit


class Source(NamedTuple):  # a named tuple: one per unit of every analytics read (3.321 for all communes)
    unit: Unit
    weight: Decimal
    estimated: bool


WHOLE = Decimal(1)


@dataclass
class Mapping:
    sources: list[Source]
    notes: list[str] = field(default_factory=list)


def ordered_versions() -> list[HierarchyVersion]:
    return list(HierarchyVersion.objects.all())  # Meta.ordering: oldest first, open start first


def map_unit(unit: Unit, target: HierarchyVersion) -> Mapping:
    if unit.version_id == target.id:
        return Mapping([Source(unit, WHOLE, False)])
    versions = ordered_versions()
    position = {v.id: i for i, v in enumerate(versions)}
    if position[target.id] < position[unit.version_id]:
        return _backwards(unit, target, position)
    return _forwards(unit, target, position)


def _backwards(unit: Unit, target: HierarchyVersion, position: dict[int, int]) -> Mapping:
    current: dict[int, tuple[Unit, Decimal, bool]] = {unit.id: (unit, Decimal(1), False)}
    notes: list[str] = []
    while current and position[next(iter(current.values()))[0].version_id] > position[target.id]:
        previous: dict[int, tuple[Unit, Decimal, bool]] = {}
        links = (Succession.objects.filter(to_unit_id__in=current).select_related("from_unit", "to_unit"))
        by_target: dict[int, list[Succession]] = defaultdict(list)
        for link in links:
            by_target[link.to_unit_id].append(link)
        for unit_id, (now, weight, estimated) in current.items():
            found = by_target.get(unit_id, [])
            paths = [link.from_unit.path for link in found]
            for link in found:
                old = link.from_unit
                if any(p != old.path and p.startswith(old.path) for p in paths):
                    continue  # a former district beside its own wards: the wards cover it
                share, is_estimate = _share(link)
                if share is None:
                    notes.append(f"Một phần {old.name} ({old.version.name}) đã chuyển vào {now.name} nhưng chưa rõ "
                                 "tỷ lệ: số liệu của phần này giữ ở đơn vị cũ, không cộng vào đây.")
                    continue
                _, w, e = previous.get(old.id, (old, Decimal(0), False))
                previous[old.id] = (old, w + weight * share, e or estimated or is_estimate)
        current = previous
    return Mapping([Source(u, w, e) for u, w, e in current.values()], notes)


def _forwards(unit: Unit, target: HierarchyVersion, position: dict[int, int]) -> Mapping:
    node = unit
    while position[node.version_id] < position[target.id]:
        links = list(node.successions.select_related("to_unit"))
        if len(links) != 1 or links[0].kind not in (SuccessionKind.UNCHANGED, SuccessionKind.RENAME, SuccessionKind.MERGE):
            return Mapping([], [f"{node.name} ({node.version.name}) không còn tương ứng một–một với đơn vị nào ở "
                                f"phiên bản {target.name}: không thể biểu diễn."])
        successor = links[0].to_unit
        if successor.predecessions.exclude(from_unit=node).filter(from_unit__depth__gte=node.depth).exists():
            return Mapping([], [f"{node.name} đã nhập vào {successor.name} cùng đơn vị khác: số liệu mới của "
                                f"{successor.name} không tách được về {node.name}."])
        node = successor
    return Mapping([Source(node, WHOLE, False)])


def rounded_estimate(parts: tuple[Decimal, ...], value_types: Sequence[str],
                     decimals: int | None = None) -> tuple[Decimal, ...]:
    """Parts of a figure re-expressed through split shares, rounded as the figure is written: a
    whole-number data element (a count: people, enterprises) to a whole number, a part shown as the
    indicator itself (``decimals``, not a ratio's numerator or denominator) to the indicator's decimals.
    A figure is never shown as 104.230,404 people; it is marked estimated instead.

    >>> rounded_estimate((Decimal("104230.404"), Decimal("2.5")), ["integer", "integer"])
    (Decimal('104230'), Decimal('3'))
    >>> rounded_estimate((Decimal("12.345"),), ["number"], 1), rounded_estimate((Decimal("1.25"),), ["score"])
    ((Decimal('12.3'),), (Decimal('1.25'),))
    """
    out = []
    for part, value_type in zip(parts, value_types, strict=False):
        places = 0 if value_type == "integer" else decimals
        out.append(part if places is None else part.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))
    return tuple(out) + tuple(parts[len(out):])


def _share(link: Succession) -> tuple[Decimal | None, bool]:
    if link.kind in (SuccessionKind.MERGE, SuccessionKind.UNCHANGED, SuccessionKind.RENAME):
        return Decimal(1), False
    if link.population_share is not None:
        return link.population_share, True
    if link.estimated_share is not None:
        return link.estimated_share, True
    return None, True
