"""The approval pages: the matrix of report states (``/nhap-lieu/duyet/``), its bulk approve and return, and
the review page of one report. Thin: reads through ``matrix`` and ``sheet`` (permission-checked), writes
through ``review.do_approve_reports`` / ``do_return_reports`` (which own every rule), renders.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required as _login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from django.views.decorators.http import require_GET, require_POST

from chiso.accounts.access import can_read_drafts, can_review_unit
from chiso.collection.approval import matrix as matrices
from chiso.collection.approval.sheet import sheet
from chiso.collection.entry import grid
from chiso.collection.models import Status, Submission
from chiso.collection.review import Outcome, do_approve_reports, do_return_reports
from chiso.web.language import in_page_language, message_in_page_language

login_required = _login_required(login_url="entry:login")
KEPT = ("phien_ban", "quan", "nhom", "bieu_mau", "ky", "so_ky", "trang_thai", "trang")
MAX_SELECTED = 500
NAMED = 10  # reports named in the message after a bulk action; the others counted


@require_GET
@login_required
def matrix(request: HttpRequest) -> HttpResponse:
    found = matrices.build(request.user, matrices.Filters.read(request.GET))
    return render(request, "collection/approval/matrix.html", {
        "m": found, "query": _query(request.GET), "page_query": _query(request.GET, page=False),
        "states": matrices.STATE_WORDS, "column_choices": matrices.COLUMN_CHOICES,
    })


@require_POST
@login_required
def bulk(request: HttpRequest) -> HttpResponse:
    """Approve or return the reports ticked in the matrix (or the one of a review page)."""
    back = request.POST.get("quay-lai", "")
    target = reverse("approval:matrix") + (f"?{back}" if back and "//" not in back else "")
    ids = [int(i) for i in request.POST.getlist("bao-cao") if i.isdigit() and len(i) <= 18][:MAX_SELECTED + 1]
    if not ids:
        messages.error(request, _("Chưa chọn báo cáo nào: hãy đánh dấu các ô “Chờ duyệt” cần xử lý."))
        return HttpResponseRedirect(target)
    if len(ids) > MAX_SELECTED:
        messages.error(request, _("Chọn tối đa %(n)s báo cáo mỗi lần; không xử lý báo cáo nào.")
                       % {"n": MAX_SELECTED})
        return HttpResponseRedirect(target)
    chosen = list(Submission.objects.filter(pk__in=ids).select_related("unit__version", "form"))
    if len(chosen) != len(set(ids)) or not all(can_read_drafts(request.user, s.unit) for s in chosen):
        raise Http404("Không tìm thấy báo cáo.")
    if request.POST.get("thao-tac") == "return":
        outcomes = do_return_reports(chosen, acting_user=request.user, reason=request.POST.get("ly-do", ""))
        _tell(request, outcomes, RETURNED)
    else:
        outcomes = do_approve_reports(chosen, acting_user=request.user)
        _tell(request, outcomes, APPROVED)
    return HttpResponseRedirect(target)


@require_GET
@login_required
def review(request: HttpRequest, version: str, code: str, form: str, period: str) -> HttpResponse:
    report = grid.access_report(request.user, version, code, form, period)
    found = sheet(report)
    can_review = can_review_unit(request.user, report.unit)
    return render(request, "collection/approval/review.html", {
        "s": found, "report": report, "can_review": can_review and report.status == Status.SUBMITTED,
        "blockers": [message_in_page_language(b) for b in found.checks.blockers] if found.checks else [],
        "events": grid.events(report), "illustrative": _illustrative(report),
        "state_word": str(matrices.STATE_WORDS[Status(report.status)]),
    })


# What a bulk action says (done, one refused, the refused beyond the first NAMED), translated when said.
APPROVED = (gettext_noop("Đã duyệt %(n)s báo cáo: %(named)s%(more)s."), gettext_noop("Chưa duyệt %(r)s: %(why)s"),
            gettext_noop("Chưa duyệt %(n)s báo cáo khác vì các lý do tương tự: các ô của chúng trong bảng ghi "
                         "“Chưa đạt kiểm tra”, mở từng báo cáo để xem lý do."))
RETURNED = (gettext_noop("Đã trả lại %(n)s báo cáo: %(named)s%(more)s."), gettext_noop("Không trả lại %(r)s: %(why)s"),
            gettext_noop("Không trả lại %(n)s báo cáo khác vì các lý do tương tự: các ô của chúng trong bảng ghi "
                         "“Chưa đạt kiểm tra”, mở từng báo cáo để xem lý do."))


def _tell(request: HttpRequest, outcomes: list[Outcome], words: tuple[str, str, str]) -> None:
    done_words, refused_words, others_words = words
    done = [o for o in outcomes if o.done]
    refused = [o for o in outcomes if not o.done]
    if done:
        named = "; ".join(in_page_language(o.label, o.label_en) for o in done[:NAMED])
        more = (ngettext(" và %(n)s báo cáo khác", " và %(n)s báo cáo khác", len(done) - NAMED)
                % {"n": len(done) - NAMED}) if len(done) > NAMED else ""
        messages.success(request, _(done_words) % {"n": len(done), "named": named, "more": more})
    for o in refused[:NAMED]:
        messages.error(request, _(refused_words) % {"r": in_page_language(o.label, o.label_en),
                                                    "why": " ".join(message_in_page_language(r) for r in o.reasons)})
    if len(refused) > NAMED:
        messages.error(request, _(others_words) % {"n": len(refused) - NAMED})


def _query(params: object, *, page: bool = True) -> str:
    """The matrix's filters, to come back to the same view after an action."""
    return urlencode([(k, params.get(k)) for k in KEPT  # type: ignore[attr-defined]
                      if params.get(k) and (page or k != "trang")])  # type: ignore[attr-defined]


def _illustrative(report: grid.Report) -> bool:
    from chiso.values.models import DataValue

    return DataValue.objects.filter(unit=report.unit, period=str(report.period), is_illustrative=True,
                                    is_deleted=False).exists()
