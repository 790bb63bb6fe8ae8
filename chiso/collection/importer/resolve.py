"""Finding what a cell names: the period, the hierarchy version in force at its end, the unit (by code or by
name, with or without diacritics, with or without its type word) and the data element.

Every lookup is cached per file: a million rows naming a few thousand units cost a few thousand lookups.
A unit is matched by exact code in the version, else by its name folded and without the type word
("Phường Thạc Gián", "thac gian", "P. Thạc Gián" all give Thạc Gián); several matches are ambiguous and
none is unknown, both reported with the candidates and their codes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from chiso.engine.periods import Period, PeriodError
from chiso.engine.text import fold
from chiso.indicators.models import DataElement
from chiso.units.models import HierarchyVersion, Unit

# Type words a name may start with, folded; longest first so "thi tran" wins over "thi".
TYPE_OF_WORD = {"phuong": "phuong", "p.": "phuong", "xa": "xa", "x.": "xa", "thi tran": "thi_tran",
                "tt.": "thi_tran", "quan": "quan", "q.": "quan", "huyen": "huyen", "h.": "huyen",
                "thi xa": "thi_xa", "tx.": "thi_xa", "dac khu": "dac_khu", "tinh": "tinh",
                "to dan pho": "to_dan_pho", "tdp": "to_dan_pho", "thon": "thon", "khu dan cu": "khu_dan_cu",
                "thanh pho truc thuoc trung uong": None, "thanh pho": None, "tp.": None, "tp": None}
TYPE_WORDS = sorted(TYPE_OF_WORD, key=len, reverse=True)
MAX_CANDIDATES = 6

_MONTH = re.compile(r"(?:thang|t|month)?\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")
_QUARTER = re.compile(r"(?:quy|q|quarter)\s*([1-4]|i{1,3}|iv)\s*[/.\-]?\s*(?:nam\s*)?(\d{4})")
_QUARTER_ISO = re.compile(r"(\d{4})\s*[-/]?\s*(?:q|quy)\s*([1-4])")
_YEAR = re.compile(r"(?:nam|year)\s*(\d{4})")
_MONTH_WORDS = re.compile(r"(?:thang|month)\s*(\d{1,2})\s*(?:nam|/|-)?\s*(\d{4})")
_DAY = re.compile(r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


class NotFound(ValueError):
    def __init__(self, vi: str, en: str):
        self.vi, self.en = vi, en
        super().__init__(vi)


def parse_period(cell: object) -> Period:
    """A period cell: the canonical forms (2024, 2024Q3, 2024-07, 2024-07-15) and what offices write
    (07/2024, Tháng 7/2024, Quý III/2024, Q3/2024, Năm 2024, 15/07/2024); a spreadsheet date on the
    1st of a month is that month (Excel turns a typed 2024-07 into 1/7/2024).

    >>> [str(parse_period(t)) for t in ["2024-07", "7/2024", "Tháng 7/2024", "Quý III/2024", "Năm 2024"]]
    ['2024-07', '2024-07', '2024-07', '2024Q3', '2024']
    """
    if isinstance(cell, bool) or cell is None or isinstance(cell, time):
        raise NotFound("ô kỳ báo cáo trống hoặc không phải kỳ.", "the period cell is empty or not a period.")
    if isinstance(cell, datetime):
        cell = cell.date()
    if isinstance(cell, date):
        return Period.of_month(cell.year, cell.month) if cell.day == 1 else Period.of_day(cell)
    if isinstance(cell, Decimal):
        if cell != cell.to_integral_value():
            raise _bad_period(str(cell))
        cell = str(int(cell))
    text = str(cell).strip()
    try:
        return Period.parse(text)
    except PeriodError:
        pass
    folded = fold(text)
    try:
        for pattern, build in ((_MONTH_WORDS, _month), (_QUARTER, _quarter), (_QUARTER_ISO, _quarter_iso),
                               (_YEAR, _year), (_DAY, _day), (_MONTH, _month)):
            match = pattern.fullmatch(folded)
            if match:
                return build(*match.groups())
    except (PeriodError, ValueError):
        pass
    raise _bad_period(text)


def _month(month: str, year: str) -> Period:
    return Period.parse(f"{int(year):04d}-{int(month):02d}")


def _quarter(quarter: str, year: str) -> Period:
    number = _ROMAN.get(quarter) or int(quarter)
    return Period.parse(f"{int(year):04d}Q{number}")


def _quarter_iso(year: str, quarter: str) -> Period:
    return Period.parse(f"{int(year):04d}Q{int(quarter)}")


def _year(year: str) -> Period:
    return Period.parse(f"{int(year):04d}")


def _day(day: str, month: str, year: str) -> Period:
    return Period.of_day(date(int(year), int(month), int(day)))


def _bad_period(text: str) -> NotFound:
    shown = text if len(text) <= 40 else text[:39] + "…"
    return NotFound(f"'{shown}' không phải kỳ báo cáo. Viết 2024 (năm), 2024Q3 hoặc Quý III/2024 (quý), "
                    "2024-07 hoặc 07/2024 (tháng), 2024-07-15 (ngày).",
                    f"'{shown}' is not a period. Write 2024 (year), 2024Q3 (quarter), 2024-07 or 07/2024 "
                    "(month), 2024-07-15 (day).")


def strip_type_word(folded: str) -> tuple[str | None, str]:
    """("phuong", "thac gian") from "phuong thac gian"; (None, text) when no type word leads."""
    for word in TYPE_WORDS:
        if folded.startswith(word) and (word.endswith(".") or folded[len(word):len(word) + 1] in (" ", "")):
            rest = folded[len(word):].strip()
            if rest:
                return TYPE_OF_WORD.get(word), rest
    return None, folded


@dataclass
class _VersionIndex:
    version: HierarchyVersion
    by_code: dict[str, Unit]
    by_name: dict[str, list[Unit]]


class Resolver:
    """Periods, versions, units and data elements named in one file, each looked up once."""

    def __init__(self, hierarchy: str | None = None):
        self.versions = list(HierarchyVersion.objects.all())
        self.forced = None
        if hierarchy:
            self.forced = next((v for v in self.versions if v.name == hierarchy), None)
            if self.forced is None:
                names = ", ".join(v.name for v in self.versions)
                raise NotFound(f"Không có phiên bản danh mục đơn vị '{hierarchy}' (có: {names}).",
                               f"No hierarchy version '{hierarchy}' (there are: {names}).")
        self.elements = {e.code.upper(): e for e in DataElement.objects.all()}
        self._indexes: dict[int, _VersionIndex] = {}
        self._version_of: dict[Period, HierarchyVersion | None] = {}
        self._periods: dict[object, Period | NotFound] = {}
        self._units: dict[tuple[int, object, object], Unit | NotFound] = {}

    # -- periods and versions ----------------------------------------------------------------------

    def period(self, cell: object) -> Period:
        key = cell if not isinstance(cell, str) else cell.strip()
        found = self._periods.get(key)  # type: ignore[arg-type]
        if found is None:
            try:
                found = parse_period(cell)
            except NotFound as error:
                found = error
            self._periods[key] = found  # type: ignore[index]
        if isinstance(found, NotFound):
            raise found
        return found

    def version_for(self, period: Period) -> HierarchyVersion:
        if self.forced is not None:
            return self.forced
        if period not in self._version_of:
            self._version_of[period] = next((v for v in self.versions if v.covers(period.end)), None)
        version = self._version_of[period]
        if version is None:
            raise NotFound(f"Không có danh mục đơn vị nào hiệu lực ngày {period.end:%d/%m/%Y} "
                           f"(cuối kỳ {period}).",
                           f"No hierarchy version is in force on {period.end:%d/%m/%Y} (end of {period}).")
        return version

    # -- units -----------------------------------------------------------------------------------

    def _index(self, version: HierarchyVersion) -> _VersionIndex:
        index = self._indexes.get(version.pk)
        if index is None:
            units = list(Unit.objects.filter(version=version).select_related("version", "parent"))
            by_name: dict[str, list[Unit]] = defaultdict(list)
            for unit in units:
                by_name[strip_type_word(fold(unit.name))[1]].append(unit)
            index = _VersionIndex(version, {u.code: u for u in units}, dict(by_name))
            self._indexes[version.pk] = index
        return index

    def unit(self, version: HierarchyVersion, code: object, name: object = None) -> Unit:
        """The unit a row names by code (and/or name) in ``version``; NotFound names the candidates.
        When both are given they must agree: the same code names other places in other versions."""
        key = (version.pk, code, name)
        found = self._units.get(key)
        if found is None:
            try:
                found = self._find_unit(self._index(version), code, name)
            except NotFound as error:
                found = error
            self._units[key] = found
        if isinstance(found, NotFound):
            raise found
        return found

    def _find_unit(self, index: _VersionIndex, code: object, name: object) -> Unit:
        code_text = _text(code)
        name_text = _text(name)
        if not code_text and not name_text:
            raise NotFound("thiếu đơn vị: ghi mã đơn vị (ví dụ 20221) hoặc tên đơn vị.",
                           "the unit is missing: write its code (e.g. 20221) or its name.")
        v = index.version.name
        if code_text:
            unit = self._by_code(index, code_text)
            if unit is None and not name_text and _looks_like_name(code_text):
                return self._by_name(index, code_text)  # the unit column may hold a name
            check_vi = "Kiểm tra mã đơn vị và kỳ báo cáo (mã được dùng lại sau sắp xếp đơn vị)."
            check_en = "Check the unit code and the period (codes are reused after reorganisations)."
            if unit is None:
                raise NotFound(f"không có đơn vị mã '{_short(code_text)}' trong danh mục {v}. {check_vi}",
                               f"there is no unit with code '{_short(code_text)}' in hierarchy version {v}. "
                               f"{check_en}")
            if name_text and not self._same_place(unit, name_text):
                raise NotFound(f"mã {unit.code} trong danh mục {v} là {unit.name}, không phải "
                               f"'{_short(name_text)}'. {check_vi}",
                               f"code {unit.code} in hierarchy version {v} is {unit.name}, not "
                               f"'{_short(name_text)}'. {check_en}")
            return unit
        return self._by_name(index, name_text)

    @staticmethod
    def _by_code(index: _VersionIndex, text: str) -> Unit | None:
        unit = index.by_code.get(text) or index.by_code.get(text.upper())
        if unit is None and text.isdigit():  # a spreadsheet drops leading zeros: 4 for 00004
            padded = [index.by_code[p] for p in {text.zfill(n) for n in (2, 3, 5)} if p in index.by_code]
            unit = padded[0] if len(padded) == 1 else None
        return unit

    @staticmethod
    def _by_name(index: _VersionIndex, text: str) -> Unit:
        folded = fold(text)
        wanted_type, bare = strip_type_word(folded)
        matches = [u for u in index.by_name.get(bare, []) if wanted_type is None or u.type == wanted_type]
        if not matches and wanted_type is not None:  # "Quán Bàu": a name that begins like a type word
            bare, matches = folded, index.by_name.get(folded, [])
        v = index.version.name
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise NotFound(f"'{_short(text)}' trùng tên {len(matches)} đơn vị trong danh mục {v}: "
                           f"{_candidates(matches, 'vi')}. Ghi mã đơn vị thay cho tên.",
                           f"'{_short(text)}' names {len(matches)} units in hierarchy version {v}: "
                           f"{_candidates(matches, 'en')}. Write the unit code instead of the name.")
        bare = strip_type_word(folded)[1]
        near = [u for key, units in index.by_name.items() if bare and key.startswith(bare) for u in units]
        hint_vi = f" Có phải: {_candidates(near, 'vi')}?" if near else ""
        hint_en = f" Did you mean: {_candidates(near, 'en')}?" if near else ""
        raise NotFound(f"không có đơn vị tên '{_short(text)}' trong danh mục {v}.{hint_vi} "
                       "Ghi mã đơn vị cho chắc.",
                       f"there is no unit named '{_short(text)}' in hierarchy version {v}.{hint_en} "
                       "Write the unit code to be sure.")

    @staticmethod
    def _same_place(unit: Unit, name: str) -> bool:
        wanted_type, bare = strip_type_word(fold(name))
        same_name = bare == strip_type_word(fold(unit.name))[1]
        return same_name and (wanted_type is None or wanted_type == unit.type)

    # -- data elements ---------------------------------------------------------------------------

    def element(self, cell: object) -> DataElement:
        text = _text(cell)
        if not text:
            raise NotFound("thiếu mã chỉ tiêu (ví dụ XHS-06).",
                           "the data element code is missing (e.g. XHS-06).")
        element = self.elements.get(text.upper())
        if element is None:
            raise NotFound(f"không có chỉ tiêu (yếu tố dữ liệu) mã '{_short(text)}'. Xem danh mục mã trong "
                           "trang 'Hướng dẫn' của tệp mẫu.",
                           f"there is no data element with code '{_short(text)}'. See the codes on the "
                           "'Hướng dẫn' sheet of the template.")
        return element

    def element_in_header(self, header: str) -> DataElement | None:
        """The element a wide template's column header starts with: "XHS-06 – Số người …" gives XHS-06."""
        first = header.strip().split(maxsplit=1)[0] if header.strip() else ""
        return self.elements.get(first.upper())


def _text(cell: object) -> str:
    if cell is None or isinstance(cell, bool):
        return ""
    if isinstance(cell, Decimal):
        return str(int(cell)) if cell == cell.to_integral_value() else str(cell)
    return str(cell).strip()


def _looks_like_name(text: str) -> bool:
    return " " in text.strip() or not text.isascii()


def _candidates(units: list[Unit], lang: str) -> str:
    code = "code" if lang == "en" else "mã"
    shown = [f"{u.name} ({code} {u.code}{', ' + u.parent.name if u.parent_id else ''})"
             for u in sorted(units, key=lambda u: (u.path, u.code))[:MAX_CANDIDATES]]
    more = len(units) - len(shown)
    tail = (f"; and {more} more" if lang == "en" else f"; và {more} đơn vị khác") if more > 0 else ""
    return "; ".join(shown) + tail


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
