"""The cells of an analytics request (code × unit × period, in that order) and the rows of one page of them.

The number of cells is known before anything is computed, so a request is cut into pages by counting,
and only the cells of the page asked for are evaluated: a page of ``n`` cells evaluates at most about
``3 n`` (the codes, units and periods it touches), whatever the size of the whole request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from chiso.analytics.queries import Row
from chiso.engine.periods import Period
from chiso.units.models import Unit

Evaluate = Callable[[list[str], list[Unit], list[Period]], list[Row]]


@dataclass(frozen=True)
class CellGrid:
    codes: Sequence[str]
    units: Sequence[Unit]
    periods: Sequence[Period]

    @property
    def count(self) -> int:
        return len(self.codes) * len(self.units) * len(self.periods)

    def cell(self, index: int) -> tuple[int, int, int]:
        """The (code, unit, period) positions of cell ``index``.

        >>> CellGrid(["A", "B"], [None] * 3, ["p", "q"]).cell(7)  # type: ignore[list-item]
        (1, 0, 1)
        """
        per_code = len(self.units) * len(self.periods)
        return index // per_code, (index // len(self.periods)) % len(self.units), index % len(self.periods)

    def rows(self, start: int, stop: int, evaluate: Evaluate, chunk: int = 1000) -> Iterator[Row]:
        """The rows of cells ``start`` … ``stop - 1`` in order, ``chunk`` cells evaluated at a time.

        In a chunk the cells of each code are a run of (unit, period) pairs; codes whose runs cover the same
        units and periods (every code but the first and last, which may be partial) are evaluated together.
        """
        for first in range(start, stop, chunk):
            cells = [self.cell(i) for i in range(first, min(first + chunk, stop))]
            groups: dict[tuple[tuple[int, ...], tuple[int, ...]], list[int]] = {}
            for c in sorted({c for c, _, _ in cells}):
                mine = [(u, p) for cc, u, p in cells if cc == c]
                key = (tuple(sorted({u for u, _ in mine})), tuple(sorted({p for _, p in mine})))
                groups.setdefault(key, []).append(c)
            found: dict[tuple[str, int, str], Row] = {}
            for (unit_at, period_at), code_at in groups.items():
                codes = list(dict.fromkeys(self.codes[c] for c in code_at))
                units = list({self.units[u].id: self.units[u] for u in unit_at}.values())
                periods = list({str(self.periods[p]): self.periods[p] for p in period_at}.values())
                for row in evaluate(codes, units, periods):
                    found[(row.data, row.unit.id, str(row.period))] = row
            for c, u, p in cells:
                yield found[(self.codes[c], self.units[u].id, str(self.periods[p]))]
