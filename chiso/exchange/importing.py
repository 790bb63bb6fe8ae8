"""DHIS2 data values in: parse, map, then the one write path, all or nothing.

Each record is mapped (element and category option combo, org unit in the version in force at the end of its
period, the period, the number, chiso's tags in the comment) into the ``ValueEntry`` the file importer builds;
``values.actions.check_values`` judges them all (permission, closed reports, value types, validity — every rule)
and, unless it is a dry run, ``do_set_values`` writes them in one call with a history row per change. One fault
anywhere and nothing is written: the answer names each fault by its record (JSON ``dataValues[i]``, CSV line)
and field, in Vietnamese, in DHIS2's import-summary shape::

    {"status": "SUCCESS" | "WARNING" | "ERROR", "description": …, "dryRun": false,
     "importCount": {"imported": 3, "updated": 1, "ignored": 0, "deleted": 0},
     "conflicts": [{"object": "20212", "value": "bản ghi dataValues[2], trường orgUnit: …",
                    "property": "orgUnit", "indexes": [2]}]}

``imported`` counts new figures, ``updated`` changed ones, ``ignored`` those already stored as sent (or, on an
error, every record: nothing was written).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from chiso.collection.importer.resolve import NotFound
from chiso.engine.numbers import format_number
from chiso.exchange.formats import FormatError, Record, read, read_comment
from chiso.exchange.mappings import Mapping
from chiso.exchange.models import DEFAULT_COMBO
from chiso.exchange.periods import DhisPeriodError, from_dhis2
from chiso.values.actions import Refusal, ValueEntry, ValueWriteError, check_values, do_set_values
from chiso.values.models import Channel, Qualifier

User = AbstractBaseUser | AnonymousUser
MAX_CONFLICTS = 1000
_FIELD_OF = {"unit": "orgUnit", "value": "value", "qualifier": "comment", "": "dataElement"}


@dataclass(frozen=True)
class Conflict:
    object: str  # what was wrong, as the file wrote it (an identifier, a value)
    value: str  # the sentence: where (record, field), what, what to do
    property: str = ""
    index: int | None = None

    def as_dhis2(self) -> dict[str, Any]:
        found: dict[str, Any] = {"object": self.object, "value": self.value}
        if self.property:
            found["property"] = self.property
        if self.index is not None:
            found["indexes"] = [self.index]
        return found


@dataclass
class Summary:
    records: int = 0
    imported: int = 0
    updated: int = 0
    ignored: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    warnings: list[Conflict] = field(default_factory=list)
    dry_run: bool = False
    http_status: int = 200  # what an HTTP channel answers: 400 bad content, 403 a unit out of reach, 409 closed

    @property
    def status(self) -> str:
        return "ERROR" if self.conflicts else "WARNING" if self.warnings else "SUCCESS"

    @property
    def description(self) -> str:
        if self.conflicts:
            return (f"Không nhập gì: {format_number(len(self.conflicts))} lỗi trong "
                    f"{format_number(self.records)} số liệu. Sửa rồi gửi lại cả tệp.")
        verb = "Sẽ nhập" if self.dry_run else "Đã nhập"
        return (f"{verb} {format_number(self.records)} số liệu: {format_number(self.imported)} mới, "
                f"{format_number(self.updated)} thay đổi, {format_number(self.ignored)} không đổi.")

    def as_dhis2(self) -> dict[str, Any]:
        return {"status": self.status, "description": self.description, "dryRun": self.dry_run,
                "importCount": {"imported": self.imported, "updated": self.updated, "ignored": self.ignored,
                                "deleted": 0},
                "conflicts": [c.as_dhis2() for c in [*self.conflicts, *self.warnings][:MAX_CONFLICTS]]}


def import_data_values(name: str, content: bytes, *, acting_user: User, channel: Channel, dry_run: bool = False,
                       kind: str | None = None) -> Summary:
    """Import a JSON or CSV data value set (``kind`` "json"/"csv"; None: guessed) as ``acting_user``; never raises
    for a bad body: every fault is a conflict of the summary, and then nothing was written."""
    summary = Summary(dry_run=dry_run)
    try:
        records = read(content, kind=kind)
    except FormatError as error:
        summary.conflicts.append(Conflict(name, error.vi))
        summary.http_status = 400
        return summary
    summary.records = len(records)
    entries, places = _entries(records, summary)
    if not summary.conflicts and not entries:
        summary.conflicts.append(Conflict(name, "không có số liệu nào để nhập (danh sách dataValues trống)."))
    if summary.conflicts:
        summary.ignored, summary.http_status = len(records), 400
        return summary
    found = check_values(entries, acting_user=acting_user)
    if found.refusals:
        return _refused(summary, found.refusals, places, entries)
    summary.warnings = [_conflict(r, places, entries) for r in found.warnings]
    if dry_run:
        changing = [entry.key for entry, changes in zip(entries, found.changes, strict=True) if changes]
        summary.imported = sum(1 for key in changing if key not in found.stored)
        summary.updated = len(changing) - summary.imported
        summary.ignored = len(entries) - summary.imported - summary.updated
        return summary
    try:
        written = do_set_values(entries, acting_user=acting_user, channel=channel, reason=f"Nhập DHIS2 từ {name}")
    except ValueWriteError as error:
        return _refused(summary, error.refusals, places, entries)
    summary.imported, summary.updated, summary.ignored = written.created, written.changed, written.unchanged
    return summary


def _refused(summary: Summary, refusals: list[Refusal], places: list[Record], entries: list[ValueEntry]) -> Summary:
    summary.conflicts = [_conflict(r, places, entries) for r in refusals]
    summary.http_status = ValueWriteError(refusals).status
    summary.warnings = []
    summary.ignored = summary.records
    return summary


def _conflict(refusal: Refusal, places: list[Record], entries: list[ValueEntry]) -> Conflict:
    if refusal.index is None:
        return Conflict("dataValues", refusal.message)
    record, entry = places[refusal.index], entries[refusal.index]
    prop = _FIELD_OF.get(refusal.field, "dataElement")
    shown = {"orgUnit": record.get("orgUnit"), "value": record.get("value"), "comment": entry.qualifier}
    return Conflict(shown.get(prop, record.get("dataElement")), f"{record.place}, trường {prop}: {refusal.message}",
                    prop, record.index)


def _entries(records: list[Record], summary: Summary) -> tuple[list[ValueEntry], list[Record]]:
    """The entries of the records that map, and for each the record it came from; faults into ``summary``."""
    mapping = Mapping()
    entries: list[ValueEntry] = []
    places: list[Record] = []

    def fail(record: Record, prop: str, vi: str) -> None:
        if len(summary.conflicts) < MAX_CONFLICTS:
            summary.conflicts.append(Conflict(record.get(prop) if prop else "", f"{record.place}, trường {prop}: {vi}"
                                              if prop else f"{record.place}: {vi}", prop, record.index))

    for record in records:
        if record.get("_not_an_object"):
            fail(record, "", "mỗi bản ghi phải là một đối tượng JSON {\"dataElement\": …, …}.")
            continue
        faults = len(summary.conflicts)
        if record.get("deleted") == "true":
            fail(record, "deleted", "chiso không xóa số liệu qua DHIS2; xóa trên trang nhập liệu (có lý do).")
        combo = record.get("attributeOptionCombo")
        if combo and combo != DEFAULT_COMBO:
            fail(record, "attributeOptionCombo", f"chiso chỉ nhận attributeOptionCombo mặc định ({DEFAULT_COMBO}) "
                 "hoặc để trống.")
        period = None
        try:
            period = from_dhis2(record.get("period"))
        except DhisPeriodError as error:
            fail(record, "period", error.vi)
        element = None
        try:
            element = mapping.element(record.get("dataElement"), record.get("categoryOptionCombo"))
        except NotFound as error:
            fail(record, "dataElement", error.vi)
        unit = None
        if period is not None:
            try:
                unit = mapping.unit(record.get("orgUnit"), period)
            except NotFound as error:
                fail(record, "orgUnit", error.vi)
        value = _number(record.get("value"))
        if value is None:
            shown = record.get("value")
            fail(record, "value", f"'{shown[:30]}' không phải số: ghi số dạng 1234.5 (dấu chấm thập phân, không "
                 "phân nhóm)." if shown else "thiếu giá trị.")
        notes = read_comment(record.get("comment"))
        if notes.qualifier not in Qualifier.values:
            fail(record, "comment", f"độ chính xác '{notes.qualifier}' trong thẻ [chiso qualifier=…] không hợp lệ "
                 f"(có: {', '.join(Qualifier.values)}).")
        if len(summary.conflicts) > faults or period is None or element is None or unit is None:
            continue
        entries.append(ValueEntry(element, unit, period, value, notes.qualifier, notes.source, notes.comment,
                                  is_illustrative=notes.illustrative))
        places.append(record)
    return entries, places


def _number(text: str) -> Decimal | None:
    """A DHIS2 value: a plain number (``1234.5``, ``-3``, ``1e3``); None when it is not one."""
    if not text or len(text) > 40:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None
