"""Running validation rules and outlier checks on stored or proposed figures.

``violations(unit, period, values)`` is what entry, import, the API and ``chiso validate`` all call:
``values`` maps data-element codes to figures (stored ones overlaid with the proposed ones).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from chiso.collection.models import Severity, Submission, ValidationRule
from chiso.engine import rules as engine
from chiso.engine.periods import Period
from chiso.indicators.models import DataElement
from chiso.units.models import Unit
from chiso.units.types import kind_word, kind_word_en
from chiso.values.models import DataValue


@dataclass(frozen=True)
class Violation:
    rule: str
    severity: str
    unit: str
    period: str
    message: str
    codes: tuple[str, ...]
    message_en: str = ""  # the same sentence in English (the pages pick with web.language.message_in_page_language)


def active_rules() -> list[ValidationRule]:
    return list(ValidationRule.objects.filter(is_active=True))


def violations(unit: Unit, period: str, values: Mapping[str, Decimal],
               rules: Iterable[ValidationRule] | None = None) -> list[Violation]:
    """The broken rules, each in words that name the figures: "Lỗi (Phường Thạc Gián, kỳ 2024-10): Số tài khoản
    định danh điện tử đã kích hoạt (120) không được lớn hơn Số hồ sơ định danh điện tử đã thu nhận (100).", and
    in English beside it ("Error (Phường Thạc Gián, period 2024-10): … must not be greater than …"), with the
    English names of the figures where they have one."""
    broken = [rule for rule in (rules if rules is not None else active_rules())
              if engine.check(rule.left, rule.operator, rule.right, values) is False]
    if not broken:
        return []
    codes = {code for rule in broken for code in engine.codes_in(rule.left) + engine.codes_in(rule.right)}
    names, names_en = element_names(codes)
    found = []
    for rule in broken:
        error = rule.severity == Severity.ERROR
        sentence = engine.in_words(rule.left, rule.operator, rule.right, values, names, error=error)
        sentence_en = engine.in_words(rule.left, rule.operator, rule.right, values, names_en, error=error,
                                      english=True)
        found.append(Violation(
            rule.code, rule.severity, unit.code, period,
            f"{'Lỗi' if error else 'Cảnh báo'} ({unit.name}, kỳ {period}): {sentence}",
            tuple(engine.codes_in(rule.left) + engine.codes_in(rule.right)),
            f"{'Error' if error else 'Warning'} ({unit.name}, period {period}): {sentence_en}",
        ))
    return found


def element_names(codes: Iterable[str]) -> tuple[dict[str, str], dict[str, str]]:
    """The data elements' names by code, in Vietnamese and in English (the Vietnamese where there is no English),
    for rule sentences in either language; one query."""
    found = DataElement.objects.filter(code__in=set(codes)).values_list("code", "name_vi", "name_en")
    return {code: vi for code, vi, _ in found}, {code: en or vi for code, vi, en in found}


def short(violation: Violation) -> Violation:
    """The violation with its sentences (Vietnamese and English) without the unit and period, for a page that
    already shows them (``web.language.message_in_page_language`` picks one)."""
    return replace(violation, message=violation.message.split("): ", 1)[-1],
                   message_en=violation.message_en.split("): ", 1)[-1])


def stored_values(unit_ids: Iterable[int], periods: Iterable[str]) -> dict[tuple[int, str], dict[str, Decimal]]:
    """{(unit id, period): {code: value}} of the figures already stored."""
    found: dict[tuple[int, str], dict[str, Decimal]] = defaultdict(dict)
    rows = DataValue.objects.filter(unit_id__in=list(unit_ids), period__in=list(periods), is_deleted=False,
                                    value__isnull=False).values_list("unit_id", "period", "data_element__code", "value")
    for unit_id, period, code, value in rows:
        found[(unit_id, period)][code] = value
    return found


def validate_submission(submission: Submission) -> list[Violation]:
    values = stored_values([submission.unit_id], [submission.period]).get((submission.unit_id, submission.period), {})
    return violations(submission.unit, submission.period, values)


def validate_subtree(root: Unit, periods: list[Period]) -> list[Violation]:
    """Every active rule over every unit of ``root``'s subtree and every period given (``chiso validate``)."""
    units = {u.id: u for u in Unit.objects.filter(path__startswith=root.path)}
    rules = active_rules()
    period_texts = [str(p) for p in periods]
    stored = stored_values(units, period_texts)
    found = []
    for (unit_id, period), values in sorted(stored.items(), key=lambda kv: (units[kv[0][0]].path, kv[0][1])):
        found += violations(units[unit_id], period, values, rules)
    return found


@dataclass(frozen=True)
class Outlier:
    """A figure far from its unit's own past: its modified z-score and the sentence that says how far."""

    code: str
    score: float
    words: str  # "gấp khoảng 40 lần mức thường thấy của phường (khoảng 72)"
    words_en: str = ""  # "about 40 times the ward's usual level (about 72)"

    @property
    def message(self) -> str:
        return f"Số này {self.words}: hãy kiểm tra lại; nếu đúng vẫn lưu được."

    @property
    def message_en(self) -> str:
        if not self.words_en:
            return ""
        return f"This figure is {self.words_en}: check it again; if it is right, it can still be saved."


def outliers(unit: Unit, period: Period, values: Mapping[str, Decimal], history_months: int = 24,
             ) -> dict[str, Outlier]:
    """{code: Outlier} for figures far from the unit's own history (|z| > 3,5). Never blocks."""
    past = [period]
    for _ in range(history_months):
        past.append(past[-1].previous())
    history: dict[str, list[Decimal]] = defaultdict(list)
    rows = DataValue.objects.filter(unit=unit, period__in=[str(p) for p in past[1:]], is_deleted=False,
                                    data_element__code__in=list(values), value__isnull=False)
    for code, value in rows.values_list("data_element__code", "value"):
        history[code].append(value)
    flagged = {}
    for code, value in values.items():
        past_values = history.get(code, [])
        score = engine.modified_z_score(value, past_values)
        if score is not None and abs(score) > engine.OUTLIER_THRESHOLD:
            flagged[code] = Outlier(
                code, round(score, 2), engine.outlier_words(value, past_values, kind_word(unit.type)),
                engine.outlier_words(value, past_values, kind_word_en(unit.type), english=True))
    return flagged

