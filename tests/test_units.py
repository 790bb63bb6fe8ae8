"""Hierarchy versions, units and successions: what the reference load gives, and its guard rails."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from chiso.csvfiles import LoadError
from chiso.units import invariants
from chiso.units.invariants import SuccessionRecord, UnitRecord, VersionRecord
from chiso.units.loaders import UNITS_FILE, load_reference
from chiso.units.models import HierarchyVersion, Succession, Unit
from chiso.units.types import UnitType

pytestmark = pytest.mark.django_db


def test_national_version_has_34_provinces_and_3321_communes():
    today = HierarchyVersion.objects.get(name="2025-07")
    units = Unit.objects.filter(version=today)
    assert units.filter(type__in=[UnitType.CITY, UnitType.PROVINCE]).count() == 34
    communes = units.filter(type__in=[UnitType.WARD, UnitType.COMMUNE, UnitType.SPECIAL_ZONE, UnitType.TOWNLET])
    assert communes.count() == 3321
    assert units.get(code="VN").parent is None
    thanh_khe = units.get(code="20209")
    assert (thanh_khe.latitude, thanh_khe.longitude) == (16.0697, 108.203)


def test_danang_versions_have_the_documented_numbers_of_units():
    assert Unit.objects.filter(version__name="2024", type__in=[UnitType.WARD, UnitType.COMMUNE]).count() == 56
    assert Unit.objects.filter(version__name="2025-01", type__in=[UnitType.WARD, UnitType.COMMUNE]).count() == 47
    danang_today = Unit.objects.get(version__name="2025-07", code="48")
    assert danang_today.children.count() == 94
    assert Succession.objects.filter(source__startswith="Minh họa").count() == 12  # demo tổ dân phố
    areas = Succession.objects.filter(from_unit__type=UnitType.RESIDENTIAL_AREA)
    assert areas.count() == 6  # the demo's three khu dân cư of Thạc Gián carried into 2025-01 and 2025-07
    assert Succession.objects.exclude(source__startswith="Minh họa").exclude(pk__in=areas).count() == 137


def test_a_code_names_different_units_in_different_versions():
    assert Unit.objects.get(version__name="2024", code="20209").name == "Phường Xuân Hà"
    assert Unit.objects.get(version__name="2025-07", code="20209").name == "Phường Thanh Khê"
    assert Unit.objects.get(version__name="2024", code="20218").name == "Phường Vĩnh Trung"
    assert Unit.objects.get(version__name="2025-01", code="20218").name == "Phường Thạc Gián"


def test_successions_carry_kind_and_share():
    hoa_minh = Unit.objects.get(version__name="2024", code="20200")
    to_thanh_khe_tay = Succession.objects.get(from_unit=hoa_minh, to_unit__code="20206")
    assert to_thanh_khe_tay.kind == "split_part"
    assert to_thanh_khe_tay.population_share == Decimal("0.2612")
    thac_gian = Unit.objects.get(version__name="2024", code="20221")
    assert [(s.to_unit.version.name, s.to_unit.code, s.kind) for s in thac_gian.successions.exclude(
        to_unit__type=UnitType.RESIDENTIAL_GROUP)] == [("2025-01", "20218", "merge")]
    hoa_lien = Unit.objects.get(version__name="2025-01", code="20296")
    assert sorted((s.to_unit.code, s.population_share) for s in hoa_lien.successions.all()) == [
        ("20194", None), ("20197", None)]


def test_paths_make_subtrees_one_query():
    thanh_khe = Unit.objects.get(version__name="2024", code="491")
    wards = Unit.objects.filter(path__startswith=thanh_khe.path, type=UnitType.WARD)
    assert wards.count() == 10
    assert Unit.objects.get(version__name="2024", code="20221").depth == 2


def test_the_loaded_database_keeps_every_invariant():
    assert invariants.check_database() == []


def test_reloading_changes_nothing():
    before = (Unit.objects.count(), Succession.objects.count())
    load_reference()
    assert (Unit.objects.count(), Succession.objects.count()) == before


def _malformed_copy(tmp_path: Path, line: int, column: str, value: str) -> Path:
    lines = UNITS_FILE.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[line - 1].split(",")
    cells[header.index(column)] = value
    lines[line - 1] = ",".join(cells)
    bad = tmp_path / "danang_units.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return bad


def test_a_malformed_units_file_names_row_and_field_and_changes_nothing(tmp_path):
    bad = _malformed_copy(tmp_path, 12, "lat", "mười sáu")
    Unit.objects.filter(version__name="2024", code="20194").update(name="Tên tạm")
    count = Unit.objects.count()
    with pytest.raises(LoadError) as error:
        load_reference(units_file=bad)
    assert error.value.problems == [
        "danang_units.csv, dòng 12, cột 'lat': 'mười sáu' không phải là số (dùng dấu chấm thập phân, ví dụ 16.0544)."
    ]
    assert Unit.objects.count() == count
    assert Unit.objects.get(version__name="2024", code="20194").name == "Tên tạm"


def test_an_unknown_parent_and_type_are_both_reported(tmp_path):
    bad = _malformed_copy(tmp_path, 20, "parent_code", "999")
    lines = bad.read_text(encoding="utf-8").splitlines()
    lines[21] = lines[21].replace(",Phường,", ",Phuong cu,", 1)
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(LoadError) as error:
        load_reference(units_file=bad)
    assert "danang_units.csv, dòng 20, cột 'parent_code': không có đơn vị mã 999 trong phiên bản 2024." in error.value.problems
    assert any(p.startswith("danang_units.csv, dòng 22, cột 'type': loại đơn vị 'Phuong cu' không xác định")
               for p in error.value.problems)


# --- invariants on plain records ------------------------------------------------------------------

V1 = VersionRecord(1, "A", None, date(2024, 12, 31))
V2 = VersionRecord(2, "B", date(2025, 1, 1), None)


def unit_record(id, version, code, level=3, parent=None, valid_from=None, valid_to=None):
    return UnitRecord(id, version.id, code, f"Đơn vị {code}", level, parent, valid_from, valid_to)


def test_a_consistent_pair_of_versions_passes():
    units = [unit_record(1, V1, "48", 1), unit_record(2, V1, "100", 3, 1),
             unit_record(3, V2, "48", 1), unit_record(4, V2, "200", 3, 3)]
    links = [SuccessionRecord(1, 3, "unchanged", Decimal(1)), SuccessionRecord(2, 4, "merge", Decimal(1))]
    assert invariants.check([V1, V2], units, links) == []


def test_a_unit_without_successor_is_reported():
    units = [unit_record(1, V1, "100"), unit_record(2, V2, "200")]
    assert invariants.check([V1, V2], units, []) == [
        "Đơn vị 100 (100, phiên bản A) không có đơn vị kế thừa trong phiên bản sau."
    ]


def test_the_same_code_twice_at_the_same_time_is_reported():
    units = [unit_record(1, V2, "48", 1), unit_record(2, V2, "100", 3, 1, valid_to=date(2025, 6, 30)),
             unit_record(3, V2, "100", 3, 1, valid_from=date(2025, 6, 1))]
    assert invariants.check([V2], units, []) == [
        "Mã 100 được dùng cho hai đơn vị cùng thời gian: Đơn vị 100 (100, phiên bản B) và Đơn vị 100 (100, phiên bản B)."
    ]


def test_a_parent_that_ends_before_its_child_is_reported():
    units = [unit_record(1, V2, "48", 1, valid_to=date(2025, 6, 30)), unit_record(2, V2, "100", 3, 1)]
    assert invariants.check([V2], units, []) == [
        "Đơn vị 100 (100, phiên bản B): cấp trên Đơn vị 48 không có hiệu lực suốt thời gian của đơn vị."
    ]


def test_overlapping_versions_and_oversized_shares_are_reported():
    late = VersionRecord(3, "C", date(2024, 6, 1), None)
    units = [unit_record(1, V1, "100"), unit_record(2, late, "200"), unit_record(3, late, "300")]
    links = [SuccessionRecord(1, 2, "split_part", Decimal("0.7")), SuccessionRecord(1, 3, "split_part", Decimal("0.5"))]
    assert invariants.check([V1, late], units, links) == [
        "Phiên bản A và C có hiệu lực chồng lên nhau.",
        "Đơn vị 100 (100, phiên bản A): tổng tỷ lệ dân số chuyển đi vượt quá 1.",
    ]
