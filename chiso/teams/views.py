"""Pages of the community teams: the leader's phone page (installable, works offline), the team page and the
ward officer's page (teams, quiet teams, logs to review, members, retention).

Thin views: they read through ``teams.queries``, write through ``teams.actions`` (which owns every rule,
permission included) and render. A team or ward the visitor may not see is a 404. Phone numbers are put in the
page only for whoever ``accounts.access.can_manage_team`` allows.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required as _login_required
from django.contrib.staticfiles import finders
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from chiso.accounts.access import can_log_for_team, can_manage_team, can_read_unpublished, units_in_scope
from chiso.accounts.models import WRITE_ROLES
from chiso.engine.periods import Period
from chiso.teams.actions import (
    TeamError,
    do_add_member,
    do_record_leaving,
    do_recount_teams,
    do_review_log,
    do_set_retention,
    retention_days,
)
from chiso.teams.activities import activity_types
from chiso.teams.models import ActivityLog, LogStatus, MemberRole, Team, TeamMember, TeamState
from chiso.teams.queries import (
    QUIET_DAYS,
    activity_labels,
    members_on,
    placement_on,
    quiet_teams,
    team_months,
    teams_under,
)
from chiso.units.models import Unit
from chiso.units.types import UnitType

login_required = _login_required(login_url="entry:login")
WARD_TYPES = (UnitType.WARD, UnitType.COMMUNE, UnitType.TOWNLET, UnitType.SPECIAL_ZONE)


def _loggable_teams(user: Any) -> list[Team]:
    """Teams whose logs ``user`` may send: their own (as leader or deputy), then those of the wards they manage."""
    own = Team.objects.filter(state=TeamState.ACTIVE, members__user=user, members__left_on__isnull=True,
                              members__role__in=(MemberRole.LEADER, MemberRole.DEPUTY)).distinct()
    found = list(own.select_related("unit", "unit__parent").order_by("code"))
    if not found:
        wards = units_in_scope(user, WRITE_ROLES).filter(type__in=WARD_TYPES, version__valid_to__isnull=True)
        found = [t for w in wards[:5] for t in teams_under(w).filter(state=TeamState.ACTIVE).order_by("code")]
    return found


@require_GET
@login_required
def start(request: HttpRequest) -> HttpResponse:
    """A leader goes to their phone page; an officer to the teams page of each ward they manage."""
    wards = list(units_in_scope(request.user, WRITE_ROLES).filter(type__in=WARD_TYPES)
                 .select_related("version").order_by("-version__valid_from", "code")[:50])
    teams = _loggable_teams(request.user)
    if not wards and teams:
        return HttpResponseRedirect(reverse("teams:log"))
    return render(request, "teams/start.html", {"wards": wards, "teams": teams})


@never_cache
@require_GET
@login_required
def log_page(request: HttpRequest, code: str = "") -> HttpResponse:
    """The leader's phone page: one form, a queue kept on the phone, sent when the connection returns."""
    teams = _loggable_teams(request.user)
    chosen = next((t for t in teams if t.code == code), None)
    if code and chosen is None:
        raise Http404("Không có tổ này, hoặc bạn không ghi nhật ký cho tổ này.")
    share = request.build_absolute_uri(reverse("teams:log_for", args=[(chosen or teams[0]).code])) if teams else ""
    return render(request, "teams/log.html", {
        "teams": teams, "chosen": chosen or (teams[0] if teams else None), "types": activity_types(),
        "today": timezone.localdate(), "share": share})


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    response = render(request, "teams/manifest.webmanifest", {}, content_type="application/manifest+json")
    return response


SHELL_FILES = ("teams/log.js", "teams/teams.css", "teams/icon-192.png")


def _shell_version() -> str:
    """A digest of the phone page's files: a new version of them changes sw.js, so phones fetch them again."""
    digest = hashlib.sha256()
    for name in SHELL_FILES:
        found = finders.find(name)
        if isinstance(found, str):
            digest.update(Path(found).read_bytes())
    return digest.hexdigest()[:12]


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    response = render(request, "teams/sw.js", {"version": _shell_version()},
                      content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


def _team(request: HttpRequest, code: str) -> Team:
    team = Team.objects.select_related("unit", "unit__version", "unit__parent", "merged_into").filter(code=code).first()
    if team is None:
        raise Http404("Không có tổ này.")
    return team


@require_GET
def team_page(request: HttpRequest, code: str) -> HttpResponse:
    """The register's facts for anyone; what the team did, month by month (approved logs, figures not yet
    published), for the team, the ward and whoever reads the unit's unpublished figures. Members by name for the
    ward and the team's own loggers; their phones for the ward officer only; anyone else sees counts by role."""
    team = _team(request, code)
    officer = can_manage_team(request.user, team.unit)
    insider = officer or can_log_for_team(request.user, team)
    today = timezone.localdate()
    rank = {role: i for i, role in enumerate(MemberRole.values)}
    current = sorted(members_on(team, today), key=lambda m: (rank.get(m.role, 99), m.id))
    roles = {label: sum(1 for m in current if m.role == value) for value, label in MemberRole.choices}
    logs = list(team.logs.select_related("possible_duplicate_of").prefetch_related("counts__data_element")
                .order_by("-date", "-id")[:30]) if insider else []
    sees_months = insider or can_read_unpublished(request.user, team.unit)
    placements = team.placements.select_related("unit", "unit__version", "unit__parent")
    return render(request, "teams/team.html", {
        "team": team, "officer": officer, "insider": insider, "members": current if insider else [],
        "former": list(team.members.filter(left_on__isnull=False).order_by("-left_on")) if officer else [],
        "roles": {k: v for k, v in roles.items() if v}, "member_count": len(current),
        "months": team_months(team) if sees_months else [], "sees_months": sees_months,
        "labels": activity_labels(), "logs": logs, "role_choices": MemberRole.choices, "types": activity_types(),
        "today": today, "placements": placements})


def _ward(request: HttpRequest, version: str, code: str) -> Unit:
    ward = Unit.objects.select_related("version").filter(version__name=version, code=code,
                                                          type__in=WARD_TYPES).first()
    if ward is None or not can_manage_team(request.user, ward):
        raise Http404("Không tìm thấy phường, xã.")
    return ward


@require_GET
@login_required
def ward_page(request: HttpRequest, version: str, code: str) -> HttpResponse:
    """The ward officer's page: its teams, those without a log for 30 days, the logs waiting for review."""
    ward = _ward(request, version, code)
    today = timezone.localdate()
    teams = list(teams_under(ward).order_by("state", "code"))
    waiting = [log for log in ActivityLog.objects.filter(team__in=teams).filter(
        Q(status=LogStatus.SUBMITTED) | Q(status=LogStatus.ISSUES)).select_related("team", "possible_duplicate_of")
        .prefetch_related("counts__data_element").order_by("date", "id")
        if (p := placement_on(log.team, log.date)) is not None and p.unit.path.startswith(ward.path)]
    month = Period.of_month(today.year, today.month)
    return render(request, "teams/ward.html", {
        "ward": ward, "teams": teams, "quiet": quiet_teams(ward, today), "quiet_days": QUIET_DAYS,
        "waiting": waiting, "labels": activity_labels(), "retention": retention_days(ward), "month": month,
        "active": sum(1 for t in teams if t.state == TeamState.ACTIVE),
        "members": sum(members_on(t, today).count() for t in teams if t.state == TeamState.ACTIVE)})


def _back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    return HttpResponseRedirect(target if target.startswith("/to-cns/") else fallback)


@require_POST
@login_required
def review(request: HttpRequest, log_id: int) -> HttpResponse:
    log = ActivityLog.objects.select_related("team", "team__unit").filter(id=log_id).first()
    placement = placement_on(log.team, log.date) if log else None
    if log is None or placement is None or not can_manage_team(request.user, placement.unit):
        raise Http404("Không có nhật ký này.")
    try:
        do_review_log(log, decision=request.POST.get("decision", ""), comment=request.POST.get("comment", ""),
                      acting_user=request.user)
        messages.success(request, f"Đã ghi: nhật ký #{log.pk} của {log.team.name} — "
                                  f"{LogStatus(request.POST['decision']).label.lower()}.")
    except TeamError as error:
        messages.error(request, f"Nhật ký #{log.pk}: {error.message}")
    return _back(request, reverse("teams:team", args=[log.team.code]))


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


@require_POST
@login_required
def add_member(request: HttpRequest, code: str) -> HttpResponse:
    team = _team(request, code)
    if not can_manage_team(request.user, team.unit):
        raise Http404("Không có tổ này.")
    joined = _date(request.POST.get("joined_on", ""))
    try:
        if joined is None:
            raise TeamError("Ngày tham gia không đúng: chọn ngày trên lịch.", field="joined_on")
        do_add_member(team, name=request.POST.get("name", ""), role=request.POST.get("role", ""),
                      phone=request.POST.get("phone", ""), joined_on=joined, acting_user=request.user)
        messages.success(request, "Đã thêm thành viên.")
    except TeamError as error:
        messages.error(request, f"Chưa thêm: {error.message}")
    return HttpResponseRedirect(reverse("teams:team", args=[team.code]) + "#thanh-vien")


@require_POST
@login_required
def member_left(request: HttpRequest, member_id: int) -> HttpResponse:
    member = TeamMember.objects.select_related("team", "team__unit").filter(id=member_id).first()
    if member is None or not can_manage_team(request.user, member.team.unit):
        raise Http404("Không có thành viên này.")
    left = _date(request.POST.get("left_on", ""))
    try:
        if left is None:
            raise TeamError("Ngày rời tổ không đúng: chọn ngày trên lịch.", field="left_on")
        do_record_leaving(member, left_on=left, acting_user=request.user)
        member.refresh_from_db()
        messages.success(request, "Đã ghi rời tổ; " + ("đã xóa họ tên, số điện thoại." if member.erased_at else
                                                      "họ tên, số điện thoại sẽ bị xóa khi hết thời hạn lưu giữ."))
    except TeamError as error:
        messages.error(request, f"Chưa ghi: {error.message}")
    return HttpResponseRedirect(reverse("teams:team", args=[member.team.code]) + "#thanh-vien")


@require_POST
@login_required
def set_retention(request: HttpRequest, version: str, code: str) -> HttpResponse:
    ward = _ward(request, version, code)
    try:
        text = request.POST.get("retention_days", "").strip()
        if not text.isdigit():
            raise TeamError("Số ngày phải là số nguyên từ 0 đến 365.", field="retention_days")
        do_set_retention(ward, int(text), acting_user=request.user)
        messages.success(request, f"Đã lưu: giữ dữ liệu thành viên đã rời tổ {int(text)} ngày.")
    except TeamError as error:
        messages.error(request, f"Chưa lưu: {error.message}")
    return HttpResponseRedirect(reverse("teams:ward", args=[version, code]))


@require_POST
@login_required
def recount(request: HttpRequest, version: str, code: str) -> HttpResponse:
    ward = _ward(request, version, code)
    try:
        period = Period.parse(request.POST.get("period", ""))
        changed = do_recount_teams(ward, period, acting_user=request.user)
        messages.success(request, f"Đã đếm lại từ sổ tổ ({period.vi_label().lower()}): {changed} số liệu thay đổi.")
    except TeamError as error:
        messages.error(request, error.message)
    except ValueError:
        messages.error(request, "Kỳ không đúng (ví dụ 2025-12).")
    return HttpResponseRedirect(reverse("teams:ward", args=[version, code]))


@require_GET
@login_required
def photo(request: HttpRequest, log_id: int) -> FileResponse:
    """A log's photo, for the team's loggers and the ward officer only (stored in the data folder, never public)."""
    log = ActivityLog.objects.select_related("team", "team__unit").filter(id=log_id).first()
    placement = placement_on(log.team, log.date) if log else None
    if log is None or not log.photo or placement is None or not (
            can_manage_team(request.user, placement.unit) or can_log_for_team(request.user, log.team)):
        raise Http404("Không có ảnh này.")
    response = FileResponse(log.photo.open("rb"))
    response["Cache-Control"] = "private, no-store"
    return response
