"""What importing a file would do and doing it: compare with the stored figures, find what
``do_set_values`` would refuse (placed on rows), and commit all or nothing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from chiso.accounts.access import under, unpublished_read_prefixes
from chiso.collection.importer import checks
from chiso.collection.importer.items import Change, Item
from chiso.collection.importer.problems import ImportRefused, Problems
from chiso.units.models import Unit
from chiso.values.actions import (
    CheckResult,
    Refusal,
    RefusalKind,
    ValueEntry,
    ValueWriteError,
    WriteResult,
    check_values,
    do_set_values,
)
from chiso.values.models import Channel, DataValue

if TYPE_CHECKING:
    from chiso.collection.importer.preview import Preview

User = AbstractBaseUser | AnonymousUser


Check = Callable[[list[ValueEntry], list[Item]], CheckResult]


def compare(result: Preview, acting_user: User | None, problems: Problems,
            warnings: Problems | None = None, check: Check | None = None) -> None:
    """Ask the write action what it would do with the file's figures (``check_values``, or ``check``: a part of
    a large file, ``PartedWrite.check``) and place its refusals and warnings on rows and columns. The stored
    figures it read (only of units the user may write: permission is checked before anything is read) give the
    preview's old → new."""
    items = result.items
    entries = result.entries
    found = check(entries, items) if check is not None else check_values(entries, acting_user=acting_user)
    _place(result, found.refusals, problems)
    if warnings is not None:
        _place(result, found.warnings, warnings)
    # Only figures the user may read give an old value: those of a unit whose drafts they may not read
    # are left out (shown as "không có quyền xem", counted as unknown like a refused write's figures).
    hidden = _hidden_units(items, acting_user)
    result.stored = {key: _state(value) for key, value in found.stored.items() if key[1] not in hidden}
    changing = found.changes or [True] * len(items)  # refused before the comparison: nothing is known
    if hidden:
        changing = [True if item.key[1] in hidden else c for item, c in zip(items, changing, strict=True)]
    result.changing = {item.key for item, changes in zip(items, changing, strict=True) if changes}
    writes: list[Item] = []
    for item, changes in zip(items, changing, strict=True):
        state = result.stored.get(item.key)
        if not changes:
            result.unchanged += 1
            continue
        writes.append(item)
        if state is None:
            result.new += 1
        else:
            result.changed += 1
            result.changes.append(Change(item.unit, item.element, item.period,
                                         None if state.is_deleted else state.value, item.value))
    if found.refusals and not found.changes:
        return  # refused before the stored figures were read: nothing to compare the rules against
    groups: dict[tuple[int, str], dict[str, Decimal]] = defaultdict(dict)
    units: dict[int, Unit] = {}
    for item in items:
        if item.value is not None and item.key[1] not in hidden:  # rules and outliers read stored figures
            unit_id, period = item.key[1], item.key[2]
            groups[(unit_id, period)][item.element.code] = item.value
            if unit_id not in units:
                units[unit_id] = item.unit
    result.violations = checks.violations(groups, units)
    result.outliers = checks.outliers([i for i in writes if i.value is not None and i.key[1] not in hidden])


def _hidden_units(items: list[Item], acting_user: User | None) -> set[int]:
    """Ids of the file's units whose unpublished figures the user may not read (``accounts.access``);
    none for the system itself (``acting_user`` None)."""
    if acting_user is None:
        return set()
    prefixes = unpublished_read_prefixes(acting_user)
    units = {item.key[1]: item.unit for item in items}
    return {unit_id for unit_id, unit in units.items() if not under(prefixes, unit)}


def _place(result: Preview, refusals: list[Refusal], problems: Problems) -> None:
    """Each refusal on the row (and column) its figure was read from; a unit's refusal once per row."""
    told: set[tuple[int, int, RefusalKind]] = set()
    for refusal in refusals:
        if refusal.index is None:
            problems.add(refusal.message, refusal.message_en or refusal.message)
            continue
        item = result.items[refusal.index]
        layout = result.layouts[item.sheet]
        if refusal.field == "unit":
            if (item.sheet, item.row, refusal.kind) in told:
                continue
            told.add((item.sheet, item.row, refusal.kind))
            column = layout.columns.get("unit", layout.columns.get("unit_name"))
        else:
            column = item.column
        if problems.full:  # a file of a million figures may have as many warnings: only the first are placed
            problems.count()
            continue
        problems.add(refusal.message, refusal.message_en or refusal.message,
                     row=item.row, **layout.where(column))  # type: ignore[arg-type]


def _state(value: DataValue) -> checks.Stored:
    return checks.Stored(value.value, value.qualifier, value.source, value.comment, value.is_illustrative,
                         value.is_deleted)


def entry_for(item: Item) -> ValueEntry:
    """The file's figure as the action takes it (a source or comment not given keeps the stored one)."""
    return ValueEntry(item.element, item.unit, item.period, item.value, item.qualifier, item.source, item.comment)


# -- writing -----------------------------------------------------------------------------------------

def commit(result: Preview, *, acting_user: User | None) -> WriteResult:
    """Write the previewed figures: all or nothing, through one ``do_set_values`` call in one transaction.

    Refused (ImportRefused, nothing written) when the preview has any problem or the write is refused;
    the action's refusals are placed on rows as in the preview. Figures equal to the stored ones are not
    rewritten (so an unchanged figure of an approved report does not block the file) and count as
    unchanged; the action compares again under row locks, so a figure changed by someone since the
    preview is written over only with what the file says.
    """
    if result.problems:
        raise ImportRefused(result.problems)
    try:
        return do_set_values(result.entries, acting_user=acting_user, channel=Channel.IMPORT,
                             reason=f"Nhập từ tệp {result.name}")
    except ValueWriteError as error:
        problems = Problems(result.name)
        _place(result, error.refusals, problems)
        raise ImportRefused(problems.final()) from None

