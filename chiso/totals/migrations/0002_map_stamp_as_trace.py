"""The roll-ups' map trace becomes the map's change count (``units.MapStamp``): roll-ups built on the map as it is
stay current across the upgrade (their old trace, count:max id:sum of parents:sum of depths, still matches)."""

from django.db import migrations

OLD_TRACE = ("SELECT count(*) || ':' || coalesce(max(id), 0) || ':' || coalesce(sum(parent_id), 0) || ':' || "
             "coalesce(sum(depth), 0) FROM units_unit")


def to_change_count(apps, schema_editor):  # type: ignore[no-untyped-def]
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(OLD_TRACE)
        old = str(cursor.fetchone()[0])
        cursor.execute("SELECT coalesce((SELECT max(changes) FROM units_mapstamp), 0)")
        count = str(cursor.fetchone()[0])
    apps.get_model("totals", "TotalsState").objects.filter(units=old).update(units=count)


class Migration(migrations.Migration):

    dependencies = [
        ('totals', '0001_roll_ups'),
        ('units', '0004_map_stamp'),
    ]

    operations = [
        migrations.RunPython(to_change_count, migrations.RunPython.noop),
    ]
