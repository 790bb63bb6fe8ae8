"""What the register tests assert: the figures a register feeds, as stored, against the counts it says."""

from __future__ import annotations

from datetime import date

from chiso.registers.counts import counts, months_from
from chiso.registers.kinds import KINDS
from chiso.registers.models import EntryEvent
from chiso.units.models import Unit
from chiso.values.models import DataValue


def stored(code: str, unit: Unit, period: str) -> int | None:
    value = DataValue.objects.filter(data_element__code=code, unit=unit, period=period, is_deleted=False).first()
    return None if value is None else int(value.value)


def mismatches(since: date) -> list[tuple[str, str, str, int, int | None]]:
    """Every (element, unit, month) some register feeds from ``since`` on, where the stored figure is not the count."""
    wrong = []
    pairs = set(EntryEvent.objects.values_list("unit_id", "entry__kind").distinct())
    for unit_id, kind_code in pairs:
        unit = Unit.objects.select_related("version").get(pk=unit_id)
        kind = KINDS[kind_code]
        first = max(since, unit.effective_from() or since)
        for count in counts(unit, kind, months_from(unit, first)):
            found = stored(count.element, unit, str(count.period))
            if found != count.value:
                wrong.append((count.element, unit.code, str(count.period), count.value, found))
    return wrong
