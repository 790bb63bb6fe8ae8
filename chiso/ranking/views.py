"""The ranking pages (/xep-hang/): the rounds a reader may see, a round's ranking table, a unit's scorecard with
every point explained and the what-if; the forms of the round's steps post to ``ranking.views_forms``.

Thin views: they read through ``ranking.queries`` (which decides what a reader may see: published rounds for
everyone, a draft only for the unit itself, its verifiers and whoever decides the round) and render. A round or
a scorecard the reader may not see is a 404, as if it did not exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chiso.accounts.access import can_decide_round, can_read_scorecard, can_self_assess, can_verify_assessment
from chiso.indicators.models import Indicator
from chiso.ranking import pages, queries
from chiso.ranking.actions import RankingError, self_assessed
from chiso.ranking.models import Round, RoundStatus, Scorecard, ScorecardStatus, Verdict
from chiso.ranking.workflow import ROUND_MOVES

User = AbstractBaseUser | AnonymousUser
STEPS = [s for s in RoundStatus]


def readable_round(request: HttpRequest, round_id: int) -> Round:
    found = queries.readable_round(request.user, round_id)
    if found is None:
        raise Http404("Không có đợt xếp hạng này, hoặc đợt chưa công bố.")
    return found


def readable_card(request: HttpRequest, round_: Round, code: str) -> Scorecard:
    card = round_.scorecards.select_related("unit", "unit__version", "unit__parent").filter(unit__code=code).first()
    if card is None or not can_read_scorecard(request.user, card.unit, published=round_.is_published):
        raise Http404("Không có phiếu chấm này, hoặc bạn không xem được.")
    return card


@require_GET
def rounds(request: HttpRequest) -> HttpResponse:
    """Published rounds for everyone; a signed-in officer also sees the unpublished ones they take part in."""
    found = list(queries.readable_rounds(request.user).order_by("-year", "title"))
    own: dict[int, list[Scorecard]] = {}
    for round_ in found:
        if not round_.is_published and not queries.sees_whole_round(request.user, round_):
            own[round_.pk] = queries.readable_cards(request.user, round_)
    return render(request, "ranking/rounds.html", {"rounds": found, "own": own})


def _rows(request: HttpRequest, round_: Round, whole: bool) -> tuple[list[pages.Row], bool]:
    """The ranking table's rows the reader may see (``queries.ranking``: frozen once approved, a preview before);
    a reader who sees only its own card gets no rank and no band."""
    bands = list(round_.method.grades.all())
    by_unit = {c.unit_id: c for c in queries.readable_cards(request.user, round_)}
    table = queries.ranking(round_)
    changes = queries.changes(round_, list(by_unit.values())) if table.frozen else {}
    rows = [pages.Row(by_unit[s.unit.pk], s.total, s.value, s.rank if whole else None, s.grade,
                      pages.grade_class(s.grade, bands), s.rank_band if whole else None, changes.get(s.unit.pk))
            for s in table.standings if s.unit.pk in by_unit]
    return rows, table.frozen


def round_context(request: HttpRequest, round_: Round, **extra: Any) -> dict[str, Any]:
    whole = queries.sees_whole_round(request.user, round_)
    rows, frozen = _rows(request, round_, whole)
    decides = can_decide_round(request.user, round_.within)
    moves = [(name, move) for name, move in ROUND_MOVES.items() if round_.status in move.sources] if decides else []
    counts = queries.progress(round_) if whole else {}
    return {
        "round": round_, "method": round_.method, "rows": rows, "frozen": frozen, "whole": whole,
        "runs": round_.sensitivity_runs,
        "has_change": any(r.change is not None for r in rows), "decides": decides, "moves": moves,
        "progress": [(ScorecardStatus(s).label, n) for s, n in counts.items()], "steps": STEPS,
        "step_index": STEPS.index(RoundStatus(round_.status)),
        "annex": pages.annex_links(round_) if round_.is_published or (decides and frozen) else {},
        **extra,
    }


@require_GET
def round_page(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = readable_round(request, round_id)
    return render(request, "ranking/round.html", round_context(request, round_))


def _posted_changes(request: HttpRequest) -> dict[str, str]:
    return {key[3:]: str(request.GET.get(key, "")).strip() for key in request.GET
            if key.startswith("wi-") and str(request.GET.get(key, "")).strip()}


def scorecard_context(request: HttpRequest, round_: Round, card: Scorecard, **extra: Any) -> dict[str, Any]:
    user = request.user
    explained = queries.explain(round_, card)
    lines = pages.tree(explained.lines)
    names = {line.code: line.name for line in lines}
    whole = queries.sees_whole_round(user, round_)
    bands = list(round_.method.grades.all())
    claiming = (round_.status == RoundStatus.SELF_ASSESSMENT and card.status == ScorecardStatus.DRAFT
                and can_self_assess(user, card.unit))
    verifying = (round_.status == RoundStatus.VERIFICATION and card.status == ScorecardStatus.SUBMITTED
                 and can_verify_assessment(user, card.unit))
    returnable = (round_.status in (RoundStatus.SELF_ASSESSMENT, RoundStatus.VERIFICATION)
                  and card.status == ScorecardStatus.SUBMITTED and can_verify_assessment(user, card.unit))
    claims = {a.component: a for a in card.assessments.select_related("verified_by")}
    own = {c.code for c in self_assessed(card)} if claiming or verifying else set()
    sources = {line.source for line in lines if line.kind == "figure"}
    return {
        "round": round_, "method": round_.method, "card": card, "unit": card.unit, "explained": explained,
        "score": explained.score, "lines": lines, "whole": whole,
        "grade_class": pages.grade_class(explained.score.grade, bands),
        "gap": pages.gap_text(explained.gap, names), "change": explained.change,
        "indicators": set(Indicator.objects.filter(code__in=sources).values_list("code", flat=True)),
        "claiming": claiming, "verifying": verifying, "returnable": returnable,
        "claim_lines": [line for line in lines if line.code in own], "claims": claims,
        "verdicts": [(v, Verdict(v).label) for v in (Verdict.ACCEPTED, Verdict.ADJUSTED, Verdict.REJECTED)],
        "components": {c.code: c for c in round_.method.components.all()},
        "what_if_lines": [line for line in lines if line.kind != "group" and line.applies],
        "what_if_limit": queries.WHAT_IF_LIMIT, "errors": {}, "posted": {},
        **extra,
    }


@require_GET
def scorecard_page(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    round_ = readable_round(request, round_id)
    card = readable_card(request, round_, code)
    return render(request, "ranking/scorecard.html", scorecard_context(request, round_, card))


@require_GET
def what_if(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    """The scorecard with some inputs changed: new points, total, grade, rank, the next grade. Nothing is saved.
    htmx asks for the result alone; without JavaScript the whole page comes back with it."""
    round_ = readable_round(request, round_id)
    card = readable_card(request, round_, code)
    changes = _posted_changes(request)
    result: dict[str, Any] = {"tried": changes}
    status = 200
    if not changes:
        result["problem"] = "Nhập ít nhất một giá trị mới để thử."
        status = 400
    else:
        try:
            tried = queries.what_if(round_, card, changes)
        except RankingError as error:
            result["problem"], status = error.message, error.status
        else:
            bands = list(round_.method.grades.all())
            names = {line["code"]: line["name"] for line in tried.lines}
            result.update({
                "score": tried.score, "grade_class": pages.grade_class(tried.score.grade, bands),
                "gap": pages.gap_text(tried.gap, names),
                "changed": [(code, names.get(code, ""), tried.score.components.get(code)) for code in changes],
            })
    whole = queries.sees_whole_round(request.user, round_)
    if request.headers.get("HX-Request"):  # htmx swaps 200 answers only: the refusal is inside it
        return render(request, "ranking/_what_if.html", {"result": result, "whole": whole, "round": round_})
    context = scorecard_context(request, round_, card, result=result)
    return render(request, "ranking/scorecard.html", context, status=status)
