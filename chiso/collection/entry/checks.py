"""Checking a grid as it is typed: number format, rules with the proposed figures overlaid, outliers.

Nothing here writes. The proposed figures are the stored ones of the unit and period with every
cell of the grid that reads as a number put over them; a cell that does not read is left out, so
the rules that need it are skipped rather than failed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from chiso.collection.entry.cells import Cell, CellError, parse_cell
from chiso.collection.entry.grid import Report
from chiso.collection.validation import Violation, outliers, stored_values, violations
from chiso.indicators.models import DataElement
from chiso.values.actions import ValueEntry, check_values


@dataclass
class GridCheck:
    cells: dict[str, Cell] = field(default_factory=dict)  # code → what the cell reads as
    errors: dict[str, str] = field(default_factory=dict)  # code → why the cell does not read
    violations: list[Violation] = field(default_factory=list)

    def violations_of(self, code: str) -> list[Violation]:
        return [v for v in self.violations if code in v.codes]

    @property
    def has_errors(self) -> bool:
        return any(v.severity == "error" for v in self.violations)


def check_grid(report: Report, elements: list[DataElement], posted: Mapping[str, str]) -> GridCheck:
    """``posted`` maps element codes to the text of their cells (codes not posted keep their figure)."""
    result = GridCheck()
    values: dict[str, Decimal] = dict(
        stored_values([report.unit.pk], [str(report.period)]).get((report.unit.pk, str(report.period)), {}))
    for element in elements:
        if element.code not in posted:
            continue
        try:
            cell = parse_cell(posted[element.code], element.value_type)
        except CellError as error:
            result.errors[element.code] = str(error)
            values.pop(element.code, None)
            continue
        result.cells[element.code] = cell
        if cell.value is None:
            values.pop(element.code, None)
        else:
            values[element.code] = cell.value
    _refused_by_the_action(report, elements, result, values)
    result.violations = violations(report.unit, str(report.period), values)
    return result


def _refused_by_the_action(report: Report, elements: list[DataElement], result: GridCheck,
                           values: dict[str, Decimal]) -> None:
    """Cells whose figure the write would refuse (a negative count, a number too large): the action's
    own sentence on the cell, and the figure left out of the rules."""
    by_code = {e.code: e for e in elements}
    typed = [ValueEntry(by_code[code], report.unit, report.period, cell.value, cell.qualifier)
             for code, cell in result.cells.items() if cell.value is not None]
    for refusal in check_values(typed, acting_user=None, against_stored=False).refusals:
        if refusal.index is not None and refusal.field == "value":
            code = typed[refusal.index].data_element.code
            why = refusal.message.split(" — ", 1)[-1]
            result.errors[code] = why[:1].upper() + why[1:]
            result.cells.pop(code, None)
            values.pop(code, None)


def outlier_score(report: Report, element: DataElement, cell: Cell | None) -> float | None:
    """The modified z-score of the proposed figure against the unit's own past, when it is far off."""
    if cell is None or cell.value is None:
        return None
    return outliers(report.unit, report.period, {element.code: cell.value}).get(element.code)
