"""Saving figures without losing anyone's update.

Whoever writes (the grid, the API) says which revision of each figure they saw. ``save_changes``
locks the stored figures (``select_for_update``), compares revisions and only then calls
``values.actions.do_set_values``, all in one transaction: if someone else changed a figure in the
meantime, nothing is written and the refusal names the other change (who, when, old → new).
Writing a figure that already holds the same value is not a conflict: nothing would be lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from chiso.accounts.access import write_prefixes
from chiso.collection.entry.cells import show_cell
from chiso.collection.queries import closed_cells
from chiso.engine.numbers import MISSING
from chiso.engine.periods import Period
from chiso.indicators.models import DataElement
from chiso.units.models import Unit
from chiso.values.actions import ValueEntry, ValueWriteError, WriteResult, do_set_values
from chiso.values.models import Channel, DataValue, DataValueHistory, Qualifier

User = AbstractBaseUser | AnonymousUser
Key = tuple[int, int, str]


@dataclass(frozen=True)
class Change:
    """A figure someone wants written, with the revision they saw (0: there was no figure yet;
    None: do not check). ``source`` and ``comment`` None keep the stored ones."""

    data_element: DataElement
    unit: Unit
    period: Period
    value: Decimal | None
    qualifier: str = Qualifier.EXACT
    expected_revision: int | None = None
    source: str | None = None
    comment: str | None = None

    @property
    def key(self) -> Key:
        return (self.data_element.pk, self.unit.pk, str(self.period))

    def where(self) -> str:
        return f"{self.data_element.code} ({self.unit.name}, kỳ {self.period})"


@dataclass(frozen=True)
class Conflict:
    change: Change
    current: DataValue | None
    since: tuple[DataValueHistory, ...]  # the changes made after the revision the writer saw, oldest first

    @property
    def current_text(self) -> str:
        """The stored figure as a cell shows it ("" when there is none or it was deleted)."""
        if self.current is None or self.current.is_deleted:
            return ""
        return show_cell(self.current.value, self.current.qualifier)

    def message(self) -> str:
        others = "; rồi ".join(describe(h) for h in self.since) or "đã bị thay đổi"
        now = self.current.revision if self.current is not None else 0
        return (f"{self.change.where()}: {others} — sau khi bạn mở số liệu (bạn thấy lần sửa "
                f"{self.change.expected_revision}, nay là lần sửa {now}). Số bạn nhập "
                f"({show_cell(self.change.value, self.change.qualifier) or 'ô trống'}) chưa được lưu: "
                "xem lại rồi lưu lại nếu vẫn đúng.")


class NotAllowed(ValueWriteError):
    """The user may not write figures of one of the units (HTTP 403)."""


class ReportClosed(ValueWriteError):
    """A figure belongs to a report already submitted, approved or locked (HTTP 409)."""


class ValueConflict(ValueWriteError):
    """Someone else changed a figure after the writer loaded it (HTTP 409); nothing was written."""

    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = conflicts
        super().__init__([c.message() for c in conflicts])


def describe(change: DataValueHistory) -> str:
    """'Nguyễn Văn A (nva) sửa lúc 09:15 ngày 23/11/2026, nhập trên web: 100 → 120'."""
    who = change.changed_by
    name = (f"{who.get_full_name()} ({who.get_username()})" if who.get_full_name() else who.get_username()) \
        if who is not None else "hệ thống"
    when = timezone.localtime(change.changed_at)
    old = show_cell(change.old_value) or MISSING
    new = "đã xóa" if change.is_deleted else show_cell(change.value, change.qualifier) or MISSING
    channel = change.get_channel_display()
    channel = channel if channel.isupper() else channel.lower()
    return f"{name} sửa lúc {when:%H:%M} ngày {when:%d/%m/%Y}, {channel}: {old} → {new}"


def save_changes(changes: Sequence[Change], *, acting_user: User | None, channel: Channel,
                 reason: str = "") -> WriteResult:
    """Write ``changes`` in one ``do_set_values`` call, or raise and write nothing.

    Raises NotAllowed, ReportClosed (checked first, so a refusal never shows another unit's drafts),
    ValueConflict, or ValueWriteError for anything else ``do_set_values`` refuses.
    """
    if acting_user is not None:
        _check_allowed(changes, acting_user)
    try:
        with transaction.atomic():
            current = _stored(changes, lock=True)
            conflicts = _conflicts(changes, current)
            if conflicts:
                raise ValueConflict(conflicts)
            entries = [_entry(change, current.get(change.key)) for change in changes]
            return do_set_values(entries, acting_user=acting_user, channel=channel, reason=reason)
    except (IntegrityError, connection.Database.IntegrityError):
        # Two writers created the same new figure at once (PostgreSQL): the second insert hit the
        # one-figure-per-cell constraint. Its savepoint is gone; report the first writer's change.
        # (do_set_values inserts with COPY on PostgreSQL, whose error is psycopg's own, not Django's.)
        conflicts = _conflicts(changes, _stored(changes, lock=False))
        if conflicts:
            raise ValueConflict(conflicts) from None
        raise


def _check_allowed(changes: Sequence[Change], user: User) -> None:
    prefixes = write_prefixes(user)
    if prefixes is not None:
        refused = {c.unit.pk: c.unit for c in changes if not any(c.unit.path.startswith(p) for p in prefixes)}
        if refused:
            raise NotAllowed([f"Bạn không có quyền ghi số liệu cho {u.name} ({u.code}, phiên bản {u.version.name})."
                              for u in refused.values()])
    closed = closed_cells([c.key for c in changes])
    if closed:
        raise ReportClosed([f"{c.where()}: báo cáo chứa số liệu này đã gửi hoặc đã duyệt; chỉ sửa được sau khi "
                            "bị trả lại hoặc mở lại." for c in changes if c.key in closed])


def _stored(changes: Sequence[Change], *, lock: bool) -> dict[Key, DataValue]:
    if not changes:
        return {}
    rows = DataValue.objects.filter(
        data_element_id__in={c.key[0] for c in changes}, unit_id__in={c.key[1] for c in changes},
        period__in={c.key[2] for c in changes},
    ).order_by("id")
    if lock:
        rows = rows.select_for_update()
    return {(v.data_element_id, v.unit_id, v.period): v for v in rows}


def _conflicts(changes: Sequence[Change], current: dict[Key, DataValue]) -> list[Conflict]:
    found = []
    for change in changes:
        if change.expected_revision is None:
            continue
        stored = current.get(change.key)
        revision = stored.revision if stored is not None else 0
        if revision == change.expected_revision or _holds(stored, change):
            continue
        since: tuple[DataValueHistory, ...] = ()
        if stored is not None:
            since = tuple(stored.history.filter(revision__gt=change.expected_revision)
                          .select_related("changed_by").order_by("revision"))
        found.append(Conflict(change, stored, since))
    return found


def _holds(stored: DataValue | None, change: Change) -> bool:
    """The stored figure already is what the writer wants: writing it loses nothing."""
    if stored is None or stored.is_deleted:
        return False
    same_value = (stored.value is None and change.value is None) or (
        stored.value is not None and change.value is not None and Decimal(stored.value) == change.value)
    return same_value and stored.qualifier == change.qualifier


def _entry(change: Change, stored: DataValue | None) -> ValueEntry:
    return ValueEntry(
        data_element=change.data_element, unit=change.unit, period=change.period, value=change.value,
        qualifier=change.qualifier,
        source=change.source if change.source is not None else (stored.source if stored else ""),
        comment=change.comment if change.comment is not None else (stored.comment if stored else ""),
    )
