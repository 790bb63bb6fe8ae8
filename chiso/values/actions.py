"""The one way figures are written. Web, import, API, CLI and the demo all call these.

``do_set_values`` owns every rule on a figure: its value type (sign, whole number, range, decimals,
finite), its qualifier, the validity of its unit at the end of its period, the writer's permission,
closed reports, unchanged figures (skipped) and revision conflicts. ``check_values`` applies the same
rules and writes nothing (previews, cell checks). A refusal is one ``ValueWriteError`` holding typed
``Refusal`` rows (kind, index of the figure, Vietnamese and English sentence); channels only format it.
A write too large for memory goes part by part through ``values.parted.PartedWrite``, on the same rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from chiso.accounts.access import write_prefixes
from chiso.engine import bounds
from chiso.engine.numbers import format_number
from chiso.engine.periods import Period
from chiso.indicators.models import DataElement, SanityBound
from chiso.units.models import Unit
from chiso.units.types import kind_word, kind_word_en
from chiso.values import bulkwrite, hooks
from chiso.values.bulkwrite import StoredFigure
from chiso.values.models import CHANNEL_EN, QUALIFIER_WORDS, Channel, DataValue, DataValueHistory, Qualifier

Key = tuple[int, int, str]
class RefusalKind(StrEnum):
    FORBIDDEN = "forbidden"  # the writer may not write the unit's figures
    CLOSED = "closed"  # the figure's report is submitted, approved or locked
    INVALID = "invalid"  # the value or qualifier breaks the data element's rules
    OUTSIDE_VALIDITY = "outside_validity"  # the unit is not valid at the end of the period
    CONFLICT = "conflict"  # someone changed the figure after the writer read it
    DUPLICATE = "duplicate"  # the same figure twice in one write


STATUS = {RefusalKind.FORBIDDEN: 403, RefusalKind.CLOSED: 409, RefusalKind.CONFLICT: 409}
"""The HTTP status a channel answers for a refusal of this kind (400 for the others)."""


@dataclass(frozen=True)
class Refusal:
    kind: RefusalKind
    index: int | None  # the figure's position in the write (0-based); None: the write as a whole
    message: str  # Vietnamese, names the figure
    message_en: str = ""
    field: str = ""  # what the refusal is about: "value", "qualifier", "unit", "" (the figure)
    current: StoredFigure | None = None  # conflicts: the figure as stored now
    since: tuple[DataValueHistory, ...] = ()  # conflicts: the changes after the revision the writer saw


class ValueWriteError(Exception):
    """A write was refused; nothing was saved. ``refusals`` says which figure, why, and of what kind."""

    def __init__(self, refusals: Sequence[Refusal | str]):
        self.refusals = [r if isinstance(r, Refusal) else Refusal(RefusalKind.INVALID, None, r, r) for r in refusals]
        super().__init__("\n".join(self.problems))

    @property
    def problems(self) -> list[str]:
        return [r.message for r in self.refusals]

    @property
    def kinds(self) -> set[RefusalKind]:
        return {r.kind for r in self.refusals}

    @property
    def status(self) -> int:
        """403 when a unit is out of reach, 409 when the state changed (closed report, conflict), else 400."""
        statuses = {STATUS.get(kind, 400) for kind in self.kinds}
        return 403 if 403 in statuses else 409 if 409 in statuses else 400


@dataclass(frozen=True)
class ValueEntry:
    data_element: DataElement
    unit: Unit
    period: Period
    value: Decimal | None
    qualifier: str = Qualifier.EXACT
    source: str | None = ""  # None keeps the stored source (or "" for a new figure)
    comment: str | None = ""  # None keeps the stored comment
    is_illustrative: bool = False
    # The revision the writer saw (0: the cell was empty). When set and the stored figure has moved
    # on, the write is refused as a conflict instead of silently overwriting the other change, unless
    # the stored figure already is what the writer wants (nothing would be lost).
    expected_revision: int | None = None

    @property
    def key(self) -> Key:
        # Kept on the entry once worked out, beside its fields (not one of them: equality is untouched): a write
        # asks it several times per figure. Not ``cached_property``, which takes a lock on every read (Python 3.11).
        key: Key | None = self.__dict__.get("_key")
        if key is None:
            key = self.__dict__["_key"] = (self.data_element.id, self.unit.id, str(self.period))
        return key

    def where(self) -> str:
        return f"{self.data_element.code} ({self.unit.name}, kỳ {self.period})"

    def where_en(self) -> str:
        """``where`` in an English sentence: "DS (Phường Thạc Gián, period 2021-05)"."""
        return f"{self.data_element.code} ({self.unit.name}, period {self.period})"


@dataclass
class WriteResult:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    changes: list[tuple[DataValue, Decimal | None]] = field(default_factory=list)  # (value, old value)
    warnings: list[Refusal] = field(default_factory=list)  # implausible but allowed figures
    refused: list[Refusal] = field(default_factory=list)  # partial writes: the figures not written, and why


@dataclass
class CheckResult:
    """What ``do_set_values`` would do with the same entries: refusals, warnings and, per entry, whether
    it changes the stored figure. ``stored`` holds the figures read (only those the writer may write)."""

    refusals: list[Refusal] = field(default_factory=list)
    warnings: list[Refusal] = field(default_factory=list)
    stored: dict[Key, StoredFigure] = field(default_factory=dict)
    changes: list[bool] = field(default_factory=list)  # per entry: True when writing it changes something

    _keys: list[Key] = field(default_factory=list, repr=False)


TRACKED = ("value", "qualifier", "source", "comment", "is_illustrative", "is_deleted")
QUALIFIERS = frozenset(Qualifier.values)

User = AbstractBaseUser | AnonymousUser


def reports_closed_since(moment: datetime) -> bool:
    """Whether any report was submitted, approved or locked at or after ``moment``."""
    from chiso.collection.queries import closed_since  # collection builds on values

    return closed_since(moment)


def closed_to(acting_user: User | None, keys: list[Key]) -> set[Key]:
    """Of the cells given, those ``acting_user`` may not change because their report is submitted, approved
    or locked. None for the system (acting_user None), the one writer let into closed reports."""
    if acting_user is None or not keys:
        return set()
    from chiso.collection.queries import closed_cells  # collection builds on values

    return closed_cells(keys)


def check_values(entries: Sequence[ValueEntry], *, acting_user: User | None, lock: bool = False,
                 against_stored: bool = True) -> CheckResult:
    """Every rule ``do_set_values`` applies, without writing. ``acting_user`` None is the system itself
    (reference loads, the demo builder; no channel acts as the system: the CLI needs ``--user``): no
    permission or report-state check; every rule on the figures themselves holds for it too.

    The checks run in an order that never shows a writer another unit's figures: permission first (a
    refused unit's stored figures are not read), then each figure on its own (value type, qualifier,
    validity, duplicates), then against the stored figures (unchanged ones skipped, closed reports,
    revision conflicts). ``against_stored`` False stops before the stored figures are read (a cell
    checked as it is typed).
    """
    keys = [entry.key for entry in entries]
    result = CheckResult(_keys=keys)
    result.refusals = _forbidden(entries, acting_user)
    if result.refusals:
        return result
    result.refusals, result.warnings = _each(entries, keys)
    if result.refusals or not against_stored:
        return result
    result.stored = _existing(keys, lock=lock)
    stored = result.stored
    result.changes = [_changes(stored.get(key), entry) for entry, key in zip(entries, keys, strict=True)] \
        if stored else [True] * len(entries)  # nothing stored yet (a new period): every figure is new
    changing = [i for i, changes in enumerate(result.changes) if changes]
    closed = closed_to(acting_user, [keys[i] for i in changing])
    result.refusals = [Refusal(
        RefusalKind.CLOSED, i, f"{entries[i].where()}: báo cáo chứa số liệu này đã gửi hoặc đã duyệt; chỉ sửa được "
        "sau khi cấp trên trả lại hoặc mở lại báo cáo (có lý do).",
        f"{entries[i].where_en()}: the report holding this figure is submitted or approved; it can be changed "
        "only once the level above returns the report or reopens it (with a reason).")
        for i in changing if keys[i] in closed]
    if not result.refusals:
        result.refusals = _conflicts(entries, keys, result.stored, changing)
    return result


def do_set_values(
    entries: Sequence[ValueEntry],
    *,
    acting_user: User | None,
    channel: Channel,
    reason: str = "",
    partial: bool = False,
) -> WriteResult:
    """Create or change figures in one transaction, with a history row for each real change.

    Refused with a ``ValueWriteError`` (typed refusals, nothing written) when any figure breaks a rule of
    ``check_values``. ``acting_user`` None means the system itself (reference loads, the demo builder):
    no permission or report-state check. Writing the same figures again changes nothing and adds no history.

    ``partial`` True (a form saved cell by cell): the figures that pass are written and those refused are
    returned in ``WriteResult.refused``, each with its index in ``entries``; a refusal of the write as a
    whole (index None) still refuses everything.
    """
    if partial:
        return _write_passing(entries, acting_user=acting_user, channel=channel, reason=reason)
    try:
        return _write(entries, acting_user=acting_user, channel=channel, reason=reason)
    except IntegrityError:
        # Two writers created the same new figure at once (PostgreSQL): the second insert hit the
        # one-figure-per-cell constraint and its transaction is gone. Report the first writer's change.
        found = check_values(entries, acting_user=acting_user)
        if found.refusals:
            raise ValueWriteError(found.refusals) from None
        raise


def _write_passing(entries: Sequence[ValueEntry], *, acting_user: User | None, channel: Channel, reason: str,
                   ) -> WriteResult:
    """Write the entries ``check_values`` lets through; the others' refusals in ``refused`` (their own index).
    Checked again by ``do_set_values`` itself: a figure refused in between (a report closed, someone else's
    change) joins the refused ones and the rest is tried again."""
    refused: dict[int, list[Refusal]] = {}
    found = check_values(entries, acting_user=acting_user)
    for attempt in range(3):
        whole = [r for r in found.refusals if r.index is None]
        if whole:
            raise ValueWriteError(whole)
        for refusal in found.refusals:
            refused.setdefault(refusal.index, []).append(refusal)  # type: ignore[arg-type]
        kept = [i for i in range(len(entries)) if i not in refused]
        try:
            result = do_set_values([entries[i] for i in kept], acting_user=acting_user, channel=channel,
                                   reason=reason) if kept else WriteResult()
        except ValueWriteError as error:
            if attempt == 2:
                raise
            found = CheckResult(refusals=[replace(r, index=kept[r.index]) if r.index is not None else r
                                          for r in error.refusals])
            continue
        result.warnings = [replace(w, index=kept[w.index]) if w.index is not None else w for w in result.warnings]
        result.refused = [r for index in sorted(refused) for r in refused[index]]
        return result
    raise AssertionError("unreachable")  # pragma: no cover


def _write(entries: Sequence[ValueEntry], *, acting_user: User | None, channel: Channel, reason: str) -> WriteResult:
    """Check and stage outside the write transaction, then write set-based in a short one (``bulkwrite``):
    on SQLite other writers wait only for those few statements. If a figure moved or its report closed
    in between, everything is checked again and written under lock."""
    stage = bulkwrite.Stage()
    try:
        with bulkwrite.collector_paused():  # the checks and the stage of a large write make a million objects
            found = check_values(entries, acting_user=acting_user)
            if found.refusals:
                raise ValueWriteError(found.refusals)
            changed, new = _stage(stage, entries, found)
        try:
            with transaction.atomic():
                if closed_to(acting_user, [key for key, changes in zip(found._keys, found.changes, strict=True)
                                           if changes]):
                    raise bulkwrite.Moved()
                _apply(stage, acting_user=acting_user, channel=channel, reason=reason, found=found)
            return _written(found, changed, new)
        except (bulkwrite.Moved, IntegrityError):
            pass  # someone wrote one of these cells (or closed its report) since it was read
        with transaction.atomic():
            found = check_values(entries, acting_user=acting_user, lock=True)
            if found.refusals:
                raise ValueWriteError(found.refusals)
            changed, new = _stage(stage, entries, found)
            _apply(stage, acting_user=acting_user, channel=channel, reason=reason, found=found)
        return _written(found, changed, new)
    finally:
        stage.drop()


def _user(acting_user: User | None) -> AbstractBaseUser | None:
    return acting_user if acting_user is not None and acting_user.is_authenticated else None  # type: ignore[return-value]


MAX_WARNINGS = 1000


def _stage(stage: bulkwrite.Stage, entries: Sequence[ValueEntry], found: CheckResult,
           ) -> tuple[list[tuple[StoredFigure, ValueEntry]], list[ValueEntry]]:
    changed, new = _planned(entries, found)
    stage.fill(changed, new)
    return changed, new


def _planned(entries: Sequence[ValueEntry], found: CheckResult,
             ) -> tuple[list[tuple[StoredFigure, ValueEntry]], list[ValueEntry]]:
    """The figures that change (with the stored figure) and the new ones. A source or comment given as None (keep
    the stored one) is filled where the rows are staged (``bulkwrite.Stage``), not by copying the entry."""
    stored = found.stored
    if not stored:  # nothing stored: every figure that changes is new
        return [], [entry for entry, changes in zip(entries, found.changes, strict=True) if changes]
    changed: list[tuple[StoredFigure, ValueEntry]] = []
    new: list[ValueEntry] = []
    for entry, key, changes in zip(entries, found._keys, found.changes, strict=True):
        if not changes:
            continue
        current = stored.get(key)
        if current is None:
            new.append(entry)
        else:
            changed.append((current, entry))
    return changed, new


def _apply(stage: bulkwrite.Stage, *, acting_user: User | None, channel: Channel, reason: str,
           found: CheckResult | None = None) -> None:
    """Write what is staged and refresh the roll-ups in this transaction. ``found``: the check of entries all in
    memory, whose changing cells are the staged ones (told as they are, not read back from the stage: a million
    keys, 1,5 s); a write given in parts reads them back."""
    user = _user(acting_user)
    stage.apply(channel=channel, user_id=user.pk if user else None, now=timezone.now(), reason=reason)
    if found is not None:
        hooks.figures_changed([[key for key, changes in zip(found._keys, found.changes, strict=True) if changes]])
    else:
        hooks.figures_changed(stage.keys())  # the roll-ups, in this transaction


def _written(found: CheckResult, changed: list[tuple[StoredFigure, ValueEntry]], new: list[ValueEntry],
             ) -> WriteResult:
    """What was written, after the write transaction (a Python loop over every figure: not under the lock;
    it was half of the 2 s an import of 200.000 figures held SQLite's write lock)."""
    result = WriteResult(warnings=found.warnings, created=len(new), changed=len(changed),
                         unchanged=len(found.changes) - len(new) - len(changed))
    for current, entry in changed:  # the light rows read, now as written: (figure, old value)
        old = current.value
        for name, value in _wanted(entry, current).items():  # type: ignore[arg-type]
            setattr(current, name, value)
        current.revision += 1
        result.changes.append((current, old))  # type: ignore[arg-type]
    return result


@transaction.atomic
def do_delete_value(data_value: DataValue, *, acting_user: User | None, channel: Channel, reason: str) -> None:
    """Mark a figure deleted (it stays in the database and its history). Same permission and report rules
    as a write; a reason is required."""
    entry = ValueEntry(data_value.data_element, data_value.unit, Period.parse(data_value.period), None)
    refusals = _forbidden([entry], acting_user)
    if not refusals and closed_to(acting_user, [entry.key]):
        refusals = [Refusal(RefusalKind.CLOSED, 0, "Báo cáo chứa số liệu này đã gửi hoặc đã duyệt; chỉ xóa được "
                            "sau khi bị trả lại.", "The report holding this figure is submitted or approved; it can be "
                            "deleted only once the report is returned.")]
    if not refusals and not reason.strip():
        refusals = [Refusal(RefusalKind.INVALID, 0, "Hãy ghi lý do xóa số liệu.", "Give a reason for the deletion.")]
    if refusals:
        raise ValueWriteError(refusals)
    if data_value.is_deleted:
        return
    old = data_value.value
    data_value.is_deleted = True
    data_value.revision += 1
    data_value.channel = channel
    data_value.updated_by = (acting_user if acting_user is not None and acting_user.is_authenticated  # type: ignore[assignment]
                             else None)
    data_value.updated_at = timezone.now()
    data_value.save()
    _history(data_value, old, reason).save()
    hooks.figures_changed([[(data_value.data_element_id, data_value.unit_id, data_value.period)]])


# -- the rules ----------------------------------------------------------------------------------------

def _forbidden(entries: Sequence[ValueEntry], acting_user: User | None) -> list[Refusal]:
    """One refusal per figure of a unit the writer may not write (checked before anything is read)."""
    if acting_user is None:
        return []
    prefixes = write_prefixes(acting_user)
    if prefixes is None:
        return []
    refusals = []
    for index, entry in enumerate(entries):
        unit = entry.unit
        if not any(unit.path.startswith(p) for p in prefixes):
            refusals.append(Refusal(
                RefusalKind.FORBIDDEN, index,
                f"{entry.where()}: bạn không có quyền ghi số liệu cho {unit.name} (mã {unit.code}, danh mục "
                f"{unit.version.name}). Bỏ số này, hoặc nhờ cán bộ của đơn vị đó nhập.",
                f"{entry.where_en()}: you may not write figures for {unit.name} (code {unit.code}, version "
                f"{unit.version.name}). Leave this figure out, or ask an officer of that unit to enter it.",
                field="unit"))
    return refusals


def _each(entries: Sequence[ValueEntry], keys: list[Key]) -> tuple[list[Refusal], list[Refusal]]:
    """Refusals and warnings of each figure on its own: value type, qualifier, validity, duplicates.

    One pass, with what many figures share worked out once (a unit's validity, the usual ranges): a figure that
    breaks nothing costs a few comparisons (``bounds.ordinary``), and words are written only for the figures
    refused or warned about (an import checks a million figures, twice: preview and write)."""
    refusals, warnings = [], []
    twice = _repeated(keys)
    validity: dict[int, tuple[date | None, date | None]] = {}
    usual = _sanity_bounds(keys)
    ordinary, qualifiers = bounds.ordinary, QUALIFIERS
    for index, entry in enumerate(entries):
        unit, value = entry.unit, entry.value
        if twice and index in twice:
            where = entry.where()
            refusals.append(Refusal(RefusalKind.DUPLICATE, index, f"{where}: trùng với một giá trị trước đó trong "
                                    "cùng lần ghi; giữ lại một.", f"{entry.where_en()}: the same figure is given "
                                    "earlier in this write; keep only one."))
        span = validity.get(unit.id)
        if span is None:
            span = validity[unit.id] = (unit.effective_from(), unit.effective_to())
        start, end = span
        last_day = entry.period.end
        if (start and last_day < start) or (end and last_day > end):
            refusals.append(_outside_validity(entry, index, start, end))
        if entry.qualifier not in qualifiers:
            where = entry.where()
            refusals.append(Refusal(RefusalKind.INVALID, index, f"{where}: độ chính xác '{entry.qualifier}' không hợp "
                                    f"lệ (có: {', '.join(Qualifier.values)}).",
                                    f"{entry.where_en()}: the qualifier '{entry.qualifier}' is not valid (valid: "
                                    f"{', '.join(Qualifier.values)}).", field="qualifier"))
        if value is None:
            continue
        if not isinstance(value, Decimal):
            value = Decimal(str(value))
        value_type = entry.data_element.value_type
        if not ordinary(value, value_type):
            fault = bounds.fault(value, value_type)
            if fault is not None:
                shown = _show(value)
                refusals.append(Refusal(RefusalKind.INVALID, index, f"{entry.where()}: {shown} — {fault}",
                                        f"{entry.where_en()}: {shown} — {bounds.fault_en(value, value_type)}",
                                        field="value"))
                continue
            doubt = bounds.warning(value, value_type)
            if doubt is not None:
                warnings.append(Refusal(RefusalKind.INVALID, index, f"{entry.where()}: {doubt}",
                                        f"{entry.where_en()}: {bounds.warning_en(value, value_type)}", field="value"))
        if usual:
            bound = usual.get((keys[index][0], unit.type))
            if bound is not None and ((bound.low is not None and value < bound.low)
                                      or (bound.high is not None and value > bound.high)):
                vi, en = _outside_usual(value, unit, bound)
                warnings.append(Refusal(RefusalKind.INVALID, index, f"{entry.where()}: {vi}",
                                        f"{entry.where_en()}: {en}", field="value"))
    return refusals, warnings


def _repeated(keys: list[Key]) -> set[int]:
    """The positions of the cells given a second (third, …) time."""
    if len(set(keys)) == len(keys):
        return set()
    seen: set[Key] = set()
    again = set()
    for index, key in enumerate(keys):
        if key in seen:
            again.add(index)
        seen.add(key)
    return again


def _outside_validity(entry: ValueEntry, index: int, start: date | None, end: date | None) -> Refusal:
    where, unit = entry.where(), entry.unit
    valid = f"{_day(start)} – {_day(end)}"
    return Refusal(
        RefusalKind.OUTSIDE_VALIDITY, index,
        f"{where}: {unit.name} (mã {unit.code}, danh mục {unit.version.name}) chỉ có hiệu "
        f"lực {valid}, không gồm ngày cuối kỳ ({entry.period.end:%d/%m/%Y}). Ghi số liệu cho đơn vị có "
        "hiệu lực vào cuối kỳ.",
        f"{entry.where_en()}: {unit.name} (code {unit.code}, version {unit.version.name}) is valid "
        f"only {valid}, which does not include the period's last day ({entry.period.end:%d/%m/%Y}). Write figures "
        "for the unit valid at the period's end.", field="unit")


def _sanity_bounds(keys: list[Key]) -> dict[tuple[int, str], SanityBound]:
    """The usual ranges (``indicators.SanityBound``) of the data elements and kinds of unit written."""
    elements = {key[0] for key in keys}
    if not elements:
        return {}
    return {(b.data_element_id, b.unit_type): b for b in SanityBound.objects.filter(data_element_id__in=elements)}


def _outside_usual(value: Decimal, unit: Unit, usual: SanityBound) -> tuple[str, str]:
    """The warning (Vietnamese, English) for ``value`` outside what the element usually is for this kind of unit:
    written all the same, for the writer to check. The range's grounds (``SanityBound.why``) are written in
    Vietnamese only: the English sentence goes without them."""
    kind = kind_word(unit.type)
    low, high = _usual_range(usual.low, usual.high)
    large = usual.high is not None and value > usual.high
    why = f" ({usual.why})" if usual.why else ""
    shown = _show(value)
    return (f"{shown} {'lớn' if large else 'nhỏ'} bất thường cho một {kind}: thường trong khoảng {low} – {high}{why}. "
            "Kiểm tra lại xem có gõ thừa hay thiếu chữ số; nếu đúng vẫn lưu được.",
            f"{shown} is unusually {'large' if large else 'small'} for a {kind_word_en(unit.type)}: "
            f"usually {low} – {high}. Check for a digit too many or too few; if it is right, it can still be saved.")


@lru_cache(maxsize=1024)
def _usual_range(low: Decimal | None, high: Decimal | None) -> tuple[str, str]:
    return format_number(low) if low is not None else "…", format_number(high) if high is not None else "…"


def _conflicts(entries: Sequence[ValueEntry], keys: list[Key], stored: dict[Key, StoredFigure],
               changing: list[int]) -> list[Refusal]:
    refusals = []
    for index in changing:
        entry = entries[index]
        if entry.expected_revision is None:
            continue
        current = stored.get(keys[index])
        revision = current.revision if current is not None else 0
        if revision == entry.expected_revision or _holds(current, entry):
            continue
        since: tuple[DataValueHistory, ...] = ()
        if current is not None:
            since = tuple(current.history.filter(revision__gt=entry.expected_revision)
                          .select_related("changed_by").order_by("revision"))
        others = "; rồi ".join(describe(h) for h in since) or "đã bị thay đổi"
        others_en = "; then ".join(describe_en(h) for h in since) or "changed by someone else"
        typed = show_figure(entry.value, entry.qualifier)
        refusals.append(Refusal(
            RefusalKind.CONFLICT, index,
            f"{entry.where()}: {others} — sau khi bạn mở số liệu (bạn thấy lần sửa {entry.expected_revision}, nay là "
            f"lần sửa {revision}). Số bạn nhập ({typed or 'ô trống'}) chưa được "
            "lưu: xem lại rồi lưu lại nếu vẫn đúng.",
            f"{entry.where_en()}: {others_en} — after you read it (you saw revision "
            f"{entry.expected_revision}, now {revision}). Your figure ({typed or 'an empty cell'}) was not saved: "
            "look again, and save it again if it is still right.", field="value", current=current,
            since=since))
    return refusals


def _holds(stored: StoredFigure | None, entry: ValueEntry) -> bool:
    """The stored figure already has the value the writer wants: writing it loses nothing."""
    if stored is None or stored.is_deleted:
        return False
    return _same(stored.value, entry.value) and stored.qualifier == entry.qualifier


def _filled(entry: ValueEntry, current: StoredFigure | None) -> ValueEntry:
    """``entry`` with the stored source and comment where it keeps them (None)."""
    if entry.source is not None and entry.comment is not None:
        return entry
    return replace(entry, source=entry.source if entry.source is not None else (current.source if current else ""),
                   comment=entry.comment if entry.comment is not None else (current.comment if current else ""))


def _wanted(entry: ValueEntry, current: StoredFigure | None) -> dict[str, object]:
    filled = _filled(entry, current)
    return {"value": filled.value, "qualifier": filled.qualifier, "source": filled.source,
            "comment": filled.comment, "is_illustrative": filled.is_illustrative, "is_deleted": False}


def _changes(current: StoredFigure | None, entry: ValueEntry) -> bool:
    """Whether writing ``entry`` changes the stored figure (any tracked field)."""
    if current is None:
        return True
    wanted = _wanted(entry, current)
    return not all(_same(getattr(current, name), wanted[name]) for name in TRACKED)


# -- texts ---------------------------------------------------------------------------------------------

def show_figure(value: Decimal | None, qualifier: str = Qualifier.EXACT) -> str:
    """'hơn 3.500' — a figure the way a Vietnamese report writes it ("" for none)."""
    if value is None:
        return ""
    word = QUALIFIER_WORDS.get(qualifier, "")  # type: ignore[call-overload]
    return f"{word} {format_number(value)}" if word else format_number(value)


def describe(change: DataValueHistory) -> str:
    """'Nguyễn Văn A (nva) sửa lúc 09:15 ngày 23/11/2026, nhập trên web: 100 → 120'."""
    name, when, old, new = _change_parts(change, system="hệ thống", deleted="đã xóa")
    return f"{name} sửa lúc {when:%H:%M} ngày {when:%d/%m/%Y}, {_lower(change.get_channel_display())}: {old} → {new}"


def describe_en(change: DataValueHistory) -> str:
    """``describe`` in English: 'Nguyễn Văn A (nva) changed it at 09:15 on 23/11/2026, entered on the web: 100 → 120'
    (figures written as the grid writes them)."""
    name, when, old, new = _change_parts(change, system="the system", deleted="deleted")
    channel = _lower(CHANNEL_EN.get(change.channel, change.channel))
    return f"{name} changed it at {when:%H:%M} on {when:%d/%m/%Y}, {channel}: {old} → {new}"


def _change_parts(change: DataValueHistory, *, system: str, deleted: str) -> tuple[str, datetime, str, str]:
    """Who changed a figure (``system`` for no one), when (local time), from what, to what."""
    who = change.changed_by
    name = (f"{who.get_full_name()} ({who.get_username()})" if who.get_full_name() else who.get_username()) \
        if who is not None else system
    old = show_figure(change.old_value) or "–"
    new = deleted if change.is_deleted else show_figure(change.value, change.qualifier) or "–"
    return name, timezone.localtime(change.changed_at), old, new


def _lower(channel: str) -> str:
    """A channel's label inside a sentence: lower case, but an acronym (API) as it is."""
    return channel if channel.isupper() else channel.lower()


def _day(day: object) -> str:
    return day.strftime("%d/%m/%Y") if day is not None else "…"  # type: ignore[attr-defined]


def _show(value: Decimal) -> str:
    """A refused number as the writer can recognise it; huge and non-finite ones without expanding them."""
    if not value.is_finite():
        return str(value)
    if value.adjusted() >= 15:  # adjusted(): no arithmetic, so 1e999999999 does not overflow
        return f"{value:.3E}"
    exponent = value.as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < -bounds.DECIMALS else None
    return format_number(value, decimals=min(decimals, 30) if decimals else None)


def _existing(keys: list[Key], *, lock: bool) -> dict[Key, StoredFigure]:
    """The stored figures of these cells as light rows (an import reads hundreds of thousands)."""
    return bulkwrite.stored_figures(keys, lock=lock)


def _same(a: object, b: object) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return a is not None and b is not None and Decimal(a) == Decimal(b)  # type: ignore[arg-type]
    return a == b


def _history(value: DataValue, old: Decimal | None, reason: str) -> DataValueHistory:
    return DataValueHistory(
        data_value=value, revision=value.revision, old_value=old, value=value.value, qualifier=value.qualifier,
        source=value.source, comment=value.comment, is_deleted=value.is_deleted, channel=value.channel,
        reason=reason, changed_by=value.updated_by, changed_at=value.updated_at, is_illustrative=value.is_illustrative,
    )
