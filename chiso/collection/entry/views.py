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
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from chiso.accounts.access import can_write_unit
from chiso.collection.entry import grid, layout
from chiso.collection.entry.cells import CellError, parse_cell, show_cell
from chiso.collection.entry.checks import GridCheck, cell_sentence, check_grid, outlier_of
from chiso.collection.models import Status
from chiso.collection.queries import residential_reports
from chiso.collection.validation import Outlier, Violation, short
from chiso.collection.workflow import (
    TRANSITIONS,
    WorkflowError,
    do_transition,
    submission_for,
    transition_refusal,
)
from chiso.values.actions import Refusal, RefusalKind, ValueEntry, ValueWriteError, do_set_values
from chiso.values.models import Channel
from chiso.web.language import message_in_page_language, name_in_page_language, previous_period_words

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
    kept: set[str] | None = None  # after a partial save: the cells whose typed text stays (None: all posted)
    confirm: grid.Summary | None = None  # before submitting: what is being sent
    explanations: dict[str, str] = field(default_factory=dict)  # warnings explained, carried to the confirmation


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
        return cls(message_in_page_language(refusal), current, text)


@require_GET
@login_required
def grid_page(request: HttpRequest, version: str, code: str, form: str, period: str) -> HttpResponse:
    report = grid.access_report(request.user, version, code, form, period)
    return _render(request, report, Outcome())


@require_POST
@login_required
def save(request: HttpRequest, version: str, code: str, form: str, period: str) -> HttpResponse:
    """Save the changed cells that pass; a refused cell keeps its text, turns red and says why (the action
    decides which: ``do_set_values(partial=True)``)."""
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
            outcome.cell_errors[row.element.code] = [message_in_page_language(error)]
            continue
        changes.append(ValueEntry(row.element, report.unit, report.period, cell.value, cell.qualifier,
                                  source=None, comment=None,
                                  expected_revision=_revision(request, row.element.code, row.revision)))
    if not changes and not outcome.cell_errors:
        messages.info(request, _("Không có ô nào thay đổi, không có gì để lưu."))
        return HttpResponseRedirect(reverse("entry:grid", args=report.url_args))
    try:
        with transaction.atomic():
            result = do_set_values(changes, acting_user=request.user, channel=Channel.WEB,
                                   reason=request.POST.get("ly-do-sua", "").strip(), partial=True)
            if result.created + result.changed:
                submission_for(report.form, report.unit, str(report.period))
    except ValueWriteError as error:
        return _render(request, report, _refused(error, changes, posted))
    saved = result.created + result.changed
    if not outcome.cell_errors and not result.refused:
        messages.success(request, ngettext("Đã lưu %(n)s số liệu.", "Đã lưu %(n)s số liệu.", saved) % {"n": saved}
                         if saved else _("Các số đã đúng như lưu trước, không đổi gì."))
        return HttpResponseRedirect(reverse("entry:grid", args=report.url_args))
    refused = ValueWriteError(result.refused) if result.refused else None
    outcome = _refused(refused, changes, posted, outcome)
    kept = set(outcome.cell_errors) | set(outcome.conflicts)
    outcome.kept = kept
    outcome.status = 200 if saved else refused.status if refused else 400
    left = ngettext("%(n)s ô chưa lưu, tô đỏ bên dưới: sửa rồi lưu lại.",
                    "%(n)s ô chưa lưu, tô đỏ bên dưới: sửa rồi lưu lại.", len(kept)) % {"n": len(kept)}
    done = (ngettext("Đã lưu %(n)s số liệu; ", "Đã lưu %(n)s số liệu; ", saved) % {"n": saved} if saved
            else _("Chưa lưu số nào: "))
    outcome.problems.insert(0, f"{done}{left}")
    return _render(request, grid.access_report(request.user, version, code, form, period), outcome)


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
                             outlier=outlier_of(report, row.element, check.cells.get(element))),
        "checks": _checks(check, rows), "oob": True,
    })


@require_POST
@login_required
def transition(request: HttpRequest, version: str, code: str, form: str, period: str, action: str,
               ) -> HttpResponse:
    """A workflow button: submit, recall, approve, return, lock, reopen (the transition table decides). Submit
    first shows what is being sent (filled, empty, warnings) and sends on the second press ("xac-nhan")."""
    report = grid.access_report(request.user, version, code, form, period)
    step = TRANSITIONS.get(action)
    if step is None:
        raise Http404(f"Không có thao tác '{action}'.")
    refused = transition_refusal(action, report.status, report.unit, request.user)  # before a submit's summary
    if refused is not None:
        return _render(request, report, Outcome(refused.status, [message_in_page_language(refused)]))
    reason = request.POST.get("ly-do", "").strip()
    explanations = {key.removeprefix("giai-trinh-"): value.strip() for key, value in request.POST.items()
                    if key.startswith("giai-trinh-") and value.strip()}
    if action == "submit" and not request.POST.get("xac-nhan") and grid.ready_to_submit(report, explanations):
        rows = grid.rows(report, request.user)
        return _render(request, report, Outcome(confirm=grid.summary(report, rows), explanations=explanations))
    try:
        do_transition(submission_for(report.form, report.unit, str(report.period)), action,
                      acting_user=request.user, reason=reason, explanations=explanations)
    except WorkflowError as error:  # after a refused submit the cells say why: its rules are not listed again
        return _render(request, grid.access_report(request.user, version, code, form, period),
                       Outcome(400, [message_in_page_language(error), *(() if action == "submit" else error.details)]))
    messages.success(request, _("Đã %(a)s: báo cáo nay ở trạng thái '%(s)s'.") % {
        "a": _(step.label).lower(), "s": _(Status(step.target).label)})
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
    from_post = outcome.kept if outcome.kept is not None else set(outcome.posted or {})
    posted = {r.element.code: (outcome.posted or {}).get(r.element.code, r.text) if r.element.code in from_post
              else r.text for r in rows}
    check = check_grid(report, [r.element for r in rows], posted)
    cells = {}
    for index, row in enumerate(rows):
        code, text = row.element.code, posted[row.element.code]
        state = _cell_state(index, row, check, changed=" ".join(text.split()) != " ".join(row.text.split()),
                            refused=outcome.cell_errors.get(code, []))
        again = code in from_post and request.method == "POST"
        cells[code] = {
            "row": row, "state": state, "text": text,
            "revision": _revision(request, code, row.revision) if again else row.revision,
            "original": request.POST.get(f"o-{code}", row.text) if again else row.text,
            "conflict": outcome.conflicts.get(code),
        }
    stored = grid.stored_violations(report)
    sections = [{"title": s.title, "groups": [{"group": g, "cells": [cells[r.element.code] for r in g.rows]}
                                              for g in s.groups]}
                for s in layout.sections(rows, posted)]
    context = {
        "report": report, "sections": sections, "lock": grid.lock_reason(report, request.user),
        "can_write": can_write_unit(request.user, report.unit),
        "actions": grid.actions(report, request.user), "events": grid.events(report),
        "stored_errors": [v for v in stored if v.severity == "error"],
        "stored_warnings": [{"rule": v.rule, "cells": _cells_named(v, cells)} for v in stored
                            if v.severity == "warning"],
        "explanations": report.submission.explanations if report.submission else {},
        "checks": _checks(check, rows), "outcome": outcome, "previous": previous_period_words(report.period),
        "illustrative": any(row.illustrative for row in rows),
        "residential": residential_reports(report.unit, str(report.period), report.form.period_type),
    }
    return render(request, "collection/entry/grid.html", context, status=outcome.status)


def _cell_state(index: int, row: grid.Row, check: GridCheck, *, changed: bool, outlier: Outlier | None = None,
                refused: list[str] | None = None) -> CellState:
    """What a cell says, each sentence once: why it was refused or does not read (then nothing else), or the
    broken rules shown at it, the write's warnings and how far it is from the unit's past."""
    code = row.element.code
    notes: list[tuple[str, str]] = [("error", why) for why in refused or []]
    if code in check.errors:
        notes.append(("error", check.errors[code]))
    if not notes:
        notes += [(v.severity, message_in_page_language(short(v))) for v in check.violations_of(code)]
        notes += [("warning", why) for why in check.warnings.get(code, [])]
        if outlier is not None:
            notes.append(("outlier", message_in_page_language(outlier)))
    notes = list(dict.fromkeys(notes))
    kinds = {kind for kind, _ in notes}
    level = next((k for k in ("error", "warning", "outlier") if k in kinds), "changed" if changed else "")
    return CellState(index, code, level, notes)


def _checks(check: GridCheck, rows: list[grid.Row]) -> dict[str, object]:
    """The count of cells with an error or a warning, and links to them (the sentences are at the cells)."""
    index = {row.element.code: (i, name_in_page_language(row.element)) for i, row in enumerate(rows)}
    errors = list(dict.fromkeys([*check.errors, *(check.homes.get(v.rule, "") for v in check.violations
                                                  if v.severity == "error")]))
    warnings = list(dict.fromkeys([*(check.homes.get(v.rule, "") for v in check.violations
                                     if v.severity == "warning"), *check.warnings]))
    warnings = [c for c in warnings if c not in errors]
    return {"errors": [index[c] for c in errors if c in index], "warnings": [index[c] for c in warnings if c in index]}


def _cells_named(violation: Violation, cells: dict[str, dict[str, object]]) -> list[tuple[int, str]]:
    """(cell index, element name) of the figures a rule compares, for the explanation boxes of warnings."""
    return [(cells[c]["state"].index, name_in_page_language(cells[c]["row"].element))  # type: ignore[attr-defined]
            for c in violation.codes if c in cells]


def _refused(error: ValueWriteError | None, changes: list[ValueEntry], posted: dict[str, str],
             outcome: Outcome | None = None) -> Outcome:
    """Refusals on their cells (a conflict with the other person's change, any other with its sentence);
    a refusal of the whole write above the grid."""
    outcome = outcome or Outcome(error.status if error else 400, posted=posted)
    for refusal in error.refusals if error else []:
        code = changes[refusal.index].data_element.code if refusal.index is not None else None
        if code is None:
            outcome.problems.append(message_in_page_language(refusal))
        elif refusal.kind == RefusalKind.CONFLICT:
            outcome.conflicts[code] = ConflictShown.of(refusal)
        else:
            outcome.cell_errors.setdefault(code, []).append(cell_sentence(message_in_page_language(refusal)))
    return outcome


def _revision(request: HttpRequest, code: str, default: int) -> int:
    """The revision the user saw, or the one they chose to overwrite after a conflict."""
    for name in (f"ghi-de-{code}", f"r-{code}"):
        text = request.POST.get(name, "").strip()
        if text.isdigit():
            return int(text)
    return default

