"""The annual report as a download: the unit page links here (the report builds on the portal's pieces,
so it sits above the portal and the route is the report's own)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from chiso.reports.build import ReportError, build_report
from chiso.reports.render import render_pdf, render_xlsx
from chiso.units import queries as units


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
        body = render_xlsx(report)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="bao-cao-cds-{version}-{code}-{year}.{fmt}"'
    return response
