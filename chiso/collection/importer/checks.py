"""Set-based reads behind a preview: the figures already stored, rule violations over stored figures
overlaid with the file's, and outliers against each unit's own history — a few queries per file, not per row.

``outliers`` follows ``collection.validation.outliers`` (same history window, score and threshold) for
many units and periods at once; ``violations`` evaluates the active rules on pre-parsed sides and asks
``collection.validation.violations`` for the wording of the broken ones only.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from chiso.collection.validation import Violation, active_rules
from chiso.collection.validation import violations as rule_violations
from chiso.engine import rules as engine
from chiso.engine.numbers import format_number
from chiso.engine.periods import Period, PeriodError
from chiso.indicators.models import DataElement
from chiso.units.models import Unit
from chiso.units.types import kind_word, kind_word_en
from chiso.values.bulkwrite import client_side
from chiso.values.models import DataValue

HISTORY_PERIODS = 24  # as collection.validation.outliers

Key = tuple[int, int, str]  # (data element id, unit id, period)


class Figure(Protocol):
    """A proposed figure: what ``outliers`` needs of the importer's items."""

    unit: Unit
    element: DataElement
    period: Period
    value: Decimal | None
    key: Key


@dataclass(frozen=True)
class Stored:
    value: Decimal | None
    qualifier: str
    source: str
    comment: str
    is_illustrative: bool
    is_deleted: bool


@dataclass(frozen=True)
class Outlier:
    unit: Unit
    element: DataElement
    period: Period
    value: Decimal
    score: float
    words: str = ""  # "gấp khoảng 40 lần mức thường thấy của phường (khoảng 72)"
    words_en: str = ""  # "about 40 times the ward's usual level (about 72)"

    @property
    def message(self) -> str:
        """The preview's line: "Phường Thạc Gián · DS · 2024-03: 50.000 — gấp khoảng 4 lần mức thường thấy của
        phường (khoảng 11.625)" (its z-score when it has no words)."""
        how = f"— {self.words}" if self.words else f"(điểm z {format_number(self.score, 1)})"
        return f"{self._head()} {how}"

    @property
    def message_en(self) -> str:
        """``message`` in English, numbers still written the Vietnamese way (``web.language.message_in_page_language``
        picks one)."""
        how = f"— {self.words_en}" if self.words_en else f"(z-score {format_number(self.score, 1)})"
        return f"{self._head()} {how}"

    def _head(self) -> str:
        return f"{self.unit.name} · {self.element.code} · {self.period}: {format_number(self.value)}"


def stored_codes(pairs: Iterable[tuple[int, str]], only: Iterable[str] | None = None,
                 ) -> dict[tuple[int, str], dict[str, Decimal]]:
    """{(unit id, period): {code: value}} of the stored, not deleted figures of the pairs asked for (of the data
    elements ``only``, when given: those the rules name; the figures' index is then read by element, not every
    figure of each unit)."""
    wanted = set(pairs)
    found: dict[tuple[int, str], dict[str, Decimal]] = defaultdict(dict)
    units = {u for u, _ in wanted}
    periods = {p for _, p in wanted}
    elements = DataElement.objects.all() if only is None else DataElement.objects.filter(code__in=set(only))
    codes = dict(elements.values_list("id", "code"))
    if not codes:
        return found
    rows = DataValue.objects.filter(unit_id__any_of=set(units), period__in=periods, is_deleted=False,
                                    value__isnull=False)
    if only is not None:
        rows = rows.filter(data_element_id__in=list(codes))
    for unit_id, period, element_id, value in client_side(rows.values_list(
            "unit_id", "period", "data_element_id", "value")):
        if (unit_id, period) in wanted:
            found[(unit_id, period)][codes[element_id]] = value
    return found


_OPERATORS = {"<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt,
              "==": operator.eq, "!=": operator.ne}


def violations(groups: Mapping[tuple[int, str], Mapping[str, Decimal]],
               units: Mapping[int, Unit]) -> list[Violation]:
    """Rule violations of each (unit id, period) over its stored figures overlaid with the file's ones."""
    if not groups:
        return []
    compiled = []
    for rule in active_rules():
        try:
            sides = engine.terms(rule.left), engine.terms(rule.right)
            compiled.append((rule, sides[0], _OPERATORS[rule.operator], sides[1]))
        except (engine.RuleSyntaxError, KeyError):
            continue  # a broken rule is the rule loader's business, not the file's
    if not compiled:
        return []
    named = {code for _, left, _, right in compiled for _, code in (*left, *right) if code is not None}
    stored = stored_codes(groups, named)
    found: list[Violation] = []
    for (unit_id, period), file_values in groups.items():
        known = stored.get((unit_id, period))
        values = {**known, **file_values} if known else file_values
        broken = []
        for rule, left, compare, right in compiled:
            a, b = _side(left, values), _side(right, values)
            if a is not None and b is not None and not compare(a, b):
                broken.append(rule)
        if broken:
            found += rule_violations(units[unit_id], period, values, broken)
    return found


def _side(terms: list[tuple[Decimal, str | None]], values: Mapping[str, Decimal]) -> Decimal | None:
    total = Decimal(0)
    for factor, code in terms:
        if code is None:
            total += factor
        else:
            value = values.get(code)
            if value is None:
                return None
            total += factor * value
    return total


def outliers(figures: Iterable[Figure]) -> list[Outlier]:
    """Figures far from their unit's own history of the previous 24 periods of the same kind (|z| > 3,5)."""
    figures = list(figures)
    if not figures:
        return []
    windows: dict[Period, list[str]] = {}
    for figure in figures:
        if figure.period not in windows:
            past, current = [], figure.period
            for _ in range(HISTORY_PERIODS):
                try:
                    current = current.previous()
                except PeriodError:  # nothing before 1900
                    break
                past.append(str(current))
            windows[figure.period] = past
    all_past = {p for past in windows.values() for p in past}
    units = {f.key[1] for f in figures}
    elements = {f.key[0] for f in figures}
    history: dict[tuple[int, int], dict[str, Decimal]] = defaultdict(dict)
    rows = DataValue.objects.filter(unit_id__any_of=set(units), data_element_id__in=elements, period__in=all_past,
                                    is_deleted=False, value__isnull=False)
    for unit_id, element_id, period, value in client_side(rows.values_list(
            "unit_id", "data_element_id", "period", "value")):
        history[(unit_id, element_id)][period] = value
    if not history:
        return []
    found = []
    for figure in figures:
        past_values = history.get((figure.key[1], figure.key[0]))
        if not past_values or figure.value is None:
            continue
        series = [past_values[p] for p in windows[figure.period] if p in past_values]
        score = engine.modified_z_score(figure.value, series)
        if score is not None and abs(score) > engine.OUTLIER_THRESHOLD:
            found.append(Outlier(figure.unit, figure.element, figure.period, figure.value, round(score, 2),
                                 engine.outlier_words(figure.value, series, kind_word(figure.unit.type)),
                                 engine.outlier_words(figure.value, series, kind_word_en(figure.unit.type),
                                                      english=True)))
    return found
