"""Giving a form to units: every unit of the given types under a root unit (the root included)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from chiso.collection.models import Form, FormAssignment
from chiso.units.models import Unit


@transaction.atomic
def assign_form(form: Form, root_unit: Unit, unit_types: Iterable[str] | None = None) -> int:
    """Assign ``form`` to ``root_unit``'s subtree, limited to ``unit_types`` (default: the form's own
    ``unit_types``; an empty list means every unit). Returns how many assignments are new."""
    types = list(form.unit_types if unit_types is None else unit_types)
    units = Unit.objects.filter(version=root_unit.version, path__startswith=root_unit.path)
    if types:
        units = units.filter(type__in=types)
    before = FormAssignment.objects.filter(form=form).count()
    new = [FormAssignment(form=form, unit_id=pk) for pk in units.values_list("pk", flat=True)]
    FormAssignment.objects.bulk_create(new, ignore_conflicts=True, batch_size=2000)
    return FormAssignment.objects.filter(form=form).count() - before
