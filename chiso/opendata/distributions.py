"""The files of a dataset (CSV, JSON, XLSX at city, phường/xã and tổ dân phố level) and the bulk download.

Built only from published figures: ``analytics.queries.evaluate(..., published_only=True)`` for the values
(a total below its forms' completeness threshold is withheld there and left out here, never replaced by a
draft) and ``collection.queries.published`` for the sources of the units' own figures. One row per unit
and period: unit code and name, map version, period, value (rounded to the indicator's decimals),
numerator, denominator, qualifier, the illustrative flag ("minh họa") and the source. Every text cell goes
through ``chiso.engine.spreadsheet`` (a unit name or a source cannot become a formula).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import IO

from chiso import conf
from chiso.analytics.queries import Row, evaluate
from chiso.engine.periods import Period
from chiso.engine.spreadsheet import put_row, safe_cell
from chiso.indicators.models import DataElement, Indicator, ValueType
from chiso.opendata.catalogue import FORMATS, LEVELS, SETTINGS_READ, Dataset, city_units, datasets, licence, publisher
from chiso.units.models import HierarchyVersion, Unit
from chiso.values.models import DataValue, Qualifier

COLUMNS = ("unit_code", "unit_name", "hierarchy_version", "period", "value", "numerator", "denominator",
           "qualifier", "illustrative", "source")
HEADERS = {
    "vi": ("Mã đơn vị", "Tên đơn vị", "Phiên bản danh mục đơn vị", "Kỳ", "Giá trị", "Tử số", "Mẫu số",
           "Độ chính xác", "Số liệu minh họa", "Nguồn"),
    "en": ("Unit code", "Unit name", "Hierarchy version", "Period", "Value", "Numerator", "Denominator",
           "Qualifier", "Illustrative", "Source"),
}
QUALIFIER_VI = dict(Qualifier.choices)


@dataclass(frozen=True)
class OpenRow:
    unit_code: str
    unit_name: str
    version: str
    period: str
    value: Decimal
    numerator: Decimal | None
    denominator: Decimal | None
    qualifier: str  # exact, approximate, at_least, at_most
    illustrative: bool
    source_vi: str
    source_en: str


def rows(ds: Dataset, level: str) -> list[OpenRow]:
    """The published rows of ``ds`` at ``level``, by unit code, then period."""
    return rows_of([ds], level)[ds.id]


def rows_of(group: list[Dataset], level: str) -> dict[str, list[OpenRow]]:
    """The rows of several datasets of one year at ``level``, read together (one ``evaluate`` per map
    version for all their indicators): what ``rows`` gives for each, by dataset id."""
    from chiso.collection.queries import published

    assert len({d.indicator_code for d in group}) == len(group), "one dataset per indicator"
    by_code = {d.indicator_code: d for d in group}
    indicators = {i.code: i for i in Indicator.objects.select_related("numerator", "denominator", "reported")
                  .filter(code__in=by_code)}
    elements = {e for i in indicators.values() for e in (i.reported, i.numerator, i.denominator) if e is not None}
    wanted = sorted({Period.parse(p) for d in group for p in d.periods}, key=lambda p: (p.start, p.end))
    cities = {u.version_id: u for u in city_units()}
    by_version: dict[int, list[Period]] = defaultdict(list)
    for version in HierarchyVersion.objects.filter(id__in=cities):
        by_version[version.id] += [p for p in wanted if version.covers(p.end)]
    found = []
    for version_id, periods in by_version.items():
        city = cities[version_id]
        if level == "thanh-pho":
            units = [city]
        else:
            units_q = Unit.objects.select_related("version").filter(
                version_id=version_id, path__startswith=city.path, type__in=LEVELS[level][0])
            if level == "to-dan-pho":  # only those with published figures (there are thousands)
                units_q = units_q.filter(id__in=published(DataValue.objects.filter(
                    data_element__in=elements, is_deleted=False, value__isnull=False,
                    period__in=[str(p) for p in periods], unit__version_id=version_id,
                    unit__path__startswith=city.path)).values("unit_id"))
            units = list(units_q.order_by("code"))
        found += [r for r in evaluate(sorted(by_code), units, periods, published_only=True)
                  if r.value is not None and not r.withheld and str(r.period) in by_code[r.data].periods]
    own = _sources(found, elements)
    out: dict[str, list[OpenRow]] = {d.id: [] for d in group}
    for r in sorted(found, key=lambda r: (r.unit.code, r.unit.version.valid_from is not None,
                                          r.unit.version.valid_from, r.period.start, r.period.end)):
        if r.value is None:  # not published (filtered above; says so to the type checker)
            continue
        indicator = indicators[r.data]
        if r.own_value is not None and r.own_value == r.value:  # the unit's own figure
            texts = list(dict.fromkeys(t for e in (indicator.reported, indicator.numerator, indicator.denominator)
                                       if e is not None for t in own.get((e.id, r.unit.id, str(r.period)), [])))
            source_vi = "; ".join(texts) or "Báo cáo đã duyệt của đơn vị"
            source_en = "; ".join(texts) or "The unit's approved report"
        else:
            source_vi = f"Tổng hợp từ các đơn vị trực thuộc ({r.reported}/{r.expected} đơn vị có số liệu)"
            source_en = f"Sum over the units below ({r.reported} of {r.expected} units with figures)"
        out[by_code[r.data].id].append(OpenRow(
            unit_code=r.unit.code, unit_name=r.unit.name, version=r.unit.version.name, period=str(r.period),
            value=_exact(r.value, indicator.decimals),
            numerator=_round(r.numerator, _places(indicator.numerator, indicator.decimals)),
            denominator=_round(r.denominator, _places(indicator.denominator, indicator.decimals)),
            qualifier=r.qualifier, illustrative=r.illustrative, source_vi=source_vi, source_en=source_en))
    return out


def _places(element: object, decimals: int) -> int:
    return 0 if getattr(element, "value_type", None) == ValueType.INTEGER else decimals


def _exact(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _round(value: Decimal | None, places: int) -> Decimal | None:
    return None if value is None else _exact(value, places)


def _sources(found: list[Row], elements: set[DataElement]) -> dict[tuple[int, int, str], list[str]]:
    """The sources written with the published figures of the rows' units, by (element, unit, period) (one
    query)."""
    from chiso.collection.queries import published

    if not found:
        return {}
    texts: dict[tuple[int, int, str], list[str]] = defaultdict(list)
    for element_id, unit_id, period, source in published(DataValue.objects.filter(
            data_element__in=elements, unit_id__in={r.unit.id for r in found},
            period__in={str(r.period) for r in found}, is_deleted=False)).values_list(
            "data_element_id", "unit_id", "period", "source"):
        if source:
            texts[(element_id, unit_id, period)].append(source)
    return texts


def _cells(row: OpenRow, language: str) -> list[object]:
    vi = language == "vi"
    return [row.unit_code, row.unit_name, row.version, row.period, row.value, row.numerator, row.denominator,
            QUALIFIER_VI.get(row.qualifier, row.qualifier) if vi else row.qualifier,
            ("có" if row.illustrative else "không") if vi else ("true" if row.illustrative else "false"),
            row.source_vi if vi else row.source_en]


def as_csv(found: list[OpenRow], language: str = "vi") -> bytes:
    """UTF-8 with a BOM (Excel reads the Vietnamese letters), a header row in ``language``."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS[language])
    for row in found:
        writer.writerow(["" if v is None else safe_cell(v if isinstance(v, str) else f"{v:f}")
                         for v in _cells(row, language)])
    return "\ufeff".encode() + out.getvalue().encode()


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def as_json(ds: Dataset, level: str, found: list[OpenRow]) -> bytes:
    """The same rows as JSON objects (English keys), with the dataset's title, licence and level."""
    terms = licence()
    body = {
        "dataset": ds.id, "title": ds.title_vi, "title_en": ds.title_en, "level": level,
        "indicator": ds.indicator_code, "unit_of_measure": ds.unit_of_measure,
        "licence": terms.uri or terms.text, "publisher": publisher().name_vi,
        "rows": [{
            "unit_code": r.unit_code, "unit_name": r.unit_name, "hierarchy_version": r.version, "period": r.period,
            "value": _number(r.value), "numerator": _number(r.numerator), "denominator": _number(r.denominator),
            "qualifier": r.qualifier, "illustrative": r.illustrative, "source": r.source_vi,
        } for r in found],
    }
    return json.dumps(body, ensure_ascii=False, indent=1).encode()


def as_xlsx(ds: Dataset, level: str, found: list[OpenRow], language: str = "vi") -> bytes:
    """One sheet: the title, source and licence rows, the header (frozen), then the rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    vi = language == "vi"
    terms = licence()
    who = publisher()
    book = Workbook()
    sheet = book.active
    sheet.title = ds.indicator_code[:31]
    level_name = LEVELS[level][1] if vi else LEVELS[level][2]
    put_row(sheet, [f"{ds.title_vi if vi else ds.title_en} – {level_name}"])
    sheet["A1"].font = Font(bold=True)
    put_row(sheet, [("Nguồn: " if vi else "Source: ") + f"{who.name_vi if vi else who.name_en}; "
                    + (ds.method_vi if vi else ds.method_en)])
    put_row(sheet, [("Giấy phép: " if vi else "Licence: ") + f"{terms.title} {terms.uri} {terms.text}".strip()])
    notes = [f"Đơn vị tính: {ds.unit_of_measure}." if vi else f"Unit of measure: {ds.unit_of_measure}."]
    if ds.illustrative:
        notes.append("Có số liệu minh họa (cột 'Số liệu minh họa' = có): do chương trình sinh ra, không phải số "
                     "liệu thật." if vi else "Contains illustrative figures (Illustrative = true): made up by the "
                     "program, not real.")
    put_row(sheet, [" ".join(notes)])
    put_row(sheet, HEADERS[language])
    header = sheet.max_row
    for cell in sheet[header]:
        cell.font = Font(bold=True)
    indicator = Indicator.objects.select_related("numerator", "denominator").get(code=ds.indicator_code)
    formats = {5: _format(indicator.decimals), 6: _format(_places(indicator.numerator, indicator.decimals)),
               7: _format(_places(indicator.denominator, indicator.decimals))}
    for row in found:
        put_row(sheet, [float(v) if isinstance(v, Decimal) else v for v in _cells(row, language)])
        for column, number_format in formats.items():
            sheet.cell(sheet.max_row, column).number_format = number_format
    sheet.freeze_panes = f"A{header + 1}"
    for letter, width in zip("ABCDEFGHIJ", (10, 28, 12, 10, 12, 12, 12, 12, 10, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _format(places: int) -> str:
    return "#,##0" + ("." + "0" * places if places else "")


def render(ds: Dataset, level: str, fmt: str, language: str = "vi", found: list[OpenRow] | None = None) -> bytes:
    """The bytes of one distribution (``fmt``: csv, json or xlsx)."""
    found = rows(ds, level) if found is None else found
    if fmt == "csv":
        return as_csv(found, language)
    if fmt == "json":
        return as_json(ds, level, found)
    return as_xlsx(ds, level, found, language)


def sized(ds: Dataset) -> Dataset:
    """``ds`` with the byte size of every distribution (each file built once, in Vietnamese), once per data
    stamp and publisher and licence setting (``portal.queries.memoised``): the dataset page is public."""
    from chiso.portal.queries import memoised

    def build() -> Dataset:
        by_level = {level: rows(ds, level) for level in ds.levels}
        return replace(ds, distributions=tuple(
            replace(d, byte_size=len(render(ds, d.level, d.extension, found=by_level[d.level])))
            for d in ds.distributions))
    key = "|".join(["opendata-sized", ds.id, *(conf.env_str(name) for name in SETTINGS_READ)])
    return memoised(key, build)  # type: ignore[no-any-return]


def file_name(ds: Dataset, level: str, fmt: str) -> str:
    assert fmt in FORMATS
    return f"{ds.id}-{level}.{fmt}"


README = """Dữ liệu mở chiso – {city}
=============================

Mỗi tệp CSV là một tập dữ liệu (một chỉ tiêu, một năm) ở một cấp: thanh-pho (toàn thành phố), phuong-xa
(từng phường, xã), to-dan-pho (từng tổ dân phố, thôn). Chỉ có số liệu đã công bố (báo cáo đã được duyệt);
tổng chưa đủ số đơn vị báo cáo không được công bố. Mã hóa UTF-8 có BOM, số thập phân viết bằng dấu chấm.
Cột "Số liệu minh họa" = có: số liệu do chương trình sinh ra, không phải số liệu thật.

Đơn vị công bố: {publisher} ({url}, {email})
Giấy phép: {licence}

Open data from chiso. Each CSV file is one dataset (one indicator, one year) at one level. Only published
figures (approved reports). UTF-8 with BOM, decimal point. "Số liệu minh họa" = có: illustrative (made-up)
figures.

Tệp / files ({count}):
{files}
"""


def write_zip(target: IO[bytes]) -> list[str]:
    """Every distribution as CSV, plus README.txt, into ``target`` (a file: the archive is written as it
    goes, one dataset's rows in memory at a time). Returns the names written."""
    names = []
    all_datasets = datasets()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for year in sorted({d.year for d in all_datasets}):  # one year's rows in memory at a time
            of_year = [d for d in all_datasets if d.year == year]
            for level in LEVELS:
                group = [d for d in of_year if level in d.levels]
                found = rows_of(group, level) if group else {}
                for ds in group:
                    name = file_name(ds, level, "csv")
                    archive.writestr(name, as_csv(found[ds.id]))
                    names.append(name)
        who, terms = publisher(), licence()
        city = all_datasets[0].spatial.name if all_datasets else ""
        archive.writestr("README.txt", README.format(
            city=city, publisher=who.name_vi, url=who.url, email=who.email,
            licence=f"{terms.title} {terms.uri} – {terms.text}", count=len(names), files="\n".join(names)))
    return [*names, "README.txt"]
