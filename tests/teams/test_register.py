"""The register: teams through the map's changes, members and their personal data, counts from the register."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from chiso.engine.periods import Period
from chiso.teams.actions import (
    TeamError,
    do_add_member,
    do_erase_due_members,
    do_follow_reorganisation,
    do_found_team,
    do_record_leaving,
    do_recount_teams,
    do_set_retention,
    do_set_team_state,
)
from chiso.teams.models import Team, TeamChange, TeamMember, TeamState
from chiso.units.loaders import UnitSpec, refresh_paths, upsert_units
from chiso.units.models import Succession, SuccessionKind
from chiso.units.types import UnitType
from chiso.values.models import DataValue
from tests.conftest import unit
from tests.teams.support import make_leader, make_team

pytestmark = pytest.mark.django_db


def test_a_team_founded_in_2022_sits_on_each_map_s_unit(officer_thanh_khe):
    team = make_team(officer_thanh_khe)
    homes = [(p.unit.version.name, p.unit.code, p.unit.parent.code, p.since) for p in team.placements.all()]
    assert homes == [("2024", "TDP-TG-01", "20221", date(2022, 6, 1)),
                     ("2025-01", "TDP-TG-01", "20218", date(2025, 1, 1)),
                     ("2025-07", "TDP-TG-01", "20209", date(2025, 7, 1))]
    assert (team.code, team.unit.version.name, team.state) == ("TCN-TDP-TG-01", "2025-07", TeamState.ACTIVE)


def test_one_team_per_unit_and_only_on_a_thon_or_tdp(officer_thanh_khe, officer_thac_gian):
    make_team(officer_thanh_khe)
    with pytest.raises(TeamError) as refused:
        make_team(officer_thanh_khe)
    assert refused.value.status == 409
    with pytest.raises(TeamError) as refused:
        do_found_team(unit("2025-07", "20209"), name="Tổ", decision_number="1", decision_date=date(2025, 8, 1),
                      decision_signer="Chủ tịch", founded_on=date(2025, 8, 1), acting_user=officer_thanh_khe)
    assert refused.value.field == "unit"
    with pytest.raises(TeamError) as refused:  # the 2024 officer does not manage today's tổ dân phố
        make_team(officer_thac_gian, "TDP-TG-02")
    assert refused.value.status == 403


def _merge_two_groups_in_a_new_version():  # type: ignore[no-untyped-def]
    """A made-up later map where TDP-TG-01 and TDP-TG-02 merge into one tổ dân phố and TDP-TG-03 is gone."""
    from chiso.units.models import HierarchyVersion

    current = HierarchyVersion.objects.get(name="2025-07")
    current.valid_to = date(2026, 6, 30)
    current.save()
    later = HierarchyVersion.objects.create(name="2026-07", label="Thử: từ 1/7/2026", valid_from=date(2026, 7, 1))
    ward = unit("2025-07", "20209")
    upsert_units([UnitSpec("2026-07", "48", "Thành phố Đà Nẵng", UnitType.CITY, "", None, None, ""),
                  UnitSpec("2026-07", "20209", ward.name, UnitType.WARD, "48", None, None, ""),
                  UnitSpec("2026-07", "TDP-MOI", "Tổ dân phố mới", UnitType.RESIDENTIAL_GROUP, "20209", None, None,
                           "")], {"2026-07": later.id})
    refresh_paths()
    new = unit("2026-07", "TDP-MOI")
    for code, share in (("TDP-TG-01", Decimal("1")), ("TDP-TG-02", Decimal("1"))):
        Succession.objects.create(from_unit=unit("2025-07", code), to_unit=new, kind=SuccessionKind.MERGE,
                                  effective_date=date(2026, 7, 1), population_share=share)


def test_the_teams_follow_a_merger_of_their_units(officer_thanh_khe, city_admin):
    first = make_team(officer_thanh_khe, "TDP-TG-01")
    second = make_team(officer_thanh_khe, "TDP-TG-02")
    third = make_team(officer_thanh_khe, "TDP-TG-03")
    _merge_two_groups_in_a_new_version()
    city_admin.is_superuser = True
    done = do_follow_reorganisation(acting_user=city_admin)
    assert [(c.team.code, c.outcome) for c in done] == [("TCN-TDP-TG-01", "moved"), ("TCN-TDP-TG-02", "merged"),
                                                        ("TCN-TDP-TG-03", "dissolved")]
    first.refresh_from_db(), second.refresh_from_db(), third.refresh_from_db()
    assert (first.unit.code, first.state) == ("TDP-MOI", TeamState.ACTIVE)
    assert (second.state, second.merged_into_id, second.state_since) == (TeamState.MERGED, first.id, date(2026, 7, 1))
    assert (third.state, third.state_since) == (TeamState.DISSOLVED, date(2026, 7, 1))


def test_a_team_merged_by_decision(officer_thanh_khe, officer_elsewhere):
    first = make_team(officer_thanh_khe, "TDP-TG-01")
    second = make_team(officer_thanh_khe, "TDP-TG-02")
    with pytest.raises(TeamError):
        do_set_team_state(second, "merged", on=date(2025, 9, 1), note="QĐ 5", merged_into=first,
                          acting_user=officer_elsewhere)
    do_set_team_state(second, "merged", on=date(2025, 9, 1), note="QĐ 5/QĐ-UBND: hợp nhất với tổ Đề án 06",
                      merged_into=first, acting_user=officer_thanh_khe)
    second.refresh_from_db()
    assert (second.state, second.merged_into_id) == (TeamState.MERGED, first.id)
    assert TeamChange.objects.filter(team=second, action="merged").count() == 1


def test_a_member_s_data_is_erased_after_the_ward_s_retention_period(officer_thanh_khe, officer_elsewhere):
    team = make_team(officer_thanh_khe)
    leader = make_leader(team, officer_thanh_khe)
    member = TeamMember.objects.get(team=team)
    ward = unit("2025-07", "20209")
    with pytest.raises(TeamError):
        do_set_retention(ward, 30, acting_user=officer_elsewhere)
    do_set_retention(ward, 30, acting_user=officer_thanh_khe)
    today = timezone.localdate()
    do_record_leaving(member, left_on=today - timedelta(days=10), acting_user=officer_thanh_khe)
    row = TeamMember.objects.filter(id=member.id).values("name", "phone", "user_id", "erased_at").get()
    assert (row["name"], row["phone"], row["user_id"], row["erased_at"]) == ("Nguyễn Văn An", "0905123456",
                                                                             leader.id, None)
    assert do_erase_due_members(today=today + timedelta(days=19)) == 0
    assert do_erase_due_members(today=today + timedelta(days=20)) == 1
    row = TeamMember.objects.filter(id=member.id).values("name", "phone", "user_id", "role", "erased_at").get()
    assert (row["name"], row["phone"], row["user_id"], row["role"]) == (None, None, None, "leader")
    assert row["erased_at"] is not None
    history = " ".join(TeamChange.objects.filter(team=team).values_list("detail", flat=True))
    assert "Nguyễn Văn An" not in history and "0905123456" not in history


def test_with_no_retention_a_member_is_erased_on_leaving(officer_thanh_khe):
    team = make_team(officer_thanh_khe)
    make_leader(team, officer_thanh_khe)
    do_set_retention(unit("2025-07", "20209"), 0, acting_user=officer_thanh_khe)
    member = TeamMember.objects.get(team=team)
    do_record_leaving(member, left_on=timezone.localdate(), acting_user=officer_thanh_khe)
    assert TeamMember.objects.filter(id=member.id, name__isnull=True, phone__isnull=True).count() == 1


@pytest.mark.parametrize(("name", "phone", "field"), [("Lan 048123456789", "", "name"), ("Lan", "12345", "phone"),
                                                      ("", "", "name")])
def test_no_id_number_in_a_name_and_a_phone_must_be_one(officer_thanh_khe, name, phone, field):
    team = make_team(officer_thanh_khe)
    with pytest.raises(TeamError) as refused:
        do_add_member(team, name=name, role="volunteer", phone=phone, joined_on=date(2023, 1, 1),
                      acting_user=officer_thanh_khe)
    assert refused.value.field == field
    assert TeamMember.objects.count() == 0


def test_counts_of_teams_members_and_covered_groups_come_from_the_register(officer_thanh_khe):
    first = make_team(officer_thanh_khe, "TDP-TG-01")
    make_team(officer_thanh_khe, "TDP-TG-02")
    make_leader(first, officer_thanh_khe)
    for n in range(6):
        do_add_member(first, name=f"Thành viên {'ABCDEF'[n]}", role="volunteer", joined_on=date(2023, 1, 1),
                      acting_user=officer_thanh_khe)
    later = do_add_member(first, name="Người mới", role="volunteer", joined_on=date(2026, 4, 2),
                          acting_user=officer_thanh_khe)
    assert later.joined_on == date(2026, 4, 2)
    changed = do_recount_teams(unit("2025-07", "20209"), Period.parse("2026-03"), acting_user=officer_thanh_khe)
    found = dict(DataValue.objects.filter(unit__version__name="2025-07", unit__code="20209", period="2026-03",
                                          data_element__code__in=["XHS-TCN-TO", "XHS-TCN-TV", "XHS-13.TS"])
                 .values_list("data_element__code", "value"))
    assert (changed, found) == (7, {"XHS-TCN-TO": 2, "XHS-TCN-TV": 7, "XHS-13.TS": 2})
    per_group = DataValue.objects.get(unit=first.unit, period="2026-03", data_element__code="XHS-TCN-TV")
    assert per_group.value == 7


def test_the_demo_teams(db):
    from chiso.demo.teams import add_teams

    made = add_teams()
    assert made == {"teams": 6, "team_members": 42, "team_logs": 36}
    assert Team.objects.filter(is_illustrative=True, unit__version__name="2025-07").count() == 6
    assert TeamMember.objects.filter(user__username="totruong", team__code="TCN-TDP-TG-01").count() == 1
    from chiso.teams.models import ActivityCount

    approved = sum(ActivityCount.objects.filter(log__status="approved", data_element__code="XHS-14")
                   .values_list("count", flat=True))
    ward = DataValue.objects.get(unit=unit("2025-07", "20209"), period="2025-12", data_element__code="XHS-14")
    assert (ward.value, ward.is_illustrative, ward.source) == (approved, True,
                                                                 "Số liệu minh họa (tổ, nhật ký của bản trình diễn) — "
                                                                 "Nhật ký Tổ CNSCĐ, tháng 12/2025")
