"""Certification against a criteria set ("Khu dân cư công nghệ số") through the API, read only:
``GET /criteria/certifications?unit=&version=&set=``.

A certification with a decision is public; an assessment without one (not yet decided, or not met) only for
whoever may read the unit's unpublished figures (``ranking.certification.readable``, through
``accounts.access.can_read_certification``): others do not see it at all.
"""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from chiso.api import queries
from chiso.api.auth import reader
from chiso.api.limits import LIMIT, MAX_OFFSET, next_link, page_size
from chiso.api.schemas import NEXT, ErrorOut
from chiso.ranking.certification import STATES, readable_certifications, state_of
from chiso.ranking.models import Certification

router = Router(tags=["Công nhận theo bộ tiêu chí"])
DEFAULT_LIMIT = 100


class CertificationOut(Schema):
    unit: str = Field(..., description="Mã đơn vị (khu dân cư, tổ dân phố, thôn …)")
    name: str
    version: str
    set: str = Field(..., description="Mã bộ tiêu chí")
    set_version: int
    set_name: str
    period: str = Field(..., description="Kỳ được đánh giá: 2024, 2024Q3, 2024-07")
    passed: list[str]
    failed: list[str]
    missing: list[str] = Field(..., description="Tiêu chí thiếu số liệu đã công bố hoặc câu trả lời")
    label: str = Field(..., description="Ví dụ: 7/10 tiêu chí")
    meets: bool = Field(..., description="Đạt bộ tiêu chí (mọi tiêu chí bắt buộc và k tiêu chí không bắt buộc)")
    certified: bool = Field(..., description="Đã có quyết định công nhận")
    decision: str
    decision_date: date | None
    valid_until: date | None
    state: str = Field(..., description="certified, expired (hết hiệu lực), pending (chờ quyết định) hoặc not_met")
    state_label: str
    is_illustrative: bool = Field(..., description="Minh họa: không phải kết quả thật")

    @classmethod
    def of(cls, found: Certification, today: date) -> CertificationOut:
        total = found.method.components.count()
        state = state_of(found, today)
        return cls(unit=found.unit.code, name=found.unit.name, version=found.unit.version.name, set=found.method.code,
                   set_version=found.method.version, set_name=found.method.name, period=found.period,
                   passed=list(found.passed), failed=list(found.failed), missing=list(found.missing),
                   label=f"{len(found.passed)}/{total} tiêu chí", meets=found.meets, certified=found.certified,
                   decision=found.decision, decision_date=found.decision_date, valid_until=found.valid_until,
                   state=state, state_label=STATES[state], is_illustrative=found.is_illustrative)


class CertificationPage(Schema):
    count: int
    limit: int
    offset: int
    next: str | None = Field(None, description=NEXT)
    items: list[CertificationOut]


@router.get("/criteria/certifications", response={200: CertificationPage, 400: ErrorOut, 401: ErrorOut,
                                                  404: ErrorOut},
            summary="Kết quả đánh giá, công nhận theo bộ tiêu chí của một đơn vị và các đơn vị trực thuộc")
def list_certifications(
    request: HttpRequest,
    unit: str = Query(..., example="20221", description="Mã đơn vị: chính nó và các đơn vị trực thuộc"),
    version: str | None = Query(None, example="2024", description="Phiên bản danh mục; mặc định phiên bản đang "
                                                                  "có hiệu lực"),
    set: str = Query("", description="Mã bộ tiêu chí, ví dụ kdc-cong-nghe-so; trống: mọi bộ"),  # noqa: A002
    limit: int | None = Query(None, ge=1, description=LIMIT),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> object:
    """Each assessment, newest period first within a unit and set: passed, failed and missing criteria, the
    decision, its validity. Decided certifications are public; the others only for who may read the unit's
    unpublished figures."""
    size = page_size(request, limit, DEFAULT_LIMIT)
    found = readable_certifications(queries.unit(queries.version(version).name, unit), reader(request),
                                    set_code=set)
    today = timezone.localdate()
    return CertificationPage(
        count=len(found), limit=size, offset=offset,
        next=next_link(request, offset=offset + size, limit=size) if offset + size < len(found) else None,
        items=[CertificationOut.of(c, today) for c in found[offset:offset + size]])
