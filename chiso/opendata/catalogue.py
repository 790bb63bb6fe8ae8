"""The open-data catalogue: **the interface** the DCAT-AP and CKAN views (``dcat.py``, ``ckan.py``), the
"Dữ liệu mở" pages and the downloads build on. Read it through ``datasets()``, ``dataset(slug)``,
``series()`` and ``publisher()``; the dataclasses below are frozen and their fields are the contract.

One **series** per indicator (``xhs-06``), one **dataset** per indicator and year that has at least one
published figure (``xhs-06-2024``): a figure of a report that is approved or locked
(``collection.queries.published``). Nothing else ever makes a dataset, and the distributions
(``opendata.distributions``) read only published figures through
``analytics.queries.evaluate(..., published_only=True)``.

Each dataset has up to four levels — the city total (``thanh-pho``), every phường/xã (``phuong-xa``) and,
when one of them has published figures, every quận/huyện of the map before 2025 (``quan-huyen``) and every
tổ dân phố/thôn (``to-dan-pho``) — in three formats (CSV, JSON, XLSX). A file may have no row: the city
total of a year when too few units reported is withheld, and a withheld total is never published.
``Distribution.byte_size`` is None here (building every file to measure it is the downloads' work:
``opendata.distributions.sized``).

``modified`` is the newest write of a published figure in the dataset, ``issued`` the day of its oldest.
The licence, the publisher and the contact point are settings (``CHISO_OPEN_DATA_LICENCE``,
``CHISO_PUBLISHER_NAME`` / ``_URL`` / ``_EMAIL``). A catalogue read is three queries (indicators, the
published figures grouped by element, unit type and period, the city).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Max, Min, Q

from chiso import conf
from chiso.engine.periods import Period, PeriodKind
from chiso.engine.text import fold
from chiso.indicators.models import Indicator
from chiso.units.models import Unit
from chiso.units.types import UnitType

PREFIX = "/du-lieu-mo/"
FORMATS = {"csv": ("CSV", "text/csv"), "json": ("JSON", "application/json"),
           "xlsx": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}
# level slug -> (unit types, Vietnamese name, English name)
LEVELS: dict[str, tuple[frozenset[str], str, str]] = {
    "thanh-pho": (frozenset({UnitType.CITY, UnitType.PROVINCE}), "Toàn thành phố", "City total"),
    "quan-huyen": (frozenset({UnitType.URBAN_DISTRICT, UnitType.RURAL_DISTRICT, UnitType.TOWN,
                              UnitType.PROVINCIAL_CITY}), "Từng quận, huyện", "Each district"),
    "phuong-xa": (frozenset({UnitType.WARD, UnitType.COMMUNE, UnitType.TOWNLET, UnitType.SPECIAL_ZONE}),
                  "Từng phường, xã", "Each ward and commune"),
    "to-dan-pho": (frozenset({UnitType.RESIDENTIAL_GROUP, UnitType.HAMLET}),
                   "Từng tổ dân phố, thôn", "Each residential group and hamlet"),
}
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
ACCRUAL = {PeriodKind.MONTH: FREQUENCY + "MONTHLY", PeriodKind.QUARTER: FREQUENCY + "QUARTERLY",
           PeriodKind.YEAR: FREQUENCY + "ANNUAL", PeriodKind.DAY: FREQUENCY + "IRREGULAR"}  # a day: a snapshot
FREQUENCY_NAMES = {"MONTHLY": ("hằng tháng", "monthly"), "QUARTERLY": ("hằng quý", "quarterly"),
                   "ANNUAL": ("hằng năm", "annual"), "IRREGULAR": ("không định kỳ", "irregular")}
CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/"


@dataclass(frozen=True)
class Publisher:
    """Who publishes the catalogue (also its contact point)."""

    name_vi: str
    name_en: str
    url: str
    email: str


@dataclass(frozen=True)
class Licence:
    uri: str  # e.g. https://creativecommons.org/licenses/by/4.0/
    title: str  # "CC BY 4.0", or the text when the URI is not a known licence
    text: str  # the Vietnamese text, citing its legal basis


@dataclass(frozen=True)
class Theme:
    """A pillar: CQS (chính quyền số), KTS (kinh tế số), XHS (xã hội số)."""

    code: str
    name_vi: str
    name_en: str


@dataclass(frozen=True)
class Spatial:
    """The area the catalogue covers: the city."""

    name: str
    code: str


@dataclass(frozen=True)
class Distribution:
    id: str  # "xhs-06-2024/phuong-xa.csv"
    dataset_id: str  # "xhs-06-2024"
    title_vi: str
    title_en: str
    format: str  # "CSV" | "JSON" | "XLSX"
    media_type: str
    level: str  # "thanh-pho" | "quan-huyen" | "phuong-xa" | "to-dan-pho"
    download_url: str  # a path: /du-lieu-mo/xhs-06-2024/phuong-xa.csv
    byte_size: int | None
    modified: datetime

    @property
    def extension(self) -> str:
        return self.format.lower()


@dataclass(frozen=True)
class Dataset:
    id: str  # the slug, "xhs-06-2024"
    series_id: str  # "xhs-06"
    indicator_code: str  # "XHS-06"
    year: int
    title_vi: str
    title_en: str
    description_vi: str
    description_en: str
    themes: tuple[Theme, ...]
    keywords: tuple[str, ...]
    temporal_start: date
    temporal_end: date
    spatial: Spatial
    accrual_periodicity: str  # an EU frequency URI (…/frequency/MONTHLY, …/ANNUAL)
    issued: date
    modified: datetime
    licence: Licence
    contact_point: Publisher
    method_vi: str  # formula and sources
    method_en: str
    distributions: tuple[Distribution, ...]
    periods: tuple[str, ...]  # the periods with published figures, oldest first ("2024-10", …)
    illustrative: bool  # some of its figures are illustrative ("minh họa")
    landing_page: str  # a path: /du-lieu-mo/xhs-06-2024/
    indicator_page: str  # a path: /chi-tieu/XHS-06/
    unit_of_measure: str

    def distribution(self, level: str, fmt: str) -> Distribution | None:
        return next((d for d in self.distributions if d.level == level and d.extension == fmt), None)

    @property
    def levels(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(d.level for d in self.distributions))

    @property
    def frequency_vi(self) -> str:
        return FREQUENCY_NAMES.get(self.accrual_periodicity.rsplit("/", 1)[-1], ("", ""))[0]

    @property
    def frequency_en(self) -> str:
        return FREQUENCY_NAMES.get(self.accrual_periodicity.rsplit("/", 1)[-1], ("", ""))[1]


@dataclass(frozen=True)
class Series:
    """Every year of one indicator."""

    id: str  # "xhs-06"
    indicator_code: str
    title_vi: str
    title_en: str
    description_vi: str
    description_en: str
    themes: tuple[Theme, ...]
    datasets: tuple[str, ...]  # dataset ids, oldest year first
    modified: datetime


SETTINGS_READ = ("CHISO_PUBLISHER_NAME", "CHISO_PUBLISHER_URL", "CHISO_PUBLISHER_EMAIL", "CHISO_OPEN_DATA_LICENCE")


def publisher() -> Publisher:
    """The publisher from the settings (``CHISO_PUBLISHER_NAME`` is "tên tiếng Việt | English name")."""
    vi, _, en = conf.env_str("CHISO_PUBLISHER_NAME").partition("|")
    return Publisher(vi.strip(), en.strip() or vi.strip(), conf.env_str("CHISO_PUBLISHER_URL"),
                     conf.env_str("CHISO_PUBLISHER_EMAIL"))


def licence() -> Licence:
    """The licence from ``CHISO_OPEN_DATA_LICENCE``: its URI, a space, then its text."""
    value = conf.env_str("CHISO_OPEN_DATA_LICENCE").strip()
    uri, _, text = value.partition(" ")
    if not uri.startswith(("http://", "https://")):
        uri, text = "", value
    title = "CC BY 4.0" if uri.rstrip("/") == CC_BY_4.rstrip("/") else (text or uri)
    return Licence(uri, title, text.strip())


def slug_of(code: str, year: int | None = None) -> str:
    """'XHS-06' → 'xhs-06'; with a year, 'xhs-06-2024'."""
    base = code.lower()
    return f"{base}-{year}" if year is not None else base


def datasets() -> list[Dataset]:
    """Every dataset, in pillar and indicator order, then by year; computed once per data stamp
    (``portal.queries.memoised``: a report approved or reopened, a system write) and per publisher and licence
    setting, so a harvester or a crowd reading the catalogue does not rebuild it each time."""
    from chiso.portal.queries import memoised

    key = "|".join(["opendata-datasets", *(conf.env_str(name) for name in SETTINGS_READ)])
    return list(memoised(key, _build))  # a copy: callers may sort or filter it


def dataset(slug: str) -> Dataset | None:
    """The dataset of ``slug`` ("xhs-06-2024"), or None when it does not exist or has no published figure (read
    from the memoised catalogue)."""
    code, _, year = slug.rpartition("-")
    if not code or not year.isdigit() or len(year) != 4 or slug != slug.lower():
        return None
    return next((d for d in datasets() if d.id == slug), None)


def search(found: list[Dataset], text: str = "", pillar: str = "", year: int | None = None) -> list[Dataset]:
    """The datasets of ``found`` whose code, titles, description or keywords hold every word of ``text``
    (with or without Vietnamese marks), of theme ``pillar`` and of ``year`` (each optional)."""
    words = fold(text).split()
    out = []
    for d in found:
        if pillar and pillar.upper() not in {t.code for t in d.themes}:
            continue
        if year is not None and d.year != year:
            continue
        haystack = fold(" ".join([d.id, d.indicator_code, d.title_vi, d.title_en, d.description_vi,
                                  d.description_en, *d.keywords]))
        if all(w in haystack for w in words):
            out.append(d)
    return out


def series() -> list[Series]:
    """One series per indicator that has at least one dataset."""
    found: dict[str, list[Dataset]] = defaultdict(list)
    for d in datasets():
        found[d.series_id].append(d)
    return [Series(id=sid, indicator_code=ds[0].indicator_code,
                   title_vi=ds[0].title_vi.rsplit(" – năm ", 1)[0], title_en=ds[0].title_en.rsplit(" – ", 1)[0],
                   description_vi=_series_text(ds[0], "vi"), description_en=_series_text(ds[0], "en"),
                   themes=ds[0].themes, datasets=tuple(d.id for d in ds), modified=max(d.modified for d in ds))
            for sid, ds in found.items()]


def _series_text(d: Dataset, language: str) -> str:
    if language == "vi":
        return f"Số liệu đã công bố của chỉ tiêu {d.indicator_code}, mỗi năm một tập dữ liệu."
    return f"Published figures of indicator {d.indicator_code}, one dataset per year."


def _level_of(unit_type: str) -> str | None:
    return next((slug for slug, (types, _, _) in LEVELS.items() if unit_type in types), None)


def _build() -> list[Dataset]:
    from chiso.collection.queries import published
    from chiso.values.models import DataValue

    indicators = list(Indicator.objects.select_related("pillar", "numerator", "denominator", "reported"))
    if not indicators:
        return []
    element_ids = {e.id for i in indicators for e in (i.numerator, i.denominator, i.reported) if e is not None}
    cities = city_units()
    if not cities:
        return []
    under = Q()
    for unit in cities:
        under |= Q(unit__path__startswith=unit.path)
    figures = published(DataValue.objects.filter(under, data_element_id__in=element_ids, is_deleted=False,
                                                 value__isnull=False))
    # (element, year) -> level -> facts
    found: dict[tuple[int, int], dict[str, _Facts]] = defaultdict(lambda: defaultdict(_Facts))
    for element_id, unit_type, period, newest, oldest, illustrative in (
            figures.values("data_element_id", "unit__type", "period")
            .annotate(newest=Max("updated_at"), oldest=Min("updated_at"),
                      illustrative=Count("id", filter=Q(is_illustrative=True)))
            .values_list("data_element_id", "unit__type", "period", "newest", "oldest", "illustrative")):
        p = Period.parse(period)
        level = _level_of(unit_type) or "khac"  # districts and agencies count in the totals above them
        found[(element_id, p.year)][level].add(p, newest, oldest, bool(illustrative))
    city = Spatial(cities[-1].name, cities[-1].code)
    terms = licence()
    contact = publisher()
    built = []
    for indicator in indicators:
        years = sorted({y for (e, y) in found if e == indicator.reported_id}
                       | ({y for (e, y) in found if e == indicator.numerator_id}
                          & {y for (e, y) in found if e == indicator.denominator_id}))
        for y in years:
            wanted = [e for e in (indicator.reported_id, indicator.numerator_id, indicator.denominator_id)
                      if e is not None]
            facts: dict[str, _Facts] = defaultdict(_Facts)
            for element_id in wanted:
                for level, f in found.get((element_id, y), {}).items():
                    facts[level].merge(f)
            built.append(_dataset(indicator, y, facts, city, terms, contact))
    return built


class _Facts:
    """What the grouped query says of one dataset at one level."""

    def __init__(self) -> None:
        self.periods: set[Period] = set()
        self.newest: datetime | None = None
        self.oldest: datetime | None = None
        self.illustrative = False

    def add(self, period: Period, newest: datetime, oldest: datetime, illustrative: bool) -> None:
        self.periods.add(period)
        self.newest = newest if self.newest is None or newest > self.newest else self.newest
        self.oldest = oldest if self.oldest is None or oldest < self.oldest else self.oldest
        self.illustrative = self.illustrative or illustrative

    def merge(self, other: _Facts) -> None:
        if other.newest is not None and other.oldest is not None:
            for p in other.periods:
                self.add(p, other.newest, other.oldest, other.illustrative)


def city_units() -> list[Unit]:
    """The city (``portal.queries.CITY_CODE``) in every map version, oldest first: the catalogue's area."""
    from chiso.portal.queries import CITY_CODE

    return sorted(Unit.objects.select_related("version").filter(code=CITY_CODE, type__in=LEVELS["thanh-pho"][0]),
                  key=lambda u: (u.version.valid_from is not None, u.version.valid_from))


def _dataset(indicator: Indicator, year: int, facts: dict[str, _Facts], city: Spatial, terms: Licence,
             contact: Publisher) -> Dataset:
    every = _Facts()
    for f in facts.values():
        every.merge(f)
    assert every.newest is not None and every.oldest is not None
    periods = sorted(every.periods, key=lambda p: (p.start, p.end))
    kind = max((p.kind for p in periods), key=lambda k: k.rank)  # the finest period reported
    slug = slug_of(indicator.code, year)
    levels = [level for level in LEVELS if level in ("thanh-pho", "phuong-xa") or level in facts]
    distributions = tuple(
        Distribution(
            id=f"{slug}/{level}.{ext}", dataset_id=slug,
            title_vi=f"{LEVELS[level][1]} ({fmt})", title_en=f"{LEVELS[level][2]} ({fmt})",
            format=fmt, media_type=media, level=level, download_url=f"{PREFIX}{slug}/{level}.{ext}",
            byte_size=None, modified=every.newest,
        )
        for level in levels for ext, (fmt, media) in FORMATS.items())
    pillar = indicator.pillar
    name_vi, name_en = indicator.name_vi, indicator.name_en
    kind_vi = {PeriodKind.MONTH: "theo tháng", PeriodKind.QUARTER: "theo quý"}.get(kind, "theo năm")
    kind_en = {PeriodKind.MONTH: "monthly", PeriodKind.QUARTER: "quarterly"}.get(kind, "annual")
    return Dataset(
        id=slug, series_id=slug_of(indicator.code), indicator_code=indicator.code, year=year,
        title_vi=f"{indicator.code} {name_vi} – năm {year}", title_en=f"{indicator.code} {name_en} – {year}",
        description_vi=(f"{name_vi} ({indicator.unit_of_measure}) của {city.name} năm {year}, số liệu {kind_vi} "
                        "đã công bố: " + ", ".join(LEVELS[level][1].lower() for level in levels) + "."),
        description_en=(f"{name_en} ({indicator.unit_of_measure}), {city.name}, {year}: published {kind_en} "
                        "figures, " + ", ".join(LEVELS[level][2].lower() for level in levels) + "."),
        themes=(Theme(pillar.code, pillar.name_vi, pillar.name_en),),
        keywords=tuple(dict.fromkeys([indicator.code, pillar.name_vi, "chuyển đổi số", city.name])),
        temporal_start=periods[0].start, temporal_end=max(p.end for p in periods),
        spatial=city, accrual_periodicity=ACCRUAL[kind],
        issued=every.oldest.date(), modified=every.newest,
        licence=terms, contact_point=contact,
        method_vi=method_text(indicator, "vi"), method_en=method_text(indicator, "en"),
        distributions=distributions, periods=tuple(str(p) for p in periods),
        illustrative=every.illustrative, landing_page=f"{PREFIX}{slug}/",
        indicator_page=f"/chi-tieu/{indicator.code}/", unit_of_measure=indicator.unit_of_measure,
    )


def method_text(indicator: Indicator, language: str) -> str:
    """How the indicator is computed and where its figures come from, in one paragraph."""
    vi = language == "vi"
    if indicator.is_ratio:
        assert indicator.numerator is not None and indicator.denominator is not None
        factor = f"{indicator.factor.normalize():f}"
        num = indicator.numerator.name_vi if vi else indicator.numerator.name_en
        den = indicator.denominator.name_vi if vi else indicator.denominator.name_en
        formula = (f"Công thức: ({num}) ÷ ({den}) × {factor}; cộng tử số và mẫu số của các đơn vị báo cáo cả hai."
                   if vi else f"Formula: ({num}) ÷ ({den}) × {factor}; numerators and denominators are summed over "
                   "the units that reported both.")
    else:
        element = indicator.reported.name_vi if vi else indicator.reported.name_en
        formula = (f"Số liệu báo cáo: {element}." if vi else f"Reported figure: {element}.")
    basis = indicator.legal_basis
    sources = ("Nguồn: số liệu các đơn vị báo cáo qua chiso, chỉ lấy báo cáo đã được duyệt"
               + (f"; căn cứ: {basis}." if basis else ".")) if vi else (
        "Source: figures reported by the units through chiso, from approved reports only"
        + (f"; basis: {basis}." if basis else "."))
    return f"{formula} {sources}"
