"""The analytics benchmark: seeded labelled data, the measurement, its agreement with DuckDB and pandas.

Runs on the test database (the Đà Nẵng demo): a tiny subset, a few runs of each query.
"""

from __future__ import annotations

import json

import pytest

from chiso.bench.environment import BenchEnvironmentError, bench_url
from chiso.bench.generate import SOURCE, _batches, add_groups, month_list, write_values
from chiso.bench.measure import Metric, format_table, measure, scope_for
from chiso.demo.builder import COMMUNE_TYPES, generated_elements
from chiso.demo.profiles import RESIDENTIAL_GROUP_ELEMENTS
from chiso.units.models import Unit
from chiso.values.models import DataValue

METRICS = [
    "save one value → visible in Thành phố Đà Nẵng aggregate (worst of 2)",
    "dashboard: 30 indicators × 6 months, one commune — p50",
    "dashboard: 30 indicators × 6 months, one commune — p95",
    "one indicator × 94 communes, one month — p50",
    "one indicator × 94 communes, one month — p95",
    "one indicator, Thành phố Đà Nẵng aggregate, one month — p50",
    "one indicator, Thành phố Đà Nẵng aggregate, one month — p95",
    "pandas: dashboard: 30 indicators × 6 months, one commune — p95",
    "pandas: one indicator × 94 communes, one month — p95",
    "pandas: one indicator, Thành phố Đà Nẵng aggregate, one month — p95",
    "without roll-ups: one indicator, Thành phố Đà Nẵng aggregate, one month, adding up the raw figures — p95",
    "pandas: update one value + aggregate (worst)",
    "reference set-up: export raw values, load DuckDB and pandas",
    "peak memory before loading DuckDB and pandas (ru_maxrss)",
    "peak memory of the whole run, references included (ru_maxrss)",
    "Python memory of one query over 94 communes (tracemalloc peak)",
    "same answers as DuckDB and pandas (±1e-9)",
]


@pytest.mark.demo
@pytest.mark.django_db
def test_the_measurement_on_the_demo_city_agrees_with_duckdb_and_pandas():
    root = Unit.objects.select_related("version").get(version__name="2025-07", code="48")
    scope = scope_for(root, month_list(6))  # the 2025-07 map holds 2025-07 … 2025-12
    assert len(scope.communes) == 94 and len(scope.dashboard_codes) == 30
    outcome = measure(scope, repeats=2, budget=5, saves=2, log=lambda _: None)
    assert [m.metric for m in outcome.metrics] == METRICS
    assert outcome.same_answers, outcome.mismatches[:5]
    assert outcome.samples["compared"] > 3 * 30 * 6
    table = {m.metric: m for m in outcome.metrics}
    without = table["without roll-ups: one indicator, Thành phố Đà Nẵng aggregate, one month, adding up the raw "
                    "figures — p95"]
    assert without.unit == "ms" and without.reference
    assert table["same answers as DuckDB and pandas (±1e-9)"].value == "yes"
    save = table["save one value → visible in Thành phố Đà Nẵng aggregate (worst of 2)"]
    assert save.unit == "ms" and save.reference and save.goal == "≤ 1 s"
    rows = json.loads(json.dumps([m.as_dict() for m in outcome.metrics], ensure_ascii=False))
    assert all(set(row) == {"metric", "value", "unit", "reference", "ratio", "goal", "met"} for row in rows)


@pytest.mark.django_db
def test_generated_values_are_seeded_labelled_and_add_up_for_residential_groups():
    communes = list(Unit.objects.filter(version__name="2025-07", type__in=COMMUNE_TYPES,
                                        parent__code="01").order_by("code")[:2])
    groups = add_groups(communes, 2)
    months = month_list(6)
    codes = generated_elements()
    first = list(_batches(communes, groups, codes, months))
    assert first == list(_batches(communes, groups, codes, months))  # seeded: the same values every time
    count = write_values(communes, groups, codes, months, log=lambda _: None)
    group_codes = [c for c in RESIDENTIAL_GROUP_ELEMENTS if c in codes]
    assert count == 2 * len(codes) * 6 + 4 * len(group_codes) * 6
    written = DataValue.objects.filter(unit__in=[*communes, *[g for gs in groups.values() for g in gs]])
    assert written.count() == count
    assert not written.exclude(is_illustrative=True).exclude(source=SOURCE).exists()
    commune = communes[0]
    mine = written.get(unit=commune, data_element__code="DS", period="2025-12").value
    groups_of = written.filter(unit__parent=commune, data_element__code="DS", period="2025-12")
    parts = sum(v.value for v in groups_of)
    assert abs(parts - mine) <= 1  # the groups' shares add up to one (up to rounding)


def test_the_benchmark_never_empties_a_database_whose_name_does_not_say_bench(tmp_path):
    with pytest.raises(BenchEnvironmentError, match="does not contain 'bench'"):
        bench_url(["bench", "--database-url", "postgres://postgres@127.0.0.1:5432/chiso"], tmp_path)
    assert bench_url(["bench"], tmp_path) == f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    assert bench_url(["bench", "--database", "postgres"], tmp_path).endswith("/chiso_bench")


def test_the_table_has_the_columns_and_says_met_or_not_met():
    text = format_table(["header"], [Metric("a query — p95", 120.0, "ms", 10.0, 12.0, "≤ 100 ms", False),
                                     Metric("full recompute", "none – computed on read")])
    lines = text.splitlines()
    assert lines[0] == "header"
    assert lines[2].split() == ["metric", "value", "unit", "reference", "(DuckDB)", "ratio", "goal", "met"]
    assert lines[4].endswith("≤ 100 ms  not met") and "12×" in lines[4]
