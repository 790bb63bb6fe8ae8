"""The import benchmark (``chiso bench --import-rows N``): the real importer on a generated file, against bare inserts
of the same rows, leaving the database as it found it."""

from __future__ import annotations

import pytest

from chiso.collection.importer import benchmark
from chiso.values.models import DataValue, DataValueHistory

pytestmark = pytest.mark.django_db


def test_the_import_benchmark_imports_every_value_times_both_references_and_leaves_the_database_as_it_was():
    before = (DataValue.objects.count(), DataValueHistory.objects.count())
    rows = {row["metric"]: row for row in benchmark.run("test", rows=2_000)}  # raises unless 2.000 were created
    assert (DataValue.objects.count(), DataValueHistory.objects.count()) == before
    whole = rows["import 2.000 values, test"]
    throughput = rows["import throughput"]
    assert whole["unit"] == "s" and whole["reference"] > 0 and whole["goal"] == "≤ 3× bare insert"
    assert whole["met"] == (whole["value"] <= 3 * whole["reference"])
    assert throughput["met"] == (throughput["value"] >= 50_000)
    # the seconds are shown rounded to the hundredth: the throughput lies within what that rounding allows
    assert 2_000 / (whole["value"] + 0.005) - 1 <= throughput["value"] <= 2_000 / (whole["value"] - 0.005) + 1
    preview = rows["  read, resolve, check (preview)"]["value"]
    write = rows["  write (commit → do_set_values)"]["value"]
    assert abs(preview + write - whole["value"]) <= 0.02
    into_values = next(row for name, row in rows.items()
                       if name.startswith("  for information: the same rows inserted bare"))
    assert into_values["value"] > 0 and into_values["unit"] == "s"
    assert rows["  rule violations found"]["value"] == 0
