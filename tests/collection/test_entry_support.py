"""Shared helpers of the entry tests, and the URLconf they use. No tests here.

Until ``chiso/urls.py`` includes ``chiso.collection.entry.urls`` under ``nhap-lieu/``, the entry tests
run with this module as their URLconf (``pytest.mark.urls``); once it does, ``urlpatterns`` is the
project's own and the marker changes nothing.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import include, path

from chiso.urls import urlpatterns as _project

_included = any(getattr(p, "namespace", None) == "entry" for p in _project)
urlpatterns = list(_project) if _included else [path("nhap-lieu/", include("chiso.collection.entry.urls")),
                                                  *_project]

ENTRY_URLS = pytest.mark.urls(__name__)
MONTHLY = "BC-CDS-THANG-XA"
PERIOD = "2021-05"  # before the demo's series: no figure and no report yet for any ward


def grid_url(code: str = "20221", period: str = PERIOD, suffix: str = "", version: str = "2024",
             form: str = MONTHLY) -> str:
    return f"/nhap-lieu/{version}/{code}/{form}/{period}/{suffix}"


def put(code: str, value: int | str | None, unit_code: str = "20221", period: str = PERIOD, user=None,
        version: str = "2024", **extra):
    """Write a figure directly through do_set_values (the system when ``user`` is None)."""
    from chiso.engine.periods import Period
    from chiso.indicators.models import DataElement
    from chiso.units.models import Unit
    from chiso.values.actions import ValueEntry, do_set_values
    from chiso.values.models import Channel

    return do_set_values([ValueEntry(DataElement.objects.get(code=code),
                                     Unit.objects.get(version__name=version, code=unit_code),
                                     Period.parse(period), None if value is None else Decimal(value), **extra)],
                         acting_user=user, channel=Channel.WEB)


def stored(code: str, unit_code: str = "20221", period: str = PERIOD, version: str = "2024"):
    from chiso.values.models import DataValue

    return DataValue.objects.filter(data_element__code=code, unit__version__name=version, unit__code=unit_code,
                                    period=period).first()


def hidden(html: str, name: str) -> str:
    """The value of the input called ``name`` in a page."""
    found = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', html)
    assert found, f"no input {name}"
    return found.group(1)


def english(client):
    """The client reads the pages in English (the language cookie), as a visitor who chose it."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def vietnamese(client):
    """The client reads the pages in Vietnamese, the default (no language cookie)."""
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    return client
