"""The audited plan actions: who may set a target or assign a minimum, what a target may be, the history
row of every change, and one test per kind of refusal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from chiso.indicators.models import Indicator
from chiso.plans.actions import PlanError, PlanRefusalKind, do_assign_minimum, do_set_target, minimum_above
from chiso.plans.models import Plan, Target, TargetHistory, TargetScope
from chiso.values.models import Channel
from tests.conftest import _user, unit

pytestmark = pytest.mark.django_db


def cqs03() -> Indicator:
    return Indicator.objects.get(code="CQS-03")


def _refusal(call) -> PlanError:  # type: ignore[no-untyped-def]
    before = (Target.objects.count(), TargetHistory.objects.count(), Plan.objects.count())
    with pytest.raises(PlanError) as caught:
        call()
    assert (Target.objects.count(), TargetHistory.objects.count(), Plan.objects.count()) == before
    return caught.value


def test_setting_a_target_writes_it_and_one_history_row(city_admin):
    ward = unit("2024", "20221")
    target = do_set_target(ward, 2024, cqs03(), Decimal("80"), acting_user=city_admin, reason="Nghị quyết 12",
                           channel=Channel.API)
    assert (target.plan.unit, target.plan.year, target.value, target.target_date, target.revision) == (
        ward, 2024, Decimal("80"), date(2024, 12, 31), 1)
    changed = do_set_target(ward, 2024, cqs03(), Decimal("85.5"), acting_user=city_admin,
                            target_date=date(2024, 9, 30), reason="Điều chỉnh giữa năm", expected_revision=1)
    assert (changed.pk, changed.value, changed.revision) == (target.pk, Decimal("85.5"), 2)
    rows = list(TargetHistory.objects.filter(target=target).order_by("revision").values_list(
        "revision", "old_value", "value", "old_target_date", "target_date", "channel", "reason", "changed_by"))
    assert rows == [
        (1, None, Decimal("80"), None, date(2024, 12, 31), "api", "Nghị quyết 12", city_admin.pk),
        (2, Decimal("80"), Decimal("85.5"), date(2024, 12, 31), date(2024, 9, 30), "web", "Điều chỉnh giữa năm",
         city_admin.pk),
    ]


def test_setting_the_same_target_again_writes_no_history(city_admin):
    ward = unit("2024", "20221")
    do_set_target(ward, 2024, cqs03(), Decimal("80"), acting_user=city_admin)
    again = do_set_target(ward, 2024, cqs03(), Decimal("80.000"), acting_user=city_admin)
    assert (again.revision, TargetHistory.objects.filter(target=again).count()) == (1, 1)


def test_a_change_of_qualifier_alone_is_a_change_with_its_history_row(city_admin):
    ward = unit("2024", "20221")
    target = do_set_target(ward, 2024, cqs03(), Decimal("80"), acting_user=city_admin)
    assert target.qualifier == "exact"
    again = do_set_target(ward, 2024, cqs03(), Decimal("80"), acting_user=city_admin, qualifier="at_least",
                          reason="Văn bản ghi 'ít nhất 80%'")
    kept = do_set_target(ward, 2024, cqs03(), Decimal("80"), acting_user=city_admin)  # None keeps it
    assert (again.revision, again.qualifier, kept.revision, kept.qualifier) == (2, "at_least", 2, "at_least")
    assert list(again.history.order_by("revision").values_list("revision", "old_qualifier", "qualifier")) == [
        (1, "", "exact"), (2, "exact", "at_least")]


def test_refused_invalid_an_unknown_qualifier(city_admin):
    error = _refusal(lambda: do_set_target(unit("2024", "20221"), 2024, cqs03(), Decimal("80"),
                                           acting_user=city_admin, qualifier="roughly"))
    assert (error.kind, error.field) == (PlanRefusalKind.INVALID, "qualifier")
    assert "'roughly' không phải độ chính xác" in error.message


def test_a_ward_officer_sets_its_own_wards_target(officer_thac_gian):
    target = do_set_target(unit("2024", "20221"), 2024, cqs03(), Decimal("75"), acting_user=officer_thac_gian)
    assert target.history.get().changed_by == officer_thac_gian


def test_refused_forbidden_a_ward_officer_cannot_set_another_wards_target(officer_thac_gian):
    error = _refusal(lambda: do_set_target(unit("2024", "20212"), 2024, cqs03(), Decimal("75"),
                                           acting_user=officer_thac_gian))
    assert (error.kind, error.status) == (PlanRefusalKind.FORBIDDEN, 403)
    assert error.message == ("Bạn không có quyền đặt chỉ tiêu cho Phường Tân Chính: chỉ cán bộ của đơn vị, quản trị "
                             "hoặc cấp phê duyệt phía trên được đặt.")


def test_refused_forbidden_a_ward_officer_cannot_assign_its_own_minimum(officer_thac_gian):
    """The minimum a ward must meet is assigned in its district's plan; the officer does not set its bar."""
    error = _refusal(lambda: do_assign_minimum(unit("2024", "491"), 2024, cqs03(), Decimal("10"),
                                               acting_user=officer_thac_gian))
    assert error.kind == PlanRefusalKind.FORBIDDEN
    assert error.message.startswith("Bạn không có quyền giao mức tối thiểu cho các đơn vị trực thuộc Quận Thanh Khê")
    # nor the minimums of the residential groups below its own ward: that is the ward's administrator's call
    error = _refusal(lambda: do_assign_minimum(unit("2024", "20221"), 2024, cqs03(), Decimal("10"),
                                               acting_user=officer_thac_gian))
    assert error.kind == PlanRefusalKind.FORBIDDEN


def test_refused_forbidden_a_viewer_and_nobody_cannot_write(viewer):
    for who in (viewer, None):
        error = _refusal(lambda who=who: do_set_target(unit("2024", "20221"), 2024, cqs03(), Decimal("75"),
                                                       acting_user=who))
        assert error.kind == PlanRefusalKind.FORBIDDEN


@pytest.mark.parametrize(("code", "value", "message"), [
    ("CQS-03", "100.5", "Không ghi chỉ tiêu CQS-03 năm 2024 của Phường Thạc Gián: tỷ lệ phải từ 0 đến 100 (%), "
                        "nhận được 100,5."),
    ("CQS-03", "-1", "Không ghi chỉ tiêu CQS-03 năm 2024 của Phường Thạc Gián: tỷ lệ phải từ 0 đến 100 (%), "
                     "nhận được -1."),
    ("CQS-03", "NaN", "Không ghi chỉ tiêu CQS-03 năm 2024 của Phường Thạc Gián: không phải số hữu hạn."),
    ("CQS-03", "Infinity", "Không ghi chỉ tiêu CQS-03 năm 2024 của Phường Thạc Gián: không phải số hữu hạn."),
    ("XHS-06", "1E+30", "Không ghi chỉ tiêu XHS-06 năm 2024 của Phường Thạc Gián: số lượng phải từ 0 đến "
                        "1.000.000.000.000, nhận được 1E+30."),
    ("XHS-06", "12.5", "Không ghi chỉ tiêu XHS-06 năm 2024 của Phường Thạc Gián: số lượng phải là số nguyên, "
                       "nhận được 12,5."),
])
def test_refused_invalid_values(city_admin, code, value, message):
    error = _refusal(lambda: do_set_target(unit("2024", "20221"), 2024, Indicator.objects.get(code=code),
                                           Decimal(value), acting_user=city_admin))
    assert (error.kind, error.status, error.field, error.message) == (PlanRefusalKind.INVALID, 400, "value", message)


def test_refused_invalid_a_date_outside_the_plans_year(city_admin):
    error = _refusal(lambda: do_set_target(unit("2024", "20221"), 2024, cqs03(), Decimal("75"),
                                           target_date=date(2025, 3, 31), acting_user=city_admin))
    assert (error.kind, error.field) == (PlanRefusalKind.INVALID, "target_date")
    assert error.message == ("Không ghi chỉ tiêu CQS-03 năm 2024 của Phường Thạc Gián: thời hạn 31/03/2025 nằm "
                             "ngoài năm 2024 của kế hoạch. Chọn một ngày trong năm 2024 (mặc định 31/12/2024).")


def test_refused_outside_validity_a_unit_of_an_ended_map(city_admin):
    error = _refusal(lambda: do_set_target(unit("2024", "20221"), 2025, cqs03(), Decimal("75"),
                                           acting_user=city_admin))
    assert error.kind == PlanRefusalKind.OUTSIDE_VALIDITY
    assert error.message == ("Không ghi chỉ tiêu CQS-03 năm 2025 của Phường Thạc Gián: Phường Thạc Gián (phiên bản "
                             "2024) chỉ tồn tại …–31/12/2024, không có vào ngày 31/12/2025. Đặt chỉ tiêu cho đơn vị "
                             "kế thừa trong danh mục mới.")


def test_refused_below_minimum_respecting_the_direction(city_admin):
    do_assign_minimum(unit("2024", "491"), 2024, cqs03(), Decimal("65"), acting_user=city_admin, reason="KH quận")
    error = _refusal(lambda: do_set_target(unit("2024", "20221"), 2024, cqs03(), Decimal("60"),
                                           acting_user=city_admin))
    assert (error.kind, error.status, error.field) == (PlanRefusalKind.BELOW_MINIMUM, 400, "value")
    assert error.message == ("Không ghi chỉ tiêu CQS-03 năm 2024 của Phường Thạc Gián: 60% thấp hơn mức tối thiểu "
                             "65% do Quận Thanh Khê giao. Hãy đặt ít nhất 65%.")
    assert do_set_target(unit("2024", "20221"), 2024, cqs03(), Decimal("65"), acting_user=city_admin).value == 65
    # lower is better: processing days may not exceed the minimum
    days = Indicator.objects.filter(direction="down").first()
    assert days is not None
    do_assign_minimum(unit("2024", "491"), 2024, days, Decimal("5"), acting_user=city_admin)
    error = _refusal(lambda: do_set_target(unit("2024", "20221"), 2024, days, Decimal("7"), acting_user=city_admin))
    assert error.kind == PlanRefusalKind.BELOW_MINIMUM
    assert "7 cao hơn mức tối thiểu 5 do Quận Thanh Khê" in error.message
    assert do_set_target(unit("2024", "20221"), 2024, days, Decimal("3"), acting_user=city_admin).value == 3


def test_the_strictest_minimum_above_counts_and_a_minimum_passed_down_respects_it(city_admin):
    do_assign_minimum(unit("2024", "48"), 2024, cqs03(), Decimal("70"), acting_user=city_admin)
    do_assign_minimum(unit("2024", "491"), 2024, cqs03(), Decimal("72"), acting_user=city_admin)
    floor = minimum_above(unit("2024", "20221"), 2024, cqs03())
    assert floor is not None and (floor.value, floor.assigned_by.code) == (Decimal("72"), "491")
    error = _refusal(lambda: do_assign_minimum(unit("2024", "491"), 2024, cqs03(), Decimal("60"),
                                               acting_user=city_admin, expected_revision=1))
    assert error.kind == PlanRefusalKind.BELOW_MINIMUM
    assert "do Thành phố Đà Nẵng giao" in error.message


def test_refused_no_children(city_admin):
    error = _refusal(lambda: do_assign_minimum(unit("2024", "TDP-TG-01"), 2024, cqs03(), Decimal("60"),
                                               acting_user=city_admin))
    assert (error.kind, error.message) == (
        PlanRefusalKind.NO_CHILDREN, "Tổ dân phố 1 (Thạc Gián) không có đơn vị trực thuộc để giao mức tối thiểu.")


def test_refused_conflict_names_the_other_change(city_admin):
    other = _user("t_other_admin", "admin", unit("2024", "48"), first_name="Lê", last_name="Văn B")
    ward = unit("2024", "20221")
    do_set_target(ward, 2024, cqs03(), Decimal("80"), acting_user=city_admin)
    do_set_target(ward, 2024, cqs03(), Decimal("82"), acting_user=other, expected_revision=1)
    error = _refusal(lambda: do_set_target(ward, 2024, cqs03(), Decimal("90"), acting_user=city_admin,
                                           expected_revision=1))
    assert (error.kind, error.status) == (PlanRefusalKind.CONFLICT, 409)
    assert "người khác đã sửa sau khi bạn xem (lần sửa 1, nay là 2)" in error.message
    assert "Lê Văn B đã đổi lúc" in error.message and "(80% → 82%)" in error.message
    assert Target.objects.get(plan__unit=ward, indicator=cqs03()).value == 82


def test_a_minimum_is_stored_in_the_parents_plan_with_its_scope(city_admin):
    target = do_assign_minimum(unit("2024", "491"), 2024, cqs03(), Decimal("65"), acting_user=city_admin)
    assert (target.plan.unit.code, target.scope, target.history.get().value) == (
        "491", TargetScope.CHILDREN_MINIMUM, Decimal("65"))
