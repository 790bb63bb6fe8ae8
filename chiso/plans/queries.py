"""Reads for the plan page and the plan API: a unit's plan of a year as one object (its own targets, each
with the minimum assigned above; the minimums it assigns below, each with how many units below meet it;
the consistency checks; the recent history). Permission is the caller's business (``accounts.access``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from chiso.indicators.models import Indicator
from chiso.plans import rules
from chiso.plans.checks import check_plan
from chiso.plans.models import Plan, Target, TargetHistory, TargetScope
from chiso.units.models import Unit
from chiso.units.queries import path_ids

HISTORY_SHOWN = 30


@dataclass
class Floor:
    value: Decimal
    assigned_by: Unit


@dataclass
class OwnRow:
    indicator: Indicator
    target: Target | None  # None: a minimum is assigned above but the unit set no target yet
    floor: Floor | None

    @property
    def below_floor(self) -> bool:
        return (self.target is not None and self.floor is not None
                and rules.weaker(self.target.value, self.floor.value, self.indicator.direction))


@dataclass
class MinimumRow:
    indicator: Indicator
    target: Target
    children: int  # direct children of the unit
    meeting: int  # of them, with an own target that meets the minimum
    short: list[tuple[Unit, Decimal | None]] = field(default_factory=list)  # the others, with their target


@dataclass
class PlanView:
    unit: Unit
    year: int
    plan: Plan | None
    own: list[OwnRow]
    minimums: list[MinimumRow]
    checks: list[str]
    history: list[TargetHistory]
    child_count: int


def ancestor_ids(unit: Unit) -> list[int]:
    return path_ids(unit.path)[:-1]


def floors(unit: Unit, year: int, indicator: Indicator | None = None) -> dict[int, Floor]:
    """indicator id → the strictest minimum assigned above ``unit`` for ``year`` (of one indicator if given)."""
    found: dict[int, Floor] = {}
    wanted = Target.objects.filter(scope=TargetScope.CHILDREN_MINIMUM, plan__year=year,
                                   plan__unit_id__in=ancestor_ids(unit))
    if indicator is not None:
        wanted = wanted.filter(indicator=indicator)
    for t in wanted.select_related("indicator", "plan__unit"):
        known = found.get(t.indicator_id)
        if known is None or rules.weaker(known.value, t.value, t.indicator.direction):
            found[t.indicator_id] = Floor(t.value, t.plan.unit)
    return found


def plan_view(unit: Unit, year: int) -> PlanView:
    plan = Plan.objects.filter(unit=unit, year=year).first()
    targets = list(Target.objects.filter(plan=plan).select_related("indicator__pillar")
                   .order_by("indicator__pillar__order", "indicator__code")) if plan else []
    above = floors(unit, year)
    own_targets = {t.indicator_id: t for t in targets if t.scope == TargetScope.OWN}
    indicators = Indicator.objects.in_bulk(set(own_targets) | set(above))
    own = [OwnRow(indicators[i], own_targets.get(i), above.get(i))
           for i in sorted(indicators, key=lambda i: (indicators[i].pillar.order, indicators[i].code))]
    children = list(Unit.objects.filter(parent=unit).order_by("code"))
    minimums = []
    child_targets: dict[tuple[int, int], Decimal] = {}
    assigned = [t for t in targets if t.scope == TargetScope.CHILDREN_MINIMUM]
    if assigned and children:
        for unit_id, indicator_id, value in Target.objects.filter(
                scope=TargetScope.OWN, plan__year=year, plan__unit__in=children,
                indicator_id__in=[t.indicator_id for t in assigned]).values_list(
                "plan__unit_id", "indicator_id", "value"):
            child_targets[(unit_id, indicator_id)] = value
    for t in assigned:
        short: list[tuple[Unit, Decimal | None]] = []
        for child in children:
            set_value = child_targets.get((child.pk, t.indicator_id))
            if set_value is None or rules.weaker(set_value, t.value, t.indicator.direction):
                short.append((child, set_value))
        minimums.append(MinimumRow(t.indicator, t, len(children), len(children) - len(short), short))
    history = list(TargetHistory.objects.filter(target__plan=plan).select_related(
        "target__indicator", "changed_by").order_by("-changed_at", "-id")[:HISTORY_SHOWN]) if plan else []
    return PlanView(unit, year, plan, own, minimums, check_plan(plan) if plan else [], history, len(children))
