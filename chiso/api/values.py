"""Reported figures: ``/values``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from chiso.api import queries
from chiso.api.schemas import ErrorOut, ValueOut, ValuePage

router = Router(tags=["Số liệu"])

MAX_LIMIT = 1000


@router.get("/values", response={200: ValuePage, 400: ErrorOut, 404: ErrorOut}, summary="Số liệu đã báo cáo")
def list_values(
    request: HttpRequest,
    unit: str | None = Query(None, description="Mã đơn vị (trong phiên bản đã chọn); trống: mọi đơn vị"),
    version: str | None = Query(None, description="Phiên bản danh mục; mặc định phiên bản đang có hiệu lực"),
    data: str | None = Query(None, description="Mã yếu tố dữ liệu, cách nhau bằng dấu phẩy: XHS-06,XHS-05"),
    period: str | None = Query(None, description="Kỳ: 2024, 2024Q3, 2024-07 hoặc 2024-07-15"),
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
) -> ValuePage:
    """Figures as reported (not marked deleted), by data element, unit (tree order) and period.

    For now every such figure is listed, whatever its review state. Showing only approved
    (published) figures to the public comes with the workflow, in a later issue.
    """
    found = queries.values(queries.version(version), unit_code=unit, data=queries.split_codes(data),
                           period=period)
    return ValuePage(count=found.count(), limit=limit, offset=offset,
                     items=[ValueOut.of(v) for v in found[offset:offset + limit]])
