"""The one way roles are granted and revoked. Each runs in one transaction and writes one
``RoleAssignmentHistory`` row (who got or lost which role on which unit, who did it, when, why).

Only an administrator covering the unit may grant or revoke a role on it (``access.can_manage_roles``);
nobody revokes their own administrator role (the subtree would be left without one by mistake).
Refusals are typed (``RoleError.kind``) with a Vietnamese message.
"""

from __future__ import annotations

from enum import StrEnum
from typing import cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import transaction
from django.utils import timezone

from chiso.accounts.access import can_manage_roles
from chiso.accounts.models import Role, RoleAssignment, RoleAssignmentHistory, RoleChange
from chiso.units.models import Unit

__all__ = ["RoleError", "RoleRefusalKind", "do_grant_role", "do_revoke_role"]


class RoleRefusalKind(StrEnum):
    FORBIDDEN = "forbidden"  # the actor may not manage roles on this unit
    INVALID = "invalid"  # no such role
    DUPLICATE = "duplicate"  # the user already holds the role there
    NOT_HELD = "not_held"  # the user does not hold the role there


STATUS = {RoleRefusalKind.FORBIDDEN: 403, RoleRefusalKind.DUPLICATE: 409, RoleRefusalKind.NOT_HELD: 409}


class RoleError(Exception):
    def __init__(self, kind: RoleRefusalKind, message: str):
        self.kind, self.message = kind, message
        super().__init__(message)

    @property
    def status(self) -> int:
        return STATUS.get(self.kind, 400)


def _who(user: AbstractBaseUser) -> str:
    full = getattr(user, "get_full_name", lambda: "")()
    return str(full or user.get_username())


def _check(user: AbstractBaseUser, role: str, unit: Unit,
           acting_user: AbstractBaseUser | AnonymousUser | None, verb: str) -> Role:
    if acting_user is None or not acting_user.is_authenticated or not can_manage_roles(acting_user, unit):
        raise RoleError(RoleRefusalKind.FORBIDDEN,
                        f"Bạn không có quyền {verb} vai trò trên {unit.name}: chỉ quản trị của đơn vị này "
                        "hoặc cấp trên được làm.")
    if role not in Role.values:
        raise RoleError(RoleRefusalKind.INVALID,
                        f"Vai trò '{role}' không tồn tại; chọn một trong: {', '.join(Role.values)}.")
    return Role(role)


@transaction.atomic
def do_grant_role(user: User, role: str, unit: Unit, *,
                  acting_user: AbstractBaseUser | AnonymousUser | None, reason: str = "",
                  channel: str = "web") -> RoleAssignment:
    """Give ``user`` ``role`` on ``unit`` and its whole subtree."""
    checked = _check(user, role, unit, acting_user, "cấp")
    assignment, created = RoleAssignment.objects.get_or_create(user=user, role=checked, unit=unit)
    if not created:
        raise RoleError(RoleRefusalKind.DUPLICATE,
                        f"{_who(user)} đã có vai trò '{checked.label}' trên {unit.name}; không cấp lại.")
    RoleAssignmentHistory.objects.create(action=RoleChange.GRANT, user=user, role=checked, unit=unit,
                                         reason=reason.strip(), changed_by=cast(User, acting_user),
                                         changed_at=timezone.now(),
                                         channel=channel)
    return assignment


@transaction.atomic
def do_revoke_role(user: User, role: str, unit: Unit, *,
                   acting_user: AbstractBaseUser | AnonymousUser | None, reason: str = "",
                   channel: str = "web") -> None:
    """Take ``role`` on ``unit`` away from ``user`` (roles held above or elsewhere stay)."""
    checked = _check(user, role, unit, acting_user, "thu hồi")
    if checked == Role.ADMIN and user.pk == getattr(acting_user, "pk", None):
        raise RoleError(RoleRefusalKind.FORBIDDEN,
                        f"Bạn không thể tự thu hồi vai trò quản trị của mình trên {unit.name}; nhờ một quản trị "
                        "khác làm.")
    deleted, _ = RoleAssignment.objects.filter(user=user, role=checked, unit=unit).delete()
    if not deleted:
        raise RoleError(RoleRefusalKind.NOT_HELD,
                        f"{_who(user)} không có vai trò '{checked.label}' trên {unit.name}; không có gì để thu hồi.")
    RoleAssignmentHistory.objects.create(action=RoleChange.REVOKE, user=user, role=checked, unit=unit,
                                         reason=reason.strip(), changed_by=cast(User, acting_user),
                                         changed_at=timezone.now(),
                                         channel=channel)
