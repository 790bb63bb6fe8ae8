"""Which columns a sheet has: the header row, found among the first rows, and what each column holds.

Two layouts are read:

* **long**, one value per row: unit, period, data element, value, and optionally qualifier, source,
  comment. Headers may be the codes (``unit``, ``data_element``) or the Vietnamese labels (``Mã đơn vị``,
  ``Kỳ báo cáo``, ``Mã chỉ tiêu``, ``Giá trị``, ``Độ chính xác``, ``Nguồn``, ``Ghi chú``), compared folded, so
  ``ma don vi`` works too;
* **wide**, the templates the app hands out: one row per unit, one column per data element (the header
  starts with the element's code), the period in a column or given once above the header
  (``Kỳ báo cáo | 2024-07``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from chiso.collection.importer.problems import Problems
from chiso.collection.importer.resolve import NotFound, Resolver
from chiso.collection.importer.sheets import Row, Sheet
from chiso.engine.periods import Period
from chiso.engine.text import fold
from chiso.indicators.models import DataElement

HEADER_SEARCH_ROWS = 30
SKIPPED_SHEETS = {"huong dan", "instructions", "danh muc"}  # the template's own help sheet

ROLES: dict[str, set[str]] = {
    "unit": {"unit", "unit code", "ma don vi", "ma dv", "don vi", "ma dvhc"},
    "unit_name": {"unit name", "ten don vi", "ten dv"},
    "period": {"period", "ky bao cao", "ky", "thoi gian", "ky bc"},
    "data_element": {"data element", "element", "ma chi tieu", "chi tieu", "ma yeu to", "ma yeu to du lieu",
                     "yeu to du lieu", "data element code"},
    "value": {"value", "gia tri", "so lieu"},
    "qualifier": {"qualifier", "do chinh xac"},
    "source": {"source", "nguon", "nguon so lieu"},
    "comment": {"comment", "ghi chu"},
    "ignored": {"stt", "so thu tu", "ten chi tieu", "element name", "data element name", "ten yeu to",
                "don vi tinh", "unit of measure", "ten yeu to du lieu"},
}
ROLE_OF = {alias: role for role, aliases in ROLES.items() for alias in aliases}
LABELS = {"unit": ("Mã đơn vị", "unit"), "period": ("Kỳ báo cáo", "period"),
          "data_element": ("Mã chỉ tiêu", "data_element"), "value": ("Giá trị", "value")}


def header_key(cell: object) -> str:
    """``Mã đơn vị (*)`` → ``ma don vi``; ``data_element`` → ``data element``."""
    if not isinstance(cell, str):
        return ""
    text = re.sub(r"\(.*?\)|\[.*?\]|\*", " ", fold(cell).replace("_", " "))
    return re.sub(r"\s+", " ", text).strip(" :")


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Layout:
    sheet: str | None
    kind: str  # "long" or "wide"
    header_row: int
    headers: list[str]
    columns: dict[str, int]  # role → column index
    elements: list[tuple[int, DataElement]] = field(default_factory=list)  # wide: column → element
    period: Period | None = None  # given once above the header
    rows: Iterator[Row] = field(default_factory=lambda: iter(()))

    def field_name(self, index: int | None) -> str | None:
        if index is None:
            return None
        return self.headers[index] if index < len(self.headers) and self.headers[index] else None

    def where(self, index: int | None) -> dict[str, object]:
        return {"sheet": self.sheet, "column": column_letter(index) if index is not None else None,
                "field": self.field_name(index)}


def find_layout(sheet: Sheet, resolver: Resolver, problems: Problems, warnings: Problems) -> Layout | None:
    """The sheet's layout, its remaining rows ready to read; None (with a problem or warning) when the
    sheet has no header the importer knows."""
    rows = iter(sheet.rows)
    preamble: list[Row] = []
    seen_any = False
    for number, cells in rows:
        if not any(_filled(c) for c in cells):
            continue
        seen_any = True
        keys = [header_key(c) for c in cells]
        if any(ROLE_OF.get(k) in ("unit", "unit_name") for k in keys):
            layout = _build(sheet.name, number, cells, keys, resolver, problems, warnings)
            if layout is not None:
                layout.period = _sheet_period(sheet.name, preamble, resolver, problems)
                layout.rows = rows
            return layout
        preamble.append((number, cells))
        if number >= HEADER_SEARCH_ROWS:
            break
    if sheet.name is not None and header_key(sheet.name) in SKIPPED_SHEETS:
        return None
    if not seen_any:
        if sheet.name is None:
            problems.add("Tệp không có dữ liệu.", "The file holds no data.")
        else:
            warnings.add("trang trống, bỏ qua.", "empty sheet, skipped.", sheet=sheet.name)
        return None
    problems.add(
        f"không tìm thấy dòng tiêu đề trong {HEADER_SEARCH_ROWS} dòng đầu: cần cột 'Mã đơn vị' "
        "(hoặc 'Tên đơn vị'), 'Kỳ báo cáo', 'Mã chỉ tiêu', 'Giá trị' — hoặc dùng tệp mẫu tải từ trang "
        "nhập liệu.",
        f"no header row in the first {HEADER_SEARCH_ROWS} rows: the columns 'unit' (or 'unit name'), "
        "'period', 'data_element', 'value' are needed — or use the template downloaded from the import page.",
        sheet=sheet.name)
    return None


def _build(sheet: str | None, number: int, cells: list[object], keys: list[str], resolver: Resolver,
           problems: Problems, warnings: Problems) -> Layout | None:
    headers = [c.strip() if isinstance(c, str) else ("" if c is None else str(c)) for c in cells]
    columns: dict[str, int] = {}
    others: list[int] = []
    faults = len(problems)
    for index, key in enumerate(keys):
        role = ROLE_OF.get(key)
        if role is None:
            if headers[index]:
                others.append(index)
            continue
        if role == "ignored":
            continue
        if role in columns:
            name, first = headers[index], column_letter(columns[role])
            problems.add(f"cột '{name}' lặp lại (đã có ở cột {first}). Xóa một cột.",
                         f"column '{name}' appears twice (already column {first}). Remove one.",
                         sheet=sheet, row=number, column=column_letter(index), field=name)
            continue
        columns[role] = index
    layout = Layout(sheet, "long" if "data_element" in columns or "value" in columns else "wide", number,
                    headers, columns)
    if layout.kind == "long":
        for role in ("data_element", "value"):
            if role not in columns:
                vi, en = LABELS[role]
                problems.add(f"thiếu cột '{vi}' (hoặc '{en}').", f"the column '{en}' (or '{vi}') is missing.",
                             sheet=sheet, row=number)
        for index in others:
            warnings.add("cột không dùng đến, bỏ qua.", "column not used, skipped.", sheet=sheet, row=number,
                         column=column_letter(index), field=headers[index])
    else:
        seen: dict[int, int] = {}
        for index in others:
            name, here = headers[index], column_letter(index)
            place = {"sheet": sheet, "row": number, "column": here, "field": name}
            element = resolver.element_in_header(name)
            if element is None:
                problems.add(f"cột '{name}' không phải mã chỉ tiêu nào. Tiêu đề cột phải bắt đầu bằng mã "
                             "chỉ tiêu (ví dụ XHS-06); sửa tiêu đề hoặc xóa cột.",
                             f"column '{name}' is not a data element code. A column header must start with "
                             "the element's code (e.g. XHS-06); fix the header or remove the column.",
                             **place)
            elif element.pk in seen:
                first = column_letter(seen[element.pk])
                problems.add(f"chỉ tiêu {element.code} có hai cột (cột {first} và cột {here}). Xóa một cột.",
                             f"data element {element.code} has two columns ({first} and {here}). Remove one.",
                             **place)
            else:
                seen[element.pk] = index
                layout.elements.append((index, element))
        if not layout.elements and len(problems) == faults:
            problems.add("không có cột chỉ tiêu nào: bảng ngang cần mỗi chỉ tiêu một cột, tiêu đề là mã chỉ "
                         "tiêu; bảng dọc cần cột 'Mã chỉ tiêu' và 'Giá trị'.",
                         "no data element columns: a wide sheet needs one column per element headed by its "
                         "code; a long sheet needs the columns 'data_element' and 'value'.",
                         sheet=sheet, row=number)
    return layout if len(problems) == faults else None


def _sheet_period(sheet: str | None, preamble: list[Row], resolver: Resolver,
                  problems: Problems) -> Period | None:
    """``Kỳ báo cáo | 2024-07`` (or ``Kỳ báo cáo: 2024-07``) in a row above the header."""
    for number, cells in preamble:
        for index, cell in enumerate(cells):
            if not isinstance(cell, str):
                continue
            label, colon, rest = cell.partition(":")
            if ROLE_OF.get(header_key(label)) != "period":
                continue
            value: object = rest.strip() if colon and rest.strip() else next(
                (c for c in cells[index + 1:] if _filled(c)), None)
            try:
                return resolver.period(value)
            except NotFound as error:
                problems.add(error.vi, error.en, sheet=sheet, row=number, column=column_letter(index),
                             field=label)
                return None
    return None


def _filled(cell: object) -> bool:
    return cell is not None and (not isinstance(cell, str) or bool(cell.strip()))
