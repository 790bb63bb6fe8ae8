"""The map's change count (``units.MapStamp``), kept by the database's triggers: what the roll-ups are checked
against on every read, in one row instead of adding up every unit."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from chiso.totals.measures import units_mark
from chiso.totals.models import TotalsState
from chiso.units.models import HierarchyVersion, Unit

pytestmark = pytest.mark.django_db


def _ward() -> Unit:
    found = Unit.objects.filter(version__name="2025-07", type="phuong").order_by("path").first()
    assert found is not None
    return found


def test_adding_moving_or_removing_a_unit_changes_the_mark_and_renaming_it_does_not():
    ward = _ward()
    other = Unit.objects.filter(version=ward.version, type="phuong").exclude(pk=ward.pk).order_by("path").first()
    assert other is not None
    start = int(units_mark())
    group = Unit.objects.create(version=ward.version, code="t-stamp", name="Tổ 1", type="to_dan_pho", parent=ward)
    assert int(units_mark()) == start + 1
    group.name = "Tổ dân phố 1"
    group.save()  # every column written again, the parent among them: not a change of the map
    Unit.objects.filter(pk=ward.pk).update(name="Phường đổi tên")
    assert int(units_mark()) == start + 1
    Unit.objects.filter(pk=group.pk).update(parent=other)
    assert int(units_mark()) == start + 2
    Unit.objects.filter(pk=group.pk).update(version=HierarchyVersion.objects.exclude(pk=ward.version_id).first())
    assert int(units_mark()) == start + 3
    Unit.objects.filter(pk=group.pk).delete()
    assert int(units_mark()) == start + 4


def test_one_statement_adding_many_units_changes_the_mark():
    ward = _ward()
    start = int(units_mark())
    Unit.objects.bulk_create([Unit(version=ward.version, code=f"t-many-{i}", name=f"Tổ {i}", type="to_dan_pho",
                                   parent=ward, path=f"{ward.path}x{i}/", depth=ward.depth + 1) for i in range(50)])
    assert int(units_mark()) > start  # once per statement (PostgreSQL) or per row (SQLite)


def test_the_upgrade_keeps_roll_ups_built_on_the_same_map_current_and_others_not():
    migration = importlib.import_module("chiso.totals.migrations.0002_map_stamp_as_trace")
    with connection.cursor() as cursor:
        cursor.execute(migration.OLD_TRACE)
        old = str(cursor.fetchone()[0])
    TotalsState.objects.all().delete()
    same = TotalsState.objects.create(built=True, units=old)
    stale = TotalsState.objects.create(built=True, units="1:2:3:4")
    migration.to_change_count(apps, SimpleNamespace(connection=connection))
    same.refresh_from_db()
    stale.refresh_from_db()
    assert (same.units, stale.units) == (units_mark(), "1:2:3:4")
