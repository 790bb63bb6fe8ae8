"""The page of one indicator: definition, chart, table, map, all units ranked; CSV and XLSX."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from chiso.indicators.models import Indicator
from chiso.portal import dashboard, indicator_data, queries
from chiso.portal.views.common import version_of
from chiso.units import queries as units
from chiso.units.models import Unit


def _page(request: HttpRequest, code: str) -> indicator_data.IndicatorPage:
    indicator = (Indicator.objects.select_related("pillar", "numerator", "denominator", "reported")
                 .filter(code=code).first())
    if indicator is None:
        raise Http404("Không có chỉ tiêu mã này.")
    version = version_of(request)
    root_code = request.GET.get("don-vi", "").strip()
    root: Unit | None = units.unit_by_code(version.name, root_code) if root_code else queries.city(version)
    if root is None:
        raise Http404("Không có đơn vị mã này trong phiên bản này.")
    month = dashboard.as_of(root)
    if month is None:
        raise Http404("Chưa có số liệu nào.")
    return indicator_data.build(indicator, root, month)


def indicator_page(request: HttpRequest, code: str) -> HttpResponse:
    page = _page(request, code)
    return render(request, "portal/indicator.html", {
        "page": page, "indicator": page.indicator, "root": page.root, "version": page.root.version,
        "chart": page.chart(), "ranked_count": sum(1 for r in page.ranking if r.rank is not None),
        "pending": queries.pending(page.root, page.month),
    })


def indicator_download(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404("Chỉ tải được CSV hoặc XLSX.")
    page = _page(request, code)
    name = f"chiso-{page.indicator.code}-{page.root.version.name}-{page.root.code}"
    if fmt == "csv":
        response = HttpResponse(indicator_data.as_csv(page), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(indicator_data.as_xlsx(page), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def indicator_list(request: HttpRequest) -> HttpResponse:
    indicators = Indicator.objects.select_related("pillar").order_by("pillar__order", "code")
    groups: dict[str, list[Indicator]] = {}
    for indicator in indicators:
        groups.setdefault(indicator.pillar.code, []).append(indicator)
    pillars = [(items[0].pillar, items) for items in groups.values()]
    return render(request, "portal/indicators.html", {"pillars": pillars})
