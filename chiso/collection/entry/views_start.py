"""The entry start page: the reporting calendar of the user's units (overdue, due soon, returned, waiting for
their review), units of theirs that ended, and the state of recent reports. Thin: ``accounts.access``
decides which units, ``collection.queries`` reads, this formats."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from chiso.accounts.access import can_read_drafts, can_write_unit, units_in_scope, units_to_review
from chiso.accounts.models import READ_DRAFT_ROLES, WRITE_ROLES
from chiso.collection.entry import grid
from chiso.collection.entry.views import login_required
from chiso.collection.models import Form, FormAssignment, PeriodType
from chiso.collection.queries import EndedUnit, ended_units, reporting_calendar
from chiso.engine.deadlines import expected_periods
from chiso.engine.periods import Period, PeriodKind
from chiso.units.models import HierarchyVersion, Unit

APPROVAL_PATH = "/nhap-lieu/duyet/"  # the review matrix (approval:matrix), when that page is installed


def today() -> date:
    """The day the calendar is read on (tests replace it: nothing here reads the clock elsewhere)."""
    return timezone.localdate()


@require_GET
@login_required
def start(request: HttpRequest) -> HttpResponse:
    wanted = [request.GET.get(k, "").strip() for k in ("phien_ban", "don_vi", "bieu_mau", "ky")]
    if all(wanted):
        try:
            return HttpResponseRedirect(reverse("entry:grid", args=wanted))
        except NoReverseMatch:  # a code with a slash in it: no such report
            raise Http404("Không tìm thấy báo cáo.") from None
    day = today()
    scope = units_in_scope(request.user, READ_DRAFT_ROLES)
    rows, more = grid.start_rows(scope, day)
    reviewable = units_to_review(request.user)
    calendar = reporting_calendar(scope, units_in_scope(request.user, WRITE_ROLES), reviewable, today=day)
    mine = Unit.objects.filter(role_assignments__user=request.user).select_related("version").distinct()
    return render(request, "collection/entry/start.html", {
        "rows": rows, "more": more, "calendar": calendar, "approval_url": _approval_url(),
        "can_review": reviewable.exists(),
        "ended": [_ended(request, e, day) for e in ended_units(mine, today=day)],
        "versions": HierarchyVersion.objects.all(), "forms": Form.objects.all(), "wanted": wanted,
    })


def _approval_url() -> str:
    try:
        return reverse("approval:matrix")
    except NoReverseMatch:
        return APPROVAL_PATH


def _ended(request: HttpRequest, ended: EndedUnit, day: date) -> dict[str, object]:
    """An ended unit with, for each unit it went into, what the user may do there (access.py decides) and
    the links: the reports of the latest period when they may read them, the public page otherwise."""
    successors = []
    for unit in ended.successors:
        reports = []
        if can_read_drafts(request.user, unit):
            for assignment in (FormAssignment.objects.filter(unit=unit).exclude(form__period_type=PeriodType.ANY)
                               .select_related("form")):
                kind = PeriodKind(assignment.form.period_type)
                periods = expected_periods(kind, assignment.form.due_day, today=day,
                                           valid_from=unit.effective_from(), valid_to=unit.effective_to(), count=1)
                period = periods[0] if periods else Period.for_date(day, kind)  # the first, still running
                reports.append({"form": assignment.form, "period": period,
                                "args": (unit.version.name, unit.code, assignment.form.code, str(period))})
        successors.append({"unit": unit, "can_write": can_write_unit(request.user, unit),
                           "can_read": can_read_drafts(request.user, unit), "reports": reports})
    return {"unit": ended.unit, "ended_on": ended.ended_on, "steps": ended.steps, "successors": successors}
