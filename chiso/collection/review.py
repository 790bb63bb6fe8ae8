"""Approving and returning many reports at once, and the checks a report must pass to be approved.

The rule lives here and only here: **a report may be approved only if it passes its checks** — it is
submitted, the acting user may review its unit (``accounts.access.review_judge``: ``can_review_unit`` for many units), no error-level
validation rule fails on its stored figures, and the share of the form's lines it holds a number for
reaches the form's completeness threshold (``Form.completeness_threshold``, default 100%: every line; the
same threshold that decides when the units' reports are enough to publish a total). ``do_approve_reports``
moves each report that passes through ``workflow.do_transition`` in one transaction and leaves the others
alone, each with the reason (a ``Reason``: in Vietnamese and in English; the pages pick one with
``web.language.message_in_page_language``, the API answers the Vietnamese); ``do_return_reports`` returns
submitted reports with one reason.
The approval matrix, the review page and ``POST /api/v1/submissions/approve|return`` all call these two.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from chiso.accounts.access import review_judge
from chiso.collection.models import FormElement, Severity, Status, Submission, ValidationRule
from chiso.collection.validation import Violation, active_rules, element_names, short, stored_values, violations
from chiso.collection.workflow import STATE_EN, WorkflowError, do_transition
from chiso.engine import rules as engine
from chiso.engine.numbers import format_number
from chiso.units.models import Unit
from chiso.values import hooks
from chiso.values.models import DataValue

User = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class Reason:
    """Why a report may not be approved (or returned) now: ``message`` in Vietnamese, ``message_en`` in English
    (empty for the rules' sentences of a refused transition, worded in Vietnamese only)."""

    message: str
    message_en: str = ""

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Completeness:
    """How many of the form's lines the report holds, against the form's threshold (in percent)."""

    filled: int
    expected: int
    threshold: Decimal

    @property
    def percent(self) -> Decimal:
        return Decimal(100) if not self.expected else Decimal(self.filled * 100) / self.expected

    @property
    def met(self) -> bool:
        return self.filled * 100 >= self.threshold * self.expected

    @property
    def label(self) -> str:
        """ "4/5 dòng có số (80%; cần 100%)" """
        return (f"{self.filled}/{self.expected} dòng có số ({format_number(self.percent, 0)}%; "
                f"cần {format_number(self.threshold, 0)}%)")

    @property
    def label_en(self) -> str:
        """ "4/5 lines hold a number (80%; 100% needed)" (numbers written the Vietnamese way, as on the grid) """
        return (f"{self.filled}/{self.expected} lines hold a number ({format_number(self.percent, 0)}%; "
                f"{format_number(self.threshold, 0)}% needed)")


@dataclass
class ReportChecks:
    """What a reviewer checks before approving one report, and why it may not be approved yet."""

    submission: Submission
    violations: list[Violation] = field(default_factory=list)
    completeness: Completeness | None = None
    words: RuleWords | None = None
    values: dict[str, Decimal] = field(default_factory=dict)  # the stored figures, by element code

    @property
    def errors(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == Severity.ERROR]

    @property
    def warnings(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == Severity.WARNING]

    @property
    def blockers(self) -> list[Reason]:
        """Why the report's figures keep it from approval (empty: they pass), one sentence each."""
        words = self.words or RuleWords(active_rules())
        found = []
        for v in self.errors:
            said = words.said(v, self.values)
            found.append(Reason(f"Vi phạm quy tắc: {said.message}",
                                f"Rule broken: {said.message_en}" if said.message_en else ""))
        if self.completeness is not None and not self.completeness.met:
            found.append(Reason(f"Chưa đủ số liệu: {self.completeness.label}.",
                                f"Not enough figures: {self.completeness.label_en}."))
        return found


@dataclass(frozen=True)
class Outcome:
    """One report of a bulk action: done, or left alone with the reason."""

    submission: Submission
    done: bool
    reasons: tuple[Reason, ...] = ()

    @property
    def label(self) -> str:
        s = self.submission
        return f"{s.unit.name} · {s.form.name_vi} · kỳ {s.period}"

    @property
    def label_en(self) -> str:
        s = self.submission
        return f"{s.unit.name} · {s.form.name_en or s.form.name_vi} · period {s.period}"


def check_reports(submissions: Sequence[Submission]) -> dict[int, ReportChecks]:
    """{submission id: its checks}, read in a handful of queries for any number of reports."""
    submissions = list(submissions)
    if not submissions:
        return {}
    values = stored_values({s.unit_id for s in submissions}, {s.period for s in submissions})
    lines: dict[int, set[int]] = defaultdict(set)
    for form_id, element_id in FormElement.objects.filter(
            form_id__in={s.form_id for s in submissions}).values_list("form_id", "data_element_id"):
        lines[form_id].add(element_id)
    filled: dict[tuple[int, str], set[int]] = defaultdict(set)
    for unit_id, period, element_id in DataValue.objects.filter(
            unit_id__in={s.unit_id for s in submissions}, period__in={s.period for s in submissions},
            data_element_id__in={e for found in lines.values() for e in found}, is_deleted=False,
            value__isnull=False).values_list("unit_id", "period", "data_element_id"):
        filled[(unit_id, period)].add(element_id)
    rules = active_rules()
    words = RuleWords(rules)
    found = {}
    for s in submissions:
        own, figures = lines[s.form_id], values.get((s.unit_id, s.period), {})
        found[s.pk] = ReportChecks(
            s, violations(s.unit, s.period, figures, rules),
            Completeness(len(own & filled[(s.unit_id, s.period)]), len(own), s.form.completeness_threshold),
            words, dict(figures))
    return found


def refusals(submission: Submission, checks: ReportChecks | None, acting_user: User,
             may_review: Callable[[Unit], bool] | None = None) -> list[Reason]:
    """Why ``acting_user`` may not approve ``submission`` now (empty: they may). Permission first, so a
    report the user may not review says nothing about its figures. ``may_review``: the user's
    ``review_judge``, read once for many reports."""
    if not (may_review or review_judge(acting_user))(submission.unit):
        return [Reason(f"Bạn không có quyền duyệt báo cáo của {submission.unit.name}.",
                       f"You are not allowed to approve the report of {submission.unit.name}.")]
    if submission.status != Status.SUBMITTED:
        return [Reason(f"Báo cáo đang ở trạng thái '{submission.get_status_display()}': chỉ duyệt được báo cáo đã gửi.",
                       f"The report is in the state '{STATE_EN[Status(submission.status)]}': only a submitted report "
                       "can be approved.")]
    return checks.blockers if checks is not None else []


@transaction.atomic
def do_approve_reports(submissions: Iterable[Submission], *, acting_user: User) -> list[Outcome]:
    """Approve each report that passes its checks, in one transaction; the others are left as they were,
    each with why. Reports are locked and read again first, so two reviewers do not approve twice."""
    wanted = [s.pk for s in submissions]
    current = _locked(wanted)
    may_review = review_judge(acting_user)  # the user's roles, read once, not per report
    checks = check_reports([s for s in current if may_review(s.unit)])
    with hooks.gathered():  # the roll-ups once for all the reports approved
        return _approve_each(current, checks, acting_user, may_review)


def _approve_each(current: list[Submission], checks: dict[int, Any], acting_user: User,
                  may_review: Callable[[Unit], bool]) -> list[Outcome]:
    outcomes = []
    for s in current:
        reasons = refusals(s, checks.get(s.pk), acting_user, may_review)
        if reasons:
            outcomes.append(Outcome(s, False, tuple(reasons)))
            continue
        try:
            do_transition(s, "approve", acting_user=acting_user)
        except WorkflowError as error:
            outcomes.append(Outcome(s, False, _reasons(error)))
            continue
        s.status = Status.APPROVED
        outcomes.append(Outcome(s, True))
    return outcomes


@transaction.atomic
def do_return_reports(submissions: Iterable[Submission], *, acting_user: User, reason: str) -> list[Outcome]:
    """Return each submitted report the user may review, with one reason for all, in one transaction.
    Without a reason nothing is returned."""
    wanted = [s.pk for s in submissions]
    current = _locked(wanted)
    if not reason.strip():
        why = Reason("Cần ghi lý do trả lại để đơn vị biết phải sửa gì.",
                     "Write a reason for returning, so that the unit knows what to correct.")
        return [Outcome(s, False, (why,)) for s in current]
    may_review = review_judge(acting_user)
    outcomes = []
    for s in current:
        if not may_review(s.unit):
            outcomes.append(Outcome(s, False, (Reason(f"Bạn không có quyền trả lại báo cáo của {s.unit.name}.",
                                                      f"You are not allowed to return the report of {s.unit.name}."),)))
            continue
        if s.status != Status.SUBMITTED:
            outcomes.append(Outcome(s, False, (Reason(
                f"Báo cáo đang ở trạng thái '{s.get_status_display()}': chỉ trả lại được báo cáo đã gửi.",
                f"The report is in the state '{STATE_EN[Status(s.status)]}': only a submitted report can be "
                "returned."),)))
            continue
        try:
            do_transition(s, "return", acting_user=acting_user, reason=reason.strip())
        except WorkflowError as error:
            outcomes.append(Outcome(s, False, _reasons(error)))
            continue
        s.status = Status.RETURNED
        outcomes.append(Outcome(s, True))
    return outcomes


def _reasons(error: WorkflowError) -> tuple[Reason, ...]:
    """A refused transition as reasons: its sentence in both languages, then the rules it names (Vietnamese)."""
    return (Reason(error.message, error.message_en), *(Reason(line) for line in error.details))


def _locked(ids: list[int]) -> list[Submission]:
    """The reports asked for, in the order asked, each once, locked until the transaction ends."""
    locked = set(Submission.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
    rows = Submission.objects.filter(pk__in=locked).select_related("unit__version", "form")
    by_id = {s.pk: s for s in rows}
    return [by_id[pk] for pk in dict.fromkeys(ids) if pk in by_id]


SYMBOLS = {"<=": "≤", "<": "<", ">=": "≥", ">": ">", "==": "=", "!=": "≠"}


class RuleWords:
    """A violated rule in words: its name, each side as the names of its figures with their values.

    "Số tài khoản đã kích hoạt không vượt số hồ sơ: Tài khoản đã kích hoạt = 5.200, vượt Hồ sơ đã thu
    nhận = 5.151 (cần ≤)." rather than ``XHS-06 <= XHS-05``.
    """

    def __init__(self, rules: Iterable[ValidationRule]) -> None:
        self.rules = {r.code: r for r in rules}
        codes = {c for r in self.rules.values() for side in (r.left, r.right) for c in engine.codes_in(side)}
        self.names, self.names_en = element_names(codes)

    def side(self, text: str, values: Mapping[str, Decimal] | None = None) -> str:
        """ "2 * DS" → "2 × Dân số" (with ``values``: "2 × Dân số (11.597)")."""
        return engine.side_words(text, self.names, values)

    def said(self, violation: Violation, values: Mapping[str, Decimal] | None = None) -> Reason:
        """The sentence in Vietnamese and in English ("Households at most a fifth of the population — needs
        5 × Households (117) ≤ Population (402)."; a rule no longer active: the violation's own sentences)."""
        rule = self.rules.get(violation.rule)
        if rule is None:
            shown = short(violation)
            return Reason(shown.message, shown.message_en)
        left, right, operator = rule.left, rule.right, SYMBOLS[rule.operator]
        return Reason(f"{rule.name_vi} — cần {self.side(left, values)} {operator} {self.side(right, values)}.",
                      f"{rule.name_en or rule.name_vi} — needs {engine.side_words(left, self.names_en, values)} "
                      f"{operator} {engine.side_words(right, self.names_en, values)}.")
