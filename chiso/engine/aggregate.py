"""Adding up figures correctly: over time, over the hierarchy, and into rates. Pure Python.

Rules (DOMAIN.md §5, DHIS2's aggregation types):

* **Over time.** A *flow* (dossiers received) is counted within its period, so a longer period is the
  sum of the shorter ones it contains. A *stock* (accounts to date) is a level at a date, so a longer
  period takes its last value. A figure reported for exactly the period asked wins over any sum.
* **Over the hierarchy.** A unit's figure is its own when it reported one; otherwise the total of its
  children. The two are never added together: both are kept, and a difference is flagged.
  Elements that do not add up (scores, rates reported as rates) have no children's total.
* **Rates** are ratios of sums: the numerator and denominator are added up separately, over units
  that reported both, and divided at the end. Averaging percentages would weigh a ward of 2.000
  people like one of 40.000.
* **Qualifiers** travel: a total that includes a "nearly" figure is "nearly"; one that includes a
  "more than" figure is "more than" (if nothing pulls the other way).
* **Completeness** counts the units whose figures went into a total against those expected.

>>> from chiso.engine.periods import Period
>>> obs = [Obs(Period.parse(m), Decimal(v)) for m, v in [("2024-01", 3), ("2024-02", 4), ("2024-03", 5)]]
>>> over_time(obs, Period.parse("2024Q1"), "flow").value
Decimal('12')
>>> over_time(obs, Period.parse("2024Q1"), "stock").value
Decimal('5')
>>> ratio_of_sums([(Decimal(10), Decimal(100)), (Decimal(30), Decimal(40))])  # not (10% + 75%) / 2
Decimal('0.2857142857142857142857142857')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from chiso.engine.periods import Period, PeriodKind

EXACT, APPROXIMATE, AT_LEAST, AT_MOST = "exact", "approximate", "at_least", "at_most"


def combine_qualifiers(qualifiers: Iterable[str]) -> str:
    """The qualifier of a total.

    >>> combine_qualifiers(["exact", "at_least"])
    'at_least'
    >>> combine_qualifiers(["at_least", "at_most"])
    'approximate'
    >>> combine_qualifiers([])
    'exact'
    """
    found = set(qualifiers) - {EXACT}
    if not found:
        return EXACT
    if APPROXIMATE in found or found == {AT_LEAST, AT_MOST}:
        return APPROXIMATE
    return found.pop()


class Obs(NamedTuple):  # a named tuple, not a frozen dataclass: made for every figure read (3× faster)
    """One reported figure of one unit and data element."""

    period: Period
    value: Decimal
    qualifier: str = EXACT
    illustrative: bool = False


class TimeValue(NamedTuple):
    value: Decimal
    qualifier: str
    illustrative: bool
    covered: int  # sub-periods reported (flows); 1 for a stock or an exact match
    expected: int


_FINENESS = {PeriodKind.YEAR: 0, PeriodKind.QUARTER: 1, PeriodKind.MONTH: 2, PeriodKind.DAY: 3}


def over_time(observations: Sequence[Obs], period: Period, over: str) -> TimeValue | None:
    """The value of one unit's data element for ``period`` from its reported figures."""
    if len(observations) == 1 and observations[0].period == period:  # the figure of exactly that period: most
        o = observations[0]
        return TimeValue(o.value, o.qualifier, o.illustrative, 1, 1)
    inside = [o for o in observations if period.contains(o.period)]
    if not inside:
        return None
    exact = [o for o in inside if o.period == period]
    if exact:
        o = exact[0]
        return TimeValue(o.value, o.qualifier, o.illustrative, 1, 1)
    if over == "stock":
        last = max(inside, key=lambda o: (o.period.end, -_FINENESS[o.period.kind], not o.illustrative))
        return TimeValue(last.value, last.qualifier, last.illustrative, 1, 1)
    # flow: sum the coarsest kind of sub-period reported (never a quarter and its months together)
    coarsest = min(_FINENESS[o.period.kind] for o in inside)
    used = [o for o in inside if _FINENESS[o.period.kind] == coarsest]
    kind = used[0].period.kind
    expected = _parts(period, kind) if kind != PeriodKind.DAY else len(used)
    return TimeValue(
        sum((o.value for o in used), Decimal(0)),
        combine_qualifiers(o.qualifier for o in used),
        any(o.illustrative for o in used),
        len({o.period for o in used}),
        expected,
    )


@lru_cache(maxsize=4096)
def _parts(period: Period, kind: PeriodKind) -> int:
    """How many periods of ``kind`` make up ``period`` (asked for every flow figure added up: kept)."""
    return len(period.children(kind))


def ratio_of_sums(pairs: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    numerator = denominator = Decimal(0)
    for n, d in pairs:
        numerator += n
        denominator += d
    return numerator / denominator if denominator else None


@dataclass
class Total:
    """A figure of one unit after adding up its subtree: one number, or (numerator, denominator)."""

    parts: tuple[Decimal, ...] | None  # the figure used: own if reported, else the children's total
    qualifier: str = EXACT
    illustrative: bool = False
    reported: int = 0
    expected: int = 0
    own: tuple[Decimal, ...] | None = None
    children: tuple[Decimal, ...] | None = None
    estimated: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def differs(self) -> bool:
        return self.own is not None and self.children is not None and self.own != self.children


Leaf = tuple[tuple[Decimal, ...], str, bool]  # (parts, qualifier, illustrative)


def over_hierarchy(
    unit: int,
    children: Callable[[int], Sequence[int]],
    own: Callable[[int], Leaf | None],
    additive: bool = True,
) -> Total:
    """Add up ``unit``'s subtree: its own figure if it has one, else its children's total.

    ``own(u)`` gives a unit's own figure (already aggregated over time); ``children(u)`` its
    children. Completeness counts, at each branch, the units whose figure is used.
    """
    kids = children(unit)
    if additive and kids:
        return with_children(own(unit), below([over_hierarchy(k, children, own, additive) for k in kids]))
    return with_children(own(unit), None)


def below(totals: Sequence[Total]) -> Total:
    """The children's side of a branch: their figures added up, with the qualifier, the illustrative flag and
    the completeness counts of them all. Stored per branch by ``chiso.totals``; ``with_children`` then puts the
    branch's own figure in front, exactly as ``over_hierarchy`` does."""
    with_value = [t for t in totals if t.parts is not None]
    columns = zip(*(t.parts for t in with_value if t.parts is not None), strict=True)
    parts = tuple(sum(column, Decimal(0)) for column in columns) if with_value else None
    return Total(
        parts=parts,
        qualifier=combine_qualifiers(t.qualifier for t in with_value),
        illustrative=any(t.illustrative for t in with_value),
        reported=sum(t.reported for t in totals),
        expected=sum(t.expected for t in totals),
        children=parts,
    )


def with_children(mine: Leaf | None, children: Total | None) -> Total:
    """A unit's total from its own figure and, for an additive figure of a branch, its children's (``below``):
    the own figure wins and the children's is kept beside it; without one, the children's total is the figure.
    ``children`` None: a leaf, or a figure that does not add up over units."""
    if children is None:
        if mine is None:
            return Total(None, reported=0, expected=1)
        return Total(mine[0], mine[1], mine[2], 1, 1, own=mine[0])
    if mine is None:
        return children
    return Total(mine[0], mine[1], mine[2], 1, 1, own=mine[0], children=children.parts)


def weighted_sum(totals: Sequence[tuple[Decimal, Total]]) -> Total:
    """Combine figures of former units into one of today's, each times the share that went along."""
    with_value = [(w, t) for w, t in totals if t.parts is not None]
    parts: tuple[Decimal, ...] | None = None
    if with_value:
        width = len(with_value[0][1].parts or ())
        parts = tuple(sum((w * (t.parts or ())[i] for w, t in with_value), Decimal(0)) for i in range(width))
    return Total(
        parts=parts,
        qualifier=combine_qualifiers(t.qualifier for _, t in with_value),
        illustrative=any(t.illustrative for _, t in with_value),
        reported=sum(t.reported for _, t in totals),
        expected=sum(t.expected for _, t in totals),
        estimated=any(w != 1 for w, _ in with_value) or any(t.estimated for _, t in with_value),
        notes=[n for _, t in totals for n in t.notes],
    )
