"""Progress status of an indicator (đánh giá tiến độ), Statistics Canada method as used by Open SDG ≥ 2.4.0.

Method (Statistics Canada, "Progress Measurement Methodology", adopted by Open SDG 2.4.0; see
DOMAIN.md §5).  Take the first observation as base ``(t0, y0)`` and the last as current ``(t, yt)``:

* observed compound annual growth rate ``CAGR = (yt / y0) ** (1 / (t - t0)) - 1``;
* **with a target** ``yT`` for year ``tT``: if the current value already meets the target
  (``yt >= yT`` when higher is better, ``yt <= yT`` when lower is better) the status is
  *target achieved*.  Otherwise the required rate is ``CAGR_T = (yT / y0) ** (1 / (tT - t0)) - 1`` and
  ``R = d · CAGR / |CAGR_T|`` with ``d = +1`` for ``direction="up"`` and ``-1`` for ``"down"``.  When the
  target lies in the desired direction from the base (the usual case) this is simply
  ``R = CAGR / CAGR_T``: for "down" both rates are negative while improving and the ratio is positive.
  The ``d``/``|·|`` form keeps the sign right when the base already met the target but the current
  value fell back.  ``R >= 0.95`` on track; ``0.6 <= R < 0.95`` acceleration needed;
  ``0 <= R < 0.6`` limited progress; ``R < 0`` deterioration;
* **without a target** the directed rate ``d · CAGR`` is compared with fixed thresholds:
  ``>= 1.5 %·C`` on track, ``0.5 %·C .. 1.5 %·C`` acceleration needed, ``0 .. 0.5 %·C`` limited
  progress, ``< 0`` deterioration.

Zero base or zero target is replaced by 0.001, as the method prescribes.  The exponential model needs
non-negative values; negative values, fewer than two points or a single time give *not assessable*.

**Scaling factor C (our choice).**  Statistics Canada shrinks the positive thresholds near a natural
limit with its own coefficient; we use the simpler relative distance from the base to the limit,
clipped to ``[0.1, 1]`` so the thresholds never vanish:

* ``direction="up"``: ``limit`` is a maximum (e.g. 100 for a percentage), ``C = (limit - y0) / limit``;
* ``direction="down"``: ``limit`` is a minimum (e.g. 0), ``C = (y0 - limit) / y0``.

Without ``limit``, ``C = 1``.  C is used only without a target.

>>> a = assess([(2022, 40), (2024, 60)], target=80, target_year=2025)
>>> a.status, a.status.vi, round(a.ratio, 4)
(<Status.ACCELERATION_NEEDED: 'acceleration_needed'>, 'Cần tăng tốc', 0.8647)
>>> a.reason
'Tốc độ tăng bình quân 22,5%/năm, cần 26,0%/năm để đạt 80 vào 2025: đạt 86% tốc độ cần thiết.'
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from chiso.engine.numbers import format_number

__all__ = ["LEVEL_AT_DATE", "PERIOD", "ZERO_REPLACEMENT", "Assessment", "Status", "assess", "default_judged_on",
           "judge", "scale_factor", "share_reached", "summarise"]

ZERO_REPLACEMENT = 0.001
"""What a zero base or zero target becomes, so the exponential model stays defined."""

ON_TRACK_RATIO, ACCELERATION_RATIO = 0.95, 0.6
ON_TRACK_CAGR, ACCELERATION_CAGR = 0.015, 0.005
MIN_SCALE = 0.1


class Status(StrEnum):
    """Progress status, in the fixed display order: the two final verdicts of a target whose date has
    passed, then the progress statuses (best first), then *no target* and *not assessable*."""

    ACHIEVED = "achieved"
    NOT_ACHIEVED = "not_achieved"
    TARGET_ACHIEVED = "target_achieved"
    ON_TRACK = "on_track"
    ACCELERATION_NEEDED = "acceleration_needed"
    LIMITED_PROGRESS = "limited_progress"
    DETERIORATION = "deterioration"
    NO_TARGET = "no_target"
    NOT_ASSESSABLE = "not_assessable"

    @property
    def vi(self) -> str:
        """Vietnamese label, e.g. ``Cần tăng tốc``."""
        return _LABELS[self.value][0]

    @property
    def en(self) -> str:
        """English label, e.g. ``Acceleration needed``."""
        return _LABELS[self.value][1]


_LABELS = {
    "achieved": ("Đạt", "Achieved"),
    "not_achieved": ("Không đạt", "Not achieved"),
    "target_achieved": ("Đã đạt mục tiêu", "Target achieved"),
    "on_track": ("Đúng tiến độ", "On track"),
    "acceleration_needed": ("Cần tăng tốc", "Acceleration needed"),
    "limited_progress": ("Tiến bộ hạn chế", "Limited progress"),
    "deterioration": ("Đi xuống", "Deterioration"),
    "no_target": ("Chưa có mục tiêu", "No target"),
    "not_assessable": ("Chưa đánh giá được", "Not assessable"),
}


@dataclass(frozen=True)
class Assessment:
    """Outcome of :func:`assess`.

    ``observed_cagr`` is the raw rate (negative when falling, whatever the direction);
    ``required_cagr`` and ``ratio`` are ``None`` without a target (and ``ratio`` is ``None`` when the
    target is already achieved); ``scale`` is the factor C used without a target, else ``None``.
    """

    status: Status
    observed_cagr: float | None
    required_cagr: float | None
    ratio: float | None
    reason: str
    scale: float | None = None


def _not_assessable(reason: str) -> Assessment:
    return Assessment(Status.NOT_ASSESSABLE, None, None, None, reason)


def _num(value: float) -> str:
    return format_number(value)


def _year(t: float) -> str:
    """2025.0 → "2025"; a month given as year + (month − 1)/12 → "tháng 12/2024".

    >>> _year(2024 + 11 / 12)
    'tháng 12/2024'
    """
    if float(t).is_integer():
        return str(int(t))
    year = math.floor(t)
    month = round((t - year) * 12) + 1
    return f"tháng {month}/{year}" if month <= 12 else str(year + 1)


def _pct(rate: float) -> str:
    return f"{format_number(abs(rate) * 100, decimals=1)}%/năm"


def _threshold(rate: float) -> str:
    return f"{format_number(round(rate * 100, 3))}%/năm"


def _rate_phrase(cagr: float) -> str:
    return f"Tốc độ {'tăng' if cagr >= 0 else 'giảm'} bình quân {_pct(cagr)}"


def _cagr(y0: float, y1: float, years: float) -> float:
    """Compound annual growth rate; zero base becomes :data:`ZERO_REPLACEMENT`."""
    return math.pow(y1 / (y0 or ZERO_REPLACEMENT), 1 / years) - 1


def scale_factor(y0: float, limit: float | None, direction: str = "up") -> float:
    """Factor C in ``[0.1, 1]`` that shrinks the no-target thresholds near a natural limit.

    ``limit`` is a maximum for ``direction="up"`` and a minimum for ``"down"`` (see module docstring).

    >>> scale_factor(20, 100), scale_factor(90, 100), scale_factor(99.5, 100), scale_factor(20, None)
    (0.8, 0.1, 0.1, 1.0)
    >>> scale_factor(10, 2, "down"), scale_factor(10, 0, "down")
    (0.8, 1.0)
    """
    _check_direction(direction)
    if limit is None:
        return 1.0
    if direction == "up":
        if limit <= 0:
            raise ValueError(f"Giới hạn trên phải dương, nhận {limit!r}")
        c = (limit - y0) / limit
    else:
        base = y0 or ZERO_REPLACEMENT
        c = (base - limit) / base
    return min(1.0, max(MIN_SCALE, c))


def _check_direction(direction: str) -> None:
    if direction not in ("up", "down"):
        raise ValueError(f"direction phải là 'up' hoặc 'down', nhận {direction!r}")


def _status_from_ratio(ratio: float) -> Status:
    if ratio >= ON_TRACK_RATIO:
        return Status.ON_TRACK
    if ratio >= ACCELERATION_RATIO:
        return Status.ACCELERATION_NEEDED
    return Status.LIMITED_PROGRESS if ratio >= 0 else Status.DETERIORATION


def assess(
    points: Sequence[tuple[float, float]],
    *,
    direction: str = "up",
    target: float | None = None,
    target_year: float | None = None,
    limit: float | None = None,
) -> Assessment:
    """Progress status of a series of ``(time in fractional years, value)`` points.

    Points are sorted by time; the first is the base, the last the current value.  ``direction`` is
    ``"up"`` (higher is better) or ``"down"``; ``target`` needs ``target_year``; ``limit`` is the natural
    limit used for the scaling factor C when there is no target.

    >>> assess([(2020, 100), (2022, 104)]).status
    <Status.ON_TRACK: 'on_track'>
    >>> r = assess([(2020, 20), (2023, 15)], direction="down", target=10, target_year=2025)
    >>> r.status, round(r.observed_cagr, 6), round(r.required_cagr, 6), round(r.ratio, 5)
    (<Status.ACCELERATION_NEEDED: 'acceleration_needed'>, -0.09144, -0.129449, 0.70637)
    >>> assess([(2024, 5)]).reason
    'Cần ít nhất 2 quan sát ở 2 thời điểm khác nhau; hiện có 1.'
    """
    _check_direction(direction)
    if target is not None and target_year is None:
        raise ValueError("Có mục tiêu thì phải có năm mục tiêu (target_year)")
    if len(points) < 2:
        return _not_assessable(f"Cần ít nhất 2 quan sát ở 2 thời điểm khác nhau; hiện có {len(points)}.")
    ordered = sorted((float(t), float(y)) for t, y in points)
    if not all(math.isfinite(t) and math.isfinite(y) for t, y in ordered):
        return _not_assessable("Có giá trị không hợp lệ (NaN hoặc vô cực) trong chuỗi số liệu.")
    (t0, y0), (t, yt) = ordered[0], ordered[-1]
    if t <= t0:
        return _not_assessable(
            "Cần ít nhất 2 quan sát ở 2 thời điểm khác nhau; các quan sát trùng thời điểm."
        )
    if y0 < 0 or yt < 0 or (target is not None and target < 0):
        return _not_assessable("Phương pháp tốc độ tăng bình quân (CAGR) chỉ áp dụng cho giá trị không âm.")
    d = 1 if direction == "up" else -1
    observed = _cagr(y0, yt, t - t0)

    if target is not None and target_year is not None:
        if (yt >= target) if d == 1 else (yt <= target):
            return Assessment(
                Status.TARGET_ACHIEVED, observed, None, None,
                f"Giá trị hiện tại {_num(yt)} đã đạt mục tiêu {_num(target)} (hạn {_year(target_year)}).",
            )  # fmt: skip
        if target_year <= t0:
            return _not_assessable("Năm mục tiêu phải sau năm gốc để tính tốc độ cần thiết.")
        required = _cagr(y0, target or ZERO_REPLACEMENT, target_year - t0)
        if required == 0:  # the base sat exactly on the target and the value has since moved away
            return Assessment(
                Status.DETERIORATION, observed, required, None,
                f"Năm gốc đã ở đúng mục tiêu {_num(target)} nhưng giá trị hiện tại {_num(yt)} "
                "chưa đạt: đi ngược hướng mục tiêu.",
            )  # fmt: skip
        head = f"{_rate_phrase(observed)}, cần "
        if not ((required > 0) == (observed >= 0) == (d == 1)):  # name the verb unless all agree
            head += "tăng " if required > 0 else "giảm "
        head += f"{_pct(required)} để đạt {_num(target)} vào {_year(target_year)}: "
        ratio = d * observed / abs(required)
        status = _status_from_ratio(ratio)
        tail = "đi ngược hướng mục tiêu." if ratio < 0 else f"đạt {ratio * 100:.0f}% tốc độ cần thiết."
        return Assessment(status, observed, required, ratio, head + tail)

    c = scale_factor(y0, limit, direction)
    progress = d * observed
    if progress >= ON_TRACK_CAGR * c:
        status = Status.ON_TRACK
    elif progress >= ACCELERATION_CAGR * c:
        status = Status.ACCELERATION_NEEDED
    else:
        status = Status.LIMITED_PROGRESS if progress >= 0 else Status.DETERIORATION
    verb = "tăng" if d == 1 else "giảm"
    reason = (
        f"{_rate_phrase(observed)}; chưa có mục tiêu nên so với ngưỡng {verb} "
        f"{_threshold(ON_TRACK_CAGR * c)} (đúng tiến độ) và "
        f"{_threshold(ACCELERATION_CAGR * c)} (cần tăng tốc)"
    )
    if c != 1:
        reason += f", đã nhân hệ số C = {format_number(c, decimals=2)} vì gần giới hạn {_num(limit or 0)}"
    return Assessment(status, observed, None, None, reason + ".", scale=c)


PERIOD, LEVEL_AT_DATE = "period", "level_at_date"
"""What a target is judged on: the value of its whole period (a rate over the year, a flow summed over the
year, a stock at the end of the year) or the level at its date (the value of the month of its date)."""


def default_judged_on(over_time: str) -> str:
    """A stock (số lũy kế) is judged on its level at the target's date, a flow or a rate of flows on the
    whole period.

    >>> default_judged_on("stock"), default_judged_on("flow")
    ('level_at_date', 'period')
    """
    return LEVEL_AT_DATE if over_time == "stock" else PERIOD


def share_reached(value: float, target: float, direction: str = "up") -> float:
    """Share of the target reached, clipped to ``0..1``; for a lower-is-better indicator ``target ÷ value``.

    >>> share_reached(60, 80), share_reached(90, 80), share_reached(20, 10, "down"), share_reached(5, 10, "down")
    (0.75, 1.0, 0.5, 1.0)
    """
    _check_direction(direction)
    if direction == "down":
        share = 1.0 if value <= target else (target / value if value else 1.0)
    else:
        share = value / target if target else 1.0
    return max(0.0, min(share, 1.0))


def _meets(value: float, target: float, direction: str) -> bool:
    return value >= target if direction == "up" else value <= target


def judge(
    points: Sequence[tuple[float, float]],
    *,
    direction: str = "up",
    target: float | None = None,
    target_time: float | None = None,
    figure: float | None = None,
    final: bool = False,
    figure_label: str = "",
    limit: float | None = None,
) -> Assessment:
    """The status of one indicator against one target, as every page, report and API shows it.

    ``figure`` is the value the target is judged on (its period's value, or the level at its date; to
    date while the period runs) and ``figure_label`` names its period ("cả năm 2024"). ``final`` means
    the target's date has passed: the verdict is then *Đạt* or *Không đạt* on ``figure`` and nothing
    is projected. Without a target the status is *Chưa có mục tiêu*, never a progress status. While
    the period runs, the progress status of :func:`assess` on the monthly ``points``, the last point
    replaced by ``figure`` so the status and the figure shown never disagree.

    >>> judge([(2024, 50), (2024 + 11 / 12, 74.2)], target=65, target_time=2024 + 11 / 12, figure=69,
    ...       final=True, figure_label="cả năm 2024").status.vi
    'Đạt'
    >>> judge([(2024, 50), (2024.5, 60)], figure=60).status.vi
    'Chưa có mục tiêu'
    """
    _check_direction(direction)
    label = f"{figure_label}: " if figure_label else ""
    if target is None:
        return Assessment(Status.NO_TARGET, None, None, None,
                          "Chưa có mục tiêu cho chỉ tiêu này nên không đánh giá tiến độ.")
    if final:
        if figure is None:
            return _not_assessable(f"{label or 'Kỳ đánh giá: '}chưa có số liệu để so với mục tiêu {_num(target)}.")
        met = _meets(figure, target, direction)
        return Assessment(
            Status.ACHIEVED if met else Status.NOT_ACHIEVED, None, None, None,
            f"{label}{_num(figure)} so với mục tiêu {_num(target)}: {'đạt' if met else 'không đạt'} "
            "(đã hết hạn, không còn dự báo).",
        )  # fmt: skip
    if figure is not None and _meets(figure, target, direction):
        return Assessment(Status.TARGET_ACHIEVED, None, None, None,
                          f"{label}{_num(figure)} đã đạt mục tiêu {_num(target)}; chưa đến hạn.")
    ordered = sorted((float(t), float(y)) for t, y in points)
    if figure is not None and ordered:
        ordered[-1] = (ordered[-1][0], float(figure))
    return assess(ordered, direction=direction, target=target, target_year=target_time, limit=limit)


def summarise(statuses: Iterable[Status | str]) -> dict[Status, int]:
    """Count statuses; every status appears, zeros included, in the fixed order of :class:`Status`.

    >>> counts = summarise(["on_track", Status.ON_TRACK, Status.DETERIORATION])
    >>> [(s.value, n) for s, n in counts.items() if n], len(counts) == len(Status)
    ([('on_track', 2), ('deterioration', 1)], True)
    """
    counts = dict.fromkeys(Status, 0)
    for status in statuses:
        counts[Status(status)] += 1
    return counts
