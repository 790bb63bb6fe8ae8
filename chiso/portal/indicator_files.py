"""The downloads of an indicator's page: one table per file, in the visitor's language.

* ``theo-nam``: the scope unit's figure for each year (a time series);
* ``theo-thang``: the scope unit's figure for each month (a time series);
* ``theo-don-vi``: every ward/commune of the area at the page's month, ranked (a cross-section).

A CSV holds one of them (``?bang=``, default ``theo-nam``); the XLSX holds all three as sheets, plus the
real figures with their sources, each sheet headed by its title, source and licence
(``collection.exports``: BOM, headers in Vietnamese or English, numbers rounded to the indicator's decimals,
formula-like text neutralised). Built from the page's own reads, so they hold what the page shows: published
figures only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.utils.translation import override, pgettext, pgettext_lazy

from chiso.analytics.queries import Row
from chiso.collection.exports import Column, Table, source_notes, table_csv, tables_xlsx
from chiso.engine.periods import Period
from chiso.indicators.models import ValueType
from chiso.portal.indicator_data import IndicatorPage
from chiso.values.models import Qualifier

TABLES = ("theo-nam", "theo-thang", "theo-don-vi")
# The words of downloaded files are translated in their own context, "tải về" ("Đơn vị" is "Unit" in a column
# header, "Units" in the menu).
QUALIFIER_EN = {Qualifier.EXACT: "exact", Qualifier.APPROXIMATE: "approximate", Qualifier.AT_LEAST: "at least",
                Qualifier.AT_MOST: "at most"}


# Column headers and words, each in the context "tải về" (lazy: read in the file's language)
H = {
    "indicator": pgettext_lazy("tải về", "Mã chỉ tiêu"),
    "code": pgettext_lazy("tải về", "Mã đơn vị"),
    "unit": pgettext_lazy("tải về", "Đơn vị"),
    "parent": pgettext_lazy("tải về", "Thuộc"),
    "version": pgettext_lazy("tải về", "Danh mục đơn vị"),
    "period": pgettext_lazy("tải về", "Kỳ"),
    "value": pgettext_lazy("tải về", "Giá trị"),
    "numerator": pgettext_lazy("tải về", "Tử số"),
    "denominator": pgettext_lazy("tải về", "Mẫu số"),
    "qualifier": pgettext_lazy("tải về", "Độ chính xác"),
    "illustrative": pgettext_lazy("tải về", "Số liệu minh họa"),
    "estimated": pgettext_lazy("tải về", "Ước tính"),
    "rank": pgettext_lazy("tải về", "Hạng"),
    "element": pgettext_lazy("tải về", "Yếu tố dữ liệu"),
    "source": pgettext_lazy("tải về", "Nguồn"),
    "yes": pgettext_lazy("tải về", "có"),
    "years": pgettext_lazy("tải về", "Theo năm"),
    "months": pgettext_lazy("tải về", "Theo tháng"),
    "units": pgettext_lazy("tải về", "Theo phường, xã"),
    "by_year": pgettext_lazy("tải về", "theo năm"),
    "by_month": pgettext_lazy("tải về", "theo tháng"),
}


def _c(key: str, width: float, *, number: bool = False, decimals: int | None = None) -> Column:
    return Column(str(H[key]), number=number, decimals=decimals, width=width)


def _period(period: Period, lang: str) -> str:
    return period.en_label() if lang == "en" else period.vi_label()


def _value_decimals(page: IndicatorPage) -> int:
    """Counts are whole numbers; rates and averages have the indicator's decimals."""
    return 0 if page.indicator.kind == "count" else int(page.indicator.decimals)


def _element_decimals(element: object) -> int | None:
    """A numerator's or denominator's decimals: whole for an integer element, else as reported."""
    return 0 if getattr(element, "value_type", "") == ValueType.INTEGER else None


def _value_columns(page: IndicatorPage) -> list[Column]:
    unit = page.indicator.unit_of_measure
    value = _c("value", 14, number=True, decimals=_value_decimals(page))
    columns = [Column(value.header + (f" ({unit})" if unit else ""), True, value.decimals, value.width)]
    if page.indicator.is_ratio:
        columns += [_c("numerator", 13, number=True, decimals=_element_decimals(page.indicator.numerator)),
                    _c("denominator", 13, number=True, decimals=_element_decimals(page.indicator.denominator))]
    return columns


def _qualifier(code: str, lang: str) -> str:
    return QUALIFIER_EN.get(code, code) if lang == "en" else str(dict(Qualifier.choices).get(code, code))


def _flags(row: Row, lang: str) -> list[object]:
    yes = str(H["yes"])
    return [_qualifier(row.qualifier, lang), yes if row.illustrative else "", yes if row.estimated else ""]


def _flag_columns() -> list[Column]:
    return [_c("qualifier", 12), _c("illustrative", 10), _c("estimated", 9)]


def _values(page: IndicatorPage, row: Row) -> list[object]:
    cells: list[object] = [row.value]
    if page.indicator.is_ratio:
        cells += [row.numerator, row.denominator]
    return cells


def _series(page: IndicatorPage, rows: Sequence[Row], lang: str, sheet: str, what: str) -> Table:
    columns = [_c("indicator", 11), _c("code", 10), _c("unit", 26), _c("version", 10), _c("period", 14),
               *_value_columns(page), *_flag_columns()]
    body = [[page.indicator.code, row.unit.code, row.unit.name, row.unit.version.name, _period(row.period, lang),
             *_values(page, row), *_flags(row, lang)] for row in rows if row.value is not None]
    title = f"{page.indicator.code} – {_name(page, lang)}: {page.root.name}, {what}"
    return Table(sheet, title, columns, body, _notes(page, lang))


def _cross_section(page: IndicatorPage, lang: str) -> Table:
    columns = [_c("rank", 7, number=True, decimals=0), _c("indicator", 11), _c("code", 10), _c("unit", 26),
               _c("parent", 22), _c("version", 10), _c("period", 14), *_value_columns(page), *_flag_columns()]
    body = [[r.rank, page.indicator.code, r.row.unit.code, r.row.unit.name,
             r.row.unit.parent.name if r.row.unit.parent else "", r.row.unit.version.name,
             _period(r.row.period, lang), *_values(page, r.row), *_flags(r.row, lang)] for r in page.ranking]
    month = _period(page.month, lang)
    title = pgettext("tải về", "%(code)s – %(name)s: các phường, xã của %(area)s, %(period)s") % {
        "code": page.indicator.code, "name": _name(page, lang), "area": page.scope_area.name,
        "period": month.lower() if lang == "vi" else month}
    return Table(str(H["units"]), title, columns, body, _notes(page, lang))


def _sources(page: IndicatorPage, lang: str) -> Table:
    columns = [_c("code", 10), _c("unit", 26), _c("element", 14), _c("period", 14), _c("value", 14, number=True),
               _c("qualifier", 12), _c("source", 60)]
    body = [[f.unit.code, f.unit.name, f.element_code, _period(Period.parse(f.period), lang), f.value,
             _qualifier(f.qualifier, lang), f.source] for f in page.real]
    title = pgettext("tải về", "%(code)s – %(name)s: số liệu thật và nguồn") % {
        "code": page.indicator.code, "name": _name(page, lang)}
    return Table(str(H["source"]), title, columns, body, _notes(page, lang))


def _name(page: IndicatorPage, lang: str) -> str:
    return page.indicator.name_en if lang == "en" and page.indicator.name_en else page.indicator.name_vi


def _notes(page: IndicatorPage, lang: str) -> list[str]:
    notes = source_notes(lang, published_to=f"{page.month.start.month:02d}/{page.month.year}")
    if page.has_illustrative:
        notes.append(pgettext("tải về", "Số liệu minh họa (cột “Số liệu minh họa” = có) do chương trình sinh ra, "
                                        "không phải số liệu thật."))
    return notes


BUILDERS: dict[str, Callable[[IndicatorPage, str], Table]] = {
    "theo-nam": lambda page, lang: _series(page, page.years, lang, str(H["years"]), str(H["by_year"])),
    "theo-thang": lambda page, lang: _series(page, page.series, lang, str(H["months"]), str(H["by_month"])),
    "theo-don-vi": _cross_section,
}


def table(page: IndicatorPage, which: str, lang: str) -> Table:
    """One of ``TABLES`` with headers and words in ``lang``."""
    with override(lang):
        return BUILDERS[which](page, lang)


def as_csv(page: IndicatorPage, which: str, lang: str) -> bytes:
    return table_csv(table(page, which, lang), lang)


def as_xlsx(page: IndicatorPage, lang: str) -> bytes:
    tables = [table(page, which, lang) for which in TABLES]
    if page.real:
        with override(lang):
            tables.append(_sources(page, lang))
    return tables_xlsx(tables)


def file_name(page: IndicatorPage, which: str | None, fmt: str) -> str:
    """``chiso-XHS-06-2024-491-theo-nam.csv``; the workbook has no table in its name."""
    base = f"chiso-{page.indicator.code}-{page.root.version.name}-{page.root.code}"
    return f"{base}-{which}.{fmt}" if which else f"{base}.{fmt}"
