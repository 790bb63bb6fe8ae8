"""Reading a whole file into proposed figures and saying what importing it would do, without writing.

``preview`` never raises for a bad file: every fault becomes an ``ImportProblem`` with its place.
``commit`` (in ``outcome``) writes a clean preview through ``values.actions.do_set_values``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from chiso.collection.importer import checks
from chiso.collection.importer.cells import (
    CellError,
    Doubt,
    NumberStyle,
    qualifier_from_column,
    read_cell,
)
from chiso.collection.importer.items import Change, Item, Key, figure_text
from chiso.collection.importer.layout import Layout, find_layout
from chiso.collection.importer.outcome import Check, commit, compare, entry_for
from chiso.collection.importer.problems import ImportProblem, Problems
from chiso.collection.importer.resolve import NotFound, Resolver
from chiso.collection.importer.sheets import FileInfo, read_file
from chiso.collection.validation import Violation
from chiso.engine.numbers import format_number
from chiso.engine.periods import Period
from chiso.indicators.models import DataElement, ValueType
from chiso.units.models import Unit
from chiso.values.actions import ValueEntry
from chiso.values.bulkwrite import collector_paused
from chiso.values.models import Qualifier

User = AbstractBaseUser | AnonymousUser
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
EXACT = str(Qualifier.EXACT.value)
_GROUPED = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # no spreadsheet or database wants these


@dataclass
class Preview:
    name: str
    problems: list[ImportProblem] = field(default_factory=list)
    warnings: list[ImportProblem] = field(default_factory=list)
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    changes: list[Change] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    outliers: list[checks.Outlier] = field(default_factory=list)
    info: FileInfo = field(default_factory=FileInfo)
    number_style: str = "vi"
    number_seen: tuple[int, int] = (0, 0)  # cells that showed the Vietnamese, the English style
    doubtful: int = 0  # cells read under the style (1.234), not showing it
    hierarchy: str | None = None
    items: list[Item] = field(default_factory=list, repr=False)
    stored: dict[Key, checks.Stored] = field(default_factory=dict, repr=False)  # only units the user may write
    changing: set[Key] = field(default_factory=set, repr=False)  # figures the write would change
    layouts: list[Layout] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def total(self) -> int:
        return len(self.items)

    @cached_property
    def entries(self) -> list[ValueEntry]:
        """The figures to write, as ``do_set_values`` takes them (texts not given keep the stored ones)."""
        return [entry_for(item) for item in self.items]

    @cached_property
    def digest(self) -> str:
        """A fingerprint of what committing would do: the figures and the stored state they replace."""
        hasher = hashlib.sha256()
        for item in self.items:
            state = self.stored.get(item.key)
            hasher.update(repr((item.key, item.value, item.qualifier, item.source, item.comment,
                                state and (state.value, state.qualifier, state.source, state.comment,
                                           state.is_illustrative, state.is_deleted))).encode())
        return hasher.hexdigest()

    def where(self, item: Item) -> dict[str, object]:
        layout = self.layouts[item.sheet]
        return {"sheet": layout.sheet, "row": item.row, **{k: v for k, v in layout.where(item.column).items()
                                                             if k != "sheet"}}

    def status_of(self, item: Item) -> str:
        """"new", "changed" or "unchanged": what committing would do to this figure."""
        if item.key not in self.changing:
            return "unchanged"
        return "changed" if item.key in self.stored else "new"

    def change_rows(self, limit: int = 1000) -> list[dict[str, object]]:
        """Changed figures for display: place, unit, element, period, old → new (with their qualifiers)."""
        rows = []
        for item in self.items:
            state = self.stored.get(item.key)
            if state is None or item.key not in self.changing:
                continue
            note = ""
            same_value = Decimal(state.value or 0) == (item.value or 0)
            if state.is_illustrative and not state.is_deleted and same_value:
                note = "số liệu minh họa thành số liệu thật"
            elif not state.is_deleted and (state.value, state.qualifier) == (item.value, item.qualifier):
                note = "đổi nguồn hoặc ghi chú"
            rows.append({"item": item, "where": self.where(item), "note": note,
                         "old": "(đã xóa)" if state.is_deleted else figure_text(state.value, state.qualifier),
                         "new": figure_text(item.value, item.qualifier)})
            if len(rows) >= limit:
                break
        return rows


def preview(name: str, content: bytes, *, acting_user: User | None, hierarchy: str | None = None,
            max_bytes: int | None = MAX_UPLOAD_BYTES, number_seen: tuple[int, int] = (0, 0),
            check: Check | None = None) -> Preview:
    """What importing ``content`` (a CSV or XLSX file called ``name``) would do; never raises for bad input.

    ``acting_user`` None means the system (no permission check), as in ``do_set_values``.
    ``hierarchy`` forces one hierarchy version for every row instead of the one in force at each period's end.
    ``number_seen``: cells of the Vietnamese and of the English number style already seen in earlier parts of
    the same file (``parts``), counted into this one's style. ``check``: what checks the figures instead of
    ``check_values`` (``compare``).
    """
    result = Preview(name=name, hierarchy=hierarchy or None)
    problems, warnings = Problems(name), Problems(name)
    if max_bytes is not None and len(content) > max_bytes:
        size, limit = f"{len(content) / 1024 / 1024:.1f}", max_bytes // 1024 // 1024
        problems.add(f"Tệp lớn {size} MB, vượt giới hạn {limit} MB. "
                     "Chia tệp thành nhiều phần rồi tải lên từng phần.",
                     f"The file is {size} MB, over the {limit} MB "
                     "limit. Split it and upload the parts one by one.")
        result.problems = problems.final()
        return result
    try:
        resolver = Resolver(hierarchy or None)
    except NotFound as error:
        problems.add(error.vi, error.en)
        result.problems = problems.final()
        return result
    with collector_paused():  # a file becomes millions of objects here
        result.info = read_file(name, content, problems)
        reader = _Reader(result, resolver, problems, warnings)
        reader.style.vi, reader.style.en = number_seen
        for sheet in result.info.sheets:
            layout = find_layout(sheet, resolver, problems, warnings)
            if layout is not None:
                reader.read(layout)
        reader.settle_doubts()
        result.number_style = reader.style.name
        result.number_seen, result.doubtful = (reader.style.vi, reader.style.en), len(reader.doubts)
        if not problems and not result.items and result.info.sheets:
            problems.add("Tệp không có số liệu nào để nhập (mọi ô giá trị đều trống).",
                         "The file holds no figures to import (every value cell is empty).")
        if result.items:
            compare(result, acting_user, problems, warnings, check)
    result.problems, result.warnings = problems.final(), warnings.final()
    return result


class _Reader:
    """Turns the rows of each sheet into items, collecting faults; one instance per file."""

    def __init__(self, result: Preview, resolver: Resolver, problems: Problems, warnings: Problems):
        self.result, self.resolver, self.problems, self.warnings = result, resolver, problems, warnings
        self.style = NumberStyle()
        self.doubts: list[tuple[Item, Doubt, bool]] = []  # (item, doubt, percent sign written)
        self.seen: dict[Key, Item] = {}
        self.period_texts: dict[Period, str] = {}
        # (unit cell, unit name cell, period cell) → (unit, period, period text), for rows alike
        self.places: dict[tuple[object, object, object], tuple[Unit, Period, str]] = {}

    def read(self, layout: Layout) -> None:
        self.result.layouts.append(layout)
        sheet_index = len(self.result.layouts) - 1
        columns = layout.columns
        if "period" not in columns and layout.period is None:
            self.problems.add("thiếu kỳ báo cáo: thêm cột 'Kỳ báo cáo' hoặc một dòng 'Kỳ báo cáo | 2024-07' "
                              "phía trên dòng tiêu đề.",
                              "the period is missing: add a 'period' column or a row 'Kỳ báo cáo | 2024-07' "
                              "above the header.", sheet=layout.sheet, row=layout.header_row)
            return
        width = len(layout.headers)
        rows = layout.rows
        if layout.kind == "long" and not {"qualifier", "source", "comment"} & set(columns):
            rows = self._long_plain(layout, sheet_index, width)
        for number, cells in rows:
            if len(cells) > width and any(_filled(c) for c in cells[width:]):
                self._fail(layout, number, width,
                           "dòng có nhiều cột hơn dòng tiêu đề (kiểm tra dấu phân cách và dấu ngoặc kép).",
                           "the row has more columns than the header (check the delimiters and quotes).")
                continue
            if layout.kind == "long":
                self._long_row(layout, sheet_index, number, cells)
            else:
                self._wide_row(layout, sheet_index, number, cells)

    def _long_plain(self, layout: Layout, sheet: int, width: int) -> Iterator[tuple[int, list[object]]]:
        """The rows of a plain long sheet (unit, period, element, value) the common way, fast: a row whose
        unit and period were seen before, whose element code is known and whose value is a plain whole
        number is taken at once; any other row is passed on to the careful path."""
        columns = layout.columns
        unit_col, name_col, period_col = columns.get("unit"), columns.get("unit_name"), columns.get("period")
        element_col, value_col = columns["data_element"], columns["value"]
        places, elements, seen, items = self.places, self.resolver.elements, self.seen, self.result.items
        fixed_period = layout.period
        for number, cells in layout.rows:
            if len(cells) == width:
                place = places.get((cells[unit_col] if unit_col is not None else None,
                                    cells[name_col] if name_col is not None else None,
                                    cells[period_col] if period_col is not None else fixed_period))
                element = elements.get(cells[element_col])  # type: ignore[call-overload]
                text = cells[value_col]
                if place is not None and element is not None and isinstance(text, str) and len(text) <= 18:
                    doubt = None
                    if text.isdigit() and text.isascii():
                        value: Decimal | None = Decimal(text)
                    elif _GROUPED.fullmatch(text):  # 1.234.567 is Vietnamese; 1.234 waits for the style
                        if text.count(".") > 1:
                            self.style.see("vi")
                            value = Decimal(text.replace(".", ""))
                        else:
                            value, doubt = None, Doubt(text, Decimal(text.replace(".", "")), Decimal(text))
                    else:
                        yield number, cells
                        continue
                    unit, period, period_text = place
                    key = (element.id, unit.id, period_text)
                    if key not in seen:
                        item = Item(unit, element, period, value, EXACT, None, None, sheet, number, value_col,
                                    key)
                        seen[key] = item
                        items.append(item)
                        if doubt is not None:
                            self.doubts.append((item, doubt, False))
                        continue
            yield number, cells

    # -- rows --------------------------------------------------------------------------------------

    def _common(self, layout: Layout, number: int, cells: list[object]) -> tuple[Unit, Period] | None:
        """The unit and period a row is about, or None with the faults recorded."""
        columns = layout.columns
        period_col = columns.get("period")
        place = self.places.get((_get(cells, columns.get("unit")), _get(cells, columns.get("unit_name")),
                                 _get(cells, period_col) if period_col is not None else layout.period))
        if place is not None:
            return place[0], place[1]
        period = layout.period
        if period_col is not None and _filled(_get(cells, period_col)):
            try:
                period = self.resolver.period(_get(cells, period_col))
            except NotFound as error:
                self._fail(layout, number, period_col, error.vi, error.en)
                return None
        if period is None:
            self._fail(layout, number, period_col, "thiếu kỳ báo cáo.", "the period is missing.")
            return None
        unit_col, name_col = columns.get("unit"), columns.get("unit_name")
        try:
            version = self.resolver.version_for(period)
            unit = self.resolver.unit(version, _get(cells, unit_col), _get(cells, name_col))
        except NotFound as error:
            self._fail(layout, number, unit_col if unit_col is not None else name_col, error.vi, error.en)
            return None
        if period not in self.period_texts:
            self.period_texts[period] = str(period)
        self.places[(_get(cells, unit_col), _get(cells, name_col),
                     _get(cells, period_col) if period_col is not None else layout.period)] = (
            unit, period, self.period_texts[period])
        return unit, period

    def _texts(self, layout: Layout, cells: list[object]) -> tuple[str | None, str | None]:
        return (_text_field(_get(cells, layout.columns.get("source"))),
                _text_field(_get(cells, layout.columns.get("comment"))))

    def _long_row(self, layout: Layout, sheet: int, number: int, cells: list[object]) -> None:
        if not any(_filled(c) for c in cells):
            return
        columns = layout.columns
        value_col, element_col = columns["value"], columns["data_element"]
        faults = len(self.problems)
        where = self._common(layout, number, cells)
        try:
            element = self.resolver.element(_get(cells, element_col))
        except NotFound as error:
            self._fail(layout, number, element_col, error.vi, error.en)
            element = None
        cell = _get(cells, value_col)
        if not _filled(cell):
            if where is not None and element is not None and len(self.problems) == faults:
                self.warnings.add("ô giá trị trống, bỏ qua dòng này.", "empty value cell, row skipped.",
                                  row=number, **layout.where(value_col))  # type: ignore[arg-type]
            return
        qualifier = self._qualifier_column(layout, number, cells)
        if where is None or element is None or qualifier is False:
            self._value(layout, number, value_col, cell, None, None)  # still learn the file's number style
            return
        source, comment = self._texts(layout, cells)
        self._add(layout, sheet, number, value_col, where, element, cell, qualifier, source, comment)

    def _wide_row(self, layout: Layout, sheet: int, number: int, cells: list[object]) -> None:
        filled = [(col, element) for col, element in layout.elements if _filled(_get(cells, col))]
        if not filled:
            return
        where = self._common(layout, number, cells)
        qualifier = self._qualifier_column(layout, number, cells)
        source, comment = self._texts(layout, cells)
        for col, element in filled:
            if where is None or qualifier is False:
                self._value(layout, number, col, _get(cells, col), None, None)
                continue
            self._add(layout, sheet, number, col, where, element, _get(cells, col), qualifier, source,
                      comment)

    def _qualifier_column(self, layout: Layout, number: int, cells: list[object]) -> str | None | bool:
        """The qualifier column's word (None when absent or empty; False when not understood)."""
        col = layout.columns.get("qualifier")
        cell = _get(cells, col)
        if not _filled(cell):
            return None
        found = qualifier_from_column(str(cell))
        if found is None:
            written = str(cell).strip()[:40]
            self._fail(layout, number, col, f"độ chính xác '{written}' không hiểu được. Ghi: chính xác, gần, "
                       "hơn hoặc không quá (hoặc để trống).", f"qualifier '{written}' is not understood. "
                       "Write exact, approximate, at_least or at_most (or leave it empty).")
            return False
        return found

    # -- values ------------------------------------------------------------------------------------

    def _add(self, layout: Layout, sheet: int, number: int, col: int, where: tuple[Unit, Period],
             element: DataElement, cell: object, qualifier_column: str | None, source: str | None,
             comment: str | None) -> None:
        read = self._value(layout, number, col, cell, element, qualifier_column)
        if read is None:
            return
        qualifier, value, doubt, percent = read
        unit, period = where
        key = (element.id, unit.id, self.period_texts[period])
        item = Item(unit, element, period, value, qualifier, source, comment, sheet, number, col, key)
        first = self.seen.get(key)
        if first is not None:
            same = (first.value, first.qualifier, first.source, first.comment) == (value, qualifier, source,
                                                                                   comment)
            if same and doubt is None:
                self.warnings.add(f"trùng hệt dòng {first.row} (cùng đơn vị, chỉ tiêu, kỳ, giá trị), bỏ qua.",
                                  f"same as row {first.row} (unit, element, period and value), skipped.",
                                  row=number, **layout.where(col))  # type: ignore[arg-type]
            else:
                code = element.code
                self._fail(layout, number, col, f"trùng đơn vị, chỉ tiêu {code} và kỳ {period} với dòng "
                           f"{first.row} nhưng khác giá trị. Giữ lại một dòng.", f"same unit, element {code} "
                           f"and period {period} as row {first.row} but another value. Keep one row.")
            return
        self.seen[key] = item
        self.result.items.append(item)
        if doubt is not None:
            self.doubts.append((item, doubt, percent))

    def _value(self, layout: Layout, number: int, col: int, cell: object, element: DataElement | None,
               qualifier_column: str | None) -> tuple[str, Decimal | None, Doubt | None, bool] | None:
        """(qualifier, value, doubt, percent sign) of a value cell; None with the fault recorded.
        ``element`` None only reads the cell for the file's number style."""
        if isinstance(cell, Decimal):
            qualifier, value, doubt, percent = EXACT, cell, None, False
        elif isinstance(cell, str):
            try:
                reading = read_cell(cell)
            except CellError as error:
                if element is not None:
                    self._fail(layout, number, col, error.vi, error.en)
                return None
            self.style.see(reading.style)
            qualifier, value, doubt = reading.qualifier, reading.value, reading.doubt
            percent = reading.percent
        else:
            if element is not None:
                kind = "ngày tháng" if not isinstance(cell, bool) else "đúng/sai"
                self._fail(layout, number, col, f"ô là {kind}, không phải số. Ghi con số.",
                           "the cell is a date or a true/false, not a number. Write the figure.")
            return None
        if element is None:
            return None
        if qualifier_column is not None:
            if qualifier != EXACT and qualifier != qualifier_column:
                self._fail(layout, number, col,
                           "độ chính xác ghi trong ô khác với cột 'Độ chính xác'. Chỉ ghi một nơi.",
                           "the qualifier written in the cell differs from the 'qualifier' column. "
                           "Write it once.")
                return None
            qualifier = qualifier_column
        if value is not None and not self._valid(layout, number, col, element, value, percent):
            return None
        return qualifier, value, doubt, percent

    def _valid(self, layout: Layout, number: int, col: int, element: DataElement, value: Decimal,
               percent: bool) -> bool:
        """Whether the cell reads as a figure of ``element``: a % sign only on a percentage. What the
        figure may be (sign, whole number, range) is the write action's rule, checked in ``compare``."""
        if percent and element.value_type != ValueType.PERCENT:
            self._fail(layout, number, col, f"chỉ tiêu {element.code} không phải tỷ lệ phần trăm; bỏ dấu %.",
                       f"data element {element.code} is not a percentage; remove the % sign.")
            return False
        return True

    def settle_doubts(self) -> None:
        """Read the doubtful cells (``1.234``, ``1,234``) under the file's number style, or report them."""
        dropped = set()
        for item, doubt, percent in self.doubts:
            value = self.style.settle(doubt)
            layout = self.result.layouts[item.sheet]
            if value is None:
                self._fail(layout, item.row, item.column, *self.style.explain(doubt))
                dropped.add(id(item))
            elif not self._valid(layout, item.row, item.column, item.element, value, percent):
                dropped.add(id(item))
            else:
                item.value = value
        if dropped:
            self.result.items = [i for i in self.result.items if id(i) not in dropped]

    def _fail(self, layout: Layout, number: int, col: int | None, vi: str, en: str) -> None:
        self.problems.add(vi, en, row=number, **layout.where(col))  # type: ignore[arg-type]


def _get(cells: list[object], index: int | None) -> object:
    if index is None or index >= len(cells):
        return None
    return cells[index]


def _filled(cell: object) -> bool:
    return cell is not None and (not isinstance(cell, str) or bool(cell.strip()))


def _text_field(cell: object) -> str | None:
    """A source or comment cell: None when empty (the stored text stays); an apostrophe our exports put
    before a formula-like text is taken off again, so a file exported and imported back is unchanged."""
    if not _filled(cell):
        return None
    text = str(cell).strip() if not isinstance(cell, Decimal) else format_number(cell)
    text = _CONTROL.sub("", text)
    if text.startswith("'") and text[1:2] and text[1] in "=+-@":
        text = text[1:]
    return text


__all__ = ["MAX_UPLOAD_BYTES", "Change", "Item", "Preview", "commit", "figure_text", "preview"]
