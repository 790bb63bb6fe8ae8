"""Entries follow the 2025 reorganisation: Thạc Gián + Vĩnh Trung → Thạc Gián (1/1/2025), then five wards →
phường Thanh Khê (1/7/2025). ``do_carry_entries`` moves them version by version and writes the successors' counts."""

from __future__ import annotations

from datetime import date

import pytest

from chiso.registers.actions import RegisterError, RegisterRefusal, do_add_entry, do_carry_entries
from chiso.registers.models import Entry, EntryEvent
from chiso.units.models import HierarchyVersion, Succession, SuccessionKind
from tests.conftest import unit
from tests.registers.helpers import mismatches, stored

pytestmark = pytest.mark.django_db


def _markets() -> list[Entry]:
    """Three markets of 2024, added by the system (the demo's way: the small world's 2024 reports are approved)."""
    return [do_add_entry("cho", unit("2024", code), name, {"cashless": cashless}, acting_user=None,
                         effective_on=date(2024, 6, 1))
            for code, name, cashless in (("20221", "Chợ Thạc Gián", True), ("20218", "Chợ Vĩnh Trung", False),
                                         ("20212", "Chợ Tân Chính", True))]


def test_entries_follow_the_2025_merges_and_feed_the_successors():
    thac_gian, vinh_trung, tan_chinh = _markets()
    assert [stored("KTS-11.MS", unit("2024", c), "2024-12") for c in ("20221", "20218", "20212")] == [1, 1, 1]

    first = do_carry_entries(HierarchyVersion.objects.get(name="2025-01"), acting_user=None)
    assert sorted((e.name, a.code, b.code, b.version.name) for e, a, b in first.moved) == [
        ("Chợ Thạc Gián", "20221", "20218", "2025-01"), ("Chợ Tân Chính", "20212", "20215", "2025-01"),
        ("Chợ Vĩnh Trung", "20218", "20218", "2025-01")]
    merged = unit("2025-01", "20218")  # phường Thạc Gián of 2025 (it took Vĩnh Trung's code)
    assert [stored(c, merged, m) for c in ("KTS-11.MS", "KTS-11.TS") for m in ("2025-01", "2025-06")] == [2, 2, 1, 1]
    assert stored("KTS-11.MS", merged, "2025-07") is None  # the version ended on 30/6/2025

    second = do_carry_entries(HierarchyVersion.objects.get(name="2025-07"), acting_user=None)
    assert len(second.moved) == 3 and second.waiting == []
    today = unit("2025-07", "20209")
    assert [stored(c, today, "2025-07") for c in ("KTS-11.MS", "KTS-11.TS")] == [3, 2]
    assert set(Entry.objects.values_list("unit_id", flat=True)) == {today.pk}
    # the past stays where it was: 2024's figures on 2024's wards
    assert [stored("KTS-11.MS", unit("2024", c), "2024-12") for c in ("20221", "20218", "20212")] == [1, 1, 1]
    moves = EntryEvent.objects.filter(entry=thac_gian, action="move").order_by("revision")
    assert [(e.effective_on, e.changes[0]["old"], e.changes[0]["new"]) for e in moves] == [
        (date(2025, 1, 1), "Phường Thạc Gián (20221, 2024)", "Phường Thạc Gián (20218, 2025-01)"),
        (date(2025, 7, 1), "Phường Thạc Gián (20218, 2025-01)", "Phường Thanh Khê (20209, 2025-07)")]
    assert mismatches(date(2024, 6, 1)) == []
    assert do_carry_entries(HierarchyVersion.objects.get(name="2025-07"), acting_user=None).moved == []  # idempotent


def test_a_split_unit_waits_for_an_officer_and_only_admins_carry(officer_thac_gian, city_admin):
    market = do_add_entry("cho", unit("2024", "20221"), "Chợ Thạc Gián", {"cashless": True}, acting_user=None,
                          effective_on=date(2024, 6, 1))
    with pytest.raises(RegisterError) as refused:
        do_carry_entries(HierarchyVersion.objects.get(name="2025-01"), acting_user=officer_thac_gian)
    assert refused.value.kind == RegisterRefusal.FORBIDDEN
    Succession.objects.create(from_unit=unit("2024", "20221"), to_unit=unit("2025-01", "20215"),
                              kind=SuccessionKind.SPLIT_PART, effective_date=date(2025, 1, 1))  # a made-up split
    result = do_carry_entries(HierarchyVersion.objects.get(name="2025-01"), acting_user=city_admin)
    assert result.moved == []
    assert [(e.pk, sorted(u.code for u in candidates)) for e, candidates in result.waiting] == [
        (market.pk, ["20215", "20218"])]
    assert Entry.objects.get(pk=market.pk).unit == unit("2024", "20221")


def test_the_command_carries_as_a_named_administrator(tmp_path):
    from django.core.management import CommandError, call_command

    from tests.conftest import _user

    market = do_add_entry("cho", unit("2024", "20221"), "Chợ Thạc Gián", {"cashless": True}, acting_user=None,
                          effective_on=date(2024, 6, 1))
    _user("t_superuser", is_superuser=True)
    out = tmp_path / "out.txt"
    with out.open("w") as stream:
        call_command("registers", "carry", "--version", "2025-01", "--user", "t_superuser", stdout=stream)
    assert out.read_text() == "Đã chuyển 1 mục sang đơn vị kế thừa.\n"
    moved = EntryEvent.objects.get(entry=market, action="move")
    assert (moved.channel, moved.changed_by.username, moved.unit) == ("cli", "t_superuser", unit("2025-01", "20218"))
    with pytest.raises(CommandError) as unknown:
        call_command("registers", "carry", "--version", "2030", "--user", "t_superuser")
    assert str(unknown.value) == "Không có phiên bản danh mục '2030'."
