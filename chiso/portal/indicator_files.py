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

from django.utils.translation import pgettext
from django.utils.translation import override

from chiso.analytics.queries import Row
from chiso.collection.exports import Column, Table, source_notes, table_csv, tables_xlsx
from chiso.engine.periods import Period
from chiso.indicators.models import ValueType
from chiso.portal.indicator_data import IndicatorPage
from chiso.values.models import Qualifier

TABLES = ("theo-nam", "theo-thang", "theo-don-vi")
CONTEXT = "tải về"  # the words of downloaded files have their own translations ("Đơn vị": Unit, not Units)
QUALIFIER_EN = {Qualifier.EXACT: "exact", Qualifier.APPROXIMATE: "approximate", Qualifier.AT_LEAST: "at least",
                Qualifier.AT_MOST: "at most"}


def _h(text: str) -> str:
    return pgettext(CONTEXT, text)


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
    columns = [Column(_h("Giá trị") + (f" ({unit})" if unit else ""), number=True,
                      decimals=_value_decimals(page), width=14)]
    if page.indicator.is_ratio:
        columns += [Column(_h("Tử số"), number=True, decimals=_element_decimals(page.indicator.numerator), width=13),
                    Column(_h("Mẫu số"), number=True, decimals=_element_decimals(page.indicator.denominator),
                           width=13)]
    return columns


def _flags(row: Row, lang: str) -> list[object]:
    qualifier = QUALIFIER_EN.get(row.qualifier, row.qualifier) if lang == "en" else dict(Qualifier.choices).get(
        row.qualifier, row.qualifier)
    yes = _h("có")
    return [qualifier, yes if row.illustrative else "", yes if row.estimated else ""]


def _flag_columns() -> list[Column]:
    return [Column(_h("Độ chính xác"), width=12), Column(_h("Số liệu minh họa"), width=10),
            Column(_h("Ước tính"), width=9)]


def _values(page: IndicatorPage, row: Row) -> list[object]:
    cells: list[object] = [row.value]
    if page.indicator.is_ratio:
        cells += [row.numerator, row.denominator]
    return cells


def _series(page: IndicatorPage, rows: Sequence[Row], lang: str, sheet: str, title: str) -> Table:
    columns = [Column(_h("Mã chỉ tiêu"), width=11), Column(_h("Mã đơn vị"), width=10), Column(_h("Đơn vị"), width=26),
               Column(_h("Danh mục đơn vị"), width=10), Column(_h("Kỳ"), width=14), *_value_columns(page),
               *_flag_columns()]
    body = [[page.indicator.code, row.unit.code, row.unit.name, row.unit.version.name, _period(row.period, lang),
             *_values(page, row), *_flags(row, lang)] for row in rows if row.value is not None]
    return Table(sheet, title, columns, body, _notes(page, lang))


def _cross_section(page: IndicatorPage, lang: str) -> Table:
    columns = [Column(_h("Hạng"), number=True, decimals=0, width=7), Column(_h("Mã chỉ tiêu"), width=11),
               Column(_h("Mã đơn vị"), width=10), Column(_h("Đơn vị"), width=26), Column(_h("Thuộc"), width=22),
               Column(_h("Danh mục đơn vị"), width=10), Column(_h("Kỳ"), width=14), *_value_columns(page),
               *_flag_columns()]
    body = [[r.rank, page.indicator.code, r.row.unit.code, r.row.unit.name,
             r.row.unit.parent.name if r.row.unit.parent else "", r.row.unit.version.name,
             _period(r.row.period, lang), *_values(page, r.row), *_flags(r.row, lang)] for r in page.ranking]
    title = _h("%(code)s – %(name)s: các phường, xã của %(area)s, %(period)s") % {
        "code": page.indicator.code, "name": _name(page, lang), "area": page.scope_area.name,
        "period": _period(page.month, lang).lower() if lang == "vi" else _period(page.month, lang)}
    return Table(_h("Theo phường, xã"), title, columns, body, _notes(page, lang))


def _sources(page: IndicatorPage, lang: str) -> Table:
    columns = [Column(_h("Mã đơn vị"), width=10), Column(_h("Đơn vị"), width=26), Column(_h("Yếu tố dữ liệu"), width=14),
               Column(_h("Kỳ"), width=14), Column(_h("Giá trị"), number=True, width=14),
               Column(_h("Độ chính xác"), width=12), Column(_h("Nguồn"), width=60)]
    qualifiers = QUALIFIER_EN if lang == "en" else dict(Qualifier.choices)
    body = [[f.unit.code, f.unit.name, f.element_code, _period(Period.parse(f.period), lang), f.value,
             qualifiers.get(f.qualifier, f.qualifier), f.source] for f in page.real]
    title = _h("%(code)s – %(name)s: số liệu thật và nguồn") % {"code": page.indicator.code,
                                                              "name": _name(page, lang)}
    return Table(_h("Nguồn"), title, columns, body, _notes(page, lang))


def _name(page: IndicatorPage, lang: str) -> str:
    return page.indicator.name_en if lang == "en" and page.indicator.name_en else page.indicator.name_vi


def _notes(page: IndicatorPage, lang: str) -> list[str]:
    month = f"{page.month.start.month:02d}/{page.month.year}"
    notes = source_notes(lang, published_to=month)
    if page.has_illustrative:
        notes.append(_h("Số liệu minh họa (cột “Số liệu minh họa” = có) do chương trình sinh ra, "
                       "không phải số liệu thật."))
    return notes


def _title(page: IndicatorPage, lang: str, what: str) -> str:
    return f"{page.indicator.code} – {_name(page, lang)}: {page.root.name}, {what}"


BUILDERS: dict[str, Callable[[IndicatorPage, str], Table]] = {
    "theo-nam": lambda page, lang: _series(page, page.years, lang, _h("Theo năm"), _title(page, lang, _h("theo năm"))),
    "theo-thang": lambda page, lang: _series(page, page.series, lang, _h("Theo tháng"),
                                             _title(page, lang, _h("theo tháng"))),
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
