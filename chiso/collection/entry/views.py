"""Entry pages: the grid of one report, its cell checks, saving, workflow buttons.

Thin views: they read through ``grid`` (permission-checked, 404 to outsiders), write through
``values.actions.do_set_values`` (which owns every rule and refuses with typed refusals) and
``workflow.do_transition``, and render.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required as _login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from chiso.accounts.access import can_write_unit
from chiso.collection.entry import grid
from chiso.collection.entry.cells import CellError, parse_cell, show_cell
from chiso.collection.entry.checks import GridCheck, check_grid, outlier_score
from chiso.collection.models import Status
from chiso.collection.validation import Violation
from chiso.collection.workflow import TRANSITIONS, WorkflowError, do_transition, submission_for
from chiso.engine.numbers import format_number
from chiso.values.actions import Refusal, RefusalKind, ValueEntry, ValueWriteError, do_set_values
from chiso.values.models import Channel

LOGIN = "entry:login"
login_required = _login_required(login_url=LOGIN)


# -- the grid ------------------------------------------------------------------------------------------

@dataclass
class Outcome:
    """What to show over a re-rendered grid after a refused save or transition."""

    status: int = 200
    problems: list[str] = field(default_factory=list)
    posted: dict[str, str] | None = None  # code → text typed, to keep it in the cells
    cell_errors: dict[str, list[str]] = field(default_factory=dict)
    conflicts: dict[str, ConflictShown] = field(default_factory=dict)  # code → the other change


@dataclass(frozen=True)
class ConflictShown:
    """A conflict refusal as the grid shows it: the sentence, and the stored figure to take instead."""

    message: str
    current: object  # DataValue | None
    current_text: str

    @classmethod
    def of(cls, refusal: Refusal) -> ConflictShown:
        current = refusal.current
        text = "" if current is None or current.is_deleted else show_cell(current.value, current.qualifier)
        return cls(refusal.message, current, text)


@require_GET
@login_required
def grid_page(request: HttpRequest, version: str, code: str, form: str, period: str) -> HttpResponse:
    report = grid.access_report(request.user, version, code, form, period)
    return _render(request, report, Outcome())


@require_POST
@login_required
def save(request: HttpRequest, version: str, code: str, form: str, period: str) -> HttpResponse:
    """Save every changed cell in one write; nothing is saved if one cell is refused."""
    report = grid.access_report(request.user, version, code, form, period)
    rows = grid.rows(report, request.user)
    posted = {r.element.code: request.POST.get(f"v-{r.element.code}", r.text) for r in rows}
    changes, outcome = [], Outcome(400, posted=posted)
    for row in rows:
        text, original = posted[row.element.code], request.POST.get(f"o-{row.element.code}", row.text)
        if " ".join(text.split()) == " ".join(original.split()):
            continue
        try:
            cell = parse_cell(text, row.element.value_type)
        except CellError as error:
            outcome.cell_errors[row.element.code] = [str(error)]
            continue
        changes.append(ValueEntry(row.element, report.unit, report.period, cell.value, cell.qualifier,
                                  source=None, comment=None,
                                  expected_revision=_revision(request, row.element.code, row.revision)))
    if outcome.cell_errors:
        outcome.problems = [f"Chưa lưu: {len(outcome.cell_errors)} ô viết sai, xem các ô tô đỏ."]
        return _render(request, report, outcome)
    if not changes:
        messages.info(request, "Không có ô nào thay đổi, không có gì để lưu.")
        return HttpResponseRedirect(reverse("entry:grid", args=report.url_args))
    try:
        with transaction.atomic():
            result = do_set_values(changes, acting_user=request.user, channel=Channel.WEB,
                                   reason=request.POST.get("ly-do-sua", "").strip())
            submission_for(report.form, report.unit, str(report.period))
    except ValueWriteError as error:
        return _render(request, report, _refused(error, changes, posted))
    saved = result.created + result.changed
    messages.success(request, f"Đã lưu {saved} số liệu." if saved else "Các số đã đúng như lưu trước, không đổi gì.")
    return HttpResponseRedirect(reverse("entry:grid", args=report.url_args))


@require_POST
@login_required
def check_cell(request: HttpRequest, version: str, code: str, form: str, period: str, element: str,
               ) -> HttpResponse:
    """The validation state of one cell as typed (htmx), and the grid's checks out of band."""
    report = grid.access_report(request.user, version, code, form, period)
    rows = grid.rows(report, request.user)
    index = next((i for i, r in enumerate(rows) if r.element.code == element), None)
    if index is None:
        raise Http404(f"Biểu mẫu {report.form.code} không có yếu tố {element}.")
    row = rows[index]
    posted = {r.element.code: request.POST[f"v-{r.element.code}"] for r in rows
              if f"v-{r.element.code}" in request.POST}
    check = check_grid(report, [r.element for r in rows], posted)
    text = posted.get(element, row.text)
    return render(request, "collection/entry/_cell_check.html", {
        "state": _cell_state(index, row, check, changed=" ".join(text.split()) != " ".join(row.text.split()),
                             outlier=outlier_score(report, row.element, check.cells.get(element))),
        "checks": _checks(check), "oob": True,
    })


@require_POST
@login_required
def transition(request: HttpRequest, version: str, code: str, form: str, period: str, action: str,
               ) -> HttpResponse:
    """A workflow button: submit, approve, return, lock, reopen (the transition table decides)."""
    report = grid.access_report(request.user, version, code, form, period)
    step = TRANSITIONS.get(action)
    if step is None:
        raise Http404(f"Không có thao tác '{action}'.")
    if not step.allowed(request.user, report.unit):
        return _render(request, report, Outcome(403, [
            f"Bạn không có quyền '{step.label.lower()}' báo cáo của {report.unit.name}."]))
    if report.status not in step.sources:
        return _render(request, report, Outcome(409, [
            f"Không thể '{step.label.lower()}' báo cáo đang ở trạng thái '{report.status_label}'."]))
    reason = request.POST.get("ly-do", "").strip()
    explanations = {key.removeprefix("giai-trinh-"): value.strip() for key, value in request.POST.items()
                    if key.startswith("giai-trinh-") and value.strip()}
    try:
        do_transition(submission_for(report.form, report.unit, str(report.period)), action,
                      acting_user=request.user, reason=reason, explanations=explanations)
    except WorkflowError as error:
        return _render(request, grid.access_report(request.user, version, code, form, period),
                       Outcome(400, str(error).splitlines()))
    messages.success(request, f"Đã {step.label.lower()}: báo cáo nay ở trạng thái "
                              f"'{Status(step.target).label}'.")
    return HttpResponseRedirect(reverse("entry:grid", args=report.url_args))


# -- rendering -----------------------------------------------------------------------------------------

@dataclass
class CellState:
    index: int
    code: str
    level: str  # ok, changed, error, warning, outlier, "" (nothing to say)
    notes: list[tuple[str, str]]  # (kind, sentence)


def _render(request: HttpRequest, report: grid.Report, outcome: Outcome) -> HttpResponse:
    rows = grid.rows(report, request.user)
    posted = outcome.posted if outcome.posted is not None else {r.element.code: r.text for r in rows}
    check = check_grid(report, [r.element for r in rows], posted)
    states = []
    for index, row in enumerate(rows):
        text = posted.get(row.element.code, row.text)
        state = _cell_state(index, row, check, changed=" ".join(text.split()) != " ".join(row.text.split()))
        state.notes = [("error", e) for e in outcome.cell_errors.get(row.element.code, [])] + state.notes
        if outcome.cell_errors.get(row.element.code):
            state.level = "error"
        states.append(state)
    cells = [{
        "row": row, "state": state, "text": posted.get(row.element.code, row.text),
        "revision": _revision(request, row.element.code, row.revision) if request.method == "POST" else row.revision,
        "original": request.POST.get(f"o-{row.element.code}", row.text) if request.method == "POST" else row.text,
        "conflict": outcome.conflicts.get(row.element.code),
    } for row, state in zip(rows, states, strict=True)]
    stored = grid.stored_violations(report)
    context = {
        "report": report, "cells": cells, "lock": grid.lock_reason(report, request.user),
        "can_write": can_write_unit(request.user, report.unit),
        "actions": grid.actions(report, request.user), "events": grid.events(report),
        "stored_errors": [v for v in stored if v.severity == "error"],
        "stored_warnings": [v for v in stored if v.severity == "warning"],
        "explanations": report.submission.explanations if report.submission else {},
        "checks": _checks(check), "outcome": outcome, "previous": _previous_label(report),
        "illustrative": any(row.illustrative for row in rows),
    }
    return render(request, "collection/entry/grid.html", context, status=outcome.status)


def _cell_state(index: int, row: grid.Row, check: GridCheck, *, changed: bool, outlier: float | None = None,
                ) -> CellState:
    code = row.element.code
    notes: list[tuple[str, str]] = []
    if code in check.errors:
        notes.append(("error", check.errors[code]))
    notes += [(v.severity, _short(v)) for v in check.violations_of(code)]
    if outlier is not None:
        notes.append(("outlier", f"Khác xa các kỳ trước của đơn vị (điểm z hiệu chỉnh "
                                 f"{format_number(round(outlier, 1), 1)}): hãy kiểm tra lại; nếu đúng vẫn lưu được."))
    kinds = {kind for kind, _ in notes}
    level = next((k for k in ("error", "warning", "outlier") if k in kinds), "changed" if changed else "")
    return CellState(index, code, level, notes)


def _checks(check: GridCheck) -> dict[str, object]:
    return {"errors": [v for v in check.violations if v.severity == "error"],
            "warnings": [v for v in check.violations if v.severity == "warning"],
            "unreadable": check.errors}


def _short(violation: Violation) -> str:
    """The rule's sentence without the unit and period, which the grid already shows."""
    return violation.message.split("): ", 1)[-1]


def _refused(error: ValueWriteError, changes: list[ValueEntry], posted: dict[str, str]) -> Outcome:
    """The grid's answer to a refused save: conflicts and faults on their cells, the rest above the grid."""
    outcome = Outcome(error.status, posted=posted)
    for refusal in error.refusals:
        code = changes[refusal.index].data_element.code if refusal.index is not None else None
        if refusal.kind == RefusalKind.CONFLICT and code is not None:
            outcome.conflicts[code] = ConflictShown.of(refusal)
        elif refusal.kind == RefusalKind.INVALID and code is not None:
            outcome.cell_errors.setdefault(code, []).append(refusal.message.split(": ", 1)[-1])
        else:
            outcome.problems.append(refusal.message)
    if outcome.conflicts:
        outcome.problems.insert(0, "Chưa lưu số nào: có người khác đã sửa số liệu sau khi bạn mở biểu mẫu. "
                                   "Xem các ô được đánh dấu.")
    if outcome.cell_errors:
        outcome.problems.insert(0, f"Chưa lưu: {len(outcome.cell_errors)} ô bị từ chối, xem các ô tô đỏ.")
    return outcome


def _revision(request: HttpRequest, code: str, default: int) -> int:
    """The revision the user saw, or the one they chose to overwrite after a conflict."""
    for name in (f"ghi-de-{code}", f"r-{code}"):
        text = request.POST.get(name, "").strip()
        if text.isdigit():
            return int(text)
    return default


def _previous_label(report: grid.Report) -> str:
    try:
        return report.period.previous().vi_label()
    except ValueError:
        return "Kỳ trước"
