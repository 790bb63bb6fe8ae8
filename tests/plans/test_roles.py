"""Granting and revoking roles: who may, the history row of each, one test per kind of refusal."""

from __future__ import annotations

import pytest

from chiso.accounts.access import can_write_unit
from chiso.accounts.actions import RoleError, RoleRefusalKind, do_grant_role, do_revoke_role
from chiso.accounts.models import RoleAssignment, RoleAssignmentHistory
from tests.conftest import _user, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(db):
    return _user("t_newcomer", first_name="Trần", last_name="Thị C")


def _refusal(call) -> RoleError:  # type: ignore[no-untyped-def]
    before = (RoleAssignment.objects.count(), RoleAssignmentHistory.objects.count())
    with pytest.raises(RoleError) as caught:
        call()
    assert (RoleAssignment.objects.count(), RoleAssignmentHistory.objects.count()) == before
    return caught.value


def test_grant_and_revoke_leave_a_trace(city_admin, newcomer):
    ward = unit("2024", "20221")
    do_grant_role(newcomer, "reporter", ward, acting_user=city_admin, reason="Cán bộ mới")
    assert can_write_unit(newcomer, ward)
    do_revoke_role(newcomer, "reporter", ward, acting_user=city_admin, reason="Chuyển công tác")
    assert not can_write_unit(newcomer, ward)
    rows = list(RoleAssignmentHistory.objects.filter(user=newcomer).order_by("id").values_list(
        "action", "role", "unit__code", "reason", "changed_by"))
    assert rows == [("grant", "reporter", "20221", "Cán bộ mới", city_admin.pk),
                    ("revoke", "reporter", "20221", "Chuyển công tác", city_admin.pk)]


def test_refused_forbidden_a_ward_officer_cannot_grant_roles(officer_thac_gian, newcomer):
    error = _refusal(lambda: do_grant_role(newcomer, "reporter", unit("2024", "20221"),
                                           acting_user=officer_thac_gian))
    assert (error.kind, error.status, error.message) == (
        RoleRefusalKind.FORBIDDEN, 403, "Bạn không có quyền cấp vai trò trên Phường Thạc Gián: chỉ quản trị của đơn "
                                        "vị này hoặc cấp trên được làm.")


def test_refused_forbidden_an_admin_does_not_revoke_their_own_admin_role(city_admin):
    error = _refusal(lambda: do_revoke_role(city_admin, "admin", unit("2024", "48"), acting_user=city_admin))
    assert error.kind == RoleRefusalKind.FORBIDDEN and "tự thu hồi" in error.message


def test_refused_invalid_role(city_admin, newcomer):
    error = _refusal(lambda: do_grant_role(newcomer, "boss", unit("2024", "20221"), acting_user=city_admin))
    assert (error.kind, error.status) == (RoleRefusalKind.INVALID, 400)


def test_refused_duplicate_and_not_held(city_admin, officer_thac_gian, newcomer):
    error = _refusal(lambda: do_grant_role(officer_thac_gian, "reporter", unit("2024", "20221"),
                                           acting_user=city_admin))
    assert (error.kind, error.status) == (RoleRefusalKind.DUPLICATE, 409)
    error = _refusal(lambda: do_revoke_role(newcomer, "viewer", unit("2024", "20221"), acting_user=city_admin))
    assert (error.kind, error.status, error.message) == (
        RoleRefusalKind.NOT_HELD, 409,
        "Trần Thị C không có vai trò 'Xem' trên Phường Thạc Gián; không có gì để thu hồi.")
