"""Rankings through the API: ``/rankings`` (rounds, their ranking, every scorecard explained), the writes of a
round (claims, a claim with its evidence file as multipart, verdicts, moves) and ``/rankings/methods`` (the
methods, public reference data).

Reads need no credentials and show what the caller may see, as the pages do (``ranking.queries``: the rounds
of ``readable_rounds``; a ranking table, and a rank on a scorecard, once published or for whoever
``sees_whole_round``: who decides the round or may read every scorecard of it; a scorecard as
``accounts.access.can_read_scorecard`` says); anything else is a 404, as if it did not exist. Writes need an API
token or a logged-in session with its CSRF token and call the same actions as the pages
(``ranking.actions``): this module reads the request and formats the refusal, ``{"detail", "field"}`` with
the action's status (400 not a sensible value, 403 not allowed, 409 not at this step).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile

from chiso.accounts.access import can_read_scorecard
from chiso.api.auth import WRITE_AUTH, reader
from chiso.api.limits import CURSOR, LIMIT, MAX_OFFSET, next_page, page_size, page_start
from chiso.api.schemas import NEXT, ErrorOut, Reply
from chiso.ranking.actions import RankingError, do_claim, do_move_round, do_move_scorecard, do_verify
from chiso.ranking.models import Assessment, Method, MethodKind, Round, Scorecard
from chiso.ranking.queries import explain, ranking, readable_rounds, sees_whole_round

router = Router(tags=["Xếp hạng chuyển đổi số"])
DEFAULT_LIMIT = 100
VALUE = ("Giá trị: số viết kiểu Việt Nam dạng chuỗi (\"91,5\", \"1.000\") hoặc số JSON (91.5); có/không cho quy "
         "tắc boolean; tên loại cho quy tắc categorical")


# -- shapes ---------------------------------------------------------------------------------------------

class RefusalOut(Schema):
    detail: str = Field(..., description="Lý do, bằng tiếng Việt")
    field: str = Field("", description="Trường của yêu cầu mà lý do nói tới (nếu có)")


class MethodRefOut(Schema):
    code: str
    version: int
    name: str
    is_illustrative: bool = Field(..., description="Điểm hoặc quy tắc không công bố, đặt để thử (minh họa)")


class RoundOut(Schema):
    id: int
    title: str
    year: int
    peer_group: str = Field(..., description="phuong, xa, phuong-xa, quan-huyen hoặc so-nganh")
    peer_group_label: str
    within: str = Field(..., description="Mã đơn vị mà đợt xếp hạng các đơn vị trực thuộc")
    version: str = Field(..., description="Phiên bản danh mục đơn vị của đợt")
    method: MethodRefOut
    is_illustrative: bool = Field(..., description="Đợt hoặc phương pháp minh họa (không phải kết quả thật)")
    status: str = Field(..., description="self_assessment, verification, council, approved hoặc published")
    status_label: str
    decision: str = Field(..., description="Số quyết định phê duyệt kết quả (trống: chưa phê duyệt)")
    decision_date: date | None
    ranking_readable: bool = Field(..., description="Người gọi đọc được bảng xếp hạng: đã công bố, hoặc người "
                                                    "quyết định đợt, hoặc người đọc được mọi phiếu (thẩm định)")

    @classmethod
    def of(cls, round_: Round, user: Any) -> RoundOut:
        method = round_.method
        return cls(id=round_.pk, title=round_.title, year=round_.year, peer_group=round_.peer_group,
                   peer_group_label=round_.get_peer_group_display(), within=round_.within.code,
                   version=round_.version.name,
                   method=MethodRefOut(code=method.code, version=method.version, name=method.name,
                                       is_illustrative=method.is_illustrative),
                   is_illustrative=round_.is_illustrative or method.is_illustrative, status=round_.status,
                   status_label=round_.get_status_display(), decision=round_.decision,
                   decision_date=round_.decision_date, ranking_readable=sees_whole_round(user, round_))


class RoundPage(Schema):
    count: int
    limit: int
    offset: int
    next: str | None = Field(None, description=NEXT)
    items: list[RoundOut]


class GroupOut(Schema):
    code: str
    name: str
    max_points: float


class StandingOut(Schema):
    unit: str = Field(..., description="Mã đơn vị")
    name: str
    version: str
    total: float = Field(..., description="Tổng điểm (3 chữ số thập phân)")
    value: float = Field(..., description="Tổng điểm ÷ thang điểm, 0–1")
    rank: int = Field(..., description="Hạng; bằng điểm thì cùng hạng (1, 2, 2, 4)")
    grade: str
    rank_band: list[int] = Field(..., description="Khoảng hạng (phân vị 5–95 khi thay đổi trọng số ±25%)")
    median_rank: float
    missing: list[str] = Field(..., description="Thành phần thiếu số liệu hoặc không được chấp nhận (0 điểm)")
    groups: dict[str, float] = Field(..., description="Điểm của từng nhóm cấp cao nhất, theo mã")


class RankingOut(Schema):
    round: RoundOut
    frozen: bool = Field(..., description="true: kết quả hội đồng đã phê duyệt; false: tạm tính lúc đọc")
    groups: list[GroupOut] = Field(..., description="Các nhóm cấp cao nhất của phương pháp (cột của bảng)")
    count: int
    limit: int
    offset: int
    next: str | None = Field(None, description=NEXT)
    units: list[StandingOut]


class EvidenceFileOut(Schema):
    name: str = Field(..., description="Tên tệp như đơn vị gửi (đã bỏ phần thư mục và ký tự điều khiển)")
    size: int = Field(..., description="Dung lượng, byte")
    content_type: str = Field(..., description="Kiểu nội dung theo chữ ký đầu tệp: PDF, JPEG, PNG, DOCX hoặc XLSX")
    sha256: str
    url: str = Field(..., description="Tải về (trang /xep-hang/…/bang-chung/…): ai đọc được phiếu chấm thì tải được")


class EvidenceOut(Schema):
    number: str
    date: str = Field(..., description="Ngày văn bản, YYYY-MM-DD (trống: không ghi)")
    title: str
    excerpt: str
    link: str
    file: EvidenceFileOut | None = Field(None, description="Tệp kiểm chứng đính kèm (trống: không có)")


class LineOut(Schema):
    code: str
    name: str
    parent: str
    kind: str = Field(..., description="group (nhóm), figure (tự động từ số liệu đã công bố) hoặc self (tự "
                                       "đánh giá)")
    rule: str
    params: str
    max_points: float
    source: str = Field(..., description="Mã yếu tố dữ liệu hoặc chỉ tiêu, hoặc tu-danh-gia")
    evidence_required: str = Field(..., description="Tài liệu kiểm chứng phương pháp yêu cầu")
    verifying_agency: str = Field(..., description="Đơn vị xác minh theo phương pháp")
    input: str | None = Field(None, description="Giá trị được chấm, viết kiểu Việt Nam")
    points: float | None
    missing: bool
    period: str | None = Field(None, description="Kỳ của số liệu tự động")
    withheld: bool = Field(False, description="Tổng của cấp trên chưa đủ báo cáo nên không dùng")
    claimed: str | None = Field(None, description="Giá trị đơn vị tự đánh giá")
    claimed_denominator: float | None = None
    claimed_by: str = ""
    evidence: EvidenceOut | None = None
    verdict: str | None = Field(None, description="pending, accepted, adjusted hoặc rejected")
    verified: str = Field("", description="Giá trị sau thẩm định (khi điều chỉnh)")
    verify_reason: str = ""
    verified_by: str = Field("", description="Người thẩm định")


class GapOut(Schema):
    grade: str = Field(..., description="Xếp loại kế tiếp (trống: đã ở xếp loại cao nhất)")
    points_needed: float
    components: list[tuple[str, float]] = Field(..., description="[mã, điểm còn có thể đạt]: ít thành phần nhất "
                                                                  "đủ để lên xếp loại kế tiếp")
    reachable: bool


class ChangeOut(Schema):
    before: float = Field(..., description="Năm trước: số liệu năm trước, phương pháp năm trước")
    bridge: float = Field(..., description="Số liệu năm trước chấm theo phương pháp năm nay")
    after: float
    from_figures: float = Field(..., description="Số liệu thay đổi")
    from_method: float = Field(..., description="Phương pháp thay đổi")


class ScorecardOut(Schema):
    round: int
    unit: str
    name: str
    version: str
    status: str = Field(..., description="draft, submitted hoặc verified")
    status_label: str
    frozen: bool = Field(..., description="true: kết quả hội đồng đã phê duyệt; false: tạm tính lúc đọc")
    total: float
    value: float
    rank: int | None = Field(..., description="Trống khi người gọi chỉ xem được phiếu của mình trước khi công bố")
    grade: str
    rank_band: list[int] | None
    median_rank: float | None
    missing: list[str]
    next_grade: GapOut
    change: ChangeOut | None = Field(None, description="Thay đổi so với năm trước (khi có đợt năm trước)")
    lines: list[LineOut]


class AssessmentOut(Schema):
    round: int
    unit: str
    component: str
    claimed: str
    claimed_denominator: float | None
    evidence: EvidenceOut
    verdict: str
    verified: str
    verify_reason: str
    revision: int = Field(..., description="Lần sửa; mỗi lần tự đánh giá hoặc thẩm định là một dòng lịch sử")

    @classmethod
    def of(cls, found: Assessment) -> AssessmentOut:
        card = found.scorecard
        return cls(round=card.round_id, unit=card.unit.code, component=found.component, claimed=found.claimed,
                   claimed_denominator=_float(found.claimed_denominator),
                   evidence=EvidenceOut(number=found.evidence_number, title=found.evidence_title,
                                        date=found.evidence_date.isoformat() if found.evidence_date else "",
                                        excerpt=found.evidence_excerpt, link=found.evidence_link,
                                        file=_file(card, found.pk, {
                                            "name": found.evidence_file_name, "size": found.evidence_file_size,
                                            "content_type": found.evidence_file_type,
                                            "sha256": found.evidence_file_sha256} if found.evidence_file else None)),
                   verdict=found.verdict, verified=found.verified, verify_reason=found.verify_reason,
                   revision=found.revision)


class CardStatusOut(Schema):
    round: int
    unit: str
    status: str
    status_label: str


class ComponentOut(Schema):
    position: int = Field(..., description="STT")
    code: str
    parent: str
    name: str
    max_points: float
    rule: str
    params: str
    source: str
    applies_to: str
    evidence: str = Field(..., description="Tài liệu kiểm chứng")
    verifier: str = Field(..., description="Đơn vị xác minh")
    kind: str = Field(..., description="Bộ tiêu chí: mandatory (bắt buộc) hoặc optional")
    note: str


class GradeOut(Schema):
    name: str
    min_score: float


class MethodOut(Schema):
    code: str
    version: int
    kind: str = Field(..., description="index (bộ chỉ số xếp hạng) hoặc criteria (bộ tiêu chí công nhận)")
    name: str
    legal_basis: str
    note: str
    is_illustrative: bool
    optional_needed: int | None = Field(None, description="Bộ tiêu chí: số tiêu chí không bắt buộc phải đạt (k)")
    created_at: datetime
    reason: str = Field(..., description="Lý do thay đổi so với phiên bản trước")

    @classmethod
    def fields_of(cls, method: Method) -> dict[str, Any]:
        return {"code": method.code, "version": method.version, "kind": method.kind, "name": method.name,
                "legal_basis": method.legal_basis, "note": method.note, "is_illustrative": method.is_illustrative,
                "optional_needed": method.optional_needed, "created_at": method.created_at, "reason": method.reason}


class MethodPage(Schema):
    count: int
    limit: int
    offset: int
    next: str | None = Field(None, description=NEXT)
    items: list[MethodOut]


class MethodDetailOut(MethodOut):
    components: list[ComponentOut]
    grades: list[GradeOut] = Field(..., description="Xếp loại, điểm tối thiểu cao nhất trước")


class ClaimFormIn(Schema):
    value: str = Field(..., description=VALUE)
    denominator: str = Field("", description="Mẫu số (quy tắc ratio)")
    evidence_number: str = Field("", description="Số hiệu văn bản kiểm chứng")
    evidence_date: str = Field("", description="Ngày văn bản, YYYY-MM-DD")
    evidence_title: str = Field("", description="Tên văn bản")
    evidence_excerpt: str = Field("", description="Trích yếu")
    evidence_link: str = Field("", description="Đường dẫn (https://…)")


class ClaimIn(Schema):
    component: str = Field(..., description="Mã thành phần tự đánh giá")
    value: str | float = Field(..., description=VALUE)
    denominator: str | float | None = Field(None, description="Mẫu số (quy tắc ratio)")
    evidence_number: str = Field("", description="Số hiệu văn bản kiểm chứng")
    evidence_date: date | None = Field(None, description="Ngày văn bản")
    evidence_title: str = Field("", description="Tên văn bản")
    evidence_excerpt: str = Field("", description="Trích yếu")
    evidence_link: str = Field("", description="Đường dẫn (https://…)")


class VerdictIn(Schema):
    component: str = Field(..., description="Mã thành phần đã tự đánh giá")
    verdict: str = Field(..., description="accepted (chấp nhận), adjusted (điều chỉnh) hoặc rejected")
    value: str | float | None = Field(None, description="Giá trị sau điều chỉnh (khi adjusted)")
    denominator: str | float | None = None
    reason: str = Field("", description="Lý do: bắt buộc khi điều chỉnh hoặc không chấp nhận")


class CardMoveIn(Schema):
    action: str = Field(..., description="submit (gửi thẩm định), return (trả lại, cần lý do) hoặc verified")
    reason: str = ""


class RoundMoveIn(Schema):
    action: str = Field(..., description="verify, council, approve (cần số và ngày quyết định), publish hoặc "
                                         "reopen (cần lý do)")
    reason: str = ""
    decision: str = Field("", description="Số quyết định phê duyệt (approve)")
    decision_date: date | None = Field(None, description="Ngày quyết định (approve)")


ERRORS = {400: RefusalOut, 401: ErrorOut, 403: RefusalOut, 404: RefusalOut, 409: RefusalOut}


# -- helpers --------------------------------------------------------------------------------------------

def _float(value: Decimal | float | None, places: int = 3) -> float | None:
    return None if value is None else round(float(value), places)


def _text(value: str | float | None) -> str:
    """A JSON number as the Vietnamese text the actions read (91.5 → "91,5"; never "1.234" read as 1234)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    try:
        number = Decimal(repr(value))
    except ArithmeticError:
        return str(value)
    if not number.is_finite():
        return str(value)
    return format(number.normalize(), "f").replace(".", ",")


def _refuse(status: int, detail: str, field: str = "") -> object:
    return Reply(status, RefusalOut(detail=detail, field=field))


def _no_round(round_id: int) -> object:
    return _refuse(404, f"Không có đợt xếp hạng số {round_id} (hoặc đợt chưa công bố).")


def _no_card(round_id: int, code: str) -> object:
    return _refuse(404, f"Không có phiếu chấm điểm của đơn vị mã {code} trong đợt xếp hạng số {round_id} (hoặc "
                        "phiếu chưa công bố).")


def _round(round_id: int) -> Round | None:
    return Round.objects.select_related("method", "within", "version").filter(pk=round_id).first()


def _card(round_: Round, code: str) -> Scorecard | None:
    return (round_.scorecards.select_related("unit", "unit__version", "round", "round__method")
            .filter(unit__code=code).first())


def _refused(error: RankingError) -> object:
    return _refuse(error.status, error.message, error.field)


def _file(card: Scorecard, assessment: int | None, found: dict[str, Any] | None) -> EvidenceFileOut | None:
    """A scorecard line's evidence file with the page that downloads it."""
    if not found or assessment is None:
        return None
    url = reverse("ranking:evidence_file", args=[card.round_id, card.unit.code, assessment])
    return EvidenceFileOut(name=found["name"], size=found["size"] or 0, content_type=found["content_type"],
                           sha256=found["sha256"], url=url)


# -- methods (registered before /rankings/{round_id} so "methods" is never read as an id) -----------------

@router.get("/rankings/methods", response={200: MethodPage, 400: ErrorOut},
            summary="Các phương pháp xếp hạng và bộ tiêu chí (mọi phiên bản)")
def list_methods(
    request: HttpRequest,
    kind: str | None = Query(None, description="index hoặc criteria"),
    code: str | None = Query(None, description="Mã phương pháp: mọi phiên bản của nó"),
    limit: int | None = Query(None, ge=1, description=LIMIT),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    cursor: str | None = Query(None, description=CURSOR),
) -> object:
    """Methods are public reference data: every version of every method, newest version first within a code."""
    size = page_size(request, limit, DEFAULT_LIMIT)
    offset = page_start(request, cursor, offset)
    found = Method.objects.order_by("code", "-version")
    if kind:
        if kind not in MethodKind.values:
            return Reply(400, ErrorOut(detail=f"Tham số 'kind': '{kind}' không có; chọn index hoặc criteria."))
        found = found.filter(kind=kind)
    if code:
        found = found.filter(code=code)
    count = found.count()
    return Reply(200, MethodPage(
        count=count, limit=size, offset=offset,
        next=next_page(request, offset, size, count),
        items=[MethodOut(**MethodOut.fields_of(m)) for m in found[offset:offset + size]]))


@router.get("/rankings/methods/{code}/{version}", response={200: MethodDetailOut, 404: RefusalOut},
            summary="Một phiên bản phương pháp: các thành phần và xếp loại")
def get_method(request: HttpRequest, code: str, version: int) -> object:
    method = Method.objects.filter(code=code, version=version).first()
    if method is None:
        return _refuse(404, f"Không có phương pháp '{code}' phiên bản {version}.")
    return Reply(200, MethodDetailOut(
        **MethodOut.fields_of(method),
        components=[ComponentOut(position=c.position, code=c.code, parent=c.parent, name=c.name,
                                 max_points=float(c.max_points), rule=c.rule, params=c.params, source=c.source,
                                 applies_to=c.applies_to, evidence=c.evidence, verifier=c.verifier, kind=c.kind,
                                 note=c.note) for c in method.components.all()],
        grades=[GradeOut(name=g.name, min_score=float(g.min_score)) for g in method.grades.all()]))


# -- rounds, rankings, scorecards -----------------------------------------------------------------------

@router.get("/rankings", response={200: RoundPage, 400: ErrorOut, 401: ErrorOut},
            summary="Các đợt xếp hạng người gọi được xem")
def list_rounds(
    request: HttpRequest,
    limit: int | None = Query(None, ge=1, description=LIMIT),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    cursor: str | None = Query(None, description=CURSOR),
) -> object:
    """Published rounds for everyone; a round not yet published only for whoever decides it or may read one of
    its scorecards (the ward sees its own round, not the ranking table until it is published)."""
    user = reader(request)
    size = page_size(request, limit, DEFAULT_LIMIT)
    offset = page_start(request, cursor, offset)
    found = readable_rounds(user).order_by("-year", "title", "pk")
    count = found.count()
    return Reply(200, RoundPage(
        count=count, limit=size, offset=offset,
        next=next_page(request, offset, size, count),
        items=[RoundOut.of(r, user) for r in found[offset:offset + size]]))


@router.get("/rankings/{round_id}", response={200: RankingOut, 400: ErrorOut, 401: ErrorOut, 404: RefusalOut},
            summary="Bảng xếp hạng của một đợt")
def get_ranking(
    request: HttpRequest,
    round_id: int,
    limit: int | None = Query(None, ge=1, description=LIMIT),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    cursor: str | None = Query(None, description=CURSOR),
) -> object:
    """Every unit's total, value, rank, grade, rank band and median rank, best first: as the council approved it
    (``frozen``); before approval, computed now and only for whoever decides the round."""
    user = reader(request)
    size = page_size(request, limit, DEFAULT_LIMIT)
    offset = page_start(request, cursor, offset)
    round_ = _round(round_id)
    if round_ is None or not sees_whole_round(user, round_):
        return _no_round(round_id)
    table = ranking(round_)
    groups = [c for c in round_.method.components.all() if not c.parent]
    count = len(table.standings)
    return Reply(200, RankingOut(
        round=RoundOut.of(round_, user), frozen=table.frozen,
        groups=[GroupOut(code=g.code, name=g.name, max_points=float(g.max_points)) for g in groups],
        count=count, limit=size, offset=offset,
        next=next_page(request, offset, size, count),
        units=[StandingOut(unit=s.unit.code, name=s.unit.name, version=round_.version.name,
                           total=round(s.total, 3), value=round(s.value, 4), rank=s.rank, grade=s.grade,
                           rank_band=list(s.rank_band), median_rank=s.median_rank, missing=s.missing,
                           groups={g.code: round(s.points.get(g.code, 0.0), 3) for g in groups})
               for s in table.standings[offset:offset + size]]))


def _line(line: dict[str, Any], component: Any, card: Scorecard) -> LineOut:
    evidence = dict(line.get("evidence") or {})
    if evidence:
        evidence["file"] = _file(card, line.get("assessment"), evidence.get("file"))
    return LineOut(
        code=line["code"], name=line["name"], parent=line.get("parent") or "", kind=line.get("kind") or "",
        rule=line.get("rule") or "", params=line.get("params") or "", max_points=float(line["max_points"]),
        source=line.get("source") or "", evidence_required=component.evidence if component else "",
        verifying_agency=component.verifier if component else "", input=line.get("input"),
        points=_float(line.get("points")), missing=bool(line.get("missing")),
        period=line.get("period"), withheld=bool(line.get("withheld")), claimed=line.get("claimed"),
        claimed_denominator=line.get("claimed_denominator"), claimed_by=line.get("claimed_by") or "",
        evidence=EvidenceOut(**evidence) if evidence else None, verdict=line.get("verdict"),
        verified=line.get("verified") or "", verify_reason=line.get("verify_reason") or "",
        verified_by=line.get("verified_by") or "")


@router.get("/rankings/{round_id}/units/{code}", response={200: ScorecardOut, 401: ErrorOut, 404: RefusalOut},
            summary="Phiếu chấm điểm của một đơn vị, giải thích từng điểm")
def get_scorecard(request: HttpRequest, round_id: int, code: str) -> object:
    """Each component: the rule, the input (a published figure, or the claim with its evidence and the
    verifier's verdict), the points. Public once the round is published; before that only for the unit, its
    verifiers and whoever may read its unpublished figures."""
    user = reader(request)
    round_ = _round(round_id)
    card = _card(round_, code) if round_ is not None else None
    if round_ is None or card is None or not can_read_scorecard(user, card.unit, published=round_.is_published):
        return _no_card(round_id, code)
    shown = explain(round_, card)
    score, gap, change = shown.score, shown.gap, shown.change
    whole = sees_whole_round(user, round_)  # else no rank: it is made of the other units' unpublished points
    components = {c.code: c for c in round_.method.components.all()}
    return Reply(200, ScorecardOut(
        round=round_.pk, unit=card.unit.code, name=card.unit.name, version=card.unit.version.name,
        status=card.status, status_label=card.get_status_display(), frozen=shown.frozen,
        total=round(score.total, 3), value=round(score.value, 4), rank=score.rank if whole else None,
        grade=score.grade, rank_band=list(score.rank_band) if whole else None,
        median_rank=score.median_rank if whole else None, missing=list(score.missing),
        next_grade=GapOut(grade=gap.grade, points_needed=round(gap.points_needed, 3),
                          components=[(c, round(p, 3)) for c, p in gap.components], reachable=gap.reachable),
        change=ChangeOut(before=change.before, bridge=change.bridge, after=change.after,
                         from_figures=change.from_figures, from_method=change.from_method) if change else None,
        lines=[_line(line, components.get(line["code"]), card) for line in shown.lines]))


@router.post("/rankings/{round_id}/units/{code}/claims", auth=WRITE_AUTH, response={200: AssessmentOut, **ERRORS},
             summary="Tự đánh giá một thành phần, kèm tài liệu kiểm chứng")
def post_claim(request: HttpRequest, round_id: int, code: str, payload: ClaimIn) -> object:
    round_ = _round(round_id)
    card = _card(round_, code) if round_ is not None else None
    if card is None:
        return _no_card(round_id, code)
    try:
        found = do_claim(card, payload.component, _text(payload.value), acting_user=request.auth,
                         denominator=_text(payload.denominator) or None, evidence_number=payload.evidence_number,
                         evidence_date=payload.evidence_date, evidence_title=payload.evidence_title,
                         evidence_excerpt=payload.evidence_excerpt, evidence_link=payload.evidence_link)
    except RankingError as error:
        return _refused(error)
    return Reply(200, AssessmentOut.of(found))


@router.post("/rankings/{round_id}/units/{code}/claims/{component}/file", auth=WRITE_AUTH,
             response={200: AssessmentOut, **ERRORS},
             summary="Tự đánh giá một thành phần kèm tệp kiểm chứng (multipart/form-data)")
def post_claim_with_file(request: HttpRequest, round_id: int, code: str, component: str,
                         file: File[UploadedFile], payload: Form[ClaimFormIn]) -> object:
    """The claim of ``POST …/claims`` as form fields, with the evidence file in the part ``file`` (PDF, JPEG, PNG,
    DOCX or XLSX, checked by its first bytes; at most CHISO_EVIDENCE_FILE_MAX_MB). A file alone is evidence
    enough; it replaces the file attached before (``POST …/claims`` without a file keeps it). Download it
    from the scorecard's ``evidence.file.url``."""
    round_ = _round(round_id)
    card = _card(round_, code) if round_ is not None else None
    if card is None:
        return _no_card(round_id, code)
    try:
        evidence_date = date.fromisoformat(payload.evidence_date.strip()) if payload.evidence_date.strip() else None
    except ValueError:
        return _refuse(400, f"Ngày văn bản '{payload.evidence_date}' không phải ngày: ghi YYYY-MM-DD, ví dụ "
                            "2024-06-03.", "evidence_date")
    try:
        found = do_claim(card, component, payload.value, acting_user=request.auth,
                         denominator=payload.denominator or None, evidence_number=payload.evidence_number,
                         evidence_date=evidence_date, evidence_title=payload.evidence_title,
                         evidence_excerpt=payload.evidence_excerpt, evidence_link=payload.evidence_link,
                         evidence_file=file)
    except RankingError as error:
        return _refused(error)
    return Reply(200, AssessmentOut.of(found))


@router.post("/rankings/{round_id}/units/{code}/verdicts", auth=WRITE_AUTH, response={200: AssessmentOut, **ERRORS},
             summary="Thẩm định một thành phần: chấp nhận, điều chỉnh (cần lý do) hoặc không chấp nhận")
def post_verdict(request: HttpRequest, round_id: int, code: str, payload: VerdictIn) -> object:
    round_ = _round(round_id)
    card = _card(round_, code) if round_ is not None else None
    if card is None:
        return _no_card(round_id, code)
    found = card.assessments.filter(component=payload.component).first()
    if found is None:
        return _refuse(404, f"Phiếu của {card.unit.name} chưa có tự đánh giá thành phần '{payload.component}'.",
                       "component")
    try:
        judged = do_verify(found, payload.verdict, acting_user=request.auth, value=_text(payload.value),
                           denominator=_text(payload.denominator) or None, reason=payload.reason)
    except RankingError as error:
        return _refused(error)
    return Reply(200, AssessmentOut.of(judged))


@router.post("/rankings/{round_id}/units/{code}/moves", auth=WRITE_AUTH, response={200: CardStatusOut, **ERRORS},
             summary="Chuyển bước phiếu chấm: gửi thẩm định, trả lại, hoàn thành thẩm định")
def post_card_move(request: HttpRequest, round_id: int, code: str, payload: CardMoveIn) -> object:
    round_ = _round(round_id)
    card = _card(round_, code) if round_ is not None else None
    if card is None:
        return _no_card(round_id, code)
    try:
        moved = do_move_scorecard(card, payload.action, acting_user=request.auth, reason=payload.reason)
    except RankingError as error:
        return _refused(error)
    return Reply(200, CardStatusOut(round=round_id, unit=moved.unit.code, status=moved.status,
                                    status_label=moved.get_status_display()))


@router.post("/rankings/{round_id}/moves", auth=WRITE_AUTH, response={200: RoundOut, **ERRORS},
             summary="Chuyển bước đợt xếp hạng: thẩm định, trình hội đồng, phê duyệt, công bố, mở lại")
def post_round_move(request: HttpRequest, round_id: int, payload: RoundMoveIn) -> object:
    round_ = _round(round_id)
    if round_ is None:
        return _no_round(round_id)
    try:
        moved = do_move_round(round_, payload.action, acting_user=request.auth, reason=payload.reason,
                              decision=payload.decision, decision_date=payload.decision_date)
    except RankingError as error:
        return _refused(error)
    return Reply(200, RoundOut.of(moved, request.auth))

