"""Aggregated figures: ``/analytics/values`` (JSON or CSV)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import Field, Query, Router, Schema

from chiso.accounts.access import unpublished_read_prefixes
from chiso.analytics.queries import QueryError, Row, evaluate, measures, resolve_units
from chiso.api import queries
from chiso.api.auth import reader
from chiso.api.cells import CellGrid
from chiso.api.limits import make_cursor, next_link, page_size, read_cursor
from chiso.api.schemas import ErrorOut
from chiso.engine.periods import MAX_YEAR, MIN_YEAR, Period, PeriodError
from chiso.engine.spreadsheet import safe_cell
from chiso.units.models import Unit

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
    count: int = Field(0, description="Số ô của cả truy vấn: số mã × số đơn vị × số kỳ")
    limit: int = Field(0, description="Số dòng tối đa của trang này")
    next: str | None = Field(None, description="Liên kết tới trang sau (tham số cursor); trống: trang cuối")
    rows: list[AnalyticsRow]


MISSING = {
    "data": "ghi ít nhất một mã chỉ tiêu hoặc yếu tố dữ liệu, cách nhau bằng dấu phẩy (ví dụ XHS-04,XHS-06)",
    "units": "ghi ít nhất một mã đơn vị, cách nhau bằng dấu phẩy (ví dụ 491; 48/children; 48/level-3)",
    "periods": "ghi ít nhất một kỳ, cách nhau bằng dấu phẩy (ví dụ 2024,2024Q3,2024-07)",
}
PAGE = ("Số dòng mỗi trang; mặc định và tối đa CHISO_API_MAX_ROWS (5.000) với mã truy cập hoặc đăng nhập, "
        "CHISO_API_ANONYMOUS_MAX_ROWS (1.000) nếu không. Đếm trước khi tính: số mã × số đơn vị × số kỳ")


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


def _csv_lines(rows: Iterator[Row]) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS)
    writer.writeheader()
    for row in rows:
        values = _as_dict(row)
        values["notes"] = " | ".join(row.notes)
        writer.writerow({k: safe_cell(v) for k, v in values.items()})  # a unit name cannot become a formula
        if out.tell() > 64_000:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


@router.get("/analytics/values", response={200: AnalyticsOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
            summary="Số liệu tổng hợp: chỉ tiêu hoặc yếu tố dữ liệu × đơn vị × kỳ")
def analytics_values(
    request: HttpRequest,
    data: str = Query("", example="XHS-06,CQS-03",
                      description="Mã chỉ tiêu hoặc yếu tố dữ liệu, cách nhau bằng dấu phẩy: XHS-04,XHS-06"),
    units: str = Query("", example="491/children",
                       description="Mã đơn vị; '48/children' (đơn vị trực thuộc); '48/level-3' (cấp xã)"),
    periods: str = Query("", example="2024,2024-12", description="Kỳ, cách nhau bằng dấu phẩy: 2024,2024Q3,2024-07"),
    hierarchy: str | None = Query(None, example="2024",
                                   description="Phiên bản danh mục để đọc mã đơn vị; mặc định: hiện hành"),
    format: str = Query("json", description="json hoặc csv (CSV: trang sau trong tiêu đề Link)"),
    limit: int | None = Query(None, ge=1, description=PAGE),
    cursor: str | None = Query(None, description="Trang sau: lấy nguyên từ liên kết 'next' của trang trước"),
) -> HttpResponse | AnalyticsOut:
    """Figures of approved reports, and of the drafts the caller may read: each figure is judged on its
    own unit, also when it is re-expressed from older units or added into a total or a rate.
    Rates are ratios of sums; flows sum over time, stocks take the last value; a unit's own figure
    is never added to its children's (both are returned, ``differs`` flags a gap); figures of former
    units are re-expressed through the successions (``estimated`` when a split share was used).

    One answer holds at most the caller's cap of rows (one per code × unit × period); the cells are
    counted before anything is computed, and ``next`` leads to the following page."""
    asked = {"data": queries.split_codes(data), "units": queries.split_codes(units),
             "periods": queries.split_codes(periods)}
    for name, parts in asked.items():
        if not parts:
            raise queries.BadRequest(f"Thiếu tham số '{name}': {MISSING[name]}.")
    if format not in ("json", "csv"):
        raise queries.BadRequest(f"Tham số 'format' chỉ nhận json hoặc csv, không nhận '{format}'.")
    size = page_size(request, limit)
    user = reader(request) or AnonymousUser()
    version = queries.version(hierarchy)
    try:
        period_list = [Period.parse(p) for p in asked["periods"]]
        measures(asked["data"])  # an unknown code is a 400 before anything is counted or computed
        chosen = resolve_units(units, version)
    except (QueryError, PeriodError) as error:
        raise queries.BadRequest(str(error)) from None
    grid = CellGrid(asked["data"], chosen, period_list)
    query = (tuple(grid.codes), tuple(u.id for u in chosen), tuple(str(p) for p in period_list), version.name)
    start = read_cursor(cursor, query, grid.count)
    stop = min(start + size, grid.count)
    drafts_under = unpublished_read_prefixes(user)  # judged per figure, on the unit it comes from
    following = next_link(request, cursor=make_cursor(stop, query)) if stop < grid.count else None

    def evaluate_cells(codes: list[str], some: list[Unit], some_periods: list[Period]) -> list[Row]:
        return evaluate(codes, some, some_periods, published_only=drafts_under is not None,
                        drafts_under=drafts_under or ())

    if format == "csv":
        response = StreamingHttpResponse(_csv_lines(grid.rows(start, stop, evaluate_cells)),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="chiso-analytics.csv"'
        response["X-Total-Count"] = str(grid.count)
        if following:
            response["Link"] = f'<{following}>; rel="next"'
        return response
    rows = [AnalyticsRow(**_as_dict(r)) for r in grid.rows(start, stop, evaluate_cells, chunk=max(size, 1))]
    return AnalyticsOut(count=grid.count, limit=size, next=following, rows=rows)


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
    judged_on: str = Field(description='"period": the value of the target\'s year (a rate over the year, a flow '
                                       'summed, a stock\'s last value); "level_at_date": the value of the month '
                                       'of the target\'s date')
    current_value: float | None = Field(description="The figure the target is judged on (to date while it runs)")
    current_period: str | None = Field(description='Its period: "2024" (the year), "2024-12" (a month)')
    current_period_label: str = Field(description='"cả năm 2024", "năm 2025 đến tháng 6/2025", "tháng 12/2024"')
    as_of: str = Field(description="The last month read (YYYY-MM)")
    final: bool = Field(description="The target's date has passed: the status is achieved / not_achieved, "
                                    "no forecast")
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
    unit: str = Query(..., example="491", description="Mã đơn vị (đọc theo phiên bản hierarchy)"),
    year: int = Query(..., example=2024, ge=MIN_YEAR, le=MAX_YEAR, description="Năm kế hoạch"),
    hierarchy: str | None = Query(None, example="2024",
                                   description="Phiên bản danh mục; mặc định: hiện hành"),
) -> TargetsOut:
    """Progress status by the Statistics Canada / Open SDG method; a linear-trend forecast to the target
    date with an 80 % interval and the monthly pace still required; the plan's consistency checks."""
    from chiso.analytics.progress import summary, target_progress
    from chiso.plans.checks import check_plan
    from chiso.plans.models import Plan

    found = queries.unit(queries.version(hierarchy).name, unit)
    drafts_under = unpublished_read_prefixes(reader(request))
    progress = target_progress(found, year, published_only=drafts_under is not None, drafts_under=drafts_under or ())
    plan = Plan.objects.filter(unit=found, year=year).first()
    return TargetsOut(
        unit=found.code, version=found.version.name, year=year,
        targets=[TargetOut(
            indicator=p.target.indicator.code, pillar=p.target.indicator.pillar.code,
            name=p.target.indicator.name_vi, target=float(p.target.value),
            target_date=p.target.target_date.isoformat(),
            judged_on=p.standing.judged_on,
            current_value=_number(p.current.value) if p.current else None,
            current_period=str(p.standing.judged_period),
            current_period_label=p.standing.figure_label, as_of=str(p.standing.as_of), final=p.standing.final,
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
