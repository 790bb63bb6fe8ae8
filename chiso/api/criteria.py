"""Certification against a criteria set ("Khu dân cư công nghệ số") through the API:
``GET /criteria/certifications?unit=&version=&set=``; ``POST /criteria/assessments`` (the unit's officer assesses
a period: figures are read from what is published, manual criteria answered with evidence) and
``POST /criteria/certifications`` (an approver above records the decision). The actions in
``ranking.certification`` own every rule; refusals come back with their status and the field they are about.

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
from chiso.api.auth import WRITE_AUTH, reader
from chiso.api.limits import CURSOR, LIMIT, MAX_OFFSET, next_page, page_size, page_start
from chiso.api.rankings import ERRORS, RefusalOut, _refused, _text
from chiso.api.schemas import NEXT, ErrorOut, Reply
from chiso.ranking.actions import RankingError
from chiso.ranking.certification import STATES, do_assess, do_certify, readable_certifications, state_of
from chiso.ranking.models import Certification, Method, MethodKind
from chiso.values.models import Channel

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
    cursor: str | None = Query(None, description=CURSOR),
) -> object:
    """Each assessment, newest period first within a unit and set: passed, failed and missing criteria, the
    decision, its validity. Decided certifications are public; the others only for who may read the unit's
    unpublished figures."""
    size = page_size(request, limit, DEFAULT_LIMIT)
    offset = page_start(request, cursor, offset)
    found = readable_certifications(queries.unit(queries.version(version).name, unit), reader(request),
                                    set_code=set)
    today = timezone.localdate()
    return CertificationPage(
        count=len(found), limit=size, offset=offset,
        next=next_page(request, offset, size, len(found)),
        items=[CertificationOut.of(c, today) for c in found[offset:offset + size]])


class Answer(Schema):
    value: str | float = Field(..., description="có / không, hoặc một số (91,5)")
    evidence: str = Field("", description="Tài liệu kiểm chứng: số hiệu, tên văn bản hoặc đường dẫn")


class AssessmentIn(Schema):
    set: str = Field(..., description="Mã bộ tiêu chí, ví dụ kdc-cong-nghe-so")
    set_version: int | None = Field(None, description="Phiên bản bộ tiêu chí; mặc định phiên bản mới nhất")
    unit: str = Field(..., description="Mã đơn vị được đánh giá (khu dân cư, tổ dân phố …)")
    version: str | None = Field(None, description="Phiên bản danh mục đơn vị; mặc định phiên bản đang có hiệu lực")
    period: str = Field(..., description="Kỳ đánh giá: 2024, 2024Q3 hoặc 2024-07", max_length=12)
    answers: dict[str, Answer] = Field(default_factory=dict, description="Tiêu chí thủ công: {mã: {value, evidence}}")


class CertifyIn(Schema):
    set: str
    set_version: int | None = None
    unit: str
    version: str | None = None
    period: str = Field(..., max_length=12)
    decision: str = Field(..., description="Số quyết định công nhận")
    decision_date: date
    valid_until: date = Field(..., description="Hiệu lực đến (đánh giá duy trì trước ngày này)")
    reason: str = ""


MAX_ANSWERS = 50  # a criteria set has about ten criteria


def _criteria_set(code: str, version: int | None) -> Method:
    found = Method.objects.filter(code=code, kind=MethodKind.CRITERIA)
    method = found.filter(version=version).first() if version is not None else found.order_by("-version").first()
    if method is None:
        raise queries.NotFound(f"Không có bộ tiêu chí '{code}'" + (f" phiên bản {version}" if version else "") + ".")
    return method


@router.post("/criteria/assessments", auth=WRITE_AUTH, response={200: CertificationOut, **ERRORS},
             summary="Đánh giá một đơn vị theo bộ tiêu chí cho một kỳ (số liệu đã công bố, tiêu chí thủ công)")
def post_assessment(request: HttpRequest, payload: AssessmentIn) -> object:
    """Each criterion reading a figure takes the unit's published figure of the period (missing when there is
    none); manual criteria take ``answers`` (an answer that meets its criterion needs evidence). Assessing the
    same period again replaces the verdict until a decision certifies it."""
    if len(payload.answers) > MAX_ANSWERS:
        return Reply(400, RefusalOut(detail=f"Tối đa {MAX_ANSWERS} câu trả lời.", field="answers"))
    method = _criteria_set(payload.set, payload.set_version)
    unit = queries.unit(queries.version(payload.version).name, payload.unit)
    answers = {code: {"value": _text(a.value), "evidence": a.evidence} for code, a in payload.answers.items()}
    try:
        found = do_assess(method, unit, payload.period, acting_user=request.auth, answers=answers)
    except RankingError as error:
        return _refused(error)
    return Reply(200, CertificationOut.of(found, timezone.localdate()))


@router.post("/criteria/certifications", auth=WRITE_AUTH, response={200: CertificationOut, **ERRORS},
             summary="Công nhận một đơn vị đạt bộ tiêu chí: số quyết định, ngày, hiệu lực đến")
def post_certification(request: HttpRequest, payload: CertifyIn) -> object:
    """Only an assessment that meets the set, by an approver above the unit or an administrator; the ward's count
    of certified areas is written as a figure in the same transaction."""
    method = _criteria_set(payload.set, payload.set_version)
    unit = queries.unit(queries.version(payload.version).name, payload.unit)
    found = Certification.objects.filter(method=method, unit=unit, period=payload.period).first()
    if found is None:
        return Reply(404, RefusalOut(detail=f"{unit.name} chưa được đánh giá kỳ {payload.period} theo bộ tiêu chí "
                                            "này: đánh giá trước (POST /criteria/assessments).", field="period"))
    try:
        certified = do_certify(found, acting_user=request.auth, decision=payload.decision,
                               decision_date=payload.decision_date, valid_until=payload.valid_until,
                               channel=Channel.API, reason=payload.reason)
    except RankingError as error:
        return _refused(error)
    return Reply(200, CertificationOut.of(certified, timezone.localdate()))
