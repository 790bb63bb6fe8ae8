"""What an indicator's page shows: the headline (latest figure, status against its target), the metadata,
the series over time, every ward/commune of the scope ranked and mapped; the downloads (``indicator_files``).

Three engine calls per page, each batched (and the headline's two): the scope unit's monthly series, its
yearly values, and every ward/commune of the area at the latest month (the ranking, the map and the
cross-section download share it). The area is the scope itself, or, when the scope is a ward or commune,
its parent: a ward is ranked and mapped among its neighbours, not alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from chiso.analytics.peers import Ranked
from chiso.analytics.peers import rank_rows as rank
from chiso.analytics.queries import Row
from chiso.engine.periods import Period, periods_between
from chiso.indicators.models import Indicator, IndicatorKind
from chiso.portal import queries
from chiso.portal.dashboard import Card, Goal, indicator_card
from chiso.units import queries as unit_queries
from chiso.units.models import Unit
from chiso.units.types import LEVEL

FIRST_MONTH = Period.of_month(2022, 1)
COMMUNE_LEVEL = 3


@dataclass
class IndicatorPage:
    indicator: Indicator
    root: Unit
    month: Period
    series: list[Row]  # root, monthly
    years: list[Row]  # root, yearly
    ranking: list[Ranked]  # wards/communes under root at ``month``
    goal: Goal | None
    real: list[queries.RealFigure]
    breaks: list[unit_queries.MapChange] = field(default_factory=list)  # changes of the map inside ``series``
    area: Unit | None = None  # whose wards/communes are ranked and mapped: the root, or a ward's parent
    card: Card | None = None  # the headline: latest figure and status against the target

    @property
    def scope_area(self) -> Unit:
        return self.area or self.root

    @property
    def is_city(self) -> bool:
        return self.root.code == queries.CITY_CODE

    @property
    def root_ranked(self) -> Ranked | None:
        """The scope's own place in the ranking when the scope is one of the ranked wards/communes."""
        return next((r for r in self.ranking if r.row.unit.pk == self.root.pk), None)

    @property
    def has_illustrative(self) -> bool:
        return any(r.illustrative for r in self.series if r.value is not None) or any(
            r.row.illustrative for r in self.ranking if r.row.value is not None)

    @property
    def without_coordinates(self) -> list[Unit]:
        return [r.row.unit for r in self.ranking if r.row.unit.latitude is None and r.row.value is not None]

    def chart(self) -> dict[str, object]:
        """The data the page's ECharts scripts draw: series and points, plain numbers."""
        return {
            "series": [[str(r.period), _float(r.value), r.illustrative, r.estimated] for r in self.series],
            "goal": _float(self.goal.value) if self.goal else None,
            "points": [[r.row.unit.name, r.row.unit.longitude, r.row.unit.latitude, _float(r.row.value),
                        r.row.illustrative, r.row.estimated, r.row.unit.pk == self.root.pk] for r in self.ranking
                       if r.row.unit.latitude is not None and r.row.value is not None],
            "percent": self.indicator.unit_of_measure == "%",
            "decimals": self.indicator.decimals,
            "count": self.indicator.kind == IndicatorKind.COUNT,  # whole-number axis ticks
            "breaks": [[f"{b.day:%Y-%m}", f"{b.day:%d/%m/%Y}"] for b in self.breaks],
        }


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def area_of(root: Unit) -> Unit:
    """Whose wards/communes a page ranks and maps: ``root``, or its parent when ``root`` is one of them."""
    if LEVEL.get(root.type) == COMMUNE_LEVEL and root.parent is not None:
        return root.parent
    return root


def build(indicator: Indicator, root: Unit, month: Period, lang: str = "vi") -> IndicatorPage:
    months = periods_between(FIRST_MONTH, month) if FIRST_MONTH <= month else [month]
    series = queries.figures([indicator.code], [root], months)
    years = queries.figures([indicator.code], [root], [Period.of_year(y) for y in range(FIRST_MONTH.year,
                                                                                         month.year + 1)])
    area = area_of(root)
    rows = queries.figures([indicator.code], queries.communes(area), [month])
    card = indicator_card(root, indicator, month, lang)
    return IndicatorPage(indicator, root, month, series, years, rank(rows, indicator.direction),
                         card.goal, queries.real_figures(indicator, [root], subtree=True),
                         unit_queries.map_changes(root, months[0].start, month.end), area, card)


@dataclass(frozen=True)
class ReportingForm:
    code: str
    reporters: str  # "Phường, Xã" (English: "Ward, Commune")


def reporting_forms(indicator: Indicator, lang: str = "vi") -> list[ReportingForm]:
    """The report forms that collect the indicator's data elements, and the kinds of unit that fill them."""
    from chiso.collection.models import Form
    from chiso.units.types import UnitType

    en = {"phuong": "Ward", "xa": "Commune", "quan": "District", "huyen": "District", "dac_khu": "Special zone",
          "thanh_pho_tw": "City", "to_dan_pho": "Residential group", "thon": "Village"}
    labels = dict(UnitType.choices)
    elements = [i for i in (indicator.reported_id, indicator.numerator_id, indicator.denominator_id) if i]
    forms = Form.objects.filter(form_elements__data_element_id__in=elements).distinct().order_by("code")
    found = []
    for form in forms:
        kinds = [en.get(t, t) if lang == "en" else str(labels.get(t, t)) for t in form.unit_types or []]
        found.append(ReportingForm(form.code, ", ".join(kinds) or "–"))
    return found


def publisher_name(lang: str = "vi") -> str:
    """The publisher from ``CHISO_PUBLISHER_NAME`` ("tên tiếng Việt | English name")."""
    from chiso import conf

    vi, _, en = conf.env_str("CHISO_PUBLISHER_NAME").partition("|")
    return (en.strip() or vi.strip()) if lang == "en" else vi.strip()
