"""Audit pages: a cell's history in the grid (htmx), a figure's history page, a unit's history export."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chiso.accounts.access import can_read_drafts
from chiso.collection.entry import audit, grid
from chiso.collection.entry.views import login_required
from chiso.collection.exports import HISTORY_HEADER, csv_stream, history_rows
from chiso.collection.models import Form
from chiso.engine.periods import Period, PeriodError
from chiso.units.models import Unit
from chiso.values.models import DataValue

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@require_GET
@login_required
def cell_history(request: HttpRequest, version: str, code: str, form: str, period: str, element: str,
                 ) -> HttpResponse:
    """The changes of one cell of a report, newest first (shown under the cell)."""
    report = grid.access_report(request.user, version, code, form, period)
    if not report.form.form_elements.filter(data_element__code=element).exists():
        raise Http404(f"Biểu mẫu {report.form.code} không có yếu tố {element}.")
    value = DataValue.objects.filter(unit=report.unit, period=str(report.period), data_element__code=element).first()
    return render(request, "collection/entry/_history.html", {
        "value": value, "changes": audit.value_history(value) if value else []})


@require_GET
@login_required
def value_history(request: HttpRequest, value_id: int) -> HttpResponse:
    value = audit.access_value(request.user, value_id)
    forms = Form.objects.filter(assignments__unit=value.unit, form_elements__data_element=value.data_element)
    return render(request, "collection/entry/history.html", {
        "value": value, "changes": audit.value_history(value), "forms": forms.distinct()})


@require_GET
@login_required
def export_history(request: HttpRequest, version: str, code: str, fmt: str) -> HttpResponse:
    """Every change of a unit's figures for periods ``tu`` … ``den`` (default: all), as CSV or XLSX."""
    if fmt not in CONTENT_TYPES:
        raise Http404("Chỉ tải về được dạng csv hoặc xlsx.")
    unit = Unit.objects.select_related("version").filter(version__name=version, code=code).first()
    if unit is None or not can_read_drafts(request.user, unit):
        raise Http404("Không tìm thấy đơn vị.")
    for param in ("tu", "den"):
        if any(ord(c) < 32 or ord(c) == 127 for c in request.GET.get(param, "")):
            return HttpResponse(f"Tham số '{param}' chứa ký tự xuống dòng hoặc ký tự điều khiển: ghi kỳ như "
                                "2024, 2024Q3 hoặc 2024-07.", status=400, content_type="text/plain; charset=utf-8")
    try:
        first = Period.parse(request.GET.get("tu") or "1900")
        last = Period.parse(request.GET.get("den") or "2100")
    except PeriodError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    # The file name is built from the periods as read, never from the raw parameters (a header cannot
    # hold a line break)
    name = (f"lich-su-{unit.version.name}-{unit.code}-{first if request.GET.get('tu') else 'dau'}-"
            f"{last if request.GET.get('den') else 'nay'}")
    history = audit.unit_history(unit, first, last)[:audit.MAX_ROWS]
    if fmt == "csv":  # streamed: rows are read from the database and written out a batch at a time
        response: HttpResponse | StreamingHttpResponse = StreamingHttpResponse(
            csv_stream(HISTORY_HEADER, history_rows(history.iterator(chunk_size=2000))),
            content_type=CONTENT_TYPES[fmt])
    else:
        response = HttpResponse(audit.export(unit, first, last, fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
