"""Registers as an XLSX workbook: export what a reader may see under a unit, import it back all or nothing.

One sheet per kind (``SHEETS``), one row per entry. Columns: ``Mã mục`` (empty: a new entry), ``Danh mục đơn vị``
and ``Mã đơn vị`` (where the entry sits), ``Tên đơn vị`` (shown, not read), ``Tên``, one column per attribute of
the kind (its Vietnamese label), ``Đang theo dõi`` (có/không: "không" retires the entry), ``Hiệu lực từ (lần ghi
gần nhất)`` (shown, not read), ``Ngày hiệu lực của thay đổi`` (dd/mm/yyyy; empty: today), ``Lý do`` and
``Lần sửa`` (the revision read: a row of an entry someone changed since is refused, nothing lost).

Import parses every cell first and reports every fault at once (sheet, row, column, what to do, in Vietnamese);
then every row goes through ``registers.actions`` in one transaction, so one refused row writes nothing at all.
A row that changes nothing is skipped: a file exported and imported back writes nothing. Text cells are written
through ``engine.spreadsheet.put_row`` (a name starting with "=" stays text, never a formula); a formula in an
imported file is refused.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from chiso.engine.spreadsheet import is_formula_like, put_row
from chiso.registers.actions import RegisterError, RegisterRefusal, do_add_entry, do_change_entry, do_retire_entry
from chiso.registers.kinds import KINDS, AttributeFault, Kind, Value
from chiso.registers.models import Entry
from chiso.registers.queries import readable_entry
from chiso.units.models import Unit
from chiso.values.models import Channel

User = AbstractBaseUser | AnonymousUser
SHEETS = {"cho": "Chợ", "truong": "Trường học", "co-so-y-te": "Cơ sở khám chữa bệnh", "ocop": "Sản phẩm OCOP",
          "di-tich": "Di tích số hóa", "tuyen-pho": "Tuyến phố, tuyến đường", "ho-chua-co-dtdm": "Hộ chưa có ĐTTM",
          "ho-kinh-doanh-tmdt": "Hộ kinh doanh trên sàn TMĐT"}
KIND_OF_SHEET = {title: code for code, title in SHEETS.items()}
ID, VERSION, UNIT, UNIT_NAME, NAME = "Mã mục", "Danh mục đơn vị", "Mã đơn vị", "Tên đơn vị", "Tên"
ACTIVE, LAST, EFFECTIVE, REASON, REVISION = ("Đang theo dõi", "Hiệu lực từ (lần ghi gần nhất)",
                                            "Ngày hiệu lực của thay đổi", "Lý do", "Lần sửa")
MAX_ROWS = 5000
FIELD_COLUMN = {"name": NAME, "unit": UNIT, "effective_on": EFFECTIVE, "reason": REASON, "revision": REVISION,
                "active": ACTIVE, "kind": ""}
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def headers(kind: Kind) -> list[str]:
    return [ID, VERSION, UNIT, UNIT_NAME, NAME, *[a.label for a in kind.attributes], ACTIVE, LAST, EFFECTIVE, REASON,
            REVISION]


def export_workbook(entries: list[Entry]) -> bytes:
    """The workbook of ``entries`` (already filtered to what the reader may see), every kind a sheet."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    by_kind: dict[str, list[Entry]] = {code: [] for code in KINDS}
    for entry in entries:
        by_kind.setdefault(entry.kind, []).append(entry)
    for code, kind in KINDS.items():
        sheet = book.create_sheet(SHEETS[code])
        put_row(sheet, headers(kind))
        for entry in by_kind[code]:
            put_row(sheet, [entry.pk, entry.unit.version.name, entry.unit.code, entry.unit.name, entry.name,
                            *[_cell(a.show(entry.attributes.get(a.code)), a.type) for a in kind.attributes],
                            "có" if entry.active else "không", entry.effective_on.strftime("%d/%m/%Y"), None, None,
                            entry.revision])
        for column, width in zip("ABCDE", (9, 12, 10, 24, 40), strict=True):
            sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(text: str, type_: str) -> object:
    """Integers as numbers (so a spreadsheet adds them up), everything else as the text people read."""
    if type_ == "integer" and text:
        return int(text.replace(".", ""))
    return text or None


# -- import ---------------------------------------------------------------------------------------------

@dataclass
class ImportResult:
    added: int = 0
    changed: int = 0
    retired: int = 0
    unchanged: int = 0


class RegisterImportRefused(Exception):
    """Nothing was written; ``problems`` holds one Vietnamese sentence per fault (sheet, row, column)."""

    def __init__(self, problems: list[str], status: int = 400):
        self.problems, self.status = problems, status
        super().__init__("\n".join(problems))

    @property
    def summary(self) -> str:
        return (f"Không nhập, chưa ghi gì: {len(self.problems)} lỗi. Sửa các ô nêu dưới đây rồi tải tệp lên lại.")


@dataclass
class _Row:
    sheet: str
    number: int
    kind: Kind
    entry_id: int | None
    unit: Unit | None
    name: str
    attributes: dict[str, Value]
    active: bool
    effective_on: date | None
    reason: str
    revision: int | None
    problems: list[str] = field(default_factory=list)

    def where(self, column: str) -> str:
        return f'Trang "{self.sheet}", dòng {self.number}' + (f', cột "{column}"' if column else "")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text.startswith("'") and is_formula_like(text[1:]):
        text = text[1:]  # the apostrophe a CSV-minded user typed before a formula-like text
    return text


def _date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    found = _DMY.fullmatch(_text(value))
    if not found:
        raise ValueError
    day, month, year = (int(g) for g in found.groups())
    return date(year, month, day)


def _read(content: bytes) -> list[tuple[str, list[tuple[int, list[Any]]]]]:
    """(sheet title, [(row number, cell values)]) of every sheet; formula cells come back as '=…' strings marked
    by a leading ``FORMULA`` sentinel."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    sheets = []
    for sheet in book.worksheets:
        rows = []
        for number, row in enumerate(sheet.iter_rows(), start=1):
            if number > MAX_ROWS + 1:
                raise RegisterImportRefused([f'Trang "{sheet.title}" có hơn {MAX_ROWS} dòng: chia thành nhiều tệp.'])
            rows.append((number, [(_FORMULA, c.value) if getattr(c, "data_type", "") == "f" else c.value
                                  for c in row]))
        sheets.append((sheet.title, rows))
    book.close()
    return sheets


_FORMULA = object()


def _parse(content: bytes, acting_user: User) -> tuple[list[_Row], list[str]]:
    try:
        sheets = _read(content)
    except RegisterImportRefused:
        raise
    except Exception:  # noqa: BLE001 - any reader failure is a file that is not a workbook
        raise RegisterImportRefused(["Tệp không phải bảng tính XLSX đọc được: lưu lại dưới dạng .xlsx (Excel, "
                                     "LibreOffice) rồi tải lên lại."]) from None
    rows: list[_Row] = []
    problems: list[str] = []
    units: dict[tuple[str, str], Unit | None] = {}
    for title, cells in sheets:
        code = KIND_OF_SHEET.get(title.strip())
        if code is None:
            problems.append(f'Trang "{title}" không phải sổ theo dõi nào: đổi tên trang thành một trong '
                            f'{", ".join(repr(t) for t in SHEETS.values())}, hoặc xóa trang.')
            continue
        kind = KINDS[code]
        if not cells:
            continue
        heading = [_text(v if not isinstance(v, tuple) else v[1]) for v in cells[0][1]]
        wanted = [h for h in headers(kind) if h not in (UNIT_NAME, LAST)]
        missing = [h for h in wanted if h not in heading]
        if missing:
            problems.append(f'Trang "{title}", dòng 1: thiếu cột {", ".join(repr(m) for m in missing)}. Tải tệp '
                            "mẫu từ trang sổ theo dõi và giữ nguyên dòng tiêu đề.")
            continue
        at = {h: heading.index(h) for h in wanted}
        for number, values in cells[1:]:
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            rows.append(_row(title, number, kind, values, at, units, acting_user))
    for row in rows:
        problems += row.problems
    return rows, problems


def _row(title: str, number: int, kind: Kind, values: list[Any], at: dict[str, int],
         units: dict[tuple[str, str], Unit | None], acting_user: User) -> _Row:
    row = _Row(title, number, kind, None, None, "", {}, True, None, "", None)

    def cell(column: str) -> object:
        index = at[column]
        value = values[index] if index < len(values) else None
        if isinstance(value, tuple) and value and value[0] is _FORMULA:
            row.problems.append(f"{row.where(column)}: ô là công thức ({_text(value[1])[:40]}); ghi giá trị, không "
                                "ghi công thức.")
            return None
        return value

    raw_id = _text(cell(ID))
    if raw_id:
        if not raw_id.isdigit():
            row.problems.append(f"{row.where(ID)}: '{raw_id}' không phải mã mục; để trống khi thêm mục mới.")
        else:
            row.entry_id = int(raw_id)
            entry = readable_entry(acting_user, row.entry_id)
            if entry is None or entry.kind != kind.code:
                row.problems.append(f"{row.where(ID)}: không có mục {raw_id} trong sổ {kind.lowered} (hoặc "
                                    "bạn không xem được); để trống khi thêm mục mới.")
    version, code = _text(cell(VERSION)), _text(cell(UNIT))
    if not version or not code:
        row.problems.append(f"{row.where(UNIT if version else VERSION)}: cần ghi danh mục đơn vị (ví dụ 2025-07) và "
                            "mã đơn vị (ví dụ 20209).")
    else:
        if (version, code) not in units:
            units[(version, code)] = Unit.objects.select_related("version").filter(
                version__name=version, code=code).first()
        row.unit = units[(version, code)]
        if row.unit is None:
            row.problems.append(f"{row.where(UNIT)}: không có đơn vị mã '{code}' trong danh mục '{version}'.")
    row.name = _text(cell(NAME))
    for attribute in kind.attributes:
        try:
            row.attributes[attribute.code] = attribute.parse(_text(cell(attribute.label)))
        except AttributeFault as fault:
            row.problems.append(f"{row.where(attribute.label)}: {fault}.")
    active = _text(cell(ACTIVE)).casefold()
    if active in ("", "có", "co"):
        row.active = True
    elif active in ("không", "khong"):
        row.active = False
    else:
        row.problems.append(f"{row.where(ACTIVE)}: '{active}' không hợp lệ — ghi 'có' hoặc 'không'.")
    raw_day = cell(EFFECTIVE)
    if _text(raw_day):
        try:
            row.effective_on = _date(raw_day)
        except ValueError:
            row.problems.append(f"{row.where(EFFECTIVE)}: '{_text(raw_day)}' không phải ngày; ghi dd/mm/yyyy (ví dụ "
                                "15/03/2026) hoặc để trống (hôm nay).")
    row.reason = _text(cell(REASON))
    raw_revision = _text(cell(REVISION))
    if raw_revision:
        if raw_revision.isdigit() and len(raw_revision) < 10:
            row.revision = int(raw_revision)
        else:
            row.problems.append(f"{row.where(REVISION)}: '{raw_revision}' không phải số lần sửa; giữ nguyên số đã "
                                "xuất ra.")
    return row


def import_workbook(content: bytes, *, acting_user: User, channel: str = Channel.IMPORT) -> ImportResult:
    """Apply a workbook of registers, all rows or none; raises ``RegisterImportRefused`` with every fault."""
    rows, problems = _parse(content, acting_user)
    if problems:
        raise RegisterImportRefused(problems)
    result = ImportResult()
    statuses = []
    with transaction.atomic():
        for row in rows:
            try:
                with transaction.atomic():
                    _apply(row, result, acting_user, channel)
            except RegisterError as error:
                column = FIELD_COLUMN.get(error.field, "")
                if not column and error.field:
                    try:
                        column = row.kind.attribute(error.field).label
                    except KeyError:
                        column = ""
                problems.append(f"{row.where(column)}: {error.message}")
                statuses.append(error.status)
        if problems:
            transaction.set_rollback(True)
    if problems:
        raise RegisterImportRefused(problems, 403 if 403 in statuses else 409 if 409 in statuses else 400)
    return result


def _apply(row: _Row, result: ImportResult, acting_user: User, channel: str) -> None:
    assert row.unit is not None
    reason = row.reason
    if row.entry_id is None:
        if not row.active:
            raise RegisterError(RegisterRefusal.INVALID, "Mục mới phải đang theo dõi: ghi 'có', hoặc bỏ dòng này.",
                                "active")
        do_add_entry(row.kind.code, row.unit, row.name, row.attributes, acting_user=acting_user,
                     effective_on=row.effective_on, channel=channel, reason=reason)
        result.added += 1
        return
    entry = Entry.objects.select_related("unit__version").get(pk=row.entry_id)
    if not entry.active:
        if row.active:
            raise RegisterError(RegisterRefusal.INVALID,
                                f"'{entry.name}' đã thôi theo dõi; thêm lại thì để trống mã mục.",
                                "active")
        result.unchanged += 1
        return
    revision = entry.revision
    changed = do_change_entry(entry, acting_user=acting_user, name=row.name, attributes=row.attributes,
                              unit=row.unit, effective_on=row.effective_on, channel=channel, reason=reason,
                              expected_revision=row.revision)
    if changed.revision != revision:
        result.changed += 1
    if not row.active:
        do_retire_entry(changed, acting_user=acting_user, reason=reason, effective_on=row.effective_on,
                        channel=channel)
        result.retired += 1
    elif changed.revision == revision:
        result.unchanged += 1
