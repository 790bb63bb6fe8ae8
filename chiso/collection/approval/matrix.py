"""The approval matrix: the units a user reviews × the periods of one form, each cell the state of a report.

Rows are the units assigned the form whose drafts the user may read (``accounts.access.units_in_scope`` with
the roles that read drafts), so a viewer or an outsider sees no row. Filters narrow the rows by district
(an ancestor of level quận, huyện), by peer group (the kind of unit, named as ``analytics.peers.group_name``
names a group: "phường", "xã", "tổ dân phố") and by state; the counts per state are over every row of the
other filters, never capped; the rows are shown a page at a time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chiso.accounts.access import review_judge, units_in_scope
from chiso.accounts.models import READ_DRAFT_ROLES
from chiso.collection.models import Form, FormAssignment, PeriodType, Status, Submission
from chiso.collection.review import ReportChecks, check_reports
from chiso.engine.periods import Period, PeriodError
from chiso.units.models import HierarchyVersion, Unit
from chiso.units.types import UnitType
from chiso.web.language import message_in_page_language, name_in_page_language

User = AbstractBaseUser | AnonymousUser

MISSING = "missing"
STATES = (Status.SUBMITTED, Status.RETURNED, Status.DRAFT, MISSING, Status.APPROVED, Status.LOCKED)
STATE_WORDS = {  # in the page's language where shown
    Status.SUBMITTED: gettext_lazy("Chờ duyệt"), Status.RETURNED: gettext_lazy("Bị trả lại"),
    Status.DRAFT: gettext_lazy("Bản nháp"), MISSING: gettext_lazy("Chưa nhập"),
    Status.APPROVED: gettext_lazy("Đã duyệt"), Status.LOCKED: gettext_lazy("Đã khóa"),
}
DISTRICT_TYPES = (UnitType.URBAN_DISTRICT, UnitType.RURAL_DISTRICT, UnitType.TOWN, UnitType.PROVINCIAL_CITY)
KINDS = {PeriodType.YEAR: "year", PeriodType.QUARTER: "quarter", PeriodType.MONTH: "month"}
PAGE_ROWS = 100
COLUMN_CHOICES = (1, 3, 6, 12)


@dataclass(frozen=True)
class Filters:
    """What the page was asked for (query string ``phien_ban, quan, nhom, bieu_mau, ky, so_ky, trang_thai,
    trang``); empty means "the default" or "all"."""

    version: str = ""
    district: str = ""
    group: str = ""
    form: str = ""
    period: str = ""
    columns: int = 6
    state: str = ""
    page: int = 1

    @classmethod
    def read(cls, params: Mapping[str, str]) -> Filters:
        def number(name: str, default: int) -> int:
            text = params.get(name, "").strip()
            return int(text) if text.isdigit() and 0 < int(text) < 100_000 else default

        columns = number("so_ky", 6)
        state = params.get("trang_thai", "").strip()
        return cls(params.get("phien_ban", "").strip(), params.get("quan", "").strip(),
                   params.get("nhom", "").strip(), params.get("bieu_mau", "").strip(),
                   params.get("ky", "").strip(), columns if columns in COLUMN_CHOICES else 6,
                   state if state in STATE_WORDS else "", number("trang", 1))


@dataclass
class Cell:
    period: str
    state: str  # a Status, MISSING, or "" when the unit did not exist at the period's end
    submission: Submission | None = None
    reviewable: bool = False  # submitted and the user may approve or return it
    blockers: list[str] = field(default_factory=list)  # why it may not be approved yet

    @property
    def word(self) -> str:
        return str(STATE_WORDS.get(self.state, _("Không áp dụng")))


@dataclass
class Row:
    unit: Unit
    area: str  # the district's name, or the parent's
    cells: list[Cell]


@dataclass
class Choice:
    value: str
    label: str


@dataclass
class Matrix:
    filters: Filters
    versions: list[Choice] = field(default_factory=list)
    districts: list[Choice] = field(default_factory=list)
    groups: list[Choice] = field(default_factory=list)
    forms: list[Choice] = field(default_factory=list)
    version: str = ""  # the map version shown
    form: Form | None = None
    periods: list[Period] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)  # this page's
    total_rows: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # state → reports (cells), every row of the filters
    waiting: int = 0  # submitted reports the user may review, every form and version
    page: int = 1
    pages: int = 1

    @property
    def first_row(self) -> int:
        return (self.page - 1) * PAGE_ROWS + 1 if self.total_rows else 0

    @property
    def last_row(self) -> int:
        return min(self.page * PAGE_ROWS, self.total_rows)

    @property
    def state_counts(self) -> list[tuple[str, str, int]]:
        return [(s, str(STATE_WORDS[s]), self.counts.get(s, 0)) for s in STATES]


def waiting_count(user: User) -> int:
    """Submitted reports ``user`` may approve or return: the true number, every form and map version."""
    judge = review_judge(user)
    scope = units_in_scope(user, READ_DRAFT_ROLES)
    return sum(1 for path in Submission.objects.filter(unit__in=scope, status=Status.SUBMITTED)
               .values_list("unit__path", flat=True).iterator() if judge(Unit(path=path)))


def build(user: User, filters: Filters, today: date | None = None) -> Matrix:
    matrix = Matrix(filters)
    scope = units_in_scope(user, READ_DRAFT_ROLES)
    assigned = FormAssignment.objects.filter(unit__in=scope).exclude(form__period_type=PeriodType.ANY)
    matrix.waiting = waiting_count(user)
    version = _version(assigned, scope, filters.version)
    if version is None:
        return matrix
    matrix.versions = [Choice(v.name, v.label) for v in HierarchyVersion.objects.filter(
        pk__in=assigned.values("unit__version_id")).order_by("-valid_from")]
    matrix.version = version.name
    assigned = assigned.filter(unit__version=version)
    form = _form(assigned, filters.form)
    matrix.forms = [Choice(f.code, name_in_page_language(f)) for f in Form.objects.filter(
        pk__in=assigned.values("form_id")).order_by("code")]
    if form is None:
        return matrix
    matrix.form = form
    units = list(Unit.objects.filter(pk__in=assigned.filter(form=form).values("unit_id"))
                 .select_related("version", "parent").order_by("path"))
    districts = list(Unit.objects.filter(version=version, type__in=DISTRICT_TYPES).order_by("name"))
    district_of = {u.pk: next((d for d in districts if u.path.startswith(d.path) and u.pk != d.pk), None)
                   for u in units}
    matrix.districts = [Choice(d.code, d.name) for d in districts if d in district_of.values()]
    kinds = Counter(u.type for u in units)
    matrix.groups = [Choice(k, str(UnitType(k).label).lower()) for k in sorted(kinds)]
    if filters.district:
        units = [u for u in units if (d := district_of[u.pk]) is not None and d.code == filters.district]
    if filters.group:
        units = [u for u in units if u.type == filters.group]
    matrix.periods = _periods(form, version, units, filters, today)
    texts = [str(p) for p in matrix.periods]
    reports = {(s.unit_id, s.period): s for s in Submission.objects.filter(
        form=form, unit__in=units, period__in=texts).select_related("unit__version", "form")}
    judge = review_judge(user)
    rows = []
    for unit in units:
        cells = []
        for period in matrix.periods:
            s = reports.get((unit.pk, str(period)))
            if s is not None:
                cells.append(Cell(str(period), s.status, s, s.status == Status.SUBMITTED and judge(unit)))
            elif _exists(unit, period):
                cells.append(Cell(str(period), MISSING))
            else:
                cells.append(Cell(str(period), ""))
        district = district_of[unit.pk]
        rows.append(Row(unit, district.name if district else (unit.parent.name if unit.parent else ""), cells))
    matrix.counts = dict(Counter(c.state for r in rows for c in r.cells if c.state))
    if filters.state:
        rows = [r for r in rows if any(c.state == filters.state for c in r.cells)]
    matrix.total_rows = len(rows)
    matrix.pages = max(1, -(-len(rows) // PAGE_ROWS))
    matrix.page = min(filters.page, matrix.pages)
    matrix.rows = rows[(matrix.page - 1) * PAGE_ROWS:matrix.page * PAGE_ROWS]
    _attach_checks([c for r in matrix.rows for c in r.cells if c.reviewable])
    return matrix


def _attach_checks(cells: list[Cell]) -> None:
    checks: dict[int, ReportChecks] = check_reports([c.submission for c in cells if c.submission])
    for cell in cells:
        assert cell.submission is not None
        cell.blockers = [message_in_page_language(b) for b in checks[cell.submission.pk].blockers]


def _version(assigned, scope, wanted: str) -> HierarchyVersion | None:  # type: ignore[no-untyped-def]
    """The version asked for if the user has forms in it; else the one of the newest submitted report; else
    the newest with a form assigned."""
    versions = HierarchyVersion.objects.filter(pk__in=assigned.values("unit__version_id"))
    if wanted:
        return versions.filter(name=wanted).first()
    newest = (Submission.objects.filter(unit__in=scope, status=Status.SUBMITTED, form__in=assigned.values("form_id"))
              .order_by("-updated_at", "-pk").values_list("unit__version_id", flat=True).first())
    if newest is not None:
        return versions.filter(pk=newest).first()
    return versions.order_by("-valid_from").first()


def _form(assigned, wanted: str) -> Form | None:  # type: ignore[no-untyped-def]
    """The form asked for; else the one with the most reports waiting for approval, then by code."""
    forms = Form.objects.filter(pk__in=assigned.values("form_id"))
    if wanted:
        return forms.filter(code=wanted).first()
    waiting = Count("submissions", filter=Q(submissions__status=Status.SUBMITTED,
                                            submissions__unit_id__in=assigned.values("unit_id")))
    return forms.annotate(waiting=waiting).order_by("-waiting", "code").first()


def _periods(form: Form, version: HierarchyVersion, units: list[Unit], filters: Filters,
             today: date | None) -> list[Period]:
    """``filters.columns`` periods of the form's kind ending at the one asked for, newest first; by default at the newest
    period with a report waiting, else the newest with any report, else today (within the map version)."""
    kind = KINDS[PeriodType(form.period_type)]
    last = None
    if filters.period:
        try:
            last = Period.parse(filters.period)
        except PeriodError:
            last = None
        if last is not None and last.kind.value != kind:
            last = None
    if last is None:
        started = Submission.objects.filter(form=form, unit__in=units)
        text = (started.filter(status=Status.SUBMITTED).order_by("-period").values_list("period", flat=True).first()
                or started.order_by("-period").values_list("period", flat=True).first())
        if text:
            last = Period.parse(text)
        else:
            day = today or timezone.localdate()
            if version.valid_to and version.valid_to < day:
                day = version.valid_to
            last = Period.for_date(day, kind)
    found = [last]
    while len(found) < filters.columns:
        found.append(found[-1].previous())
    return found  # newest first: the column a reviewer acts on is the first, on a phone too


def _exists(unit: Unit, period: Period) -> bool:
    start, end = unit.effective_from(), unit.effective_to()
    return (start is None or period.end >= start) and (end is None or period.end <= end)
