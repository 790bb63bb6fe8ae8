"""The one way register entries are written: add, change, retire, and carry to the successors after a reorganisation.

Every action checks permission first (``accounts.access.can_write_unit``: a ward officer writes only the entries
of its own ward and the thôn/tổ below it; ``acting_user`` None is the system, e.g. the demo builder), then the
entry (kind, unit, name, attributes as the kind declares them, the day it takes effect), then, in one transaction,
saves the entry, one ``EntryEvent`` with every field that changed (old → new) and the figures the register feeds
(``registers.counts.write_counts``, through ``values.actions.do_set_values``). A refusal is one ``RegisterError``
in Vietnamese naming the field; nothing is written.

Effective dates: a write takes effect on a day (default today), never after today, within the validity of the
entry's unit, and never before the entry's last event (a timeline that only goes forward; to correct the past,
write the correction effective from the day it became true and say why).

Reorganisation (``do_carry_entries``): after a new map version is loaded, the entries still active on units of
ended versions move to the unit their unit became (a merge, a rename, unchanged), effective on the new version's
first day, one ``move`` event each, and the successor's counts are written from then on. A unit split over
several successors cannot be decided by the machine: its entries stay and are listed as waiting, for an officer
to move with ``do_change_entry(unit=…)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.models import User as Account
from django.db import transaction
from django.utils import timezone

from chiso.accounts.access import can_lock_unit, can_write_unit
from chiso.registers.counts import write_counts
from chiso.registers.kinds import KINDS, AttributeFault, Kind, Value
from chiso.registers.models import Entry, EntryEvent
from chiso.units.models import HierarchyVersion, Succession, Unit
from chiso.values.actions import ValueWriteError
from chiso.values.models import Channel

User = AbstractBaseUser | AnonymousUser
LONGEST_NAME = 200
ENTRY_LEVELS = (3, 4)  # phường, xã (thị trấn, đặc khu) and thôn, tổ dân phố


class RegisterRefusal(StrEnum):
    FORBIDDEN = "forbidden"
    INVALID = "invalid"
    CONFLICT = "conflict"  # someone changed the entry after the writer read it
    CLOSED = "closed"  # a fed figure belongs to a report that is submitted or approved


STATUS = {RegisterRefusal.FORBIDDEN: 403, RegisterRefusal.CONFLICT: 409, RegisterRefusal.CLOSED: 409}


class RegisterError(Exception):
    def __init__(self, kind: RegisterRefusal, message: str, field: str = ""):
        self.kind, self.message, self.field = kind, message, field
        super().__init__(message)

    @property
    def status(self) -> int:
        return STATUS.get(self.kind, 400)


def _kind(code: str) -> Kind:
    found = KINDS.get(code)
    if found is None:
        raise RegisterError(RegisterRefusal.INVALID, f"Không có sổ theo dõi '{code}'. Có: {', '.join(KINDS)}.", "kind")
    return found


def _may_write(acting_user: User | None, unit: Unit) -> None:
    if acting_user is None:
        return
    if not acting_user.is_authenticated or not can_write_unit(acting_user, unit):
        raise RegisterError(RegisterRefusal.FORBIDDEN, f"Bạn không có quyền ghi sổ theo dõi của {unit.name} (mã "
                            f"{unit.code}, danh mục {unit.version.name}): chỉ cán bộ của đơn vị đó hoặc cấp trên.",
                            "unit")


def _check_unit(unit: Unit) -> None:
    if unit.level not in ENTRY_LEVELS:
        raise RegisterError(RegisterRefusal.INVALID, f"Mục sổ theo dõi gắn với phường, xã hoặc thôn, tổ dân phố; "
                            f"{unit.name} là {unit.get_type_display().lower()}.", "unit")


def _name(text: str) -> str:
    name = " ".join((text or "").replace("\x00", "").split())
    if not name:
        raise RegisterError(RegisterRefusal.INVALID, "Cần ghi tên của mục (ví dụ: Chợ Thạc Gián).", "name")
    if len(name) > LONGEST_NAME:
        raise RegisterError(RegisterRefusal.INVALID, f"Tên dài quá {LONGEST_NAME} ký tự.", "name")
    return name


def parse_attributes(kind: Kind, given: Mapping[str, object], current: Mapping[str, Value] | None = None
                     ) -> dict[str, Value]:
    """The attributes after the write: ``current`` with ``given`` parsed over it (a new entry: every attribute,
    absent ones empty). Refused, naming the attribute, when a value does not fit or one is unknown."""
    known = {a.code for a in kind.attributes}
    unknown = [name for name in given if name not in known]
    if unknown:
        raise RegisterError(RegisterRefusal.INVALID, f"Sổ {kind.lowered} không có thuộc tính "
                            f"{', '.join(repr(u) for u in unknown)}. Có: {', '.join(sorted(known))}.", unknown[0])
    result: dict[str, Value] = dict(current or {})
    for attribute in kind.attributes:
        if attribute.code in given or current is None:
            try:
                result[attribute.code] = attribute.parse(given.get(attribute.code))
            except AttributeFault as fault:
                raise RegisterError(RegisterRefusal.INVALID, f"{attribute.label}: {fault}.", attribute.code) \
                    from None
    for name, fault_text in kind.check(result):
        raise RegisterError(RegisterRefusal.INVALID, f"{kind.attribute(name).label}: {fault_text}.", name)
    return result


def _effective(day: date | None, unit: Unit, after: date | None = None) -> date:
    today = timezone.localdate()
    day = day or today
    if day > today:
        raise RegisterError(RegisterRefusal.INVALID, f"Ngày hiệu lực {day:%d/%m/%Y} sau hôm nay: ghi khi việc đã "
                            "xảy ra.", "effective_on")
    start, end = unit.effective_from(), unit.effective_to()
    if (start and day < start) or (end and day > end):
        valid = f"{start:%d/%m/%Y}" if start else "…"
        valid += f" – {end:%d/%m/%Y}" if end else " – nay"
        raise RegisterError(RegisterRefusal.INVALID, f"{unit.name} (danh mục {unit.version.name}) chỉ có hiệu lực "
                            f"{valid}; ngày hiệu lực {day:%d/%m/%Y} nằm ngoài. Sau sắp xếp đơn vị, ghi cho đơn vị "
                            "mới.", "effective_on")
    if after is not None and day < after:
        raise RegisterError(RegisterRefusal.INVALID, f"Ngày hiệu lực {day:%d/%m/%Y} trước lần ghi trước của mục này "
                            f"({after:%d/%m/%Y}): lịch sử chỉ đi tới; ghi ngày từ {after:%d/%m/%Y} trở đi.",
                            "effective_on")
    return day


def _no_twin(kind: Kind, unit: Unit, name: str, exclude: int | None = None) -> None:
    twins = Entry.objects.filter(kind=kind.code, unit=unit, active=True, name__iexact=name)
    if exclude is not None:
        twins = twins.exclude(pk=exclude)
    if twins.exists():
        raise RegisterError(RegisterRefusal.INVALID, f"{unit.name} đã có {kind.entry_label} '{name}' trong sổ "
                            f"{kind.lowered}: sửa mục đó thay vì thêm mục mới.", "name")


def _user(acting_user: User | None) -> Account | None:
    return cast(Account, acting_user) if acting_user is not None and acting_user.is_authenticated else None


def _event(entry: Entry, action: str, changes: list[dict[str, object]], *, acting_user: User | None,
           channel: str, reason: str) -> EntryEvent:
    reason = reason.replace("\x00", "")[:4000]  # PostgreSQL stores no NUL in text
    return EntryEvent.objects.create(
        entry=entry, revision=entry.revision, action=action, changes=changes, effective_on=entry.effective_on,
        unit=entry.unit, name=entry.name, attributes=entry.attributes, active=entry.active, channel=channel,
        reason=reason, changed_by=_user(acting_user), changed_at=entry.updated_at)


def _feed(kind: Kind, units: list[Unit], since: date, *, acting_user: User | None, reason: str) -> None:
    """Write the counts of ``units`` (the figures fed), refusing the whole write when a figure is refused."""
    for unit in units:
        try:
            write_counts(unit, kind, since, acting_user=acting_user, reason=reason)
        except ValueWriteError as error:
            closed = any(r.kind == "closed" for r in error.refusals)
            first = error.refusals[0].message if error.refusals else str(error)
            raise RegisterError(
                RegisterRefusal.CLOSED if closed else RegisterRefusal.INVALID,
                f"Không ghi được số liệu mà sổ {kind.lowered} cập nhật: {first}"
                + (" Chọn ngày hiệu lực sau kỳ báo cáo đã duyệt, hoặc nhờ cấp trên mở lại báo cáo." if closed else ""),
                "effective_on") from None


def _changes(kind: Kind, before: Mapping[str, Value], after: Mapping[str, Value]) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    for attribute in kind.attributes:
        old, new = before.get(attribute.code), after.get(attribute.code)
        if old != new and not (old in (None, []) and new in (None, [])):
            found.append({"field": attribute.code, "label": attribute.label, "old": old, "new": new})
    return found


@transaction.atomic
def do_add_entry(kind_code: str, unit: Unit, name: str, attributes: Mapping[str, object], *,
                 acting_user: User | None, effective_on: date | None = None, channel: str = Channel.WEB,
                 reason: str = "", is_illustrative: bool = False) -> Entry:
    """Add an entry to a unit's register of ``kind_code``; its counts are written from the month it takes effect."""
    _may_write(acting_user, unit)
    kind = _kind(kind_code)
    _check_unit(unit)
    clean_name = _name(name)
    values = parse_attributes(kind, attributes)
    day = _effective(effective_on, unit)
    _no_twin(kind, unit, clean_name)
    entry = Entry.objects.create(kind=kind.code, unit=unit, name=clean_name, attributes=values, active=True,
                                 effective_on=day, is_illustrative=is_illustrative, revision=1,
                                 updated_by=_user(acting_user), updated_at=timezone.now())
    changes: list[dict[str, object]] = [{"field": "name", "label": "Tên", "old": None, "new": clean_name}]
    changes += _changes(kind, {}, values)
    _event(entry, EntryEvent.Action.ADD, changes, acting_user=acting_user, channel=channel, reason=reason.strip())
    _feed(kind, [unit], day, acting_user=acting_user, reason=reason.strip() or f"Thêm {entry.name}")
    return entry


@transaction.atomic
def do_change_entry(entry: Entry, *, acting_user: User | None, name: str | None = None,
                    attributes: Mapping[str, object] | None = None, unit: Unit | None = None,
                    effective_on: date | None = None, channel: str = Channel.WEB, reason: str = "",
                    expected_revision: int | None = None) -> Entry:
    """Change an entry's name, attributes (only those given) or unit (within the same map version; moving to
    another ward needs the right to write both). Nothing changing is no write and no event."""
    locked = Entry.objects.select_for_update().select_related("unit__version").get(pk=entry.pk)
    _may_write(acting_user, locked.unit)
    target = unit if unit is not None else locked.unit
    if unit is not None and unit.pk != locked.unit_id:
        _may_write(acting_user, unit)
        _check_unit(unit)
        if unit.version_id != locked.unit.version_id:
            raise RegisterError(RegisterRefusal.INVALID, "Chỉ chuyển mục sang đơn vị cùng danh mục "
                                f"({locked.unit.version.name}); sau sắp xếp đơn vị, mục đi theo đơn vị kế thừa.",
                                "unit")
    if expected_revision is not None and expected_revision != locked.revision:
        raise RegisterError(RegisterRefusal.CONFLICT, f"'{locked.name}' đã được sửa sau khi bạn mở (bạn thấy lần "
                            f"sửa {expected_revision}, nay là lần sửa {locked.revision}). Chưa lưu gì: xem lại rồi "
                            "lưu lại.", "revision")
    if not locked.active:
        raise RegisterError(RegisterRefusal.INVALID, f"'{locked.name}' đã thôi theo dõi: không sửa được.", "active")
    kind = _kind(locked.kind)
    new_name = _name(name) if name is not None else locked.name
    values = parse_attributes(kind, attributes or {}, locked.attributes)
    changes = _changes(kind, locked.attributes, values)
    if new_name != locked.name:
        _no_twin(kind, target, new_name, exclude=locked.pk)
        changes.insert(0, {"field": "name", "label": "Tên", "old": locked.name, "new": new_name})
    if target.pk != locked.unit_id:
        _no_twin(kind, target, new_name, exclude=locked.pk)
        changes.insert(0, {"field": "unit", "label": "Đơn vị", "old": _unit_label(locked.unit),
                           "new": _unit_label(target)})
    if not changes:
        return locked
    day = _effective(effective_on, target, after=locked.effective_on)
    if target.pk != locked.unit_id:
        _effective(day, locked.unit)
    before_unit = locked.unit
    locked.name, locked.attributes, locked.unit, locked.effective_on = new_name, values, target, day
    locked.revision += 1
    locked.updated_by, locked.updated_at = _user(acting_user), timezone.now()
    locked.save()
    _event(locked, EntryEvent.Action.CHANGE, changes, acting_user=acting_user, channel=channel, reason=reason.strip())
    units = [before_unit] + ([target] if target.pk != before_unit.pk else [])
    _feed(kind, units, day, acting_user=acting_user, reason=reason.strip() or f"Sửa {locked.name}")
    return locked


@transaction.atomic
def do_retire_entry(entry: Entry, *, acting_user: User | None, reason: str, effective_on: date | None = None,
                    channel: str = Channel.WEB, expected_revision: int | None = None) -> Entry:
    """Stop tracking an entry (a market closed, a product no longer certified): it stays with its history and
    is no longer counted from the month it takes effect. A reason is required."""
    locked = Entry.objects.select_for_update().select_related("unit__version").get(pk=entry.pk)
    _may_write(acting_user, locked.unit)
    if expected_revision is not None and expected_revision != locked.revision:
        raise RegisterError(RegisterRefusal.CONFLICT, f"'{locked.name}' đã được sửa sau khi bạn mở (lần sửa "
                            f"{locked.revision}). Chưa lưu gì.", "revision")
    if not locked.active:
        raise RegisterError(RegisterRefusal.INVALID, f"'{locked.name}' đã thôi theo dõi từ trước.", "active")
    if not (reason or "").strip():
        raise RegisterError(RegisterRefusal.INVALID, "Cần ghi lý do thôi theo dõi (ví dụ: chợ đã giải tỏa).",
                            "reason")
    kind = _kind(locked.kind)
    day = _effective(effective_on, locked.unit, after=locked.effective_on)
    locked.active, locked.effective_on = False, day
    locked.revision += 1
    locked.updated_by, locked.updated_at = _user(acting_user), timezone.now()
    locked.save()
    _event(locked, EntryEvent.Action.RETIRE, [{"field": "active", "label": "Đang theo dõi", "old": True,
                                               "new": False}], acting_user=acting_user, channel=channel,
           reason=reason.strip())
    _feed(kind, [locked.unit], day, acting_user=acting_user, reason=reason.strip())
    return locked


def _unit_label(unit: Unit) -> str:
    return f"{unit.name} ({unit.code}, {unit.version.name})"


@dataclass
class CarryResult:
    moved: list[tuple[Entry, Unit, Unit]] = field(default_factory=list)  # (entry, from, to)
    waiting: list[tuple[Entry, list[Unit]]] = field(default_factory=list)  # split units: the candidates


def successor_in(unit: Unit, version: HierarchyVersion) -> tuple[Unit | None, list[Unit]]:
    """The one unit of ``version`` that ``unit`` became, following the successions version by version; or None
    with the candidates when the way splits (or nothing follows)."""
    current = unit
    while current.version_id != version.pk:
        targets = {s.to_unit_id: s.to_unit for s in Succession.objects.filter(from_unit=current)
                   .select_related("to_unit__version") if s.to_unit.level in ENTRY_LEVELS}
        if len(targets) != 1:
            return None, list(targets.values())
        current = next(iter(targets.values()))
    return current, [current]


@transaction.atomic
def do_carry_entries(version: HierarchyVersion, *, acting_user: User | None, channel: str = Channel.WEB,
                     reason: str = "") -> CarryResult:
    """Move every active entry on a unit of an ended version before ``version`` to its successor in ``version``
    (see the module). Allowed to the system and to administrators covering every destination unit."""
    result = CarryResult()
    start = version.valid_from
    if start is None:
        return result
    stale = (Entry.objects.select_for_update().filter(active=True, unit__version__valid_to__lt=start)
             .select_related("unit__version").order_by("id"))
    touched: dict[tuple[str, int], tuple[Kind, Unit]] = {}
    why = reason.strip() or f"Sắp xếp đơn vị hành chính: theo danh mục {version.name}"
    for entry in stale:
        successor, candidates = successor_in(entry.unit, version)
        if successor is None:
            result.waiting.append((entry, candidates))
            continue
        if acting_user is not None and not (acting_user.is_authenticated and can_lock_unit(acting_user, successor)):
            raise RegisterError(RegisterRefusal.FORBIDDEN, f"Chuyển mục sổ theo dõi sang {successor.name} cần quyền "
                                "quản trị của đơn vị đó.", "unit")
        old = entry.unit
        entry.unit, entry.effective_on = successor, max(successor.effective_from() or start, entry.effective_on)
        entry.revision += 1
        entry.updated_by, entry.updated_at = _user(acting_user), timezone.now()
        entry.save()
        _event(entry, EntryEvent.Action.MOVE, [{"field": "unit", "label": "Đơn vị", "old": _unit_label(old),
                                                "new": _unit_label(successor)}],
               acting_user=acting_user, channel=channel, reason=why)
        result.moved.append((entry, old, successor))
        touched[(entry.kind, successor.pk)] = (_kind(entry.kind), successor)
    for kind, unit in touched.values():
        _feed(kind, [unit], unit.effective_from() or start, acting_user=acting_user, reason=why)
    return result
