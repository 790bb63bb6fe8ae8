"""Reads that cross the hierarchy: versions, trees, ancestors, successions, search.

Pure query functions, each a query or two; the portal and the API call them and only render.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Q
from django.utils import timezone

from chiso.engine.text import fold
from chiso.units.models import HierarchyVersion, Succession, Unit

FULL_TREE_LIMIT = 400
"""A version with more units than this (the national one: 3.356) is shown partly opened."""


@dataclass
class TreeNode:
    """A unit in a displayed tree. ``children`` is empty for a unit whose children were not loaded."""

    unit: Unit
    child_count: int
    children: list[TreeNode] = field(default_factory=list)

    @property
    def is_loaded(self) -> bool:
        return self.child_count == 0 or bool(self.children)


@dataclass
class Tree:
    version: HierarchyVersion
    roots: list[TreeNode]
    is_full: bool  # every unit of the version is in the tree
    open_unit: Unit | None  # the unit whose subtree is loaded when the tree is not full
    unit_count: int


def versions() -> list[HierarchyVersion]:
    """All hierarchy versions, the oldest first (a version with no start date is the oldest)."""
    return list(HierarchyVersion.objects.order_by(F("valid_from").asc(nulls_first=True), "name"))


def current_version(today: date | None = None) -> HierarchyVersion | None:
    """The version in force today; failing that, the open-ended one (valid_to empty), else the newest."""
    day = today or timezone.localdate()
    all_versions = versions()
    for version in reversed(all_versions):
        if version.covers(day):
            return version
    open_ended = [v for v in all_versions if v.valid_to is None]
    if open_ended:
        return open_ended[-1]
    return all_versions[-1] if all_versions else None


def version_by_name(name: str) -> HierarchyVersion | None:
    return HierarchyVersion.objects.filter(name=name).first()


def unit_by_code(version_name: str, code: str) -> Unit | None:
    """A unit is identified by (version, code), never by a bare code."""
    return (
        Unit.objects.select_related("version", "parent").filter(version__name=version_name, code=code).first()
    )


def _code_key(unit: Unit) -> tuple[int, str]:
    """Official codes of one level share a length; shorter first keeps 01 < 48 < 491."""
    return len(unit.code), unit.code


def _child_counts(version: HierarchyVersion) -> dict[int | None, int]:
    rows = Unit.objects.filter(version=version).values("parent_id").annotate(n=Count("id"))
    return {row["parent_id"]: row["n"] for row in rows}


def path_ids(path: str) -> list[int]:
    """The ids of a materialised path, root first, the unit itself last ("/12/40/311/" → [12, 40, 311])."""
    return [int(part) for part in path.strip("/").split("/") if part]


def tree(version: HierarchyVersion, open_code: str | None = None) -> Tree:
    """The units of ``version`` as a tree, children ordered by code.

    A small version (a city's) comes whole. A large one (the national map) comes as the top two
    levels plus, for the unit ``open_code``, its ancestors' children and its whole subtree.
    """
    counts = _child_counts(version)
    total = sum(counts.values())
    units = Unit.objects.filter(version=version).only(
        "id", "code", "name", "type", "parent_id", "path", "depth", "version_id"
    )
    open_unit = None
    is_full = total <= FULL_TREE_LIMIT
    if not is_full:
        open_unit = units.filter(code=open_code).first() if open_code else None
        wanted = Q(depth__lte=1)
        if open_unit is not None:
            wanted |= Q(path__startswith=open_unit.path) | Q(parent_id__in=path_ids(open_unit.path))
        units = units.filter(wanted)
    nodes = {u.id: TreeNode(u, counts.get(u.id, 0)) for u in sorted(units, key=_code_key)}
    roots: list[TreeNode] = []
    for node in nodes.values():
        parent = nodes.get(node.unit.parent_id) if node.unit.parent_id else None
        (parent.children if parent else roots).append(node)
    return Tree(version, roots, is_full, open_unit, total)


def ancestors(unit: Unit) -> list[Unit]:
    """From the root down to the unit's parent (the unit itself excluded)."""
    ids = path_ids(unit.path)[:-1]
    found = Unit.objects.in_bulk(ids)
    return [found[i] for i in ids if i in found]


def children(unit: Unit) -> list[tuple[Unit, int]]:
    """The unit's direct children by code, each with its own number of children."""
    rows = Unit.objects.filter(parent=unit).annotate(child_count=Count("children"))
    return [(u, u.child_count) for u in sorted(rows, key=_code_key)]


def successors(unit: Unit) -> list[Succession]:
    """What the unit became in the next version (merge, split part, rename, unchanged)."""
    return list(
        Succession.objects.filter(from_unit=unit)
        .select_related("to_unit__version")
        .order_by("-population_share", "to_unit__code")
    )


def predecessors(unit: Unit) -> list[Succession]:
    """The units of the previous version that became (part of) this one."""
    return list(
        Succession.objects.filter(to_unit=unit)
        .select_related("from_unit__version")
        .order_by("from_unit__code")
    )


def main_successor(unit: Unit, types: tuple[str, ...] | None = None) -> Succession | None:
    """The link to what ``unit`` mostly became in the next version (a unit of ``types``, when given): the part
    that took the largest share of its population (unknown shares last), then the lowest code. None: it ended
    without a successor."""
    links = Succession.objects.filter(from_unit=unit)
    if types is not None:
        links = links.filter(to_unit__type__in=types)
    return (links.select_related("to_unit", "to_unit__version")
            .order_by(F("population_share").desc(nulls_last=True), "to_unit__code").first())


def main_predecessor(unit: Unit, types: tuple[str, ...] | None = None) -> Succession | None:
    """The link from what ``unit`` mostly came from in the previous version (``main_successor`` the other way)."""
    links = Succession.objects.filter(to_unit=unit)
    if types is not None:
        links = links.filter(from_unit__type__in=types)
    return (links.select_related("from_unit", "from_unit__version")
            .order_by(F("population_share").desc(nulls_last=True), "from_unit__code").first())


def same_code_elsewhere(unit: Unit) -> list[Unit]:
    """Units of other versions that carry the same code: maybe the same place, maybe not."""
    return list(
        Unit.objects.filter(code=unit.code)
        .exclude(pk=unit.pk)
        .select_related("version")
        .order_by(F("version__valid_from").asc(nulls_first=True))
    )


def search(q: str, limit: int = 50) -> list[Unit]:
    """Units whose name contains ``q``, compared without diacritics, in every version; newest first."""
    key = fold(q)
    if not key:
        return []
    return list(
        Unit.objects.filter(search_key__contains=key)
        .select_related("version", "parent")
        .order_by(F("version__valid_from").desc(nulls_last=True), "depth", "search_key", "code")[:limit]
    )


def counterparts(unit: Unit, version: HierarchyVersion) -> list[Unit]:
    """The units of ``version`` the unit became (a newer version) or came from (an older one), by the
    successions — never by the bare code (20209 was phường Xuân Hà in 2024 and is phường Thanh Khê now).

    Follows the successions one version at a time; a former district listed beside its own wards is left
    out (its wards already cover it), as in ``analytics.mapping``. Several units: the caller offers them.
    """
    if unit.version_id == version.id:
        return [unit]
    ordered = list(HierarchyVersion.objects.all())  # Meta.ordering: oldest first
    position = {v.id: i for i, v in enumerate(ordered)}
    forward = position[version.id] > position[unit.version_id]
    current = {unit.id: unit}
    while current and position[next(iter(current.values())).version_id] != position[version.id]:
        if forward:
            links = Succession.objects.filter(from_unit_id__in=current).select_related("to_unit__version")
            found = {link.to_unit.id: link.to_unit for link in links}
        else:
            links = Succession.objects.filter(to_unit_id__in=current).select_related("from_unit__version")
            found = {link.from_unit.id: link.from_unit for link in links}
        paths = [u.path for u in found.values()]
        current = {i: u for i, u in found.items()
                   if not any(p != u.path and p.startswith(u.path) for p in paths)}
    return sorted(current.values(), key=lambda u: (u.depth, len(u.code), u.code))


@dataclass(frozen=True)
class MapChange:
    """A change of the map inside a series: from ``day`` (the start of ``version``) the unit covers
    ``joined`` too — units with no predecessor in ``previous`` (Quảng Nam's communes joining Đà Nẵng on
    1/7/2025), so figures before and after the day are not of the same area."""

    day: date
    version: HierarchyVersion
    previous: HierarchyVersion
    joined: list[Unit]

    @property
    def examples(self) -> list[Unit]:
        return self.joined[:3]


def map_changes(unit: Unit, start: date, end: date) -> list[MapChange]:
    """The changes of the map between ``start`` and ``end`` (exclusive, inclusive) that change the area a
    series of ``unit`` covers: at each version boundary, the units of the newer version under the unit's
    counterparts that came from nowhere in the older one (the topmost of them). Re-expressed units
    (merges, splits with shares) cover the same ground and are no break. One or two queries a boundary."""
    changes = []
    ordered = versions()
    for previous, version in zip(ordered, ordered[1:], strict=False):
        if version.valid_from is None or not start < version.valid_from <= end:
            continue
        nodes = counterparts(unit, version)
        if not nodes:
            continue
        under = Q()
        for node in nodes:
            under |= Q(path__startswith=node.path)
        new = sorted(Unit.objects.filter(under, version=version, predecessions__isnull=True).select_related(
            "version"), key=lambda u: (u.depth, len(u.code), u.code))
        top: list[Unit] = []
        for candidate in new:
            if not any(candidate.path.startswith(t.path) for t in top):
                top.append(candidate)
        if top:
            changes.append(MapChange(version.valid_from, version, previous, top))
    return changes
