"""What became public, read from the audit tables the lower layers already write: the change log.

The layers below (values, collection, ranking) know nothing of integration. ``collect`` reads, from where it
stopped last (``CollectMark`` per table, by id):

* ``collection.SubmissionEvent`` moving a report to ``approved`` → ``figures.published`` (the report's figures
  became public). A lock changes nothing public and makes no change; a report reopened before ``collect``
  read its approval is no longer public and makes none either.
* ``values.DataValueHistory`` of a figure that is published and was written after its report was approved (the
  system's exemption: the one writer let into an approved report) → ``figures.published`` for that unit and
  period.
* ``ranking.RoundEvent`` with action ``publish`` → ``ranking.published``.
* every ``figures.published`` → one ``dataset.updated`` per indicator reading the changed data elements and
  year, naming the open-data dataset (``opendata.catalogue.slug_of``, e.g. ``xhs-06-2024``).

Only what is public at collect time goes in: the figures of a change are read through
``collection.queries.published``. Links are paths (the feed and the pushes put the site's address in front).

Order and gaps: a change's id is the feed's order. One ``collect`` runs at a time (it locks the marks), and it
reads an audit row only once it is ``CHISO_INTEGRATION_SETTLE_SECONDS`` old, so a transaction that took an
earlier id but committed later is not skipped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from chiso import conf
from chiso.collection.models import PUBLISHED, FormElement, Status, SubmissionEvent
from chiso.collection.queries import published
from chiso.indicators.models import Indicator
from chiso.integration.models import Change, ChangeType, CollectMark
from chiso.opendata.catalogue import PREFIX, slug_of
from chiso.ranking.models import RoundEvent
from chiso.units.models import Unit
from chiso.values.models import DataValue, DataValueHistory

API = "/api/v1"
SOURCES = ("submission_event", "value_history", "round_event")
BATCH = 2000
HISTORY_BATCH = 20_000  # history rows are many and read only by id and date


@dataclass
class _Published:
    """Figures of one unit and period that became public in this pass."""

    unit: Unit
    period: str
    at: datetime
    source: str
    form: str = ""
    element_ids: set[int] = field(default_factory=set)


def collect(*, now: datetime | None = None, from_start: bool = False) -> list[Change]:
    """Store the changes that became public since the last pass; return them (in id order).

    The first pass starts at the newest audit rows (the feed begins when integration is switched on), unless
    ``from_start``."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=conf.env_int("CHISO_INTEGRATION_SETTLE_SECONDS"))
    with transaction.atomic():
        marks = _marks(from_start)
        found: list[_Published] = []
        rounds: list[RoundEvent] = []
        last = dict(marks)
        approvals = []
        for event in _settled(SubmissionEvent.objects.filter(id__gt=marks["submission_event"])
                              .select_related("submission__unit__version", "submission__form"), "at", cutoff):
            last["submission_event"] = event.id
            if event.to_status == Status.APPROVED:
                approvals.append(event)
        found.extend(_approved_reports(approvals))
        for row in _settled(DataValueHistory.objects.filter(id__gt=marks["value_history"]).only("id", "changed_at"),
                            "changed_at", cutoff, batch=HISTORY_BATCH):
            last["value_history"] = row.id
        found.extend(_changed_after_approval(marks["value_history"], last["value_history"]))
        for event in _settled(RoundEvent.objects.filter(id__gt=marks["round_event"])
                              .select_related("round__within__version", "round__method"), "at", cutoff):
            last["round_event"] = event.id
            if event.action == "publish":
                rounds.append(event)
        changes = _figures_changes(found, now)
        changes += [_ranking_change(event, now) for event in rounds]
        changes += _dataset_changes(found, now)
        changes.sort(key=lambda c: (c.at, c.source))
        created = Change.objects.bulk_create(changes)
        for source, last_id in last.items():
            CollectMark.objects.filter(source=source).update(last_id=last_id)
    return list(Change.objects.filter(id__in=[c.pk for c in created]).order_by("id")) if created else []


def _marks(from_start: bool) -> dict[str, int]:
    """The marks, locked for this pass; created at the newest rows (or 0) the first time."""
    newest = {"submission_event": SubmissionEvent.objects, "value_history": DataValueHistory.objects,
              "round_event": RoundEvent.objects}
    for source in SOURCES:
        if not CollectMark.objects.filter(source=source).exists():
            start = 0 if from_start else (newest[source].aggregate(m=Max("id"))["m"] or 0)
            CollectMark.objects.get_or_create(source=source, defaults={"last_id": start})
    return dict(CollectMark.objects.select_for_update().filter(source__in=SOURCES).values_list("source", "last_id"))


def _settled(rows: Any, stamp: str, cutoff: datetime, batch: int = BATCH) -> Iterable[Any]:
    """Rows in id order up to (not including) the first one newer than ``cutoff``, at most ``batch`` of them."""
    for row in rows.order_by("id")[:batch]:
        if getattr(row, stamp) > cutoff:
            return
        yield row


def _form_elements(form_ids: Iterable[int]) -> dict[int, set[int]]:
    """The data elements of each form (one query)."""
    elements: dict[int, set[int]] = defaultdict(set)
    for form_id, element_id in FormElement.objects.filter(form_id__in=set(form_ids)).values_list(
            "form_id", "data_element_id"):
        elements[form_id].add(element_id)
    return elements


def _approved_reports(events: list[SubmissionEvent]) -> list[_Published]:
    """The reports of approval ``events`` that are still public (a report reopened since is not)."""
    public = [e for e in events if e.submission.status in PUBLISHED]
    elements = _form_elements(e.submission.form_id for e in public)
    return [_Published(e.submission.unit, e.submission.period, e.at, f"submission_event:{e.id}",
                       e.submission.form.code, set(elements[e.submission.form_id])) for e in public]


def _changed_after_approval(after: int, through: int) -> list[_Published]:
    """History rows (``after`` < id ≤ ``through``) of figures that are public and were written after the
    report that made them public was approved, grouped by unit and period."""
    if through <= after:
        return []
    rows = list(DataValueHistory.objects.filter(id__gt=after, id__lte=through)
                .values_list("id", "data_value_id", "changed_at"))
    value_ids = {r[1] for r in rows}
    public = {v.id: v for v in published(DataValue.objects.filter(id__in=value_ids)).select_related("unit__version")}
    if not public:
        return []
    approved_at: dict[tuple[int, str, int], datetime] = {}
    clause = Q()
    for unit_id, period in {(v.unit_id, v.period) for v in public.values()}:
        clause |= Q(submission__unit_id=unit_id, submission__period=period)
    for unit_id, period, at, elements in _approvals(clause):
        for element_id in elements:
            key = (unit_id, period, element_id)
            approved_at[key] = max(at, approved_at.get(key, at))
    grouped: dict[tuple[int, str], _Published] = {}
    for row_id, value_id, changed_at in rows:
        value = public.get(value_id)
        if value is None:
            continue
        since = approved_at.get((value.unit_id, value.period, value.data_element_id))
        if since is None or changed_at <= since:
            continue  # written before the approval: the approval's change carries it
        item = grouped.setdefault((value.unit_id, value.period), _Published(
            value.unit, value.period, changed_at, f"value_history:{row_id}"))
        item.at = max(item.at, changed_at)
        item.element_ids.add(value.data_element_id)
    return list(grouped.values())


def _approvals(clause: Q) -> Iterable[tuple[int, str, datetime, set[int]]]:
    """The latest approval of each published report matching ``clause``, with its form's data elements."""
    latest = (SubmissionEvent.objects.filter(clause, to_status=Status.APPROVED, submission__status__in=PUBLISHED)
              .values("submission_id", "submission__unit_id", "submission__period", "submission__form_id")
              .annotate(at=Max("at")))
    rows = list(latest)
    elements = _form_elements(row["submission__form_id"] for row in rows)
    for row in rows:
        yield row["submission__unit_id"], row["submission__period"], row["at"], elements[row["submission__form_id"]]


def _unit(unit: Unit) -> dict[str, str]:
    return {"code": unit.code, "name": unit.name, "version": unit.version.name}


def _figures_changes(found: list[_Published], now: datetime) -> list[Change]:
    """One ``figures.published`` per item with a published figure; the figures of all items read in one query."""
    if not found:
        return []
    by_cell: dict[tuple[int, str], list[DataValue]] = defaultdict(list)
    for v in (published(DataValue.objects.filter(
            unit_id__in={i.unit.id for i in found}, period__in={i.period for i in found},
            data_element_id__in={e for i in found for e in i.element_ids}, is_deleted=False))
            .select_related("data_element").order_by("data_element__code")):
        by_cell[(v.unit_id, v.period)].append(v)
    changes = []
    for item in found:
        values = [v for v in by_cell[(item.unit.id, item.period)] if v.data_element_id in item.element_ids]
        if values:
            changes.append(_figures_change(item, values, now))
    return changes


def _figures_change(item: _Published, values: list[DataValue], now: datetime) -> Change:
    codes = [v.data_element.code for v in values]
    query = urlencode({"unit": item.unit.code, "version": item.unit.version.name, "period": item.period,
                       "data": ",".join(codes)})
    body = {
        "unit": _unit(item.unit), "period": item.period, "form": item.form or None,
        "figures": [{"data_element": v.data_element.code, "value": None if v.value is None else str(v.value),
                     "qualifier": v.qualifier, "is_illustrative": v.is_illustrative} for v in values],
        "links": {"values": f"{API}/values?{query}"},
    }
    return Change(type=ChangeType.FIGURES_PUBLISHED, at=item.at, unit_code=item.unit.code, period=item.period,
                  body=body, source=item.source, collected_at=now)


def _ranking_change(event: RoundEvent, now: datetime) -> Change:
    rnd = event.round
    body = {
        "unit": _unit(rnd.within), "period": str(rnd.year), "round": rnd.pk, "title": rnd.title,
        "peer_group": rnd.peer_group, "method": rnd.method.code,
        "decision": rnd.decision, "is_illustrative": rnd.is_illustrative or rnd.method.is_illustrative,
        "links": {"ranking": f"{API}/rankings/{rnd.pk}"},
    }
    return Change(type=ChangeType.RANKING_PUBLISHED, at=event.at, unit_code=rnd.within.code, period=str(rnd.year),
                  body=body, source=f"round_event:{event.id}", collected_at=now)


def _dataset_changes(found: list[_Published], now: datetime) -> list[Change]:
    by_element: dict[tuple[int, str], list[_Published]] = defaultdict(list)
    for item in found:
        for element_id in item.element_ids:
            by_element[(element_id, item.period[:4])].append(item)
    if not by_element:
        return []
    element_ids = {e for e, _ in by_element}
    indicators = Indicator.objects.filter(Q(numerator_id__in=element_ids) | Q(denominator_id__in=element_ids)
                                          | Q(reported_id__in=element_ids)).order_by("code")
    datasets: dict[tuple[str, str], list[_Published]] = defaultdict(list)
    for indicator in indicators:
        reads = {indicator.numerator_id, indicator.denominator_id, indicator.reported_id}
        for (element_id, year), items in sorted(by_element.items()):
            if element_id in reads:
                datasets[(indicator.code, year)].extend(items)
    changes = []
    for (code, year), items in sorted(datasets.items()):
        units = sorted({(i.unit.version.name, i.unit.code) for i in items})
        query = urlencode({"data": code, "units": ",".join(c for _, c in units), "periods": year,
                           "hierarchy": units[0][0]})
        slug = slug_of(code, int(year))
        body = {"dataset": slug, "indicator": code, "period": year, "unit": None,
                "units": [{"code": c, "version": v} for v, c in units],
                "links": {"dataset": f"{PREFIX}{slug}/", "ckan": f"/api/3/action/package_show?id={slug}",
                          "analytics": f"{API}/analytics/values?{query}"}}
        changes.append(Change(type=ChangeType.DATASET_UPDATED, at=max(i.at for i in items), period=year, body=body,
                              source=min(i.source for i in items), collected_at=now))
    return changes
