"""The entry start page: the user's units, their forms and the state of recent reports; reports waiting
for them. Thin: it reads through ``grid`` and the access helpers, and renders."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from chiso.accounts.access import can_review_unit, can_write_unit, units_in_scope
from chiso.accounts.models import READ_DRAFT_ROLES
from chiso.collection.entry import grid
from chiso.collection.entry.views import login_required
from chiso.collection.models import Form, Status, Submission
from chiso.units.models import HierarchyVersion

PENDING_LIMIT = 30


@require_GET
@login_required
def start(request: HttpRequest) -> HttpResponse:
    """The user's units, their forms and the state of recent reports; reports waiting for them."""
    wanted = [request.GET.get(k, "").strip() for k in ("phien_ban", "don_vi", "bieu_mau", "ky")]
    if all(wanted):
        try:
            return HttpResponseRedirect(reverse("entry:grid", args=wanted))
        except NoReverseMatch:  # a code with a slash in it: no such report
            raise Http404("Không tìm thấy báo cáo.") from None
    scope = units_in_scope(request.user, READ_DRAFT_ROLES)
    rows, more = grid.start_rows(scope)
    waiting = Submission.objects.filter(unit__in=scope).select_related("form", "unit__version")
    to_review = [s for s in waiting.filter(status=Status.SUBMITTED).order_by("-updated_at")[:200]
                 if can_review_unit(request.user, s.unit)][:PENDING_LIMIT]
    to_fix = [s for s in waiting.filter(status=Status.RETURNED).order_by("-updated_at")[:200]
              if can_write_unit(request.user, s.unit)][:PENDING_LIMIT]
    return render(request, "collection/entry/start.html", {
        "rows": rows, "more": more, "to_review": to_review, "to_fix": to_fix,
        "versions": HierarchyVersion.objects.all(), "forms": Form.objects.all(), "wanted": wanted,
    })
