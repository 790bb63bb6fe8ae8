"""Shared helpers of the portal tests: write figures the one way they are written, read pages as text."""

from __future__ import annotations

import html
from decimal import Decimal

from django.test import Client

from chiso.collection.models import Form, FormElement, PeriodType, Status, Submission
from chiso.engine.periods import Period
from chiso.indicators.models import DataElement
from chiso.units.models import Unit
from chiso.values.actions import ValueEntry, do_set_values
from chiso.values.models import Channel, Qualifier

# A ward outside Đà Nẵng: the demo puts no figure on it, so a test owns every figure it shows.
BA_DINH = ("2025-07", "00004")


def unit(version: str, code: str) -> Unit:
    return Unit.objects.select_related("version").get(version__name=version, code=code)


def put(
    target: Unit,
    element: str,
    period: str,
    value: str | None,
    *,
    qualifier: str = Qualifier.EXACT,
    source: str = "",
    comment: str = "",
    illustrative: bool = False,
) -> None:
    entry = ValueEntry(
        data_element=DataElement.objects.get(code=element),
        unit=target,
        period=Period.parse(period),
        value=None if value is None else Decimal(value),
        qualifier=qualifier,
        source=source,
        comment=comment,
        is_illustrative=illustrative,
    )
    do_set_values([entry], acting_user=None, channel=Channel.DEMO)
    publish(target, element, period)


def publish(target: Unit, element: str, period: str) -> None:
    """Put the figure in an approved report, as public pages show only those."""
    form, _ = Form.objects.get_or_create(code="TEST-PORTAL", defaults={
        "name_vi": "Biểu mẫu thử", "name_en": "Test form", "period_type": PeriodType.ANY})
    FormElement.objects.get_or_create(form=form, data_element=DataElement.objects.get(code=element))
    Submission.objects.update_or_create(form=form, unit=target, period=period,
                                        defaults={"status": Status.APPROVED})


def page_text(client: Client, url: str) -> str:
    """The page's HTML with entities decoded, so '"' in a source reads as typed."""
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.content.decode())
