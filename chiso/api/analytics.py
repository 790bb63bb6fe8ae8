"""Aggregated figures: ``/analytics/values`` (JSON or CSV)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema

from chiso.analytics.queries import QueryError, Row, evaluate, resolve_units
from chiso.api import queries
from chiso.api.schemas import ErrorOut
from chiso.engine.periods import Period, PeriodError

router = Router(tags=["Phân tích"])
COLUMNS = ["data", "unit", "unit_name", "version", "period", "value", "numerator", "denominator", "qualifier",
           "completeness", "reported", "expected", "estimated", "illustrative", "own_value", "children_value",
           "differs", "notes"]


class AnalyticsRow(Schema):
    data: str
    unit: str
    unit_name: str
    version: str
    period: str
    value: float | None
    numerator: float | None
    denominator: float | None
    qualifier: str
    completeness: float | None
    reported: int
    expected: int
    estimated: bool
    illustrative: bool
    own_value: float | None
    children_value: float | None
    differs: bool
    notes: list[str]


class AnalyticsOut(Schema):
    rows: list[AnalyticsRow]


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value, 6))


def _as_dict(row: Row) -> dict[str, object]:
    return {
        "data": row.data, "unit": row.unit.code, "unit_name": row.unit.name, "version": row.unit.version.name,
        "period": str(row.period), "value": _number(row.value), "numerator": _number(row.numerator),
        "denominator": _number(row.denominator), "qualifier": row.qualifier, "completeness": row.completeness,
        "reported": row.reported, "expected": row.expected, "estimated": row.estimated,
        "illustrative": row.illustrative, "own_value": _number(row.own_value),
        "children_value": _number(row.children_value), "differs": row.differs, "notes": row.notes,
    }


@router.get("/analytics/values", response={200: AnalyticsOut, 400: ErrorOut, 404: ErrorOut},
            summary="Số liệu tổng hợp: chỉ tiêu hoặc yếu tố dữ liệu × đơn vị × kỳ")
def analytics_values(
    request: HttpRequest,
    data: str = Query(..., description="Mã chỉ tiêu hoặc yếu tố dữ liệu, cách nhau bằng dấu phẩy: XHS-04,XHS-06"),
    units: str = Query(..., description="Mã đơn vị; '48/children' (đơn vị trực thuộc); '48/level-3' (cấp xã)"),
    periods: str = Query(..., description="Kỳ, cách nhau bằng dấu phẩy: 2024,2024Q3,2024-07"),
    hierarchy: str | None = Query(None, description="Phiên bản danh mục để đọc mã đơn vị; mặc định: hiện hành"),
    format: str = Query("json", description="json hoặc csv"),
) -> HttpResponse | AnalyticsOut:
    """Rates are ratios of sums; flows sum over time, stocks take the last value; a unit's own figure
    is never added to its children's (both are returned, ``differs`` flags a gap); figures of former
    units are re-expressed through the successions (``estimated`` when a split share was used)."""
    version = queries.version(hierarchy)
    try:
        period_list = [Period.parse(p) for p in queries.split_codes(periods)]
        rows = evaluate(queries.split_codes(data), resolve_units(units, version), period_list)
    except (QueryError, PeriodError) as error:
        raise queries.BadRequest(str(error)) from None
    if format == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, COLUMNS)
        writer.writeheader()
        for row in rows:
            values = _as_dict(row)
            values["notes"] = " | ".join(row.notes)
            writer.writerow(values)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="chiso-analytics.csv"'
        return response
    return AnalyticsOut(rows=[AnalyticsRow(**_as_dict(r)) for r in rows])
