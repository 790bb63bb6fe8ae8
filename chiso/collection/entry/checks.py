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
from chiso.collection.validation import Outlier, Violation, outliers, stored_values, violations
from chiso.indicators.models import DataElement
from chiso.values.actions import ValueEntry, check_values
from chiso.web.language import message_in_page_language


@dataclass
class GridCheck:
    cells: dict[str, Cell] = field(default_factory=dict)  # code → what the cell reads as
    errors: dict[str, str] = field(default_factory=dict)  # code → why the cell does not read
    warnings: dict[str, list[str]] = field(default_factory=dict)  # code → the write's warnings (usual range)
    violations: list[Violation] = field(default_factory=list)
    homes: dict[str, str] = field(default_factory=dict)  # rule code → the one cell that shows it

    def violations_of(self, code: str) -> list[Violation]:
        """The broken rules shown at this cell: each rule at one cell only, the first of its figures on the
        grid (the left side: the numerator of "numerator ≤ denominator")."""
        return [v for v in self.violations if self.homes.get(v.rule) == code]

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
            result.errors[element.code] = message_in_page_language(error)
            values.pop(element.code, None)
            continue
        result.cells[element.code] = cell
        if cell.value is None:
            values.pop(element.code, None)
        else:
            values[element.code] = cell.value
    _refused_by_the_action(report, elements, result, values)
    result.violations = violations(report.unit, str(report.period), values)
    on_grid = [e.code for e in elements]
    for violation in result.violations:
        result.homes[violation.rule] = next((c for c in violation.codes if c in on_grid), "")
    return result


def _refused_by_the_action(report: Report, elements: list[DataElement], result: GridCheck,
                           values: dict[str, Decimal]) -> None:
    """Cells whose figure the write would refuse (a negative count, a number too large): the action's
    own sentence on the cell, and the figure left out of the rules."""
    by_code = {e.code: e for e in elements}
    typed = [ValueEntry(by_code[code], report.unit, report.period, cell.value, cell.qualifier)
             for code, cell in result.cells.items() if cell.value is not None]
    found = check_values(typed, acting_user=None, against_stored=False)
    for refusal in found.refusals:
        if refusal.index is not None and refusal.field == "value":
            code = typed[refusal.index].data_element.code
            result.errors[code] = cell_sentence(message_in_page_language(refusal))
            result.cells.pop(code, None)
            values.pop(code, None)
    for warning in found.warnings:
        if warning.index is not None:
            result.warnings.setdefault(typed[warning.index].data_element.code, []).append(
                cell_sentence(message_in_page_language(warning)))


def cell_sentence(message: str) -> str:
    """An action's sentence about one figure (Vietnamese or English), as its cell shows it: without the figure's
    code, unit and period (the grid shows them) nor the number repeated before "—"; capitalised.

    >>> cell_sentence("XHS-14 (Phường Thạc Gián, kỳ 2021-05): -5 — số đếm không được âm.")
    'Số đếm không được âm.'
    >>> cell_sentence("XHS-14 (Phường Thạc Gián, period 2021-05): -5 — a count cannot be negative.")
    'A count cannot be negative.'
    """
    why = message.split("): ", 1)[-1]
    why = why.split(" — ", 1)[-1]
    return why[:1].upper() + why[1:]


def outlier_of(report: Report, element: DataElement, cell: Cell | None) -> Outlier | None:
    """The proposed figure against the unit's own past, when it is far off (with the words that say how far)."""
    if cell is None or cell.value is None:
        return None
    return outliers(report.unit, report.period, {element.code: cell.value}).get(element.code)
