"""Plans, targets, minimums and roles through the API.

Reading a plan (``GET /plans/{version}/{unit}/{year}``) needs no credentials, like ``/analytics/targets``.
Writing needs an API token or a logged-in session with its CSRF token, and acts with that user's roles
through the same actions as the plan page (``plans.actions``, ``accounts.actions``): same rules, same
history rows (channel ``api``). This module reads the request and formats the refusal:
400 not a sensible value (or below the minimum assigned above), 403 not allowed, 404 no such unit or
indicator, 409 the state changed (someone else changed the target; a role already held or not held),
each with a Vietnamese ``detail``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile

from chiso.accounts.actions import RoleError, do_grant_role, do_revoke_role
from chiso.api.auth import WRITE_AUTH
from chiso.api.schemas import ErrorOut, Reply
from chiso.indicators.models import Indicator
from chiso.plans.actions import PlanError, do_assign_minimum, do_set_target
from chiso.plans.importer import PlanImportRefused, import_plan
from chiso.plans.models import Target
from chiso.plans.queries import plan_view
from chiso.units.models import Unit
from chiso.values.models import Channel

router = Router(tags=["Kế hoạch và chỉ tiêu"])
MAX_UPLOAD = 5 * 1024 * 1024


class RefusalOut(Schema):
    detail: str = Field(..., description="Lý do, bằng tiếng Việt")
    kind: str = Field("", description="Loại từ chối: forbidden, invalid, below_minimum, no_children, "
                                      "outside_validity, conflict, duplicate, not_held")
    problems: list[str] = Field(default_factory=list, description="Tệp nhập: một câu cho mỗi lỗi (tệp, dòng, cột)")


class TargetIn(Schema):
    value: Decimal = Field(..., description="Giá trị mục tiêu (số JSON, dấu chấm thập phân); tỷ lệ từ 0 đến 100")
    target_date: date | None = Field(None, description="Thời hạn, trong năm của kế hoạch; trống: 31/12")
    judged_on: str | None = Field(None, description="period (cả kỳ), level_at_date (mức tại ngày đến hạn), "
                                                    "'' theo loại chỉ tiêu; bỏ trống: giữ như đã lưu")
    qualifier: str | None = Field(None, description="exact, approximate, at_least (ít nhất), at_most (không "
                                                    "quá); bỏ trống: giữ như đã lưu (mới: exact)")
    reason: str = Field("", description="Lý do, ghi vào lịch sử")
    revision: int | None = Field(None, description="Lần sửa bạn đã đọc (0: chưa có). Có thì kiểm tra xung đột: "
                                                   "nếu người khác đã sửa, không ghi gì và trả 409")


class TargetOut(Schema):
    unit: str
    version: str
    year: int
    indicator: str
    scope: str = Field(..., description="own (chỉ tiêu của đơn vị) hoặc children_minimum (mức tối thiểu giao "
                                        "cho mỗi đơn vị trực thuộc)")
    value: float
    target_date: date
    judged_on: str
    qualifier: str
    revision: int = Field(..., description="Gửi lại số này trong lần ghi sau để phát hiện xung đột")

    @classmethod
    def of(cls, target: Target) -> TargetOut:
        unit = target.plan.unit
        return cls(unit=unit.code, version=unit.version.name, year=target.plan.year,
                   indicator=target.indicator.code, scope=target.scope, value=float(target.value),
                   target_date=target.target_date, judged_on=target.judged_on, qualifier=target.qualifier,
                   revision=target.revision)


class FloorOut(Schema):
    indicator: str
    value: float
    assigned_by: str = Field(..., description="Mã đơn vị cấp trên đã giao")


class PlanOut(Schema):
    unit: str
    version: str
    year: int
    title: str
    stated_total: int | None
    stated_by_pillar: list[list[object]] = Field(..., description="[mã trụ cột, số chỉ tiêu] đúng như văn bản")
    targets: list[TargetOut]
    minimums: list[TargetOut] = Field(..., description="Mức tối thiểu đơn vị giao cho các đơn vị trực thuộc")
    minimums_above: list[FloorOut] = Field(..., description="Mức tối thiểu nghiêm nhất cấp trên giao cho đơn vị")
    checks: list[str] = Field(..., description="Các điểm bất nhất của kế hoạch, mỗi điểm một câu")


class ImportOut(Schema):
    written: int = Field(..., description="Chỉ tiêu mới hoặc thay đổi")
    unchanged: int


class RoleIn(Schema):
    user: str = Field(..., description="Tên đăng nhập")
    role: str = Field(..., description="admin, approver, reporter, analyst hoặc viewer")
    version: str = Field(..., description="Phiên bản danh mục của đơn vị")
    unit: str = Field(..., description="Mã đơn vị; vai trò có hiệu lực trên cả các đơn vị trực thuộc")
    reason: str = ""


class RoleOut(Schema):
    user: str
    role: str
    version: str
    unit: str
    held: bool


ERRORS = {400: RefusalOut, 401: ErrorOut, 403: RefusalOut, 404: RefusalOut, 409: RefusalOut}


def _refuse(status: int, detail: str, kind: str = "", problems: list[str] | None = None) -> object:
    return Reply(status, RefusalOut(detail=detail, kind=kind, problems=problems or []))


def _unit(version: str, code: str) -> Unit | None:
    return Unit.objects.select_related("version").filter(version__name=version, code=code).first()


@router.get("/plans/{version}/{unit}/{year}", response={200: PlanOut, 404: RefusalOut},
            summary="Kế hoạch một năm của một đơn vị: chỉ tiêu, mức tối thiểu, kiểm tra tính nhất quán")
def get_plan(request: HttpRequest, version: str, unit: str, year: int) -> object:
    found = _unit(version, unit)
    if found is None:
        return _refuse(404, f"Không có đơn vị mã {unit} trong phiên bản {version}.")
    view = plan_view(found, year)
    plan = view.plan
    return Reply(200, PlanOut(
        unit=found.code, version=found.version.name, year=year, title=plan.title if plan else "",
        stated_total=plan.stated_total if plan else None, stated_by_pillar=plan.stated_by_pillar if plan else [],
        targets=[TargetOut.of(r.target) for r in view.own if r.target is not None],
        minimums=[TargetOut.of(m.target) for m in view.minimums],
        minimums_above=[FloorOut(indicator=r.indicator.code, value=float(r.floor.value),
                                 assigned_by=r.floor.assigned_by.code) for r in view.own if r.floor is not None],
        checks=view.checks))


def _write(request: HttpRequest, version: str, unit: str, year: int, indicator: str, payload: TargetIn,
           minimum: bool) -> object:
    found = _unit(version, unit)
    if found is None:
        return _refuse(404, f"Không có đơn vị mã {unit} trong phiên bản {version}.")
    measure = Indicator.objects.filter(code=indicator).first()
    if measure is None:
        return _refuse(404, f"Không có chỉ tiêu mã {indicator} trong danh mục.")
    action = do_assign_minimum if minimum else do_set_target
    try:
        target = action(found, year, measure, payload.value, acting_user=request.auth, target_date=payload.target_date,
                        reason=payload.reason, channel=Channel.API, expected_revision=payload.revision,
                        judged_on=payload.judged_on, qualifier=payload.qualifier)
    except PlanError as error:
        return _refuse(error.status, error.message, str(error.kind))
    return Reply(200, TargetOut.of(target))


@router.put("/plans/{version}/{unit}/{year}/targets/{indicator}", auth=WRITE_AUTH,
            response={200: TargetOut, **ERRORS}, summary="Đặt hoặc sửa chỉ tiêu của đơn vị")
def put_target(request: HttpRequest, version: str, unit: str, year: int, indicator: str,
               payload: TargetIn) -> object:
    """The unit's own target for the year: its officers, its administrators and the approvers above may set
    it; never weaker than the minimum assigned above."""
    return _write(request, version, unit, year, indicator, payload, minimum=False)


@router.put("/plans/{version}/{unit}/{year}/minimums/{indicator}", auth=WRITE_AUTH,
            response={200: TargetOut, **ERRORS}, summary="Giao mức tối thiểu cho các đơn vị trực thuộc")
def put_minimum(request: HttpRequest, version: str, unit: str, year: int, indicator: str,
                payload: TargetIn) -> object:
    """The minimum each unit below must meet: the unit's administrators and approvers only."""
    return _write(request, version, unit, year, indicator, payload, minimum=True)


@router.post("/plans/import", auth=WRITE_AUTH, response={200: ImportOut, **ERRORS},
             summary="Nhập tệp kế hoạch (CSV/XLSX): ghi tất cả hoặc không gì cả")
def post_import(request: HttpRequest, file: UploadedFile = File(...)) -> object:  # noqa: B008 - ninja's idiom
    """Columns: mã đơn vị, năm, mã chỉ tiêu, giá trị mục tiêu, thời hạn, lý do (đánh giá theo, phiên bản,
    phạm vi optional). Any fault, named by file, row and column, writes nothing."""
    if file.size is not None and file.size > MAX_UPLOAD:
        return _refuse(400, f"Tệp {file.name} lớn hơn 5 MB; một kế hoạch chỉ vài trăm dòng.", "invalid")
    try:
        result = import_plan(file.name or "tệp", file.read(), acting_user=request.auth, channel=Channel.API)
    except PlanImportRefused as refused:
        return _refuse(refused.status, f"Không nhập, chưa ghi gì: {len(refused.problems)} lỗi.", "",
                       [p.text() for p in refused.problems])
    return Reply(200, ImportOut(written=result.written, unchanged=result.unchanged))


def _role(payload: RoleIn, grant: bool, request: HttpRequest) -> object:
    user = get_user_model().objects.filter(username=payload.user).first()
    if user is None:
        return _refuse(404, f"Không có người dùng '{payload.user}'.")
    found = _unit(payload.version, payload.unit)
    if found is None:
        return _refuse(404, f"Không có đơn vị mã {payload.unit} trong phiên bản {payload.version}.")
    try:
        if grant:
            do_grant_role(user, payload.role, found, acting_user=request.auth, reason=payload.reason, channel="api")
        else:
            do_revoke_role(user, payload.role, found, acting_user=request.auth, reason=payload.reason, channel="api")
    except RoleError as error:
        return _refuse(error.status, error.message, str(error.kind))
    return Reply(200, RoleOut(user=payload.user, role=payload.role, version=payload.version, unit=payload.unit,
                              held=grant))


@router.post("/roles/grant", auth=WRITE_AUTH, response={200: RoleOut, **ERRORS},
             summary="Cấp vai trò trên một đơn vị (và các đơn vị trực thuộc)")
def post_grant(request: HttpRequest, payload: RoleIn) -> object:
    return _role(payload, True, request)


@router.post("/roles/revoke", auth=WRITE_AUTH, response={200: RoleOut, **ERRORS},
             summary="Thu hồi vai trò trên một đơn vị")
def post_revoke(request: HttpRequest, payload: RoleIn) -> object:
    return _role(payload, False, request)
