"""Reported figures: ``/values``."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja import Query, Router

from chiso.accounts.access import unpublished_read_prefixes
from chiso.api import queries
from chiso.api.auth import reader
from chiso.api.limits import CURSOR, LIMIT, MAX_OFFSET, next_page, page_size, page_start
from chiso.api.schemas import ErrorOut, ValueOut, ValuePage
from chiso.collection.queries import readable

router = Router(tags=["Số liệu"])

DEFAULT_LIMIT = 100


@router.get("/values", response={200: ValuePage, 400: ErrorOut, 404: ErrorOut}, summary="Số liệu đã báo cáo")
def list_values(
    request: HttpRequest,
    unit: str | None = Query(None, example="20221", description="Mã đơn vị (trong phiên bản đã chọn); trống: mọi đơn vị"),
    version: str | None = Query(None, example="2024", description="Phiên bản danh mục; mặc định phiên bản đang có hiệu lực"),
    data: str | None = Query(None, example="XHS-06,XHS-05", description="Mã yếu tố dữ liệu, cách nhau bằng dấu phẩy: XHS-06,XHS-05"),
    period: str | None = Query(None, example="2024-12", description="Kỳ: 2024, 2024Q3, 2024-07 hoặc 2024-07-15"),
    limit: int | None = Query(None, ge=1, description=LIMIT),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    cursor: str | None = Query(None, description=CURSOR),
) -> ValuePage:
    """Figures as reported (not marked deleted), by data element, unit (tree order) and period.

    Figures of approved reports, and those of the drafts the caller may read (a reporter, approver or
    analyst of the figure's unit or a unit above it, or an administrator), judged figure by figure.
    """
    size = page_size(request, limit, DEFAULT_LIMIT)
    offset = page_start(request, cursor, offset)
    user = reader(request) or AnonymousUser()
    in_version = queries.version(version)
    found = readable(queries.values(in_version, unit_code=unit, data=queries.split_codes(data), period=period,
                                    published_only=False), unpublished_read_prefixes(user))
    count = found.count()
    return ValuePage(count=count, limit=size, offset=offset,
                     next=next_page(request, offset, size, count),
                     items=[ValueOut.of(v) for v in found[offset:offset + size]])
