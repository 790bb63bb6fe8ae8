"""The one way targets are set: a unit's own, or the minimum its children must each meet."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from chiso.accounts.access import can_plan_unit
from chiso.indicators.models import Indicator
from chiso.plans.models import Plan, Target, TargetScope
from chiso.units.models import Unit


class PlanError(Exception):
    pass


@transaction.atomic
def do_set_target(
    unit: Unit,
    year: int,
    indicator: Indicator,
    value: Decimal,
    *,
    acting_user: AbstractBaseUser | AnonymousUser | None,
    scope: TargetScope = TargetScope.OWN,
    target_date: date | None = None,
    source: str = "",
) -> Target:
    """Create or change a target in ``unit``'s plan for ``year`` (the plan is created when missing)."""
    if acting_user is not None and not can_plan_unit(acting_user, unit):
        raise PlanError(f"Bạn không có quyền đặt chỉ tiêu cho {unit.name}.")
    if scope == TargetScope.CHILDREN_MINIMUM and not unit.children.exists():
        raise PlanError(f"{unit.name} không có đơn vị trực thuộc để giao mức tối thiểu.")
    plan, _ = Plan.objects.get_or_create(unit=unit, year=year,
                                         defaults={"title": f"Kế hoạch chuyển đổi số năm {year}"})
    target, _ = Target.objects.update_or_create(
        plan=plan, indicator=indicator, scope=scope,
        defaults={"value": value, "target_date": target_date or date(year, 12, 31), "source": source},
    )
    return target
