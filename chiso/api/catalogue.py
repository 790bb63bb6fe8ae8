"""The indicator catalogue: ``/indicators`` and ``/data-elements``."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from chiso.api import queries
from chiso.api.limits import CURSOR, MAX_OFFSET, next_page, page_size, page_start
from chiso.api.schemas import DataElementOut, ErrorOut, IndicatorOut

router = Router(tags=["Danh mục chỉ tiêu"])
LIMIT = ("Số mục tối đa; mặc định cả danh mục đến CHISO_API_MAX_ROWS (5.000) với mã truy cập hoặc đăng nhập, "
         "CHISO_API_ANONYMOUS_MAX_ROWS (1.000) nếu không. Còn nữa thì tiêu đề Link chỉ trang sau")


def _page(request: HttpRequest, response: HttpResponse, found: QuerySet, limit: int | None,  # type: ignore[type-arg]
          offset: int, cursor: str | None) -> list:  # type: ignore[type-arg]
    """One page of a catalogue list; the body stays a plain list, the total and the next page are headers
    (``X-Total-Count``, ``Link: <…>; rel="next"``)."""
    size = page_size(request, limit)
    offset = page_start(request, cursor, offset)
    count = found.count()
    response["X-Total-Count"] = str(count)
    following = next_page(request, offset, size, count)
    if following:
        response["Link"] = f'<{following}>; rel="next"'
    return list(found[offset:offset + size])


@router.get("/indicators", response={200: list[IndicatorOut], 400: ErrorOut}, summary="Các chỉ tiêu")
def list_indicators(
    request: HttpRequest,
    response: HttpResponse,
    pillar: str | None = Query(None, description="Chỉ lấy chỉ tiêu của một trụ cột (CQS, KTS, XHS, …)"),
    limit: int | None = Query(None, ge=1, description=LIMIT),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    cursor: str | None = Query(None, description=CURSOR),
) -> list[IndicatorOut]:
    """Each indicator with its formula: value = numerator ÷ denominator × factor, or the reported
    element when a unit knows only the result."""
    return [IndicatorOut.of(i) for i in _page(request, response, queries.indicators(pillar), limit, offset, cursor)]


@router.get("/data-elements", response={200: list[DataElementOut], 400: ErrorOut}, summary="Các yếu tố dữ liệu")
def list_data_elements(
    request: HttpRequest,
    response: HttpResponse,
    limit: int | None = Query(None, ge=1, description=LIMIT),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    cursor: str | None = Query(None, description=CURSOR),
) -> list[DataElementOut]:
    """The figures units report, and how each adds up over time and over the hierarchy."""
    return [DataElementOut.of(e) for e in _page(request, response, queries.data_elements(), limit, offset, cursor)]
