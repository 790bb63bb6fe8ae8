"""What the review page of one report shows, in the order a reviewer checks it.

Rule violations in words (``review.RuleWords``: names of figures, not codes), figures far from the unit's own
past (``validation.outliers``), the rates of the indicators whose numerator and denominator are both lines of
the form (this period and the one before, as %), then the raw figures. Nothing here writes; the permission
check is ``entry.grid.access_report``'s (404 to whoever may not read the unit's drafts).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from chiso.collection.entry.grid import Report
from chiso.collection.models import FormElement, Submission
from chiso.collection.review import ReportChecks, RuleWords, check_reports
from chiso.collection.validation import Outlier, active_rules, outliers, stored_values
from chiso.engine.numbers import format_number
from chiso.engine.periods import PeriodError
from chiso.indicators.models import DataElement, Indicator
from chiso.web.language import in_page_language, message_in_page_language, name_in_page_language, previous_period_words


@dataclass(frozen=True)
class Rate:
    indicator: Indicator
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None  # numerator / denominator × factor
    before: Decimal | None  # the same rate last period

    @property
    def change(self) -> Decimal | None:
        return None if self.value is None or self.before is None else self.value - self.before


@dataclass(frozen=True)
class Line:
    element: DataElement
    value: Decimal | None
    before: Decimal | None
    outlier: Outlier | None  # when far from the unit's past (with the words that say how far)


@dataclass
class Sheet:
    report: Report
    checks: ReportChecks | None
    errors: list[str]
    warnings: list[str]
    outliers: list[str]
    rates: list[Rate]
    lines: list[Line]
    previous_label: str
    completeness: str = ""  # "4/5 dòng có số (80%; cần 100%)", in the page's language


def sheet(report: Report) -> Sheet:
    elements = [fe.data_element for fe in FormElement.objects.filter(form=report.form)
                .select_related("data_element").order_by("order", "id")]
    period = str(report.period)
    try:
        previous_text = str(report.period.previous())
    except PeriodError:
        previous_text = ""
    previous_label = previous_period_words(report.period)
    stored = stored_values([report.unit.pk], [period, previous_text])
    now, before = stored.get((report.unit.pk, period), {}), stored.get((report.unit.pk, previous_text), {})
    checks = check_reports([report.submission]).get(report.submission.pk) if report.submission else None
    words = checks.words if checks and checks.words else RuleWords(active_rules())
    violations = checks.violations if checks else []
    flagged = outliers(report.unit, report.period, {e.code: now[e.code] for e in elements if e.code in now})
    names = {e.code: name_in_page_language(e) for e in elements}
    filled = checks.completeness if checks else None
    return Sheet(
        report=report, checks=checks,
        errors=[message_in_page_language(words.said(v, now)) for v in violations if v.severity == "error"],
        warnings=[_explained(message_in_page_language(words.said(v, now)), v.rule, report.submission)
                  for v in violations if v.severity == "warning"],
        outliers=[f"{names[code]}: {format_number(now[code])} — {in_page_language(found.words, found.words_en)}."
                  for code, found in flagged.items()],
        rates=_rates(elements, now, before),
        lines=[Line(e, now.get(e.code), before.get(e.code), flagged.get(e.code)) for e in elements],
        previous_label=previous_label,
        completeness=in_page_language(filled.label, filled.label_en) if filled else "",
    )


def _rates(elements: list[DataElement], now: dict[str, Decimal], before: dict[str, Decimal]) -> list[Rate]:
    """The indicators computed from two lines of the form: their rate now and last period."""
    ids = [e.pk for e in elements]
    found = []
    for indicator in (Indicator.objects.filter(numerator_id__in=ids, denominator_id__in=ids)
                      .select_related("numerator", "denominator").order_by("code")):
        assert indicator.numerator is not None and indicator.denominator is not None
        top, bottom = indicator.numerator.code, indicator.denominator.code
        found.append(Rate(indicator, now.get(top), now.get(bottom), _ratio(now, top, bottom, indicator),
                          _ratio(before, top, bottom, indicator)))
    return found


def _ratio(values: dict[str, Decimal], top: str, bottom: str, indicator: Indicator) -> Decimal | None:
    if top not in values or not values.get(bottom):
        return None
    return values[top] / values[bottom] * indicator.factor


def _explained(sentence: str, rule: str, submission: Submission | None) -> str:
    why = (submission.explanations or {}).get(rule, "").strip() if submission else ""
    return (_("%(s)s Giải trình của đơn vị: “%(why)s”") % {"s": sentence, "why": why} if why
            else _("%(s)s (Chưa có giải trình.)") % {"s": sentence})
