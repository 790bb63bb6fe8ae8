"""The forms of a ranking round: a unit's self-assessment, the verifier's verdicts, the scorecard's and the
round's moves. Each parses the form, calls the action in ``ranking.actions`` (which owns every rule and every
permission) and shows its Vietnamese refusal next to the field, with what was typed kept; a success goes back
to the page it came from.

A refused write is answered with the action's status (403 forbidden, 409 wrong step, 400 invalid). A reader who
may not see the scorecard gets the refusal alone, never the scorecard.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from chiso.accounts.access import can_read_scorecard
from chiso.ranking import queries
from chiso.ranking.actions import RankingError, RankingRefusal, do_claim, do_move_round, do_move_scorecard, do_verify
from chiso.ranking.models import Round, Scorecard, Verdict
from chiso.ranking.views import round_context, scorecard_context
from chiso.ranking.workflow import ROUND_MOVES

CLAIM_FIELDS = ("component", "value", "denominator", "evidence_number", "evidence_date", "evidence_title",
                "evidence_excerpt", "evidence_link")
VERIFY_FIELDS = ("assessment", "verdict", "value", "denominator", "reason")


class DateError(ValueError):
    pass


def parse_date(text: str, what: str) -> date | None:
    """yyyy-mm-dd (a date input) or dd/mm/yyyy as typed; empty: None."""
    text = text.strip()
    if not text:
        return None
    try:
        if "/" in text:
            day, month, year = (int(part) for part in text.split("/"))
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        raise DateError(f"{what} '{text}' không phải ngày: ghi ngày/tháng/năm, ví dụ 03/06/2024.") from None


def _card(round_id: int, code: str) -> tuple[Round, Scorecard]:
    """The round and the card a form posts to, whoever asks: the action decides who may write."""
    round_ = get_object_or_404(Round.objects.select_related("method", "within", "version"), pk=round_id)
    card = get_object_or_404(round_.scorecards.select_related("unit", "unit__version"), unit__code=code)
    return round_, card


def _scorecard_url(card: Scorecard, anchor: str = "") -> str:
    return reverse("ranking:scorecard", args=[card.round_id, card.unit.code]) + (f"#{anchor}" if anchor else "")


def _refused(request: HttpRequest, round_: Round, card: Scorecard, error: RankingError, *, key: str,
             posted: dict[str, str], field: str = "") -> HttpResponse:
    """The scorecard with the refusal next to the field (``key``: the form it belongs to), or, to a reader who
    may not see the scorecard, the refusal alone."""
    if not can_read_scorecard(request.user, card.unit, published=round_.is_published):
        return render(request, "ranking/refused.html", {"message": error.message}, status=error.status)
    errors = {key: {"field": field or error.field or "", "message": error.message}}
    context = scorecard_context(request, round_, card, errors=errors, posted={key: posted})
    return render(request, "ranking/scorecard.html", context, status=error.status)


@require_POST
def claim(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    """The unit's self-assessment of one component with its evidence, a file included (multipart):
    ``ranking.actions.do_claim``."""
    round_, card = _card(round_id, code)
    posted = {name: request.POST.get(name, "") for name in CLAIM_FIELDS}
    component = posted["component"]
    try:
        evidence_date = parse_date(posted["evidence_date"], "Ngày văn bản")
    except DateError as error:
        problem = RankingError(RankingRefusal.INVALID, str(error), "evidence_date")
        return _refused(request, round_, card, problem, key=component, posted=posted)
    try:
        do_claim(card, component, posted["value"], acting_user=request.user, denominator=posted["denominator"],
                 evidence_number=posted["evidence_number"], evidence_date=evidence_date,
                 evidence_title=posted["evidence_title"], evidence_excerpt=posted["evidence_excerpt"],
                 evidence_link=posted["evidence_link"], evidence_file=request.FILES.get("evidence_file"))
    except RankingError as error:
        return _refused(request, round_, card, error, key=component, posted=posted)
    messages.success(request, f"Đã lưu tự đánh giá {component}: {posted['value'].strip()}.")
    return HttpResponseRedirect(_scorecard_url(card, f"tu-{component}"))


@require_POST
def verify(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    """The verifier's verdict on one claim: ``ranking.actions.do_verify``."""
    round_, card = _card(round_id, code)
    posted = {name: request.POST.get(name, "") for name in VERIFY_FIELDS}
    if not posted["assessment"].isdigit():
        raise Http404("Không có thành phần tự đánh giá này.")
    assessment = get_object_or_404(card.assessments, pk=int(posted["assessment"]))
    try:
        do_verify(assessment, posted["verdict"], acting_user=request.user, value=posted["value"],
                  denominator=posted["denominator"], reason=posted["reason"])
    except RankingError as error:
        return _refused(request, round_, card, error, key=assessment.component, posted=posted)
    messages.success(request, f"Đã thẩm định {assessment.component}: {Verdict(posted['verdict']).label.lower()}.")
    return HttpResponseRedirect(_scorecard_url(card, f"td-{assessment.component}"))


@require_POST
def move_scorecard(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    """Send the card for verification, return it, or close its verification: ``do_move_scorecard``."""
    round_, card = _card(round_id, code)
    action, reason = request.POST.get("action", ""), request.POST.get("reason", "")
    try:
        moved = do_move_scorecard(card, action, acting_user=request.user, reason=reason)
    except RankingError as error:
        return _refused(request, round_, card, error, key="move", posted={"action": action, "reason": reason})
    messages.success(request, f"Phiếu của {card.unit.name}: {moved.get_status_display().lower()}.")
    return HttpResponseRedirect(_scorecard_url(card))


@require_POST
def move_round(request: HttpRequest, round_id: int) -> HttpResponse:
    """A step of the round (thẩm định, hội đồng, phê duyệt with the decision, công bố, mở lại): ``do_move_round``."""
    round_ = get_object_or_404(Round.objects.select_related("method", "within", "version"), pk=round_id)
    posted = {name: request.POST.get(name, "") for name in ("action", "reason", "decision", "decision_date")}
    try:
        decided = parse_date(posted["decision_date"], "Ngày quyết định")
        moved = do_move_round(round_, posted["action"], acting_user=request.user, reason=posted["reason"],
                              decision=posted["decision"], decision_date=decided)
    except (RankingError, DateError) as error:
        message = error.message if isinstance(error, RankingError) else str(error)
        status = error.status if isinstance(error, RankingError) else 400
        field = error.field if isinstance(error, RankingError) else "decision_date"
        if queries.readable_round(request.user, round_.pk) is None:
            return render(request, "ranking/refused.html", {"message": message}, status=status)
        context = round_context(request, round_, problem={"action": posted["action"], "field": field,
                                                          "message": message}, posted=posted)
        return render(request, "ranking/round.html", context, status=status)
    messages.success(request, f"{ROUND_MOVES[posted['action']].label}: đợt đang ở bước "
                              f"'{moved.get_status_display()}'.")
    return HttpResponseRedirect(reverse("ranking:round", args=[round_.pk]))


__all__ = ["claim", "move_round", "move_scorecard", "verify"]
