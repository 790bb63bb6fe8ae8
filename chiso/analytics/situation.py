"""The leader's page «Tình hình đơn vị»: for one unit and its subtree, which targets will be missed (sorted by how
far behind), which units below lag, what changed since last month and which reports wait for whom.

Every target is judged once, by :func:`analytics.progress.target_progress` (status, figure, forecast); what a
target will reach is its forecast at its date while the date is ahead, the figure judged once it has passed
(``engine.shortfall``). The figures are the reader's (:func:`figures_for`): published ones, plus the
unpublished ones of the units the reader's roles cover (``accounts.access.unpublished_read_prefixes``), so a
viewer and the public see published figures only and a ward officer sees its own drafts, never another
ward's. The reports waiting are shown only to whoever holds a role on the unit (``accounts.access.can_see_plan``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from chiso.accounts.access import can_see_plan, unpublished_read_prefixes
from chiso.accounts.models import RoleAssignment
from chiso.analytics.progress import Figures, TargetProgress, target_progress
from chiso.analytics.queries import Row, evaluate
from chiso.analytics.scenarios import UnitsSplit, units_split, what_if
from chiso.collection.models import Status as ReportStatus
from chiso.collection.models import Submission, SubmissionEvent
from chiso.engine.periods import Period
from chiso.engine.progress import Status, share_reached
from chiso.engine.scenarios import UnitShare
from chiso.engine.shortfall import shortfall, shortfall_sentence
from chiso.plans.models import Plan, TargetScope
from chiso.units.models import Unit

RISK_STATUSES = frozenset({Status.NOT_ACHIEVED, Status.ACCELERATION_NEEDED, Status.LIMITED_PROGRESS,
                           Status.DETERIORATION})
WAITING_LIMIT = 200  # reports listed per group at most (the count says how many there are)


def figures_for(user: AbstractBaseUser | AnonymousUser | None, published: Figures) -> Figures:
    """The figures ``user`` may read: ``published`` (the portal's memoised published figures) for a reader who
    may see no draft; else published figures plus the drafts under the reader's roles (everything for a
    superuser)."""
    prefixes = unpublished_read_prefixes(user)
    if prefixes == []:
        return published

    def figures(codes: list[str], units: list[Unit], periods: list[Period]) -> list[Row]:
        return evaluate(codes, units, periods, published_only=prefixes is not None, drafts_under=prefixes or ())

    return figures


def home_units(user: AbstractBaseUser | AnonymousUser | None) -> list[Unit]:
    """The units ``user`` holds a role on (each once), highest first: the units their page opens on."""
    if user is None or not user.is_authenticated:
        return []
    found = {a.unit.id: a.unit for a in RoleAssignment.objects.filter(user_id=user.pk)
             .select_related("unit__version")}

    def order(u: Unit) -> tuple[int, int, str]:
        start = u.version.valid_from
        return (-(start.toordinal() if start else 0), u.depth, u.code)

    return sorted(found.values(), key=order)


def plan_years(root: Unit) -> list[int]:
    """The years with own targets on ``root`` or a unit under it, oldest first."""
    return sorted(set(Plan.objects.filter(unit__version_id=root.version_id, unit__path__startswith=root.path,
                                          targets__scope=TargetScope.OWN).values_list("year", flat=True)))


def judged_under(root: Unit, year: int, as_of: Period, figures: Figures) -> list[TargetProgress]:
    """Every own target of ``year`` on ``root`` and the units under it, judged up to ``as_of`` (not after
    December of ``year``): ``target_progress`` per unit with a plan, units in tree order."""
    read = min(as_of, Period.of_month(year, 12), key=lambda p: p.start)
    units = Unit.objects.filter(version_id=root.version_id, path__startswith=root.path, plans__year=year,
                                plans__targets__scope=TargetScope.OWN).distinct().select_related("version")
    found: list[TargetProgress] = []
    for unit in sorted(units, key=lambda u: u.path):
        found.extend(target_progress(unit, year, as_of=read, figures=figures))
    return found


@dataclass(frozen=True)
class AtRisk:
    """A target that will be missed: what it will reach (``expected``: the forecast at its date, or the figure
    judged once the date has passed), that as a share of the target (0..100) and the shortfall."""

    progress: TargetProgress
    expected: float | None
    share: float | None
    missing: float | None  # in the indicator's unit, positive

    @property
    def target(self):  # type: ignore[no-untyped-def]
        return self.progress.target

    @property
    def unit(self) -> Unit:
        return self.progress.standing.unit

    @property
    def status(self) -> Status:
        return self.progress.assessment.status

    @property
    def percent(self) -> bool:
        return self.progress.target.indicator.unit_of_measure == "%"

    @property
    def illustrative(self) -> bool:
        standing = self.progress.standing
        shown = standing.figure or standing.current
        return any(r.illustrative for r in standing.series) or (shown is not None and shown.illustrative)

    def sentence(self, lang: str = "vi") -> str:
        """"dự kiến đạt 86% vào 31/12/2025, thiếu 4 điểm %"; without a value to judge, the status's reason."""
        standing = self.progress.standing
        if self.expected is None:
            return standing.assessment.reason
        return shortfall_sentence(
            self.expected, float(self.target.value), self.target.target_date, percent=self.percent,
            direction=self.target.indicator.direction, final=standing.final,
            period_label=standing.figure_label_en if lang == "en" else standing.figure_label, lang=lang)


def _expected(progress: TargetProgress) -> float | None:
    standing = progress.standing
    if standing.final:
        return float(standing.value) if standing.value is not None else None
    return standing.forecast.value if standing.forecast is not None else None


def at_risk(judged: Sequence[TargetProgress]) -> list[AtRisk]:
    """The targets that will be missed, furthest behind first: those whose expected value falls short of the
    target, sorted by the share of the target it reaches (then the larger shortfall relative to the target,
    the unit, the indicator); after them, those with a worrying status but no value to judge, by unit."""
    measured, unmeasured = [], []
    for progress in judged:
        target = progress.target
        expected = _expected(progress)
        if expected is None:
            if progress.assessment.status in RISK_STATUSES:
                unmeasured.append(AtRisk(progress, None, None, None))
            continue
        missing = shortfall(expected, float(target.value), target.indicator.direction)
        if missing <= 0:
            continue
        share = round(share_reached(expected, float(target.value), target.indicator.direction) * 100, 1)
        measured.append(AtRisk(progress, expected, share, missing))
    measured.sort(key=lambda r: (r.share, -(r.missing or 0) / (abs(float(r.target.value)) or 1),
                                 r.unit.path, r.target.indicator.code))
    unmeasured.sort(key=lambda r: (r.unit.path, r.target.indicator.code))
    return measured + unmeasured


@dataclass
class LaggingChild:
    """A unit directly under the root, with the targets of its subtree that will be missed."""

    unit: Unit
    items: list[AtRisk] = field(default_factory=list)

    @property
    def worst(self) -> AtRisk:
        return self.items[0]


def lagging_children(root: Unit, risks: Sequence[AtRisk]) -> list[LaggingChild]:
    """Which units directly under ``root`` hold the targets that will be missed (their own or their
    subtree's): most such targets first, then the one furthest behind."""
    children = {u.path: u for u in Unit.objects.filter(parent=root).select_related("version")}
    found: dict[str, LaggingChild] = {}
    for risk in risks:
        for path, child in children.items():
            if risk.unit.path.startswith(path):
                found.setdefault(path, LaggingChild(child)).items.append(risk)
    return sorted(found.values(), key=lambda c: (-len(c.items), c.worst.share if c.worst.share is not None
                                                 else 101.0, c.unit.code))


PACE_GAP_ROWS = 10  # units listed per target: those that must speed up most


@dataclass(frozen=True)
class PaceGap:
    """A target of the root that will be missed, and the units below whose pace falls short of what it needs
    (``analytics.scenarios.units_split``)."""

    risk: AtRisk
    split: UnitsSplit

    @property
    def furthest(self) -> list[UnitShare]:
        """The units that must speed up most (largest change of pace first), at most ``PACE_GAP_ROWS``."""
        return sorted(self.split.behind, key=lambda s: (-s.change, s.unit.name))[:PACE_GAP_ROWS]

    @property
    def others(self) -> int:
        return len(self.split.behind) - len(self.furthest)


def pace_gaps(root: Unit, risks: Sequence[AtRisk], figures: Figures) -> list[PaceGap]:
    """For each of the root's own targets that will be missed with a date still ahead: the units below it that
    must speed up, and by how much (the missing pace shared out as on the what-if)."""
    found = []
    for risk in risks:
        if risk.unit.id != root.id or risk.progress.standing.final:
            continue
        what = what_if(risk.progress)
        split = units_split(root, what, figures) if what is not None else None
        if split is not None and split.behind:
            found.append(PaceGap(risk, split))
    return found


@dataclass(frozen=True)
class Change:
    """A target whose status or judged figure moved between the month before and the month read."""

    now: TargetProgress
    before: TargetProgress

    @property
    def status_changed(self) -> bool:
        return self.now.assessment.status != self.before.assessment.status

    @property
    def worse(self) -> bool:
        order = list(Status)
        return order.index(self.now.assessment.status) > order.index(self.before.assessment.status)

    @property
    def difference(self) -> float | None:
        if self.now.standing.value is None or self.before.standing.value is None:
            return None
        return float(self.now.standing.value - self.before.standing.value)


def changes(now: Sequence[TargetProgress], before: Sequence[TargetProgress]) -> list[Change]:
    """The targets whose status or judged figure changed from ``before`` (the month before) to ``now``: status
    changes first (worse first), then the figures that moved, each by unit and indicator."""
    earlier = {p.target.id: p for p in before}
    found = []
    for progress in now:
        previous = earlier.get(progress.target.id)
        if previous is None:
            continue
        change = Change(progress, previous)
        if change.status_changed or progress.standing.value != previous.standing.value:
            found.append(change)
    return sorted(found, key=lambda c: (not c.status_changed, not c.worse, c.now.standing.unit.path,
                                        c.now.target.indicator.code))


@dataclass(frozen=True)
class Waiting:
    """A report waiting for someone to act: an approver above it (submitted) or the unit itself (returned)."""

    submission: Submission
    since: datetime
    reason: str  # why it was returned, if it was


@dataclass
class WaitingGroup:
    """Reports waiting for the same people: ``kind`` "approve" (the approvers of ``unit``, the level above
    the reports' units) or "fix" (the officers of ``unit``, to correct a returned report)."""

    kind: str
    unit: Unit
    reports: list[Waiting] = field(default_factory=list)
    total: int = 0  # every report of the group; ``reports`` holds the first WAITING_LIMIT


def waiting(root: Unit, user: AbstractBaseUser | AnonymousUser | None) -> list[WaitingGroup] | None:
    """The reports of ``root`` and its subtree waiting for someone, grouped by who must act, the largest group
    first; ``None`` when ``user`` holds no role on ``root`` (the report workflow is not public)."""
    if user is None or not user.is_authenticated or not can_see_plan(user, root):  # type: ignore[arg-type]
        return None
    reports = list(Submission.objects.filter(
        unit__version_id=root.version_id, unit__path__startswith=root.path,
        status__in=[ReportStatus.SUBMITTED, ReportStatus.RETURNED]).select_related(
        "form", "unit__version", "unit__parent__version").order_by("updated_at", "id"))
    reasons = {}
    returned = [s.id for s in reports if s.status == ReportStatus.RETURNED]
    for event in SubmissionEvent.objects.filter(submission_id__in=returned,
                                                to_status=ReportStatus.RETURNED).order_by("at", "id"):
        reasons[event.submission_id] = event.reason
    groups: dict[tuple[str, int], WaitingGroup] = {}
    for report in reports:
        if report.status == ReportStatus.SUBMITTED:
            kind, who = "approve", report.unit.parent or report.unit
        else:
            kind, who = "fix", report.unit
        group = groups.setdefault((kind, who.id), WaitingGroup(kind, who))
        group.total += 1
        if len(group.reports) < WAITING_LIMIT:
            group.reports.append(Waiting(report, report.updated_at, reasons.get(report.id, "")))
    return sorted(groups.values(), key=lambda g: (g.kind != "approve", -g.total, g.unit.path))
