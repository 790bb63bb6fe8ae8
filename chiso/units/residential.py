"""Residential units below a ward (khu dân cư, tổ dân phố, thôn), added from a small CSV.

The reference files stop at phường/xã; a ward's residential areas are added where they are needed (the
"Khu dân cư công nghệ số" certification, community teams). Columns as ``danang_units.csv``:
``version,code,name,type,parent_code,lat,lon,source`` with a type of level 4 (Khu dân cư, Tổ dân phố, Thôn)
and a parent that is a phường/xã/thị trấn/đặc khu of that version already in the database.

A map version that has ended needs a successor for each of its units (``units.invariants``), so an area is
carried into every later version, under the unit its ward went into (the largest population share), with
the same code and name and an ``unchanged`` succession: the reorganisations of 2025 merged wards, not their
residential areas. All or nothing: faults name file, row and column; the invariants are checked after writing.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import F

from chiso.csvfiles import LoadError, read_rows
from chiso.units import invariants
from chiso.units.loaders import UnitSpec, refresh_paths, upsert_units
from chiso.units.models import HierarchyVersion, Succession, SuccessionKind, Unit
from chiso.units.types import LEVEL, UnitType, type_from_label

__all__ = ["WARD_TYPES", "load_residential_units"]

WARD_TYPES = (UnitType.WARD, UnitType.COMMUNE, UnitType.TOWNLET, UnitType.SPECIAL_ZONE)
RESIDENTIAL_TYPES = tuple(t for t, level in LEVEL.items() if level == 4)
CARRIED = "Giữ nguyên khi sắp xếp đơn vị hành chính cấp trên (giả định: sắp xếp gộp phường, không đổi khu dân cư)."


@transaction.atomic
def load_residential_units(path: Path) -> list[Unit]:
    """Create or update the residential units of ``path`` and carry them into the later versions; returns the
    units as the file names them (in its versions). Loading the same file again changes nothing."""
    versions = list(HierarchyVersion.objects.all())
    names = {v.name: v for v in versions}
    rows = list(read_rows(path, ["version", "code", "name", "type", "parent_code", "lat", "lon", "source"]))
    wanted: list[tuple[UnitSpec, Unit]] = []
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        version, code, name = row.required("version"), row.required("code"), row.required("name")
        if version and version not in names:
            row.fail("version", f"phiên bản '{version}' không có (có: {', '.join(names)}).")
        unit_type = type_from_label(row.required("type")) if row.get("type") else None
        if row.get("type") and unit_type not in RESIDENTIAL_TYPES:
            row.fail("type", f"'{row.get('type')}' không phải loại dưới phường, xã (Khu dân cư, Tổ dân phố, Thôn).")
        parent = Unit.objects.filter(version__name=version, code=row.required("parent_code")).first()
        if parent is None and row.get("parent_code") and version in names:
            row.fail("parent_code", f"không có đơn vị mã {row.get('parent_code')} trong phiên bản {version}.")
        elif parent is not None and parent.type not in WARD_TYPES:
            row.fail("parent_code", f"{parent.name} ({parent.code}) không phải phường, xã, thị trấn hay đặc khu.")
        taken = Unit.objects.filter(version__name=version, code=code).exclude(type__in=RESIDENTIAL_TYPES).first()
        if taken is not None:
            row.fail("code", f"mã {code} đã là của {taken.name} trong phiên bản {version}; chọn mã khác.")
        if (version, code) in seen:
            row.fail("code", f"mã {code} đã có ở dòng {seen[(version, code)]} trong cùng phiên bản {version}.")
        seen[(version, code)] = row.line
        lat, lon = row.number("lat"), row.number("lon")
        if not row.problems and parent is not None and unit_type is not None:
            wanted.append((UnitSpec(version, code, name, unit_type, parent.code, lat, lon, row.get("source")), parent))
    problems = [p for row in rows for p in row.problems]
    if problems:
        raise LoadError(problems)
    specs: list[UnitSpec] = []
    links: list[tuple[str, str, str]] = []  # (code, earlier version, later version)
    for spec, parent in wanted:
        specs.append(spec)
        at = next(i for i, v in enumerate(versions) if v.id == parent.version_id)
        earlier_name, home = spec.version, parent
        for later in versions[at + 1:]:
            home = _went_into(home, later)
            specs.append(UnitSpec(later.name, spec.code, spec.name, spec.type, home.code, spec.latitude,
                                  spec.longitude, f"{spec.source} {CARRIED}".strip()))
            links.append((spec.code, earlier_name, later.name))
            earlier_name = later.name
    upsert_units(specs, {v.name: v.id for v in versions})
    codes = {s.code for s in specs}
    made = {(u.version.name, u.code): u for u in Unit.objects.filter(code__in=codes).select_related("version")}
    for code, earlier_name, later_name in links:
        start = names[later_name].valid_from
        assert start is not None  # a later version has a start
        Succession.objects.get_or_create(
            from_unit=made[(earlier_name, code)], to_unit=made[(later_name, code)],
            defaults={"kind": SuccessionKind.UNCHANGED, "effective_date": start,
                      "population_share": Decimal(1), "source": CARRIED})
    refresh_paths()
    problems = invariants.check_database()
    if problems:
        raise LoadError(problems)
    made = {(u.version.name, u.code): u for u in Unit.objects.filter(code__in=codes).select_related("version")}
    return [made[(spec.version, spec.code)] for spec, _ in wanted]  # read again: their paths are set now


def _went_into(ward: Unit, version: HierarchyVersion) -> Unit:
    """The unit of ``version`` (the next one) that ``ward`` went into: its successor of ward level taking the
    largest share of its people."""
    link = (Succession.objects.filter(from_unit=ward, to_unit__version=version, to_unit__type__in=WARD_TYPES)
            .select_related("to_unit", "to_unit__version")
            .order_by(F("population_share").desc(nulls_last=True), "to_unit__code").first())
    if link is None:
        raise LoadError([f"{ward.name} ({ward.code}, phiên bản {ward.version.name}) không có đơn vị kế thừa cấp "
                         f"phường, xã trong phiên bản {version.name}: không mang khu dân cư sang được."])
    return link.to_unit
