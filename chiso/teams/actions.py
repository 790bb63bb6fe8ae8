"""Every write of the teams register and of the activity logs: one action each, owning every rule.

Each action checks permission (``accounts.access``), validates, runs in one transaction and keeps history
(``TeamChange`` for the register, ``LogEvent`` for logs). Figures are written only by ``teams.rollup`` through
``values.actions.do_set_values``. Views, the API, the CLI and the demo parse, call these and format ``TeamError``.
``acting_user`` None is the system itself (the daily erasure, the demo builder): no permission check.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from chiso import conf
from chiso.accounts.access import can_log_for_team, can_manage_team
from chiso.engine.periods import Period
from chiso.engine.photos import MAX_BYTES, kind_of, strip_jpeg_metadata
from chiso.indicators.models import DataElement
from chiso.teams import rollup
from chiso.teams.activities import by_element
from chiso.teams.models import (
    ActivityCount,
    ActivityLog,
    LogEvent,
    LogStatus,
    MemberRole,
    Team,
    TeamChange,
    TeamMember,
    TeamPlacement,
    TeamSettings,
    TeamState,
)
from chiso.teams.queries import TEAM_UNIT_TYPES, placement_on, ward_of
from chiso.units.models import Unit
from chiso.units.queries import main_predecessor, main_successor
from chiso.values.actions import ValueWriteError
from chiso.values.models import Channel

User = AbstractBaseUser | AnonymousUser
MAX_COUNT = 5000  # people one team can count in one day's log, per activity
MAX_NOTE = 1000
PHONE = re.compile(r"^(?:\+84|0)\d{9,10}$")
LOOKS_PERSONAL = re.compile(r"(?:\d[\s.\-]?){9,}")  # a phone or an ID number (CCCD: 12 digits)


class TeamError(Exception):
    """A refused write: a Vietnamese sentence saying what and what to do; ``status`` for the API."""

    def __init__(self, message: str, *, status: int = 400, field: str = "") -> None:
        super().__init__(message)
        self.message, self.status, self.field = message, status, field


def _today() -> date:
    return timezone.localdate()


def _allowed(ok: bool, message: str) -> None:
    if not ok:
        raise TeamError(message, status=403)


def _changed_by(user: User | None) -> Any:
    return user if user is not None and user.is_authenticated else None


def _record(team: Team, action: str, detail: str, user: User | None, channel: str) -> None:
    TeamChange.objects.create(team=team, action=action, detail=detail, changed_by=_changed_by(user), channel=channel)


def _text(value: str, field: str, label: str, limit: int, *, required: bool = True) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        raise TeamError(f"Thiếu {label}: điền vào rồi lưu lại.", field=field)
    if len(value) > limit:
        raise TeamError(f"{label.capitalize()} dài quá {limit} ký tự: rút gọn lại.", field=field)
    return value


# -- the register -------------------------------------------------------------------------------------------

@transaction.atomic
def do_found_team(unit: Unit, *, name: str, decision_number: str, decision_date: date, decision_signer: str,
                  founded_on: date, acting_user: User | None, channel: str = Channel.WEB,
                  is_illustrative: bool = False) -> Team:
    """Register a team founded by a decision on a thôn/tổ dân phố; if the unit's map version has ended, the team
    is carried through the successions to today's unit (``do_follow_reorganisation``)."""
    if acting_user is not None:
        _allowed(can_manage_team(acting_user, unit),
                 f"Bạn không quản lý {unit.name} ({unit.code}): chỉ cán bộ phường, xã của đơn vị này lập tổ được.")
    if unit.type not in TEAM_UNIT_TYPES:
        raise TeamError(f"{unit.name} không phải thôn hay tổ dân phố: Tổ CNSCĐ lập theo thôn, tổ dân phố.",
                        field="unit")
    name = _text(name, "name", "tên tổ", 200)
    number = _text(decision_number, "decision_number", "số quyết định", 60)
    signer = _text(decision_signer, "decision_signer", "người ký quyết định", 200)
    if decision_date > _today() or founded_on > _today():
        raise TeamError("Ngày quyết định và ngày thành lập không được sau hôm nay.", field="decision_date")
    if founded_on < decision_date:
        raise TeamError("Ngày thành lập không được trước ngày ký quyết định.", field="founded_on")
    earlier = _units_back_to(unit, founded_on)
    if Team.objects.filter(unit=unit, state=TeamState.ACTIVE).exists():
        raise TeamError(f"{unit.name} đã có tổ đang hoạt động: mỗi thôn, tổ dân phố một tổ.", status=409, field="unit")
    code, n = f"TCN-{unit.code}", 1
    while Team.objects.filter(code=code).exists():
        n += 1
        code = f"TCN-{unit.code}-{n}"
    team = Team.objects.create(code=code, name=name, unit=unit, decision_number=number, decision_date=decision_date,
                               decision_signer=signer, founded_on=founded_on, is_illustrative=is_illustrative)
    for placed in [*earlier, unit]:
        start = placed.version.valid_from
        TeamPlacement.objects.create(team=team, unit=placed, since=max(founded_on, start) if start else founded_on)
    _record(team, "found", f"Thành lập theo quyết định {number} ngày {decision_date:%d/%m/%Y} ({signer}), "
                           f"tại {unit.name} ({unit.code}, danh mục {unit.version.name}).", acting_user, channel)
    _carry(team, acting_user, channel)
    return team


def _units_back_to(unit: Unit, day: date) -> list[Unit]:
    """The units ``unit`` comes from, oldest first, back to the one whose version covers ``day`` (a team founded
    before the map it is registered on); [] when ``unit``'s own version covers it."""
    chain: list[Unit] = []
    current = unit
    while not current.version.covers(day):
        starts = current.version.valid_from
        if starts is not None and day >= starts:
            raise TeamError(f"Ngày thành lập {day:%d/%m/%Y} sau hiệu lực của danh mục {current.version.label}: "
                            "chọn đơn vị của danh mục đang có hiệu lực vào ngày đó.", field="founded_on")
        link = main_predecessor(current, TEAM_UNIT_TYPES)
        if link is None:
            raise TeamError(f"{current.name} chưa có trước ngày {starts:%d/%m/%Y} (không có đơn vị tiền thân trong "
                            f"danh mục): ngày thành lập {day:%d/%m/%Y} không hợp lệ.", field="founded_on")
        current = link.from_unit
        chain.insert(0, current)
    return chain


@dataclass(frozen=True)
class Carried:
    team: Team
    outcome: str  # "moved", "merged", "dissolved"
    detail: str


def _carry(team: Team, acting_user: User | None, channel: str) -> list[Carried]:
    """Follow ``team`` through the successions while its unit's version has ended."""
    done: list[Carried] = []
    while team.state == TeamState.ACTIVE and team.unit.version.valid_to is not None:
        link = main_successor(team.unit, TEAM_UNIT_TYPES)
        if link is None:
            since = team.unit.version.valid_to + timedelta(days=1)
            team.state, team.state_since = TeamState.DISSOLVED, since
            team.state_note = f"{team.unit.name} không còn sau ngày {team.unit.version.valid_to:%d/%m/%Y}."
            team.save()
            _record(team, "dissolve", team.state_note, acting_user, channel)
            done.append(Carried(team, "dissolved", team.state_note))
            break
        new = link.to_unit
        other = Team.objects.filter(unit=new, state=TeamState.ACTIVE).exclude(id=team.id).first()
        if other is not None:
            team.state, team.state_since, team.merged_into = TeamState.MERGED, link.effective_date, other
            team.state_note = f"{team.unit.name} sáp nhập vào {new.name}: tổ hợp nhất vào {other.name} ({other.code})."
            team.save()
            _record(team, "merge", team.state_note, acting_user, channel)
            done.append(Carried(team, "merged", team.state_note))
            break
        TeamPlacement.objects.get_or_create(team=team, unit=new, defaults={"since": link.effective_date})
        detail = (f"Theo sắp xếp đơn vị ({link.get_kind_display().lower()}, {link.effective_date:%d/%m/%Y}): "
                  f"{team.unit.name} ({team.unit.version.name}) → {new.name} ({new.version.name}).")
        team.unit = new
        team.save()
        _record(team, "move", detail, acting_user, channel)
        done.append(Carried(team, "moved", detail))
    return done


@transaction.atomic
def do_follow_reorganisation(*, acting_user: User | None, channel: str = Channel.CLI) -> list[Carried]:
    """Carry every active team whose unit's map version has ended into the next versions: to its unit's
    successor (the largest population share); merged into the team already there when two units merged;
    dissolved when its unit has no successor of thôn/TDP level."""
    if acting_user is not None:
        _allowed(getattr(acting_user, "is_superuser", False), "Chỉ quản trị hệ thống chạy việc này cho mọi tổ.")
    done: list[Carried] = []
    teams = Team.objects.filter(state=TeamState.ACTIVE, unit__version__valid_to__isnull=False)
    for team in teams.select_related("unit", "unit__version").order_by("founded_on", "id"):
        done += _carry(team, acting_user, channel)
    return done


@transaction.atomic
def do_set_team_state(team: Team, state: str, *, on: date, note: str, acting_user: User | None,
                      merged_into: Team | None = None, channel: str = Channel.WEB) -> Team:
    """Dissolve a team, or merge it into another team of the same ward (e.g. the Đề án 06 team), by decision."""
    if acting_user is not None:
        _allowed(can_manage_team(acting_user, team.unit), f"Bạn không quản lý tổ {team.code}.")
    if team.state != TeamState.ACTIVE:
        raise TeamError(f"Tổ {team.code} đã {team.get_state_display().lower()}: không đổi được nữa.", status=409)
    if state not in (TeamState.MERGED, TeamState.DISSOLVED):
        raise TeamError("Trạng thái mới phải là 'merged' (hợp nhất) hoặc 'dissolved' (giải thể).", field="state")
    note = _text(note, "note", "căn cứ (số quyết định, lý do)", 300)
    if on < team.founded_on or on > _today():
        raise TeamError("Ngày phải từ ngày thành lập tổ đến hôm nay.", field="on")
    if state == TeamState.MERGED:
        if merged_into is None or merged_into.id == team.id or merged_into.state != TeamState.ACTIVE:
            raise TeamError("Chọn một tổ khác đang hoạt động để hợp nhất vào.", field="merged_into")
        if ward_of(merged_into.unit).id != ward_of(team.unit).id:
            raise TeamError("Chỉ hợp nhất với tổ của cùng phường, xã.", field="merged_into")
    team.state, team.state_since, team.merged_into, team.state_note = state, on, merged_into, note
    team.save()
    _record(team, state, f"{team.get_state_display()} từ {on:%d/%m/%Y}: {note}", acting_user, channel)
    return team


@transaction.atomic
def do_add_member(team: Team, *, name: str, role: str, joined_on: date, acting_user: User | None,
                  phone: str = "", user: Any = None, channel: str = Channel.WEB,
                  is_illustrative: bool = False) -> TeamMember:
    """Add a member: a name, a role, the day they joined, an optional phone and, for the leader or deputy who
    logs, their account. Never an ID number: a name with a long run of digits is refused."""
    if acting_user is not None:
        _allowed(can_manage_team(acting_user, team.unit), f"Bạn không quản lý tổ {team.code}.")
    if team.state != TeamState.ACTIVE:
        raise TeamError(f"Tổ {team.code} không còn hoạt động.", status=409)
    name = _text(name, "name", "họ tên", 100)
    if any(ch.isdigit() for ch in name):
        raise TeamError("Họ tên không được có chữ số (không ghi số CCCD, số điện thoại vào ô tên).", field="name")
    if role not in MemberRole.values:
        raise TeamError(f"Vai trò '{role}' không có; chọn một trong: {', '.join(MemberRole.labels)}.", field="role")
    phone = "".join((phone or "").split()).replace(".", "").replace("-", "")
    if phone and not PHONE.match(phone):
        raise TeamError(f"Số điện thoại '{phone}' không đúng (10 chữ số bắt đầu bằng 0, hoặc +84…); "
                        "có thể để trống.", field="phone")
    if joined_on > _today() or joined_on < team.founded_on:
        raise TeamError("Ngày tham gia phải từ ngày thành lập tổ đến hôm nay.", field="joined_on")
    if role == MemberRole.LEADER and team.members.filter(role=MemberRole.LEADER, left_on__isnull=True).exists():
        raise TeamError("Tổ đã có tổ trưởng: ghi tổ trưởng cũ rời tổ trước.", status=409, field="role")
    if user is not None and role not in (MemberRole.LEADER, MemberRole.DEPUTY):
        raise TeamError("Chỉ tổ trưởng, tổ phó có tài khoản ghi nhật ký.", field="user")
    member = TeamMember.objects.create(team=team, name=name, role=role, phone=phone or None, user=user,
                                       joined_on=joined_on, is_illustrative=is_illustrative)
    _record(team, "member_join", f"Thành viên #{member.pk} ({member.get_role_display()}) tham gia từ "
                                 f"{joined_on:%d/%m/%Y}{', có tài khoản ghi nhật ký' if user else ''}.",
            acting_user, channel)
    return member


def retention_days(ward: Unit) -> int:
    found = TeamSettings.objects.filter(ward=ward).first()
    return found.retention_days if found else conf.env_int("CHISO_TEAMS_RETENTION_DAYS")


@transaction.atomic
def do_set_retention(ward: Unit, days: int, *, acting_user: User | None, channel: str = Channel.WEB) -> TeamSettings:
    """The ward's retention period for former members' data, 0 (erase on leaving) to 365 days."""
    if acting_user is not None:
        _allowed(can_manage_team(acting_user, ward), f"Bạn không quản lý {ward.name}.")
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 365:
        raise TeamError("Số ngày giữ dữ liệu phải là số nguyên từ 0 đến 365.", field="retention_days")
    settings, _ = TeamSettings.objects.update_or_create(ward=ward, defaults={"retention_days": days})
    return settings


def _erase(member: TeamMember, acting_user: User | None, channel: str) -> None:
    member.name = member.phone = None
    member.user = None
    member.erased_at = timezone.now()
    member.save(update_fields=["name", "phone", "user", "erased_at"])
    _record(member.team, "member_erase", f"Đã xóa họ tên, số điện thoại, tài khoản của thành viên #{member.pk} "
                                         f"({member.get_role_display()}), rời tổ {member.left_on:%d/%m/%Y}.",
            acting_user, channel)


@transaction.atomic
def do_record_leaving(member: TeamMember, *, left_on: date, acting_user: User | None,
                      channel: str = Channel.WEB) -> TeamMember:
    """A member left: their account can no longer log at once; their name and phone are erased after the
    ward's retention period (at once when it is 0)."""
    team = member.team
    if acting_user is not None:
        _allowed(can_manage_team(acting_user, team.unit), f"Bạn không quản lý tổ {team.code}.")
    if member.left_on is not None:
        raise TeamError(f"Thành viên #{member.pk} đã rời tổ ngày {member.left_on:%d/%m/%Y}.", status=409)
    if left_on < member.joined_on or left_on > _today():
        raise TeamError("Ngày rời tổ phải từ ngày tham gia đến hôm nay.", field="left_on")
    member.left_on = left_on
    member.save(update_fields=["left_on"])
    _record(team, "member_leave", f"Thành viên #{member.pk} ({member.get_role_display()}) rời tổ ngày "
                                  f"{left_on:%d/%m/%Y}.", acting_user, channel)
    if left_on + timedelta(days=retention_days(ward_of(team.unit))) <= _today():
        _erase(member, acting_user, channel)
    return member


@transaction.atomic
def do_erase_due_members(*, acting_user: User | None = None, today: date | None = None,
                         channel: str = Channel.CLI) -> int:
    """Erase the name, phone and account link of every former member whose ward's retention period has passed
    (``chiso teams erase-due``, run daily); returns how many were erased."""
    if acting_user is not None:
        _allowed(getattr(acting_user, "is_superuser", False), "Chỉ quản trị hệ thống chạy việc này cho mọi tổ.")
    today = today or _today()
    erased = 0
    due = TeamMember.objects.filter(left_on__isnull=False, erased_at__isnull=True).select_related(
        "team", "team__unit", "team__unit__parent")
    for member in due:
        assert member.left_on is not None
        if member.left_on + timedelta(days=retention_days(ward_of(member.team.unit))) <= today:
            _erase(member, acting_user, channel)
            erased += 1
    return erased


# -- activity logs --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    accuracy_m: float | None = None


def _counts(activities: Mapping[str, Any]) -> dict[str, int]:
    """The log's counts by data element code; only known activity elements, whole numbers 0…MAX_COUNT."""
    if not isinstance(activities, Mapping) or not activities:
        raise TeamError("Nhật ký cần ít nhất một hoạt động có số lượng.", field="activities")
    known = by_element()
    counts: dict[str, int] = {}
    for code, value in activities.items():
        if code not in known:
            raise TeamError(f"Hoạt động '{code}' không có; dùng một trong: {', '.join(known)}.",
                            field=f"activities.{code}")
        if isinstance(value, bool) or not isinstance(value, int):
            raise TeamError(f"{known[code].name_vi}: số lượng phải là số nguyên.", field=f"activities.{code}")
        if not 0 <= value <= MAX_COUNT:
            raise TeamError(f"{known[code].name_vi}: số lượng phải từ 0 đến {MAX_COUNT:,}".replace(",", ".")
                            + " cho một ngày.", field=f"activities.{code}")
        if value:
            counts[code] = value
    if not counts:
        raise TeamError("Mọi số lượng đều bằng 0: điền ít nhất một hoạt động.", field="activities")
    return counts


def _note(note: str) -> str:
    note = "".join(ch for ch in (note or "") if ch in "\n\t" or ch.isprintable()).strip()
    if len(note) > MAX_NOTE:
        raise TeamError(f"Ghi chú dài quá {MAX_NOTE} ký tự: rút gọn lại.", field="note")
    if LOOKS_PERSONAL.search(note):
        raise TeamError("Ghi chú có dãy số giống số điện thoại hoặc số CCCD. Nhật ký chỉ đếm người, không ghi "
                        "thông tin cá nhân của người dân: xóa dãy số đó rồi gửi lại.", field="note")
    return note


def _log_day(team: Team, day: date) -> Unit:
    """The unit the team sat on ``day``, after checking the day is one the team can log."""
    if day > _today():
        raise TeamError(f"Ngày {day:%d/%m/%Y} chưa tới: chọn hôm nay hoặc một ngày đã qua.", field="date")
    if day < team.founded_on:
        raise TeamError(f"Ngày {day:%d/%m/%Y} trước ngày thành lập tổ ({team.founded_on:%d/%m/%Y}).", field="date")
    if team.state != TeamState.ACTIVE and team.state_since is not None and day >= team.state_since:
        raise TeamError(f"Tổ {team.code} {team.get_state_display().lower()} từ {team.state_since:%d/%m/%Y}.",
                        field="date", status=409)
    placement = placement_on(team, day)
    if placement is None:
        raise TeamError(f"Không rõ tổ {team.code} thuộc đơn vị nào vào ngày {day:%d/%m/%Y}.", field="date")
    return placement.unit


def _location(location: Location | None) -> tuple[float | None, float | None, float | None]:
    if location is None:
        return None, None, None
    lat, lon, acc = location.latitude, location.longitude, location.accuracy_m
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # NaN fails both comparisons
        raise TeamError("Vị trí không hợp lệ (vĩ độ −90…90, kinh độ −180…180).", field="location")
    if acc is not None and not 0 <= acc <= 100_000:
        raise TeamError("Sai số vị trí phải từ 0 đến 100.000 m.", field="location.accuracy_m")
    return lat, lon, acc


def _set_counts(log: ActivityLog, counts: dict[str, int]) -> None:
    elements = {e.code: e for e in DataElement.objects.filter(code__in=list(counts))}
    log.counts.all().delete()
    ActivityCount.objects.bulk_create([ActivityCount(log=log, data_element=elements[c], count=n)
                                       for c, n in counts.items()])


def counts_of(log: ActivityLog) -> dict[str, int]:
    return {c.data_element.code: c.count for c in log.counts.select_related("data_element")}


def _twin(log: ActivityLog, counts: dict[str, int]) -> ActivityLog | None:
    """Another log of the same team and day with the same counts, not rejected: a likely double send."""
    others = ActivityLog.objects.filter(team=log.team, date=log.date).exclude(id=log.id).exclude(
        status=LogStatus.REJECTED).order_by("id")
    return next((other for other in others if counts_of(other) == counts), None)


def do_submit_log(team: Team, *, client_id: uuid.UUID, day: date, activities: Mapping[str, Any], note: str = "",
                  location: Location | None = None, acting_user: User | None, channel: str = Channel.API,
                  is_illustrative: bool = False) -> tuple[ActivityLog, bool]:
    """Record a team's log once: ``(log, True)`` the first time, ``(the same log, False)`` for a repeat of the
    same ``client_id`` (a phone sending again after a lost answer). A log with the same team, day and counts as
    another is kept and flagged (``possible_duplicate_of``) for the reviewer."""
    if acting_user is not None:
        _allowed(can_log_for_team(acting_user, team),
                 f"Bạn không ghi nhật ký được cho tổ {team.code}: chỉ tổ trưởng, tổ phó của tổ này.")
    existing = ActivityLog.objects.filter(client_id=client_id).first()
    if existing is not None:
        return _repeat(existing, team)
    unit = _log_day(team, day)
    counts, note = _counts(activities), _note(note)
    lat, lon, acc = _location(location)
    try:
        with transaction.atomic():
            log = ActivityLog.objects.create(client_id=client_id, team=team, date=day, note=note, latitude=lat,
                                             longitude=lon, accuracy_m=acc, submitted_by=_changed_by(acting_user),
                                             is_illustrative=is_illustrative)
            _set_counts(log, counts)
            twin = _twin(log, counts)
            if twin is not None:
                log.possible_duplicate_of = twin
                log.save(update_fields=["possible_duplicate_of"])
            LogEvent.objects.create(log=log, action="submit", to_status=log.status, by=_changed_by(acting_user),
                                    channel=channel, detail=f"{_show(counts)} · {unit.name}")
    except IntegrityError:  # the same client_id sent twice at once: the other request stored it
        existing = ActivityLog.objects.filter(client_id=client_id).first()
        if existing is None:
            raise
        return _repeat(existing, team)
    return log, True


def _repeat(existing: ActivityLog, team: Team) -> tuple[ActivityLog, bool]:
    if existing.team_id != team.id:
        raise TeamError("Mã client_id này đã dùng cho nhật ký của tổ khác: điện thoại phải đặt mã mới cho mỗi "
                        "nhật ký.", status=409, field="client_id")
    return existing, False


def _show(counts: Mapping[str, int]) -> str:
    labels = by_element()
    return "; ".join(f"{labels[c].name_vi}: {n:,}".replace(",", ".") for c, n in counts.items() if c in labels)


REVIEW_DECISIONS = (LogStatus.APPROVED, LogStatus.ISSUES, LogStatus.REJECTED)


def _reviewer_unit(log: ActivityLog, acting_user: User | None) -> Unit:
    unit = _log_day_unit(log)
    if acting_user is not None:
        _allowed(can_manage_team(acting_user, unit),
                 f"Bạn không duyệt được nhật ký của {unit.name}: chỉ cán bộ phường, xã của đơn vị này.")
    return unit


def _log_day_unit(log: ActivityLog) -> Unit:
    placement = placement_on(log.team, log.date)
    assert placement is not None, "a stored log has a placement"
    return placement.unit


def _month(day: date) -> Period:
    return Period.of_month(day.year, day.month)


def _roll_up(units_months: set[tuple[int, str]], acting_user: User | None, reason: str) -> None:
    """Recompute each (ward id, month) from its approved logs; a refusal of the figure action undoes it all."""
    for ward_id, month in sorted(units_months):
        ward = Unit.objects.select_related("version").get(id=ward_id)
        try:
            rollup.write_month(ward, Period.parse(month), acting_user=acting_user, reason=reason)
        except ValueWriteError as error:
            more = f" (và {len(error.problems) - 1} số liệu khác)" if len(error.problems) > 1 else ""
            raise TeamError(f"Chưa lưu: không cập nhật được số liệu {Period.parse(month).vi_label().lower()} của "
                            f"{ward.name}. {error.problems[0]}{more}", status=error.status) from None


@transaction.atomic
def do_review_log(log: ActivityLog, *, decision: str, comment: str = "", acting_user: User | None,
                  channel: str = Channel.WEB) -> ActivityLog:
    """The ward officer decides: approved, has issues (comment needed: the leader corrects it), or rejected
    (comment needed). When the decision changes whether the log counts, its month is recomputed."""
    log = ActivityLog.objects.select_for_update().select_related("team").get(id=log.id)
    unit = _reviewer_unit(log, acting_user)
    if decision not in REVIEW_DECISIONS:
        raise TeamError("Quyết định phải là 'approved' (duyệt), 'issues' (cần sửa) hoặc 'rejected' (không duyệt).",
                        field="decision")
    comment = _text(comment, "comment", "nhận xét", 1000, required=decision != LogStatus.APPROVED)
    old = log.status
    if old == decision and log.review_comment == comment:
        return log
    log.status, log.review_comment = decision, comment
    log.reviewed_by, log.reviewed_at = _changed_by(acting_user), timezone.now()
    log.save(update_fields=["status", "review_comment", "reviewed_by", "reviewed_at"])
    LogEvent.objects.create(log=log, action="review", from_status=old, to_status=decision, detail=comment,
                            by=_changed_by(acting_user), channel=channel)
    if LogStatus.APPROVED in (old, decision):
        _roll_up({(ward_of(unit).id, str(_month(log.date)))}, acting_user,
                 f"Nhật ký #{log.pk} của tổ {log.team.code}: {LogStatus(old).label} → {LogStatus(decision).label}")
    return log


@transaction.atomic
def do_correct_log(log: ActivityLog, *, day: date, activities: Mapping[str, Any], note: str = "",
                   acting_user: User | None, channel: str = Channel.WEB) -> ActivityLog:
    """Correct a log's day, counts or note. The team's leader corrects a log waiting for review or returned with
    issues (it waits for review again); the ward officer corrects any log, and the months it touches are
    recomputed from the approved logs when it counts."""
    log = ActivityLog.objects.select_for_update().select_related("team").get(id=log.id)
    team = log.team
    old_unit = _log_day_unit(log)
    officer = acting_user is None or can_manage_team(acting_user, old_unit)
    if not officer:
        _allowed(acting_user is not None and can_log_for_team(acting_user, team),
                 f"Bạn không sửa được nhật ký của tổ {team.code}.")
        if log.status not in (LogStatus.SUBMITTED, LogStatus.ISSUES):
            raise TeamError(f"Nhật ký đã {log.get_status_display().lower()}: nhờ cán bộ phường sửa.", status=409)
    new_unit = _log_day(team, day)
    if acting_user is not None and officer and not can_manage_team(acting_user, new_unit):
        raise TeamError(f"Ngày mới thuộc {new_unit.name}, bạn không quản lý đơn vị đó.", status=403, field="date")
    counts, note = _counts(activities), _note(note)
    before = counts_of(log)
    old_day, old_status = log.date, log.status
    log.date, log.note = day, note
    if not officer:
        log.status = LogStatus.SUBMITTED
    twin = _twin(log, counts)
    log.possible_duplicate_of = twin
    log.save(update_fields=["date", "note", "status", "possible_duplicate_of"])
    _set_counts(log, counts)
    LogEvent.objects.create(log=log, action="correct", from_status=old_status, to_status=log.status,
                            detail=f"{old_day:%d/%m/%Y} {_show(before)} → {day:%d/%m/%Y} {_show(counts)}",
                            by=_changed_by(acting_user), channel=channel)
    if LogStatus.APPROVED in (old_status, log.status):
        months = {(ward_of(old_unit).id, str(_month(old_day))), (ward_of(new_unit).id, str(_month(day)))}
        _roll_up(months, acting_user, f"Sửa nhật ký #{log.pk} của tổ {team.code}")
    return log


@transaction.atomic
def do_recount_teams(ward: Unit, period: Period, *, acting_user: User | None, channel: str = Channel.WEB) -> int:
    """Write the ward's count of teams, members and thôn/TDP with a team (XHS-13.TS) at the end of ``period``,
    from the register; returns how many figures changed."""
    if acting_user is not None:
        _allowed(can_manage_team(acting_user, ward), f"Bạn không quản lý {ward.name}.")
    if not ward.version.covers(period.bounds[1]):
        raise TeamError(f"Tháng {period.vi_label()} ngoài hiệu lực của danh mục {ward.version.label}.", field="period")
    try:
        result = rollup.write_register_counts(ward, period, acting_user=acting_user,
                                              reason=f"Đếm từ sổ Tổ CNSCĐ, {period.vi_label()}")
    except ValueWriteError as error:
        raise TeamError("Chưa lưu: " + " ".join(error.problems), status=error.status) from None
    return result.created + result.changed


@transaction.atomic
def do_attach_photo(log: ActivityLog, data: bytes, *, not_id_document: bool, acting_user: User | None,
                    channel: str = Channel.API) -> ActivityLog:
    """Attach (or replace) a log's photo of the activity: JPEG, PNG or WebP, at most 3 MB, never an ID document
    (the sender confirms it); a JPEG is stored without its EXIF/XMP/IPTC metadata (place, time, owner)."""
    if acting_user is not None:
        _allowed(can_log_for_team(acting_user, log.team), f"Bạn không gửi ảnh được cho nhật ký của tổ {log.team.code}.")
    if not not_id_document:
        raise TeamError("Xác nhận ảnh không chụp giấy tờ tùy thân (CCCD, hộ chiếu, giấy phép lái xe) rồi gửi lại.",
                        field="not_id_document")
    if len(data) > MAX_BYTES:
        raise TeamError("Ảnh lớn hơn 3 MB: chụp lại với độ phân giải thấp hơn.", field="photo")
    kind = kind_of(data)
    if kind is None:
        raise TeamError("Tệp không phải ảnh JPEG, PNG hay WebP.", field="photo")
    if kind == "jpg":
        data = strip_jpeg_metadata(data)
    if log.photo:
        log.photo.delete(save=False)
    log.photo.save(f"anh.{kind}", ContentFile(data), save=True)
    LogEvent.objects.create(log=log, action="photo", from_status=log.status, to_status=log.status,
                            detail=f"Ảnh hoạt động ({kind}, {len(data) // 1024} KB)", by=_changed_by(acting_user),
                            channel=channel)
    return log
