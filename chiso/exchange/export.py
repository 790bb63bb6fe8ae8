"""Figures out as DHIS2 data values, through the read rules every reader has.

A figure leaves only if the reader may see it (``collection.queries.readable``): the published ones (figures of
approved or locked reports), and the unpublished ones only of units under the reader's
``accounts.access.unpublished_read_prefixes``; ``published_only`` sends the published ones alone, whoever asks.
The units' own figures are sent (with ``subtree``, those of every unit under them too), never totals: a DHIS2
instance adds up itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from chiso.accounts.access import unpublished_read_prefixes
from chiso.collection.importer.resolve import NotFound
from chiso.collection.models import Form, FormElement
from chiso.collection.queries import readable
from chiso.engine.periods import Period, PeriodError
from chiso.exchange.formats import Notes, write_comment
from chiso.exchange.mappings import Mapping
from chiso.exchange.models import DEFAULT_COMBO
from chiso.exchange.periods import DhisPeriodError, from_dhis2, to_dhis2
from chiso.units.models import HierarchyVersion, Unit
from chiso.values.models import DataValue

User = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class Selection:
    """What to send: units (of one version), the span of periods (every figure whose period lies inside
    ``start``..``end``), optionally only some data elements."""

    units: Sequence[Unit]
    start: date
    end: date
    subtree: bool = False
    element_ids: Sequence[int] | None = None
    periods: Sequence[Period] | None = None  # only figures of exactly these periods (DHIS2's ``period=``)

    @classmethod
    def of_periods(cls, units: Sequence[Unit], periods: Sequence[Period], **kwargs: object) -> Selection:
        return cls(units, min(p.start for p in periods), max(p.end for p in periods), **kwargs)  # type: ignore[arg-type]


class SelectionError(ValueError):
    """A unit, version or period span that cannot be read; the message says which and what to write.
    ``unknown``: something named does not exist (a 404 to an HTTP caller), else it is malformed (400)."""

    def __init__(self, message: str, *, unknown: bool = False):
        self.unknown = unknown
        super().__init__(message)


def selection_for(org_units: Sequence[str], periods: Sequence[str], *, start: str = "", end: str = "",
                  data_sets: Sequence[str] = (), children: bool = False, version: str = "",
                  mapping: Mapping | None = None) -> Selection:
    """What a DHIS2 reader asks with ``orgUnit``, ``period`` (exact periods) or ``startDate``/``endDate``,
    ``dataSet`` (chiso's report forms) and ``children``: the org units (mapped identifiers or chiso codes) are read
    in ``version``, by default the hierarchy version in force at the end of the last period asked."""
    if not org_units:
        raise SelectionError("Cần ít nhất một orgUnit (mã đơn vị, hoặc mã DHIS2 đã ánh xạ): orgUnit=491.")
    wanted: list[Period] = []
    for text in periods:
        try:
            wanted.append(_period(text))
        except PeriodError:
            raise SelectionError(f"Kỳ '{text}' không đọc được. Viết 202410 (tháng), 2024Q4 (quý), 2024 (năm).") \
                from None
    if wanted:
        first, last = min(p.start for p in wanted), max(p.end for p in wanted)
    elif start and end:
        try:
            first, last = date.fromisoformat(start), date.fromisoformat(end)
        except ValueError:
            raise SelectionError(f"startDate '{start}' hoặc endDate '{end}' không phải ngày yyyy-MM-dd.") from None
    else:
        raise SelectionError("Cần period (202410, 2024Q4, 2024; lặp lại được) hoặc cả startDate và endDate "
                             "(yyyy-MM-dd).")
    mapping = mapping or Mapping()
    try:
        in_version = (HierarchyVersion.objects.get(name=version) if version
                      else mapping.resolver.version_for(Period.of_day(last)))
        units = [mapping.unit_in_version(code, in_version) for code in org_units]
    except HierarchyVersion.DoesNotExist:
        raise SelectionError(f"Không có phiên bản danh mục đơn vị '{version}'.", unknown=True) from None
    except NotFound as error:
        raise SelectionError(error.vi[:1].upper() + error.vi[1:], unknown=True) from None
    element_ids = elements_of_data_sets(data_sets) if data_sets else None
    return Selection(units, first, last, subtree=children, element_ids=element_ids, periods=wanted or None)


def parse_span(text: str) -> tuple[date, date]:
    """``2024-01..2024-12`` (or one period, ``2024``) as its first and last day; chiso's period forms, or DHIS2's.

    >>> parse_span("2024-10..2024-12"), parse_span("2024Q4") == parse_span("202410..202412")
    ((datetime.date(2024, 10, 1), datetime.date(2024, 12, 31)), True)
    """
    first, _, last = (text or "").strip().partition("..")
    try:
        start, end = _period(first), _period(last or first)
    except PeriodError as error:
        raise SelectionError(f"Kỳ '{text}' không đọc được: {error.reason_vi}. Viết một kỳ (2024, 2024Q4, 2024-10) "
                             "hoặc một khoảng 2024-01..2024-12.") from None
    if start.start > end.end:
        raise SelectionError(f"Khoảng kỳ '{text}' ngược: kỳ đầu sau kỳ cuối.")
    return start.start, end.end


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except PeriodError:
        try:
            return from_dhis2(text)
        except DhisPeriodError:
            raise PeriodError(text) from None


def units_named(codes: Sequence[str], version_name: str) -> list[Unit]:
    """The units of ``version_name`` with these codes, in the order given."""
    version = HierarchyVersion.objects.filter(name=version_name).first()
    if version is None:
        names = ", ".join(HierarchyVersion.objects.values_list("name", flat=True))
        raise SelectionError(f"Không có phiên bản danh mục đơn vị '{version_name}' (có: {names}).")
    found = {u.code: u for u in Unit.objects.filter(version=version, code__in=list(codes)).select_related("version")}
    missing = [code for code in codes if code not in found]
    if missing or not codes:
        raise SelectionError(f"Không có đơn vị mã {', '.join(missing)} trong danh mục {version.name}." if missing
                             else "Cần ít nhất một mã đơn vị (--units 491 hoặc orgUnit=491).")
    return [found[code] for code in codes]


def elements_of_data_sets(codes: Sequence[str]) -> list[int]:
    """The data elements of the report forms (chiso's DHIS2 data sets) with these codes."""
    forms = {f.code: f for f in Form.objects.filter(code__in=list(codes))}
    missing = [code for code in codes if code not in forms]
    if missing:
        known = ", ".join(Form.objects.order_by("code").values_list("code", flat=True))
        raise SelectionError(f"Không có biểu mẫu (dataSet) mã {', '.join(missing)} (có: {known}).", unknown=True)
    return list(FormElement.objects.filter(form__in=forms.values()).values_list("data_element_id", flat=True))


def figures(selection: Selection, *, reader: User | None, published_only: bool) -> QuerySet[DataValue]:
    """The figures ``reader`` may read (None: an anonymous reader), in unit, element and period order."""
    where = Q()
    for unit in selection.units:
        where |= Q(unit__path__startswith=unit.path, unit__version_id=unit.version_id) if selection.subtree \
            else Q(unit_id=unit.pk)
    found = DataValue.objects.filter(where, is_deleted=False, value__isnull=False,
                                     period_start__gte=selection.start, period_end__lte=selection.end)
    if selection.element_ids is not None:
        found = found.filter(data_element_id__in=list(selection.element_ids))
    if selection.periods is not None:
        found = found.filter(period__in=[str(p) for p in selection.periods])
    drafts_under = [] if published_only else unpublished_read_prefixes(reader or AnonymousUser())
    return readable(found, drafts_under).select_related("data_element", "unit", "updated_by").order_by(
        "unit__path", "data_element__code", "period_start", "period_end")


def data_values(selection: Selection, *, reader: User | None, published_only: bool,
                mapping: Mapping | None = None) -> list[dict[str, str]]:
    """The figures as DHIS2 data values (the dicts of a ``dataValues`` list)."""
    mapping = mapping or Mapping()
    result = []
    for figure in figures(selection, reader=reader, published_only=published_only):
        element, combo = mapping.element_ids(figure.data_element)
        result.append({
            "dataElement": element,
            "period": to_dhis2(Period.parse(figure.period)),
            "orgUnit": mapping.org_unit(figure.unit),
            "categoryOptionCombo": combo,
            "attributeOptionCombo": DEFAULT_COMBO,
            "value": plain(figure.value),
            "storedBy": figure.updated_by.get_username() if figure.updated_by is not None else "chiso",
            "lastUpdated": timezone.localtime(figure.updated_at).isoformat(timespec="milliseconds"),
            "comment": write_comment(Notes(figure.comment, figure.qualifier, figure.source, figure.is_illustrative)),
            "followup": "false",
        })
    return result


def plain(value: Decimal | None) -> str:
    """A number as DHIS2 writes one: ``1234.5``, no grouping, no trailing zeros.

    >>> plain(Decimal("1200.500000")), plain(Decimal("3.000000")), plain(Decimal("0E-6"))
    ('1200.5', '3', '0')
    """
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text
