"""«Tình hình đơn vị», the leader's page: targets that will be missed, the units below that lag, what changed
since last month, reports waiting for whom, and the what-if of the targets at risk. Parses the request, calls
``analytics.situation`` (and the scenario box of ``portal.views.scenarios``), renders."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from chiso.accounts.access import unpublished_read_prefixes
from chiso.analytics import situation
from chiso.engine.periods import Period
from chiso.portal import dashboard, queries
from chiso.portal.views.common import lang
from chiso.portal.views.scenarios import box_context, what_ifs
from chiso.units import queries as units
from chiso.units.models import Unit

SCENARIO_LIMIT = 5  # what-if boxes on the page (each a 2 000-draw bootstrap): the targets furthest behind


def _page_url(unit: Unit) -> str:
    return reverse("portal:situation", args=[unit.version.name, unit.code])


def situation_home(request: HttpRequest) -> HttpResponse:
    """The page of the unit the user holds a role on; a chooser when several; the city for anyone else."""
    mine = situation.home_units(request.user)
    if len(mine) == 1:
        return HttpResponseRedirect(_page_url(mine[0]))
    if mine:
        return render(request, "portal/situation_choose.html", {"units": mine})
    version = units.current_version()
    city = queries.city(version) if version is not None else None
    if city is None:
        raise Http404("Chưa có danh mục đơn vị.")
    return HttpResponseRedirect(_page_url(city))


def _year(request: HttpRequest, years: list[int], month: Period) -> int:
    text = request.GET.get("nam", "").strip()
    if text:
        if not (text.isdigit() and 1900 <= int(text) <= 2100):
            raise Http404("Năm không hợp lệ.")
        return int(text)
    ahead = [y for y in years if y >= month.year]
    return ahead[0] if ahead else (years[-1] if years else month.year)


def _sees_drafts(request: HttpRequest, unit: Unit) -> bool:
    prefixes = unpublished_read_prefixes(request.user)
    return prefixes is None or any(p.startswith(unit.path) or unit.path.startswith(p) for p in prefixes)


def _boxes(request: HttpRequest, risks: list[situation.AtRisk], year: int, month: Period) -> list[dict[str, object]]:
    """The what-if boxes of the first ``SCENARIO_LIMIT`` targets at risk that have one (date ahead, enough monthly
    figures), on published figures as on the unit page (``portal.views.scenarios.what_ifs``, memoised); each
    unit's what-ifs are computed only when one of its targets comes up."""
    boxes: list[dict[str, object]] = []
    by_unit: dict[int, dict[int, object]] = {}
    for risk in risks:
        if len(boxes) == SCENARIO_LIMIT:
            break
        if risk.progress.standing.final:
            continue
        if risk.unit.id not in by_unit:
            by_unit[risk.unit.id] = {w.target.id: w for w in what_ifs(risk.unit, year, month)}
        what = by_unit[risk.unit.id].get(risk.target.id)
        if what is not None:
            boxes.append(box_context(request, what))  # type: ignore[arg-type]
    return boxes


def situation_page(request: HttpRequest, version: str, code: str) -> HttpResponse:
    unit = units.unit_by_code(version, code)
    if unit is None:
        raise Http404("Không có đơn vị mã này trong phiên bản này.")
    years = situation.plan_years(unit)
    latest = dashboard.as_of(unit)
    context: dict[str, object] = {"unit": unit, "ancestors": units.ancestors(unit), "years": years,
                                  "mine": situation.home_units(request.user), "month": None,
                                  "waiting": situation.waiting(unit, request.user)}
    if latest is None:
        return render(request, "portal/situation.html", context)
    year = _year(request, years, latest)
    month = dashboard.as_of(unit, year) or latest
    figures = situation.figures_for(request.user, queries.figures)
    judged = situation.judged_under(unit, year, month, figures)
    before = situation.judged_under(unit, year, month.previous(), figures)
    risks = situation.at_risk(judged)
    boxes = _boxes(request, risks, year, month)
    context.update({
        "year": year, "month": month, "previous": month.previous(),
        "judged_count": len(judged), "risks": [(r, r.sentence(lang())) for r in risks],
        "lagging": situation.lagging_children(unit, risks),
        "pace_gaps": situation.pace_gaps(unit, risks, figures),
        "changes": situation.changes(judged, before),
        "scenario_boxes": boxes, "scenario_more": sum(1 for r in risks if not r.progress.standing.final)
        - len(boxes) if len(boxes) == SCENARIO_LIMIT else 0,
        "drafts": _sees_drafts(request, unit) and figures is not queries.figures,
        "illustrative": any(r.illustrative for r in risks),
    })
    return render(request, "portal/situation.html", context)
