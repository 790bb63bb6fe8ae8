"""Reported figures: ``/values``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from chiso.accounts.access import can_read_drafts
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

    Only figures of approved reports, unless the caller may read the unit's drafts (a reporter,
    approver or analyst of it, or an administrator).
    """
    in_version = queries.version(version)
    drafts = unit is not None and can_read_drafts(request.user, queries.unit(in_version.name, unit)) or bool(
        getattr(request.user, "is_superuser", False))
    found = queries.values(in_version, unit_code=unit, data=queries.split_codes(data), period=period,
                           published_only=not drafts)
    return ValuePage(count=found.count(), limit=limit, offset=offset,
                     items=[ValueOut.of(v) for v in found[offset:offset + limit]])
