"""The plan page: a unit's targets for a year, the minimums it assigns to the units below, the plan's
consistency checks and its history; forms to set a target, assign a minimum, or import a plan spreadsheet.

Thin views: they read through ``plans.queries``, write through ``plans.actions`` / ``plans.importer``
(which own every rule, permission included) and render. A unit the visitor holds no role on, or above,
is a 404, as if it did not exist. Forms post plainly (the page comes back with the result) or through
htmx (only the plan's part of the page comes back).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required as _login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from chiso.accounts.access import can_manage_roles, can_plan_unit, can_see_plan, can_set_targets, units_in_scope
from chiso.accounts.actions import RoleError, do_grant_role, do_revoke_role
from chiso.accounts.models import Role, RoleAssignment, RoleAssignmentHistory
from chiso.engine.numbers import NumberFormatError, format_number, parse_vn_number
from chiso.indicators.models import Indicator, Pillar
from chiso.plans.actions import PlanError, do_assign_minimum, do_set_target
from chiso.plans.importer import COLUMNS, PlanImportRefused, import_plan
from chiso.plans.models import JudgedOn
from chiso.plans.queries import plan_view
from chiso.units.models import HierarchyVersion, Unit
from chiso.units.queries import current_version
from chiso.values.models import Channel

login_required = _login_required(login_url="entry:login")
MAX_UPLOAD = 5 * 1024 * 1024
START_LIMIT = 300


def _unit(request: HttpRequest, version: str, code: str) -> Unit:
    unit = Unit.objects.select_related("version", "parent").filter(version__name=version, code=code).first()
    if unit is None or not can_see_plan(request.user, unit):
        raise Http404("Không tìm thấy đơn vị.")
    return unit


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Http404("Năm kế hoạch không hợp lệ.")
    return year


@require_GET
@login_required
def start(request: HttpRequest) -> HttpResponse:
    """The units whose plans the user may open, in the version asked for (default: the one in force)."""
    versions = list(HierarchyVersion.objects.all())
    shown = next((v for v in versions if v.name == request.GET.get("v")), None) or current_version()
    scope = units_in_scope(request.user, set(Role)).filter(version=shown).select_related("version")
    units = list(scope.order_by("depth", "code")[:START_LIMIT + 1])
    today = date.today()
    year = today.year if shown is None or shown.covers(date(today.year, 12, 31)) else (
        shown.valid_to.year if shown.valid_to else today.year)
    return render(request, "plans/start.html", {
        "units": units[:START_LIMIT], "more": len(units) > START_LIMIT, "versions": versions, "shown": shown,
        "year": year})


def _context(request: HttpRequest, unit: Unit, year: int, **extra: object) -> dict[str, object]:
    view = plan_view(unit, year)
    pillars = [(p, list(Indicator.objects.filter(pillar=p).order_by("code"))) for p in Pillar.objects.all()]
    return {
        "view": view, "unit": unit, "year": year, "pillars": pillars,
        "can_set": can_set_targets(request.user, unit),
        "can_assign": view.child_count > 0 and can_plan_unit(request.user, unit),
        "ancestors": _ancestors(unit), "children": Unit.objects.filter(parent=unit).order_by("code")[:200],
        "required_columns": [label for label, _, required in COLUMNS.values() if required],
        "optional_columns": [label for label, _, required in COLUMNS.values() if not required],
        "judged_choices": JudgedOn.choices,
        **_roles(request, unit), **extra,
    }


def _roles(request: HttpRequest, unit: Unit) -> dict[str, object]:
    if not can_manage_roles(request.user, unit):
        return {"can_manage_roles": False}
    return {
        "can_manage_roles": True, "role_choices": Role.choices,
        "roles": RoleAssignment.objects.filter(unit=unit).select_related("user").order_by("role", "user__username"),
        "role_history": RoleAssignmentHistory.objects.filter(unit=unit).select_related("user", "changed_by")[:10],
    }


def _ancestors(unit: Unit) -> list[Unit]:
    from chiso.units.queries import ancestors

    return ancestors(unit)


def _render(request: HttpRequest, unit: Unit, year: int, status: int = 200, **extra: object) -> HttpResponse:
    context = _context(request, unit, year, **extra)
    if request.headers.get("HX-Request"):
        return render(request, "plans/_plan.html", context)  # htmx swaps on 200 only: the refusal is in it
    return render(request, "plans/plan.html", context, status=status)


@require_GET
@login_required
def plan_page(request: HttpRequest, version: str, code: str, year: int) -> HttpResponse:
    unit = _unit(request, version, code)
    return _render(request, unit, _year(year))


def _value(text: str) -> Decimal:
    clean = text.strip().rstrip("%").strip()
    return parse_vn_number(clean)


def _date(text: str) -> date | None:
    """dd/mm/yyyy as typed (or yyyy-mm-dd); empty: None. ValueError when it is neither."""
    text = text.strip()
    if not text:
        return None
    if "/" in text:
        day, month, year = (int(part) for part in text.split("/"))
        return date(year, month, day)
    return date.fromisoformat(text)


def _write(request: HttpRequest, version: str, code: str, year: int, minimum: bool) -> HttpResponse:
    unit = _unit(request, version, code)
    year = _year(year)
    posted = {k: request.POST.get(k, "") for k in ("indicator", "value", "target_date", "reason", "revision",
                                                   "judged_on")}
    form = "minimum" if minimum else "target"
    indicator = Indicator.objects.filter(code=posted["indicator"]).first()
    problem = ""
    if indicator is None:
        problem = "Chọn một chỉ tiêu trong danh sách."
    try:
        value = _value(posted["value"])
    except NumberFormatError as error:
        problem = problem or f"Giá trị mục tiêu: {error}"
    try:
        target_date = _date(posted["target_date"])
    except ValueError:
        problem = problem or (f"Thời hạn '{posted['target_date']}' không phải ngày: ghi ngày/tháng/năm, "
                              f"ví dụ 31/12/{year}.")
    revision = int(posted["revision"]) if posted["revision"].isdigit() else None
    if problem:
        return _render(request, unit, year, 400, problem=problem, posted=posted, form=form)
    assert indicator is not None
    action = do_assign_minimum if minimum else do_set_target
    try:
        target = action(unit, year, indicator, value, acting_user=request.user, target_date=target_date,
                        reason=posted["reason"], channel=Channel.WEB, expected_revision=revision,
                        judged_on=request.POST.get("judged_on"))
    except PlanError as error:
        return _render(request, unit, year, error.status, problem=error.message, posted=posted, form=form)
    what = "Mức tối thiểu" if minimum else "Chỉ tiêu"
    suffix = "%" if indicator.kind == "rate" else ""
    done = f"Đã lưu: {what.lower()} {indicator.code} = {format_number(target.value)}{suffix}, thời hạn " \
           f"{target.target_date:%d/%m/%Y}."
    if request.headers.get("HX-Request"):
        return _render(request, unit, year, done=done)
    messages.success(request, done)
    return HttpResponseRedirect(reverse("plans:plan", args=[unit.version.name, unit.code, year]))


@require_POST
@login_required
def set_target(request: HttpRequest, version: str, code: str, year: int) -> HttpResponse:
    return _write(request, version, code, year, minimum=False)


@require_POST
@login_required
def assign_minimum(request: HttpRequest, version: str, code: str, year: int) -> HttpResponse:
    return _write(request, version, code, year, minimum=True)


@require_POST
@login_required
def import_file(request: HttpRequest, version: str, code: str, year: int) -> HttpResponse:
    """A plan spreadsheet, written all or nothing by the same actions; its rows may name any unit the user
    may plan (the page it is sent from is only where the answer is shown)."""
    unit = _unit(request, version, code)
    year = _year(year)
    upload = request.FILES.get("file")
    if upload is None:
        return _render(request, unit, year, 400, import_problems=["Chọn tệp CSV hoặc XLSX để nhập."])
    if upload.size is not None and upload.size > MAX_UPLOAD:
        return _render(request, unit, year, 400, import_problems=[
            f"Tệp {upload.name} lớn hơn 5 MB; một kế hoạch chỉ vài trăm dòng. Kiểm tra lại tệp."])
    try:
        result = import_plan(upload.name or "tệp", upload.read(), acting_user=request.user, channel=Channel.IMPORT)
    except PlanImportRefused as refused:
        return _render(request, unit, year, refused.status, import_problems=[p.text() for p in refused.problems])
    return _render(request, unit, year, imported=f"Đã nhập tệp {result.name}: {result.written} chỉ tiêu mới hoặc "
                                                 f"thay đổi, {result.unchanged} không đổi.")


@require_POST
@login_required
def change_role(request: HttpRequest, version: str, code: str, year: int) -> HttpResponse:
    """Grant or revoke a role on this unit (and its subtree), through ``accounts.actions``."""
    unit = _unit(request, version, code)
    year = _year(year)
    username, role = request.POST.get("username", "").strip(), request.POST.get("role", "")
    reason, grant = request.POST.get("reason", ""), request.POST.get("action") != "revoke"
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        return _render(request, unit, year, 400, role_problem=f"Không có người dùng '{username}'.")
    try:
        if grant:
            do_grant_role(user, role, unit, acting_user=request.user, reason=reason)
        else:
            do_revoke_role(user, role, unit, acting_user=request.user, reason=reason)
    except RoleError as error:
        return _render(request, unit, year, error.status, role_problem=error.message)
    label = Role(role).label
    done = (f"Đã cấp vai trò '{label}' trên {unit.name} cho {username}." if grant
            else f"Đã thu hồi vai trò '{label}' trên {unit.name} của {username}.")
    if request.headers.get("HX-Request"):
        return _render(request, unit, year, role_done=done)
    messages.success(request, done)
    return HttpResponseRedirect(reverse("plans:plan", args=[unit.version.name, unit.code, year]) + "#phan-quyen")
