"""Importing a plan spreadsheet (CSV or XLSX): one target per row, all rows or none.

Columns, found by their header (Vietnamese or English, with or without diacritics, in any order):
``mã đơn vị`` (unit code), ``năm`` (year), ``mã chỉ tiêu`` (indicator code), ``giá trị mục tiêu`` (target
value, Vietnamese number: 91,5 or 1.234), ``thời hạn`` (date, dd/mm/yyyy; empty: 31/12 of the year),
``lý do`` (reason), and optionally ``đánh giá theo`` (judged on), ``phiên bản`` (hierarchy version; empty:
the one in force at the target's date) and ``phạm vi`` (``chỉ tiêu`` of the unit — the default — or
``tối thiểu``, the minimum assigned to the units below).

The file is read with the data importer's readers (encodings, delimiters, Excel cells:
``collection.importer.sheets``); every target is written by ``plans.actions`` in one transaction, so a
refusal of any row (permission, bounds, minimum above, …) writes nothing. Each fault names the file,
the row and the column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from chiso.collection.importer.problems import ImportRefused, Problems
from chiso.collection.importer.sheets import Cell, read_file
from chiso.engine.numbers import NumberFormatError, parse_vn_number
from chiso.engine.text import fold
from chiso.indicators.models import Indicator
from chiso.plans.actions import PlanError, do_set_target
from chiso.plans.models import JudgedOn, Target, TargetScope
from chiso.units.models import HierarchyVersion, Unit
from chiso.values.models import Channel

__all__ = ["COLUMNS", "ImportRefused", "PlanImport", "PlanImportRefused", "import_plan"]

MAX_ROWS = 5000

# field → (header as the template writes it, the folded headers accepted, required)
COLUMNS: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "unit": ("mã đơn vị", ("ma don vi", "don vi", "ma dv", "unit", "unit code", "unit_code"), True),
    "year": ("năm", ("nam", "nam ke hoach", "year"), True),
    "indicator": ("mã chỉ tiêu", ("ma chi tieu", "chi tieu", "indicator", "indicator code", "indicator_code"), True),
    "value": ("giá trị mục tiêu", ("gia tri muc tieu", "muc tieu", "gia tri", "target", "target value",
                                   "target_value", "value"), True),
    "date": ("thời hạn", ("thoi han", "ngay", "han", "date", "target date", "target_date"), False),
    "judged_on": ("đánh giá theo", ("danh gia theo", "judged on", "judged_on"), False),
    "reason": ("lý do", ("ly do", "reason"), False),
    "version": ("phiên bản", ("phien ban", "phien ban danh muc", "version", "hierarchy"), False),
    "scope": ("phạm vi", ("pham vi", "loai", "scope"), False),
}
SCOPES = {"": TargetScope.OWN, "chi tieu": TargetScope.OWN, "chi tieu cua don vi": TargetScope.OWN,
          "own": TargetScope.OWN, "don vi": TargetScope.OWN, "toi thieu": TargetScope.CHILDREN_MINIMUM,
          "muc toi thieu": TargetScope.CHILDREN_MINIMUM, "minimum": TargetScope.CHILDREN_MINIMUM,
          "children_minimum": TargetScope.CHILDREN_MINIMUM}
JUDGED = {"": "", "theo chi tieu": "", "mac dinh": "", "period": "period", "ca ky": "period", "ca nam": "period",
          "level_at_date": "level_at_date", "level at date": "level_at_date", "muc tai ngay": "level_at_date",
          "muc tai ngay den han": "level_at_date"} | {fold(str(j.label)): j.value for j in JudgedOn}
_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class PlanImportRefused(ImportRefused):
    """Nothing was written. ``status``: 403 when a row was refused for permission, 409 for a conflict, else
    400 (how the API answers)."""

    def __init__(self, problems: list, status: int = 400):  # type: ignore[type-arg]
        super().__init__(problems)
        self.status = status


@dataclass
class PlanRow:
    row: int
    sheet: str | None
    unit: Unit
    year: int
    indicator: Indicator
    value: Decimal
    target_date: date | None
    judged_on: str
    reason: str
    scope: TargetScope
    columns: dict[str, str] = field(default_factory=dict)  # field → the column letter it is in


@dataclass
class PlanImport:
    name: str
    rows: list[PlanRow] = field(default_factory=list)
    written: int = 0  # targets created or changed
    unchanged: int = 0


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Decimal):
        return format(cell.normalize(), "f")
    return str(cell).strip()


def import_plan(name: str, content: bytes, *, acting_user: AbstractBaseUser | AnonymousUser | None,
                channel: Channel = Channel.IMPORT) -> PlanImport:
    """Read and write every target of the file, or none: ImportRefused lists each fault with its place."""
    problems = Problems(name)
    parsed = _read(name, content, problems)
    if problems:
        raise PlanImportRefused(problems.final())
    result = PlanImport(name, parsed)
    statuses = set()
    with transaction.atomic():
        for item in parsed:
            before = Target.objects.filter(plan__unit=item.unit, plan__year=item.year, indicator=item.indicator,
                                           scope=item.scope).values_list("revision", flat=True).first()
            try:
                with transaction.atomic():
                    target = do_set_target(item.unit, item.year, item.indicator, item.value,
                                           acting_user=acting_user, scope=item.scope, target_date=item.target_date,
                                           reason=item.reason, channel=channel,
                                           judged_on=item.judged_on if "judged_on" in item.columns else None)
            except PlanError as error:
                statuses.add(error.status)
                about = {"target_date": "date", "year": "year", "judged_on": "judged_on"}.get(
                    error.field, "value" if error.field else "unit")
                problems.add(error.message, error.message, sheet=item.sheet, row=item.row,
                             column=item.columns.get(about), field=COLUMNS[about][0])
                continue
            if before == target.revision:
                result.unchanged += 1
            else:
                result.written += 1
        if problems:
            transaction.set_rollback(True)
    if problems:
        raise PlanImportRefused(problems.final(), 403 if 403 in statuses else 409 if 409 in statuses else 400)
    return result


def _read(name: str, content: bytes, problems: Problems) -> list[PlanRow]:
    info = read_file(name, content, problems)
    if problems or not info.sheets:
        return []
    sheet = info.sheets[0]
    header: dict[str, int] = {}
    rows: list[PlanRow] = []
    versions = list(HierarchyVersion.objects.all())
    indicators = {i.code.upper(): i for i in Indicator.objects.all()}
    units: dict[tuple[str, str], Unit | None] = {}
    count = 0
    for number, cells in sheet.rows:
        if not any(_text(c) for c in cells):
            continue
        if not header:
            header = _header(cells, number, sheet.name, problems)
            if problems:
                return []
            continue
        count += 1
        if count > MAX_ROWS:
            problems.add(f"Tệp có hơn {MAX_ROWS} dòng chỉ tiêu; hãy chia nhỏ.",
                         f"The file has more than {MAX_ROWS} target rows; split it.", sheet=sheet.name)
            return []
        row = _row(cells, number, sheet.name, header, versions, indicators, units, problems)
        if row is not None:
            rows.append(row)
    if not header:
        problems.add("Tệp không có dòng tiêu đề: dòng đầu phải ghi tên cột (mã đơn vị, năm, mã chỉ tiêu, giá trị "
                     "mục tiêu, thời hạn, lý do).", "The file has no header row.", sheet=sheet.name)
    elif not rows and not problems:
        problems.add("Tệp không có dòng chỉ tiêu nào dưới dòng tiêu đề.", "The file has no target rows.",
                     sheet=sheet.name)
    return rows


def _header(cells: list[Cell], number: int, sheet: str | None, problems: Problems) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = fold(_text(cell)).strip(" *:")
        for name, (_, accepted, _) in COLUMNS.items():
            if key in accepted and name not in found:
                found[name] = index
    missing = [label for name, (label, _, required) in COLUMNS.items() if required and name not in found]
    if missing:
        written = ", ".join(f"'{_text(c)}'" for c in cells if _text(c))
        problems.add(f"Thiếu cột {', '.join(missing)}. Dòng tiêu đề đang có: {written}. Các cột cần có: mã đơn vị, "
                     "năm, mã chỉ tiêu, giá trị mục tiêu, thời hạn, lý do (đánh giá theo, phiên bản, phạm vi: "
                     "không bắt buộc).", f"Missing column(s): {', '.join(missing)}.", sheet=sheet, row=number)
    return found


def _row(cells: list[Cell], number: int, sheet: str | None, header: dict[str, int],
         versions: list[HierarchyVersion], indicators: dict[str, Indicator],
         units: dict[tuple[str, str], Unit | None], problems: Problems) -> PlanRow | None:
    def cell(name: str) -> Cell:
        index = header.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    def fault(name: str, vi: str) -> None:
        index = header.get(name)
        problems.add(vi, vi, sheet=sheet, row=number, column=_column_letter(index) if index is not None else None,
                     field=COLUMNS[name][0])

    before = len(problems)
    code = _text(cell("unit"))
    if not code:
        fault("unit", "ô trống: ghi mã đơn vị, ví dụ 20221.")
    year = _year(cell("year"))
    if year is None:
        fault("year", f"'{_text(cell('year'))}' không phải năm: ghi năm bằng 4 chữ số, ví dụ 2025.")
    indicator = indicators.get(_text(cell("indicator")).upper())
    if indicator is None:
        fault("indicator", f"không có chỉ tiêu mã '{_text(cell('indicator'))}' trong danh mục; ví dụ đúng: CQS-03.")
    value = _value(cell("value"))
    if isinstance(value, str):
        fault("value", value)
    day = _date(cell("date"))
    if isinstance(day, str):
        fault("date", day)
    judged = JUDGED.get(fold(_text(cell("judged_on"))))
    if judged is None:
        fault("judged_on", f"'{_text(cell('judged_on'))}' không phải cách đánh giá: ghi 'cả kỳ', 'mức tại ngày' "
                           "hoặc để trống (theo loại chỉ tiêu).")
    scope = SCOPES.get(fold(_text(cell("scope"))))
    if scope is None:
        fault("scope", f"'{_text(cell('scope'))}' không phải phạm vi: ghi 'chỉ tiêu' (của đơn vị) hoặc 'tối thiểu' "
                       "(giao cho các đơn vị trực thuộc), hoặc để trống.")
    version_name = _text(cell("version"))
    unit = None
    if code and year is not None and not isinstance(day, str):
        when = day or date(year, 12, 31)
        if not version_name:
            version_name = next((v.name for v in reversed(versions) if v.covers(when)), "")
            if not version_name:
                fault("unit", f"không có phiên bản danh mục đơn vị nào có hiệu lực ngày {when:%d/%m/%Y}.")
        elif not any(v.name == version_name for v in versions):
            fault("version", f"không có phiên bản danh mục '{version_name}' (có: "
                             f"{', '.join(v.name for v in versions)}).")
            version_name = ""
        if version_name:
            if (version_name, code) not in units:
                units[(version_name, code)] = Unit.objects.select_related("version").filter(
                    version__name=version_name, code=code).first()
            unit = units[(version_name, code)]
            if unit is None:
                fault("unit", f"không có đơn vị mã {code} trong phiên bản danh mục {version_name}.")
    if len(problems) > before:
        return None
    assert unit is not None and year is not None and indicator is not None and isinstance(value, Decimal)
    assert scope is not None and judged is not None and not isinstance(day, str)
    return PlanRow(number, sheet, unit, year, indicator, value, day, judged,
                   _text(cell("reason")), scope, {name: _column_letter(index) for name, index in header.items()})


def _year(cell: Cell) -> int | None:
    text = _text(cell)
    if isinstance(cell, datetime | date):
        return None
    return int(text) if re.fullmatch(r"\d{4}", text) else None


def _value(cell: Cell) -> Decimal | str:
    if isinstance(cell, Decimal):
        return cell
    text = _text(cell)
    if not text:
        return "ô trống: ghi giá trị mục tiêu, ví dụ 91,5 (tỷ lệ, không cần dấu %) hoặc 1.200."
    clean = text.rstrip("%").strip()
    try:
        return parse_vn_number(clean)
    except NumberFormatError as error:
        return str(error)


def _date(cell: Cell) -> date | None | str:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    text = _text(cell)
    if not text:
        return None
    try:
        if match := _DMY.fullmatch(text):
            return date(int(match[3]), int(match[2]), int(match[1]))
        if match := _ISO.fullmatch(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        pass
    return f"'{text}' không phải ngày: ghi ngày/tháng/năm, ví dụ 31/12/2025, hoặc để trống (31/12 của năm)."
