"""Template filters of the ranking pages: points with at most two decimals, a stored ISO date as dd/mm/yyyy.

{% load ranking_tags %}  {{ 12.5|pts }} → 12,5 · {{ "2024-06-03"|iso_date }} → 03/06/2024
"""

from __future__ import annotations

from datetime import date

from django import template

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
