"""Writing through the API: ``POST /values``, ``POST /submissions/{form}/{version}/{unit}/{period}/{action}``
and, for many reports at once, ``POST /submissions/approve`` and ``POST /submissions/return``.

Both need an API token (``Authorization: Bearer <token>``) or a logged-in session with its CSRF token,
and act with that user's roles. Figures go through the same action as the web grid
(``values.actions.do_set_values``), so the same rules, the same history rows (channel ``api``) and the
same conflict detection apply; this module only reads the request and formats the refusal. Errors are
``{"detail": ..., "problems": [...]}``: 400 unreadable, 401 no credentials, 403 not allowed,
404 not found, 409 the state changed (report already submitted, figure changed by someone else).
"""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from chiso.accounts.access import can_read_drafts
from chiso.api import values as values_api
from chiso.api.auth import WRITE_AUTH
from chiso.api.schemas import ErrorOut, Reply
from chiso.collection.entry.grid import find_report
from chiso.collection.models import Status, Submission
from chiso.collection.review import Outcome, do_approve_reports, do_return_reports
from chiso.collection.workflow import WorkflowError, do_transition, submission_for, transition_refusal
from chiso.engine.periods import Period, PeriodError
from chiso.indicators.models import DataElement
from chiso.units.models import HierarchyVersion, Unit
from chiso.values.actions import RefusalKind, ValueEntry, ValueWriteError, do_set_values
from chiso.values.models import Channel, DataValue

router = Router(tags=["Nhập liệu và duyệt"])
MAX_VALUES = 5000
MAX_REPORTS = 500


class ProblemOut(Schema):
    detail: str = Field(..., description="Lý do, bằng tiếng Việt")
    problems: list[str] = Field(default_factory=list, description="Một câu cho mỗi giá trị hoặc điều kiện bị từ chối")


class ValueIn(Schema):
    data_element: str = Field(..., description="Mã yếu tố dữ liệu, ví dụ XHS-06")
    unit: str = Field(..., description="Mã đơn vị")
    version: str | None = Field(None, description="Phiên bản danh mục; trống: phiên bản có hiệu lực vào cuối kỳ")
    period: str = Field(..., description="Kỳ: 2024, 2024Q3, 2024-07 hoặc 2024-07-15")
    value: Decimal | None = Field(..., description="Số (dấu chấm thập phân kiểu JSON); null: không có số")
    qualifier: str = Field("exact", description="exact, approximate (gần), at_least (hơn) hoặc at_most (không quá)")
    source: str | None = Field(None, description="Nguồn; bỏ trống: giữ nguồn đã lưu")
    comment: str | None = Field(None, description="Ghi chú; bỏ trống: giữ ghi chú đã lưu")
    revision: int | None = Field(None, description="Lần sửa bạn đã đọc (0: chưa có số). Có thì kiểm tra xung đột: "
                                                   "nếu người khác đã sửa, không ghi gì và trả 409")


class StoredValueOut(Schema):
    data_element: str
    unit: str
    version: str
    period: str
    value: float | None
    qualifier: str
    revision: int = Field(..., description="Gửi lại số này trong lần ghi sau để phát hiện xung đột")


class ValuesOut(Schema):
    created: int
    changed: int
    unchanged: int
    values: list[StoredValueOut]
    warnings: list[str] = Field(default_factory=list, description="Số được ghi nhưng bất thường: hãy kiểm tra lại")


class TransitionIn(Schema):
    reason: str = Field("", description="Lý do; bắt buộc khi trả lại hoặc mở lại")
    explanations: dict[str, str] = Field(
        default_factory=dict, description="Giải trình cho từng cảnh báo khi gửi: {mã quy tắc: lời giải trình}")


class EventOut(Schema):
    action: str
    from_status: str
    to_status: str
    by: str | None
    at: str
    reason: str


class SubmissionOut(Schema):
    form: str
    unit: str
    version: str
    period: str
    status: str = Field(..., description="draft, submitted, returned, approved hoặc locked")
    status_label: str
    events: list[EventOut]


HEADLINES = (  # the refusal's headline by the first kind it holds, in this order
    (RefusalKind.FORBIDDEN, "Không ghi gì: bạn không có quyền ghi một số giá trị."),
    (RefusalKind.CLOSED, "Không ghi gì: báo cáo chứa một số giá trị đã gửi hoặc đã duyệt."),
    (RefusalKind.CONFLICT, "Không ghi gì: người khác đã sửa một số giá trị sau khi bạn đọc."),
)


def _headline(error: ValueWriteError) -> str:
    return next((text for kind, text in HEADLINES if kind in error.kinds), "Không ghi gì: một số giá trị bị từ chối.")


ERRORS = {400: ProblemOut, 401: ErrorOut, 403: ProblemOut, 404: ProblemOut, 409: ProblemOut}


# ``POST /values`` shares its path with ``GET /values`` (chiso.api.values): Django routes a path to one
# router's view, so the operation joins that router. ``router.py`` imports this module before it adds
# the routers, which is all this needs.
@values_api.router.post("/values", auth=WRITE_AUTH, response={200: ValuesOut, **ERRORS},
                        summary="Ghi số liệu (tất cả hoặc không gì cả)", tags=["Nhập liệu và duyệt"])
def post_values(request: HttpRequest, payload: list[ValueIn],
                reason: str = Query("", description="Lý do, ghi vào lịch sử của mọi số thay đổi"),
                ) -> object:
    """Create or change figures in one write: if one is refused, none is written.

    Each figure needs its data element, unit (in ``version``, by default the one in force at the end of
    the period), period and value. With ``revision`` the write is refused (409) when someone else changed
    the figure after you read it; the answer names their change."""
    if not payload:
        return _refuse(400, "Không có giá trị nào để ghi.")
    if len(payload) > MAX_VALUES:
        return _refuse(400, f"Tối đa {MAX_VALUES} giá trị mỗi lần ghi; hãy chia nhỏ.")
    changes, problems = _changes(payload)
    if problems:
        return _refuse(400, f"Không ghi gì: {len(problems)} giá trị không đọc được.", problems)
    try:
        result = do_set_values(changes, acting_user=request.auth, channel=Channel.API, reason=reason.strip())
    except ValueWriteError as error:
        return _refuse(error.status, _headline(error), error.problems)
    stored = {(v.data_element_id, v.unit_id, v.period): v for v in DataValue.objects.filter(
        data_element_id__in={c.key[0] for c in changes}, unit_id__in={c.key[1] for c in changes},
        period__in={c.key[2] for c in changes})}
    return Reply(200, ValuesOut(
        created=result.created, changed=result.changed, unchanged=result.unchanged,
        values=[StoredValueOut(data_element=c.data_element.code, unit=c.unit.code, version=c.unit.version.name,
                               period=str(c.period), value=_number(stored[c.key].value),
                               qualifier=stored[c.key].qualifier, revision=stored[c.key].revision)
                for c in changes],
        warnings=[w.message for w in result.warnings]))


@router.post("/submissions/{form}/{version}/{unit}/{period}/{action}", auth=WRITE_AUTH,
             response={200: SubmissionOut, **ERRORS},
             summary="Gửi, duyệt, trả lại, khóa hoặc mở lại một báo cáo")
def post_transition(request: HttpRequest, form: str, version: str, unit: str, period: str, action: str,
                    payload: TransitionIn) -> object:
    """Moves the report (form × unit × period) along the workflow: ``submit`` (the unit's reporter; no
    error left, every warning explained), ``approve`` and ``return`` (an approver of a level above; return
    needs a reason), ``lock`` (admin), ``reopen`` (approver above; a reason), ``recall`` (the unit's reporter
    takes a submitted report back to draft before it is reviewed). A report of a unit whose drafts you may
    not read is a 404, as if it did not exist."""
    try:
        report = find_report(form, version, unit, period)
    except Http404 as error:
        return _refuse(404, str(error))
    if not can_read_drafts(request.auth, report.unit):
        return _refuse(404, "Không tìm thấy báo cáo.")
    refused = transition_refusal(action, report.status, report.unit, request.auth)
    if refused is not None:
        return _refuse(refused.status, refused.message)
    try:
        submission = do_transition(submission_for(report.form, report.unit, str(report.period)), action,
                                   acting_user=request.auth, reason=payload.reason,
                                   explanations=payload.explanations)
    except WorkflowError as error:
        head, *lines = str(error).splitlines()
        return _refuse(400, head, lines)
    return Reply(200, _submission_out(submission))


class ReportIn(Schema):
    form: str = Field(..., description="Mã biểu mẫu, ví dụ BC-CDS-THANG-XA")
    version: str = Field(..., description="Phiên bản danh mục đơn vị, ví dụ 2024")
    unit: str = Field(..., description="Mã đơn vị")
    period: str = Field(..., description="Kỳ của báo cáo, ví dụ 2024-12")


class ReportsIn(Schema):
    reports: list[ReportIn] = Field(..., description=f"Tối đa {MAX_REPORTS} báo cáo")
    reason: str = Field("", description="Lý do; bắt buộc khi trả lại")


class ReportOutcomeOut(Schema):
    form: str
    unit: str
    version: str
    period: str
    done: bool = Field(..., description="true: đã duyệt (hoặc đã trả lại); false: giữ nguyên, xem reasons")
    status: str
    reasons: list[str] = Field(default_factory=list, description="Vì sao báo cáo được giữ nguyên, bằng tiếng Việt")


class ReportsOut(Schema):
    done: int
    refused: int
    reports: list[ReportOutcomeOut]


@router.post("/submissions/approve", auth=WRITE_AUTH, response={200: ReportsOut, **ERRORS},
             summary="Duyệt nhiều báo cáo (chỉ các báo cáo đạt kiểm tra)")
def post_approve_reports(request: HttpRequest, payload: ReportsIn) -> object:
    """Approves, in one transaction, each listed report that passes its checks: submitted, you review its unit
    (an approver of a level above, or an administrator), no error-level rule fails on its figures and it holds
    the form's completeness threshold of lines. The others are left as they were, each with why. A report of
    a unit whose drafts you may not read makes the whole request a 404, as if it did not exist."""
    found = _reports(request, payload)
    if not isinstance(found, list):
        return found
    return Reply(200, _outcomes(do_approve_reports(found, acting_user=request.auth)))


@router.post("/submissions/return", auth=WRITE_AUTH, response={200: ReportsOut, **ERRORS},
             summary="Trả lại nhiều báo cáo, cùng một lý do")
def post_return_reports(request: HttpRequest, payload: ReportsIn) -> object:
    """Returns each listed submitted report you review, with ``reason`` (required), in one transaction."""
    if not payload.reason.strip():
        return _refuse(400, "Cần ghi lý do trả lại (reason) để đơn vị biết phải sửa gì.")
    found = _reports(request, payload)
    if not isinstance(found, list):
        return found
    return Reply(200, _outcomes(do_return_reports(found, acting_user=request.auth, reason=payload.reason)))


def _reports(request: HttpRequest, payload: ReportsIn) -> list[Submission] | object:
    """The reports named, or the refusal: 400 none or too many, 404 one unknown or not readable by the caller."""
    if not payload.reports:
        return _refuse(400, "Không có báo cáo nào trong danh sách.")
    if len(payload.reports) > MAX_REPORTS:
        return _refuse(400, f"Tối đa {MAX_REPORTS} báo cáo mỗi lần; hãy chia nhỏ.")
    found = []
    for number, item in enumerate(payload.reports, start=1):
        try:
            report = find_report(item.form, item.version, item.unit, item.period)
        except Http404 as error:
            return _refuse(404, f"Báo cáo {number}: {error}")
        if report.submission is None or not can_read_drafts(request.auth, report.unit):
            return _refuse(404, f"Báo cáo {number}: không tìm thấy báo cáo.")
        found.append(report.submission)
    return found


def _outcomes(outcomes: list[Outcome]) -> ReportsOut:
    return ReportsOut(done=sum(o.done for o in outcomes), refused=sum(not o.done for o in outcomes), reports=[
        ReportOutcomeOut(form=o.submission.form.code, unit=o.submission.unit.code,
                         version=o.submission.unit.version.name, period=o.submission.period, done=o.done,
                         status=o.submission.status, reasons=[r.message for r in o.reasons]) for o in outcomes])


def _refuse(status: int, detail: str, problems: list[str] | None = None) -> object:
    return Reply(status, ProblemOut(detail=detail, problems=problems or []))


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _submission_out(submission: Submission) -> SubmissionOut:
    return SubmissionOut(
        form=submission.form.code, unit=submission.unit.code, version=submission.unit.version.name,
        period=submission.period, status=submission.status, status_label=Status(submission.status).label,
        events=[EventOut(action=e.action, from_status=e.from_status, to_status=e.to_status,
                         by=e.by.get_username() if e.by else None, at=e.at.isoformat(), reason=e.reason)
                for e in submission.events.select_related("by").order_by("at", "id")])


def _changes(values: list[ValueIn]) -> tuple[list[ValueEntry], list[str]]:
    """The figures asked for, resolved to elements, units and periods; one sentence per unreadable one."""
    elements = {e.code: e for e in DataElement.objects.filter(code__in={v.data_element for v in values})}
    versions = list(HierarchyVersion.objects.all())
    units: dict[tuple[str, str], Unit | None] = {}
    changes, problems = [], []
    for number, item in enumerate(values, start=1):
        faults = []
        element = elements.get(item.data_element)
        if element is None:
            faults.append(f"không có yếu tố dữ liệu mã {item.data_element}.")
        try:
            period = Period.parse(item.period)
        except PeriodError as error:
            faults.append(error.args[0])
            period = None
        version = item.version
        if version is None and period is not None:
            version = next((v.name for v in versions if v.covers(period.end)), None)
            if version is None:
                faults.append(f"không có phiên bản danh mục nào có hiệu lực ngày {period.end:%d/%m/%Y}.")
        found = None
        if version is not None:
            if (version, item.unit) not in units:
                units[(version, item.unit)] = Unit.objects.select_related("version").filter(
                    version__name=version, code=item.unit).first()
            found = units[(version, item.unit)]
            if found is None:
                faults.append(f"không có đơn vị mã {item.unit} trong phiên bản {version}.")
        if faults:
            problems += [f"Giá trị {number} ({item.data_element}, {item.unit}, kỳ {item.period}): {f}" for f in faults]
            continue
        assert element is not None and found is not None and period is not None
        changes.append(ValueEntry(element, found, period, item.value, item.qualifier, source=item.source,
                                  comment=item.comment, expected_revision=item.revision))
    return changes, problems
