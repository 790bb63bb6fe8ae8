"""Registers through the API: list, read, create, change, retire, with the same actions as the pages.

Reads need no credentials for public kinds (markets, schools, …); the households without a smartphone are read only
with a token or session whose roles may read the unit's unpublished figures (else 404, as if absent). Writes need a
token or a logged-in session and go through ``registers.actions`` (channel ``api``): 400 a value that does not fit
(naming the attribute), 403 another ward's register, 404 no such unit or entry, 409 the entry changed since the
revision sent, or a fed figure belongs to an approved report. Every answer's ``detail`` is in Vietnamese.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja import Field, Router, Schema

from chiso.accounts.access import can_read_register
from chiso.api.auth import WRITE_AUTH, reader
from chiso.api.schemas import ErrorOut, Reply
from chiso.registers import queries
from chiso.registers.actions import RegisterError, do_add_entry, do_change_entry, do_retire_entry
from chiso.registers.kinds import KINDS
from chiso.registers.models import Entry, EntryEvent
from chiso.units.models import Unit
from chiso.values.models import Channel

router = Router(tags=["Sổ theo dõi"])
MAX_LIST = 2000


class RefusalOut(Schema):
    detail: str = Field(..., description="Lý do, bằng tiếng Việt")
    kind: str = Field("", description="forbidden, invalid, conflict, closed")
    field: str = Field("", description="Trường hoặc thuộc tính bị từ chối")


class AttributeOut(Schema):
    code: str
    label: str
    type: str = Field(..., description="yes_no, integer, choice, text, list")
    choices: list[list[str]] = Field(..., description="[mã lưu, nhãn] của loại choice")
    required: bool


class FeedOut(Schema):
    element: str = Field(..., description="Mã yếu tố dữ liệu được ghi từ sổ")
    how: str


class KindOut(Schema):
    code: str
    label: str
    public: bool = Field(..., description="false: chỉ người xem được số liệu chưa công bố của đơn vị mới đọc được")
    attributes: list[AttributeOut]
    feeds: list[FeedOut]


class EventOut(Schema):
    revision: int
    action: str = Field(..., description="add, change, retire, move")
    changes: list[dict[str, Any]] = Field(..., description="[{field, label, old, new}]")
    effective_on: date
    unit: str
    version: str
    changed_by: str | None
    changed_at: datetime
    channel: str
    reason: str


class EntryOut(Schema):
    id: int
    kind: str
    unit: str
    version: str
    name: str
    attributes: dict[str, Any]
    active: bool
    effective_on: date
    is_illustrative: bool
    revision: int = Field(..., description="Gửi lại số này khi sửa để phát hiện xung đột")

    @classmethod
    def of(cls, entry: Entry) -> EntryOut:
        return cls(id=entry.pk, kind=entry.kind, unit=entry.unit.code, version=entry.unit.version.name,
                   name=entry.name, attributes=entry.attributes, active=entry.active, effective_on=entry.effective_on,
                   is_illustrative=entry.is_illustrative, revision=entry.revision)


class EntryWithHistoryOut(EntryOut):
    history: list[EventOut]


class EntryIn(Schema):
    kind: str = Field(..., max_length=30, description="cho, truong, co-so-y-te, ocop, di-tich, tuyen-pho, "
                                                      "ho-chua-co-dtdm")
    version: str = Field(..., max_length=20, description="Phiên bản danh mục của đơn vị, ví dụ 2025-07")
    unit: str = Field(..., max_length=40, description="Mã đơn vị (phường, xã, thôn, tổ dân phố)")
    name: str = Field(..., max_length=400)
    attributes: dict[str, Any] = Field(default_factory=dict, description="Theo /registers/kinds")
    effective_on: date | None = Field(None, description="Ngày có hiệu lực; trống: hôm nay")
    reason: str = Field("", max_length=2000)


class ChangeIn(Schema):
    name: str | None = Field(None, max_length=400)
    attributes: dict[str, Any] = Field(default_factory=dict, description="Chỉ các thuộc tính đổi")
    version: str | None = Field(None, max_length=20, description="Chuyển sang đơn vị khác cùng danh mục")
    unit: str | None = Field(None, max_length=40)
    effective_on: date | None = None
    reason: str = Field("", max_length=2000)
    revision: int | None = Field(None, description="Lần sửa bạn đã đọc; khác thì không ghi gì và trả 409")


class RetireIn(Schema):
    reason: str = Field(..., max_length=2000)
    effective_on: date | None = None
    revision: int | None = None


ERRORS = {400: RefusalOut, 401: ErrorOut, 403: RefusalOut, 404: RefusalOut, 409: RefusalOut}


def _refuse(status: int, detail: str, kind: str = "", field: str = "") -> object:
    return Reply(status, RefusalOut(detail=detail, kind=kind, field=field))


def _refused(error: RegisterError) -> object:
    return _refuse(error.status, error.message, str(error.kind), error.field)


def _unit(version: str, code: str) -> Unit | None:
    return Unit.objects.select_related("version").filter(version__name=version, code=code).first()


def _event(event: EntryEvent) -> EventOut:
    who = event.changed_by.get_username() if event.changed_by is not None else None
    return EventOut(revision=event.revision, action=event.action, changes=event.changes,
                    effective_on=event.effective_on, unit=event.unit.code, version=event.unit.version.name,
                    changed_by=who, changed_at=event.changed_at, channel=event.channel, reason=event.reason)


@router.get("/registers/kinds", response=list[KindOut], summary="Các loại sổ theo dõi, thuộc tính và chỉ tiêu được ghi")
def list_kinds(request: HttpRequest) -> list[KindOut]:
    return [KindOut(code=k.code, label=k.label, public=k.public,
                    attributes=[AttributeOut(code=a.code, label=a.label, type=a.type,
                                             choices=[list(c) for c in a.choices], required=a.required)
                                for a in k.attributes],
                    feeds=[FeedOut(element=f.element, how=k.describe(f)) for f in k.feeds]) for k in KINDS.values()]


@router.get("/registers/units/{version}/{unit}/{kind}", response={200: list[EntryOut], 404: RefusalOut},
            summary="Các mục của một loại sổ trên một đơn vị và các đơn vị trực thuộc")
def list_entries(request: HttpRequest, version: str, unit: str, kind: str, retired: bool = False) -> object:
    user = reader(request) or AnonymousUser()
    found = _unit(version, unit)
    register = KINDS.get(kind)
    if found is None or register is None or not can_read_register(user, found, public=register.public):
        return _refuse(404, f"Không có sổ '{kind}' của đơn vị mã {unit} (danh mục {version}), hoặc bạn không xem "
                            "được.")
    entries = queries.entries_under(user, found, register, retired=retired)[:MAX_LIST]
    return Reply(200, [EntryOut.of(e) for e in entries])


@router.get("/registers/entries/{entry_id}", response={200: EntryWithHistoryOut, 404: RefusalOut},
            summary="Một mục sổ theo dõi và toàn bộ lịch sử thay đổi")
def get_entry(request: HttpRequest, entry_id: int) -> object:
    entry = queries.readable_entry(reader(request) or AnonymousUser(), entry_id)
    if entry is None:
        return _refuse(404, f"Không có mục {entry_id}, hoặc bạn không xem được.")
    out = EntryOut.of(entry)
    return Reply(200, EntryWithHistoryOut(**out.dict(), history=[_event(e) for e in queries.history(entry)]))


@router.post("/registers/entries", auth=WRITE_AUTH, response={201: EntryOut, **ERRORS},
             summary="Thêm một mục (ghi lịch sử và số liệu chỉ tiêu trong cùng một giao dịch)")
def create_entry(request: HttpRequest, payload: EntryIn) -> object:
    found = _unit(payload.version, payload.unit)
    if found is None:
        return _refuse(404, f"Không có đơn vị mã {payload.unit} trong danh mục {payload.version}.", field="unit")
    try:
        entry = do_add_entry(payload.kind, found, payload.name, payload.attributes, acting_user=request.auth,
                             effective_on=payload.effective_on, channel=Channel.API, reason=payload.reason)
    except RegisterError as error:
        return _refused(error)
    return Reply(201, EntryOut.of(entry))


def _writable(request: HttpRequest, entry_id: int) -> Entry | None:
    """The entry, if the caller may read it (an entry it may not read is a 404 to it, whatever it sends)."""
    return queries.readable_entry(request.auth, entry_id)


@router.patch("/registers/entries/{entry_id}", auth=WRITE_AUTH, response={200: EntryOut, **ERRORS},
              summary="Sửa tên, thuộc tính hoặc đơn vị của một mục")
def change_entry(request: HttpRequest, entry_id: int, payload: ChangeIn) -> object:
    entry = _writable(request, entry_id)
    if entry is None:
        return _refuse(404, f"Không có mục {entry_id}, hoặc bạn không xem được.")
    target = None
    if payload.unit is not None:
        target = _unit(payload.version or entry.unit.version.name, payload.unit)
        if target is None:
            return _refuse(404, f"Không có đơn vị mã {payload.unit}.", field="unit")
    try:
        changed = do_change_entry(entry, acting_user=request.auth, name=payload.name, attributes=payload.attributes,
                                  unit=target, effective_on=payload.effective_on, channel=Channel.API,
                                  reason=payload.reason, expected_revision=payload.revision)
    except RegisterError as error:
        return _refused(error)
    return Reply(200, EntryOut.of(changed))


@router.post("/registers/entries/{entry_id}/retire", auth=WRITE_AUTH, response={200: EntryOut, **ERRORS},
             summary="Thôi theo dõi một mục (cần lý do); mục và lịch sử vẫn được giữ")
def retire_entry(request: HttpRequest, entry_id: int, payload: RetireIn) -> object:
    entry = _writable(request, entry_id)
    if entry is None:
        return _refuse(404, f"Không có mục {entry_id}, hoặc bạn không xem được.")
    try:
        retired = do_retire_entry(entry, acting_user=request.auth, reason=payload.reason,
                                  effective_on=payload.effective_on, channel=Channel.API,
                                  expected_revision=payload.revision)
    except RegisterError as error:
        return _refused(error)
    return Reply(200, EntryOut.of(retired))
