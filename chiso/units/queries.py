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


def _path_ids(unit: Unit) -> list[int]:
    return [int(part) for part in unit.path.strip("/").split("/") if part]


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
            wanted |= Q(path__startswith=open_unit.path) | Q(parent_id__in=_path_ids(open_unit))
        units = units.filter(wanted)
    nodes = {u.id: TreeNode(u, counts.get(u.id, 0)) for u in sorted(units, key=_code_key)}
    roots: list[TreeNode] = []
    for node in nodes.values():
        parent = nodes.get(node.unit.parent_id) if node.unit.parent_id else None
        (parent.children if parent else roots).append(node)
    return Tree(version, roots, is_full, open_unit, total)


def ancestors(unit: Unit) -> list[Unit]:
    """From the root down to the unit's parent (the unit itself excluded)."""
    ids = _path_ids(unit)[:-1]
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
