"""The unit tree of a hierarchy version, with search of units by name."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from chiso.portal.views.common import version_of
from chiso.units import queries as units

DEFAULT_OPEN_CODE = "48"  # Thành phố Đà Nẵng: the national tree opens on it
SEARCH_LIMIT = 50


def unit_tree(request: HttpRequest) -> HttpResponse:
    version = version_of(request)
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
    return render(request, "portal/tree.html", context)


def tree_children(request: HttpRequest, version: str, code: str) -> HttpResponse:
    """The children of one unit as tree items: the tree page loads them (htmx) when a node opens."""
    unit = units.unit_by_code(version, code)
    if unit is None:
        raise Http404("Không có đơn vị mã này trong phiên bản này.")
    nodes = [units.TreeNode(child, count) for child, count in units.children(unit)]
    return render(request, "portal/_tree_children.html", {"version": unit.version, "nodes": nodes})
