"""Hierarchy versions and units: ``/versions``, ``/units``, ``/units/{version}/{code}``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from chiso.api import queries
from chiso.api.limits import CURSOR, LIMIT, MAX_OFFSET, next_page, page_size, page_start
from chiso.api.schemas import ErrorOut, LinkOut, UnitDetailOut, UnitOut, UnitPage, VersionOut

router = Router(tags=["Đơn vị hành chính"])

DEFAULT_LIMIT = 100


@router.get("/versions", response=list[VersionOut], summary="Các phiên bản danh mục đơn vị")
def list_versions(request: HttpRequest) -> list[VersionOut]:
    """Each map of units in force during an interval, oldest first. A unit code means something only
    within a version: 20209 was phường Xuân Hà in 2024 and is phường Thanh Khê from 1/7/2025."""
    return [VersionOut(name=v.name, label=v.label, valid_from=v.valid_from, valid_to=v.valid_to)
            for v in queries.versions()]


@router.get("/units", response={200: UnitPage, 400: ErrorOut, 404: ErrorOut}, summary="Danh sách đơn vị")
def list_units(
    request: HttpRequest,
    version: str | None = Query(None, example="2024", description="Phiên bản; mặc định phiên bản đang có hiệu lực"),
    parent: str | None = Query(None, example="491", description="Mã đơn vị cấp trên: chỉ liệt kê đơn vị trực thuộc"),
    q: str | None = Query(None, example="thac gian", description="Tìm theo tên, có dấu hay không dấu (ví dụ: thac gian)"),
    type: str | None = Query(None, description="Loại đơn vị, nhiều loại cách nhau bằng dấu phẩy: phuong,xa"),
    limit: int | None = Query(None, ge=1, description=LIMIT),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    cursor: str | None = Query(None, description=CURSOR),
) -> UnitPage:
    """Units of one version in tree order (each unit followed by those under it)."""
    size = page_size(request, limit, DEFAULT_LIMIT)
    offset = page_start(request, cursor, offset)
    found = queries.units(queries.version(version), parent=parent, q=q, types=queries.split_codes(type))
    count = found.count()
    return UnitPage(count=count, limit=size, offset=offset,
                    next=next_page(request, offset, size, count),
                    items=[UnitOut.of(u) for u in found[offset:offset + size]])


@router.get("/units/{version}/{code}", response={200: UnitDetailOut, 404: ErrorOut},
            summary="Một đơn vị, với đơn vị kế thừa và tiền thân")
def get_unit(request: HttpRequest, version: str, code: str) -> UnitDetailOut:
    """A unit of a version, what it became in the next version (``successors``) and what it came
    from in the previous one (``predecessors``), with the share of population that moved when known."""
    unit = queries.unit(version, code)
    return UnitDetailOut(
        **UnitOut.fields_of(unit),
        successors=[LinkOut.of(s, s.to_unit) for s in queries.successions_from(unit)],
        predecessors=[LinkOut.of(s, s.from_unit) for s in queries.successions_to(unit)],
    )
