"""The grid laid out like the paper form: by pillar, then by indicator, the denominator above its numerator
and the rate they make beside them.

A form whose lines carry sections (``FormElement.section``) keeps its own sections in its own order. Otherwise
the catalogue decides: each pillar in its order, each indicator of the pillar with its parts that are on the
form; a denominator shared by several indicators of the form (Dân số, Tổng số CBCC) comes first under the
heading "Số liệu chung" of the pillar of its first indicator, and each indicator using it names it. Elements
of no indicator close the grid under "Số liệu khác". Every row appears exactly once.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chiso.collection.entry.cells import CellError, parse_cell
from chiso.collection.entry.grid import Row
from chiso.engine.numbers import format_number
from chiso.indicators.models import Indicator, IndicatorKind
from chiso.web.language import name_in_page_language

SHARED = gettext_noop("Số liệu chung")  # headings: translated where a section is made
OTHERS = gettext_noop("Số liệu khác")


@dataclass(frozen=True)
class Rate:
    """A rate computed from two cells of the grid, as the officer types (``entry.js`` recomputes it)."""

    numerator: str  # element codes
    denominator: str
    factor: Decimal
    decimals: int
    suffix: str  # "%" or ""
    text: str  # "91,5%"; "–" while a part is missing or unreadable
    label: str = "Tỷ lệ"  # "Bình quân" for an average


@dataclass
class Group:
    code: str  # the indicator's code, "" for a section of its own
    title: str
    rows: list[Row] = field(default_factory=list)
    rate: Rate | None = None
    uses: str = ""  # a shared denominator named: "Mẫu số: Dân số (ở mục Số liệu chung)"


@dataclass
class Section:
    title: str
    groups: list[Group] = field(default_factory=list)

    @property
    def rows(self) -> list[Row]:
        return [row for group in self.groups for row in group.rows]


def sections(rows: Sequence[Row], texts: dict[str, str]) -> list[Section]:
    """``rows`` (the form's order) grouped; ``texts`` code → what each cell holds now (for the rates)."""
    if any(row.section for row in rows):
        return _own_sections(rows)
    by_code = {row.element.code: row for row in rows}
    on_form = set(by_code)
    indicators = sorted(
        Indicator.objects.filter(Q(numerator__code__in=on_form) | Q(denominator__code__in=on_form)
                                 | Q(reported__code__in=on_form))
        .select_related("pillar", "numerator", "denominator", "reported"),
        key=lambda i: (i.pillar.order, i.pillar.code, _natural(i.code)))
    ratios = [i for i in indicators if _part(i, "numerator", on_form) and _part(i, "denominator", on_form)]
    uses = Counter(i.denominator.code for i in ratios)  # type: ignore[union-attr]
    shared = {code for code, count in uses.items() if count > 1}
    placed: dict[str, str] = {}  # code → the heading it is under
    found: dict[str, Section] = {}
    for indicator in indicators:
        section = found.setdefault(indicator.pillar.code, Section(name_in_page_language(indicator.pillar)))
        denominator = _part(indicator, "denominator", on_form)
        if denominator in shared and denominator not in placed:
            common = next((g for g in section.groups if g.code == ""), None)
            if common is None:
                common = Group("", _(SHARED))
                section.groups.insert(0, common)
            common.rows.append(by_code[denominator])
            placed[denominator] = _(SHARED)
        group = Group(indicator.code, name_in_page_language(indicator))
        for part in ("denominator", "numerator", "reported"):
            code = _part(indicator, part, on_form)
            if code and code not in placed and not (part == "denominator" and code in shared):
                group.rows.append(by_code[code])
                placed[code] = indicator.code
        if indicator in ratios:
            numerator, denominator = indicator.numerator.code, indicator.denominator.code  # type: ignore[union-attr]
            group.rate = _rate(indicator, numerator, denominator, texts)
            if placed.get(denominator) != indicator.code:
                group.uses = _("Mẫu số: %(name)s (ở mục %(under)s)") % {
                    "name": name_in_page_language(by_code[denominator].element), "under": placed[denominator]}
        if group.rows or group.rate:
            section.groups.append(group)
    rest = [row for row in rows if row.element.code not in placed]
    result = [s for s in found.values() if s.groups]
    if rest:
        result.append(Section(_(OTHERS), [Group("", "", rest)]))
    return result


def rate_text(numerator: str, denominator: str, factor: Decimal, decimals: int, suffix: str,
              value_types: tuple[str, str] = ("integer", "integer")) -> str:
    """The rate two cells make, the Vietnamese way: ``rate_text("183", "200", 100, 1, "%")`` → "91,5%"."""
    try:
        top, bottom = parse_cell(numerator, value_types[0]).value, parse_cell(denominator, value_types[1]).value
    except CellError:
        return "–"
    if top is None or bottom is None or top < 0 or bottom <= 0:
        return "–"
    try:
        value = top / bottom * factor
    except ArithmeticError:  # decimal's overflow and invalid operations
        return "–"
    if not value.is_finite() or value.adjusted() > 15:
        return "–"
    return f"{format_number(value, decimals)}{suffix}"


def _rate(indicator: Indicator, numerator: str, denominator: str, texts: dict[str, str]) -> Rate:
    suffix = "%" if indicator.unit_of_measure == "%" else ""
    decimals = indicator.decimals if indicator.kind == IndicatorKind.RATE else 2
    text = rate_text(texts.get(numerator, ""), texts.get(denominator, ""), indicator.factor, decimals, suffix)
    label = _("Bình quân") if indicator.kind == IndicatorKind.AVERAGE else _("Tỷ lệ")
    return Rate(numerator, denominator, indicator.factor, decimals, suffix, text, label)


def _own_sections(rows: Sequence[Row]) -> list[Section]:
    found: dict[str, Section] = {}
    for row in rows:
        title = row.section or _(OTHERS)
        section = found.setdefault(title, Section(title, [Group("", "")]))
        section.groups[0].rows.append(row)
    return list(found.values())


def _part(indicator: Indicator, part: str, on_form: set[str]) -> str:
    element = getattr(indicator, part)
    return element.code if element is not None and element.code in on_form else ""


def _natural(code: str) -> list[object]:
    """'CQS-9' before 'CQS-10'."""
    return [int(piece) if piece.isdigit() else piece for piece in re.split(r"(\d+)", code)]
