"""The reads behind the API: small functions over the models, no HTTP in here.

A lookup that finds nothing raises :class:`NotFound` with a Vietnamese sentence, which
``chiso.api.router`` turns into a 404 ``{"detail": ...}``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import F, OrderBy, QuerySet

from chiso.collection.queries import published
from chiso.engine.periods import Period, PeriodError
from chiso.engine.text import fold
from chiso.indicators.models import DataElement, Indicator
from chiso.units.models import HierarchyVersion, Succession, Unit
from chiso.units.types import UnitType
from chiso.values.models import DataValue


def _oldest_first(prefix: str = "") -> OrderBy:
    """Versions by start date, the one without a start date (the oldest) first, on every database:
    PostgreSQL would sort NULL last and SQLite first."""
    return F(f"{prefix}valid_from").asc(nulls_first=True)


class NotFound(Exception):
    """Something named in a request does not exist; the message says what, in Vietnamese."""


class BadRequest(Exception):
    """A parameter that cannot be read (a period in the wrong shape); the message says why."""


def versions() -> QuerySet[HierarchyVersion]:
    return HierarchyVersion.objects.order_by(_oldest_first(), "name")


def version(name: str | None) -> HierarchyVersion:
    """The version called ``name``; without a name, the one in force (no end date)."""
    if name:
        found = HierarchyVersion.objects.filter(name=name).first()
        if found is None:
            known = ", ".join(versions().values_list("name", flat=True))
            raise NotFound(f"Không có phiên bản danh mục đơn vị '{name}' (có: {known}).")
        return found
    in_force = HierarchyVersion.objects.filter(valid_to__isnull=True)
    current = in_force.order_by(F("valid_from").desc(nulls_last=True)).first()
    if current is None:
        raise NotFound("Chưa có phiên bản danh mục đơn vị nào đang có hiệu lực.")
    return current


def units(
    in_version: HierarchyVersion,
    parent: str | None = None,
    q: str | None = None,
    types: Sequence[str] = (),
) -> QuerySet[Unit]:
    """Units of a version in tree order, optionally only the children of ``parent`` (a code), those
    of the given ``types`` and those whose folded name contains the folded ``q`` ("thac gian" finds
    Phường Thạc Gián)."""
    found = Unit.objects.filter(version=in_version).select_related("version", "parent")
    if parent:
        found = found.filter(parent__code=parent)
    if types:
        unknown = [t for t in types if t not in UnitType.values]
        if unknown:
            raise BadRequest(f"Loại đơn vị không hợp lệ: {', '.join(unknown)} "
                             f"(có: {', '.join(UnitType.values)}).")
        found = found.filter(type__in=types)
    if q and fold(q):
        found = found.filter(search_key__contains=fold(q))
    return found.order_by("path", "id")


def unit(version_name: str, code: str) -> Unit:
    in_version = Unit.objects.select_related("version", "parent").filter(version__name=version_name)
    found = in_version.filter(code=code).first()
    if found is None:
        version(version_name)  # an unknown version gets its own message
        raise NotFound(f"Không tìm thấy đơn vị mã '{code}' trong phiên bản {version_name}.")
    return found


def successions_from(of: Unit) -> QuerySet[Succession]:
    """What ``of`` became in the next version."""
    return (Succession.objects.filter(from_unit=of).select_related("to_unit__version")
            .order_by(_oldest_first("to_unit__version__"), "to_unit__path"))


def successions_to(of: Unit) -> QuerySet[Succession]:
    """What ``of`` came from in the previous version."""
    return (Succession.objects.filter(to_unit=of).select_related("from_unit__version")
            .order_by(_oldest_first("from_unit__version__"), "from_unit__path"))


def indicators(pillar: str | None = None) -> QuerySet[Indicator]:
    found = Indicator.objects.select_related("pillar", "numerator", "denominator", "reported")
    if pillar:
        found = found.filter(pillar__code=pillar)
    return found.order_by("pillar__order", "code")


def data_elements() -> QuerySet[DataElement]:
    return DataElement.objects.order_by("code")


def split_codes(text: str | None) -> list[str]:
    """"XHS-06, XHS-05" → ["XHS-06", "XHS-05"]; empty or None → []."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def canonical_period(text: str) -> str:
    try:
        return str(Period.parse(text))
    except PeriodError as error:
        raise BadRequest(str(error)) from error


def values(
    in_version: HierarchyVersion,
    unit_code: str | None = None,
    data: Sequence[str] = (),
    period: str | None = None,
    published_only: bool = True,
) -> QuerySet[DataValue]:
    """Figures not marked deleted, of units of ``in_version``; by default only those of approved
    reports (what the public may see)."""
    found = DataValue.objects.filter(is_deleted=False, unit__version=in_version).select_related(
        "data_element", "unit__version"
    )
    if unit_code:
        found = found.filter(unit=unit(in_version.name, unit_code))
    if data:
        known = set(DataElement.objects.filter(code__in=data).values_list("code", flat=True))
        unknown = [code for code in data if code not in known]
        if unknown:
            raise NotFound(f"Không có yếu tố dữ liệu mã {', '.join(unknown)}.")
        found = found.filter(data_element__code__in=data)
    if period:
        found = found.filter(period=canonical_period(period))
    if published_only:
        found = published(found)
    return found.order_by("data_element__code", "unit__path", "period_start", "period_end", "id")
