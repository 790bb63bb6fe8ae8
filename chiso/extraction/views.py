"""The page "Đọc số liệu từ báo cáo": paste or upload a report → review each figure read out of it → store.

The views parse the request, call ``extraction.actions`` (or the reader for a file's text) and render; every
rule (who may write which unit, what a figure may be, all or nothing) lives in the actions they call.
Pages are in Vietnamese only, like the entry pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from chiso.accounts.access import units_in_scope
from chiso.accounts.models import WRITE_ROLES
from chiso.extraction import actions, reading
from chiso.extraction.models import ExtractionDraft
from chiso.units.models import HierarchyVersion, Unit
from chiso.values.actions import show_figure
from chiso.values.models import QUALIFIER_WORDS, Qualifier

MAX_FILE_BYTES = 5 * 1024 * 1024
KINDS = {"actual": "số thực hiện", "target": "chỉ tiêu (mục tiêu)", "plan_count": "số chỉ tiêu của kế hoạch"}
QUALIFIERS = [(q.value, q.label) for q in Qualifier]


def _units(request: HttpRequest, day: date) -> list[Unit]:
    """The units the reader may write, on the map in force at ``day`` when they have any there (at most 300,
    the highest first)."""
    version = next((v for v in HierarchyVersion.objects.all() if v.covers(day)), None)
    found = units_in_scope(request.user, WRITE_ROLES).select_related("version").order_by("depth", "name")
    today = found.filter(version=version) if version is not None else found
    return list((today if today.exists() else found)[:300])


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    units = _units(request, today)
    form: dict[str, Any] = {"document_date": today.isoformat(), "source": "", "text": "",
                            "main_unit": str(units[0].pk) if units else ""}
    if request.method == "GET":
        return _start_page(request, units, form)
    form.update({name: request.POST.get(name, "").strip() for name in ("document_date", "source", "main_unit")})
    form["text"] = request.POST.get("text", "")
    try:
        document_date = date.fromisoformat(form["document_date"])
    except ValueError:
        return _start_page(request, units, form, "Ngày văn bản không hợp lệ: chọn ngày theo dạng ngày/tháng/năm.")
    main_unit = Unit.objects.filter(pk=form["main_unit"]).first() if form["main_unit"].isdigit() else None
    if main_unit is None:
        return _start_page(request, units, form, "Chọn đơn vị chính của văn bản (đơn vị bạn phụ trách).")
    text = form["text"]
    upload = request.FILES.get("file")
    if upload is not None:
        if upload.size is not None and upload.size > MAX_FILE_BYTES:
            return _start_page(request, units, form, f"Tệp {upload.name} lớn hơn {MAX_FILE_BYTES // 1024 // 1024} "
                               "MB: chỉ tải lên phần báo cáo có số liệu.")
        try:
            text = reading.file_text(upload.name or "", upload.read())
        except reading.ExtractionError as error:
            return _start_page(request, units, form, error.message)
    try:
        draft = actions.do_create_draft(text, source=form["source"], document_date=document_date,
                                        main_unit=main_unit, acting_user=request.user)
    except actions.ReviewError as error:
        return _start_page(request, units, form, error.message, status=error.status)
    return redirect("extraction:review", draft_id=draft.pk)


def _start_page(request: HttpRequest, units: list[Unit], form: dict[str, Any], message: str = "",
                status: int | None = None) -> HttpResponse:
    drafts = ExtractionDraft.objects.filter(created_by_id=request.user.pk).select_related("main_unit").order_by(
        "-created_at")[:10]
    return render(request, "extraction/start.html", {
        "units": units, "form": form, "message": message, "drafts": drafts,
        "max_mb": MAX_FILE_BYTES // 1024 // 1024,
    }, status=status or (400 if message else 200))


@dataclass(frozen=True)
class Segment:
    text: str
    index: int | None = None  # the proposal this piece of text is the number of
    number: int = 0  # 1-based, as shown
    decision: str = ""


def segments(text: str, proposals: list[dict[str, Any]]) -> list[Segment]:
    """The text cut around each proposal's [start:end] (overlaps and out-of-range spans are left plain)."""
    pieces, at = [], 0
    for index, row in sorted(enumerate(proposals), key=lambda pair: pair[1]["start"]):
        start, end = int(row["start"]), int(row["end"])
        if start < at or end > len(text) or start >= end:
            continue
        if start > at:
            pieces.append(Segment(text[at:start]))
        pieces.append(Segment(text[start:end], index, index + 1, row.get("decision", "")))
        at = end
    if at < len(text):
        pieces.append(Segment(text[at:]))
    return pieces


def _rows(draft: ExtractionDraft, refusals: dict[int, list[str]]) -> list[dict[str, Any]]:
    rows = []
    for index, row in enumerate(draft.proposals):
        shown = actions.figure(row)
        rows.append({
            **shown, "index": index, "number": index + 1, "kind_label": KINDS.get(row["kind"], row["kind"]),
            "value_shown": shown["value"] if "value_typed" in shown else actions.show_value(row["value"]),
            "read_value": actions.show_value(row["value"]),
            "read_qualifier": QUALIFIER_WORDS.get(row["qualifier"], ""),
            "of_total_shown": actions.show_value(row.get("of_total")),
            "corrected": bool(row.get("corrected")), "problems": refusals.get(index, []),
            "period_carried": bool(row.get("period_carried")) and shown.get("period") == row.get("period"),
        })
    return rows


def _decisions(request: HttpRequest, count: int) -> list[actions.Decision]:
    decisions = []
    for index in range(count):
        verdict = request.POST.get(f"d-{index}")
        if verdict is None:
            continue
        values = {name: request.POST.get(f"{name}-{index}") for name in actions.CORRECTABLE}
        if verdict == "correct":
            verdict = "accept"
        else:  # accepting or rejecting as read: the corrections typed are not applied
            values = dict.fromkeys(actions.CORRECTABLE)
        decisions.append(actions.Decision(index, verdict, **{k: (v.strip() if isinstance(v, str) else v)
                                                              for k, v in values.items()}))
    return decisions


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, draft_id: int) -> HttpResponse:
    try:
        draft = actions.access_draft_by_id(draft_id, request.user)
    except ExtractionDraft.DoesNotExist:
        raise Http404("Không có văn bản này.") from None
    message, refusals, status, stored = "", {}, 200, None
    if request.method == "POST":
        decisions = _decisions(request, len(draft.proposals))
        try:
            if request.POST.get("action") == "store":
                stored = actions.do_store_reviewed(draft, decisions, acting_user=request.user)
            else:
                actions.do_review_figures(draft, decisions, acting_user=request.user)
                return redirect("extraction:review", draft_id=draft.pk)
        except actions.ReviewError as error:
            message, refusals, status = error.message, error.figures, error.status
            draft.refresh_from_db()
            if refusals:  # the choices made stay on the page (the refused write rolled them back)
                actions.do_review_figures(draft, decisions, acting_user=request.user)
    return render(request, "extraction/review.html", {
        "draft": draft, "segments": segments(draft.text, draft.proposals), "rows": _rows(draft, refusals),
        "plan_counts": actions.plan_counts(draft), "message": message, "stored": stored,
        "qualifiers": QUALIFIERS,
        "stored_rows": [(v, show_figure(v.value, v.qualifier)) for v in stored.values] if stored else [],
    }, status=status)
