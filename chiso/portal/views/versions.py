"""The hierarchy-version switch on every page: "as it was in 2024" or "today's units".

A page read in a version (``?v=``) is reloaded in the chosen one. A unit — a unit's page, or the unit an
indicator page is read for (``?don-vi=``) — is carried over by the successions, never by its bare code
(20209 was phường Xuân Hà in 2024 and is phường Thanh Khê today): it goes to the unit it became (a newer
version) or came from (an older one); when that is several units, a page lists them to choose from.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from chiso.portal.views.common import VERSION_PARAM
from chiso.units import queries as units
from chiso.units.models import HierarchyVersion, Unit

UNIT_PARAM = "don-vi"  # the unit an indicator page is read for
OPEN_PARAM = "open"  # the unit the unit tree opens on


def switch_version(request: HttpRequest) -> HttpResponse:
    version = units.version_by_name(request.GET.get(VERSION_PARAM, "").strip())
    if version is None:
        raise Http404("Không có phiên bản danh mục đơn vị này.")
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    parts = urlsplit(target)
    try:
        match = resolve(parts.path)
    except Resolver404:
        match = None
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != VERSION_PARAM]
    if match is not None and match.url_name == "unit":
        unit = units.unit_by_code(match.kwargs["version"], match.kwargs["code"])
        if unit is not None:
            found = units.counterparts(unit, version)
            if len(found) == 1:
                return HttpResponseRedirect(reverse("portal:unit", args=[version.name, found[0].code]))
            return _choices(request, unit, version, back=target,
                            links=[(u, reverse("portal:unit", args=[u.version.name, u.code])) for u in found])
    code = dict(query).get(UNIT_PARAM, "").strip()
    if match is not None and match.url_name in ("indicator", "indicator_download") and code:
        shown = dict(parse_qsl(parts.query)).get(VERSION_PARAM, "").strip()
        old = units.version_by_name(shown) if shown else units.current_version()
        unit = units.unit_by_code(old.name, code) if old is not None else None
        if unit is not None:
            found = units.counterparts(unit, version)
            rest = [(k, v) for k, v in query if k != UNIT_PARAM]

            def link(u: Unit) -> str:
                return _url(parts.path, [*rest, (VERSION_PARAM, version.name), (UNIT_PARAM, u.code)])

            if len(found) == 1:
                return HttpResponseRedirect(link(found[0]))
            return _choices(request, unit, version, back=target, links=[(u, link(u)) for u in found],
                            whole=_url(parts.path, [*rest, (VERSION_PARAM, version.name)]))
    if match is not None and match.url_name == "tree" and dict(query).get(OPEN_PARAM, "").strip():
        query = _tree_query(query, parts.query, version)
    return HttpResponseRedirect(_url(parts.path, [*query, (VERSION_PARAM, version.name)]))


def _tree_query(query: list[tuple[str, str]], raw: str, version: HierarchyVersion) -> list[tuple[str, str]]:
    """The unit tree opened on a unit (``?open=``) opens, in ``version``, on what that unit became or came
    from; on several units, on the one that holds them all; on none, on the default."""
    shown = dict(parse_qsl(raw)).get(VERSION_PARAM, "").strip()
    old = units.version_by_name(shown) if shown else units.current_version()
    unit = units.unit_by_code(old.name, dict(query)[OPEN_PARAM].strip()) if old is not None else None
    rest = [(k, v) for k, v in query if k != OPEN_PARAM]
    if unit is None:
        return rest
    found = units.counterparts(unit, version)
    if len(found) > 1:
        common = [u for u in units.ancestors(found[0]) if all(f.path.startswith(u.path) for f in found)]
        found = common[-1:]
    return [*rest, (OPEN_PARAM, found[0].code)] if found else rest


def _url(path: str, query: list[tuple[str, str]]) -> str:
    return urlunsplit(("", "", path, urlencode(query), ""))


def _choices(request: HttpRequest, unit: Unit, version: HierarchyVersion, *, back: str,
             links: list[tuple[Unit, str]], whole: str = "") -> HttpResponse:
    """The units ``unit`` corresponds to in ``version`` (none, or several), each a link to the same page."""
    return render(request, "portal/counterparts.html", {"unit": unit, "version": version, "links": links,
                                                         "back": back, "whole": whole})
