"""What the register tests assert: the figures a register feeds, as stored, against the counts it says."""

from __future__ import annotations

from datetime import date

from django.db.models import Min

from chiso.registers.counts import counts, months_from
from chiso.registers.kinds import KINDS
from chiso.registers.models import EntryEvent
from chiso.units.models import Unit
from chiso.values.models import DataValue


def stored(code: str, unit: Unit, period: str) -> int | None:
    value = DataValue.objects.filter(data_element__code=code, unit=unit, period=period, is_deleted=False).first()
    return None if value is None else int(value.value)


def mismatches(since: date) -> list[tuple[str, str, str, int, int | None]]:
    """Every (element, unit, month) some register feeds (from ``since`` and its first event there on) where the stored
    figure is not the count."""
    wrong = []
    pairs = EntryEvent.objects.values("unit_id", "entry__kind").annotate(first=Min("effective_on")).order_by()
    for pair in pairs:
        unit = Unit.objects.select_related("version").get(pk=pair["unit_id"])
        kind = KINDS[pair["entry__kind"]]
        first = max(since, pair["first"])
        for count in counts(unit, kind, months_from(unit, first)):
            found = stored(count.element, unit, str(count.period))
            if found != count.value:
                wrong.append((count.element, unit.code, str(count.period), count.value, found))
    return wrong
