"""Scoring a unit against an index (bộ chỉ số đánh giá, xếp hạng): rules, the tree, ranks, grades, robustness.

An index is a tree of components. A leaf has a scoring rule and a maximum; a group's points are the sum of its
children's; the total is the sum of the top-level components, bonus and penalty included, clamped to
0…scale, where the scale is the sum of the maxima of the components that apply to the unit, bonus and
penalty excluded (DTI: 1.000); a component that does not apply to the unit's type counts in neither. The
published value is total ÷ scale, and units are ranked on it. A missing input scores 0 and is listed, never
skipped (a bonus or penalty not given is simply 0). Ties share a rank (1, 2, 2, 4). A grade is the highest
band whose minimum the total reaches, the total of a unit some component does not apply to being read on the
full scale (value × full scale: 78 of a sở's 80 points is 97,5 of 100).

Rules (``params`` as a published table writes them):

* ``steps`` ``4:20;3:15;2:10;1:5`` — the points of the highest threshold the value reaches, else 0;
* ``ratio`` — numerator ÷ denominator × max, capped at max (a zero denominator scores 0);
* ``boolean`` — ``có`` (yes) scores max, ``không`` 0;
* ``categorical`` ``Bí thư=10;Phó=5;*=0`` — the points of the value's category, ``*`` any other;
* ``capped_count`` ``per=1`` — value × per, capped at max;
* ``relative_to_best`` — value ÷ the best value among the units scored × max;
* ``goalposts`` ``lo=0;hi=100`` — clamped linear from lo (0 points) to hi (max); lo > hi when lower is better;
* ``distance_to_target`` ``target=90`` (``;lower=1`` when lower is better) — min(1, value ÷ target) × max;
* ``bonus``, ``penalty`` — points given as the value, outside the scale: +min(value, max), −min(value, max).

>>> rule = parse_rule("steps", "4:20;3:15;2:10;1:5")
>>> [points(rule, 20, Given(v)) for v in (0, 1, 2.5, 4, 9)]
[0.0, 5.0, 10.0, 20.0, 20.0]
>>> shared_ranks([0.9, 0.7, 0.9, 0.5])
[1, 3, 1, 4]
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from chiso.engine.numbers import NumberFormatError, format_number, parse_number

__all__ = ["RULES", "Change", "Component", "Gap", "Given", "Grade", "Index", "Rule", "RuleError", "Score", "Scored",
           "grade_of", "is_yes", "merged_mean", "next_grade", "on_full_scale", "parse_rule", "points",
           "rank_bands", "read_number", "score_units", "shared_ranks", "split_change"]

RULES = ("steps", "ratio", "boolean", "categorical", "capped_count", "relative_to_best", "goalposts",
         "distance_to_target", "bonus", "penalty")
OUTSIDE_SCALE = ("bonus", "penalty")
YES = {"có", "co", "yes", "true", "1", "x", "đạt", "dat"}
NO = {"không", "khong", "no", "false", "0", "", "chưa", "chua", "không đạt"}
TIE_DECIMALS = 9  # totals equal to this many decimals share a rank
ZERO_REPLACEMENT = 0.001  # a group with no points in a geometric mean (as in engine.progress)


class RuleError(ValueError):
    """A rule or its parameters cannot be read; the message is Vietnamese and says what to write."""


@dataclass(frozen=True)
class Rule:
    kind: str
    steps: tuple[tuple[float, float], ...] = ()  # (threshold, points), highest threshold first
    categories: tuple[tuple[str, float], ...] = ()
    other: float | None = None  # the points of "*" in a categorical rule
    per: float = 1.0
    lo: float = 0.0
    hi: float = 100.0
    target: float = 100.0
    lower_is_better: bool = False


def parse_rule(kind: str, params: str = "") -> Rule:
    """The rule ``kind`` with its ``params`` read; RuleError says what is wrong.

    >>> parse_rule("goalposts", "lo=0;hi=100").hi, parse_rule("categorical", "Bí thư=10;*=0").other
    (100.0, 0.0)
    >>> parse_rule("steps", "bốn:20")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    chiso.engine.scoring.RuleError: tham số 'bốn:20' của quy tắc steps: 'bốn' không phải số. Viết dạng 4:20;3:15 ...
    """
    kind = kind.strip()
    if kind not in RULES:
        raise RuleError(f"quy tắc '{kind}' không có; chọn một trong: {', '.join(RULES)}.")
    parts = [p.strip() for p in params.split(";") if p.strip()]
    if kind == "steps":
        example = "4:20;3:15 (ngưỡng:điểm)"
        pairs = [_pair(p, ":", kind, params, example) for p in parts]
        if not pairs:
            raise RuleError(f"quy tắc steps cần các bậc, ví dụ {example}.")
        steps = ((_number(a, kind, params, example), _number(b, kind, params, example)) for a, b in pairs)
        return Rule(kind, steps=tuple(sorted(steps, reverse=True)))
    if kind == "categorical":
        categories, other = [], None
        for part in parts:
            name, value = _pair(part, "=", kind, params, "Bí thư=10;Phó=5;*=0")
            number = _number(value, kind, params, "Bí thư=10;*=0")
            if name == "*":
                other = number
            else:
                categories.append((name.casefold(), number))
        if not categories:
            raise RuleError("quy tắc categorical cần ít nhất một loại, ví dụ Bí thư=10;Phó=5;*=0.")
        return Rule(kind, categories=tuple(categories), other=other)
    named = dict(_pair(p, "=", kind, params, _EXAMPLE.get(kind, "")) for p in parts)
    allowed = _NAMED.get(kind, set())
    unknown = sorted(set(named) - allowed)
    if unknown:
        hint = f"chỉ nhận {', '.join(sorted(allowed))}" if allowed else "không nhận tham số"
        raise RuleError(f"tham số '{unknown[0]}' không dùng cho quy tắc {kind} ({hint}).")
    numbers = {k: _number(v, kind, params, _EXAMPLE.get(kind, "")) for k, v in named.items()}
    if kind == "goalposts":
        if "lo" not in numbers or "hi" not in numbers or numbers["lo"] == numbers["hi"]:
            raise RuleError("quy tắc goalposts cần lo và hi khác nhau, ví dụ lo=0;hi=100.")
        return Rule(kind, lo=numbers["lo"], hi=numbers["hi"])
    if kind == "distance_to_target":
        if numbers.get("target", 0) <= 0:
            raise RuleError("quy tắc distance_to_target cần mục tiêu dương, ví dụ target=90.")
        return Rule(kind, target=numbers["target"], lower_is_better=bool(numbers.get("lower", 0)))
    if kind == "capped_count":
        return Rule(kind, per=numbers.get("per", 1.0))
    return Rule(kind)


_NAMED = {"goalposts": {"lo", "hi"}, "distance_to_target": {"target", "lower"}, "capped_count": {"per"}}
_EXAMPLE = {"goalposts": "lo=0;hi=100", "distance_to_target": "target=90", "capped_count": "per=1"}


def _pair(part: str, separator: str, kind: str, params: str, example: str) -> tuple[str, str]:
    if separator not in part:
        raise RuleError(f"tham số '{params}' của quy tắc {kind}: thiếu '{separator}' trong '{part}'. "
                        f"Viết dạng {example}.")
    left, _, right = part.partition(separator)
    return left.strip(), right.strip()


def read_number(text: str) -> float:
    """A number of a method or input file (``parse_number``: 91,5 or 91.5), at most 10^15 in size; NumberFormatError
    otherwise, so no infinity or overflow reaches a score.

    >>> read_number("166.039"), read_number("0.5")
    (166039.0, 0.5)
    """
    number = float(parse_number(text))
    if not abs(number) <= LARGEST:
        raise NumberFormatError(text, f"lớn hơn {format_number(LARGEST)}")
    return number


LARGEST = 1e15


def _number(text: str, kind: str, params: str, example: str) -> float:
    try:
        return read_number(text)
    except NumberFormatError:
        raise RuleError(f"tham số '{params}' của quy tắc {kind}: '{text}' không phải số. "
                        f"Viết dạng {example}.") from None


@dataclass(frozen=True)
class Given:
    """One unit's input to a component: a number, or a word for ``boolean`` and ``categorical``."""

    value: float | str
    denominator: float | None = None


def points(rule: Rule, maximum: float, given: Given, best: float | None = None) -> float:
    """The points ``given`` earns under ``rule`` on a component worth ``maximum`` (``best``: the best value
    among the units scored, for ``relative_to_best``). A value of the wrong kind raises RuleError.

    >>> points(parse_rule("ratio"), 10, Given(45, 50)), points(parse_rule("capped_count", "per=2"), 10, Given(3))
    (9.0, 6.0)
    >>> points(parse_rule("distance_to_target", "target=90"), 50, Given(72))
    40.0
    >>> points(parse_rule("goalposts", "lo=20;hi=0"), 10, Given(5)), points(parse_rule("penalty"), 5, Given(8))
    (7.5, -5.0)
    """
    kind = rule.kind
    if kind == "boolean":
        return maximum if is_yes(given.value) else 0.0
    if kind == "categorical":
        word = str(given.value).strip().casefold()
        earned = next((p for name, p in rule.categories if name == word), rule.other)
        return _capped(earned or 0.0, maximum)
    value = _numeric(given.value, kind)
    if kind == "steps":
        return _capped(next((p for threshold, p in rule.steps if value >= threshold), 0.0), maximum)
    if kind == "ratio":
        if given.denominator is None:
            raise RuleError("quy tắc ratio cần mẫu số (cột denominator).")
        return _capped(value / given.denominator * maximum, maximum) if given.denominator else 0.0
    if kind == "capped_count":
        return _capped(value * rule.per, maximum)
    if kind == "relative_to_best":
        return _capped(value / best * maximum, maximum) if best else 0.0
    if kind == "goalposts":
        return _capped((value - rule.lo) / (rule.hi - rule.lo) * maximum, maximum)
    if kind == "distance_to_target":
        if rule.lower_is_better:
            share = 1.0 if value <= rule.target else rule.target / value
        else:
            share = value / rule.target
        return _capped(share * maximum, maximum)
    if kind == "bonus":
        return _capped(value, maximum)
    return -_capped(abs(value), maximum)  # penalty


def is_yes(value: float | str) -> bool:
    """``có`` / ``không`` (also yes/no, 1/0, đạt/chưa); RuleError for any other word."""
    if not isinstance(value, str):
        return value != 0
    word = value.strip().casefold()
    if word in YES:
        return True
    if word in NO:
        return False
    raise RuleError(f"'{value}' không phải có/không.")


def _numeric(value: float | str, kind: str) -> float:
    if isinstance(value, str):
        raise RuleError(f"quy tắc {kind} cần một số, không phải '{value}'.")
    return float(value)


def _capped(value: float, maximum: float) -> float:
    return float(min(max(value, 0.0), maximum))


@dataclass(frozen=True)
class Component:
    code: str
    name: str
    max_points: float
    parent: str | None = None
    rule: Rule | None = None  # None: a group, whose points are its children's
    applies_to: frozenset[str] = frozenset()  # unit types; empty: every unit

    def applies(self, unit_type: str | None) -> bool:
        return not self.applies_to or unit_type is None or unit_type in self.applies_to

    @property
    def outside_scale(self) -> bool:
        return self.rule is not None and self.rule.kind in OUTSIDE_SCALE


@dataclass(frozen=True)
class Grade:
    name: str
    min_score: float


@dataclass(frozen=True)
class Index:
    """Components in file order (a parent before or after its children: both are read)."""

    components: tuple[Component, ...]
    grades: tuple[Grade, ...] = ()

    def children(self, code: str | None) -> list[Component]:
        return self._children.get(code, [])

    @cached_property
    def _children(self) -> dict[str | None, list[Component]]:
        """Each parent's components, built once: scoring walks the tree per unit and per sensitivity run."""
        found: dict[str | None, list[Component]] = {}
        for component in self.components:
            found.setdefault(component.parent, []).append(component)
        return found

    def leaves(self) -> list[Component]:
        return [c for c in self.components if c.rule is not None]

    @cached_property
    def full_scale(self) -> float:
        """The scale of a unit every component applies to (the grade bands' scale)."""
        def maximum(component: Component) -> float:
            if component.rule is not None:
                return 0.0 if component.outside_scale else component.max_points
            return sum(maximum(child) for child in self.children(component.code))
        return sum(maximum(c) for c in self.children(None))


@dataclass
class Score:
    unit: str
    total: float
    value: float
    scale: float
    components: dict[str, float]
    missing: list[str]
    groups: dict[str, tuple[float, float]] = field(default_factory=dict)  # top-level: (points, maximum)
    rank: int = 0
    grade: str = ""
    rank_band: tuple[int, int] = (0, 0)
    median_rank: float = 0.0


@dataclass(frozen=True)
class Scored:
    scores: list[Score]  # best first
    runs: int = 0  # perturbed runs behind the rank bands (0: none)


def on_full_scale(index: Index, score: Score) -> float:
    """A unit's total read on the index's full scale (the grade bands' scale): itself when every component
    applies to the unit."""
    if not score.scale or score.scale == index.full_scale:
        return score.total
    return score.total / score.scale * index.full_scale


def grade_of(total: float, grades: Sequence[Grade]) -> str:
    """The highest band whose minimum ``total`` reaches ("" below every band).

    >>> grade_of(89.02, [Grade("xuất sắc", 90), Grade("tốt", 80), Grade("khá", 65)])
    'tốt'
    """
    reached = [g for g in grades if total >= g.min_score - 1e-9]
    return max(reached, key=lambda g: g.min_score).name if reached else ""


def shared_ranks(values: Sequence[float]) -> list[int]:
    """Rank 1 for the highest; equal values share the better rank and the next rank skips (1, 2, 2, 4)."""
    rounded = [round(v, TIE_DECIMALS) for v in values]
    return [1 + sum(1 for other in rounded if other > mine) for mine in rounded]


def score_units(index: Index, inputs: Mapping[str, Mapping[str, Given]],
                unit_types: Mapping[str, str] | None = None, *, sensitivity: int = 0, seed: int = 0) -> Scored:
    """Score every unit of ``inputs`` ({unit: {component code: Given}}), rank them, grade them and, with
    ``sensitivity`` N > 0, give each a median rank and 5th–95th percentile band over N runs that perturb every
    maximum by up to ±25% and pick arithmetic or geometric aggregation of the top-level groups (seeded by
    ``seed``: the same seed gives the same bands). The nominal run is one of the runs and the band always holds
    the nominal rank."""
    types = unit_types or {}
    best = _best_values(index, inputs)
    scores = [_score(index, unit, given, types.get(unit), best) for unit, given in inputs.items()]
    for score, rank in zip(scores, shared_ranks([s.value for s in scores]), strict=True):
        score.rank, score.grade = rank, grade_of(on_full_scale(index, score), index.grades)
        score.rank_band, score.median_rank = (rank, rank), float(rank)
    if sensitivity > 0 and scores:
        rank_bands(index, inputs, types, scores, sensitivity, seed, best)
    scores.sort(key=lambda s: (s.rank, s.unit))
    return Scored(scores, sensitivity)


def _best_values(index: Index, inputs: Mapping[str, Mapping[str, Given]]) -> dict[str, float]:
    best: dict[str, float] = {}
    for component in index.leaves():
        if component.rule is not None and component.rule.kind == "relative_to_best":
            found = [float(g.value) for given in inputs.values() if (g := given.get(component.code)) is not None
                     and not isinstance(g.value, str)]
            best[component.code] = max(found, default=0.0)
    return best


def _score(index: Index, unit: str, given: Mapping[str, Given], unit_type: str | None, best: Mapping[str, float],
           weights: Mapping[str, float] | None = None, geometric: bool = False) -> Score:
    earned: dict[str, float] = {}
    missing: list[str] = []

    def walk(component: Component) -> tuple[float, float]:  # (points, maximum within the scale)
        if not component.applies(unit_type):
            return 0.0, 0.0
        factor = weights.get(component.code, 1.0) if weights else 1.0
        if component.rule is not None:
            maximum = component.max_points * factor
            found = given.get(component.code)
            if found is None:
                if not component.outside_scale:  # no bonus claimed, no penalty given: nothing is missing
                    missing.append(component.code)
                got = 0.0
            else:
                got = points(component.rule, maximum, found, best.get(component.code))
            earned[component.code] = got
            return got, 0.0 if component.outside_scale else maximum
        parts = [walk(child) for child in index.children(component.code)]
        got, maximum = sum(p for p, _ in parts), sum(m for _, m in parts)
        earned[component.code] = got
        return got, maximum

    top = {c.code: walk(c) for c in index.children(None)}
    scale = sum(m for _, m in top.values())
    if geometric and scale:
        inside = {code: (p, m) for code, (p, m) in top.items() if m > 0}
        extra = sum(p for p, m in top.values() if m == 0)  # top-level bonus and penalty
        mean = math.prod(max(p / m, ZERO_REPLACEMENT) ** (m / scale) for p, m in inside.values())
        total = mean * scale + extra
    else:
        total = sum(p for p, _ in top.values())
    total = min(max(total, 0.0), scale)
    return Score(unit, round(total, 6), round(total / scale, 6) if scale else 0.0, scale,
                 {code: round(p, 6) for code, p in earned.items()}, missing, top)


def rank_bands(index: Index, inputs: Mapping[str, Mapping[str, Given]], unit_types: Mapping[str, str],
               scores: list[Score], runs: int, seed: int, best: Mapping[str, float]) -> None:
    """Set each score's median rank and rank band over the nominal run and ``runs`` perturbed ones."""
    generator = random.Random(seed)
    ranks: dict[str, list[int]] = {s.unit: [s.rank] for s in scores}
    for _ in range(runs):
        weights = {c.code: generator.uniform(0.75, 1.25) for c in index.components}
        geometric = generator.random() < 0.5
        trial = [_score(index, s.unit, inputs[s.unit], unit_types.get(s.unit), best, weights, geometric)
                 for s in scores]
        for score, rank in zip(trial, shared_ranks([t.value for t in trial]), strict=True):
            ranks[score.unit].append(rank)
    for score in scores:
        seen = sorted(ranks[score.unit])
        low, high = _percentile(seen, 5), _percentile(seen, 95)
        score.rank_band = (min(low, score.rank), max(high, score.rank))
        middle = len(seen) // 2
        score.median_rank = float(seen[middle]) if len(seen) % 2 else (seen[middle - 1] + seen[middle]) / 2


def _percentile(ordered: Sequence[int], percent: float) -> int:
    """Nearest-rank percentile of an ascending list."""
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


# -- explaining a score ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    """A unit's total from last year to this one, split into what the figures changed and what the method
    changed: last year's inputs scored with this year's method are the bridge."""

    before: float  # last year's inputs, last year's method
    bridge: float  # last year's inputs, this year's method
    after: float  # this year's inputs, this year's method

    @property
    def from_method(self) -> float:  # "phương pháp thay đổi"
        return round(self.bridge - self.before, 6)

    @property
    def from_figures(self) -> float:  # "số liệu thay đổi"
        return round(self.after - self.bridge, 6)


def split_change(unit: str, before: tuple[Index, Mapping[str, Mapping[str, Given]]],
                 after: tuple[Index, Mapping[str, Mapping[str, Given]]],
                 unit_types: Mapping[str, str] | None = None) -> Change:
    """How ``unit``'s total moved between two rounds (method, inputs of every unit: relative_to_best reads
    the others), and how much of it the method explains.

    >>> def method(a, b):
    ...     return Index((Component("A", "A", a, rule=parse_rule("ratio")),
    ...                   Component("B", "B", b, rule=parse_rule("bonus"))))
    >>> last, this = {"X": {"A": Given(1, 2), "B": Given(10)}}, {"X": {"A": Given(3, 4)}}
    >>> change = split_change("X", (method(50, 50), last), (method(80, 20), this))
    >>> change.before, change.bridge, change.after, change.from_method, change.from_figures
    (35.0, 50.0, 60.0, 15.0, 10.0)
    """
    def total(index: Index, inputs: Mapping[str, Mapping[str, Given]]) -> float:
        found = [s for s in score_units(index, inputs, unit_types).scores if s.unit == unit]
        return found[0].total if found else 0.0

    return Change(total(*before), total(after[0], before[1]), total(*after))


@dataclass(frozen=True)
class Gap:
    """What it takes to reach the next grade: the points missing and the fewest components whose headroom
    covers them (largest headroom first)."""

    grade: str  # the next grade ("" when the unit already has the best)
    points_needed: float
    components: tuple[tuple[str, float], ...]  # (code, points still available)
    reachable: bool


def next_grade(index: Index, score: Score) -> Gap:
    """The next band above ``score``'s grade and the fewest components that could get it there.

    >>> ratio = parse_rule("ratio")
    >>> index = Index((Component("A", "A", 60, rule=ratio), Component("B", "B", 40, rule=ratio)),
    ...               (Grade("tốt", 80), Grade("khá", 70)))
    >>> score = score_units(index, {"X": {"A": Given(1, 2), "B": Given(3, 4)}}).scores[0]
    >>> (score.total, score.grade), next_grade(index, score)
    ((60.0, ''), Gap(grade='khá', points_needed=10.0, components=(('A', 30.0),), reachable=True))
    """
    on_full = on_full_scale(index, score)
    above = sorted((g for g in index.grades if g.min_score > on_full + 1e-9), key=lambda g: g.min_score)
    if not above:
        return Gap("", 0.0, (), True)
    target = above[0]
    share = score.scale / index.full_scale if index.full_scale else 1.0
    needed = round(target.min_score * share - score.total, 6)  # in the unit's own points
    headroom = sorted(((c.code, round(c.max_points - score.components.get(c.code, 0.0), 6))
                       for c in index.leaves() if c.code in score.components and not c.outside_scale),
                      key=lambda item: (-item[1], item[0]))
    chosen: list[tuple[str, float]] = []
    covered = 0.0
    for code, room in headroom:
        if covered >= needed - 1e-9 or room <= 0:
            break
        chosen.append((code, room))
        covered += room
    return Gap(target.name, needed, tuple(chosen), covered >= needed - 1e-9)


def merged_mean(predecessors: Sequence[Mapping[str, Given]]) -> dict[str, Given]:
    """The DTI rule for a merged unit: each input is the mean of its predecessors' (a predecessor without it
    does not count); words (có/không, categories) are taken from the first predecessor that has one.

    >>> merged_mean([{"CQS": Given(170), "KTS": Given(120)}, {"CQS": Given(130)}])
    {'CQS': Given(value=150.0, denominator=None), 'KTS': Given(value=120.0, denominator=None)}
    """
    codes: list[str] = []
    for given in predecessors:
        codes += [code for code in given if code not in codes]
    merged: dict[str, Given] = {}
    for code in codes:
        found = [g[code] for g in predecessors if code in g]
        numbers = [g for g in found if not isinstance(g.value, str)]
        if not numbers:
            merged[code] = found[0]
            continue
        value = sum(float(g.value) for g in numbers) / len(numbers)
        denominators = [g.denominator for g in numbers if g.denominator is not None]
        merged[code] = Given(round(value, 6), round(sum(denominators) / len(denominators), 6) if denominators else None)
    return merged
