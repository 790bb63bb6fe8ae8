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
from decimal import Decimal
from typing import cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.utils import timezone

from chiso.accounts.access import can_plan_unit
from chiso.analytics.progress import Figures, TargetProgress, target_progress
from chiso.engine import scenarios as engine
from chiso.engine.numbers import NumberFormatError, parse_number
from chiso.engine.periods import Period
from chiso.plans.models import SavedScenario, Target
from chiso.units.models import Unit
from chiso.units.queries import children

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


@dataclass(frozen=True)
class UnitsSplit:
    """A target of a unit with units below it: the pace asked of each (``engine.scenarios.split_gap``) for
    the unit to reach ``target`` (the target itself, or one raised or lowered to try)."""

    target: float
    shares: list[engine.UnitShare]
    units: dict[str, Unit]  # by the name in each share
    mean: bool  # the figure is the units' average (a rate), else their sum

    @property
    def behind(self) -> list[engine.UnitShare]:
        return [s for s in self.shares if s.behind]


def units_split(unit: Unit, what: WhatIf, figures: Figures, target: float | None = None) -> UnitsSplit | None:
    """Which units below ``unit`` must change pace, and by how much, for ``unit`` to reach ``target`` (default:
    the target's own value) by its deadline month: the missing pace shared in proportion to each unit's
    room (``engine.scenarios.split_gap``). Each unit's pace is its own trend over the same months (published
    figures only, as ``figures`` reads); a unit with fewer than 2 monthly figures is left out. A rate is the
    units' average weighted by their last denominator (1 when the rate is reported directly); a count or an
    amount is their sum. ``None`` without units below, or when no month is left."""
    below = [child for child, _ in children(unit)]
    months = engine.months_between(what.last[0], what.deadline)
    if not below or months <= 0:
        return None
    code = what.target.indicator.code
    by_unit: dict[int, list[tuple[Period, float, Decimal | None]]] = {}
    for row in figures([code], below, [p for p, _ in what.series]):
        if row.value is not None and row.data == code:
            by_unit.setdefault(row.unit.id, []).append((row.period, float(row.value), row.denominator))
    mean = what.target.indicator.unit_of_measure == "%"
    paces, named = [], {}
    for child in below:
        rows = sorted(by_unit.get(child.id, []), key=lambda r: r[0].start)
        pace = engine.trend_pace([(p, v) for p, v, _ in rows]) if len(rows) >= 2 else None
        if pace is None:
            continue
        weight = float(rows[-1][2]) if mean and rows[-1][2] else 1.0
        paces.append(engine.UnitPace(child.name, rows[-1][1], pace, weight))
        named[child.name] = child
    if not paces:
        return None
    goal = what.target_value if target is None else target
    shares = engine.split_gap(paces, what.last[1], goal, months, mean=mean, direction=what.direction,
                              limit=what.upper_limit if what.direction == "up" else 0.0)
    return UnitsSplit(goal, shares, named, mean)


def parse_pace(text: str, label: str = "Tốc độ mỗi tháng") -> float:
    """A number typed on a page (a monthly pace, a target to try): ``engine.numbers.parse_number``, so
    Vietnamese first ("1,2", "-0,5", "166.039" = 166039, as the box writes it back) else dotted ("-0.5").

    >>> parse_pace("1,2"), parse_pace(" -0.5 "), parse_pace("166.039")
    (1.2, -0.5, 166039.0)
    >>> parse_pace("cao", "Mục tiêu thử")
    Traceback (most recent call last):
    ...
    chiso.analytics.scenarios.ScenarioError: Mục tiêu thử «cao» không phải là số: nhập ví dụ 1,2 hoặc -0,5.
    """
    try:
        value = parse_number((text or "").replace(" ", ""))
    except NumberFormatError:
        raise ScenarioError(f"{label} «{text}» không phải là số: nhập ví dụ 1,2 hoặc -0,5.") from None
    if abs(value) >= PACE_LIMIT:  # parse_number refuses NaN and infinities
        raise ScenarioError(f"{label} «{text}» không hợp lệ: nhập một số như 1,2 hoặc -0,5.")
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
                reached=str(reached) if reached is not None else "", created_by=cast(User, acting_user),
                created_at=timezone.now())
    except IntegrityError:
        raise ScenarioError(f"Bạn đã có kịch bản tên «{name}» cho chỉ tiêu này: chọn tên khác.") from None


def scenarios_of(target: Target, user: AbstractBaseUser | AnonymousUser | None) -> list[SavedScenario]:
    """The saved scenarios of ``target`` that ``user`` may read, newest first."""
    if user is None or not user.is_authenticated:
        return []
    found = SavedScenario.objects.filter(target=target).select_related("created_by")
    if not can_plan_unit(user, target.plan.unit):
        found = found.filter(created_by=cast(User, user))
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
