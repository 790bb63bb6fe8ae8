"""What an indicator's page shows: definition, series over time, every unit ranked, map, downloads.

Three engine calls per page, each batched: the root's monthly series, its yearly values, and every
ward/commune under it at the latest month (the ranking, the map and the downloads share it).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from chiso.analytics.peers import Ranked
from chiso.analytics.peers import rank_rows as rank
from chiso.analytics.queries import Row
from chiso.engine.periods import Period, periods_between
from chiso.engine.spreadsheet import put_row, safe_cell
from chiso.indicators.models import Indicator, IndicatorKind
from chiso.portal import queries
from chiso.portal.dashboard import Goal, reference_goal
from chiso.units import queries as unit_queries
from chiso.units.models import Unit

FIRST_MONTH = Period.of_month(2022, 1)
NUMBER_COLUMNS = {6, 7, 8}  # value, numerator, denominator
CSV_COLUMNS = ["indicator", "unit_code", "unit_name", "parent", "version", "period", "value", "numerator",
               "denominator", "qualifier", "illustrative", "estimated", "rank"]


@dataclass
class IndicatorPage:
    indicator: Indicator
    root: Unit
    month: Period
    series: list[Row]  # root, monthly
    years: list[Row]  # root, yearly
    ranking: list[Ranked]  # wards/communes under root at ``month``
    goal: Goal | None
    real: list[queries.RealFigure]
    breaks: list[unit_queries.MapChange] = field(default_factory=list)  # changes of the map inside ``series``

    @property
    def has_illustrative(self) -> bool:
        return any(r.illustrative for r in self.series if r.value is not None) or any(
            r.row.illustrative for r in self.ranking if r.row.value is not None)

    @property
    def without_coordinates(self) -> list[Unit]:
        return [r.row.unit for r in self.ranking if r.row.unit.latitude is None and r.row.value is not None]

    def chart(self) -> dict[str, object]:
        """The data the page's ECharts scripts draw: series and points, plain numbers."""
        return {
            "series": [[str(r.period), _float(r.value), r.illustrative, r.estimated] for r in self.series],
            "goal": _float(self.goal.value) if self.goal else None,
            "points": [[r.row.unit.name, r.row.unit.longitude, r.row.unit.latitude, _float(r.row.value),
                        r.row.illustrative, r.row.estimated] for r in self.ranking
                       if r.row.unit.latitude is not None and r.row.value is not None],
            "percent": self.indicator.unit_of_measure == "%",
            "decimals": self.indicator.decimals,
            "count": self.indicator.kind == IndicatorKind.COUNT,  # whole-number axis ticks
            "breaks": [[f"{b.day:%Y-%m}", f"{b.day:%d/%m/%Y}"] for b in self.breaks],
        }


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def build(indicator: Indicator, root: Unit, month: Period) -> IndicatorPage:
    months = periods_between(FIRST_MONTH, month) if FIRST_MONTH <= month else [month]
    series = queries.figures([indicator.code], [root], months)
    years = queries.figures([indicator.code], [root], [Period.of_year(y) for y in range(FIRST_MONTH.year,
                                                                                         month.year + 1)])
    units = queries.communes(root)
    rows = queries.figures([indicator.code], units, [month])
    return IndicatorPage(indicator, root, month, series, years, rank(rows, indicator.direction),
                         reference_goal(indicator, month.year), queries.real_figures(indicator, [root],
                                                                                      subtree=True),
                         unit_queries.map_changes(root, months[0].start, month.end))


def table_rows(page: IndicatorPage) -> list[list[object]]:
    """Rows of the downloads: the root's months, its years, then every ward/commune ranked."""
    out: list[list[object]] = []

    def line(row: Row, position: int | None) -> list[object]:
        return [page.indicator.code, row.unit.code, row.unit.name, row.unit.parent.name if row.unit.parent else "",
                row.unit.version.name, str(row.period), _plain(row.value), _plain(row.numerator),
                _plain(row.denominator), row.qualifier, row.illustrative, row.estimated,
                position if position is not None else ""]

    for row in page.series + page.years:
        if row.value is not None:
            out.append(line(row, None))
    for ranked in page.ranking:
        out.append(line(ranked.row, ranked.rank))
    return out


def _plain(value: Decimal | None) -> object:
    if value is None:
        return ""
    return format(value.normalize(), "f") if value != value.to_integral_value() else int(value)


def as_csv(page: IndicatorPage) -> str:
    """The rows as CSV; every text cell through ``safe_cell`` (a unit name cannot become a formula)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in table_rows(page):
        writer.writerow([safe_cell("true" if v is True else "false" if v is False else v) for v in row])
    return out.getvalue()


def as_xlsx(page: IndicatorPage) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = page.indicator.code[:31]
    put_row(sheet, [f"{page.indicator.code} – {page.indicator.name_vi}"])
    sheet["A1"].font = Font(bold=True)
    put_row(sheet, [f"Đơn vị tính: {page.indicator.unit_of_measure}; phiên bản danh mục "
                    f"{page.root.version.name}; số liệu minh họa (illustrative = true) do chương trình sinh ra, "
                    "không phải số liệu thật; estimated = true: ước tính (có phần tính theo tỷ lệ dân số khi "
                    "chia tách đơn vị)."])
    put_row(sheet, CSV_COLUMNS)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in table_rows(page):
        put_row(sheet, [float(v) if k in NUMBER_COLUMNS and isinstance(v, str) and v else v
                        for k, v in enumerate(row)])
    for letter, width in zip("ABCDEFGHIJKLM", (10, 10, 28, 24, 9, 9, 12, 12, 12, 11, 11, 10, 6), strict=True):
        sheet.column_dimensions[letter].width = width
    if page.real:
        sources = book.create_sheet("Nguồn")
        put_row(sources, ["unit_code", "unit_name", "data_element", "period", "value", "qualifier", "source"])
        for f in page.real:
            put_row(sources, [f.unit.code, f.unit.name, f.element_code, f.period, float(f.value),  # type: ignore[arg-type]
                              f.qualifier, f.source])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
