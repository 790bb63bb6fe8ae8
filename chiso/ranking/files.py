"""Index methods, grade bands, criteria sets and inputs read from CSV files shaped like the published tables,
with every fault named by file, row and column (``csvfiles``); and the JSON the commands write.

DEFINITION ``code,parent,name,max_points,rule,params,source,applies_to`` (extra columns are kept, not read);
a row without a rule is a group. GRADES ``grade,min_score``. INPUTS ``unit,component,value[,denominator]
[,unit_type]``: numbers the Vietnamese way (``91,5``) or with a decimal point; words for yes/no and
categories. A criteria SET ``code,name,kind,rule,params,source`` with ``kind`` mandatory or optional and one
row ``code=k`` whose ``params`` is k.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

from chiso.csvfiles import LoadError, Row, read_rows
from chiso.engine.criteria import CRITERION_RULES, CriteriaSet, Criterion
from chiso.engine.numbers import NumberFormatError
from chiso.engine.scoring import (
    RULES,
    Change,
    Component,
    Given,
    Grade,
    Index,
    RuleError,
    Scored,
    next_grade,
    parse_rule,
    read_number,
)

__all__ = ["read_criteria", "read_index", "read_inputs", "scored_json"]

DEFINITION_COLUMNS = ["code", "parent", "name", "max_points", "rule", "params", "source", "applies_to"]


def read_index(definition: Path, grades: Path | None = None) -> Index:
    """The index of ``definition`` with the bands of ``grades``; LoadError lists every fault."""
    problems: list[str] = []
    components: list[Component] = []
    lines: dict[str, Row] = {}
    for row in read_rows(definition, DEFINITION_COLUMNS):
        code = row.required("code")
        maximum = _number(row, "max_points", required=True)
        rule = None
        if row.get("rule") and row.get("rule") not in RULES:
            row.fail("rule", f"quy tắc '{row.get('rule')}' không có; chọn một trong: {', '.join(RULES)}.")
        elif row.get("rule"):
            try:
                rule = parse_rule(row.get("rule"), row.get("params"))
            except RuleError as error:
                row.fail("params", str(error))
        if code in lines:
            row.fail("code", f"mã '{code}' đã có ở dòng {lines[code].line}; mỗi thành phần một mã.")
        problems += row.problems
        if code and code not in lines:
            lines[code] = row
            applies = frozenset(t.strip() for t in row.get("applies_to").replace(",", ";").split(";") if t.strip())
            components.append(Component(code, row.get("name") or code, float(maximum or 0),
                                        row.get("parent") or None, rule, applies))
    for component in components:
        row = lines[component.code]
        if component.parent is not None and component.parent not in lines:
            problems.append(f"{definition.name}, dòng {row.line}, cột 'parent': không có thành phần mã "
                            f"'{component.parent}'. Sửa mã cấp trên hoặc để trống nếu là nhóm gốc.")
        elif component.parent is not None and lines[component.parent].get("rule"):
            problems.append(f"{definition.name}, dòng {row.line}, cột 'parent': '{component.parent}' có quy tắc "
                            "tính điểm nên không thể có thành phần con. Bỏ quy tắc của nó để nó là một nhóm.")
        elif _cycle(component, {c.code: c for c in components}):
            problems.append(f"{definition.name}, dòng {row.line}, cột 'parent': '{component.code}' nằm trong "
                            "một vòng cấp trên – cấp dưới. Mỗi nhóm phải đi lên được tới gốc.")
    groups_without_children = [c for c in components if not lines[c.code].get("rule")
                               and not any(o.parent == c.code for o in components)]
    problems += [f"{definition.name}, dòng {lines[c.code].line}, cột 'rule': '{c.code}' không có quy tắc tính "
                 "điểm và không có thành phần con. Ghi quy tắc (ví dụ steps) hoặc thêm thành phần con."
                 for c in groups_without_children]
    bands = read_grades(grades) if grades is not None else ()
    if problems:
        raise LoadError(problems)
    return Index(tuple(components), bands)


def _cycle(component: Component, by_code: dict[str, Component]) -> bool:
    seen, current = set(), component
    while current.parent is not None:
        if current.code in seen:
            return True
        seen.add(current.code)
        parent = by_code.get(current.parent)
        if parent is None:
            return False
        current = parent
    return False


def read_grades(path: Path) -> tuple[Grade, ...]:
    problems, grades = [], []
    for row in read_rows(path, ["grade", "min_score"]):
        name, minimum = row.required("grade"), _number(row, "min_score", required=True)
        problems += row.problems
        if name and minimum is not None:
            grades.append(Grade(name, minimum))
    if problems:
        raise LoadError(problems)
    return tuple(grades)


def read_inputs(path: Path, *, column: str = "component") -> tuple[dict[str, dict[str, Given]], dict[str, str]]:
    """({unit: {component: Given}}, {unit: unit type}) from an INPUTS file; a component given twice for a unit
    is a fault."""
    problems: list[str] = []
    inputs: dict[str, dict[str, Given]] = defaultdict(dict)
    types: dict[str, str] = {}
    first: dict[tuple[str, str], int] = {}
    for row in read_rows(path, ["unit", column, "value"]):
        unit, code = row.required("unit"), row.required(column)
        text = row.get("value")
        value: float | str = text
        if text:
            try:
                value = read_number(text)
            except NumberFormatError:
                value = text  # a word: có/không, a category (a rule that needs a number says so)
        denominator = _number(row, "denominator") if "denominator" in row.values else None
        if (unit, code) in first:
            row.fail(column, f"'{code}' của '{unit}' đã có ở dòng {first[(unit, code)]}; mỗi đơn vị một giá trị.")
        if row.get("unit_type"):
            if types.setdefault(unit, row.get("unit_type")) != row.get("unit_type"):
                row.fail("unit_type", f"'{unit}' đã ghi loại '{types[unit]}'; mỗi đơn vị một loại.")
        problems += row.problems
        if unit and code and not row.problems:
            first[(unit, code)] = row.line
            if text:
                inputs[unit][code] = Given(value, denominator)
            else:
                inputs.setdefault(unit, {})
    if problems:
        raise LoadError(problems)
    return dict(inputs), types


def read_criteria(path: Path) -> CriteriaSet:
    problems: list[str] = []
    criteria: list[Criterion] = []
    k = None
    for row in read_rows(path, ["code", "name", "kind", "rule", "params", "source"]):
        code = row.required("code")
        if code == "k":
            number = _number(row, "params", required=True)
            if number is not None and (number < 0 or number != int(number)):
                row.fail("params", f"k phải là số nguyên không âm, không phải '{row.get('params')}'.")
            elif number is not None:
                k = int(number)
            problems += row.problems
            continue
        kind = row.one_of("kind", ("mandatory", "optional"))
        rule = row.one_of("rule", CRITERION_RULES)
        threshold = None
        if rule and rule != "boolean":
            threshold = _number(row, "params", required=True)
        problems += row.problems
        if not row.problems:
            criteria.append(Criterion(code, row.get("name") or code, kind == "mandatory", rule, threshold))
    if problems:
        raise LoadError(problems)
    return CriteriaSet(tuple(criteria), k)


def _number(row: Row, column: str, *, required: bool = False) -> float | None:
    text = row.required(column) if required else row.get(column)
    if not text:
        return None
    try:
        return read_number(text)
    except NumberFormatError:
        row.fail(column, f"'{text}' không phải là số hữu hạn (viết 91,5 hoặc 91.5).")
        return None


def scored_json(index: Index, scored: Scored, changes: Mapping[str, Change] | None = None) -> dict[str, object]:
    """The JSON of ``chiso index score``: every unit's points, rank, grade, band, the way to the next grade and,
    when last year's round is given, the change split into figures and method."""
    units = []
    for s in scored.scores:
        gap = next_grade(index, s)
        unit: dict[str, object] = {
            "unit": s.unit, "total": s.total, "value": s.value, "rank": s.rank, "grade": s.grade,
            "components": s.components, "missing": s.missing, "rank_band": list(s.rank_band),
            "median_rank": s.median_rank,
            "next_grade": {"grade": gap.grade, "points_needed": gap.points_needed, "reachable": gap.reachable,
                           "components": dict(gap.components)}}
        change = (changes or {}).get(s.unit)
        if change is not None:
            unit["change"] = {"before": change.before, "after": change.after, "from_figures": change.from_figures,
                              "from_method": change.from_method}
        units.append(unit)
    return {"runs": scored.runs, "units": units}
