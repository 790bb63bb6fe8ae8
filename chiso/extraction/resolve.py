"""From the figures the pure reader finds (``chiso.engine.extract``) to proposals: which unit (the gazetteer of
the hierarchy, former names followed through the successions) and which catalogue element (names and the
aliases of ``reference_data/aliases.csv``)."""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from chiso.engine.extract import RawFigure, find_figures
from chiso.engine.periods import Period, PeriodError
from chiso.engine.text import fold
from chiso.indicators.models import DataElement
from chiso.units.models import HierarchyVersion, Unit
from chiso.units.queries import main_successor
from chiso.units.types import UnitType

if TYPE_CHECKING:
    from chiso.extraction.reading import Proposal

ALIASES_CSV = Path(__file__).resolve().parent.parent / "reference_data" / "aliases.csv"

# The words a text puts before a unit's name, and the unit types each may mean.
PREFIXES: dict[str, tuple[str, ...]] = {
    "thành phố": (UnitType.CITY, UnitType.PROVINCIAL_CITY),
    "tp": (UnitType.CITY, UnitType.PROVINCIAL_CITY),
    "quận": (UnitType.URBAN_DISTRICT,),
    "huyện": (UnitType.RURAL_DISTRICT,),
    "thị xã": (UnitType.TOWN,),
    "phường": (UnitType.WARD,),
    "xã": (UnitType.COMMUNE,),
    "thị trấn": (UnitType.TOWNLET,),
    "đặc khu": (UnitType.SPECIAL_ZONE,),
    "thôn": (UnitType.HAMLET,),
    "tổ dân phố": (UnitType.RESIDENTIAL_GROUP,),
    "tdp": (UnitType.RESIDENTIAL_GROUP,),
    "khu dân cư": (UnitType.RESIDENTIAL_AREA,),
    "kdc": (UnitType.RESIDENTIAL_AREA,),
}
_PREFIX_RE = re.compile(
    r"(?<!\w)(" + "|".join(sorted((re.escape(p) for p in PREFIXES), key=len, reverse=True)) + r")\.?\s+",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Mention:
    """A unit named in a sentence: the text as found, where, and the key to look it up by."""

    text: str
    start: int
    prefix: str
    name_key: str


def mentions(sentence: str) -> list[Mention]:
    """Unit names in a sentence: a prefix ("phường", "KDC", …) followed by capitalised words."""
    found = []
    for match in _PREFIX_RE.finditer(sentence):
        words: list[str] = []
        position = match.end()
        while len(words) < 5:
            word = _WORD_RE.match(sentence, position)
            if not word or not word.group()[0].isupper():
                break
            words.append(word.group())
            position = word.end()
            while position < len(sentence) and sentence[position] == " ":
                position += 1
        if words:
            end = match.end() + len(" ".join(words))
            prefix = match.group(1).lower()
            found.append(Mention(sentence[match.start() : end], match.start(), prefix, fold(" ".join(words))))
    return found


def bare_name(unit_name: str) -> str:
    """A unit's name without its type word: "Phường Xuân Hà" -> "xuan ha" (folded)."""
    match = _PREFIX_RE.match(unit_name)
    return fold(unit_name[match.end() :] if match else unit_name)


class Gazetteer:
    """Every unit's names and types in every hierarchy version, looked up by (type, folded bare name) as mentions
    come (memoised), with the versions' dates and the successions that carry a former name forward."""

    def __init__(self) -> None:
        self.versions = list(HierarchyVersion.objects.order_by("valid_from"))
        self._by_name: dict[tuple[tuple[str, ...], str], list[Unit]] = {}
        self._successor: dict[int, Unit | None] = {}

    @classmethod
    def load(cls) -> Gazetteer:
        return cls()

    def named(self, types: tuple[str, ...], key: str) -> list[Unit]:
        if (types, key) not in self._by_name:
            found = Unit.objects.filter(type__in=types, search_key__endswith=key).select_related("version")
            self._by_name[types, key] = [unit for unit in found if bare_name(unit.name) == key]
        return self._by_name[types, key]

    def successor(self, unit: Unit) -> Unit | None:
        """What ``unit`` became in the next version (the largest part of a split)."""
        if unit.pk not in self._successor:
            link = main_successor(unit)
            self._successor[unit.pk] = link.to_unit if link else None
        return self._successor[unit.pk]

    def version_at(self, day: date | None) -> HierarchyVersion | None:
        if not self.versions:
            return None
        if day is None:
            return self.versions[-1]
        for version in self.versions:
            if (version.valid_from is None or version.valid_from <= day) and (
                version.valid_to is None or day <= version.valid_to
            ):
                return version
        return self.versions[-1]

    def in_force(self, unit: Unit, version: HierarchyVersion | None) -> Unit:
        """The unit that ``unit`` had become in ``version`` (itself when it belongs to it)."""
        for _step in range(10):
            if version is None or unit.version_id == version.pk:
                break
            after = self.successor(unit)
            if after is None or _starts(after.version) > _starts(version):
                break
            unit = after
        return unit

    def find(self, mention: Mention, version: HierarchyVersion | None) -> Unit | None:
        candidates = self.named(PREFIXES[mention.prefix], mention.name_key)
        if not candidates:
            return None
        for unit in candidates:
            if version is not None and unit.version_id == version.pk:
                return unit
        earlier = [unit for unit in candidates if version is None or _starts(unit.version) <= _starts(version)]
        if earlier:
            latest = max(earlier, key=lambda unit: _starts(unit.version))
            return self.in_force(latest, version)
        return min(candidates, key=lambda unit: _starts(unit.version))


def _starts(version: HierarchyVersion) -> date:
    return version.valid_from or date.min


@dataclass(frozen=True)
class Alias:
    code: str
    parts: tuple[str, ...]
    whole: bool  # "=xã": the counted phrase is exactly this word
    percent: bool


def _norm(text: str) -> str:
    """Lower case, NFC, single spaces; "tỉ" and "tỷ" alike. Diacritics are kept: "hộ" is not "hồ"."""
    text = unicodedata.normalize("NFC", text).lower().replace("tỉ lệ", "tỷ lệ")
    return re.sub(r"[\s,]+", " ", text).strip()


_SUFFIX = re.compile(r"\s*\((?:báo cáo trực tiếp|thang[^)]*)\)\s*$")
_LEAD = re.compile(r"^(?:số lượng|số|tổng số|tỷ lệ|tỉ lệ|tỷ trọng|tỉ trọng)\s+", re.IGNORECASE)


@lru_cache(maxsize=1)
def _alias_rows() -> tuple[tuple[str, str], ...]:
    with ALIASES_CSV.open(encoding="utf-8") as handle:
        return tuple((row["code"].strip(), row["alias"].strip()) for row in csv.DictReader(handle))


def catalogue_aliases() -> list[Alias]:
    """Each element's Vietnamese name (without "Số"/"Tỷ lệ" and "(báo cáo trực tiếp)") and its aliases."""
    elements = {code: value_type for code, value_type in DataElement.objects.values_list("code", "value_type")}
    names = dict(DataElement.objects.values_list("code", "name_vi"))
    texts: list[tuple[str, str]] = [(code, _LEAD.sub("", _SUFFIX.sub("", name))) for code, name in names.items()]
    texts += [(code, alias) for code, alias in _alias_rows() if code in elements]
    aliases = []
    for code, text in texts:
        whole = text.startswith("=")
        parts = tuple(_norm(part) for part in text.lstrip("=").split("...") if part.strip())
        if parts:
            aliases.append(Alias(code, parts, whole, elements[code] == "percent"))
    return aliases


def _find_parts(parts: tuple[str, ...], window: str) -> list[tuple[int, int]] | None:
    spans, position = [], 0
    for part in parts:
        match = re.compile(rf"(?<!\w){re.escape(part)}(?!\w)").search(window, position)
        if not match:
            return None
        spans.append((match.start(), match.end()))
        position = match.end()
    return spans


def match_element(figure: RawFigure, aliases: list[Alias], units_named: list[str]) -> str | None:
    """The element whose name or alias is in the figure's clause with a part in what is counted; the head of a
    Vietnamese noun phrase comes first, so the match that starts earliest in the counted phrase wins, then the
    longest."""
    context, measure, after = figure.context, figure.measure, figure.after
    for name in units_named:
        context = context.replace(name, " ")
    context, measure, after = _norm(context), _norm(measure), _norm(after)
    if measure and after.startswith(measure):  # "166.039 hồ sơ …": what is counted follows the number
        window = f"{context} | {after}"
        measure_from = len(context) + 3
    elif measure and measure in context:  # "tỷ lệ … đạt 91%": it comes before
        window = f"{context} | {after}"
        measure_from = context.rfind(measure)
    else:  # "5.151 tài khoản điện tử/11.597 dân": between the number and its total
        window = f"{context} | {measure} | {after}"
        measure_from = len(context) + 3
    measure_to = measure_from + len(measure)
    clause_rest = _norm(re.sub(r"[.!?]+$", "", figure.after.strip()))
    best: tuple[int, int, str] | None = None
    for alias in aliases:
        if alias.percent != figure.is_percent:
            continue
        if alias.whole:
            if figure.of_total is None and clause_rest == alias.parts[0] and measure == alias.parts[0]:
                score = (0, -100, alias.code)
                best = score if best is None or score < best else best
            continue
        spans = _find_parts(alias.parts, window)
        if spans is None:
            continue
        inside = [start for start, _end in spans if measure_from <= start < measure_to]
        if not inside:
            continue
        length = sum(end - start for start, end in spans)
        score = (inside[0] - measure_from, -length, alias.code)
        if best is None or score < best:
            best = score
    return best[2] if best else None


def _period_day(period: str | None, on: date | None) -> date | None:
    if period is None:
        return on
    try:
        return Period.parse(period).end
    except PeriodError:
        return on


def propose(text: str, *, on: date | None = None, main_unit: Unit | None = None) -> list[Proposal]:
    """Every figure of ``text`` with its unit and catalogue element (see ``reading.read_text``)."""
    return Reader().propose(text, on=on, main_unit=main_unit) if find_figures(text, on) else []


class Reader:
    """The gazetteer and the catalogue's aliases loaded once, for reading many texts (the gold set)."""

    def __init__(self) -> None:
        self.gazetteer = Gazetteer.load()
        self.aliases = catalogue_aliases()

    def propose(self, text: str, *, on: date | None = None, main_unit: Unit | None = None) -> list[Proposal]:
        from chiso.extraction.reading import Proposal

        gazetteer, aliases = self.gazetteer, self.aliases
        proposals: list[Proposal] = []
        previous: tuple[str, str | None] | None = None  # (sentence, element) of the figure before
        for figure in find_figures(text, on):
            version = gazetteer.version_at(_period_day(figure.period, on))
            if version is None and main_unit is not None:
                version = main_unit.version
            named = mentions(figure.sentence)
            here = figure.start - figure.sentence_start
            before = [mention for mention in named if mention.start < here]
            mention = before[-1] if before else (named[0] if named else None)
            unit: Unit | None = None
            unit_text: str | None = None
            if mention is not None:
                unit = gazetteer.find(mention, version)
                unit_text = mention.text
            elif main_unit is not None:  # the document's own unit, as the document names it
                unit = main_unit
                unit_text = main_unit.name
            element = None
            if figure.kind != "plan_count":
                element = match_element(figure, aliases, [m.text for m in named])
                if element is None and figure.kind == "target" and previous and previous[0] == figure.sentence:
                    element = previous[1]  # "đạt 91% (vượt xa chỉ tiêu 65%)": the target of the same measure
            previous = (figure.sentence, element)
            proposals.append(
                Proposal(
                    value=figure.value,
                    qualifier=figure.qualifier,  # type: ignore[arg-type]
                    of_total=figure.of_total,
                    measure=figure.measure,
                    data_element=element,
                    unit=unit_text,
                    unit_code=unit.code if unit else None,
                    unit_version=unit.version.name if unit else None,
                    period=figure.period,
                    kind=figure.kind,  # type: ignore[arg-type]
                    sentence=figure.sentence,
                    start=figure.start,
                    end=figure.end,
                    period_carried=figure.period_carried,
                )
            )
        return proposals
