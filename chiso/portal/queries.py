"""Reads the portal pages need beyond units.queries and values.queries, in one place.

Every figure a public page shows goes through this module: aggregated figures through
``figures()`` (the analytics engine, memoised until the next change of any figure), and the real
figures with their sources through ``real_figures()``. A filter on published (approved) figures
is added in these two functions, and in ``chiso.analytics``/``chiso.values``, and nowhere else.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

from django.db.models import Max, Q

from chiso.analytics.queries import Row, evaluate
from chiso.collection.models import SubmissionEvent
from chiso.collection.queries import (
    Coverage,
    coverage_under,
    has_monthly_reports,
    last_complete_month,
    pending_months,
    published,
)
from chiso.engine.periods import Period
from chiso.engine.text import fold
from chiso.indicators.models import Indicator
from chiso.plans.models import Target
from chiso.units import queries as units_queries
from chiso.units.models import HierarchyVersion, Unit
from chiso.units.types import LEVEL
from chiso.values.models import DataValue, DataValueHistory

COMMUNE_LEVEL = 3
CITY_CODE = "48"  # Thành phố Đà Nẵng, the city the portal opens on
MEMO_SIZE = 256
MEMO_SECONDS = 600  # a safety net: a change the stamp does not see (a succession share, a form's
# completeness threshold) shows within 10 min

_memo: OrderedDict[str, tuple[float, object]] = OrderedDict()
_lock = threading.Lock()
_computing: dict[str, threading.Lock] = {}  # key -> held while one thread computes it


def data_stamp() -> str:
    """Changes whenever a *published* figure may have changed: a report approved, locked, returned or
    reopened (the newest report event), a write of the system (the only writer let into a submitted or
    approved report: reference loads, the demo; the newest history row without a user), a target.

    A ward officer's draft, or an import into open reports, leaves it alone: those figures are not
    published, and the memoised public figures stay valid (20 readers during a 200.000-figure import
    recomputed every page after each write). Four indexed reads.
    """
    last = DataValueHistory.objects.filter(changed_by__isnull=True).order_by("-id").values_list(
        "id", "changed_at").first()
    review = SubmissionEvent.objects.order_by("-id").values_list("id", flat=True).first()
    target = Target.objects.order_by("-id").values_list("id", "value", "target_date").first()
    count = Target.objects.count()
    return f"{last}|{review}|{target}|{count}"


def _memoised(key: str, compute):  # type: ignore[no-untyped-def]
    """``compute()`` once per data stamp and key. Threads asking for the same missing key wait for the
    one computing it instead of all computing it at once (20 readers of the overview after a change)."""
    full = hashlib.sha1(f"{data_stamp()}|{key}".encode()).hexdigest()
    found = _fresh(full)
    if found is not None:
        return found[1]
    with _lock:
        gate = _computing.setdefault(full, threading.Lock())
    with gate:
        found = _fresh(full)  # computed by another thread while this one waited
        if found is not None:
            return found[1]
        try:
            value = compute()
        finally:
            with _lock:
                _computing.pop(full, None)
        with _lock:
            _memo[full] = (time.monotonic(), value)
            while len(_memo) > MEMO_SIZE:
                _memo.popitem(last=False)
    return value


def memoised(key: str, compute):  # type: ignore[no-untyped-def]
    """``compute()`` once per data stamp and ``key``, for other reads of published figures only (the open-data
    catalogue and its DCAT graph): they are fresh again the moment a published figure may have changed."""
    return _memoised(key, compute)


def _fresh(full: str) -> tuple[float, object] | None:
    with _lock:
        found = _memo.get(full)
        if found is None or time.monotonic() - found[0] >= MEMO_SECONDS:
            return None
        _memo.move_to_end(full)
        return found


def clear_memo() -> None:
    with _lock:
        _memo.clear()


def figures(codes: list[str], units: list[Unit], periods: list[Period]) -> list[Row]:
    """``analytics.evaluate`` for many codes, units and periods in one call, memoised per data stamp."""
    if not codes or not units or not periods:
        return []
    key = "figures|" + ",".join(codes) + "|" + ",".join(str(u.id) for u in units) + "|" + ",".join(
        str(p) for p in periods)
    return _memoised(key, lambda: evaluate(codes, units, periods, published_only=True))  # type: ignore[no-any-return]


def latest_month(root: Unit | None = None) -> Period | None:
    """The portal's "now" for ``root`` (default: the city in today's version): the last *complete*
    month, whose monthly reports under it are approved at each form's completeness threshold
    (``collection.queries.last_complete_month``). Approving one ward does not move it. Without any
    monthly report form under ``root``: the end of the latest published figure."""
    if root is None:
        version = units_queries.current_version()
        root = city(version) if version is not None else None
        if root is None:
            return None
    # not memoised: three indexed reads, fewer than the four of the data stamp
    found = coverage_under(root)
    if has_monthly_reports(found):
        return last_complete_month(root, found)
    end = published(DataValue.objects.filter(is_deleted=False, unit__version_id=root.version_id,
                                             unit__path__startswith=root.path)).aggregate(
        last=Max("period_end"))["last"]
    return Period.of_month(end.year, end.month) if end else None


def pending(root: Unit, month: Period) -> list[Coverage]:
    """Months after ``month`` whose reports under ``root`` are only partly approved (what is still
    missing, said on the page: "Tháng 12/2025: 1/93 đơn vị đã báo cáo")."""
    return pending_months(root, month)  # three indexed reads, as latest_month


def month_end(month: Period) -> date:
    return month.end


@dataclass(frozen=True)
class RealFigure:
    unit: Unit
    element_code: str
    element_name: str
    period: str
    value: object
    value_type: str
    qualifier: str
    source: str


def real_figures(indicator: Indicator, units: list[Unit], *, subtree: bool = False,
                 year: int | None = None) -> list[RealFigure]:
    """Real (not illustrative) figures of the indicator's data elements on ``units`` (or their subtrees)."""
    element_ids = [i for i in (indicator.reported_id, indicator.numerator_id, indicator.denominator_id) if i]
    if not units:
        return []
    where = Q()
    for u in units:
        where |= Q(unit__path__startswith=u.path) if subtree else Q(unit=u)
    rows = (published(DataValue.objects.filter(where, data_element_id__in=element_ids, is_deleted=False,
                                               is_illustrative=False))
            .select_related("unit__version", "data_element").order_by("unit__path", "data_element__code",
                                                                       "period_end"))
    if year is not None:
        rows = rows.filter(period_end__year=year)
    return [RealFigure(v.unit, v.data_element.code, v.data_element.name_vi, v.period, v.value,
                       v.data_element.value_type, v.qualifier, v.source) for v in rows]


def real_figures_of_unit(unit: Unit, year: int) -> list[DataValue]:
    """Every real figure of a unit whose period ends in ``year``, with its source (for the annual report)."""
    return list(published(DataValue.objects.filter(unit=unit, is_deleted=False, is_illustrative=False,
                                                   period_end__year=year))
                .select_related("data_element").order_by("data_element__code", "period_end"))


def communes(root: Unit) -> list[Unit]:
    """The wards and communes (level 3) under ``root`` in its version, by code."""
    types = [t for t, level in LEVEL.items() if level == COMMUNE_LEVEL]
    found = Unit.objects.filter(version_id=root.version_id, path__startswith=root.path, type__in=types)
    return sorted(found.select_related("version", "parent"), key=lambda u: (len(u.code), u.code))


def city(version: HierarchyVersion) -> Unit | None:
    return Unit.objects.select_related("version", "parent").filter(version=version, code=CITY_CODE).first()


def search_indicators(q: str, limit: int = 20) -> list[Indicator]:
    """Indicators whose code or name (Vietnamese or English) contains ``q``, without diacritics."""
    key = fold(q)
    if not key:
        return []
    found = []
    for indicator in Indicator.objects.select_related("pillar"):
        text = fold(f"{indicator.code} {indicator.name_vi} {indicator.name_en}")
        if all(word in text for word in key.split()):
            found.append(indicator)
    return found[:limit]
