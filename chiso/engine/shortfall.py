"""How far a target falls short, in numbers and in words: the leader's page sorts targets by it and says it.

A target is judged on one value: the forecast at its date while the date is ahead, the figure judged once it
has passed. :func:`shortfall` is how much that value misses the target by, in the indicator's own unit
(positive: short; zero or less: met), and :func:`shortfall_sentence` says it:

>>> shortfall_sentence(85.96, 90, date(2025, 12, 31), percent=True)
'dự kiến đạt 86% vào 31/12/2025, thiếu 4 điểm %'
>>> shortfall_sentence(85.96, 90, date(2025, 12, 31), percent=True, lang="en")
'expected to reach 86% by 31/12/2025, 4 points short'
"""

from __future__ import annotations

from datetime import date

from chiso.engine.numbers import format_number

__all__ = ["shortfall", "shortfall_sentence"]


def shortfall(expected: float, target: float, direction: str = "up") -> float:
    """How much ``expected`` misses ``target`` by, in the indicator's unit: positive when short (below the
    target when higher is better, above it when lower is better), zero or negative when met.

    >>> shortfall(86, 90), shortfall(95, 90), shortfall(12, 10, "down"), shortfall(8, 10, "down")
    (4, -5, 2, -2)
    """
    return target - expected if direction == "up" else expected - target


def _amount(value: float, percent: bool, lang: str) -> str:
    """A value as the page writes it: a percentage to one decimal (trailing zero dropped), else as typed.

    >>> _amount(85.96, True, "vi"), _amount(85.04, True, "en"), _amount(1234.5, False, "vi")
    ('86%', '85%', '1.234,5')
    >>> _amount(85.34, True, "vi")
    '85,3%'
    """
    if percent:
        rounded = round(value, 1)
        text = format_number(int(rounded) if rounded == int(rounded) else rounded, None, lang)
        return text + "%"
    return format_number(round(value, 2), None, lang)


def _gap(value: float, percent: bool, lang: str) -> str:
    """The size of a gap: "4 điểm %", "4 points", "300".

    >>> _gap(4.04, True, "vi"), _gap(0.5, True, "en"), _gap(300, False, "vi")
    ('4 điểm %', '0.5 points', '300')
    """
    rounded = round(abs(value), 1 if percent else 2)
    text = format_number(int(rounded) if rounded == int(rounded) else rounded, None, lang)
    if percent:
        return f"{text} points" if lang == "en" else f"{text} điểm %"
    return text


def shortfall_sentence(expected: float, target: float, deadline: date, *, percent: bool, direction: str = "up",
                       final: bool = False, period_label: str = "", lang: str = "vi") -> str:
    """What the target will reach and by how much it misses, in words.

    While the date is ahead (``final`` false) ``expected`` is the forecast at ``deadline``; once it has passed,
    the figure judged (``period_label`` names its period).

    >>> shortfall_sentence(1200, 1500, date(2026, 6, 30), percent=False)
    'dự kiến đạt 1.200 vào 30/06/2026, thiếu 300'
    >>> shortfall_sentence(12, 10, date(2025, 12, 31), percent=True, direction="down")
    'dự kiến còn 12% vào 31/12/2025, cao hơn mục tiêu 2 điểm %'
    >>> shortfall_sentence(79, 85, date(2024, 12, 31), percent=True, final=True, period_label="cả năm 2024")
    'đã hết hạn 31/12/2024: đạt 79% (cả năm 2024), thiếu 6 điểm %'
    >>> shortfall_sentence(79, 85, date(2024, 12, 31), percent=True, final=True, period_label="whole year 2024",
    ...                    lang="en")
    'deadline 31/12/2024 passed: 79% (whole year 2024), 6 points short'
    >>> shortfall_sentence(92, 90, date(2025, 12, 31), percent=True)
    'dự kiến đạt 92% vào 31/12/2025, vượt mục tiêu 2 điểm %'
    """
    day = deadline.strftime("%d/%m/%Y")
    value, gap = _amount(expected, percent, lang), shortfall(expected, target, direction)
    size = _gap(gap, percent, lang)
    if lang == "en":
        if gap > 0:
            missing = f"{size} {'above the target' if direction == 'down' else 'short'}"
        else:
            missing = f"{size} better than the target" if gap else "exactly on target"
        if final:
            return f"deadline {day} passed: {value}{f' ({period_label})' if period_label else ''}, {missing}"
        return f"expected to reach {value} by {day}, {missing}"
    if gap > 0:
        missing = f"cao hơn mục tiêu {size}" if direction == "down" else f"thiếu {size}"
    else:
        missing = f"vượt mục tiêu {size}" if gap else "đúng mục tiêu"
    if final:
        return f"đã hết hạn {day}: đạt {value}{f' ({period_label})' if period_label else ''}, {missing}"
    verb = "còn" if direction == "down" else "đạt"
    return f"dự kiến {verb} {value} vào {day}, {missing}"
