"""DHIS2 ``dataValueSets``: ``GET`` reads figures as a DHIS2 instance would, ``POST`` imports a data value set.

Both go through ``chiso.exchange`` (the read rules of every reader; the one write path) and only format here.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from chiso.api.auth import WRITE_AUTH, reader
from chiso.api.limits import max_rows
from chiso.api.queries import BadRequest, NotFound
from chiso.api.schemas import ErrorOut
from chiso.engine.numbers import format_number
from chiso.exchange.export import SelectionError, data_values, figures, selection_for
from chiso.exchange.formats import write_csv, write_json
from chiso.exchange.importing import import_data_values
from chiso.exchange.mappings import Mapping
from chiso.values.models import Channel

router = Router(tags=["DHIS2"])

# Only the JSON body is described: OpenAPI clients (and the schemathesis run) have no CSV serializer. A CSV body
# (Content-Type application/csv or text/csv) is read all the same; the operation's description says how.
BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "object", "example": {"dataValues": [
        {"dataElement": "XHS-06", "period": "202410", "orgUnit": "20221", "value": "1234"}]}}},
}}}


ORG_UNIT = Query(..., description="Mã đơn vị chiso hoặc mã DHIS2 đã ánh xạ; lặp lại hoặc cách nhau bằng dấu phẩy")
PERIOD = Query(None, description="Kỳ DHIS2: 202410, 2024Q4, 2024 (đúng các kỳ này); lặp lại được")
DATA_SET = Query(None, description="Mã biểu mẫu báo cáo (dataSet); trống: mọi yếu tố dữ liệu")


def _codes(values: list[str] | None) -> list[str]:
    """``orgUnit=491&orgUnit=492`` and ``orgUnit=491,492`` alike."""
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


@router.get("/dhis2/dataValueSets", response={200: Any, 400: ErrorOut, 404: ErrorOut},
            summary="Số liệu dạng dataValueSets của DHIS2 (JSON hoặc CSV)")
def read_data_value_set(
    request: HttpRequest,
    orgUnit: list[str] = ORG_UNIT,  # DHIS2's parameter names
    period: list[str] | None = PERIOD,
    startDate: str = Query("", description="Thay cho period: mọi kỳ nằm trong startDate..endDate (yyyy-MM-dd)"),
    endDate: str = Query("", description="Ngày cuối, yyyy-MM-dd"),
    dataSet: list[str] | None = DATA_SET,
    children: bool = Query(False, description="Cả các đơn vị cấp dưới"),
    version: str = Query("", description="Phiên bản danh mục đơn vị; mặc định phiên bản hiệu lực cuối kỳ"),
    format: str = Query("json", pattern="^(json|csv)$", description="json hoặc csv (hoặc Accept: text/csv)"),
) -> Any:
    """Each unit's own figures (with ``children``, those of every unit under it too) that the caller may read:
    published ones for everyone, unpublished ones only of the units the caller's roles cover."""
    mapping = Mapping()  # read once for the selection and the answer
    try:
        selection = selection_for(_codes(orgUnit), _codes(period), start=startDate, end=endDate,
                                  data_sets=_codes(dataSet), children=children, version=version, mapping=mapping)
    except SelectionError as error:
        raise (NotFound if error.unknown else BadRequest)(str(error)) from None
    user = reader(request)
    cap = max_rows(request)
    count = figures(selection, reader=user, published_only=False).count()
    if count > cap:
        raise BadRequest(f"Yêu cầu gồm {format_number(count)} số liệu, quá {format_number(cap)} số liệu mỗi lần: "
                         "hỏi ít đơn vị hoặc ít kỳ hơn.")
    values = data_values(selection, reader=user, published_only=False, mapping=mapping)
    if format == "csv" or "text/csv" in request.headers.get("Accept", ""):
        return HttpResponse(write_csv(values), content_type="text/csv; charset=utf-8")
    return HttpResponse(write_json(values), content_type="application/json; charset=utf-8")


@router.post("/dhis2/dataValueSets", auth=WRITE_AUTH, response={200: Any, 400: Any, 401: ErrorOut, 403: Any, 409: Any},
             summary="Nhập dataValueSets của DHIS2 (JSON hoặc CSV): tất cả hoặc không gì cả", openapi_extra=BODY)
def import_data_value_set(
    request: HttpRequest,
    dryRun: bool = Query(False, description="Chỉ kiểm tra, không ghi gì"),  # DHIS2's name
) -> HttpResponse:
    """The body (JSON, or CSV with ``Content-Type: application/csv`` or ``text/csv``: a header row, then DHIS2's
    columns by position ``dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,…``) is
    imported with the caller's rights through the one write path; the answer is DHIS2's import summary, each
    conflict naming its record and field in Vietnamese: 200 when written (or, with ``dryRun``, writable), else 400
    (the content), 403 (a unit the caller may not write) or 409 (a closed report, a figure changed meanwhile),
    nothing written."""
    kind = "csv" if "csv" in request.headers.get("Content-Type", "") else None
    summary = import_data_values("dataValueSets", request.body, acting_user=request.auth,  # type: ignore[attr-defined]
                                 channel=Channel.API, dry_run=dryRun, kind=kind)
    return HttpResponse(json.dumps(summary.as_dhis2(), ensure_ascii=False), status=summary.http_status,
                        content_type="application/json; charset=utf-8")
