"""The one way figures are written. Web, import, API, CLI and the demo all call these."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone

from chiso.accounts.access import can_write_unit
from chiso.engine.periods import Period
from chiso.indicators.models import DataElement
from chiso.units.models import Unit
from chiso.values.models import Channel, DataValue, DataValueHistory, Qualifier


class ValueWriteError(Exception):
    """A write was refused; nothing was saved. ``problems`` holds one sentence per fault."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class ValueEntry:
    data_element: DataElement
    unit: Unit
    period: Period
    value: Decimal | None
    qualifier: str = Qualifier.EXACT
    source: str = ""
    comment: str = ""
    is_illustrative: bool = False


@dataclass
class WriteResult:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    changes: list[tuple[DataValue, Decimal | None]] = field(default_factory=list)  # (value, old value)


TRACKED = ("value", "qualifier", "source", "comment", "is_illustrative", "is_deleted")

User = AbstractBaseUser | AnonymousUser


def _check(entries: Sequence[ValueEntry], acting_user: User | None) -> None:
    problems = []
    seen = set()
    for number, entry in enumerate(entries, start=1):
        key = (entry.data_element.pk, entry.unit.pk, str(entry.period))
        where = f"Giá trị {number} ({entry.data_element.code}, {entry.unit.name}, kỳ {entry.period})"
        if key in seen:
            problems.append(f"{where}: trùng với một giá trị trước đó trong cùng lần ghi.")
        seen.add(key)
        start, end = entry.unit.effective_from(), entry.unit.effective_to()
        if (start and entry.period.end < start) or (end and entry.period.end > end):
            problems.append(
                f"{where}: đơn vị này chỉ có hiệu lực {start or '…'} – {end or 'nay'}; "
                "ghi số liệu cho đơn vị có hiệu lực vào cuối kỳ."
            )
        if entry.qualifier not in Qualifier.values:
            problems.append(f"{where}: độ chính xác '{entry.qualifier}' không hợp lệ.")
        if acting_user is not None and not can_write_unit(acting_user, entry.unit):
            problems.append(f"{where}: bạn không có quyền ghi số liệu cho {entry.unit.name}.")
    if problems:
        raise ValueWriteError(problems)


@transaction.atomic
def do_set_values(
    entries: Sequence[ValueEntry],
    *,
    acting_user: User | None,
    channel: Channel,
    reason: str = "",
) -> WriteResult:
    """Create or change figures in one transaction, with a history row for each real change.

    ``acting_user`` None means the system itself (reference loads, the demo builder).
    Writing the same figures again changes nothing and adds no history.
    """
    _check(entries, acting_user)
    user = acting_user if acting_user is not None and acting_user.is_authenticated else None
    now = timezone.now()
    existing = _existing(entries)
    result = WriteResult()
    new_values: list[DataValue] = []
    changed: list[tuple[DataValue, Decimal | None]] = []
    for entry in entries:
        key = (entry.data_element.pk, entry.unit.pk, str(entry.period))
        current = existing.get(key)
        wanted = {"value": entry.value, "qualifier": entry.qualifier, "source": entry.source,
                  "comment": entry.comment, "is_illustrative": entry.is_illustrative, "is_deleted": False}
        if current is None:
            new_values.append(DataValue(
                data_element=entry.data_element, unit=entry.unit, period=str(entry.period),
                period_start=entry.period.start, period_end=entry.period.end, channel=channel,
                updated_by=user, updated_at=now, revision=1, **wanted,
            ))
            continue
        if all(_same(getattr(current, name), wanted[name]) for name in TRACKED):
            result.unchanged += 1
            continue
        old = current.value
        for name, value in wanted.items():
            setattr(current, name, value)
        current.revision += 1
        current.channel, current.updated_by, current.updated_at = channel, user, now
        changed.append((current, old))
    DataValue.objects.bulk_create(new_values, batch_size=2000)
    DataValue.objects.bulk_update([v for v, _ in changed], [*TRACKED, "revision", "channel", "updated_by",
                                                            "updated_at"], batch_size=2000)
    history = [_history(v, None, reason) for v in new_values] + [_history(v, old, reason) for v, old in changed]
    DataValueHistory.objects.bulk_create(history, batch_size=2000)
    result.created, result.changed, result.changes = len(new_values), len(changed), changed
    return result


@transaction.atomic
def do_delete_value(data_value: DataValue, *, acting_user: User | None, channel: Channel, reason: str) -> None:
    """Mark a figure deleted (it stays in the database and its history)."""
    if acting_user is not None and not can_write_unit(acting_user, data_value.unit):
        raise ValueWriteError([f"Bạn không có quyền xóa số liệu của {data_value.unit.name}."])
    if not reason.strip():
        raise ValueWriteError(["Hãy ghi lý do xóa số liệu."])
    if data_value.is_deleted:
        return
    old = data_value.value
    data_value.is_deleted = True
    data_value.revision += 1
    data_value.channel = channel
    data_value.updated_by = acting_user if acting_user is not None and acting_user.is_authenticated else None
    data_value.updated_at = timezone.now()
    data_value.save()
    _history(data_value, old, reason).save()


def _existing(entries: Sequence[ValueEntry]) -> dict[tuple[int, int, str], DataValue]:
    units = {e.unit.pk for e in entries}
    elements = {e.data_element.pk for e in entries}
    periods = {str(e.period) for e in entries}
    if not entries:
        return {}
    rows = DataValue.objects.select_for_update().filter(
        unit_id__in=units, data_element_id__in=elements, period__in=periods
    )
    return {(v.data_element_id, v.unit_id, v.period): v for v in rows}


def _same(a: object, b: object) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return a is not None and b is not None and Decimal(a) == Decimal(b)  # type: ignore[arg-type]
    return a == b


def _history(value: DataValue, old: Decimal | None, reason: str) -> DataValueHistory:
    return DataValueHistory(
        data_value=value, revision=value.revision, old_value=old, value=value.value, qualifier=value.qualifier,
        source=value.source, comment=value.comment, is_deleted=value.is_deleted, channel=value.channel,
        reason=reason, changed_by=value.updated_by, changed_at=value.updated_at,
    )
