"""Public pages: the unit tree of a hierarchy version and the page of one unit.

Views parse the request, call the query modules and render; nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from chiso.indicators.models import Pillar
from chiso.plans.models import Plan
from chiso.units import queries as units
from chiso.values import queries as values

DEFAULT_OPEN_CODE = "48"  # Thành phố Đà Nẵng: the national tree opens on it
SEARCH_LIMIT = 50


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


def home(request: HttpRequest) -> HttpResponse:
    name = request.GET.get("v", "").strip()
    version = units.version_by_name(name) if name else units.current_version()
    if version is None:
        raise Http404("Không có phiên bản danh mục đơn vị này.")
    q = request.GET.get("q", "").strip()
    found = units.search(q, SEARCH_LIMIT + 1) if q else []
    open_code = request.GET.get("open", "").strip() or DEFAULT_OPEN_CODE
    context = {
        "version": version,
        "versions": units.versions(),
        "current": units.current_version(),
        "tree": units.tree(version, open_code),
        "q": q,
        "results": found[:SEARCH_LIMIT],
        "more_results": len(found) > SEARCH_LIMIT,
        "search_limit": SEARCH_LIMIT,
    }
    return render(request, "portal/home.html", context)


def unit_page(request: HttpRequest, version: str, code: str) -> HttpResponse:
    unit = units.unit_by_code(version, code)
    if unit is None:
        raise Http404("Không có đơn vị mã này trong phiên bản này.")
    groups, footnotes = with_footnotes(values.group_by_pillar(values.latest_values(unit)))
    context = {
        "unit": unit,
        "ancestors": units.ancestors(unit),
        "children": units.children(unit),
        "successors": units.successors(unit),
        "predecessors": units.predecessors(unit),
        "same_code": units.same_code_elsewhere(unit),
        "groups": groups,
        "footnotes": footnotes,
        "has_illustrative": any(r.item.data_value.is_illustrative for g in groups for r in g.rows),
        "plans": list(Plan.objects.filter(unit=unit).order_by("year")),
    }
    return render(request, "portal/unit.html", context)


def tree_children(request: HttpRequest, version: str, code: str) -> HttpResponse:
    """The children of one unit as tree items: the home page loads them (htmx) when a node opens."""
    unit = units.unit_by_code(version, code)
    if unit is None:
        raise Http404("Không có đơn vị mã này trong phiên bản này.")
    nodes = [units.TreeNode(child, count) for child, count in units.children(unit)]
    return render(request, "portal/_tree_children.html", {"version": unit.version, "nodes": nodes})


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
