"""Search across units (every version) and indicators, with or without diacritics."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from chiso.portal import queries
from chiso.units import queries as units

LIMIT = 50


def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    found = units.search(q, LIMIT + 1) if q else []
    context = {
        "q": q,
        "units": found[:LIMIT],
        "more_units": len(found) > LIMIT,
        "limit": LIMIT,
        "indicators": queries.search_indicators(q) if q else [],
    }
    return render(request, "portal/search.html", context)
