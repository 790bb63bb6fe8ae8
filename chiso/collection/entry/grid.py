"""Reads behind the entry pages: one report (form × unit × period), its rows, what the user may do.

``access_report`` is the permission-checked read: a unit whose drafts the user may not read gives a
404, like a report that does not exist, so an outsider learns nothing about another ward's drafts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chiso.accounts.access import can_read_drafts, can_write_unit
from chiso.collection.entry.cells import show_cell
from chiso.collection.models import (
    EDITABLE,
    Form,
    FormAssignment,
    FormElement,
    PeriodType,
    Status,
    Submission,
    SubmissionEvent,
)
from chiso.collection.queries import closed_cells
from chiso.collection.validation import Violation, short, stored_values, violations
from chiso.collection.workflow import TRANSITIONS
from chiso.engine.numbers import MISSING
from chiso.engine.periods import Period, PeriodError
from chiso.indicators.models import DataElement
from chiso.units.models import Unit
from chiso.values.actions import ValueEntry, check_values
from chiso.values.models import DataValue
from chiso.web.language import message_in_page_language, name_in_page_language

User = AbstractBaseUser | AnonymousUser

STATUS_LOCK_REASONS = {
    Status.SUBMITTED: gettext_lazy("Báo cáo đã gửi, đang chờ cấp trên duyệt: số liệu chỉ sửa được khi báo cáo bị "
                                   "trả lại."),
    Status.APPROVED: gettext_lazy("Báo cáo đã được duyệt: muốn sửa, cấp trên phải mở lại báo cáo (kèm lý do)."),
    Status.LOCKED: gettext_lazy("Số liệu đã khóa: muốn sửa, cấp trên phải mở lại báo cáo (kèm lý do)."),
}
PERIOD_KINDS = {PeriodType.YEAR: "year", PeriodType.QUARTER: "quarter", PeriodType.MONTH: "month"}


@dataclass
class Report:
    """One form of one unit for one period; ``submission`` is None until the report is first saved."""

    form: Form
    unit: Unit
    period: Period
    submission: Submission | None

    @property
    def status(self) -> str:
        return self.submission.status if self.submission else Status.DRAFT

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    @property
    def url_args(self) -> tuple[str, str, str, str]:
        return (self.unit.version.name, self.unit.code, self.form.code, str(self.period))


@dataclass
class Row:
    element: DataElement
    section: str
    stored: DataValue | None
    text: str
    revision: int
    previous_text: str
    locked: str = ""

    @property
    def illustrative(self) -> bool:
        return bool(self.stored and self.stored.is_illustrative and not self.stored.is_deleted)


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    needs_reason: bool


@dataclass(frozen=True)
class StartCell:
    period: str
    status: str  # "" when the report has not been started

    @property
    def status_label(self) -> str:
        return Status(self.status).label if self.status else "Chưa nhập"


@dataclass
class StartRow:
    unit: Unit
    form: Form
    periods: list[StartCell] = field(default_factory=list)


def find_report(form_code: str, version: str, unit_code: str, period_text: str) -> Report:
    """The report named in a URL, without any permission check; Http404 with a reason if it cannot be."""
    unit = Unit.objects.select_related("version").filter(version__name=version, code=unit_code).first()
    if unit is None:
        raise Http404(f"Không có đơn vị mã {unit_code} trong phiên bản {version}.")
    form = Form.objects.filter(code=form_code).first()
    if form is None:
        raise Http404(f"Không có biểu mẫu mã {form_code}.")
    if not FormAssignment.objects.filter(form=form, unit=unit).exists():
        raise Http404(f"Biểu mẫu {form.code} không được giao cho {unit.name}.")
    try:
        period = Period.parse(period_text)
    except PeriodError as error:
        raise Http404(str(error)) from None
    wanted = PERIOD_KINDS.get(form.period_type)
    if (wanted and period.kind.value != wanted) or str(period) != period_text:
        raise Http404(f"Biểu mẫu {form.code} báo cáo theo {form.get_period_type_display().lower()}, "
                      f"không theo kỳ {period_text}.")
    submission = Submission.objects.filter(form=form, unit=unit, period=str(period)).first()
    return Report(form, unit, period, submission)


def access_report(user: User, version: str, unit_code: str, form_code: str, period_text: str) -> Report:
    """The report if the user may read its drafts (their units and those below); else Http404."""
    report = find_report(form_code, version, unit_code, period_text)
    if not can_read_drafts(user, report.unit):
        raise Http404("Không tìm thấy báo cáo.")
    return report


def lock_reason(report: Report, user: User) -> str:
    """Why no cell of the report can be changed by this user now; empty when they can."""
    if report.status not in EDITABLE:
        return str(STATUS_LOCK_REASONS[Status(report.status)])
    if not can_write_unit(user, report.unit):
        return _("Bạn chỉ được xem báo cáo này: vai trò của bạn không được nhập số liệu cho %(u)s "
                 "(chỉ cán bộ nhập liệu của đơn vị và quản trị được nhập).") % {"u": report.unit.name}
    start, end = report.unit.effective_from(), report.unit.effective_to()
    if (start and report.period.end < start) or (end and report.period.end > end):
        return _("%(u)s chỉ có hiệu lực %(a)s – %(b)s: số liệu kỳ %(p)s thuộc đơn vị có hiệu lực vào cuối kỳ.") % {
            "u": report.unit.name, "a": _day(start), "b": _day(end), "p": report.period}
    return ""


def rows(report: Report, user: User) -> list[Row]:
    """The form's data elements in order, with the stored figure, its revision and last period's figure."""
    lines = list(FormElement.objects.filter(form=report.form).select_related("data_element").order_by("order", "id"))
    element_ids = [line.data_element_id for line in lines]
    stored = _values(report.unit, str(report.period), element_ids)
    try:
        previous = _values(report.unit, str(report.period.previous()), element_ids)
    except PeriodError:
        previous = {}
    whole = lock_reason(report, user)
    closed = set() if whole else closed_cells([(e, report.unit.pk, str(report.period)) for e in element_ids])
    found = []
    for line in lines:
        value = stored.get(line.data_element_id)
        before = previous.get(line.data_element_id)
        shown = value if value is not None and not value.is_deleted else None
        locked = whole or (_("Số liệu này nằm trong một báo cáo khác đã gửi hoặc đã duyệt.")
                           if (line.data_element_id, report.unit.pk, str(report.period)) in closed else "")
        found.append(Row(
            element=line.data_element, section=line.section, stored=value,
            text=show_cell(shown.value, shown.qualifier) if shown else "",
            revision=value.revision if value is not None else 0,
            previous_text=(show_cell(before.value, before.qualifier) or MISSING)
            if before is not None and not before.is_deleted else MISSING,
            locked=locked,
        ))
    return found


def actions(report: Report, user: User) -> list[Action]:
    """The workflow buttons this user may press on this report now (the transition table decides), labelled in
    the page's language."""
    return [Action(name, _(t.label), t.needs_reason) for name, t in TRANSITIONS.items()
            if report.status in t.sources and t.allowed(user, report.unit)]


def stored_violations(report: Report) -> list[Violation]:
    """Rule violations of the figures as stored: what submitting would check."""
    values = stored_values([report.unit.pk], [str(report.period)]).get((report.unit.pk, str(report.period)), {})
    return violations(report.unit, str(report.period), values)


@dataclass(frozen=True)
class Summary:
    """What the officer is about to send: how many cells are filled and empty, and the warnings left."""

    filled: int
    empty: list[str]  # names of the empty cells, in the form's order
    warnings: list[str]  # sentences: broken warning rules and figures outside their usual range

    @property
    def total(self) -> int:
        return self.filled + len(self.empty)


def summary(report: Report, rows_: list[Row]) -> Summary:
    """The stored figures of the report counted for the submit confirmation."""
    values = [row for row in rows_ if row.text]
    typed = [ValueEntry(row.element, report.unit, report.period, row.stored.value, row.stored.qualifier)
             for row in values if row.stored is not None and row.stored.value is not None]
    unusual = [cell_sentence_of(message_in_page_language(w), name_in_page_language(typed[w.index].data_element))
               for w in check_values(typed, acting_user=None, against_stored=False).warnings if w.index is not None]
    rules = [message_in_page_language(short(v)) for v in stored_violations(report) if v.severity == "warning"]
    return Summary(len(values), [name_in_page_language(row.element) for row in rows_ if not row.text], rules + unusual)


def ready_to_submit(report: Report, explanations: dict[str, str]) -> bool:
    """Whether submitting would pass (no error stored, every warning explained): the grid then asks the officer
    to confirm first; otherwise it lets ``do_transition`` refuse and say why. It decides nothing itself."""
    found = stored_violations(report)
    return not any(v.severity == "error" or not explanations.get(v.rule, "").strip() for v in found)


def cell_sentence_of(message: str, name: str) -> str:
    """A write's warning about one figure (Vietnamese or English), named: "Dân số: 9.999.999 lớn bất thường …",
    "Population: 9.999.999 is unusually large …"."""
    return f"{name}: {message.split('): ', 1)[-1]}"


def events(report: Report) -> list[SubmissionEvent]:
    if report.submission is None:
        return []
    return list(report.submission.events.select_related("by").order_by("-at", "-id"))


def _values(unit: Unit, period: str, element_ids: list[int]) -> dict[int, DataValue]:
    found = DataValue.objects.filter(unit=unit, period=period, data_element_id__in=element_ids)
    return {v.data_element_id: v for v in found.select_related("updated_by")}


def _day(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else "…"


# -- the start page ----------------------------------------------------------------------------------

RECENT = 6
START_LIMIT = 40


def recent_periods(form: Form, unit: Unit, today: date | None = None, count: int = RECENT) -> list[Period]:
    """The last ``count`` periods of the form's kind up to today, or up to the unit's end if it ended."""
    kind = PERIOD_KINDS.get(form.period_type)
    if kind is None:
        return []
    day = today or timezone.localdate()
    end = unit.effective_to()
    if end and end < day:
        day = end
    last = Period.for_date(day, kind)
    found = [last]
    while len(found) < count:
        found.append(found[-1].previous())
    start = unit.effective_from()
    return [p for p in found if not start or p.end >= start]


def start_rows(units: QuerySet[Unit], today: date | None = None) -> tuple[list[StartRow], int]:
    """Each (unit, form) assigned among ``units`` with its reports of the last three periods up to today
    and its three latest reports started; and how many (unit, form) were left off the page."""
    assignments = list(FormAssignment.objects.filter(unit__in=units).select_related("form", "unit__version")
                       .order_by("unit__version__valid_from", "unit__path", "form__code"))
    assignments.sort(key=lambda a: (a.unit.version.valid_from or date.min), reverse=True)
    more = max(0, len(assignments) - START_LIMIT)
    assignments = assignments[:START_LIMIT]
    result = []
    periods_of: dict[int, list[str]] = {}
    for a in assignments:
        started = list(Submission.objects.filter(form=a.form, unit=a.unit).order_by("-period")
                       .values_list("period", flat=True)[:RECENT if a.form.period_type == PeriodType.ANY else 3])
        due = [str(p) for p in recent_periods(a.form, a.unit, today, count=3)]
        periods_of[a.pk] = sorted(set(started) | set(due), key=_period_key, reverse=True)
    states = {(s.form_id, s.unit_id, s.period): s.status for s in Submission.objects.filter(
        unit__in=[a.unit for a in assignments], period__in={p for ps in periods_of.values() for p in ps})}
    for a in assignments:
        row = StartRow(a.unit, a.form)
        row.periods = [StartCell(p, states.get((a.form_id, a.unit_id, p), "")) for p in periods_of[a.pk]]
        result.append(row)
    return result, more


def _period_key(text: str) -> tuple[date, date]:
    try:
        period = Period.parse(text)
    except PeriodError:
        return (date.min, date.min)
    return (period.start, period.end)
