"""What-if for a unit's targets (the «Kịch bản» box on the unit page): run a pace (htmx, nothing saved),
save it with a name (signed in), compare two saved ones. Parses, calls ``analytics.scenarios``, renders."""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from chiso.analytics import scenarios
from chiso.engine.numbers import format_number, format_percent
from chiso.engine.periods import Period
from chiso.plans.models import SavedScenario, Target, TargetScope
from chiso.portal import dashboard, queries
from chiso.portal.views.common import lang
from chiso.units import queries as units
from chiso.units.models import Unit

PACE_PARAM, TRIAL_PARAM = "toc-do", "muc-tieu"


def pace_words(pace: float | None, percent: bool, language: str = "vi") -> str:
    """A monthly change in words: "tăng trung bình 1,2 điểm %/tháng", "giảm trung bình 3 /tháng".

    >>> pace_words(1.2, True), pace_words(-3, False), pace_words(0.5, True, "en")
    ('tăng trung bình 1,2 điểm %/tháng', 'giảm trung bình 3/tháng', 'up 0.5 points a month on average')
    """
    if pace is None:
        return ""
    size = format_number(round(abs(pace), 2), None, language)
    if language == "en":
        return f"{'up' if pace >= 0 else 'down'} {size}{' points' if percent else ''} a month on average"
    return f"{'tăng' if pace >= 0 else 'giảm'} trung bình {size}{' điểm %' if percent else ''}/tháng"


def chart_data(what: scenarios.WhatIf, run: scenarios.engine.Scenario) -> dict[str, object]:
    """The chart's data (months, observed values, the scenario's path, target, deadline), for json_script."""
    observed = {str(p): v for p, v in what.series}
    path = {str(p): v for p, v in run.path}
    last = str(what.last[0])
    months = [str(p) for p, _ in what.series] + [str(p) for p, _ in run.path]
    return {
        "months": months,
        "observed": [observed.get(m) for m in months],
        "scenario": [path.get(m, observed[last] if m == last else None) for m in months],
        "target": what.target_value, "deadline": str(what.deadline),
        "percent": what.upper_limit is not None,
        "count": what.target.indicator.kind == "count",  # whole-number axis ticks
    }


def what_ifs(unit: Unit, year: int, month: Period) -> list[scenarios.WhatIf]:
    """``analytics.scenarios.what_ifs`` on published figures, once per data stamp (``queries.memoised``): each
    target's chance is a 2 000-draw bootstrap, too heavy to redo on every view of the public unit page."""
    return list(queries.memoised(f"what_ifs|{unit.id}|{year}|{month}",
                                 lambda: scenarios.what_ifs(unit, year, month, queries.figures)))


def _what_if(version: str, code: str, target_id: int) -> tuple[Unit, scenarios.WhatIf]:
    unit = units.unit_by_code(version, code)
    if unit is None:
        raise Http404("Không có đơn vị mã này trong phiên bản này.")
    target = Target.objects.select_related("plan").filter(id=target_id, plan__unit=unit,
                                                          scope=TargetScope.OWN).first()
    month = dashboard.as_of(unit, target.plan.year) if target is not None else None
    if target is None or month is None:
        raise Http404("Không có chỉ tiêu kế hoạch này ở đơn vị này.")
    found = [w for w in what_ifs(unit, target.plan.year, month) if w.target.id == target.id]
    if not found:
        raise Http404("Chỉ tiêu này chưa đủ số liệu hằng tháng (hoặc đã hết hạn) để chạy kịch bản.")
    return unit, found[0]


def box_context(request: HttpRequest, what: scenarios.WhatIf, pace: float | None = None,
                error: str = "", saved: SavedScenario | None = None, trial: float | None = None) -> dict[str, object]:
    """What the scenario box of one target shows; ``pace`` None: the trend's own pace (the forecast);
    ``trial``: a target raised or lowered to see which units below would fall behind."""
    if pace is None:
        pace = round(what.trend_pace if what.trend_pace is not None else what.required_pace or 0.0, 2)
    run = what.run(pace)
    language = lang()
    percent = what.upper_limit is not None
    return {
        "what": what, "pace": pace, "run": run, "sentence": run.sentence(language),
        "pace_text": format_number(pace, None, "vi"),
        "required_words": pace_words(what.required_pace, percent, language),
        "chart_json": json.dumps(chart_data(what, run)), "error": error,
        "probability_text": format_percent(round(what.probability * 100), 0, language)
        if what.probability is not None else "–", "just_saved": saved,
        "saved": scenarios.scenarios_of(what.target, request.user),
        "split": scenarios.units_split(what.target.plan.unit, what, queries.figures, trial),
        "trial_text": format_number(trial, None, "vi") if trial is not None else "",
    }


def _box(request: HttpRequest, unit: Unit, what: scenarios.WhatIf, status: int = 200, **kwargs: object
         ) -> HttpResponse:
    """The box alone for htmx; a page of its own for a form sent without JavaScript."""
    template = "portal/_scenario_box.html" if request.headers.get("HX-Request") == "true" else \
        "portal/scenario_page.html"
    return render(request, template, {"unit": unit, "box": box_context(request, what, **kwargs)},  # type: ignore[arg-type]
                  status=status)


@require_GET
def run_scenario(request: HttpRequest, version: str, code: str, target_id: int) -> HttpResponse:
    """The box redrawn for the pace typed (``?toc-do=1,2``): htmx swaps it in; nothing is saved."""
    unit, what = _what_if(version, code, target_id)
    text, trial_text = request.GET.get(PACE_PARAM, ""), request.GET.get(TRIAL_PARAM, "")
    try:
        pace = scenarios.parse_pace(text) if text.strip() else None
        trial = scenarios.parse_pace(trial_text, "Mục tiêu thử") if trial_text.strip() else None
    except scenarios.ScenarioError as refusal:
        return _box(request, unit, what, refusal.status, error=refusal.message)
    return _box(request, unit, what, pace=pace, trial=trial)


@require_POST
def save_scenario(request: HttpRequest, version: str, code: str, target_id: int) -> HttpResponse:
    """Save the pace under a name (``do_save_scenario``), then show the box with the saved list."""
    unit, what = _what_if(version, code, target_id)
    try:
        pace = scenarios.parse_pace(request.POST.get(PACE_PARAM, ""))
        run = what.run(pace)
        saved = scenarios.do_save_scenario(what.target, request.POST.get("ten", ""), pace, what.as_of,
                                           acting_user=request.user, reached=run.reached)
    except scenarios.ScenarioError as refusal:
        return _box(request, unit, what, refusal.status, error=refusal.message)
    return _box(request, unit, what, pace=pace, saved=saved)


@require_GET
def compare_scenarios(request: HttpRequest, version: str, code: str) -> HttpResponse:
    """Two saved scenarios side by side (``?a=ID&b=ID``); 404 for one the reader may not see."""
    unit = units.unit_by_code(version, code)
    if unit is None:
        raise Http404("Không có đơn vị mã này trong phiên bản này.")
    columns = []
    for key in ("a", "b"):
        text = request.GET.get(key, "")
        saved = scenarios.scenario_by_id(int(text), request.user) if text.isdigit() else None
        if saved is None or saved.target.plan.unit_id != unit.id:
            raise Http404("Không có kịch bản đã lưu này, hoặc bạn không được xem.")
        _, what = _what_if(version, code, saved.target_id)
        run = what.run(float(saved.monthly_pace))
        columns.append({"saved": saved, "what": what, "run": run, "sentence": run.sentence(lang()),
                        "at_deadline": run.at_deadline,
                        "reached_then": Period.parse(saved.reached) if saved.reached else None})
    return render(request, "portal/scenario_compare.html", {"unit": unit, "columns": columns})
