"""The city at a glance: pillars, headline indicators against targets, status counts, laggards, changes."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from chiso.portal import dashboard, queries
from chiso.portal.views.common import lang, version_of
from chiso.units import queries as units


def overview(request: HttpRequest) -> HttpResponse:
    version = version_of(request)
    root = queries.city(version)
    if root is None:
        raise Http404("Phiên bản này không có Thành phố Đà Nẵng.")
    month = dashboard.as_of(root)
    context: dict[str, object] = {"version": version, "root": root, "month": month,
                                  "versions": units.versions(), "current": units.current_version()}
    if month is not None:
        headlines = dashboard.headline_indicators()
        cards = dashboard.reference_cards(root, headlines, month, lang())
        changes = sorted([c for c in cards if c.change is not None],
                         key=lambda c: abs(float(c.change)) / (abs(float(c.previous.value)) or 1),  # type: ignore[union-attr,arg-type]
                         reverse=True)
        plan_year, plans = dashboard.plans_in_subtree(root, month)
        context |= {
            "pillars": dashboard.by_pillar(cards),
            "counts": dashboard.status_counts(cards),
            "assessed": len(cards),
            "laggards": dashboard.laggards(root, headlines, month),
            "changes": changes,
            "previous_month": month.previous(),
            "pending": queries.pending(root, month),
            "plan_year": plan_year,
            "plans": plans,
            "has_illustrative": any(c.illustrative for c in cards),
        }
    return render(request, "portal/overview.html", context)
