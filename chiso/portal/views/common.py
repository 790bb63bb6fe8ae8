"""Helpers the page views share: the hierarchy version a page is read in, the page language."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from chiso.units import queries as units
from chiso.units.models import HierarchyVersion
from chiso.web.language import page_language

VERSION_PARAM = "v"


def version_of(request: HttpRequest) -> HierarchyVersion:
    """The version named by ``?v=``, else today's; 404 for an unknown name."""
    name = request.GET.get(VERSION_PARAM, "").strip()
    version = units.version_by_name(name) if name else units.current_version()
    if version is None:
        raise Http404("Không có phiên bản danh mục đơn vị này.")
    return version


def lang() -> str:
    return "en" if page_language() == "en" else "vi"
