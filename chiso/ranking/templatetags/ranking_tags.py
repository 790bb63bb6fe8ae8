"""Template filters of the ranking pages: points with at most two decimals, a stored ISO date as dd/mm/yyyy,
a file's size; the evidence file input's accepted types and size limit.

{% load ranking_tags %}  {{ 12.5|pts }} → 12,5 · {{ "2024-06-03"|iso_date }} → 03/06/2024 ·
{{ 1572864|file_size }} → 1,5 MB · {% evidence_accept %} · {% evidence_limit %} → 10 MB
"""

from __future__ import annotations

from datetime import date

from django import template
from django.conf import settings

from chiso.ranking import evidence
from chiso.ranking.pages import points

register = template.Library()


@register.filter
def pts(value: object) -> str:
    if value is None or value == "":
        return "–"
    try:
        return points(float(str(value)))
    except ValueError:
        return str(value)


@register.filter
def iso_date(value: object) -> str:
    try:
        return f"{date.fromisoformat(str(value)):%d/%m/%Y}" if value else ""
    except ValueError:
        return str(value)


@register.filter
def file_size(value: object) -> str:
    try:
        return evidence.size_text(int(str(value)))
    except ValueError:
        return ""


@register.simple_tag
def evidence_accept() -> str:
    return evidence.ACCEPT


@register.simple_tag
def evidence_limit() -> str:
    return evidence.size_text(settings.EVIDENCE_FILE_MAX_BYTES)
