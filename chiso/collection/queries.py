"""Reads about reports: which figures are closed for editing, which are published, how complete a period is.

Publication has two parts. A figure a unit reported itself is published once its report is approved or
locked (``published``). A figure *computed from the units below* (a city total) is published for a
period only when enough of the units expected to report are approved: ``ReportCoverage`` counts them,
each form's ``completeness_threshold`` (default 100%) says how many is enough. The analytics engine's
published mode withholds a total below the threshold, and the public pages read at the last complete
month (``last_complete_month``). This module is the one place that decides both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext, gettext_lazy

from chiso.collection.models import (
    EDITABLE,
    PUBLISHED,
    Form,
    FormAssignment,
    FormElement,
    PeriodType,
    Status,
    Submission,
    SubmissionEvent,
)
from chiso.engine.deadlines import Deadline, Standing, expected_periods, standing
from chiso.engine.periods import Period, PeriodError, PeriodKind
from chiso.units.models import Succession, SuccessionKind, Unit
from chiso.values.models import DataValue
from chiso.web.language import name_in_page_language, page_language


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


def closed_since(moment: datetime) -> bool:
    """Whether a report was submitted, approved or locked at or after ``moment`` (its ``updated_at``)."""
    return Submission.objects.filter(updated_at__gte=moment).exclude(status__in=EDITABLE).exists()


def published(values: QuerySet[DataValue]) -> QuerySet[DataValue]:
    """Only figures in an approved or locked report: what public pages and published exports show.

    These are the figures units reported themselves. A total computed from them for a unit above is
    published only at the completeness threshold of the forms involved (``ReportCoverage``, applied by
    ``analytics.queries.evaluate(..., published_only=True)``).
    """
    return values.filter(Exists(_approved()))


class PublishedReports:
    """``_approved`` for many figures read at once: the approved or locked reports of some units, read in two
    queries, answering in Python whether a figure is in one (a correlated subquery per figure cost a roll-up
    refresh most of its time)."""

    def __init__(self, unit_ids: Iterable[int]):
        self.approved: set[tuple[int, int, str]] = set()
        self.approved.update(Submission.objects.filter(unit_id__any_of=set(unit_ids), status__in=PUBLISHED)
                             .values_list("form_id", "unit_id", "period"))
        self.forms: dict[int, list[int]] = {}
        if self.approved:
            for form_id, element_id in FormElement.objects.filter(
                    form_id__in={f for f, _, _ in self.approved}).values_list("form_id", "data_element_id"):
                self.forms.setdefault(element_id, []).append(form_id)

    @staticmethod
    def any_among(unit_ids: list[int], periods: set[str]) -> bool:
        """Whether any of the units has an approved or locked report of any of the periods (a superset test:
        when not, no figure of theirs in those periods is published)."""
        return Submission.objects.filter(unit_id__any_of=set(unit_ids), period__in=sorted(periods),
                                         status__in=PUBLISHED).exists()

    def holds(self, element_id: int, unit_id: int, period: str) -> bool:
        return any((form_id, unit_id, period) in self.approved for form_id in self.forms.get(element_id, ()))


def _approved() -> QuerySet[Submission]:
    """The approved or locked reports holding the figure of the outer query (for ``Exists``).

    The forms are a nested ``IN``, not a join: joined, PostgreSQL turned the semi-join around and hashed
    every report × form element (207.000 rows on the demo) to find two figures of an indicator page, 0,55 s
    a page; nested, 6 ms. A scan of every figure is ~30% slower this way (0,66 s instead of 0,50 s).
    """
    forms = FormElement.objects.filter(data_element_id=OuterRef(OuterRef("data_element_id"))).values("form_id")
    return Submission.objects.filter(
        unit_id=OuterRef("unit_id"), period=OuterRef("period"), status__in=PUBLISHED, form_id__in=forms,
    )


def readable(values: QuerySet[DataValue], drafts_under: Sequence[str] | None) -> QuerySet[DataValue]:
    """The figures a reader may see: the published ones, and the others only of units under one of
    ``drafts_under`` (path prefixes, ``accounts.access.unpublished_read_prefixes``); None: every figure.

    Judged figure by figure on the figure's own unit, so a total, a rate or a re-expression across map
    versions counts another unit's draft only for a reader who may read that unit's drafts.
    """
    if drafts_under is None:
        return values
    if not drafts_under:
        return published(values)
    own = Q()
    for prefix in drafts_under:
        own |= Q(path__startswith=prefix)
    # One WHERE with two semi-joins: OR-ing two querysets joined the unit table into the figures' scan and
    # let PostgreSQL plan a city admin's analytics request for minutes.
    return values.filter(Exists(_approved()) | Q(unit_id__in=Unit.objects.filter(own).values("id")))


_KIND = {PeriodType.YEAR: PeriodKind.YEAR, PeriodType.QUARTER: PeriodKind.QUARTER,
         PeriodType.MONTH: PeriodKind.MONTH}


@dataclass(frozen=True)
class Coverage:
    """Of the units expected to report one form for one of its periods, how many have an approved report."""

    form: str  # the form's code
    period: str  # the form's period, e.g. "2025-12"
    approved: int
    expected: int
    threshold: Decimal  # the form's completeness_threshold, in percent

    @property
    def complete(self) -> bool:
        """Enough reports approved to publish a total (approved ≥ threshold × expected)."""
        return self.approved * 100 >= self.threshold * self.expected

    @property
    def partial(self) -> bool:
        return self.approved < self.expected

    @property
    def label_vi(self) -> str:
        """ "1/93 đơn vị đã báo cáo" """
        return f"{self.approved}/{self.expected} đơn vị đã báo cáo"

    @property
    def label_en(self) -> str:
        return f"{self.approved}/{self.expected} units reported"


def weakest(found: Iterable[Coverage]) -> Coverage | None:
    """The coverage that decides: an incomplete one before a complete one, then the lowest share."""
    return min(found, key=lambda c: (c.complete, c.approved / c.expected, c.period, c.form), default=None)


@dataclass(frozen=True)
class _Form:
    code: str
    kind: PeriodKind
    threshold: Decimal
    elements: frozenset[int]


class ReportCoverage:
    """Who must report which form under some units of one hierarchy version, and who is approved.

    Loaded once (two queries, three without ``children``) for ``units``; answers for any root among them
    and any period. The units
    expected to report under a root are the *topmost* units of its subtree (the root included) given a
    form of a fixed period type (a "số liệu đã công bố" form of any period sets no obligation): a ward
    that reports itself stands for its tổ dân phố, as its own figure wins over theirs in the totals.
    """

    def __init__(self, units: QuerySet[Unit], children: Mapping[int, Sequence[int]] | None = None,
                 element_ids: Iterable[int] | None = None):
        assignments = FormAssignment.objects.filter(unit__in=units).exclude(form__period_type=PeriodType.ANY)
        columns = ["form_id", "unit_id", "unit__valid_from", "unit__valid_to", "form__code",
                   "form__period_type", "form__completeness_threshold"]
        if element_ids is not None:  # one row per assignment and element asked
            assignments = assignments.filter(form__form_elements__data_element_id__in=list(element_ids))
            columns.append("form__form_elements__data_element_id")
        self.forms: dict[int, _Form] = {}
        elements: dict[int, set[int]] = {}
        self.assigned: dict[int, set[int]] = {}  # unit → forms it must report
        self.validity: dict[int, tuple[date | None, date | None]] = {}
        for form_id, unit_id, valid_from, valid_to, code, kind, threshold, *element in (
                assignments.values_list(*columns)):
            if form_id not in self.forms:
                self.forms[form_id] = _Form(code, _KIND[kind], threshold, frozenset())  # type: ignore[index]
            elements.setdefault(form_id, set()).update(element)
            self.assigned.setdefault(unit_id, set()).add(form_id)
            self.validity[unit_id] = (valid_from, valid_to)
        self.known_elements = element_ids is not None
        for form_id, form in self.forms.items():
            self.forms[form_id] = _Form(form.code, form.kind, form.threshold, frozenset(elements[form_id]))
        self.approved = set(Submission.objects.filter(form_id__in=list(self.forms), unit__in=units,
                                                      status__in=PUBLISHED)
                            .values_list("form_id", "unit_id", "period"))
        if children is None:
            children = {}
            for unit_id, parent_id in units.values_list("id", "parent_id"):
                if parent_id is not None:
                    children.setdefault(parent_id, []).append(unit_id)  # type: ignore[attr-defined]
        self.children = children
        self._reporters: dict[tuple[int, frozenset[int]], dict[int, list[int]]] = {}

    def relevant(self, element_ids: Iterable[int] | None) -> frozenset[int]:
        """The forms holding any of ``element_ids`` (every form for ``None`` or if loaded without them)."""
        if element_ids is None or not self.known_elements:
            return frozenset(self.forms)
        wanted = set(element_ids)
        return frozenset(i for i, f in self.forms.items() if f.elements & wanted)

    def reporters(self, root: int, forms: frozenset[int]) -> dict[int, list[int]]:
        """Form → the topmost units under ``root`` (itself included) that must report one of ``forms``."""
        key = (root, forms)
        if key not in self._reporters:
            found: dict[int, list[int]] = {}
            stack = [root]
            while stack:
                unit_id = stack.pop()
                mine = self.assigned.get(unit_id, set()) & forms
                if mine:
                    for form_id in mine:
                        found.setdefault(form_id, []).append(unit_id)
                else:
                    stack.extend(self.children.get(unit_id, ()))
            self._reporters[key] = found
        return self._reporters[key]

    def counts(self, roots: Sequence[int], period: Period, element_ids: Iterable[int] | None = None,
               within: tuple[date | None, date | None] = (None, None)) -> list[Coverage]:
        """One ``Coverage`` per form and form period inside ``period`` (ending inside ``within``).

        A form whose periods are longer than ``period`` (a yearly form asked for a month) is not counted:
        its figures are not in a total of ``period``.
        """
        forms = self.relevant(element_ids)
        reporters: dict[int, set[int]] = {}
        for root in roots:
            for form_id, units in self.reporters(root, forms).items():
                reporters.setdefault(form_id, set()).update(units)
        result = []
        for form_id, units in sorted(reporters.items()):
            form = self.forms[form_id]
            if form.kind.rank < period.kind.rank:
                continue
            for sub in [period] if form.kind is period.kind else period.children(form.kind):
                day, text = sub.end, str(sub)
                if (within[0] is not None and day < within[0]) or (within[1] is not None and day > within[1]):
                    continue
                expected = [u for u in units
                            if (self.validity[u][0] or day) <= day <= (self.validity[u][1] or day)]
                if expected:
                    approved = sum(1 for u in expected if (form_id, u, text) in self.approved)
                    result.append(Coverage(form.code, text, approved, len(expected), form.threshold))
        return result

    def coverage(self, roots: Sequence[int], period: Period, element_ids: Iterable[int] | None = None,
                 within: tuple[date | None, date | None] = (None, None)) -> Coverage | None:
        """The deciding count for a total of ``roots`` over ``period`` (None: nobody must report)."""
        return weakest(self.counts(roots, period, element_ids, within))

    def months_with_reports(self, root: int) -> list[Period]:
        """Months with an approved monthly report of a unit that must report under ``root``, newest first."""
        forms = frozenset(i for i, f in self.forms.items() if f.kind is PeriodKind.MONTH)
        units = {u for found in self.reporters(root, forms).values() for u in found}
        months = {p for f, u, p in self.approved if f in forms and u in units}
        return sorted((Period.parse(m) for m in months), reverse=True)

    def last_complete_month(self, root: int) -> Period | None:
        """The newest month whose monthly reports under ``root`` are complete at every form's threshold."""
        for month in self.months_with_reports(root):
            found = self.coverage([root], month)
            if found is None or found.complete:
                return month
        return None


def coverage_under(root: Unit) -> ReportCoverage:
    """Reports of every form under ``root`` (its subtree, in its version)."""
    return ReportCoverage(Unit.objects.filter(version_id=root.version_id, path__startswith=root.path))


def has_monthly_reports(found: ReportCoverage) -> bool:
    return any(f.kind is PeriodKind.MONTH for f in found.forms.values())


def last_complete_month(root: Unit, found: ReportCoverage | None = None) -> Period | None:
    """The month public pages read ``root`` at: the newest whose reports are complete (None: none is)."""
    return (found or coverage_under(root)).last_complete_month(root.id)


def pending_months(root: Unit, after: Period, found: ReportCoverage | None = None) -> list[Coverage]:
    """Months after ``after`` with approved reports that are not yet complete under ``root``, oldest first:
    what a public page says is still missing ("Tháng 12/2025: 1/93 đơn vị đã báo cáo")."""
    found = found or coverage_under(root)
    result = []
    for month in found.months_with_reports(root.id):
        if month.start > after.end:
            count = found.coverage([root.id], month)
            if count is not None and count.partial:
                result.append(count)
    return sorted(result, key=lambda c: c.period)


# -- the reporting calendar (the entry start page) -----------------------------------------------------

CALENDAR_ROWS = 30  # (unit, form) rows of a list shown at most; the totals count them all


@dataclass
class Owed:
    """The reports one unit owes of one form that stand alike (all overdue, or all due soon), oldest first."""

    unit: Unit
    form: Form
    deadlines: list[Deadline]
    statuses: dict[str, str]  # period → status of the reports started ("" never started)

    @property
    def worst(self) -> Deadline:
        return self.deadlines[0]

    @property
    def entries(self) -> list[tuple[Deadline, str]]:
        """Each deadline with the state of its report in words ("chưa nhập" when never started)."""
        return [(d, Status(self.statuses[str(d.period)]).label.lower() if self.statuses.get(str(d.period))
                 else "chưa nhập") for d in self.deadlines]


@dataclass(frozen=True)
class ReturnedReport:
    submission: Submission
    reason: str  # the reason given when it was returned
    deadline: Deadline | None  # None for a form of no fixed period


@dataclass
class ReportingCalendar:
    """What a user's start page lists: reports overdue and due soon of the units they cover, returned
    reports they may fix, reports waiting for their review. Lists are capped; totals count everything."""

    today: date
    overdue: list[Owed]
    overdue_total: int  # reports, not rows
    overdue_left_off: int  # rows beyond the cap
    due_soon: list[Owed]
    due_soon_total: int
    returned: list[ReturnedReport]
    returned_total: int
    to_review: list[Submission]
    to_review_total: int


def reporting_calendar(covered: QuerySet[Unit], writable: QuerySet[Unit], reviewable: QuerySet[Unit], *,
                       today: date, limit: int = CALENDAR_ROWS) -> ReportingCalendar:
    """The calendar of ``covered`` units on ``today`` (``accounts.access`` decides the three unit sets:
    read, write, review).

    Every form of a fixed period type assigned to a covered unit is owed for each of its last periods
    (``engine.deadlines.expected_periods``) that ends while the unit is valid; a report not yet submitted
    after the form's ``due_day`` is overdue, months never started included.
    """
    owed: dict[Standing, list[Owed]] = {Standing.OVERDUE: [], Standing.DUE_SOON: []}
    assignments = list(FormAssignment.objects.filter(unit__in=covered).exclude(form__period_type=PeriodType.ANY)
                       .select_related("form", "unit__version"))
    expected = {a.pk: expected_periods(_KIND[PeriodType(a.form.period_type)], a.form.due_day, today=today,
                                       valid_from=a.unit.effective_from(), valid_to=a.unit.effective_to())
                for a in assignments}
    periods = {str(p) for found in expected.values() for p in found}
    states = {(f, u, p): s for f, u, p, s in Submission.objects.filter(
        unit__in=covered, period__in=periods, form__in={a.form_id for a in assignments},
    ).values_list("form_id", "unit_id", "period", "status")} if periods else {}
    for a in assignments:
        statuses = {str(p): states.get((a.form_id, a.unit_id, str(p)), "") for p in expected[a.pk]}
        found: dict[Standing, list[Deadline]] = {Standing.OVERDUE: [], Standing.DUE_SOON: []}
        for period in expected[a.pk]:
            deadline = standing(period, a.form.due_day, statuses[str(period)], today=today)
            if deadline.standing in found:
                found[deadline.standing].append(deadline)
        for kind, deadlines in found.items():
            if deadlines:
                owed[kind].append(Owed(a.unit, a.form, deadlines, statuses))
    for rows in owed.values():
        rows.sort(key=lambda o: (o.unit.depth, o.worst.due, o.unit.path, o.form.code))  # a ward before its tổ
    returned = (Submission.objects.filter(unit__in=writable, status=Status.RETURNED)
                .select_related("form", "unit__version").order_by("updated_at", "id"))
    waiting = (Submission.objects.filter(unit__in=reviewable, status=Status.SUBMITTED)
               .select_related("form", "unit__version").order_by("updated_at", "id"))
    return ReportingCalendar(
        today=today,
        overdue=owed[Standing.OVERDUE][:limit],
        overdue_total=sum(len(o.deadlines) for o in owed[Standing.OVERDUE]),
        overdue_left_off=max(0, len(owed[Standing.OVERDUE]) - limit),
        due_soon=owed[Standing.DUE_SOON][:limit],
        due_soon_total=sum(len(o.deadlines) for o in owed[Standing.DUE_SOON]),
        returned=_with_reasons(list(returned[:limit]), today), returned_total=returned.count(),
        to_review=list(waiting[:limit]), to_review_total=waiting.count(),
    )


def _with_reasons(submissions: list[Submission], today: date) -> list[ReturnedReport]:
    reasons: dict[int, str] = {}
    for submission_id, reason in (SubmissionEvent.objects.filter(submission__in=submissions,
                                                                 to_status=Status.RETURNED)
                                  .order_by("at", "id").values_list("submission_id", "reason")):
        reasons[submission_id] = reason  # the latest return wins
    found = []
    for s in submissions:
        kind = _KIND.get(PeriodType(s.form.period_type))
        deadline = None
        if kind is not None:
            try:
                deadline = standing(Period.parse(s.period), s.form.due_day, s.status, today=today)
            except PeriodError:
                deadline = None
        found.append(ReturnedReport(s, reasons.get(s.pk, ""), deadline))
    return found


# -- units that ended (the 2025 reorganisation) ----------------------------------------------------------

@dataclass(frozen=True)
class Step:
    """One link of a unit's succession, as a sentence: "Phường X đã sáp nhập vào phường Y từ 01/07/2025"
    (in English on an English page)."""

    succession: Succession

    @property
    def sentence(self) -> str:
        s = self.succession
        old, new = s.from_unit, s.to_unit
        sentence = gettext("%(old)s (mã %(oc)s, danh mục %(ov)s) %(verb)s %(new)s (mã %(nc)s, danh mục %(nv)s) "
                           "từ %(day)s.")
        return sentence % {
            "old": old.name, "oc": old.code, "ov": old.version.name, "verb": SUCCESSION_VERBS[SuccessionKind(s.kind)],
            "new": _mid(new.name) if page_language() == "vi" else new.name, "nc": new.code, "nv": new.version.name,
            "day": f"{s.effective_date:%d/%m/%Y}"}


SUCCESSION_VERBS = {SuccessionKind.MERGE: gettext_lazy("đã sáp nhập vào"),
                    SuccessionKind.SPLIT_PART: gettext_lazy("đã tách, một phần nhập vào"),
                    SuccessionKind.RENAME: gettext_lazy("đã đổi thành"),
                    SuccessionKind.UNCHANGED: gettext_lazy("giữ nguyên, nay là")}


@dataclass
class EndedUnit:
    """A unit the user holds a role on whose hierarchy version has ended, what it became, and the units of
    today it went into."""

    unit: Unit
    steps: list[Step]
    successors: list[Unit]  # the units of the version in force on the day asked (the chain's end)

    @property
    def ended_on(self) -> date:
        """The first day the unit no longer exists (the day after its last)."""
        last = self.unit.effective_to()
        assert last is not None  # only units that ended are EndedUnit
        return last + timedelta(days=1)


def ended_units(units: Iterable[Unit], *, today: date) -> list[EndedUnit]:
    """Of ``units`` (those a user holds roles on), the ones whose validity ended before ``today``, each with
    its chain of successions up to the units in force on ``today``."""
    found = []
    for unit in units:
        end = unit.effective_to()
        if end is None or end >= today:
            continue
        steps: list[Step] = []
        frontier, seen = [unit], {unit.pk}
        for _ in range(10):  # a chain is a few versions long; the bound keeps a bad load from looping
            links = list(Succession.objects.filter(from_unit__in=frontier).exclude(to_unit_id__in=seen)
                         .select_related("from_unit__version", "to_unit__version")
                         .order_by("effective_date", "from_unit__code", "to_unit__code"))
            if not links:
                break
            steps += [Step(link) for link in links]
            frontier = [link.to_unit for link in links]
            seen |= {u.pk for u in frontier}
            if all((u.effective_to() or today) >= today for u in frontier):
                break
        found.append(EndedUnit(unit, steps, frontier if steps else []))
    return found


def _mid(name: str) -> str:
    """A unit's name in the middle of a sentence: "Phường Thanh Khê" → "phường Thanh Khê"."""
    return name[:1].lower() + name[1:] if name.split(" ", 1)[0] in _TYPE_WORDS else name


_TYPE_WORDS = {"Phường", "Xã", "Quận", "Huyện", "Thị", "Thành", "Đặc", "Tỉnh", "Tổ", "Thôn"}


RESIDENTIAL_TYPES = ("thon", "to_dan_pho", "khu_dan_cu")  # units.types.UnitType: HAMLET, RESIDENTIAL_GROUP, _AREA


@dataclass(frozen=True)
class ResidentialReport:
    unit: Unit
    form_code: str
    form_name: str
    period: str
    status: str  # "" when not started

    @property
    def status_label(self) -> str:
        return Status(self.status).label if self.status else "Chưa nhập"


def residential_reports(ward: Unit, period: str, period_type: str) -> list[ResidentialReport]:
    """The reports of the thôn, tổ dân phố and khu dân cư directly under ``ward`` for ``period``, on the forms
    assigned to them that report by the same kind of period (a ward's month: the groups' same month)."""
    assigned = (FormAssignment.objects.filter(unit__parent=ward, unit__type__in=RESIDENTIAL_TYPES,
                                              form__period_type=period_type)
                .select_related("unit__version", "form").order_by("unit__code", "form__code"))
    found = list(assigned)
    states = {(s.form_id, s.unit_id): s.status for s in Submission.objects.filter(
        period=period, unit__in=[a.unit for a in found], form__in={a.form for a in found})}
    return [ResidentialReport(a.unit, a.form.code, name_in_page_language(a.form), period,
                              states.get((a.form_id, a.unit_id), "")) for a in found]
