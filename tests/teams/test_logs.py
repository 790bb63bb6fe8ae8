"""Activity logs: sent once, reviewed by the ward's officer, summed per month into the catalogue."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from chiso.teams.actions import TeamError, do_correct_log, do_review_log, do_submit_log
from chiso.teams.models import ActivityLog, LogEvent, LogStatus
from chiso.values.models import DataValue
from tests.conftest import unit
from tests.teams.support import MONTH_DAY, make_leader, make_team

pytestmark = pytest.mark.django_db


def figure(code: str, version: str, unit_code: str, period: str = "2026-03") -> Decimal | None:
    found = DataValue.objects.filter(data_element__code=code, unit__version__name=version, unit__code=unit_code,
                                     period=period, is_deleted=False).first()
    return found.value if found else None


def submit(team, leader, counts, day=MONTH_DAY, client_id=None):
    return do_submit_log(team, client_id=client_id or uuid.uuid4(), day=day, activities=counts, note="Tại nhà văn hóa",
                         acting_user=leader)


def test_the_same_client_id_twice_makes_one_log(team, leader):
    client_id = uuid.uuid4()
    first, created = submit(team, leader, {"XHS-14": 12}, client_id=client_id)
    again, created_again = submit(team, leader, {"XHS-14": 12}, client_id=client_id)
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert ActivityLog.objects.filter(client_id=client_id).count() == 1
    assert LogEvent.objects.filter(log=first).count() == 1


def test_a_near_duplicate_is_kept_and_flagged(team, leader):
    first, _ = submit(team, leader, {"XHS-14": 12, "XHS-TCN-VNEID": 3})
    second, _ = submit(team, leader, {"XHS-TCN-VNEID": 3, "XHS-14": 12})
    other_day, _ = submit(team, leader, {"XHS-14": 12, "XHS-TCN-VNEID": 3}, day=date(2026, 3, 13))
    assert (second.possible_duplicate_of_id, first.possible_duplicate_of_id, other_day.possible_duplicate_of_id) == (
        first.pk, None, None)


@pytest.mark.parametrize(("counts", "field"), [
    ({"XHS-99": 1}, "activities.XHS-99"),
    ({"XHS-14": -1}, "activities.XHS-14"),
    ({"XHS-14": 5001}, "activities.XHS-14"),
    ({"XHS-14": 1.5}, "activities.XHS-14"),
    ({"XHS-14": True}, "activities.XHS-14"),
    ({"XHS-14": 0}, "activities"),
    ({}, "activities"),
])
def test_bad_counts_are_refused_and_nothing_is_kept(team, leader, counts, field):
    with pytest.raises(TeamError) as refused:
        submit(team, leader, counts)
    assert refused.value.field == field
    assert ActivityLog.objects.filter(team=team).count() == 0


def test_a_note_with_a_phone_or_id_number_is_refused(team, leader):
    with pytest.raises(TeamError, match="CCCD"):
        do_submit_log(team, client_id=uuid.uuid4(), day=MONTH_DAY, activities={"XHS-14": 1},
                      note="Bà Lan, CCCD 048 123 456 789", acting_user=leader)


def test_a_future_day_or_a_day_before_the_team_is_refused(team, leader):
    for day in (date(2099, 1, 1), date(2021, 1, 1)):
        with pytest.raises(TeamError) as refused:
            submit(team, leader, {"XHS-14": 1}, day=day)
        assert refused.value.field == "date"


def test_a_leader_logs_only_for_their_own_team(team, leader, officer_thanh_khe):
    other = make_team(officer_thanh_khe, "TDP-TG-02")
    with pytest.raises(TeamError) as refused:
        submit(other, leader, {"XHS-14": 1})
    assert refused.value.status == 403
    assert ActivityLog.objects.filter(team=other).count() == 0


def test_an_officer_reviews_only_their_own_ward(team, leader, officer_elsewhere, officer_thac_gian):
    log, _ = submit(team, leader, {"XHS-14": 5})
    for outsider in (officer_elsewhere, officer_thac_gian):  # another ward today; the team's ward of 2024
        with pytest.raises(TeamError) as refused:
            do_review_log(log, decision="approved", acting_user=outsider)
        assert refused.value.status == 403
    with pytest.raises(TeamError):
        do_review_log(log, decision="approved", acting_user=leader)  # the leader does not approve their own log
    log.refresh_from_db()
    assert log.status == LogStatus.SUBMITTED


def test_review_states_and_their_history(team, leader, officer_thanh_khe):
    log, _ = submit(team, leader, {"XHS-14": 5})
    with pytest.raises(TeamError) as refused:
        do_review_log(log, decision="issues", comment="", acting_user=officer_thanh_khe)
    assert refused.value.field == "comment"
    do_review_log(log, decision="issues", comment="Thiếu số buổi học", acting_user=officer_thanh_khe)
    do_correct_log(log, day=MONTH_DAY, activities={"XHS-14": 5, "XHS-TCN-HVS": 1}, acting_user=leader)
    log.refresh_from_db()
    assert log.status == LogStatus.SUBMITTED
    do_review_log(log, decision="rejected", comment="Trùng với nhật ký hôm trước", acting_user=officer_thanh_khe)
    do_review_log(log, decision="approved", acting_user=officer_thanh_khe)
    moves = list(LogEvent.objects.filter(log=log).values_list("action", "from_status", "to_status"))
    assert moves == [("submit", "", "submitted"), ("review", "submitted", "issues"), ("correct", "issues", "submitted"),
                     ("review", "submitted", "rejected"), ("review", "rejected", "approved")]
    with pytest.raises(TeamError) as refused:
        do_correct_log(log, day=MONTH_DAY, activities={"XHS-14": 50}, acting_user=leader)
    assert refused.value.status == 409


def test_the_month_is_the_sum_of_its_approved_logs_and_follows_a_correction(team, leader, officer_thanh_khe):
    other = make_team(officer_thanh_khe, "TDP-TG-02")
    other_leader = make_leader(other, officer_thanh_khe, "t_leader_2")
    a, _ = submit(team, leader, {"XHS-14": 12, "XHS-TCN-VNEID": 3})
    b, _ = submit(team, leader, {"XHS-14": 7}, day=date(2026, 3, 20))
    c, _ = submit(other, other_leader, {"XHS-14": 4, "XHS-TCN-CKS": 2})
    rejected, _ = submit(other, other_leader, {"XHS-14": 100}, day=date(2026, 3, 21))
    waiting, _ = submit(team, leader, {"XHS-14": 1000}, day=date(2026, 3, 22))
    for log in (a, b, c):
        do_review_log(log, decision="approved", acting_user=officer_thanh_khe)
    do_review_log(rejected, decision="rejected", comment="Số không đúng", acting_user=officer_thanh_khe)
    assert figure("XHS-14", "2025-07", "20209") == 23
    assert figure("XHS-14", "2025-07", "TDP-TG-01") == 19
    assert figure("XHS-14", "2025-07", "TDP-TG-02") == 4
    assert figure("XHS-TCN-VNEID", "2025-07", "20209") == 3
    assert figure("XHS-TCN-CKS", "2025-07", "20209") == 2
    value = DataValue.objects.get(data_element__code="XHS-14", unit=unit("2025-07", "20209"), period="2026-03")
    assert (value.source, value.updated_by) == ("Nhật ký Tổ CNSCĐ, tháng 03/2026", officer_thanh_khe)

    # The officer corrects an approved log: the month is recomputed, not patched.
    do_correct_log(a, day=MONTH_DAY, activities={"XHS-14": 2}, acting_user=officer_thanh_khe)
    assert (figure("XHS-14", "2025-07", "20209"), figure("XHS-TCN-VNEID", "2025-07", "20209")) == (13, 0)
    # Moved to February: both months follow.
    do_correct_log(b, day=date(2026, 2, 27), activities={"XHS-14": 7}, acting_user=officer_thanh_khe)
    assert (figure("XHS-14", "2025-07", "20209"), figure("XHS-14", "2025-07", "20209", "2026-02")) == (6, 7)
    # Un-approving takes it out again.
    do_review_log(c, decision="issues", comment="Kiểm tra lại", acting_user=officer_thanh_khe)
    assert (figure("XHS-14", "2025-07", "20209"), figure("XHS-TCN-CKS", "2025-07", "20209")) == (2, 0)
    assert waiting.status == LogStatus.SUBMITTED


def test_a_log_of_2024_is_reviewed_by_that_year_s_ward_and_a_closed_report_refuses_it(team, leader,
                                                                                       officer_thanh_khe,
                                                                                       officer_thac_gian):
    log, _ = submit(team, leader, {"XHS-14": 5}, day=date(2024, 11, 5))  # 11/2024: Thạc Gián's report is approved
    with pytest.raises(TeamError) as refused:
        do_review_log(log, decision="approved", acting_user=officer_thanh_khe)
    assert refused.value.status == 403  # the team sat on Thạc Gián's tổ dân phố then
    with pytest.raises(TeamError) as refused:
        do_review_log(log, decision="approved", acting_user=officer_thac_gian)
    assert refused.value.status == 409 and "11/2024" in refused.value.message
    log.refresh_from_db()
    assert log.status == LogStatus.SUBMITTED
