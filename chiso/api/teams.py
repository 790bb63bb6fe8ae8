"""Community digital technology teams through the API: the teams of a ward, activity logs sent from a phone,
and the ward officer's review.

``GET /teams?unit=CODE`` needs no credentials and never shows a member's name or phone. Writing needs an API
token or a logged-in session with its CSRF token; ``POST /teams/logs`` is idempotent on ``client_id`` (201 the
first time, 200 with the same log after). Every rule is ``teams.actions``'s; this module parses and formats.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from chiso.accounts.access import can_log_for_team, can_manage_team
from chiso.api.auth import WRITE_AUTH
from chiso.api.schemas import ErrorOut, Reply
from chiso.engine.photos import MAX_BYTES
from chiso.teams.actions import Location, TeamError, counts_of, do_attach_photo, do_review_log, do_submit_log
from chiso.teams.models import ActivityLog, Team
from chiso.teams.queries import members_on, placement_on, teams_under
from chiso.units.models import Unit
from chiso.units.queries import current_version, version_by_name
from chiso.values.models import Channel

router = Router(tags=["Tổ công nghệ số cộng đồng"])


class RefusalOut(Schema):
    detail: str = Field(..., description="Lý do, bằng tiếng Việt")
    field: str = Field("", description="Trường bị từ chối, ví dụ activities.XHS-14, date, note")


ERRORS = {400: RefusalOut, 401: ErrorOut, 403: RefusalOut, 404: RefusalOut, 409: RefusalOut}


class TeamOut(Schema):
    code: str = Field(..., description="Mã tổ, dùng trong POST /teams/logs")
    name: str
    unit: str = Field(..., description="Mã thôn/tổ dân phố hiện nay")
    unit_name: str
    version: str
    state: str = Field(..., description="active, merged, dissolved")
    founded_on: dt.date
    decision: str = Field(..., description="Số quyết định thành lập, ngày, người ký")
    members: int = Field(..., description="Số thành viên hiện nay (không kèm họ tên, số điện thoại)")
    illustrative: bool


class LocationIn(Schema):
    lat: float
    lon: float
    accuracy_m: float | None = None


class LogIn(Schema):
    client_id: uuid.UUID = Field(..., description="Mã điện thoại đặt cho nhật ký (UUID); gửi lại cùng mã không "
                                                  "tạo nhật ký thứ hai")
    team: str = Field(..., description="Mã tổ")
    date: dt.date
    activities: dict[str, object] = Field(..., description="Mã yếu tố dữ liệu → số lượng, ví dụ {\"XHS-14\": 12}")
    note: str = ""
    location: LocationIn | None = None


class LogOut(Schema):
    id: int
    client_id: uuid.UUID
    team: str
    date: dt.date
    activities: dict[str, int]
    note: str
    status: str = Field(..., description="submitted, approved, issues, rejected")
    review_comment: str
    possible_duplicate_of: int | None = Field(None, description="Nhật ký cùng tổ, ngày, số lượng (có thể gửi trùng)")
    unit: str = Field(..., description="Thôn/tổ dân phố của tổ vào ngày của nhật ký")
    has_photo: bool = Field(False, description="Có ảnh hoạt động (chỉ tổ và cán bộ phường xem được)")

    @classmethod
    def of(cls, log: ActivityLog) -> LogOut:
        placement = placement_on(log.team, log.date)
        return cls(id=log.pk, client_id=log.client_id, team=log.team.code, date=log.date, activities=counts_of(log),
                   note=log.note, status=log.status, review_comment=log.review_comment,
                   possible_duplicate_of=log.possible_duplicate_of_id, unit=placement.unit.code if placement else "",
                   has_photo=bool(log.photo))


class ReviewIn(Schema):
    decision: str = Field(..., description="approved (duyệt), issues (cần sửa, cần nhận xét), rejected (không duyệt)")
    comment: str = ""


def _refuse(error: TeamError) -> object:
    return Reply(error.status, RefusalOut(detail=error.message, field=error.field))


@router.get("/teams", response={200: list[TeamOut], 404: ErrorOut}, summary="Các Tổ CNSCĐ của một phường, xã")
def list_teams(request: HttpRequest, unit: str = Query(..., description="Mã phường, xã (hoặc cấp trên)"),  # noqa: B008
               version: str = Query("", description="Phiên bản danh mục; trống: đang có hiệu lực")) -> object:  # noqa: B008
    shown = version_by_name(version) if version else current_version()
    found = Unit.objects.filter(version=shown, code=unit).first() if shown else None
    if found is None:
        return Reply(404, ErrorOut(detail=f"Không có đơn vị mã {unit} trong phiên bản {version or 'hiện hành'}."))
    today = timezone.localdate()
    return [TeamOut(code=t.code, name=t.name, unit=t.unit.code, unit_name=t.unit.name, version=t.unit.version.name,
                    state=t.state, founded_on=t.founded_on,
                    decision=f"{t.decision_number}, {t.decision_date:%d/%m/%Y}, {t.decision_signer}",
                    members=members_on(t, today).count(), illustrative=t.is_illustrative)
            for t in teams_under(found).order_by("code")]


@router.post("/teams/logs", auth=WRITE_AUTH, response={200: LogOut, 201: LogOut, **ERRORS},
             summary="Gửi nhật ký hoạt động của tổ (một lần: gửi lại cùng client_id trả 200 và nhật ký đã có)")
def post_log(request: HttpRequest, payload: LogIn) -> object:
    team = Team.objects.select_related("unit", "unit__version", "unit__parent").filter(code=payload.team).first()
    if team is None or not can_log_for_team(request.auth, team):
        return _refuse(TeamError(f"Không có tổ mã {payload.team} mà bạn ghi nhật ký được.", status=404, field="team"))
    location = (Location(payload.location.lat, payload.location.lon, payload.location.accuracy_m)
                if payload.location else None)
    try:
        log, created = do_submit_log(team, client_id=payload.client_id, day=payload.date,
                                     activities=payload.activities, note=payload.note, location=location,
                                     acting_user=request.auth, channel=Channel.API)
    except TeamError as error:
        return _refuse(error)
    return Reply(201 if created else 200, LogOut.of(log))


def _readable_log(request: HttpRequest, log_id: int) -> ActivityLog | None:
    log = ActivityLog.objects.select_related("team", "team__unit").filter(id=log_id).first()
    if log is None:
        return None
    placement = placement_on(log.team, log.date)
    officer = placement is not None and can_manage_team(request.auth, placement.unit)
    return log if officer or can_log_for_team(request.auth, log.team) else None


@router.get("/teams/logs/{log_id}", auth=WRITE_AUTH, response={200: LogOut, **ERRORS},
            summary="Một nhật ký (tổ trưởng của tổ, cán bộ phường)")
def get_log(request: HttpRequest, log_id: int) -> object:
    log = _readable_log(request, log_id)
    if log is None:
        return _refuse(TeamError(f"Không có nhật ký số {log_id} mà bạn xem được.", status=404))
    return LogOut.of(log)


@router.post("/teams/logs/{log_id}/review", auth=WRITE_AUTH, response={200: LogOut, **ERRORS},
             summary="Cán bộ phường duyệt nhật ký: approved, issues (kèm nhận xét), rejected (kèm nhận xét)")
def review_log(request: HttpRequest, log_id: int, payload: ReviewIn) -> object:
    log = _readable_log(request, log_id)
    if log is None:
        return _refuse(TeamError(f"Không có nhật ký số {log_id} mà bạn xem được.", status=404))
    try:
        log = do_review_log(log, decision=payload.decision, comment=payload.comment, acting_user=request.auth,
                            channel=Channel.API)
    except TeamError as error:
        return _refuse(error)
    return LogOut.of(log)


@router.post("/teams/logs/{log_id}/photo", auth=WRITE_AUTH, response={200: LogOut, **ERRORS},
             summary="Gửi ảnh hoạt động của một nhật ký (JPEG, PNG, WebP ≤ 3 MB; không phải giấy tờ tùy thân)")
def post_photo(request: HttpRequest, log_id: int, photo: UploadedFile = File(...),  # noqa: B008 - ninja's idiom
               not_id_document: bool = Form(False)) -> object:  # noqa: B008
    log = _readable_log(request, log_id)
    if log is None:
        return _refuse(TeamError(f"Không có nhật ký số {log_id} mà bạn xem được.", status=404))
    if photo.size is not None and photo.size > MAX_BYTES:
        return _refuse(TeamError("Ảnh lớn hơn 3 MB: chụp lại với độ phân giải thấp hơn.", field="photo"))
    try:
        log = do_attach_photo(log, photo.read(MAX_BYTES + 1), not_id_document=not_id_document,
                              acting_user=request.auth, channel=Channel.API)
    except TeamError as error:
        return _refuse(error)
    return LogOut.of(log)
