"""The map's change count, kept by triggers on the units table (PostgreSQL and SQLite)."""

from django.db import migrations, models

# Added or removed units, and units whose parent, depth or version changed (not a renamed one): the map's shape.
POSTGRES = """
CREATE FUNCTION units_map_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO units_mapstamp (id, changes) VALUES (1, 1)
        ON CONFLICT (id) DO UPDATE SET changes = units_mapstamp.changes + 1;
    RETURN NULL;
END $$;
CREATE TRIGGER units_map_added_or_removed AFTER INSERT OR DELETE OR TRUNCATE ON units_unit
    FOR EACH STATEMENT EXECUTE FUNCTION units_map_changed();
CREATE TRIGGER units_map_moved AFTER UPDATE OF parent_id, depth, version_id ON units_unit FOR EACH ROW
    WHEN (OLD.parent_id IS DISTINCT FROM NEW.parent_id OR OLD.depth IS DISTINCT FROM NEW.depth
          OR OLD.version_id IS DISTINCT FROM NEW.version_id)
    EXECUTE FUNCTION units_map_changed();
"""
POSTGRES_UNDO = """
DROP TRIGGER units_map_moved ON units_unit;
DROP TRIGGER units_map_added_or_removed ON units_unit;
DROP FUNCTION units_map_changed();
"""
_COUNT = ("INSERT INTO units_mapstamp (id, changes) VALUES (1, 1) "
          "ON CONFLICT (id) DO UPDATE SET changes = units_mapstamp.changes + 1;")
SQLITE = [
    f"CREATE TRIGGER units_map_added AFTER INSERT ON units_unit BEGIN {_COUNT} END",
    f"CREATE TRIGGER units_map_removed AFTER DELETE ON units_unit BEGIN {_COUNT} END",
    "CREATE TRIGGER units_map_moved AFTER UPDATE OF parent_id, depth, version_id ON units_unit FOR EACH ROW "
    "WHEN OLD.parent_id IS NOT NEW.parent_id OR OLD.depth IS NOT NEW.depth OR OLD.version_id IS NOT NEW.version_id "
    f"BEGIN {_COUNT} END",
]
SQLITE_UNDO = ["DROP TRIGGER units_map_added", "DROP TRIGGER units_map_removed", "DROP TRIGGER units_map_moved"]


def add_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    statements = {"postgresql": [POSTGRES], "sqlite": SQLITE}.get(schema_editor.connection.vendor)
    if statements is None:
        raise NotImplementedError(f"no map triggers for the {schema_editor.connection.vendor} database")
    for statement in statements:
        schema_editor.execute(statement)
    apps.get_model("units", "MapStamp").objects.create(id=1, changes=0)


def remove_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    for statement in {"postgresql": [POSTGRES_UNDO], "sqlite": SQLITE_UNDO}[schema_editor.connection.vendor]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('units', '0003_succession_estimated_share'),
    ]

    operations = [
        migrations.CreateModel(
            name='MapStamp',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('changes', models.BigIntegerField(default=0)),
            ],
            options={
                'verbose_name': 'dấu thay đổi bản đồ',
                'verbose_name_plural': 'dấu thay đổi bản đồ',
            },
        ),
        migrations.RunPython(add_triggers, remove_triggers),
    ]
