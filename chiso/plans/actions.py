"""The one way targets are set: a unit's own (``do_set_target``), or the minimum each unit below it must
meet (``do_assign_minimum``). The plan page, the API, the plan spreadsheet and the CLI all call these.

Each runs in one transaction and writes one ``TargetHistory`` row per real change (old → new, who,
when, channel, reason). Each checks, and refuses with a typed ``PlanError`` in Vietnamese:

* permission (``accounts.access``: the unit's own officers and planners set its targets; only a planner
  of the unit — an administrator, or an approver above — assigns minimums to the units below);
* the value (finite, within the indicator's sensible range: a rate 0–100, a whole count, …;
  ``plans.rules``) and the date (within the plan's year, while the unit exists);
* the minimums assigned above (a target, or a minimum passed down, never weaker than the strictest
  minimum an ancestor assigned, respecting the indicator's direction);
* the revision the writer saw, when given (someone else changed the target meanwhile: a conflict).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import transaction
from django.utils import timezone

from chiso.accounts.access import can_plan_unit, can_set_targets
from chiso.engine.numbers import format_number
from chiso.indicators.models import Indicator
from chiso.plans import rules
from chiso.plans.models import JudgedOn, Plan, Target, TargetHistory, TargetScope
from chiso.plans.queries import Floor, floors
from chiso.units.models import Unit
from chiso.values.models import Channel, Qualifier

__all__ = ["PlanError", "PlanRefusalKind", "do_assign_minimum", "do_set_target", "minimum_above"]

FIRST_YEAR, LAST_YEAR = 2000, 2100


class PlanRefusalKind(StrEnum):
    FORBIDDEN = "forbidden"  # the writer may not set this unit's targets (or its children's minimums)
    INVALID = "invalid"  # not a sensible value for the indicator, or a date outside the plan's year
    BELOW_MINIMUM = "below_minimum"  # weaker than the minimum a unit above assigned
    NO_CHILDREN = "no_children"  # a minimum for the units below a unit that has none
    OUTSIDE_VALIDITY = "outside_validity"  # the unit does not exist at the target's date
    CONFLICT = "conflict"  # someone changed the target after the writer read it


STATUS = {PlanRefusalKind.FORBIDDEN: 403, PlanRefusalKind.CONFLICT: 409}
"""The HTTP status a channel answers for a refusal of this kind (400 for the others)."""


class PlanError(Exception):
    """A target or minimum was refused; nothing was saved. ``message`` is Vietnamese and names the unit,
    the indicator and what to do; ``field`` says which input it is about ("value", "target_date", "")."""

    def __init__(self, kind: PlanRefusalKind, message: str, field: str = ""):
        self.kind, self.message, self.field = kind, message, field
        super().__init__(message)

    @property
    def status(self) -> int:
        return STATUS.get(self.kind, 400)


def minimum_above(unit: Unit, year: int, indicator: Indicator) -> Floor | None:
    """The strictest minimum the unit's ancestors assigned to the units below them, or None."""
    return floors(unit, year, indicator).get(indicator.pk)


def do_set_target(
    unit: Unit,
    year: int,
    indicator: Indicator,
    value: Decimal,
    *,
    acting_user: AbstractBaseUser | AnonymousUser | None,
    scope: TargetScope = TargetScope.OWN,
    target_date: date | None = None,
    source: str | None = None,
    reason: str = "",
    channel: Channel = Channel.WEB,
    expected_revision: int | None = None,
    judged_on: str | None = None,
    qualifier: str | None = None,
) -> Target:
    """Create or change ``unit``'s own target for ``indicator`` in its plan of ``year`` (the plan is created
    when missing). ``expected_revision``: the revision the writer read (0: no target yet); when someone else
    changed it since, nothing is written (a conflict). ``judged_on``: what the target is judged on
    (``JudgedOn``; "" the indicator's default; None keeps what is stored). ``qualifier``: how exact the
    stated target is ("ít nhất 90%": ``Qualifier``; None keeps what is stored, exact when new). A scope of
    ``CHILDREN_MINIMUM`` is ``do_assign_minimum``."""
    if scope == TargetScope.CHILDREN_MINIMUM:
        return do_assign_minimum(unit, year, indicator, value, acting_user=acting_user, target_date=target_date,
                                 source=source, reason=reason, channel=channel,
                                 expected_revision=expected_revision, judged_on=judged_on, qualifier=qualifier)
    if acting_user is None or not acting_user.is_authenticated or not can_set_targets(acting_user, unit):
        raise PlanError(PlanRefusalKind.FORBIDDEN,
                        f"Bạn không có quyền đặt chỉ tiêu cho {unit.name}: chỉ cán bộ của đơn vị, quản trị "
                        "hoặc cấp phê duyệt phía trên được đặt.")
    return _write(unit, year, indicator, value, TargetScope.OWN, acting_user, target_date, source, reason,
                  channel, expected_revision, judged_on, qualifier)


def do_assign_minimum(
    unit: Unit,
    year: int,
    indicator: Indicator,
    value: Decimal,
    *,
    acting_user: AbstractBaseUser | AnonymousUser | None,
    target_date: date | None = None,
    source: str | None = None,
    reason: str = "",
    channel: Channel = Channel.WEB,
    expected_revision: int | None = None,
    judged_on: str | None = None,
    qualifier: str | None = None,
) -> Target:
    """Assign (or change) the minimum each unit directly or indirectly below ``unit`` must meet for
    ``indicator`` in ``year``. A target of a unit below that falls short is flagged by ``checks`` and
    refused the next time it is set."""
    if acting_user is None or not acting_user.is_authenticated or not can_plan_unit(acting_user, unit):
        raise PlanError(PlanRefusalKind.FORBIDDEN,
                        f"Bạn không có quyền giao mức tối thiểu cho các đơn vị trực thuộc {unit.name}: chỉ quản trị "
                        "hoặc cấp phê duyệt của đơn vị được giao.")
    if not unit.children.exists():
        raise PlanError(PlanRefusalKind.NO_CHILDREN,
                        f"{unit.name} không có đơn vị trực thuộc để giao mức tối thiểu.")
    return _write(unit, year, indicator, value, TargetScope.CHILDREN_MINIMUM, acting_user, target_date, source,
                  reason, channel, expected_revision, judged_on, qualifier)


@transaction.atomic
def _write(unit: Unit, year: int, indicator: Indicator, value: Decimal, scope: TargetScope,
           acting_user: AbstractBaseUser | AnonymousUser, target_date: date | None, source: str | None,
           reason: str, channel: Channel, expected_revision: int | None, judged_on: str | None,
           qualifier: str | None) -> Target:
    what = f"chỉ tiêu {indicator.code} năm {year} của {unit.name}" if scope == TargetScope.OWN else \
        f"mức tối thiểu {indicator.code} năm {year} giao cho các đơn vị trực thuộc {unit.name}"
    number = _checked_value(value, indicator, what)
    day = _checked_date(unit, year, target_date, what)
    if judged_on is not None and judged_on not in ("", *JudgedOn.values):
        raise PlanError(PlanRefusalKind.INVALID,
                        f"Không ghi {what}: '{judged_on}' không phải cách đánh giá; chọn "
                        f"{' hoặc '.join(repr(str(j.label)) for j in JudgedOn)}, hoặc để trống (theo chỉ tiêu).",
                        "judged_on")
    if qualifier is not None and qualifier not in Qualifier.values:
        raise PlanError(PlanRefusalKind.INVALID,
                        f"Không ghi {what}: '{qualifier}' không phải độ chính xác; chọn một trong "
                        f"{', '.join(Qualifier.values)}.", "qualifier")
    floor = minimum_above(unit, year, indicator)
    if floor is not None and rules.weaker(number, floor.value, indicator.direction):
        word = "thấp hơn" if indicator.direction != "down" else "cao hơn"
        need = "ít nhất" if indicator.direction != "down" else "không quá"
        raise PlanError(PlanRefusalKind.BELOW_MINIMUM,
                        f"Không ghi {what}: {_show(number, indicator)} {word} mức tối thiểu "
                        f"{_show(floor.value, indicator)} do {floor.assigned_by.name} giao. "
                        f"Hãy đặt {need} {_show(floor.value, indicator)}.", "value")
    plan, _ = Plan.objects.get_or_create(unit=unit, year=year,
                                         defaults={"title": f"Kế hoạch chuyển đổi số năm {year}"})
    target = (Target.objects.select_for_update().select_related("indicator")
              .filter(plan=plan, indicator=indicator, scope=scope).first())
    seen = target.revision if target is not None else 0
    if expected_revision is not None and expected_revision != seen:
        raise PlanError(PlanRefusalKind.CONFLICT, _conflict(what, target, expected_revision, indicator))
    judged = judged_on if judged_on is not None else (target.judged_on if target is not None else "")
    exactness = qualifier if qualifier is not None else (
        target.qualifier if target is not None else str(Qualifier.EXACT))
    if target is not None and target.value == number and target.target_date == day and (
            source is None or source == target.source) and judged == target.judged_on \
            and exactness == target.qualifier:
        return target  # nothing changes: no history row
    old_value = target.value if target is not None else None
    old_date = target.target_date if target is not None else None
    old_judged = target.judged_on if target is not None else ""
    old_qualifier = target.qualifier if target is not None else ""
    if target is None:
        target = Target.objects.create(plan=plan, indicator=indicator, scope=scope, value=number,
                                       target_date=day, source=source or "", judged_on=judged,
                                       qualifier=exactness, revision=1)
    else:
        target.value, target.target_date, target.revision = number, day, target.revision + 1
        target.judged_on, target.qualifier = judged, exactness
        if source is not None:
            target.source = source
        target.save(update_fields=["value", "target_date", "source", "judged_on", "qualifier", "revision"])
    TargetHistory.objects.create(target=target, revision=target.revision, old_value=old_value, value=number,
                                 old_target_date=old_date, target_date=day, old_judged_on=old_judged,
                                 judged_on=judged, old_qualifier=old_qualifier, qualifier=exactness,
                                 channel=channel, reason=reason.strip(),
                                 changed_by=cast(User, acting_user),
                                 changed_at=timezone.now())
    return target


def _checked_value(value: object, indicator: Indicator, what: str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        number = Decimal("NaN")
    problem = rules.fault(number, indicator.kind)
    if problem is not None:
        raise PlanError(PlanRefusalKind.INVALID, f"Không ghi {what}: {problem}", "value")
    return number


def _checked_date(unit: Unit, year: int, target_date: date | None, what: str) -> date:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PlanError(PlanRefusalKind.INVALID,
                        f"Năm kế hoạch {year} không hợp lệ: chỉ nhận từ {FIRST_YEAR} đến {LAST_YEAR}.", "year")
    day = target_date or date(year, 12, 31)
    if day.year != year:
        raise PlanError(PlanRefusalKind.INVALID,
                        f"Không ghi {what}: thời hạn {day:%d/%m/%Y} nằm ngoài năm {year} của kế hoạch. "
                        f"Chọn một ngày trong năm {year} (mặc định 31/12/{year}).", "target_date")
    start, end = unit.effective_from(), unit.effective_to()
    if (start is not None and day < start) or (end is not None and day > end):
        interval = f"{start:%d/%m/%Y}" if start else "…"
        interval += f"–{end:%d/%m/%Y}" if end else " trở đi"
        raise PlanError(PlanRefusalKind.OUTSIDE_VALIDITY,
                        f"Không ghi {what}: {unit.name} (phiên bản {unit.version.name}) chỉ tồn tại {interval}, "
                        f"không có vào ngày {day:%d/%m/%Y}. Đặt chỉ tiêu cho đơn vị kế thừa trong danh mục mới.",
                        "target_date")
    return day


def _conflict(what: str, target: Target | None, expected: int, indicator: Indicator) -> str:
    if target is None:
        return f"Không ghi {what}: bạn đã xem lần sửa {expected} nhưng chỉ tiêu không còn. Tải lại trang."
    last = target.history.select_related("changed_by").order_by("-revision").first()
    by = ""
    if last is not None:
        who = last.changed_by.get_full_name() or last.changed_by.get_username()
        by = f" {who} đã đổi lúc {timezone.localtime(last.changed_at):%H:%M %d/%m/%Y}"
        old = "chưa có" if last.old_value is None else _show(last.old_value, indicator)
        by += f" ({old} → {_show(last.value, indicator)})."
    return (f"Không ghi {what}: người khác đã sửa sau khi bạn xem (lần sửa {expected}, nay là {target.revision})."
            f"{by} Tải lại trang, xem giá trị mới rồi quyết định.")


def _show(value: Decimal, indicator: Indicator) -> str:
    return format_number(value) + ("%" if indicator.kind == "rate" else "")
