"""The indicator catalogue: ``/indicators`` and ``/data-elements``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from chiso.api import queries
from chiso.api.schemas import DataElementOut, IndicatorOut

router = Router(tags=["Danh mục chỉ tiêu"])


@router.get("/indicators", response=list[IndicatorOut], summary="Các chỉ tiêu")
def list_indicators(
    request: HttpRequest,
    pillar: str | None = Query(None, description="Chỉ lấy chỉ tiêu của một trụ cột (CQS, KTS, XHS, …)"),
) -> list[IndicatorOut]:
    """Each indicator with its formula: value = numerator ÷ denominator × factor, or the reported
    element when a unit knows only the result."""
    return [IndicatorOut.of(i) for i in queries.indicators(pillar)]


@router.get("/data-elements", response=list[DataElementOut], summary="Các yếu tố dữ liệu")
def list_data_elements(request: HttpRequest) -> list[DataElementOut]:
    """The figures units report, and how each adds up over time and over the hierarchy."""
    return [DataElementOut.of(e) for e in queries.data_elements()]
