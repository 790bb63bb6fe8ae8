"""Load hierarchy versions, units and successions: all or nothing.

Sources: the national structure from the ``vietnamadminunits`` package (MIT), and the
Đà Nẵng versions and successions of ``reference_data/``. Every row is checked first; any fault
stops the load with a message naming file, row and column, and the database is left as it was.
After writing, the invariants of ``chiso.units.invariants`` are checked in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from chiso.csvfiles import LoadError, Row, read_rows
from chiso.engine.text import fold
from chiso.units import invariants
from chiso.units.models import HierarchyVersion, Succession, SuccessionKind, Unit
from chiso.units.types import UnitType, type_from_label

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference_data"
VERSIONS_FILE = REFERENCE_DIR / "hierarchy_versions.csv"
UNITS_FILE = REFERENCE_DIR / "danang_units.csv"
SUCCESSIONS_FILE = REFERENCE_DIR / "danang_successions.csv"
NATIONAL_VERSION = "2025-07"
COUNTRY_CODE = "VN"
SOURCE_PACKAGE = "vietnamadminunits (MIT), bảng admin_units"


@dataclass
class UnitSpec:
    version: str
    code: str
    name: str
    type: str
    parent_code: str | None
    latitude: float | None
    longitude: float | None
    source: str


@dataclass
class SuccessionSpec:
    from_version: str
    from_code: str
    to_version: str
    to_code: str
    kind: str
    effective_date: date
    population_share: Decimal | None
    share_note: str
    source: str


def _date(row: Row, column: str, required: bool = False) -> date | None:
    value = row.required(column) if required else row.get(column)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        row.fail(column, f"'{value}' không phải ngày dạng YYYY-MM-DD.")
        return None


def read_versions(path: Path) -> list[HierarchyVersion]:
    rows = list(read_rows(path, ["name", "label", "valid_from", "valid_to", "legal_basis"]))
    versions = [
        HierarchyVersion(
            name=row.required("name"),
            label=row.required("label"),
            valid_from=_date(row, "valid_from"),
            valid_to=_date(row, "valid_to"),
            legal_basis=row.get("legal_basis"),
        )
        for row in rows
    ]
    _raise_if_problems(rows)
    return versions


def read_units(path: Path, known_versions: set[str]) -> list[UnitSpec]:
    rows = list(read_rows(path, ["version", "code", "name", "type", "parent_code", "lat", "lon", "source"]))
    specs = []
    for row in rows:
        version = row.required("version")
        if version and version not in known_versions:
            row.fail("version", f"phiên bản '{version}' chưa được khai báo (có: {', '.join(sorted(known_versions))}).")
        unit_type = type_from_label(row.required("type")) if row.get("type") else None
        if row.get("type") and unit_type is None:
            row.fail("type", f"loại đơn vị '{row.get('type')}' không xác định (ví dụ hợp lệ: Phường, Xã, Quận).")
        lat, lon = row.number("lat"), row.number("lon")
        if lat is not None and not -90 <= lat <= 90:
            row.fail("lat", f"vĩ độ {lat} nằm ngoài khoảng -90..90.")
        if lon is not None and not -180 <= lon <= 180:
            row.fail("lon", f"kinh độ {lon} nằm ngoài khoảng -180..180.")
        specs.append(
            UnitSpec(
                version, row.required("code"), row.required("name"), str(unit_type or ""),
                row.get("parent_code") or None, lat, lon, row.get("source"),
            )
        )
    seen: dict[tuple[str, str], int] = {}
    for row, spec in zip(rows, specs, strict=True):
        key = (spec.version, spec.code)
        if key in seen:
            row.fail("code", f"mã {spec.code} đã xuất hiện ở dòng {seen[key]} trong cùng phiên bản {spec.version}.")
        seen[key] = row.line
    for row, spec in zip(rows, specs, strict=True):
        if spec.parent_code and (spec.version, spec.parent_code) not in seen:
            row.fail("parent_code", f"không có đơn vị mã {spec.parent_code} trong phiên bản {spec.version}.")
    _raise_if_problems(rows)
    return specs


def read_successions(path: Path) -> list[SuccessionSpec]:
    columns = ["effective_date", "from_version", "from_code", "to_version", "to_code", "kind",
               "population_share", "share_note", "source"]
    rows = list(read_rows(path, columns))
    specs = []
    for row in rows:
        share: Decimal | None = None
        if row.get("population_share"):
            try:
                share = Decimal(row.get("population_share"))
            except InvalidOperation:
                row.fail("population_share", f"'{row.get('population_share')}' không phải là số.")
            else:
                if not Decimal(0) <= share <= Decimal(1):
                    row.fail("population_share", f"tỷ lệ {share} phải nằm trong khoảng 0..1.")
        specs.append(
            SuccessionSpec(
                row.required("from_version"), row.required("from_code"), row.required("to_version"),
                row.required("to_code"), row.one_of("kind", SuccessionKind.values),
                _date(row, "effective_date", required=True) or date.min, share,
                row.get("share_note"), row.get("source"),
            )
        )
    _raise_if_problems(rows)
    return specs


def national_units() -> list[UnitSpec]:
    """Today's 34 provinces and 3.321 communes, with coordinates, from vietnamadminunits."""
    from vietnamadminunits.database import get_data

    fields = ["province", "provinceCode", "provinceLat", "provinceLon", "ward", "wardType",
              "wardCode", "wardLat", "wardLon"]
    records = get_data(fields=fields, table="admin_units")
    specs = [UnitSpec(NATIONAL_VERSION, COUNTRY_CODE, "Việt Nam", UnitType.COUNTRY, None, None, None, SOURCE_PACKAGE)]
    provinces: dict[str, UnitSpec] = {}
    for r in records:
        code = r["provinceCode"]
        if code not in provinces:
            kind = UnitType.CITY if r["province"].startswith("Thành phố") else UnitType.PROVINCE
            provinces[code] = UnitSpec(NATIONAL_VERSION, code, r["province"], kind, COUNTRY_CODE,
                                       r["provinceLat"], r["provinceLon"], SOURCE_PACKAGE)
        specs.append(
            UnitSpec(NATIONAL_VERSION, r["wardCode"], r["ward"], str(type_from_label(r["wardType"]) or UnitType.COMMUNE),
                     code, r["wardLat"], r["wardLon"], SOURCE_PACKAGE)
        )
    return [specs[0], *provinces.values(), *specs[1:]]


def _raise_if_problems(rows: Iterable[Row]) -> None:
    problems = [p for row in rows for p in row.problems]
    if problems:
        raise LoadError(problems)


@transaction.atomic
def load_reference(
    units_file: Path = UNITS_FILE,
    successions_file: Path = SUCCESSIONS_FILE,
    versions_file: Path = VERSIONS_FILE,
    national: bool = True,
) -> dict[str, int]:
    """Create or update versions, units and successions; return counts. All or nothing."""
    versions = read_versions(versions_file)
    unit_specs = read_units(units_file, {v.name for v in versions})
    succession_specs = read_successions(successions_file)

    for v in versions:
        HierarchyVersion.objects.update_or_create(
            name=v.name,
            defaults={"label": v.label, "valid_from": v.valid_from, "valid_to": v.valid_to,
                      "legal_basis": v.legal_basis},
        )
    version_ids = dict(HierarchyVersion.objects.values_list("name", "id"))
    all_specs = (national_units() if national else []) + unit_specs
    upsert_units(all_specs, version_ids)
    upsert_successions(succession_specs, version_ids)
    refresh_paths()
    problems = invariants.check_database()
    if problems:
        raise LoadError(problems)
    return {
        "versions": HierarchyVersion.objects.count(),
        "units": Unit.objects.count(),
        "successions": Succession.objects.count(),
    }


def upsert_units(specs: list[UnitSpec], version_ids: dict[str, int]) -> None:
    """Create or update units by (version, code); later specs for the same key win. Only units that change are
    written (a reload of the same files writes nothing: 3.477 unchanged units cost 18 s on PostgreSQL)."""
    existing = {(u.version_id, u.code): u for u in Unit.objects.filter(version_id__in=version_ids.values())}
    merged: dict[tuple[int, str], UnitSpec] = {}
    for spec in specs:
        merged[(version_ids[spec.version], spec.code)] = spec
    to_create, to_update = [], []
    fields = ("name", "type", "source", "search_key", "latitude", "longitude")
    for key, spec in merged.items():
        unit = existing.get(key) or Unit(version_id=key[0], code=spec.code)
        before = tuple(getattr(unit, f) for f in fields)
        unit.name, unit.type, unit.source = spec.name, spec.type, spec.source
        unit.search_key = fold(spec.name)
        if spec.latitude is not None:
            unit.latitude, unit.longitude = spec.latitude, spec.longitude
        if not unit.pk:
            to_create.append(unit)
        elif tuple(getattr(unit, f) for f in fields) != before:
            to_update.append(unit)
    Unit.objects.bulk_create(to_create, batch_size=1000)
    Unit.objects.bulk_update(to_update, list(fields), batch_size=1000)
    rows = Unit.objects.filter(version_id__in=version_ids.values()).values_list("version_id", "code", "id",
                                                                                "parent_id")
    ids = {(vid, code): uid for vid, code, uid, _ in rows}
    parent_now = {uid: parent for _, _, uid, parent in rows}
    roots = {vid: ids.get((vid, COUNTRY_CODE)) for vid in version_ids.values()}
    parents = []
    for (vid, code), spec in merged.items():
        parent_id = ids[(vid, spec.parent_code)] if spec.parent_code else None
        if parent_id is None and code != COUNTRY_CODE:
            parent_id = roots.get(vid)  # a top unit of a file joins the national tree when one exists
        if parent_now[ids[(vid, code)]] != parent_id:
            parents.append(Unit(id=ids[(vid, code)], parent_id=parent_id))
    Unit.objects.bulk_update(parents, ["parent_id"], batch_size=1000)


def upsert_successions(specs: list[SuccessionSpec], version_ids: dict[str, int]) -> None:
    ids = {(u.version_id, u.code): u.id for u in Unit.objects.all()}
    problems = []
    for spec in specs:
        from_id = ids.get((version_ids.get(spec.from_version), spec.from_code))
        to_id = ids.get((version_ids.get(spec.to_version), spec.to_code))
        if from_id is None or to_id is None:
            problems.append(f"Kế thừa {spec.from_version}/{spec.from_code} → {spec.to_version}/{spec.to_code}: "
                            "không tìm thấy đơn vị trong tệp đơn vị.")
            continue
        Succession.objects.update_or_create(
            from_unit_id=from_id, to_unit_id=to_id,
            defaults={"kind": spec.kind, "effective_date": spec.effective_date,
                      "population_share": spec.population_share, "share_note": spec.share_note,
                      "source": spec.source},
        )
    if problems:
        raise LoadError(problems)


def refresh_paths() -> None:
    """Recompute every unit's materialised path and depth from its parent links (writing those that change)."""
    rows = list(Unit.objects.values_list("id", "parent_id", "path"))
    parent_of = {uid: parent for uid, parent, _ in rows}
    stored = {uid: path for uid, _, path in rows}
    paths: dict[int, str] = {}

    def path_of(unit_id: int) -> str:
        chain = []
        node: int | None = unit_id
        while node is not None and node not in paths and len(chain) <= len(parent_of):
            chain.append(node)
            node = parent_of.get(node)
        prefix = paths[node] if node is not None and node in paths else "/"
        for item in reversed(chain):
            prefix = f"{prefix}{item}/"
            paths[item] = prefix
        return paths[unit_id]

    updates = []
    for unit_id in parent_of:
        path = path_of(unit_id)
        if stored[unit_id] != path:  # depth follows the path
            updates.append(Unit(id=unit_id, path=path, depth=path.count("/") - 2))
    Unit.objects.bulk_update(updates, ["path", "depth"], batch_size=2000)
