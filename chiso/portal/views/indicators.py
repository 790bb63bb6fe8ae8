"""The page of one indicator: definition, chart, table, map, all units ranked; CSV and XLSX."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from chiso.indicators.models import Indicator
from chiso.portal import dashboard, indicator_data, indicator_files, queries
from chiso.portal.views.common import version_of
from chiso.units import queries as units
from chiso.units.models import Unit
from chiso.web.language import page_language


def _page(request: HttpRequest, code: str, lang: str | None = None) -> indicator_data.IndicatorPage:
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
    return indicator_data.build(indicator, root, month, lang or page_language())


def indicator_page(request: HttpRequest, code: str) -> HttpResponse:
    page = _page(request, code)
    return render(request, "portal/indicator.html", {
        "page": page, "indicator": page.indicator, "root": page.root, "version": page.root.version,
        "chart": page.chart(), "ranked_count": sum(1 for r in page.ranking if r.rank is not None),
        "pending": queries.pending(page.root, page.month), "card": page.card,
        "scopes": _scopes(page), "tables": indicator_files.TABLES,
        "page_forms": indicator_data.reporting_forms(page.indicator, page_language()),
        "publisher": indicator_data.publisher_name(page_language()),
    })


def _scopes(page: indicator_data.IndicatorPage) -> list[Unit]:
    """The units the scope picker offers: the city, the area, and the wards/communes of the area."""
    city = queries.city(page.root.version)
    found = [u for u in (city, page.scope_area) if u is not None]
    found += [r.row.unit for r in sorted(page.ranking, key=lambda r: r.row.unit.name)]
    seen: set[int] = set()
    return [u for u in found if not (u.pk in seen or seen.add(u.pk))]  # type: ignore[func-returns-value]


def _download_language(request: HttpRequest) -> str:
    """``?lang=en`` or ``?lang=vi`` when given, else the language the visitor reads the site in."""
    asked = request.GET.get("lang", "")
    return asked if asked in ("vi", "en") else page_language()


def indicator_download(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """One table as CSV (``bang``: theo-nam, the default; theo-thang; theo-don-vi), or all of them as XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404("Chỉ tải được CSV hoặc XLSX.")
    which = request.GET.get("bang") or indicator_files.TABLES[0]
    if which not in indicator_files.TABLES:
        raise Http404("Bảng phải là theo-nam, theo-thang hoặc theo-don-vi.")
    lang = _download_language(request)
    page = _page(request, code, lang)
    if fmt == "csv":
        response = HttpResponse(indicator_files.as_csv(page, which, lang), content_type="text/csv; charset=utf-8")
        name = indicator_files.file_name(page, which, fmt)
    else:
        response = HttpResponse(indicator_files.as_xlsx(page, lang), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        name = indicator_files.file_name(page, None, fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def indicator_list(request: HttpRequest) -> HttpResponse:
    indicators = Indicator.objects.select_related("pillar").order_by("pillar__order", "code")
    groups: dict[str, list[Indicator]] = {}
    for indicator in indicators:
        groups.setdefault(indicator.pillar.code, []).append(indicator)
    pillars = [(items[0].pillar, items) for items in groups.values()]
    return render(request, "portal/indicators.html", {"pillars": pillars})
