"""Reads across the register: a team's unit on a day, a ward's teams, quiet teams, sums of approved logs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max, Q, QuerySet, Sum

from chiso.engine.periods import Period
from chiso.teams.activities import activity_types
from chiso.teams.models import ActivityCount, ActivityLog, LogStatus, Team, TeamMember, TeamPlacement, TeamState
from chiso.units.models import Unit
from chiso.units.types import UnitType

TEAM_UNIT_TYPES = (UnitType.HAMLET, UnitType.RESIDENTIAL_GROUP)
QUIET_DAYS = 30


def placement_on(team: Team, day: date) -> TeamPlacement | None:
    """Where ``team`` sat on ``day``: the placement whose unit's hierarchy version covers that day."""
    for placement in team.placements.select_related("unit", "unit__version", "unit__parent"):
        if placement.unit.version.covers(day):
            return placement
    return None


def unit_on(team: Team, day: date) -> Unit | None:
    placement = placement_on(team, day)
    return placement.unit if placement else None


def ward_of(unit: Unit) -> Unit:
    """The phường/xã a thôn/tổ dân phố belongs to (its parent)."""
    assert unit.parent is not None, f"{unit} has no parent"
    return unit.parent


def teams_under(unit: Unit) -> QuerySet[Team]:
    """Teams that sat on a unit under ``unit`` (a ward, a district, …) in ``unit``'s version."""
    ids = TeamPlacement.objects.filter(unit__path__startswith=unit.path, unit__version_id=unit.version_id)
    return Team.objects.filter(id__in=ids.values("team_id")).select_related("unit", "unit__version", "unit__parent")


def placements_under(unit: Unit) -> QuerySet[TeamPlacement]:
    return TeamPlacement.objects.filter(unit__path__startswith=unit.path, unit__version_id=unit.version_id)


def active_on(team: Team, day: date) -> bool:
    """Whether the team existed and was active at the end of ``day``."""
    if team.founded_on > day:
        return False
    return team.state == TeamState.ACTIVE or (team.state_since is not None and team.state_since > day)


def members_on(team: Team, day: date) -> QuerySet[TeamMember]:
    return team.members.filter(joined_on__lte=day).filter(Q(left_on__isnull=True) | Q(left_on__gt=day))


def logs_in(team_ids: list[int], period: Period, *, status: str | None = LogStatus.APPROVED) -> QuerySet[ActivityLog]:
    start, end = period.bounds
    logs = ActivityLog.objects.filter(team_id__in=team_ids, date__gte=start, date__lte=end)
    return logs.filter(status=status) if status else logs


@dataclass(frozen=True)
class MonthSums:
    """Approved counts of a ward's teams for one month: per team unit and element, and the ward's totals."""

    by_unit: dict[int, dict[str, int]]  # team unit id -> element code -> sum
    ward: dict[str, int]
    logs: int
    teams: int
    illustrative: bool


def month_sums(ward: Unit, period: Period) -> MonthSums:
    """Sum the approved logs of ``period`` of every team that sat under ``ward`` (in ward's version)."""
    placed = {p.team_id: p.unit_id for p in placements_under(ward)}
    logs = logs_in(list(placed), period)
    by_unit: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    ward_sums: dict[str, int] = defaultdict(int)
    rows = (ActivityCount.objects.filter(log__in=logs).values("log__team_id", "data_element__code")
            .annotate(total=Sum("count")))
    for row in rows:
        by_unit[placed[row["log__team_id"]]][row["data_element__code"]] += row["total"]
        ward_sums[row["data_element__code"]] += row["total"]
    return MonthSums({k: dict(v) for k, v in by_unit.items()}, dict(ward_sums), logs.count(),
                     len(set(logs.values_list("team_id", flat=True))),
                     logs.filter(is_illustrative=True).exists())


@dataclass(frozen=True)
class TeamMonth:
    period: Period
    counts: dict[str, int]  # element code -> approved sum
    logs: int
    waiting: int


def team_months(team: Team, limit: int = 12) -> list[TeamMonth]:
    """The team's latest months with logs: approved sums per activity, and how many logs wait for review."""
    months: dict[str, TeamMonth] = {}
    logs = list(team.logs.prefetch_related("counts__data_element").order_by("-date"))
    for log in logs:
        period = Period.of_month(log.date.year, log.date.month)
        key = str(period)
        month = months.setdefault(key, TeamMonth(period, {}, 0, 0))
        if log.status == LogStatus.APPROVED:
            for c in log.counts.all():
                month.counts[c.data_element.code] = month.counts.get(c.data_element.code, 0) + c.count
            months[key] = TeamMonth(period, month.counts, month.logs + 1, month.waiting)
        elif log.status == LogStatus.SUBMITTED:
            months[key] = TeamMonth(period, month.counts, month.logs, month.waiting + 1)
    return sorted(months.values(), key=lambda m: str(m.period), reverse=True)[:limit]


@dataclass(frozen=True)
class QuietTeam:
    team: Team
    last_log: date | None


def quiet_teams(ward: Unit, today: date, days: int = QUIET_DAYS) -> list[QuietTeam]:
    """Active teams of ``ward`` without a log (any state but rejected) in the last ``days`` days."""
    since = today - timedelta(days=days)
    teams = teams_under(ward).filter(state=TeamState.ACTIVE).annotate(
        last=Max("logs__date", filter=~Q(logs__status=LogStatus.REJECTED)))
    return [QuietTeam(t, t.last) for t in teams.order_by("code") if t.last is None or t.last < since]



def activity_labels() -> dict[str, str]:
    return {t.data_element: t.name_vi for t in activity_types()}
