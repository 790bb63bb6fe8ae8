"""Reads of the registers: what a reader may see, per unit (and its subtree) and kind, and one entry with its history.

The read rule is ``accounts.access.can_read_register``: entries of a public kind (markets, schools, health
facilities, OCOP products, heritage sites, cashless streets) are public; the others (households without a
smartphone, counted per thôn) only for whoever may read the unit's unpublished figures. Whatever a reader may not
see is as if it did not exist (404 on pages and in the API).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q, QuerySet

from chiso.accounts.access import can_read_register, unpublished_read_prefixes
from chiso.accounts.models import WRITE_ROLES, RoleAssignment
from chiso.registers.kinds import KINDS, Kind, Value
from chiso.registers.models import Entry, EntryEvent
from chiso.units.models import Unit

User = AbstractBaseUser | AnonymousUser | None


def _private_condition(user: User) -> Q:
    """Entries of private kinds the user may read (by the path of the entry's unit)."""
    prefixes = unpublished_read_prefixes(user)
    if prefixes is None:
        return Q()
    condition = Q(pk__in=[])
    for prefix in prefixes:
        condition |= Q(unit__path__startswith=prefix)
    return condition


def readable(user: User) -> QuerySet[Entry]:
    public = [k.code for k in KINDS.values() if k.public]
    return Entry.objects.filter(Q(kind__in=public) | (~Q(kind__in=public) & _private_condition(user)))


def entries_under(user: User, unit: Unit, kind: Kind | None = None, *, retired: bool = False) -> QuerySet[Entry]:
    """The entries ``user`` may read on ``unit`` and below it, of ``kind`` (None: every kind), active ones unless
    ``retired``."""
    found = readable(user).filter(unit__path__startswith=unit.path).select_related("unit", "unit__version")
    if kind is not None:
        found = found.filter(kind=kind.code)
    if not retired:
        found = found.filter(active=True)
    return found.order_by("unit__path", "name", "id")


def kinds_under(user: User, unit: Unit) -> list[tuple[Kind, int]]:
    """(kind, active entries the reader may see on the unit and below) for every kind, in the order of KINDS."""
    counted = dict(entries_under(user, unit).values("kind").annotate(n=Count("id")).values_list("kind", "n"))
    return [(kind, counted.get(code, 0)) for code, kind in KINDS.items()
            if kind.public or can_read_register(user, unit, public=False) or counted.get(code)]


def own_units(user: User) -> list[Unit]:
    """The units ``user`` writes directly (its grants, not the units below them): the registers it keeps."""
    if user is None or not user.is_authenticated:
        return []
    grants = (RoleAssignment.objects.filter(user_id=user.pk, role__in=list(WRITE_ROLES))
              .select_related("unit__version", "unit__parent").order_by("unit__path"))
    return list({g.unit_id: g.unit for g in grants}.values())


def readable_entry(user: User, entry_id: int) -> Entry | None:
    if not 0 < entry_id < 2**63:  # an id no database column holds: absent, not a database error
        return None
    entry = Entry.objects.select_related("unit", "unit__version", "unit__parent").filter(pk=entry_id).first()
    if entry is None or entry.kind not in KINDS:
        return None
    if not can_read_register(user, entry.unit, public=KINDS[entry.kind].public):
        return None
    return entry


def history(entry: Entry) -> list[EntryEvent]:
    return list(entry.events.select_related("changed_by", "unit").order_by("-revision"))


@dataclass(frozen=True)
class Shown:
    """One attribute of an entry as a page shows it."""

    label: str
    text: str


def shown(kind: Kind, attributes: dict[str, Value]) -> list[Shown]:
    return [Shown(a.label, a.show(attributes.get(a.code))) for a in kind.attributes]


def show_change(kind: Kind, change: dict[str, object]) -> tuple[str, str, str]:
    """(label, old, new) of one change of an event, as people read them."""
    name = str(change.get("field", ""))
    try:
        attribute = kind.attribute(name)
    except KeyError:
        def text(v: object) -> str:
            return "có" if v is True else "không" if v is False else "" if v is None else str(v)
        return str(change.get("label", name)), text(change.get("old")), text(change.get("new"))
    return attribute.label, attribute.show(change.get("old")), attribute.show(change.get("new"))  # type: ignore[arg-type]
