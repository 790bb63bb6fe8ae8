"""The audit trail of figures: a figure's history, a unit's history over periods, CSV and XLSX exports.

Every change of a figure is a ``DataValueHistory`` row written by ``do_set_values``: old → new, who,
when, through which channel, why.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from chiso.accounts.access import can_read_drafts
from chiso.engine.periods import Period
from chiso.units.models import Unit
from chiso.values.models import DataValue, DataValueHistory

User = AbstractBaseUser | AnonymousUser
MAX_ROWS = 200_000


def access_value(user: User, value_id: int) -> DataValue:
    """A figure whose unit's drafts the user may read; Http404 otherwise, as if it did not exist."""
    value = DataValue.objects.select_related("data_element", "unit__version").filter(pk=value_id).first()
    if value is None or not can_read_drafts(user, value.unit):
        raise Http404("Không tìm thấy số liệu.")
    return value


def value_history(value: DataValue) -> list[DataValueHistory]:
    """The figure's changes, newest first."""
    return list(value.history.select_related("changed_by").order_by("-revision"))


def unit_history(unit: Unit, first: Period, last: Period) -> QuerySet[DataValueHistory]:
    """Every change of the unit's figures whose period lies within ``first`` … ``last``."""
    return (DataValueHistory.objects
            .filter(data_value__unit=unit, data_value__period_start__gte=first.start,
                    data_value__period_end__lte=last.end)
            .select_related("data_value__data_element", "data_value__unit__version", "changed_by")
            .order_by("data_value__period_start", "data_value__period_end", "data_value__data_element__code",
                      "revision"))


def export(unit: Unit, first: Period, last: Period, fmt: str) -> bytes:
    """The unit's history as CSV or XLSX, in the project's export format (``collection.exports``: every
    cell through ``safe_cell``, so no text can run as a spreadsheet formula)."""
    from chiso.collection.exports import history_export

    return history_export(unit_history(unit, first, last)[:MAX_ROWS], fmt)
