"""The hierarchy-version switch on every page: "as it was in 2024" or "today's units".

A page read in a version (``?v=``) is reloaded in the chosen one. A unit's page goes to the unit it
became (a newer version) or came from (an older one); when that is several units, a page lists them.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from chiso.portal import queries
from chiso.portal.views.common import VERSION_PARAM
from chiso.units import queries as units


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
    if match is not None and match.url_name == "unit":
        unit = units.unit_by_code(match.kwargs["version"], match.kwargs["code"])
        if unit is not None:
            found = queries.counterparts(unit, version)
            if len(found) == 1:
                return HttpResponseRedirect(reverse("portal:unit", args=[version.name, found[0].code]))
            return render(request, "portal/counterparts.html",
                          {"unit": unit, "version": version, "found": found})
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != VERSION_PARAM] + [(VERSION_PARAM, version.name)]
    return HttpResponseRedirect(urlunsplit(("", "", parts.path, urlencode(query), "")))
