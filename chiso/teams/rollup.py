"""What the register and the approved logs put into the catalogue, written through ``do_set_values``.

* ``write_month``: for one ward and month, the sum of the approved logs of the month, per activity element, for
  each thôn/tổ dân phố with a team and for the ward. Always the whole month recomputed from the approved logs
  (never a delta added to what is stored), so an approval, a rejection or a correction leaves the month equal
  to the sum of its approved logs. An element is written where a log counts it or where a figure of the month
  already comes from the logs (so it can fall back to 0); a figure from another source with no log behind it is
  left alone.
* ``write_register_counts``: for one ward and month end, the number of active teams, their members, and the
  thôn/tổ dân phố with a team (``XHS-13.TS``), counted from the register.

Both run inside the calling action's transaction; a refusal (say, the ward's report of that month is already
approved) undoes the whole action and reaches the user as the figure action's own message.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from chiso.engine.periods import Period
from chiso.indicators.models import DataElement
from chiso.teams.activities import element_codes
from chiso.teams.queries import TEAM_UNIT_TYPES, active_on, members_on, month_sums, placements_under
from chiso.units.models import Unit
from chiso.values.actions import ValueEntry, WriteResult, do_set_values
from chiso.values.models import Channel, DataValue

LOG_SOURCE = "Nhật ký Tổ CNSCĐ"
REGISTER_SOURCE = "Sổ Tổ CNSCĐ"
TEAMS_ELEMENT, MEMBERS_ELEMENT, COVERED_ELEMENT = "XHS-TCN-TO", "XHS-TCN-TV", "XHS-13.TS"
ILLUSTRATIVE = "Số liệu minh họa (tổ, nhật ký của bản trình diễn) — "  # every illustrative figure's source says so


def log_source(period: Period, *, illustrative: bool = False) -> str:
    """'Nhật ký Tổ CNSCĐ, tháng 12/2025' (after the illustrative label when a demo log is among those summed)."""
    return f"{ILLUSTRATIVE if illustrative else ''}{LOG_SOURCE}, tháng {period.month:02d}/{period.year}"


def _ours(units: Iterable[Unit], period: Period, prefix: str) -> set[tuple[int, str]]:
    """(unit id, element code) of the figures of ``period`` this app wrote before."""
    return set(DataValue.objects.filter(unit__in=list(units), period=str(period), is_deleted=False,
                                        source__contains=prefix)
               .values_list("unit_id", "data_element__code"))


def write_month(ward: Unit, period: Period, *, acting_user: AbstractBaseUser | AnonymousUser | None,
                reason: str) -> WriteResult:
    """Make the month's figures of ``ward`` and its teams' units equal to the sum of the approved logs."""
    sums = month_sums(ward, period)
    units = {u.id: u for u in Unit.objects.filter(id__in=[p.unit_id for p in placements_under(ward)])
             .select_related("version")}
    units[ward.id] = ward
    wanted: dict[tuple[int, str], int] = {}
    for unit_id, counts in sums.by_unit.items():
        wanted |= {(unit_id, code): total for code, total in counts.items()}
    wanted |= {(ward.id, code): total for code, total in sums.ward.items()}
    for key in _ours(units.values(), period, LOG_SOURCE):
        wanted.setdefault(key, 0)
    elements = {e.code: e for e in DataElement.objects.filter(code__in=element_codes())}
    comment = f"{sums.logs} nhật ký đã duyệt của {sums.teams} tổ." if sums.logs else "Chưa có nhật ký nào được duyệt."
    entries = [ValueEntry(data_element=elements[code], unit=units[unit_id], period=period, value=Decimal(total),
                          source=log_source(period, illustrative=sums.illustrative), comment=comment,
                          is_illustrative=sums.illustrative)
               for (unit_id, code), total in sorted(wanted.items(), key=lambda kv: (kv[0][0], kv[0][1]))
               if code in elements]
    return do_set_values(entries, acting_user=acting_user, channel=Channel.TEAMS, reason=reason)


def write_register_counts(ward: Unit, period: Period, *, acting_user: AbstractBaseUser | AnonymousUser | None,
                          reason: str) -> WriteResult:
    """Teams, members and thôn/TDP with a team of ``ward`` at the end of ``period``, from the register."""
    end = period.bounds[1]
    placements = list(placements_under(ward).select_related("team", "unit", "unit__version"))
    per_unit: dict[int, tuple[int, int]] = {}
    units: dict[int, Unit] = {ward.id: ward}
    illustrative = False
    for placement in placements:
        team = placement.team
        if not active_on(team, end):
            continue
        teams, members = per_unit.get(placement.unit_id, (0, 0))
        per_unit[placement.unit_id] = (teams + 1, members + members_on(team, end).count())
        units[placement.unit_id] = placement.unit
        illustrative |= team.is_illustrative
    covered = sum(1 for unit_id in per_unit if units[unit_id].type in TEAM_UNIT_TYPES)
    wanted: dict[tuple[int, str], int] = {(ward.id, TEAMS_ELEMENT): sum(t for t, _ in per_unit.values()),
                                          (ward.id, MEMBERS_ELEMENT): sum(m for _, m in per_unit.values()),
                                          (ward.id, COVERED_ELEMENT): covered}
    for unit_id, (teams, members) in per_unit.items():
        wanted |= {(unit_id, TEAMS_ELEMENT): teams, (unit_id, MEMBERS_ELEMENT): members}
    for unit_id, code in _ours([u for u in _units_of(placements, units)], period, REGISTER_SOURCE):
        wanted.setdefault((unit_id, code), 0)
        units.setdefault(unit_id, Unit.objects.select_related("version").get(id=unit_id))
    elements = {e.code: e for e in DataElement.objects.filter(code__in=[TEAMS_ELEMENT, MEMBERS_ELEMENT,
                                                                        COVERED_ELEMENT])}
    source = f"{ILLUSTRATIVE if illustrative else ''}{REGISTER_SOURCE}, cuối tháng {period.month:02d}/{period.year}"
    entries = [ValueEntry(data_element=elements[code], unit=units[unit_id], period=period, value=Decimal(n),
                          source=source, comment="Đếm tự động từ sổ Tổ công nghệ số cộng đồng.",
                          is_illustrative=illustrative)
               for (unit_id, code), n in sorted(wanted.items())]
    return do_set_values(entries, acting_user=acting_user, channel=Channel.TEAMS, reason=reason)


def _units_of(placements: list, units: dict[int, Unit]) -> list[Unit]:
    found = {p.unit_id: p.unit for p in placements}
    return list((found | units).values())
