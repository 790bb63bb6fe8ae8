"""Reads of ranking rounds: the inputs of every scorecard, the scored round, every point explained, what-if.

Automatic components read **published** figures only (``analytics.queries.evaluate(published_only=True)``) of
the round's year; self-assessed ones read the verified value (accepted: the claim; adjusted: the verifier's
value; rejected: nothing, so the component scores 0 and is listed) once the round is past verification, and
the claims before that (a preview, labelled so). The rules themselves are the engine's (``engine.scoring``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from chiso.accounts.access import under, unpublished_read_prefixes
from chiso.analytics.queries import evaluate
from chiso.engine.periods import Period
from chiso.engine.scoring import (
    Change,
    Given,
    Index,
    RuleError,
    Score,
    Scored,
    merged_mean,
    next_grade,
    read_number,
    score_units,
    split_change,
)
from chiso.ranking.methods import index_of
from chiso.ranking.models import (
    SELF_ASSESSED,
    Assessment,
    RankedUnit,
    Round,
    RoundStatus,
    Scorecard,
    Verdict,
)
from chiso.units.models import Unit

__all__ = ["Ranking", "RoundResult", "Standing", "explain", "ranking", "readable_rounds", "score_round", "what_if"]

VERIFIED_STEPS = (RoundStatus.COUNCIL, RoundStatus.APPROVED, RoundStatus.PUBLISHED)
WHAT_IF_LIMIT = 12  # inputs one what-if may change: a question about a few components, not a second scorecard


@dataclass
class RoundResult:
    index: Index
    scored: Scored
    cards: list[Scorecard]
    inputs: dict[str, dict[str, Given]]
    lines: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # unit id → one line per component
    verified: bool = True

    def by_card(self) -> Iterator[tuple[Scorecard, Score]]:
        scores = {s.unit: s for s in self.scored.scores}
        for card in self.cards:
            yield card, scores[str(card.unit_id)]

    def score_of(self, unit_id: int) -> Score:
        return next(s for s in self.scored.scores if s.unit == str(unit_id))


def readable_rounds(user: AbstractBaseUser | AnonymousUser | None) -> QuerySet[Round]:
    """Published rounds for everyone; unpublished ones for whoever may decide them or read a unit of them."""
    from chiso.accounts.access import can_decide_round

    rounds = Round.objects.select_related("method", "within", "version")
    if user is None or not user.is_authenticated:
        return rounds.filter(status=RoundStatus.PUBLISHED)
    prefixes = _card_prefixes(user)
    units: dict[int, list[Unit]] = {}
    for card in Scorecard.objects.exclude(round__status=RoundStatus.PUBLISHED).select_related("unit"):
        units.setdefault(card.round_id, []).append(card.unit)
    visible = [r.pk for r in rounds.exclude(status=RoundStatus.PUBLISHED)
               if any(under(prefixes, u) for u in units.get(r.pk, [])) or can_decide_round(user, r.within)]
    return rounds.filter(status=RoundStatus.PUBLISHED) | rounds.filter(pk__in=visible)


def _card_prefixes(user: AbstractBaseUser | AnonymousUser | None) -> list[str] | None:
    """``accounts.access.can_read_scorecard(user, unit, published=False)`` for many units with one query: a
    unit's draft card is read by whoever reads its unpublished figures (its verifiers, approvers and
    administrators above it, are among them)."""
    return unpublished_read_prefixes(user)


def readable_round(user: AbstractBaseUser | AnonymousUser | None, round_id: int) -> Round | None:
    """The round if ``user`` may see it (``readable_rounds``), else None: the page answers 404."""
    return readable_rounds(user).filter(pk=round_id).first()


def sees_whole_round(user: AbstractBaseUser | AnonymousUser | None, round_: Round) -> bool:
    """Every scorecard and the ranking of the round: everyone once published; before that whoever decides the
    round or may read every one of its scorecards (its verifiers). A ward officer sees its own card only, never
    the others' draft points nor a rank made of them."""
    from chiso.accounts.access import can_decide_round

    if round_.is_published:
        return True
    if user is None or not user.is_authenticated:
        return False
    if can_decide_round(user, round_.within):
        return True
    prefixes = _card_prefixes(user)
    return all(under(prefixes, c.unit) for c in round_.scorecards.select_related("unit"))


def readable_cards(user: AbstractBaseUser | AnonymousUser | None, round_: Round) -> list[Scorecard]:
    """The scorecards of the round ``user`` may read, by unit name."""
    cards = list(round_.scorecards.select_related("unit", "unit__version").order_by("unit__name"))
    if sees_whole_round(user, round_):
        return cards
    prefixes = _card_prefixes(user)
    return [c for c in cards if under(prefixes, c.unit)]


def progress(round_: Round) -> dict[str, int]:
    """How many scorecards are at each status: {status: count}, every status named."""
    from django.db.models import Count

    from chiso.ranking.models import ScorecardStatus

    counts = dict(round_.scorecards.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {status: counts.get(status, 0) for status in ScorecardStatus.values}


def _figures(round_: Round, cards: list[Scorecard], index: Index) -> dict[tuple[int, str], Any]:
    """Published figures of the round's year behind every automatic component: {(unit id, code): row}."""
    sources = sorted({c.source for c in round_.method.components.all() if c.rule and c.source
                      and c.source != SELF_ASSESSED})
    if not sources or not cards:
        return {}
    rows = evaluate(sources, [c.unit for c in cards], [Period.of_year(round_.year)], published_only=True)
    return {(row.unit.pk, row.data): row for row in rows}


def score_round(round_: Round, *, verified: bool | None = None, changes: Mapping[int, Mapping[str, str]] | None = None,
                sensitivity: bool = True) -> RoundResult:
    """Score every unit of the round. ``verified`` (default: the round is past verification) reads verdicts,
    otherwise the claims. ``changes`` ({unit id: {component: value}}) replaces inputs for a what-if."""
    if verified is None:
        verified = round_.status in VERIFIED_STEPS
    index = index_of(round_.method)
    cards = list(round_.scorecards.select_related("unit").order_by("unit__name"))
    figures = _figures(round_, cards, index)
    claims: dict[int, dict[str, Assessment]] = {}
    for a in Assessment.objects.filter(scorecard__round=round_).select_related("verified_by", "claimed_by"):
        claims.setdefault(a.scorecard_id, {})[a.component] = a
    components = list(round_.method.components.all())
    inputs: dict[str, dict[str, Given]] = {}
    lines: dict[int, list[dict[str, Any]]] = {}
    for card in cards:
        given: dict[str, Given] = {}
        own: list[dict[str, Any]] = []
        for c in components:
            line: dict[str, Any] = {"code": c.code, "name": c.name, "parent": c.parent, "rule": c.rule,
                                    "params": c.params, "max_points": float(c.max_points), "source": c.source,
                                    "input": None, "kind": "group" if not c.rule else "figure"}
            if c.rule and not c.self_assessed:
                row = figures.get((card.unit_id, c.source))
                found = _from_figure(c.rule, row)
                if found is not None:
                    given[c.code] = found
                    line.update(_given_line(found))
                line["period"] = str(round_.year)
                line["withheld"] = bool(row is not None and row.withheld)
            elif c.rule:
                line["kind"] = "self"
                claim = claims.get(card.pk, {}).get(c.code)
                line.update(_claim_line(claim))
                found = _from_claim(c.rule, claim, verified)
                if found is not None:
                    given[c.code] = found
                    line.update(_given_line(found))
            own.append(line)
        inputs[str(card.unit_id)] = given
        lines[card.unit_id] = own
    for unit_id, one in (changes or {}).items():
        for code, text in one.items():
            rule = next((c.rule for c in components if c.code == code), "")
            if rule:
                value: float | str = text if rule in ("boolean", "categorical") else read_number(text)
                old = inputs[str(unit_id)].get(code)
                inputs[str(unit_id)][code] = Given(value, old.denominator if old else None)
    types = {str(card.unit_id): card.unit.type for card in cards}
    scored = score_units(index, inputs, types, sensitivity=round_.sensitivity_runs if sensitivity else 0,
                         seed=round_.seed)
    for score in scored.scores:
        for line in lines[int(score.unit)]:
            line["points"] = score.components.get(line["code"])
            line["missing"] = line["code"] in score.missing
    return RoundResult(index, scored, cards, inputs, lines, verified)


def _from_figure(rule: str, row: Any) -> Given | None:
    if row is None or row.value is None:
        return None
    if rule == "ratio":
        if row.numerator is None or row.denominator is None:
            return None
        return Given(float(row.numerator), float(row.denominator))
    return Given(float(row.value))


def _from_claim(rule: str, claim: Assessment | None, verified: bool) -> Given | None:
    if claim is None:
        return None
    if verified:
        if claim.verdict in (Verdict.PENDING, Verdict.REJECTED):
            return None
        text = claim.verified if claim.verdict == Verdict.ADJUSTED else claim.claimed
        share = claim.verified_denominator if claim.verdict == Verdict.ADJUSTED else claim.claimed_denominator
    else:
        text, share = claim.claimed, claim.claimed_denominator
    value: float | str = text if rule in ("boolean", "categorical") else read_number(text)
    return Given(value, float(share) if share is not None else None)


def _claim_line(claim: Assessment | None) -> dict[str, Any]:
    if claim is None:
        return {"claimed": None, "verdict": None}
    return {
        "claimed": claim.claimed, "claimed_denominator": _number(claim.claimed_denominator),
        "evidence": {"number": claim.evidence_number, "date": claim.evidence_date.isoformat() if claim.evidence_date
                     else "", "title": claim.evidence_title, "excerpt": claim.evidence_excerpt,
                     "link": claim.evidence_link,
                     "file": {"name": claim.evidence_file_name, "size": claim.evidence_file_size,
                              "content_type": claim.evidence_file_type, "sha256": claim.evidence_file_sha256}
                     if claim.evidence_file else None},
        "verdict": claim.verdict, "verified": claim.verified, "verify_reason": claim.verify_reason,
        "verified_by": claim.verified_by.get_username() if claim.verified_by else "",
        "claimed_by": claim.claimed_by.get_username(), "assessment": claim.pk,
    }


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _given_line(given: Given) -> dict[str, Any]:
    return {"input": _shown(given), "value": given.value, "denominator": given.denominator}


def _shown(given: Given) -> str:
    from chiso.engine.numbers import format_number

    if isinstance(given.value, str):
        return given.value
    text = format_number(given.value, 2)
    return f"{text} / {format_number(given.denominator, 2)}" if given.denominator is not None else text


def frozen(round_: Round) -> list[RankedUnit]:
    return list(round_.results.select_related("unit").order_by("rank", "unit__name"))


@dataclass
class Standing:
    """One unit's line of a ranking table: as the council froze it, or as computed now (before approval)."""

    unit: Unit
    total: float
    value: float
    rank: int
    grade: str
    rank_band: tuple[int, int]
    median_rank: float
    missing: list[str]
    points: dict[str, float]  # every component's points, groups included


@dataclass
class Ranking:
    round: Round
    frozen: bool  # read from the council's decision (approved, published); else computed now, a preview
    standings: list[Standing]  # by rank, then unit name


def ranking(round_: Round) -> Ranking:
    """The round's ranking table: the frozen ``RankedUnit`` rows once approved, else scored now (claims or
    verdicts, as ``score_round``). Who may read it is the caller's to check (published: everyone; before:
    ``can_decide_round``)."""
    if round_.status in (RoundStatus.APPROVED, RoundStatus.PUBLISHED):
        return Ranking(round_, True, [
            Standing(r.unit, float(r.total), float(r.value), r.rank, r.grade, (r.band_low, r.band_high),
                     float(r.median_rank), list(r.missing),
                     {ln["code"]: float(ln.get("points") or 0.0) for ln in r.lines})
            for r in frozen(round_)])
    computed = score_round(round_)
    standings = [Standing(card.unit, s.total, s.value, s.rank, s.grade, s.rank_band, s.median_rank, list(s.missing),
                          dict(s.components)) for card, s in computed.by_card()]
    standings.sort(key=lambda s: (s.rank, s.unit.name))
    return Ranking(round_, False, standings)


@dataclass(frozen=True)
class Predecessor:
    """A unit of last year's ranking the scored unit comes from (by the successions, never by the bare code)."""

    unit_id: int
    code: str
    name: str
    total: float
    grade: str
    rank: int
    inputs: dict[str, Given]


@dataclass(frozen=True)
class YearOnYear:
    """Last year's published round against this one, for one unit. ``change`` splits the move into "số liệu
    thay đổi" and "phương pháp thay đổi" (last year's inputs re-scored with this year's method). A unit that
    merged several of last year's units gets two readings side by side: the DTI rule (``change``: the mean of
    its predecessors' inputs) and ``reexpressed`` (last year's published figures of today's area, re-expressed
    through the successions, with the predecessors' mean for self-assessed components)."""

    previous: Round
    predecessors: list[Predecessor]
    change: Change
    reexpressed: Change | None = None

    @property
    def merged(self) -> bool:
        return len(self.predecessors) > 1


@dataclass
class Explained:
    """A unit's scorecard as a page shows it."""

    card: Scorecard
    score: Score
    lines: list[dict[str, Any]]
    frozen: bool  # read from the council's decision, not recomputed
    gap: Any = None
    history: YearOnYear | None = None

    @property
    def change(self) -> Change | None:
        return self.history.change if self.history is not None else None


def explain(round_: Round, card: Scorecard) -> Explained:
    """Every point of a unit: from the frozen result once approved, else computed now (claims or verdicts)."""
    index = index_of(round_.method)
    if round_.status in (RoundStatus.APPROVED, RoundStatus.PUBLISHED):
        result = round_.results.filter(unit=card.unit).first()
        if result is not None:
            score = Score(str(card.unit_id), float(result.total), float(result.value), 0.0,
                          {ln["code"]: ln.get("points") or 0.0 for ln in result.lines}, list(result.missing),
                          rank=result.rank, grade=result.grade, rank_band=(result.band_low, result.band_high),
                          median_rank=float(result.median_rank))
            score.scale = sum(float(c.max_points) for c in index.children(None)
                              if c.applies(card.unit.type) and not c.outside_scale)
            return Explained(card, score, result.lines, True, next_grade(index, score),
                             year_on_year(round_, card, _inputs_of(result.lines)))
    computed = score_round(round_, sensitivity=False)
    score = computed.score_of(card.unit_id)
    return Explained(card, score, computed.lines[card.unit_id], False, next_grade(computed.index, score),
                     year_on_year(round_, card, computed.inputs[str(card.unit_id)]))


def changes(round_: Round, cards: list[Scorecard]) -> dict[int, Change | None]:
    """Each card's change since last year's published round, {unit id: change} (for a merged unit, by the DTI
    rule; the re-expressed reading is in ``explain(...).history``), once this round's result is frozen (else
    {}): the frozen results, last year's rounds and both indexes read once for the whole table."""
    if round_.status not in (RoundStatus.APPROVED, RoundStatus.PUBLISHED):
        return {}
    lines = {r.unit_id: r.lines for r in round_.results.all()}
    last_year = _last_year(round_)
    found: dict[int, Change | None] = {}
    for card in cards:
        if card.unit_id in lines:
            history = year_on_year(round_, card, _inputs_of(lines[card.unit_id]), last_year)
            found[card.unit_id] = history.change if history is not None else None
    return found


def _last_year(round_: Round) -> list[tuple[Round, list[RankedUnit], Index, Index]]:
    """Last year's published rounds of the round's peer group, each with its frozen results, its index and
    this round's index."""
    after = index_of(round_.method)
    return [(previous, list(previous.results.select_related("unit")), index_of(previous.method), after)
            for previous in Round.objects.filter(status=RoundStatus.PUBLISHED, year=round_.year - 1,
                                                 peer_group=round_.peer_group).select_related("method", "version")]


def year_on_year(round_: Round, card: Scorecard, inputs: dict[str, Given],
                 last_year: list[tuple[Round, list[RankedUnit], Index, Index]] | None = None) -> YearOnYear | None:
    """This year's inputs of ``card`` against last year's published round of the same peer group that ranked
    the units it comes from; None when there is none. ``last_year``: ``_last_year(round_)``, read once by a
    caller asking for many cards."""
    from chiso.units.queries import counterparts

    for previous, results, before_index, after_index in (_last_year(round_) if last_year is None else last_year):
        sources = {u.pk for u in counterparts(card.unit, previous.version)}
        ranked = [r for r in results if r.unit_id in sources]
        if not ranked:
            continue
        found = [Predecessor(r.unit_id, r.unit.code, r.unit.name, float(r.total), r.grade, r.rank, _inputs_of(r.lines))
                 for r in sorted(ranked, key=lambda r: r.unit.name)]
        key, types = str(card.unit_id), {str(card.unit_id): card.unit.type}
        merged = merged_mean([p.inputs for p in found]) if len(found) > 1 else found[0].inputs
        change = split_change(key, (before_index, {key: merged}), (after_index, {key: inputs}), types)
        reexpressed = None
        if len(found) > 1:
            area = merged | _figures_of_area(previous, card, before_index)
            reexpressed = split_change(key, (before_index, {key: area}), (after_index, {key: inputs}), types)
        return YearOnYear(previous, found, change, reexpressed)
    return None


def _figures_of_area(previous: Round, card: Scorecard, index: Index) -> dict[str, Given]:
    """Last year's published figures behind ``previous``'s automatic components, of today's unit's area
    (``evaluate`` re-expresses them through the successions)."""
    components = [c for c in previous.method.components.all() if c.rule and not c.self_assessed]
    codes = sorted({c.source for c in components})
    if not codes:
        return {}
    rows = {row.data: row for row in evaluate(codes, [card.unit], [Period.of_year(previous.year)],
                                              published_only=True)}
    found = {}
    for c in components:
        given = _from_figure(c.rule, rows.get(c.source))
        if given is not None:
            found[c.code] = given
    return found


def _inputs_of(lines: list[dict[str, Any]]) -> dict[str, Given]:
    return {line["code"]: Given(line["value"], line.get("denominator")) for line in lines
            if line.get("kind") != "group" and line.get("value") is not None}


def what_if(round_: Round, card: Scorecard, changes: Mapping[str, str]) -> Explained:
    """The scorecard if ``changes`` ({component: value}) were the inputs: new points, total, grade, rank and
    the cheapest way to the next grade. Nothing is saved. Each value is checked as a claim would be (the rule
    must score it; a ratio keeps its denominator) and at most ``WHAT_IF_LIMIT`` change: ``RankingError`` with
    the component's code as ``field`` otherwise."""
    from chiso.ranking.actions import RankingError, RankingRefusal, applies, checked_value

    if len(changes) > WHAT_IF_LIMIT:
        raise RankingError(RankingRefusal.INVALID, f"Mỗi lần thử đổi tối đa {WHAT_IF_LIMIT} thành phần "
                           f"(đang đổi {len(changes)}).")
    components = {c.code: c for c in round_.method.components.all() if c.rule and applies(c, card.unit)}
    for code, text in changes.items():
        component = components.get(code)
        if component is None:
            raise RankingError(RankingRefusal.INVALID, f"'{code}' không phải thành phần được chấm của "
                               f"{card.unit.name}.", code)
        checked_value(component, text, Decimal(1) if component.rule == "ratio" else None, code)
    try:
        computed = score_round(round_, changes={card.unit_id: changes}, sensitivity=False,
                               verified=round_.status in VERIFIED_STEPS)
    except RuleError as error:  # a ratio whose current input has no denominator to keep
        raise RankingError(RankingRefusal.INVALID, f"Chưa thử được: {error}") from None
    score = computed.score_of(card.unit_id)
    return Explained(card, score, computed.lines[card.unit_id], False, next_grade(computed.index, score))
