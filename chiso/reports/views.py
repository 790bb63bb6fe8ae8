"""The annual report as a download: the unit page links here (the report builds on the portal's pieces,
so it sits above the portal and the route is the report's own)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from chiso.ranking.models import Round
from chiso.ranking.queries import sees_whole_round
from chiso.reports import ranking_annex
from chiso.reports.build import ReportError, build_report
from chiso.reports.render import render_pdf, render_xlsx
from chiso.units import queries as units

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def annual_report(request: HttpRequest, version: str, code: str, year: int, fmt: str) -> HttpResponse:
    """The year-end report (báo cáo kết quả CĐS năm) of a unit as PDF or XLSX."""
    unit = units.unit_by_code(version, code)
    if unit is None or not 1900 <= year <= 2100 or fmt not in ("pdf", "xlsx"):
        raise Http404("Không có đơn vị mã này trong phiên bản này.")
    try:
        report = build_report(unit, year)
    except ReportError as error:
        raise Http404(str(error)) from None
    if fmt == "pdf":
        body, content_type = render_pdf(report), "application/pdf"
    else:
        body, content_type = render_xlsx(report), XLSX
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="bao-cao-cds-{version}-{code}-{year}.{fmt}"'
    return response


def ranking_annex_view(request: HttpRequest, round_id: int, fmt: str) -> HttpResponse:
    """The ranking annex of a round (phụ lục kết quả xếp hạng) as PDF or XLSX: public once the round is
    published; before that only for whoever sees the whole round (who decides it, or verifies every unit of it),
    as the ranking page; anyone else gets 404, as if it did not exist."""
    round_ = Round.objects.select_related("method", "within", "version").filter(pk=round_id).first()
    if round_ is None or fmt not in ("pdf", "xlsx") or not sees_whole_round(request.user, round_):
        raise Http404("Không có đợt xếp hạng này, hoặc đợt chưa công bố.")
    annex = ranking_annex.build_annex(round_)
    if fmt == "pdf":
        body, content_type = ranking_annex.render_pdf(annex), "application/pdf"
    else:
        body, content_type = ranking_annex.render_xlsx(annex), XLSX
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{annex.filename}.{fmt}"'
    if not round_.is_published:
        response["Cache-Control"] = "private, no-store"
    return response
