"""Deterministic illustrative (made-up) monthly series for the demo — pure Python, no Django.

Every figure made here is flagged illustrative wherever it is shown. The rules that keep the demo
honest towards its real sources:

* ``apportion`` splits a real total over cells in proportion to their made-up weights, exactly
  (largest remainder), never giving a cell more than its cap (a numerator never exceeds its
  denominator). So wards add up to their district's real figure.
* ``path_through`` draws a stock through fixed points, so a ward's series passes through a real
  figure reported for it (Thạc Gián: 5.151 accounts at the end of 2023).

>>> apportion(10, [1, 1, 1])
[4, 3, 3]
>>> apportion(12, [5, 5, 5], caps=[2, 10, 10])
[2, 5, 5]
>>> path_through({0: 10, 4: 30})
[10.0, 15.0, 20.0, 25.0, 30.0]
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence


def rng(*keys: object) -> random.Random:
    """A random generator seeded by the keys: same keys, same numbers, on every machine."""
    digest = hashlib.sha256("|".join(map(str, keys)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def apportion(total: int, weights: Sequence[float], caps: Sequence[float] | None = None) -> list[int]:
    """Split the integer ``total`` over cells in proportion to ``weights``, with optional caps.

    The result adds up to ``total`` exactly unless the caps together are smaller, in which case
    every cell is at its cap. Capped cells keep their cap; the rest is shared among the others.
    """
    n = len(weights)
    limit = [int(c) for c in caps] if caps is not None else [total] * n
    total = min(total, sum(limit))
    result = [0] * n
    free = [i for i in range(n) if limit[i] > 0]
    remaining = total
    while remaining > 0 and free:
        weight_sum = sum(max(weights[i], 0.0) for i in free) or float(len(free))
        shares = {i: remaining * ((max(weights[i], 0.0) or (weight_sum / len(free))) / weight_sum) for i in free}
        over = [i for i in free if result[i] + shares[i] >= limit[i]]
        if over:  # fill capped cells, then share again among the rest
            for i in over:
                remaining -= limit[i] - result[i]
                result[i] = limit[i]
            free = [i for i in free if i not in over]
            continue
        floors = {i: int(shares[i]) for i in free}
        for i in free:
            result[i] += floors[i]
        left = remaining - sum(floors.values())
        by_remainder = sorted(free, key=lambda i: (-(shares[i] - floors[i]), i))
        for i in by_remainder[:left]:
            result[i] += 1
        remaining = 0
    return result


def path_through(points: dict[int, float], length: int | None = None) -> list[float]:
    """Values at 0..length-1 passing linearly through ``points`` {index: value}; flat outside them."""
    keys = sorted(points)
    length = length if length is not None else keys[-1] + 1
    out = []
    for i in range(length):
        if i <= keys[0]:
            out.append(float(points[keys[0]]))
            continue
        if i >= keys[-1]:
            out.append(float(points[keys[-1]]))
            continue
        right = next(k for k in keys if k >= i)
        left = max(k for k in keys if k <= i)
        if left == right:
            out.append(float(points[left]))
        else:
            t = (i - left) / (right - left)
            out.append(points[left] + t * (points[right] - points[left]))
    return out


def seasonal(month_index: int, amplitude: float = 0.12) -> float:
    """A yearly rhythm for flows: quieter at Tết (February), busier towards year end."""
    month = month_index % 12 + 1
    bump = {1: -0.4, 2: -1.0, 3: -0.2, 4: 0.0, 5: 0.1, 6: 0.1, 7: 0.0, 8: 0.0, 9: 0.2, 10: 0.3, 11: 0.5, 12: 0.8}
    return 1.0 + amplitude * bump[month]


def growing_share(r: random.Random, months: int, start: tuple[float, float], end: tuple[float, float],
                  ) -> list[float]:
    """A share rising from a value drawn in ``start`` to one drawn in ``end`` over ``months``."""
    a, b = r.uniform(*start), r.uniform(*end)
    return [a + (b - a) * i / max(months - 1, 1) for i in range(months)]


def round_series(values: Sequence[float], decimals: int = 0) -> list[float]:
    return [round(v, decimals) if decimals else float(round(v)) for v in values]
