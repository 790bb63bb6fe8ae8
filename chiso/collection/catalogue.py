"""Load validation rules: those of ``validation_rules.csv`` plus numerator ≤ denominator for every rate."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from chiso.collection.models import Severity, ValidationRule
from chiso.csvfiles import LoadError, read_rows
from chiso.engine.rules import RuleSyntaxError, codes_in
from chiso.indicators.models import DataElement, Indicator, IndicatorKind

RULES_FILE = Path(__file__).resolve().parent.parent / "reference_data" / "validation_rules.csv"
OPERATORS = ("<=", "<", ">=", ">", "==", "!=")


@transaction.atomic
def load_rules(path: Path = RULES_FILE) -> int:
    known = set(DataElement.objects.values_list("code", flat=True))
    problems = []
    for row in read_rows(path, ["code", "name_vi", "name_en", "left", "operator", "right", "severity"]):
        for side in ("left", "right"):
            try:
                unknown = [c for c in codes_in(row.required(side)) if c not in known]
            except RuleSyntaxError as error:
                row.fail(side, str(error))
                continue
            if unknown:
                row.fail(side, f"không có yếu tố dữ liệu mã {', '.join(unknown)}.")
        fields = {"name_vi": row.required("name_vi"), "name_en": row.required("name_en"), "left": row.get("left"),
                  "operator": row.one_of("operator", OPERATORS), "right": row.get("right"),
                  "severity": row.one_of("severity", Severity.values)}
        problems += row.problems
        if not row.problems:
            ValidationRule.objects.update_or_create(code=row.get("code"), defaults=fields)
    for indicator in Indicator.objects.filter(numerator__isnull=False, denominator__isnull=False,
                                              kind=IndicatorKind.RATE).select_related("numerator", "denominator"):
        ValidationRule.objects.update_or_create(
            code=f"{indicator.code}:TS<=MS",
            defaults={"name_vi": f"{indicator.code}: tử số không vượt mẫu số",
                      "name_en": f"{indicator.code}: numerator cannot exceed denominator",
                      "left": indicator.numerator.code, "operator": "<=", "right": indicator.denominator.code,
                      "severity": Severity.ERROR},
        )
    if problems:
        raise LoadError(problems)
    return ValidationRule.objects.count()
