"""Place every real figure of ``facts_danang.csv`` on its unit, period and data element.

``facts_map.csv`` says, for each fact row, where it goes: a data value, a yearly plan (the
stated indicator counts by pillar, kept as written, even when a pillar is named twice), a
target, or a ``stated`` target: one a unit wrote for a year it did not live to see (phường Tam
Thuận's targets for 2025; it joined Xuân Hà on 1/1/2025), kept word for word in that plan's
statement and judged on nothing, since ``do_set_target`` rightly refuses a target dated after its
unit ceased. A fact row with no mapping, or a mapping with no fact, stops the demo build: every real
figure is placed, none is invented.

Figures go through ``values.actions.do_set_values`` and targets through ``plans.actions.do_set_target``,
as the demo's administrator, so each has its history row like any other.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from chiso.csvfiles import LoadError, read_rows
from chiso.engine.numbers import format_number
from chiso.engine.periods import Period
from chiso.indicators.models import DataElement, Indicator
from chiso.plans.actions import do_set_target
from chiso.plans.models import Plan
from chiso.units.models import Unit
from chiso.values.actions import ValueEntry, do_set_values
from chiso.values.models import Channel, Qualifier

if TYPE_CHECKING:
    from django.contrib.auth.models import User

HERE = Path(__file__).resolve().parent
FACTS_FILE = HERE.parent / "reference_data" / "facts_danang.csv"
MAP_FILE = HERE / "facts_map.csv"
SAME_AS_ABOVE = "như trên"
QUALIFIERS = {"": Qualifier.EXACT, "gần": Qualifier.APPROXIMATE, "hơn": Qualifier.AT_LEAST,
              "ít nhất": Qualifier.AT_LEAST, "không quá": Qualifier.AT_MOST}


@dataclass(frozen=True)
class Fact:
    line: int
    unit: str
    measure: str
    period: str
    value: Decimal
    qualifier: str
    note: str
    source: str


def read_facts(path: Path = FACTS_FILE) -> list[Fact]:
    """The facts, with "như trên" (same as above) replaced by the source it refers to."""
    facts, last_source, problems = [], "", []
    for row in read_rows(path, ["unit", "indicator_or_measure", "period", "value", "qualifier", "note", "source"]):
        source = row.get("source")
        source = last_source if source == SAME_AS_ABOVE else source
        last_source = source
        if row.get("qualifier") not in QUALIFIERS:
            row.fail("qualifier", f"'{row.get('qualifier')}' không phải từ chỉ độ chính xác đã biết.")
        facts.append(Fact(row.line, row.get("unit"), row.get("indicator_or_measure"), row.get("period"),
                          Decimal(row.required("value")), row.get("qualifier"), row.get("note"), source))
        problems += row.problems
    if problems:
        raise LoadError(problems)
    return facts


def place_facts(author: User, facts_file: Path = FACTS_FILE, map_file: Path = MAP_FILE) -> dict[str, int]:
    """Place every fact; targets are set by ``author`` (an administrator of the city)."""
    facts = {(f.unit, f.measure, f.period): f for f in read_facts(facts_file)}
    placements = {(r.get("unit"), r.get("indicator_or_measure"), r.get("period")): r
                  for r in read_rows(map_file, ["unit", "indicator_or_measure", "period", "place", "version",
                                                "code", "target"])}
    problems = [f"{facts_file.name}, dòng {f.line}: '{f.measure}' ({f.unit}, {f.period}) chưa được gán vào đâu "
                f"trong {map_file.name}." for key, f in facts.items() if key not in placements]
    problems += [f"{map_file.name}, dòng {r.line}: không có số liệu tương ứng trong {facts_file.name}."
                 for key, r in placements.items() if key not in facts]
    if problems:
        raise LoadError(problems)

    entries, counts = [], {"values": 0, "plans": 0, "targets": 0, "stated_targets": 0}
    stated: dict[tuple[Unit, int], list[tuple[Fact, Indicator]]] = defaultdict(list)
    for key, fact in facts.items():
        where = placements[key]
        unit = Unit.objects.get(version__name=where.get("version"), code=where.get("code"))
        period = Period.parse(fact.period)
        place = where.get("place")
        if place == "value":
            entries.append(ValueEntry(
                data_element=DataElement.objects.get(code=where.get("target")), unit=unit, period=period,
                value=fact.value, qualifier=QUALIFIERS[fact.qualifier], source=fact.source, comment=fact.note,
            ))
            counts["values"] += 1
        elif place == "plan":
            pillars = [[code, int(n)] for code, n in (part.split(":") for part in where.get("target").split(";"))]
            Plan.objects.update_or_create(
                unit=unit, year=period.year,
                defaults={"stated_total": int(fact.value), "stated_by_pillar": pillars, "statement": fact.note,
                          "source": fact.source, "title": f"Kế hoạch chuyển đổi số năm {period.year}"},
            )
            counts["plans"] += 1
        elif place == "stated":
            stated[(unit, period.year)].append((fact, Indicator.objects.get(code=where.get("target"))))
            counts["stated_targets"] += 1
        else:
            do_set_target(unit, period.year, Indicator.objects.get(code=where.get("target")), fact.value,
                          acting_user=author, qualifier=QUALIFIERS[fact.qualifier], source=fact.source,
                          channel=Channel.DEMO, reason=REASON)
            counts["targets"] += 1
    for (unit, year), written in stated.items():
        _state_targets(unit, year, written)
    do_set_values(entries, acting_user=None, channel=Channel.DEMO, reason=REASON)
    return counts


REASON = "Số liệu thật từ facts_danang.csv"


def _state_targets(unit: Unit, year: int, targets: list[tuple[Fact, Indicator]]) -> None:
    """Targets a unit wrote for a year after it ceased, kept as its plan's words (no ``Target``)."""
    ceased = unit.effective_to()
    lines = [f"{fact.measure} ({indicator.code}): {fact.qualifier + ' ' if fact.qualifier else ''}"
             f"{format_number(fact.value)}{'%' if indicator.kind == 'rate' else ''}" for fact, indicator in targets]
    note = (f"{unit.name} thôi tồn tại sau ngày {ceased:%d/%m/%Y} (sắp xếp đơn vị hành chính), trước thời hạn "
            "của các chỉ tiêu này: chúng được giữ nguyên văn, không dùng để đánh giá." if ceased else "")
    Plan.objects.update_or_create(
        unit=unit, year=year,
        defaults={"title": f"Kế hoạch chuyển đổi số năm {year}", "statement": "\n".join([*lines, note]).strip(),
                  "source": targets[0][0].source},
    )
