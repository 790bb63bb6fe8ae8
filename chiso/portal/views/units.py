"""The page of one unit: its plan against targets, its figures, its children, its history."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from chiso.analytics.queries import Row
from chiso.engine.periods import Period
from chiso.indicators.models import Indicator, Pillar
from chiso.plans.models import Plan
from chiso.portal import dashboard, queries
from chiso.portal.views.common import lang
from chiso.portal.views.scenarios import box_context, what_ifs
from chiso.ranking import certification
from chiso.units import queries as units
from chiso.units.models import Unit
from chiso.values import queries as values

CHILD_COLUMNS_PER_PILLAR = 1


@dataclass(frozen=True)
class Footnote:
    number: int
    text: str


@dataclass(frozen=True)
class FigureRow:
    item: values.LatestValue
    footnote: Footnote | None
    real_footnote: Footnote | None = None  # source of item.real_value


@dataclass(frozen=True)
class RowGroup:
    pillar: Pillar | None  # None: "Khác"
    rows: list[FigureRow]


@dataclass(frozen=True)
class ChildRow:
    unit: Unit
    child_count: int
    cells: list[tuple[Indicator, Row | None]]


def _year(request: HttpRequest, unit: Unit, month: Period | None) -> int | None:
    text = request.GET.get("nam", "").strip()
    if text:
        if not (text.isdigit() and 1900 <= int(text) <= 2100):
            raise Http404("Năm không hợp lệ.")
        return int(text)
    end = unit.effective_to()
    years = dashboard.plan_years(unit)
    if month is None:
        return years[-1] if years else None
    latest = min(month.year, end.year) if end else month.year
    in_range = [y for y in years if y <= latest]
    return in_range[-1] if in_range else latest


def unit_page(request: HttpRequest, version: str, code: str) -> HttpResponse:
    unit = units.unit_by_code(version, code)
    if unit is None:
        raise Http404("Không có đơn vị mã này trong phiên bản này.")
    groups, footnotes = with_footnotes(values.group_by_pillar(values.latest_values(unit, published_only=True)))
    children = units.children(unit)
    year = _year(request, unit, queries.latest_month())
    month = dashboard.as_of(unit, year)
    cards: list[dashboard.Card] = []
    plan_based = False
    child_rows: list[ChildRow] = []
    columns: list[Indicator] = []
    if month is not None and year is not None:
        cards = dashboard.plan_cards(unit, year, month, lang())
        plan_based = bool(cards)
        if not cards:
            cards = [c for c in dashboard.reference_cards(unit, dashboard.headline_indicators(), month, lang())
                     if c.series]
        dashboard.add_peer_ranks(unit, cards, month)
        if children:
            columns = _child_columns()
            rows = queries.figures([i.code for i in columns], [c for c, _ in children], [month])
            cell = {(r.unit.id, r.data): r for r in rows}
            child_rows = [ChildRow(c, n, [(i, cell.get((c.id, i.code))) for i in columns]) for c, n in children]
    scenario_boxes = [box_context(request, w) for w in what_ifs(unit, year, month)] if plan_based and month and year \
        else []
    standings = certification.certifications_under(unit, request.user) if unit.type in certification.WARD_TYPES \
        else []
    context = {
        "unit": unit,
        "ancestors": units.ancestors(unit),
        "children": children,
        "child_rows": child_rows,
        "child_columns": columns,
        "successors": units.successors(unit),
        "predecessors": units.predecessors(unit),
        "same_code": units.same_code_elsewhere(unit),
        "groups": groups,
        "footnotes": footnotes,
        "has_illustrative": any(r.item.data_value.is_illustrative for g in groups for r in g.rows),
        "plans": list(Plan.objects.filter(unit=unit).order_by("year")),
        "year": year,
        "month": month,
        "pillar_cards": dashboard.by_pillar(cards),
        "counts": dashboard.status_counts(cards),
        "plan_based": plan_based,
        "cards_illustrative": any(c.illustrative for c in cards),
        "report_years": _report_years(unit, month),
        "pending": queries.pending(unit, month) if month is not None else [],
        "scenario_boxes": scenario_boxes,  # the «Kịch bản» section (portal/_scenarios.html)
        "certifications": standings,  # a ward's residential areas against a criteria set: what the reader may see
        "certifications_illustrative": any(s.certification.is_illustrative for s in standings),
    }
    return render(request, "portal/unit.html", context)


def _child_columns() -> list[Indicator]:
    """One headline indicator per pillar: the columns of the children's table."""
    seen: set[int] = set()
    found = []
    for indicator in dashboard.headline_indicators():
        if indicator.pillar_id not in seen:
            seen.add(indicator.pillar_id)
            found.append(indicator)
    return found


def _report_years(unit: Unit, month: Period | None) -> list[int]:
    if month is None:
        return []
    start = unit.effective_from()
    end = unit.effective_to()
    first = max(2022, start.year if start else 2022)
    last = min(month.year, end.year if end else month.year)
    return list(range(last, first - 1, -1))


def with_footnotes(groups: list[values.PillarGroup]) -> tuple[list[RowGroup], list[Footnote]]:
    """Number each distinct source text in order of first appearance; a blank source gets none."""
    numbers: dict[str, Footnote] = {}

    def note(source: str) -> Footnote | None:
        text = source.strip()
        if text and text not in numbers:
            numbers[text] = Footnote(len(numbers) + 1, text)
        return numbers.get(text) if text else None

    def row(item: values.LatestValue) -> FigureRow:
        footnote = note(item.data_value.source)
        return FigureRow(item, footnote, note(item.real_value.source) if item.real_value else None)

    rows = [RowGroup(g.pillar, [row(v) for v in g.values]) for g in groups]
    return rows, list(numbers.values())
