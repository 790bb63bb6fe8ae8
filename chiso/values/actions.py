"""The one way figures are written. Web, import, API, CLI and the demo all call these."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, transaction
from django.utils import timezone

from chiso.accounts.access import can_write_unit, write_prefixes
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
    # The revision the writer saw (0: the cell was empty). When set and the stored figure has moved
    # on, the write is refused as a conflict instead of silently overwriting the other change.
    expected_revision: int | None = None


class ValueConflict(ValueWriteError):
    """Someone else changed a figure after the writer loaded it; nothing was saved."""


@dataclass
class WriteResult:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    changes: list[tuple[DataValue, Decimal | None]] = field(default_factory=list)  # (value, old value)


TRACKED = ("value", "qualifier", "source", "comment", "is_illustrative", "is_deleted")

User = AbstractBaseUser | AnonymousUser


QUALIFIERS = frozenset(Qualifier.values)


def _key(entry: ValueEntry) -> tuple[int, int, str]:
    return (entry.data_element.pk, entry.unit.pk, str(entry.period))


def closed_cells(keys: list[tuple[int, int, str]]) -> set[tuple[int, int, str]]:
    from chiso.collection.queries import closed_cells as in_closed_reports  # collection builds on values

    return in_closed_reports(keys)


def _check(entries: Sequence[ValueEntry], keys: list[tuple[int, int, str]], acting_user: User | None) -> None:
    problems = []
    seen: set[tuple[int, int, str]] = set()
    validity: dict[int, tuple[object, object]] = {}
    prefixes = write_prefixes(acting_user) if acting_user is not None else None
    closed = closed_cells(keys) if acting_user is not None else set()
    for number, (entry, key) in enumerate(zip(entries, keys, strict=True), start=1):
        faults = []
        if key in seen:
            faults.append("trùng với một giá trị trước đó trong cùng lần ghi.")
        seen.add(key)
        if entry.unit.pk not in validity:
            validity[entry.unit.pk] = (entry.unit.effective_from(), entry.unit.effective_to())
        start, end = validity[entry.unit.pk]
        if (start and entry.period.end < start) or (end and entry.period.end > end):  # type: ignore[operator]
            faults.append(f"đơn vị này chỉ có hiệu lực {start or '…'} – {end or 'nay'}; "
                          "ghi số liệu cho đơn vị có hiệu lực vào cuối kỳ.")
        if entry.qualifier not in QUALIFIERS:
            faults.append(f"độ chính xác '{entry.qualifier}' không hợp lệ.")
        if key in closed:
            faults.append("báo cáo chứa số liệu này đã gửi hoặc đã duyệt; chỉ sửa được sau khi bị trả lại hoặc mở lại.")
        if prefixes is not None and not any(entry.unit.path.startswith(p) for p in prefixes):
            faults.append(f"bạn không có quyền ghi số liệu cho {entry.unit.name}.")
        where = f"Giá trị {number} ({entry.data_element.code}, {entry.unit.name}, kỳ {entry.period})" if faults else ""
        problems += [f"{where}: {fault}" for fault in faults]
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

    Refused, with one sentence per fault and nothing written: a figure outside the acting user's
    units, outside its unit's validity, twice in one write, or in a report already submitted or approved.
    ``acting_user`` None means the system itself (reference loads, the demo builder): no permission
    or report-state check.
    Writing the same figures again changes nothing and adds no history.
    """
    keys = [_key(e) for e in entries]
    _check(entries, keys, acting_user)
    user = acting_user if acting_user is not None and acting_user.is_authenticated else None
    now = timezone.now()
    existing = _existing(keys)
    _check_revisions(entries, keys, existing)
    result = WriteResult()
    new: list[tuple[tuple[int, int, str], ValueEntry]] = []
    changed: list[tuple[DataValue, Decimal | None]] = []
    for entry, key in zip(entries, keys, strict=True):
        current = existing.get(key)
        if current is None:
            new.append((key, entry))
            continue
        wanted = {"value": entry.value, "qualifier": entry.qualifier, "source": entry.source,
                  "comment": entry.comment, "is_illustrative": entry.is_illustrative, "is_deleted": False}
        if all(_same(getattr(current, name), wanted[name]) for name in TRACKED):
            result.unchanged += 1
            continue
        old = current.value
        for name, value in wanted.items():
            setattr(current, name, value)
        current.revision += 1
        current.channel, current.updated_by, current.updated_at = channel, user, now
        changed.append((current, old))
    _insert_new(new, channel=channel, user_id=user.pk if user else None, now=now, reason=reason)
    DataValue.objects.bulk_update([v for v, _ in changed], [*TRACKED, "revision", "channel", "updated_by",
                                                            "updated_at"], batch_size=2000)
    DataValueHistory.objects.bulk_create([_history(v, old, reason) for v, old in changed], batch_size=2000)
    result.created, result.changed, result.changes = len(new), len(changed), changed
    return result


@transaction.atomic
def do_delete_value(data_value: DataValue, *, acting_user: User | None, channel: Channel, reason: str) -> None:
    """Mark a figure deleted (it stays in the database and its history)."""
    if acting_user is not None and not can_write_unit(acting_user, data_value.unit):
        raise ValueWriteError([f"Bạn không có quyền xóa số liệu của {data_value.unit.name}."])
    key = (data_value.data_element_id, data_value.unit_id, data_value.period)
    if acting_user is not None and closed_cells([key]):
        raise ValueWriteError(["Báo cáo chứa số liệu này đã gửi hoặc đã duyệt; chỉ xóa được sau khi bị trả lại."])
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


def _check_revisions(entries: Sequence[ValueEntry], keys: list[tuple[int, int, str]],
                     existing: dict[tuple[int, int, str], DataValue]) -> None:
    conflicts = []
    for entry, key in zip(entries, keys, strict=True):
        if entry.expected_revision is None:
            continue
        current = existing.get(key)
        if (current.revision if current else 0) == entry.expected_revision:
            continue
        last = current.history.order_by("-revision").select_related("changed_by").first() if current else None
        who = (last.changed_by.get_username() if last and last.changed_by else "hệ thống") if last else "?"
        when = timezone.localtime(last.changed_at).strftime("%d/%m/%Y %H:%M") if last else "?"
        change = f"{_show(last.old_value)} → {_show(last.value)}" if last else "–"
        conflicts.append(f"{entry.data_element.code}, {entry.unit.name}, kỳ {entry.period}: {who} đã sửa lúc {when} "
                         f"({change}) sau khi bạn mở biểu mẫu. Số của bạn chưa được lưu; xem số mới rồi nhập lại nếu cần.")
    if conflicts:
        raise ValueConflict(conflicts)


def _show(value: Decimal | None) -> str:
    from chiso.engine.numbers import format_number

    return format_number(value) if value is not None else "trống"


def _existing(keys: list[tuple[int, int, str]]) -> dict[tuple[int, int, str], DataValue]:
    if not keys:
        return {}
    rows = DataValue.objects.select_for_update().filter(
        data_element_id__in={k[0] for k in keys}, unit_id__in={k[1] for k in keys}, period__in={k[2] for k in keys}
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


def _insert_new(new: list[tuple[tuple[int, int, str], ValueEntry]], *, channel: str, user_id: int | None,
                now: datetime, reason: str) -> None:
    """Insert new figures and their first history rows in bulk (COPY on PostgreSQL, else executemany).

    The ORM's bulk_create spends most of its time building SQL per object; a large import or the
    demo writes hundreds of thousands of rows, so new rows go through one prepared statement.
    """
    if not new:
        return
    ops = connection.ops
    value_columns = ["data_element_id", "unit_id", "period", "period_start", "period_end", "value", "qualifier",
                     "source", "comment", "is_illustrative", "is_deleted", "revision", "channel", "updated_by_id",
                     "updated_at"]
    bounds: dict[str, tuple[object, object]] = {}

    def number(v: Decimal | None) -> object:
        return None if v is None else ops.adapt_decimalfield_value(v, 20, 6)

    postgres = connection.vendor == "postgresql"
    stamp = now if postgres else ops.adapt_datetimefield_value(now)
    rows = []
    for (element_id, unit_id, period), e in new:
        if period not in bounds:
            bounds[period] = ((e.period.start, e.period.end) if postgres else
                              (ops.adapt_datefield_value(e.period.start), ops.adapt_datefield_value(e.period.end)))
        rows.append((element_id, unit_id, period, *bounds[period], e.value if postgres else number(e.value),
                     e.qualifier, e.source, e.comment, e.is_illustrative, False, 1, channel, user_id, stamp))
    _bulk_insert(DataValue, value_columns, rows)
    keys = [key for key, _ in new]
    ids = {(e, u, p): pk for e, u, p, pk in DataValue.objects.filter(
        data_element_id__in={k[0] for k in keys}, unit_id__in={k[1] for k in keys},
        period__in={k[2] for k in keys}, revision=1, updated_at=now,
    ).values_list("data_element_id", "unit_id", "period", "id")}
    history_columns = ["data_value_id", "revision", "old_value", "value", "qualifier", "source", "comment",
                       "is_deleted", "channel", "reason", "changed_by_id", "changed_at"]
    history = [(ids[key], 1, None, e.value if postgres else number(e.value), e.qualifier, e.source, e.comment,
                False, channel, reason, user_id, stamp) for key, e in new]
    _bulk_insert(DataValueHistory, history_columns, history)


def _bulk_insert(model: type, columns: list[str], rows: list[tuple[object, ...]]) -> None:
    """COPY on PostgreSQL (an order of magnitude faster than row inserts), executemany elsewhere."""
    with connection.cursor() as cursor, connection.wrap_database_errors:  # psycopg's errors as Django's
        if connection.vendor == "postgresql":
            quote = connection.ops.quote_name
            names = ", ".join(quote(c) for c in columns)
            with cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(_insert_sql(model, columns), rows)


def _insert_sql(model: type, columns: list[str]) -> str:
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    return f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})"
