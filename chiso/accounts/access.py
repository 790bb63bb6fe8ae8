"""Who may read and write which units. Every permission check goes through here.

A role granted on a unit covers that unit and its whole subtree (materialised ``Unit.path``).
A grant is per hierarchy version: a ward officer of phường Thạc Gián 2024 has no say over
another ward, in any version, unless granted there too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from chiso.accounts.models import PLAN_ROLES, READ_DRAFT_ROLES, WRITE_ROLES, Role, RoleAssignment
from chiso.units.models import Unit


def _scopes(user: AbstractBaseUser | AnonymousUser | None, roles: Iterable[Role]) -> list[str]:
    if user is None or not user.is_authenticated:
        return []
    return list(
        RoleAssignment.objects.filter(user=user, role__in=list(roles)).values_list("unit__path", flat=True)
    )


def units_in_scope(user: AbstractBaseUser | AnonymousUser, roles: Iterable[Role]) -> QuerySet[Unit]:
    """Units the user holds one of ``roles`` on, directly or through an ancestor."""
    if getattr(user, "is_superuser", False):
        return Unit.objects.all()
    scopes = _scopes(user, roles)
    if not scopes:
        return Unit.objects.none()
    condition = Q()
    for prefix in scopes:
        condition |= Q(path__startswith=prefix)
    return Unit.objects.filter(condition)


def _covers(user: AbstractBaseUser | AnonymousUser, unit: Unit, roles: Iterable[Role]) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return any(unit.path.startswith(prefix) for prefix in _scopes(user, roles))


def can_write_unit(user: AbstractBaseUser | AnonymousUser, unit: Unit) -> bool:
    return _covers(user, unit, WRITE_ROLES)


def unpublished_read_prefixes(user: AbstractBaseUser | AnonymousUser | None) -> list[str] | None:
    """Path prefixes under which ``user`` may see figures that are not published (reports not yet
    approved); None means everywhere (a superuser), [] nowhere (an anonymous caller, a viewer).

    The one rule for every read: a figure that is not published is shown, or counted into a total, a
    rate or a re-expression across map versions, only when its own unit lies under one of these
    prefixes. A grant is per hierarchy version (paths are of unit ids), so phường Thanh Khê of today
    does not cover the older units its figures come from.
    """
    if getattr(user, "is_superuser", False):
        return None
    return _scopes(user, READ_DRAFT_ROLES)


def under(prefixes: list[str] | None, unit: Unit) -> bool:
    """Whether ``unit`` lies under one of ``prefixes`` (None: everywhere): a check of many units against
    one ``unpublished_read_prefixes`` answer, without a query per unit."""
    return prefixes is None or any(unit.path.startswith(prefix) for prefix in prefixes)


def can_read_unpublished(user: AbstractBaseUser | AnonymousUser | None, unit: Unit) -> bool:
    """See the unit's figures that are not published (drafts, reports waiting for approval)."""
    return under(unpublished_read_prefixes(user), unit)


can_read_drafts = can_read_unpublished  # the older name, used by the entry pages and the API


def write_prefixes(user: AbstractBaseUser | AnonymousUser) -> list[str] | None:
    """Path prefixes the user may write under; None means everywhere (superuser).

    For checking many figures at once with one query: ``unit.path.startswith(prefix)``.
    """
    if getattr(user, "is_superuser", False):
        return None
    return _scopes(user, WRITE_ROLES)


def has_work_role(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """Whether ``user`` writes or reviews reports anywhere (an officer, an approver, an administrator, a
    superuser): such a user starts on the entry pages, anyone else (a viewer, an analyst) on «Tình hình đơn vị»."""
    if user is None or not user.is_authenticated:
        return False
    if getattr(user, "is_superuser", False):
        return True
    return bool(_scopes(user, WRITE_ROLES | {Role.APPROVER}))


def can_plan_unit(user: AbstractBaseUser | AnonymousUser, unit: Unit) -> bool:
    """Set a unit's targets, or the minimums its children must meet: the unit's administrators and
    the approvers above it (a ward officer does not set its own bar)."""
    return _covers(user, unit, PLAN_ROLES)


def can_review_unit(user: AbstractBaseUser | AnonymousUser, unit: Unit) -> bool:
    """Approve, return or reopen a unit's report: an approver of a level *above* it, or an admin."""
    return review_judge(user)(unit)


def units_to_review(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Unit]:
    """The units whose reports ``user`` may approve, return or reopen: ``can_review_unit`` for many units
    at once, as a database filter (``ReviewScope``)."""
    return Unit.objects.filter(ReviewScope.of(user).condition())


def can_lock_unit(user: AbstractBaseUser | AnonymousUser, unit: Unit) -> bool:
    return _covers(user, unit, {Role.ADMIN})


def can_set_targets(user: AbstractBaseUser | AnonymousUser, unit: Unit) -> bool:
    """Enter a unit's own yearly targets: whoever may plan it, and its own officers (the ward enters the
    plan it adopted). The bar below which they may not go is the minimum set above: ``can_plan_unit``."""
    return _covers(user, unit, PLAN_ROLES | WRITE_ROLES)


def can_manage_roles(user: AbstractBaseUser | AnonymousUser, unit: Unit) -> bool:
    """Grant or revoke roles on a unit (and so on its subtree): an administrator covering it."""
    return _covers(user, unit, {Role.ADMIN})


def can_see_plan(user: AbstractBaseUser | AnonymousUser, unit: Unit) -> bool:
    """Open a unit's plan page: anyone holding a role on it or above it, a viewer included."""
    return _covers(user, unit, set(Role))


# -- rankings (ranking.actions): the same roles, named for what they do in a round ----------------------

def can_self_assess(user: AbstractBaseUser | AnonymousUser, unit: Unit) -> bool:
    """Enter a unit's self-assessment in a ranking round: whoever may write its figures."""
    return can_write_unit(user, unit)


def can_verify_assessment(user: AbstractBaseUser | AnonymousUser, unit: Unit) -> bool:
    """Accept, adjust or reject a unit's self-assessment: an approver above it, or an administrator."""
    return can_review_unit(user, unit)


def can_decide_round(user: AbstractBaseUser | AnonymousUser, within: Unit) -> bool:
    """Open a round, send it to the council, record the council's approval, publish: an administrator of
    the unit the round ranks within."""
    return can_lock_unit(user, within)


def can_read_scorecard(user: AbstractBaseUser | AnonymousUser | None, unit: Unit, *, published: bool) -> bool:
    """A scorecard of a published round is public; before that only whoever may read the unit's unpublished
    figures sees it: the unit itself and its verifiers (``can_verify_assessment``: approvers and administrators,
    all of them readers of drafts). A ward never sees another ward's draft."""
    return published or can_read_unpublished(user, unit)


def can_read_certification(user: AbstractBaseUser | AnonymousUser | None, unit: Unit, *, decided: bool) -> bool:
    """A certification (khu dân cư công nghệ số) with a decision is public; an assessment without one (not yet
    decided, or not met) only for whoever may read the unit's unpublished figures."""
    return decided or can_read_unpublished(user, unit)


def can_manage_methods(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Load a ranking method or criteria set: an administrator at city or province level (or a superuser)."""
    if getattr(user, "is_superuser", False):
        return True
    return RoleAssignment.objects.filter(user_id=user.pk, role=Role.ADMIN, unit__depth__lte=1).exists()


def can_read_register(user: AbstractBaseUser | AnonymousUser | None, unit: Unit, *, public: bool) -> bool:
    """An entry of a register (``registers``): a public kind (markets, schools, OCOP products, …: public facilities
    and products) is read by anyone; a private one (households without a smartphone per thôn) only by whoever may
    read the unit's unpublished figures. A ward never reads another ward's private register."""
    return public or can_read_unpublished(user, unit)


# -- community digital technology teams (teams.actions, teams.views, api.teams) ------------------------------

def can_manage_team(user: AbstractBaseUser | AnonymousUser | None, unit: Unit) -> bool:
    """Found a team on a thôn/tổ dân phố, change its members and state, read members' phone numbers, review its
    logs and set the ward's retention period: the officers who write the unit's figures (the ward officer)."""
    return user is not None and can_write_unit(user, unit)


def can_log_for_team(user: AbstractBaseUser | AnonymousUser | None, team: Any) -> bool:
    """Send or correct a team's activity log: a current leader or deputy of that team whose member record is
    linked to this account (``teams.TeamMember.user``), or an officer of the team's unit. A leader of another
    team, of the same ward or not, may not."""
    if user is None or not user.is_authenticated:
        return False
    if team.members.filter(user_id=user.pk, left_on__isnull=True, role__in=("leader", "deputy")).exists():
        return True
    return can_manage_team(user, team.unit)


@dataclass(frozen=True)
class ReviewScope:
    """Whose reports a user may review, said once: any unit under an administrator's unit, strictly below an
    approver's; a superuser every unit. ``covers`` tests a unit, ``condition`` filters units in the database."""

    everything: bool
    admin: tuple[str, ...]
    approver: tuple[str, ...]

    @classmethod
    def of(cls, user: AbstractBaseUser | AnonymousUser) -> ReviewScope:
        if getattr(user, "is_superuser", False):
            return cls(True, (), ())
        return cls(False, tuple(_scopes(user, {Role.ADMIN})), tuple(_scopes(user, {Role.APPROVER})))

    def covers(self, unit: Unit) -> bool:
        return (self.everything or any(unit.path.startswith(p) for p in self.admin)
                or any(unit.path.startswith(p) and unit.path != p for p in self.approver))

    def condition(self) -> Q:
        if self.everything:
            return Q()
        condition = Q(pk__in=[])
        for prefix in self.admin:
            condition |= Q(path__startswith=prefix)
        for prefix in self.approver:
            condition |= Q(path__startswith=prefix) & ~Q(path=prefix)
        return condition


def review_judge(user: AbstractBaseUser | AnonymousUser) -> Callable[[Unit], bool]:
    """``can_review_unit`` as a test to apply to many units (the approval matrix's rows): two queries, not two
    per unit."""
    return ReviewScope.of(user).covers
