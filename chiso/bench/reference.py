"""The same answers from the same raw values, computed by DuckDB and by pandas.

The raw values (unit, data element, period, value) of one hierarchy version are exported once from
the database to a CSV file, which DuckDB (in memory) and pandas each read. Their queries are written
for the benchmark's data, where the communes carry the figures: a rate of a commune is its own
numerator ÷ denominator, an aggregate is the sum over the communes of the numerators and of the
denominators, divided at the end. They do not implement the engine's general rules (own figure
versus children's total, mixed period kinds, successions), so they are a lower bound for speed.

An answer is, per indicator, (numerator, denominator) for a ratio and (value, None) otherwise; a
ratio missing either part is (None, None), as the engine counts only units that reported both.
"""

from __future__ import annotations

import csv
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

from chiso.indicators.models import Indicator
from chiso.units.models import Unit
from chiso.values.models import DataValue

Answer = tuple[float | None, float | None]


@dataclass(frozen=True)
class Part:
    code: str
    element_id: int
    role: str  # "num" or "den"


def indicator_parts(codes: list[str]) -> tuple[list[Part], dict[str, tuple[bool, float, int]]]:
    """What each indicator adds up, and (is a ratio, factor, decimals) per indicator."""
    parts, info = [], {}
    for i in Indicator.objects.filter(code__in=codes):
        if i.is_ratio:
            parts += [Part(i.code, i.numerator_id, "num"), Part(i.code, i.denominator_id, "den")]  # type: ignore[arg-type]
        else:
            parts.append(Part(i.code, i.reported_id, "num"))
        info[i.code] = (i.is_ratio, float(i.factor), i.decimals)
    missing = set(codes) - set(info)
    if missing:
        raise ValueError(f"not indicators: {', '.join(sorted(missing))}")
    return parts, info


def export_values(version_id: int, path: Path) -> int:
    """Write unit_id, element_id, period, value of every live figure of the version to ``path`` (CSV)."""
    values = DataValue._meta.db_table
    units = Unit._meta.db_table
    query = (f"SELECT v.unit_id, v.data_element_id, v.period, v.value FROM {values} v "
             f"JOIN {units} u ON u.id = v.unit_id WHERE u.version_id = {int(version_id)} "
             "AND NOT v.is_deleted AND v.value IS NOT NULL")
    connection.ensure_connection()
    count = 0
    if connection.vendor == "postgresql":
        with path.open("wb") as out, connection.connection.cursor() as cursor, cursor.copy(
                f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER)") as copy:
            for data in copy:
                out.write(data)
                count += bytes(data).count(b"\n")
        return count - 1
    with path.open("w", newline="", encoding="utf-8") as out, connection.cursor() as cursor:
        writer = csv.writer(out)
        writer.writerow(["unit_id", "data_element_id", "period", "value"])
        cursor.execute(query)
        while rows := cursor.fetchmany(100_000):
            writer.writerows(rows)
            count += len(rows)
    return count


class Reference:
    """DuckDB and pandas holding the same raw values, answering the benchmark's three questions.

    Each holds the values twice, in the order that suits each question: by unit (a commune's
    dashboard reads one unit's rows) and by data element and period (one indicator across all
    communes reads two elements' rows of one month). DuckDB then skips the row groups a filter
    rules out; pandas slices with a binary search. An update changes both copies.
    """

    def __init__(self, version_id: int, communes: list[int], dashboard_codes: list[str], cross_code: str):
        import duckdb
        import pandas as pd

        self.pd = pd
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="chiso-bench-ref-") as folder:
            path = Path(folder) / "values.csv"
            self.count = export_values(version_id, path)
            self.export_seconds = time.perf_counter() - started
            started = time.perf_counter()
            self.duck = duckdb.connect(":memory:")
            self.duck.execute(
                "CREATE TEMP TABLE raw AS SELECT * FROM read_csv(?, header = true, columns = {"
                "'unit_id': 'BIGINT', 'element_id': 'BIGINT', 'period': 'VARCHAR', 'value': 'DOUBLE'})",
                [str(path)])
            for table, order in (("by_unit", "unit_id, element_id, period"),
                                 ("by_element", "element_id, period, unit_id")):
                self.duck.execute(f"CREATE TABLE {table} AS SELECT * FROM raw ORDER BY {order}")
            self.duck.execute("DROP TABLE raw")
            self.duck_seconds = time.perf_counter() - started
            started = time.perf_counter()
            frame = pd.read_csv(path, header=0, names=["unit_id", "element_id", "period", "value"],
                                dtype={"unit_id": "int64", "element_id": "int64", "period": "category",
                                       "value": "float64"})
        self.by_unit = frame.sort_values(["unit_id", "element_id", "period"]).reset_index(drop=True)
        self.by_element = frame.sort_values(["element_id", "period", "unit_id"]).reset_index(drop=True)
        del frame
        self.unit_column = self.by_unit["unit_id"].to_numpy()
        self.element_column = self.by_element["element_id"].to_numpy()
        self.pandas_seconds = time.perf_counter() - started
        self.parts: dict[str, list[Part]] = {}
        self.info: dict[str, tuple[bool, float, int]] = {}
        for name, codes in {"dash": list(dashboard_codes), "cross": [cross_code]}.items():
            self.parts[name], info = indicator_parts(codes)
            self.info |= info
        rows = [(p.code, p.element_id, p.role) for p in self.parts["dash"]]
        self.duck.execute("CREATE TABLE dash_parts (code VARCHAR, element_id BIGINT, role VARCHAR)")
        self.duck.executemany("INSERT INTO dash_parts VALUES (?, ?, ?)", rows)
        self.duck.execute("CREATE TABLE ind (code VARCHAR, ratio BOOLEAN, factor DOUBLE, decimals INTEGER)")
        self.duck.executemany("INSERT INTO ind VALUES (?, ?, ?, ?)", [(c, *v) for c, v in self.info.items()])
        self.duck.execute("CREATE TABLE communes (id BIGINT PRIMARY KEY)")
        self.duck.executemany("INSERT INTO communes VALUES (?)", [(c,) for c in communes])
        self.commune_ids = pd.Index(communes)
        self.dash_parts = pd.DataFrame(rows, columns=["code", "element_id", "role"])
        self.cross_code = cross_code
        cross = {p.role: p.element_id for p in self.parts["cross"]}
        self.num_id, self.den_id = cross["num"], cross.get("den")

    # --- answers --------------------------------------------------------------------------------

    def _finish(self, code: str, num: float | None, den: float | None) -> Answer:
        if self.info[code][0]:
            return (num, den) if num is not None and den is not None else (None, None)
        return num, None

    def duck_dashboard(self, unit_id: int, periods: list[str]) -> dict[tuple[str, str], Answer]:
        marks = ", ".join("?" for _ in periods)
        rows = self.duck.execute(
            "SELECT q.code, q.period, q.num, q.den, CASE WHEN i.ratio "
            "THEN round(q.num / nullif(q.den, 0) * i.factor, i.decimals) ELSE q.num END AS value "
            "FROM (SELECT p.code, v.period, sum(v.value) FILTER (WHERE p.role = 'num') AS num, "
            "sum(v.value) FILTER (WHERE p.role = 'den') AS den "
            "FROM by_unit v JOIN dash_parts p ON p.element_id = v.element_id "
            f"WHERE v.unit_id = ? AND v.period IN ({marks}) GROUP BY p.code, v.period) q "
            "JOIN ind i USING (code)",
            [unit_id, *periods]).fetchall()
        return {(code, period): self._finish(code, num, den) for code, period, num, den, _ in rows}

    _PER_COMMUNE = ("SELECT v.unit_id, sum(v.value) FILTER (WHERE v.element_id = $num) AS num, "
                    "sum(v.value) FILTER (WHERE v.element_id = $den) AS den FROM by_element v "
                    "WHERE v.element_id IN ($num, $den) AND v.period = $period "
                    "AND v.unit_id IN (SELECT id FROM communes) GROUP BY v.unit_id")

    def duck_cross(self, period: str) -> dict[int, Answer]:
        rows = self.duck.execute(
            f"SELECT unit_id, num, den, num / nullif(den, 0) AS rate FROM ({self._PER_COMMUNE})",
            {"num": self.num_id, "den": self.den_id, "period": period}).fetchall()
        return {unit: self._finish(self.cross_code, num, den) for unit, num, den, _ in rows}

    def duck_total(self, period: str) -> Answer:
        ratio = self.info[self.cross_code][0]
        row = self.duck.execute(
            f"SELECT sum(num), sum(den), sum(num) / nullif(sum(den), 0) FROM ({self._PER_COMMUNE}) "
            "WHERE num IS NOT NULL AND (den IS NOT NULL OR NOT $ratio)",
            {"num": self.num_id, "den": self.den_id, "period": period, "ratio": ratio}).fetchone()
        return self._finish(self.cross_code, row[0], row[1])

    def duck_update(self, unit_id: int, element_id: int, period: str, value: float) -> None:
        for table in ("by_unit", "by_element"):
            self.duck.execute(f"UPDATE {table} SET value = ? WHERE unit_id = ? AND element_id = ? "
                              "AND period = ?", [value, unit_id, element_id, period])

    def pandas_dashboard(self, unit_id: int, periods: list[str]) -> dict[tuple[str, str], Answer]:
        import numpy as np

        lo, hi = np.searchsorted(self.unit_column, [unit_id, unit_id + 1])
        mine = self.by_unit.iloc[lo:hi]
        mine = mine[mine["period"].isin(periods)]
        joined = mine.merge(self.dash_parts, on="element_id")
        table = joined.groupby(["code", "period", "role"], observed=True)["value"].sum().unstack("role")
        for role in ("num", "den"):
            if role not in table:
                table[role] = float("nan")
        table["rate"] = table["num"] / table["den"].where(table["den"] != 0)
        found = {}
        for (code, period), num, den in zip(table.index, table["num"], table["den"], strict=True):
            found[(code, str(period))] = self._finish(code, _num(num), _num(den))
        return found

    def _element(self, element_id: int | None, period: str):  # type: ignore[no-untyped-def]
        """One element's values of one month, by commune (a Series indexed by unit id)."""
        import numpy as np

        if element_id is None:
            return None
        lo, hi = np.searchsorted(self.element_column, [element_id, element_id + 1])
        rows = self.by_element.iloc[lo:hi]
        rows = rows[rows["period"] == period]
        rows = rows[rows["unit_id"].isin(self.commune_ids)]
        return rows.groupby("unit_id")["value"].sum()

    def _cross_table(self, period: str):  # type: ignore[no-untyped-def]
        num, den = self._element(self.num_id, period), self._element(self.den_id, period)
        table = self.pd.DataFrame({"num": num} if den is None else {"num": num, "den": den})
        if "den" not in table:
            table["den"] = float("nan")
        table["rate"] = table["num"] / table["den"].where(table["den"] != 0)
        return table

    def pandas_cross(self, period: str) -> dict[int, Answer]:
        table = self._cross_table(period)
        return {int(u): self._finish(self.cross_code, _num(n), _num(d))
                for u, n, d in zip(table.index, table["num"], table["den"], strict=True)}

    def pandas_total(self, period: str) -> Answer:
        table = self._cross_table(period)
        table = table.dropna(subset=["num", "den"] if self.info[self.cross_code][0] else ["num"])
        if table.empty:
            return None, None
        return self._finish(self.cross_code, float(table["num"].sum()), float(table["den"].sum()))

    def pandas_update(self, unit_id: int, element_id: int, period: str, value: float) -> None:
        import numpy as np

        for frame, keys, key in ((self.by_unit, self.unit_column, unit_id),
                                 (self.by_element, self.element_column, element_id)):
            lo, hi = np.searchsorted(keys, [key, key + 1])
            rows = frame.iloc[lo:hi]
            found = np.flatnonzero(((rows["unit_id"] == unit_id) & (rows["element_id"] == element_id)
                                    & (rows["period"] == period)).to_numpy())
            del rows
            column = frame.columns.get_loc("value")
            for position in found:
                frame.iat[lo + int(position), column] = value  # .loc would copy the whole column here


def _num(x: object) -> float | None:
    if x is None:
        return None
    value = float(x)  # type: ignore[arg-type]
    return None if value != value else value  # NaN: missing
