"""Aggregated figures: ``/analytics/values`` (JSON or CSV)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema

from chiso.accounts.access import can_read_drafts
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
    """Figures of approved reports only, unless the caller may read drafts of every unit asked.
    Rates are ratios of sums; flows sum over time, stocks take the last value; a unit's own figure
    is never added to its children's (both are returned, ``differs`` flags a gap); figures of former
    units are re-expressed through the successions (``estimated`` when a split share was used)."""
    version = queries.version(hierarchy)
    try:
        period_list = [Period.parse(p) for p in queries.split_codes(periods)]
        chosen = resolve_units(units, version)
        rows = evaluate(queries.split_codes(data), chosen, period_list,
                        published_only=not all(can_read_drafts(request.user, u) for u in chosen))
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


class ForecastOut(Schema):
    value: float
    low: float
    high: float
    required_monthly_pace: float | None
    months_left: float
    will_meet_target: bool | None
    method: str


class TargetOut(Schema):
    indicator: str
    pillar: str
    name: str
    target: float
    target_date: str
    current_value: float | None
    current_period: str | None
    status: str
    status_label: str
    observed_cagr: float | None
    required_cagr: float | None
    ratio: float | None
    reason: str
    forecast: ForecastOut | None


class TargetsOut(Schema):
    unit: str
    version: str
    year: int
    targets: list[TargetOut]
    summary: dict[str, dict[str, int]]
    checks: list[str]


@router.get("/analytics/targets", response={200: TargetsOut, 400: ErrorOut, 404: ErrorOut},
            summary="Tiến độ các chỉ tiêu kế hoạch của một đơn vị: trạng thái, dự báo, kiểm tra kế hoạch")
def analytics_targets(
    request: HttpRequest,
    unit: str = Query(..., description="Mã đơn vị (đọc theo phiên bản hierarchy)"),
    year: int = Query(..., description="Năm kế hoạch"),
    hierarchy: str | None = Query(None, description="Phiên bản danh mục; mặc định: hiện hành"),
) -> TargetsOut:
    """Progress status by the Statistics Canada / Open SDG method; a linear-trend forecast to the target
    date with an 80 % interval and the monthly pace still required; the plan's consistency checks."""
    from chiso.analytics.progress import summary, target_progress
    from chiso.plans.checks import check_plan
    from chiso.plans.models import Plan

    found = queries.unit(queries.version(hierarchy).name, unit)
    progress = target_progress(found, year, published_only=not can_read_drafts(request.user, found))
    plan = Plan.objects.filter(unit=found, year=year).first()
    return TargetsOut(
        unit=found.code, version=found.version.name, year=year,
        targets=[TargetOut(
            indicator=p.target.indicator.code, pillar=p.target.indicator.pillar.code,
            name=p.target.indicator.name_vi, target=float(p.target.value),
            target_date=p.target.target_date.isoformat(),
            current_value=_number(p.current.value) if p.current else None,
            current_period=str(p.current.period) if p.current else None,
            status=p.assessment.status.value, status_label=p.assessment.status.vi,
            observed_cagr=p.assessment.observed_cagr, required_cagr=p.assessment.required_cagr,
            ratio=p.assessment.ratio, reason=p.assessment.reason,
            forecast=ForecastOut(value=p.forecast.value, low=p.forecast.low, high=p.forecast.high,
                                 required_monthly_pace=p.forecast.required_monthly_pace,
                                 months_left=p.forecast.months_left,
                                 will_meet_target=p.forecast.will_meet_target,
                                 method=p.forecast.method) if p.forecast else None,
        ) for p in progress],
        summary={pillar: {status.value: n for status, n in counts.items()}
                 for pillar, counts in summary(progress).items()},
        checks=check_plan(plan) if plan else [],
    )
