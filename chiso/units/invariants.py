"""The rules every set of hierarchy versions must keep, checked on plain records.

1. Versions do not overlap in time.
2. A unit lies within its version's validity; its parent is in the same version, covers the
   child's whole validity, and sits higher in the tree; following parents never loops.
3. No two units with the same code are valid on the same day.
4. Every unit of a version that has ended has at least one successor in the next version,
   and successions only link a version to the next one.
5. Shares: a unit's known split shares add up to at most 1; a whole-unit link has share 1.

``check`` returns one Vietnamese sentence per broken rule (empty list: all good);
``check_database`` reads the records from the database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

OPEN_START = date.min
OPEN_END = date.max


@dataclass(frozen=True)
class VersionRecord:
    id: int
    name: str
    valid_from: date | None
    valid_to: date | None


@dataclass(frozen=True)
class UnitRecord:
    id: int
    version_id: int
    code: str
    name: str
    level: int | None
    parent_id: int | None
    valid_from: date | None
    valid_to: date | None


@dataclass(frozen=True)
class SuccessionRecord:
    from_id: int
    to_id: int
    kind: str
    population_share: Decimal | None


def _interval(start: date | None, end: date | None) -> tuple[date, date]:
    return (start or OPEN_START, end or OPEN_END)


def _overlap(a: tuple[date, date], b: tuple[date, date]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def check(
    versions: Iterable[VersionRecord],
    units: Iterable[UnitRecord],
    successions: Iterable[SuccessionRecord],
) -> list[str]:
    versions = sorted(versions, key=lambda v: _interval(v.valid_from, v.valid_to))
    units = list(units)
    successions = list(successions)
    by_version = {v.id: v for v in versions}
    by_id = {u.id: u for u in units}
    problems: list[str] = []

    def span(u: UnitRecord) -> tuple[date, date]:
        v = by_version[u.version_id]
        return _interval(u.valid_from or v.valid_from, u.valid_to or v.valid_to)

    def label(u: UnitRecord) -> str:
        return f"{u.name} ({u.code}, phiên bản {by_version[u.version_id].name})"

    for earlier, later in zip(versions, versions[1:], strict=False):
        if _overlap(_interval(earlier.valid_from, earlier.valid_to), _interval(later.valid_from, later.valid_to)):
            problems.append(f"Phiên bản {earlier.name} và {later.name} có hiệu lực chồng lên nhau.")

    for u in units:
        v = by_version[u.version_id]
        own, whole = span(u), _interval(v.valid_from, v.valid_to)
        if not (whole[0] <= own[0] and own[1] <= whole[1]):
            problems.append(f"{label(u)}: thời gian hiệu lực vượt ra ngoài phiên bản {v.name}.")
        if u.parent_id is None:
            continue
        parent = by_id.get(u.parent_id)
        if parent is None or parent.version_id != u.version_id:
            problems.append(f"{label(u)}: đơn vị cấp trên không thuộc cùng phiên bản.")
            continue
        p_span = span(parent)
        if not (p_span[0] <= own[0] and own[1] <= p_span[1]):
            problems.append(f"{label(u)}: cấp trên {parent.name} không có hiệu lực suốt thời gian của đơn vị.")
        if u.level is not None and parent.level is not None and parent.level >= u.level:
            problems.append(f"{label(u)}: cấp trên {parent.name} không ở cấp cao hơn.")

    for u in units:  # cycles: a chain of parents longer than the number of units loops
        seen, node = set(), u
        while node.parent_id is not None and node.parent_id in by_id:
            if node.id in seen:
                problems.append(f"{label(u)}: chuỗi đơn vị cấp trên tạo thành vòng lặp.")
                break
            seen.add(node.id)
            node = by_id[node.parent_id]

    by_code: dict[str, list[UnitRecord]] = defaultdict(list)
    for u in units:
        by_code[u.code].append(u)
    for code, same in by_code.items():
        same.sort(key=span)
        for a, b in zip(same, same[1:], strict=False):
            if _overlap(span(a), span(b)):
                problems.append(
                    f"Mã {code} được dùng cho hai đơn vị cùng thời gian: {label(a)} và {label(b)}."
                )

    next_version = {a.id: b.id for a, b in zip(versions, versions[1:], strict=False)}
    successors: dict[int, list[SuccessionRecord]] = defaultdict(list)
    for s in successions:
        successors[s.from_id].append(s)
        old, new = by_id.get(s.from_id), by_id.get(s.to_id)
        if old is None or new is None:
            problems.append("Một liên kết kế thừa trỏ tới đơn vị không tồn tại.")
            continue
        if next_version.get(old.version_id) != new.version_id:
            problems.append(f"Kế thừa {label(old)} → {label(new)} không nối sang phiên bản liền sau.")
        if s.kind != "split_part" and s.population_share not in (None, Decimal(1)):
            problems.append(f"Kế thừa {label(old)} → {label(new)}: hình thức {s.kind} phải có tỷ lệ 1.")
    for u in units:
        if u.version_id in next_version and not successors.get(u.id):
            problems.append(f"{label(u)} không có đơn vị kế thừa trong phiên bản sau.")
        shares = [s.population_share for s in successors.get(u.id, []) if s.population_share is not None]
        if sum(shares, Decimal(0)) > Decimal("1.0001"):
            problems.append(f"{label(u)}: tổng tỷ lệ dân số chuyển đi vượt quá 1.")
    return problems


def check_database() -> list[str]:
    """Check every version, unit and succession stored in the database."""
    from chiso.units.models import HierarchyVersion, Succession, Unit
    from chiso.units.types import LEVEL, UnitType

    versions = [
        VersionRecord(v.id, v.name, v.valid_from, v.valid_to) for v in HierarchyVersion.objects.all()
    ]
    units = [
        UnitRecord(
            u["id"], u["version_id"], u["code"], u["name"], LEVEL.get(UnitType(u["type"])),
            u["parent_id"], u["valid_from"], u["valid_to"],
        )
        for u in Unit.objects.values(
            "id", "version_id", "code", "name", "type", "parent_id", "valid_from", "valid_to"
        )
    ]
    successions = [
        SuccessionRecord(s["from_unit_id"], s["to_unit_id"], s["kind"], s["population_share"])
        for s in Succession.objects.values("from_unit_id", "to_unit_id", "kind", "population_share")
    ]
    return check(versions, units, successions)
