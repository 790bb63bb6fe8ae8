"""Load the indicator catalogue: pillars, data elements, indicators. All or nothing.

An indicator's numerator and denominator are named in ``indicators.csv`` by their Vietnamese
names, matched exactly against ``data_elements.csv``; an indicator whose name matches no data
element stops the load. Each indicator also gets the data element carrying its own code (the
count itself, or the rate as reported when a unit knows only the rate).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.db import transaction

from chiso.csvfiles import LoadError, Row, read_rows
from chiso.indicators.models import (
    DataElement,
    Direction,
    Indicator,
    IndicatorKind,
    OverHierarchy,
    OverTime,
    Pillar,
    SanityBound,
    ValueType,
)
from chiso.units.types import UnitType

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference_data"
INDICATOR_COLUMNS = ["code", "pillar", "name_vi", "name_en", "unit", "kind", "direction", "over_time",
                     "numerator", "denominator", "basis", "reference_target"]


def _factor_and_decimals(kind: str, unit: str) -> tuple[Decimal, int]:
    if kind == IndicatorKind.RATE and unit == "%":
        return Decimal(100), 1
    if kind == IndicatorKind.COUNT:
        return Decimal(1), 0
    return Decimal(1), 2 if kind == IndicatorKind.SCORE else 1


@transaction.atomic
def load_catalogue(
    pillars_file: Path = REFERENCE_DIR / "pillars.csv",
    data_elements_file: Path = REFERENCE_DIR / "data_elements.csv",
    indicator_files: tuple[Path, ...] = (REFERENCE_DIR / "indicators.csv", REFERENCE_DIR / "local_indicators.csv"),
    sanity_file: Path = REFERENCE_DIR / "sanity_bounds.csv",
) -> dict[str, int]:
    rows: list[Row] = []
    for row in read_rows(pillars_file, ["code", "name_vi", "name_en", "order"]):
        rows.append(row)
        Pillar.objects.update_or_create(
            code=row.required("code"),
            defaults={"name_vi": row.required("name_vi"), "name_en": row.required("name_en"),
                      "order": int(row.get("order") or 0)},
        )
    elements: dict[str, DataElement] = {}
    for row in read_rows(data_elements_file, ["code", "name_vi", "name_en", "value_type", "unit_of_measure",
                                              "over_time", "over_hierarchy", "description"]):
        rows.append(row)
        element, _ = DataElement.objects.update_or_create(
            code=row.required("code"),
            defaults={
                "name_vi": row.required("name_vi"), "name_en": row.required("name_en"),
                "value_type": row.one_of("value_type", ValueType.values),
                "unit_of_measure": row.get("unit_of_measure"),
                "over_time": row.one_of("over_time", OverTime.values),
                "over_hierarchy": row.one_of("over_hierarchy", OverHierarchy.values),
                "description": row.get("description"),
            },
        )
        elements[element.name_vi] = element
    by_code = {e.code: e for e in elements.values()}
    pillars = {p.code: p for p in Pillar.objects.all()}
    for path in indicator_files:
        for row in read_rows(path, INDICATOR_COLUMNS):
            rows.append(row)
            code, kind = row.required("code"), row.one_of("kind", IndicatorKind.values)
            pillar = pillars.get(row.get("pillar"))
            if pillar is None:
                row.fail("pillar", f"trụ cột '{row.get('pillar')}' chưa khai báo trong {pillars_file.name}.")
            parts = {}
            for column in ("numerator", "denominator"):
                name = row.get(column)
                parts[column] = elements.get(name) if name else None
                if name and parts[column] is None:
                    row.fail(column, f"không có yếu tố dữ liệu tên '{name}' trong {data_elements_file.name}.")
            reported = by_code.get(code)
            if reported is None and code.startswith("DN-"):
                reported = _local_reported_element(row)
            if reported is None:
                row.fail("code", f"thiếu yếu tố dữ liệu mang mã {code} trong {data_elements_file.name}.")
            if row.problems:
                continue
            factor, decimals = _factor_and_decimals(kind, row.get("unit"))
            Indicator.objects.update_or_create(
                code=code,
                defaults={
                    "pillar": pillar, "name_vi": row.required("name_vi"), "name_en": row.required("name_en"),
                    "unit_of_measure": row.required("unit"), "kind": kind,
                    "direction": row.one_of("direction", Direction.values),
                    "over_time": row.one_of("over_time", OverTime.values),
                    "numerator": parts["numerator"], "denominator": parts["denominator"], "reported": reported,
                    "factor": factor, "decimals": decimals, "legal_basis": row.get("basis"),
                    "reference_target": row.get("reference_target"), "is_local": path.name.startswith("local"),
                },
            )
    rows += load_sanity_bounds(sanity_file, by_code)
    problems = [p for row in rows for p in row.problems]
    if problems:
        raise LoadError(problems)
    return {"pillars": Pillar.objects.count(), "data_elements": DataElement.objects.count(),
            "indicators": Indicator.objects.count(), "sanity_bounds": SanityBound.objects.count()}


def load_sanity_bounds(path: Path, elements: dict[str, DataElement]) -> list[Row]:
    """The usual range of a figure per data element and kind of unit (``sanity_bounds.csv``: element,
    unit_type, low, high, why); the rows read, with their problems. A figure outside it is written with a
    warning, never refused. A missing file loads nothing."""
    if not path.exists():
        return []
    rows = []
    for row in read_rows(path, ["element", "unit_type", "low", "high", "why"]):
        rows.append(row)
        element = elements.get(row.required("element"))
        if element is None and row.get("element"):
            row.fail("element", f"không có yếu tố dữ liệu mã '{row.get('element')}'.")
        unit_type = row.one_of("unit_type", UnitType.values)
        low, high = _decimal(row, "low"), _decimal(row, "high")
        if low is not None and high is not None and low > high:
            row.fail("high", f"cận trên {high} nhỏ hơn cận dưới {low}.")
        if low is None and high is None and not row.problems:
            row.fail("low", "cần ít nhất một cận (low hoặc high).")
        if not row.problems:
            SanityBound.objects.update_or_create(data_element=element, unit_type=unit_type, defaults={
                "low": low, "high": high, "why": row.get("why")})
    return rows


def _decimal(row: Row, column: str) -> Decimal | None:
    """A plain number (dot for decimals, as the reference files write them) or None when empty."""
    number = row.number(column)
    return None if number is None else Decimal(row.get(column))


def _local_reported_element(row: Row) -> DataElement:
    """A local indicator (DN-…) reports its value directly under its own code."""
    percent = row.get("unit") == "%"
    element, _ = DataElement.objects.update_or_create(
        code=row.get("code"),
        defaults={
            "name_vi": row.get("name_vi"), "name_en": row.get("name_en"),
            "value_type": ValueType.PERCENT if percent else ValueType.INTEGER,
            "unit_of_measure": row.get("unit"), "over_time": row.get("over_time"),
            "over_hierarchy": OverHierarchy.NONE if percent else OverHierarchy.SUM,
            "description": "Chỉ tiêu riêng của địa phương, báo cáo trực tiếp.",
        },
    )
    return element
