"""Tags the layout needs on every page: the hierarchy versions for the version switch, chart data."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.utils.translation import gettext as _

from chiso.portal.templatetags.vn import vn_date
from chiso.units import queries as units

register = template.Library()


@dataclass(frozen=True)
class VersionChoice:
    name: str
    label: str
    is_current: bool


@register.simple_tag
def version_choices() -> list[VersionChoice]:
    """Each hierarchy version with a short label: "2024 (đến 31/12/2024)", "2025-07 (hiện nay)"."""
    current = units.current_version()
    found = []
    for v in units.versions():
        if current is not None and v.pk == current.pk:
            label = _("%(name)s – đơn vị hiện nay") % {"name": v.name}
        elif v.valid_from is None:
            label = _("%(name)s – như đến %(end)s") % {"name": v.name, "end": vn_date(v.valid_to)}
        else:
            label = _("%(name)s – từ %(start)s đến %(end)s") % {
                "name": v.name, "start": vn_date(v.valid_from), "end": vn_date(v.valid_to)}
        found.append(VersionChoice(v.name, label, current is not None and v.pk == current.pk))
    return found


@register.simple_tag(takes_context=True)
def shown_version(context: template.Context) -> str:
    """The name of the hierarchy version the page is read in: its ``version``, else its unit's."""
    version = context.get("version")
    if version is not None:
        return str(version.name)
    unit = context.get("unit")
    return str(unit.version.name) if unit is not None else ""
