"""The figures a register feeds: its counts, per unit and month, written through ``values.actions.do_set_values``.

Which period a register change is written for: the **month it takes effect** and every later month up to the
current month (or the last month the unit is valid, when its map version has ended). The fed elements are stocks
(markets, schools, products at a date): a month's figure is the count at the month's end, so a year reads its
December, and a change effective on 15/10 is in October's figure and after. Each entry's state at a month's end
is read from its events (``EntryEvent``: the latest with ``effective_on`` on or before that day), so a later
change of another entry never leaks into an earlier month, and an entry that moved to another unit counts there
from the day it moved.

The figures are written as the acting user (the same permission and closed-report rules as any figure: a change
that would alter an approved month is refused until that report is reopened) with ``Channel.REGISTER`` and a
source naming the register; a count that includes an illustrative entry is marked illustrative.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone

from chiso.engine.periods import Period, periods_between
from chiso.indicators.models import DataElement
from chiso.registers.kinds import FEEDERS, KINDS, Kind, Value, sharing
from chiso.registers.models import EntryEvent
from chiso.units.models import Unit
from chiso.values.actions import ValueEntry, WriteResult, do_set_values
from chiso.values.models import Channel

User = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class MonthCount:
    element: str
    period: Period
    value: int
    entries: int  # entries of the kind on the unit at the month's end
    illustrative: bool
    also: tuple[tuple[Kind, int], ...] = ()  # the other registers summed into an element they share: (kind, entries)


def months_from(unit: Unit, day: date, today: date | None = None) -> list[Period]:
    """The months a change effective on ``day`` is written for on ``unit``: its month through the current month,
    or through the unit's last month when its version has ended.

    The current month comes from ``timezone.localdate`` (Asia/Ho_Chi_Minh)."""
    today = today or timezone.localdate()
    end = unit.effective_to()
    last = min(today, end) if end is not None else today
    if day > last:
        return []
    return periods_between(Period.of_month(day.year, day.month), Period.of_month(last.year, last.month))


def _timelines(unit: Unit, kind: Kind) -> dict[int, list[EntryEvent]]:
    """The events of every entry of ``kind`` that ever sat on ``unit``, in revision order, by entry."""
    ever = EntryEvent.objects.filter(unit=unit, entry__kind=kind.code).values("entry_id")
    timelines: dict[int, list[EntryEvent]] = defaultdict(list)
    for event in (EntryEvent.objects.filter(entry_id__in=ever).select_related("entry")
                  .only("entry_id", "entry__is_illustrative", "revision", "effective_on", "unit_id", "active",
                        "attributes").order_by("entry_id", "revision")):
        timelines[event.entry_id].append(event)
    return timelines


def _state(events: list[EntryEvent], day: date) -> EntryEvent | None:
    """The entry as it was at the end of ``day`` (its latest event effective by then), or None before it existed.
    Effective dates never go back (``registers.actions``), so the latest revision by then is the state."""
    found = None
    for event in events:
        if event.effective_on <= day:
            found = event
    return found


@dataclass
class _Present:
    attributes: list[dict[str, Value]]
    illustrative: bool
    kept: bool  # the unit keeps this register by then: an entry of it was on the unit at some day up to then


def _present(timelines: dict[int, list[EntryEvent]], unit: Unit, day: date) -> _Present:
    present = _Present([], False, False)
    for events in timelines.values():
        present.kept = present.kept or any(e.unit_id == unit.pk and e.effective_on <= day for e in events)
        state = _state(events, day)
        if state is not None and state.active and state.unit_id == unit.pk:
            present.attributes.append(state.attributes)
            present.illustrative = present.illustrative or state.entry.is_illustrative
    return present


def counts(unit: Unit, kind: Kind, months: Iterable[Period]) -> list[MonthCount]:
    """The value of every element ``kind`` feeds on ``unit`` for each of ``months``, from the entries' states.

    An element several registers feed (``kinds.FEEDERS``: KTS-10) is the sum of their counts, and is left out of
    a month in which the unit does not yet keep every one of them (half a figure is not the figure)."""
    timelines = {k.code: _timelines(unit, k) for k in sharing(kind)}
    result = []
    for month in months:
        present = {code: _present(lines, unit, month.end) for code, lines in timelines.items()}
        own = present[kind.code]
        for feed in kind.feeds:
            others = [(k, f) for k, f in FEEDERS[feed.element] if k.code != kind.code]
            if not others:
                result.append(MonthCount(feed.element, month, feed.value(own.attributes), len(own.attributes),
                                         own.illustrative))
                continue
            if not own.kept or not all(present[k.code].kept for k, _ in others):
                continue
            value = feed.value(own.attributes) + sum(f.value(present[k.code].attributes) for k, f in others)
            result.append(MonthCount(
                feed.element, month, value, len(own.attributes),
                own.illustrative or any(present[k.code].illustrative for k, _ in others),
                tuple((k, len(present[k.code].attributes)) for k, _ in others)))
    return result


ILLUSTRATIVE = "Số liệu minh họa (sổ theo dõi có mục do bản trình diễn tạo ra) — "


def source_text(kind: Kind, entries: int, illustrative: bool = False,
                also: tuple[tuple[Kind, int], ...] = ()) -> str:
    """The fed figure's source; an illustrative one says so first, as every illustrative figure does."""
    if also:
        kept = [(kind, entries), *also]
        text = ("Cộng các sổ theo dõi (chiso): " + "; ".join(f"sổ {k.lowered}: {n} {k.entry_label} đang theo dõi"
                                                             for k, n in kept) + " vào cuối tháng.")
    else:
        text = f"Sổ theo dõi {kind.lowered} (chiso): {entries} {kind.entry_label} đang theo dõi vào cuối tháng."
    return ILLUSTRATIVE + text if illustrative else text


def write_counts(unit: Unit, kind: Kind, since: date, *, acting_user: User | None, channel: Channel = Channel.REGISTER,
                 reason: str = "", today: date | None = None) -> WriteResult | None:
    """Write ``kind``'s counts on ``unit`` for the months from ``since`` on (see the module); the figures that do
    not change are skipped by ``do_set_values``. Raises its ``ValueWriteError`` when a figure is refused."""
    months = months_from(unit, since, today)
    if not months:
        return None
    elements = {e.code: e for e in DataElement.objects.filter(code__in=[f.element for f in kind.feeds])}
    missing = [f.element for f in kind.feeds if f.element not in elements]
    if missing:
        raise LookupError(f"Danh mục chưa có yếu tố dữ liệu {', '.join(missing)} mà sổ {kind.label} ghi vào.")
    entries = [ValueEntry(data_element=elements[c.element], unit=unit, period=c.period, value=Decimal(c.value),
                          source=source_text(kind, c.entries, c.illustrative, c.also), comment="",
                          is_illustrative=c.illustrative)
               for c in counts(unit, kind, months)]
    return do_set_values(entries, acting_user=acting_user, channel=channel,
                         reason=reason or f"Cập nhật từ sổ theo dõi {kind.lowered}")


def kind_of(code: str) -> Kind:
    return KINDS[code]
