"""What-if for a unit's targets: the chance of reaching each, the pace it needs, a chosen pace redrawn,
and the scenarios users saved (``do_save_scenario``, the one write path, and who may read them).

Built on :func:`analytics.progress.standings` (the same monthly series, the same deadline month and the
same natural limits as the forecast on the unit page) and the pure ``engine.scenarios``.

Who reads what: the target, its figures and any scenario run on them are public (targets and published
figures are on the public unit page; the caller passes published figures only). A *saved* scenario is seen
by its author and by whoever may plan the target's unit (``accounts.access.can_plan_unit``); anyone else
gets nothing (404 on a page). Saving needs a signed-in user.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from chiso.accounts.access import can_plan_unit
from chiso.analytics.progress import Figures, TargetProgress, target_progress
from chiso.engine import scenarios as engine
from chiso.engine.periods import Period
from chiso.plans.models import SavedScenario, Target
from chiso.units.models import Unit

NAME_MAX = 120
PACE_LIMIT = Decimal("1e12")


class ScenarioError(Exception):
    """A scenario was refused; ``message`` is Vietnamese and says what to do, ``status`` the HTTP answer."""

    def __init__(self, message: str, status: int = 400):
        self.message, self.status = message, status
        super().__init__(message)


@dataclass(frozen=True)
class WhatIf:
    """One target of a unit, ready for scenarios: its monthly series up to the deadline month."""

    target: Target
    as_of: Period
    deadline: Period
    series: list[tuple[Period, float]]
    direction: str
    upper_limit: float | None
    probability: float | None  # engine.scenarios.probability; None with too few points
    required_pace: float | None  # None when the deadline month is not after the last observation
    trend_pace: float | None  # the fitted trend's monthly slope, the forecast's own pace
    illustrative: bool = False  # a figure of the series is illustrative ("minh họa")

    @property
    def target_value(self) -> float:
        return float(self.target.value)

    @property
    def last(self) -> tuple[Period, float]:
        return self.series[-1]

    def run(self, pace: float) -> engine.Scenario:
        return engine.scenario(self.series, pace, self.target_value, self.deadline, direction=self.direction,
                               lower_limit=0.0, upper_limit=self.upper_limit)


def what_if(progress: TargetProgress) -> WhatIf | None:
    """The what-if of one target, or ``None`` when there is nothing to ask: the target's date has passed, or
    fewer than ``engine.scenarios.MIN_POINTS`` monthly figures lead to it."""
    standing = progress.standing
    goal = standing.goal
    if goal is None or standing.final:
        return None
    deadline = Period.of_month(goal.deadline.year, goal.deadline.month)
    rows = [r for r in standing.series if r.period.start <= deadline.start]
    series = [(r.period, float(r.value)) for r in rows]  # type: ignore[arg-type]
    if len(series) < engine.MIN_POINTS:
        return None
    indicator = standing.indicator
    upper = 100.0 if indicator.unit_of_measure == "%" else None
    target = float(goal.value)
    return WhatIf(
        progress.target, standing.as_of, deadline, series, indicator.direction, upper,
        engine.probability(series, target, deadline, direction=indicator.direction, lower_limit=0.0,
                           upper_limit=upper),
        engine.required_pace(series, target, deadline),
        standing.forecast.slope_per_month if standing.forecast is not None else None,
        any(r.illustrative for r in rows),
    )


def what_ifs(unit: Unit, year: int, month: Period, figures: Figures) -> list[WhatIf]:
    """The what-ifs of ``unit``'s own targets of ``year`` read up to ``month`` (not after December of
    ``year``, as the plan cards), only those with something to ask (:func:`what_if`)."""
    read = min(month, Period.of_month(year, 12), key=lambda p: p.start)
    found = (what_if(p) for p in target_progress(unit, year, as_of=read, figures=figures))
    return [w for w in found if w is not None]


def parse_pace(text: str) -> float:
    """A monthly pace typed on a page: Vietnamese ("1,2", "-0,5") or dotted decimals.

    >>> parse_pace("1,2"), parse_pace(" -0.5 ")
    (1.2, -0.5)
    """
    cleaned = (text or "").strip().replace(" ", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ScenarioError(f"Tốc độ mỗi tháng «{text}» không phải là số: nhập ví dụ 1,2 hoặc -0,5.") from None
    if not value.is_finite() or abs(value) >= PACE_LIMIT:
        raise ScenarioError(f"Tốc độ mỗi tháng «{text}» không hợp lệ: nhập một số như 1,2 hoặc -0,5.")
    return float(value)


def do_save_scenario(target: Target, name: str, pace: float, as_of: Period, *,
                     acting_user: AbstractBaseUser | AnonymousUser | None,
                     reached: Period | None) -> SavedScenario:
    """Keep a scenario under a name, with who saved it and when. Refused: not signed in (403), an empty or
    too long name, a pace that is not a number, the same name already used by this user for this target."""
    if acting_user is None or not acting_user.is_authenticated:
        raise ScenarioError("Cần đăng nhập để lưu kịch bản; kịch bản chưa được lưu.", 403)
    name = (name or "").strip()
    if not name:
        raise ScenarioError("Chưa có tên kịch bản: đặt một tên (ví dụ «Tăng tốc quý IV») rồi lưu lại.")
    if len(name) > NAME_MAX:
        raise ScenarioError(f"Tên kịch bản dài {len(name)} ký tự, tối đa {NAME_MAX}: rút gọn rồi lưu lại.")
    if not math.isfinite(pace) or abs(pace) >= float(PACE_LIMIT):
        raise ScenarioError("Tốc độ mỗi tháng không hợp lệ: nhập một số như 1,2 hoặc -0,5.")
    try:
        with transaction.atomic():
            return SavedScenario.objects.create(
                target=target, name=name, monthly_pace=Decimal(repr(pace)), as_of=str(as_of),
                reached=str(reached) if reached is not None else "", created_by=acting_user,
                created_at=timezone.now())
    except IntegrityError:
        raise ScenarioError(f"Bạn đã có kịch bản tên «{name}» cho chỉ tiêu này: chọn tên khác.") from None


def scenarios_of(target: Target, user: AbstractBaseUser | AnonymousUser | None) -> list[SavedScenario]:
    """The saved scenarios of ``target`` that ``user`` may read, newest first."""
    if user is None or not user.is_authenticated:
        return []
    found = SavedScenario.objects.filter(target=target).select_related("created_by")
    if not can_plan_unit(user, target.plan.unit):
        found = found.filter(created_by=user)
    return list(found)


def scenario_by_id(scenario_id: int, user: AbstractBaseUser | AnonymousUser | None) -> SavedScenario | None:
    """One saved scenario if ``user`` may read it, else ``None`` (the page answers 404)."""
    if user is None or not user.is_authenticated:
        return None
    found = SavedScenario.objects.select_related("target__plan__unit", "target__indicator", "created_by") \
        .filter(id=scenario_id).first()
    if found is None or not may_read(found, user):
        return None
    return found


def may_read(saved: SavedScenario, user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """Its author, or whoever may plan the target's unit."""
    if user is None or not user.is_authenticated:
        return False
    return saved.created_by_id == user.pk or can_plan_unit(user, saved.target.plan.unit)
