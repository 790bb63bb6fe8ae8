"""Reads about reports: which figures are closed for editing, which are published."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import Exists, OuterRef, Q, QuerySet

from chiso.collection.models import EDITABLE, PUBLISHED, FormElement, Submission
from chiso.values.models import DataValue


def closed_cells(keys: Iterable[tuple[int, int, str]]) -> set[tuple[int, int, str]]:
    """Of the (element id, unit id, period) cells given, those in a report that is submitted, approved or
    locked: their figures change only after the report is returned or reopened."""
    keys = list(keys)
    if not keys:
        return set()
    units = {k[1] for k in keys}
    periods = {k[2] for k in keys}
    closed = Submission.objects.filter(unit_id__in=units, period__in=periods).exclude(status__in=EDITABLE)
    if not closed.exists():
        return set()
    form_elements: dict[int, set[int]] = {}
    for form_id, element_id in FormElement.objects.filter(
            form_id__in=closed.values("form_id")).values_list("form_id", "data_element_id"):
        form_elements.setdefault(form_id, set()).add(element_id)
    cells = set()
    for form_id, unit_id, period in closed.values_list("form_id", "unit_id", "period"):
        for element_id in form_elements.get(form_id, ()):
            cells.add((element_id, unit_id, period))
    return cells & set(keys)


def published(values: QuerySet[DataValue]) -> QuerySet[DataValue]:
    """Only figures in an approved or locked report: what public pages and published exports show."""
    approved = Submission.objects.filter(
        unit_id=OuterRef("unit_id"), period=OuterRef("period"), status__in=PUBLISHED,
        form__form_elements__data_element_id=OuterRef("data_element_id"),
    )
    return values.filter(Exists(approved))


def readable(values: QuerySet[DataValue], drafts_under: Sequence[str] | None) -> QuerySet[DataValue]:
    """The figures a reader may see: the published ones, and the others only of units under one of
    ``drafts_under`` (path prefixes, ``accounts.access.unpublished_read_prefixes``); None: every figure.

    Judged figure by figure on the figure's own unit, so a total, a rate or a re-expression across map
    versions counts another unit's draft only for a reader who may read that unit's drafts.
    """
    if drafts_under is None:
        return values
    shown = published(values)
    if not drafts_under:
        return shown
    own = Q()
    for prefix in drafts_under:
        own |= Q(unit__path__startswith=prefix)
    return shown | values.filter(own)
