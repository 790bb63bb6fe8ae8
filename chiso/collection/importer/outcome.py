"""What importing a file would do and doing it: compare with the stored figures, find what
``do_set_values`` would refuse (placed on rows), and commit all or nothing."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from chiso.accounts.access import write_prefixes
from chiso.collection.importer import checks
from chiso.collection.importer.items import Change, Item
from chiso.collection.importer.problems import ImportProblem, ImportRefused, Problems
from chiso.collection.queries import closed_cells
from chiso.units.models import Unit
from chiso.values.actions import ValueEntry, ValueWriteError, WriteResult, do_set_values
from chiso.values.models import Channel

if TYPE_CHECKING:
    from chiso.collection.importer.preview import Preview

User = AbstractBaseUser | AnonymousUser


def compare(result: Preview, acting_user: User | None, problems: Problems) -> None:
    items = result.items
    result.stored = checks.stored_states(item.key for item in items)
    writes: list[Item] = []
    stored = result.stored
    for item in items:
        state = stored.get(item.key) if stored else None
        if state is None:
            result.new += 1
            writes.append(item)
        elif differs(state, entry_for(item, state)):
            result.changed += 1
            writes.append(item)
            result.changes.append(Change(item.unit, item.element, item.period,
                                         None if state.is_deleted else state.value, item.value))
        else:
            result.unchanged += 1
    _check_writes(result, writes, acting_user, problems)
    groups: dict[tuple[int, str], dict[str, Decimal]] = defaultdict(dict)
    units: dict[int, Unit] = {}
    for item in items:
        if item.value is not None:
            unit_id, period = item.key[1], item.key[2]
            groups[(unit_id, period)][item.element.code] = item.value
            if unit_id not in units:
                units[unit_id] = item.unit
    result.violations = checks.violations(groups, units)
    result.outliers = checks.outliers([i for i in writes if i.value is not None])


def _check_writes(result: Preview, writes: list[Item], acting_user: User | None, problems: Problems) -> None:
    """What ``do_set_values`` would refuse, found before and placed on rows: units outside the user's
    reach, outside their validity, and figures of reports already submitted or approved."""
    prefixes = write_prefixes(acting_user) if acting_user is not None else None
    closed = closed_cells([i.key for i in writes]) if acting_user is not None else set()
    told: set[tuple[int, int, int]] = set()
    validity: dict[int, tuple[date | None, date | None]] = {}
    for item in writes:
        unit = item.unit
        unit_id = item.key[1]
        if unit_id not in validity:
            validity[unit_id] = (unit.effective_from(), unit.effective_to())
        start, end = validity[unit_id]
        ends = item.period.end
        outside = (start is not None and ends < start) or (end is not None and ends > end)
        allowed = prefixes is None or any(unit.path.startswith(p) for p in prefixes)
        if allowed and not outside and item.key not in closed:
            continue
        layout = result.layouts[item.sheet]
        unit_col = layout.columns.get("unit", layout.columns.get("unit_name"))
        at_unit = {"row": item.row, **layout.where(unit_col)}
        at_value = {"row": item.row, **layout.where(item.column)}
        row_key = (item.sheet, item.row, unit_id)
        name, code, version, period = unit.name, unit.code, unit.version.name, item.period
        if row_key not in told and outside:
            told.add(row_key)
            valid = f"{_day(start)} – {_day(end)}"
            problems.add(f"{name} (mã {code}, danh mục {version}) chỉ có hiệu lực {valid}, "
                         f"không gồm ngày cuối kỳ {period} ({ends:%d/%m/%Y}). "
                         "Ghi số liệu cho đơn vị có hiệu lực vào cuối kỳ.",
                         f"{name} (code {code}, version {version}) is valid only {valid}, "
                         f"which does not include the end of {period} ({ends:%d/%m/%Y}). "
                         "Write figures for the unit valid at the period's end.",
                         **at_unit)  # type: ignore[arg-type]
        if row_key not in told and not allowed:
            told.add(row_key)
            problems.add(f"bạn không có quyền ghi số liệu cho {name} (mã {code}). "
                         "Xóa dòng này, hoặc nhờ cán bộ của đơn vị đó nhập.",
                         f"you may not write figures for {name} (code {code}). Remove this row, or ask that "
                         "unit's officer to import it.", **at_unit)  # type: ignore[arg-type]
        if item.key in closed:
            element = item.element.code
            problems.add(f"báo cáo chứa số liệu {element} của {name}, kỳ {period} đã gửi hoặc đã duyệt; "
                         "chỉ sửa được sau khi cấp trên trả lại hoặc mở lại báo cáo. "
                         "Bỏ giá trị này khỏi tệp.",
                         f"the report holding {element} of {name} for {period} is submitted or approved; it "
                         "can change only once it is returned or reopened. Remove this value from the file.",
                         **at_value)  # type: ignore[arg-type]


def _day(day: object) -> str:
    return day.strftime("%d/%m/%Y") if day is not None else "…"  # type: ignore[attr-defined]


def entry_for(item: Item, state: checks.Stored | None) -> ValueEntry:
    source = item.source if item.source is not None else (state.source if state else "")
    comment = item.comment if item.comment is not None else (state.comment if state else "")
    return ValueEntry(item.element, item.unit, item.period, item.value, item.qualifier, source, comment)


def differs(state: checks.Stored, entry: ValueEntry) -> bool:
    """Whether writing ``entry`` changes the stored figure (the fields ``do_set_values`` tracks)."""
    if state.is_deleted or state.is_illustrative != entry.is_illustrative:
        return True
    if (state.value is None) != (entry.value is None):
        return True
    if state.value is not None and Decimal(state.value) != entry.value:
        return True
    return (state.qualifier, state.source, state.comment) != (entry.qualifier, entry.source, entry.comment)


# -- writing -----------------------------------------------------------------------------------------

def commit(result: Preview, *, acting_user: User | None) -> WriteResult:
    """Write the previewed figures: all or nothing, through one ``do_set_values`` call in one transaction.

    Refused (ImportRefused, nothing written) when the preview has any problem or the write is refused.
    Figures equal to the stored ones are not rewritten (so an unchanged figure of an approved report does
    not block the file) and count as unchanged; the comparison is made again under row locks, so a figure
    changed by someone since the preview is written over only with what the file says.
    """
    if result.problems:
        raise ImportRefused(result.problems)
    with transaction.atomic():
        current = checks.stored_states((item.key for item in result.items), lock=True)
        writes = []
        for item in result.items:
            state = current.get(item.key) if current else None
            entry = entry_for(item, state)
            if state is None or differs(state, entry):
                writes.append(entry)
        try:
            written = do_set_values(writes, acting_user=acting_user, channel=Channel.IMPORT,
                                    reason=f"Nhập từ tệp {result.name}")
        except ValueWriteError as error:
            refused = [ImportProblem(result.name, None, None, None, None, text,
                                     f"The write was refused: {text}") for text in error.problems]
            raise ImportRefused(refused) from None
    written.unchanged += len(result.items) - len(writes)
    return written
