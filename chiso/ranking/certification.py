"""Certification against a criteria set ("Khu dân cư công nghệ số") on the database: assess, certify, read.

``do_assess`` judges one unit (a khu dân cư, tổ dân phố, thôn …) for one period: every criterion with a data
source reads the unit's **published** figure of the period (``analytics.queries.evaluate(published_only=True)``;
a rate such as XHS-04 is compared in %), every manual criterion (source ``tu-danh-gia``) takes the unit's answer
with its evidence; ``engine.criteria.assess`` gives the passed, failed and missing criteria and whether the set
is met (mandatory + k of n). ``do_certify`` records the decision that certifies a unit that meets the set, with
its date and validity; a re-check ("duy trì") is an assessment of a later period. Both run in one transaction,
check permission through ``accounts.access`` and leave a ``CertificationHistory`` row; refusals are
``RankingError`` in Vietnamese.

The city counts certified areas as a figure: when a certification of a set listed in ``COUNTED`` is decided,
``do_count_certified`` writes, through ``values.actions.do_set_values``, the number of the ward's areas whose
certification holds at the end of the period (``XHS-KDC``). The count is derived, not entered: it is written as
the system (the decision was checked above; the history row's reason names it and who decided), so a report
closed since does not block it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.models import User as Account
from django.db import transaction
from django.utils import timezone

from chiso.accounts.access import can_read_certification, can_self_assess, can_verify_assessment
from chiso.analytics.queries import QueryError, evaluate
from chiso.engine.criteria import CriteriaSet, assess, meets
from chiso.engine.numbers import NumberFormatError, format_number
from chiso.engine.periods import Period, PeriodError
from chiso.engine.scoring import RuleError, is_yes, read_number
from chiso.indicators.models import DataElement
from chiso.ranking.actions import RankingError, RankingRefusal
from chiso.ranking.methods import criteria_of
from chiso.ranking.models import Certification, CertificationHistory, Component, Method, MethodKind
from chiso.units.models import Unit
from chiso.units.types import UnitType
from chiso.values.actions import ValueEntry, do_set_values
from chiso.values.models import Channel

__all__ = ["COUNTED", "Standing", "certifications_under", "certified_count", "do_assess", "do_certify",
           "do_count_certified", "readable", "ward_of"]

User = AbstractBaseUser | AnonymousUser
COUNTED = {"kdc-cong-nghe-so": "XHS-KDC"}  # criteria set code → the data element counting its certified areas
WARD_TYPES = (UnitType.WARD, UnitType.COMMUNE, UnitType.TOWNLET, UnitType.SPECIAL_ZONE)
LONGEST_VALUE = 100
LONGEST_EVIDENCE = 2000


def _signed_in(user: User | None) -> Account:
    if user is None or not user.is_authenticated:
        raise RankingError(RankingRefusal.FORBIDDEN, "Cần đăng nhập để đánh giá hoặc công nhận theo bộ tiêu chí.")
    return cast(Account, user)


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except PeriodError:
        raise RankingError(RankingRefusal.INVALID, f"Kỳ '{text}' không hợp lệ: viết 2024, 2024Q3 hoặc 2024-07.",
                           "period") from None


# -- assess ---------------------------------------------------------------------------------------------

@transaction.atomic
def do_assess(method: Method, unit: Unit, period: str, *, acting_user: User | None,
              answers: Mapping[str, Mapping[str, Any]], reason: str = "",
              is_illustrative: bool = False) -> Certification:
    """Assess ``unit`` for ``period`` against the criteria set ``method``; ``answers`` holds the manual criteria,
    ``{code: {"value": "có" | number, "evidence": text}}`` (an answer that meets its criterion needs evidence).
    A criterion without a published figure or an answer is *missing*, listed, never skipped. Assessing the same
    period again replaces the verdict (a new revision), until a decision certifies it."""
    user = _signed_in(acting_user)
    if method.kind != MethodKind.CRITERIA:
        raise RankingError(RankingRefusal.INVALID, f"'{method}' là bộ chỉ số xếp hạng, không phải bộ tiêu chí.")
    if not can_self_assess(user, unit):
        raise RankingError(RankingRefusal.FORBIDDEN, f"Bạn không có quyền đánh giá {unit.name} theo bộ tiêu chí: "
                           "chỉ cán bộ của đơn vị hoặc quản trị cấp trên.")
    when = _period(period)
    start, end = unit.effective_from(), unit.effective_to()
    if (start and when.end < start) or (end and when.end > end):
        raise RankingError(RankingRefusal.INVALID, f"{unit.name} (mã {unit.code}, danh mục {unit.version.name}) không "
                           f"có hiệu lực vào cuối kỳ {when}: đánh giá đơn vị có hiệu lực vào cuối kỳ.", "period")
    found = Certification.objects.select_for_update().filter(method=method, unit=unit, period=str(when)).first()
    if found is not None and found.decision:
        raise RankingError(RankingRefusal.WRONG_STEP, f"{unit.name} đã được công nhận cho kỳ {when} (quyết định "
                           f"{found.decision}): không đánh giá lại kỳ này; đánh giá duy trì là một kỳ sau.")
    components = list(method.components.all())
    figures, illustrative = _figures(components, unit, when)
    criteria_set = criteria_of(method)
    given, kept = _answers(components, criteria_set, answers)
    result = assess(criteria_set, figures | given)
    now = timezone.now()
    if found is None:
        found = Certification(method=method, unit=unit, period=str(when), revision=0)
    found.answers, found.inputs = kept, figures | given
    found.passed, found.failed, found.missing, found.meets = result.passed, result.failed, result.missing, \
        result.certified
    found.is_illustrative = is_illustrative or method.is_illustrative or illustrative
    found.assessed_by, found.assessed_at = user, now
    found.revision += 1
    found.save()
    _history(found, "assess", reason.strip(), user)
    return found


def _figures(components: list[Component], unit: Unit, when: Period) -> tuple[dict[str, float | str], bool]:
    """The published figure of the period behind every criterion with a data source: {criterion: value}, and
    whether any of them is illustrative."""
    read = [c for c in components if c.rule and not c.self_assessed]
    if not read:
        return {}, False
    try:
        rows = evaluate(sorted({c.source for c in read}), [unit], [when], published_only=True)
    except QueryError as error:
        raise RankingError(RankingRefusal.INVALID, f"Bộ tiêu chí đọc một mã không có trong danh mục: {error}") \
            from None
    by_code = {row.data: row for row in rows}
    values: dict[str, float | str] = {}
    illustrative = False
    for c in read:
        row = by_code.get(c.source)
        if row is not None and row.value is not None and not row.withheld:
            values[c.code] = float(row.value)
            illustrative = illustrative or row.illustrative
    return values, illustrative


def _answers(components: list[Component], criteria_set: CriteriaSet, answers: Mapping[str, Mapping[str, Any]]
             ) -> tuple[dict[str, float | str], dict[str, dict[str, Any]]]:
    """The manual criteria's answers as judged, and as kept (value, evidence); refused in Vietnamese when an
    answer is not one its rule can judge, or meets its criterion without evidence."""
    by_code = {c.code: c for c in components}
    criteria = {c.code: c for c in criteria_set.criteria}
    given: dict[str, float | str] = {}
    kept: dict[str, dict[str, Any]] = {}
    for code, answer in answers.items():
        component = by_code.get(code)
        if component is None:
            raise RankingError(RankingRefusal.INVALID, f"'{code}' không phải tiêu chí của bộ tiêu chí này.", code)
        if not component.self_assessed:
            raise RankingError(RankingRefusal.INVALID, f"{code}: tiêu chí này đọc từ số liệu đã công bố "
                               f"({component.source}), không nhập tay. Nhập số liệu vào báo cáo của đơn vị.", code)
        if not isinstance(answer, Mapping):
            raise RankingError(RankingRefusal.INVALID, f"{code}: cần giá trị và tài liệu kiểm chứng.", code)
        raw = answer.get("value")
        text = "" if raw is None else str(raw).strip()
        evidence = str(answer.get("evidence") or "").strip()
        if not text:
            continue  # not answered: missing
        if len(text) > LONGEST_VALUE or len(evidence) > LONGEST_EVIDENCE:
            raise RankingError(RankingRefusal.INVALID, f"{code}: giá trị (tối đa {LONGEST_VALUE} ký tự) hoặc tài liệu "
                               f"kiểm chứng (tối đa {format_number(LONGEST_EVIDENCE)} ký tự) quá dài.", code)
        value: float | str
        if component.rule == "boolean":
            try:
                is_yes(text)
            except RuleError:
                raise RankingError(RankingRefusal.INVALID, f"{code}: '{text}' không phải có/không.", code) from None
            value = text
        else:
            try:  # a number given as a number is taken as it is; a text is read the Vietnamese way (55,5)
                value = float(raw) if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool) \
                    else read_number(text)
            except NumberFormatError:
                value = math.nan
            if not math.isfinite(value):
                raise RankingError(RankingRefusal.INVALID, f"{code}: '{text}' không phải một số hữu hạn (viết 55 "
                                   "hoặc 55,5).", code)
            if value < 0:
                raise RankingError(RankingRefusal.INVALID, f"{code}: giá trị không được âm.", code)
        if meets(criteria[code], value) and not evidence:
            raise RankingError(RankingRefusal.INVALID, f"{code} ({component.name}): trả lời '{text}' cần tài liệu "
                               "kiểm chứng: ghi số hiệu và tên văn bản, biên bản hoặc đường dẫn.", code)
        given[code] = value
        kept[code] = {"value": value, "evidence": evidence}
    return given, kept


# -- certify --------------------------------------------------------------------------------------------

@transaction.atomic
def do_certify(certification: Certification, *, acting_user: User | None, decision: str,
               decision_date: date | None, valid_until: date | None, channel: Channel = Channel.WEB,
               reason: str = "") -> Certification:
    """Record the decision certifying a unit that meets the set (số quyết định, ngày, hiệu lực đến): an approver
    above the unit or an administrator. The ward's count of certified areas is written in the same transaction."""
    user = _signed_in(acting_user)
    found = Certification.objects.select_for_update().select_related("unit", "unit__version", "method") \
        .get(pk=certification.pk)
    unit = found.unit
    if not can_verify_assessment(user, unit):
        raise RankingError(RankingRefusal.FORBIDDEN, f"Bạn không có quyền công nhận {unit.name}: chỉ cấp phê duyệt "
                           "phía trên hoặc quản trị.")
    if found.decision:
        raise RankingError(RankingRefusal.WRONG_STEP, f"{unit.name} đã được công nhận cho kỳ {found.period} (quyết "
                           f"định {found.decision}).")
    if not found.meets:
        names = _names(found.method)
        detail = "; ".join(part for part in (
            f"chưa đạt: {', '.join(names.get(c, c) for c in found.failed)}" if found.failed else "",
            f"thiếu số liệu: {', '.join(names.get(c, c) for c in found.missing)}" if found.missing else "") if part)
        raise RankingError(RankingRefusal.WRONG_STEP, f"{unit.name} chưa đạt bộ tiêu chí kỳ {found.period} "
                           f"({len(found.passed)}/{len(names)} tiêu chí; {detail}): chưa công nhận được.")
    decision = decision.strip()
    if not decision or len(decision) > 100:
        raise RankingError(RankingRefusal.INVALID, "Cần số quyết định công nhận (tối đa 100 ký tự).", "decision")
    if decision_date is None:
        raise RankingError(RankingRefusal.INVALID, "Cần ngày quyết định công nhận.", "decision_date")
    assessed = Period.parse(found.period)
    if decision_date < assessed.start:
        raise RankingError(RankingRefusal.INVALID, f"Ngày quyết định {decision_date:%d/%m/%Y} trước kỳ được đánh giá "
                           f"({assessed.vi_label()}).", "decision_date")
    if valid_until is None or valid_until <= decision_date:
        raise RankingError(RankingRefusal.INVALID, "Cần ngày hết hiệu lực, sau ngày quyết định (đánh giá duy trì "
                           "trước ngày đó).", "valid_until")
    found.decision, found.decision_date, found.valid_until = decision, decision_date, valid_until
    found.revision += 1
    found.save()
    _history(found, "certify", reason.strip(), user)
    ward = ward_of(unit)
    if ward is not None and found.method.code in COUNTED:
        do_count_certified(ward, assessed, method_code=found.method.code, channel=channel,
                           reason=f"Công nhận {unit.name} (quyết định {decision} ngày {decision_date:%d/%m/%Y}, "
                                  f"người ghi: {user.get_username()})")
    return found


def _history(certification: Certification, step: str, reason: str, user: Account) -> None:
    CertificationHistory.objects.create(
        certification=certification, revision=certification.revision, step=step, meets=certification.meets,
        passed=certification.passed, failed=certification.failed, decision=certification.decision, reason=reason,
        by=user, at=timezone.now())


def _names(method: Method) -> dict[str, str]:
    return {c.code: c.name for c in method.components.all()}


# -- the ward's count ------------------------------------------------------------------------------------

def ward_of(unit: Unit) -> Unit | None:
    """The phường/xã (or thị trấn, đặc khu) a unit lies in; None above that level."""
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    return (Unit.objects.filter(id__in=ids, type__in=WARD_TYPES).exclude(pk=unit.pk).select_related("version")
            .order_by("-depth").first())


def _holding(ward: Unit, period: Period, method_code: str) -> list[Certification]:
    """The certifications of ``ward``'s units that hold at the end of ``period``: decided, for that period or an
    earlier one, valid at its last day; the latest of each unit."""
    found = (Certification.objects.filter(method__code=method_code, unit__version=ward.version_id,
                                          unit__path__startswith=ward.path, meets=True)
             .exclude(decision="").exclude(unit=ward).select_related("unit"))
    latest: dict[int, Certification] = {}
    for c in found:
        end = Period.parse(c.period).end
        if end <= period.end and (c.valid_until is None or c.valid_until >= period.end):
            if c.unit_id not in latest or Period.parse(latest[c.unit_id].period).end < end:
                latest[c.unit_id] = c
    return sorted(latest.values(), key=lambda c: c.unit.name)


def certified_count(ward: Unit, period: Period, method_code: str) -> int:
    return len(_holding(ward, period, method_code))


def do_count_certified(ward: Unit, period: Period, *, method_code: str, channel: Channel = Channel.WEB,
                       reason: str = "") -> int:
    """Write the number of ``ward``'s areas certified under ``method_code`` that hold at the end of ``period``
    as the figure ``COUNTED[method_code]`` (a history row when it changes); returns the count."""
    holding = _holding(ward, period, method_code)
    element = DataElement.objects.get(code=COUNTED[method_code])
    decisions = "; ".join(f"{c.unit.name}: {c.decision}" for c in holding)
    illustrative = any(c.is_illustrative for c in holding)
    counted = f"Đếm từ các quyết định công nhận còn hiệu lực cuối kỳ ({decisions or 'chưa có'})."
    entry = ValueEntry(
        data_element=element, unit=ward, period=period, value=Decimal(len(holding)),
        source=f"Số liệu minh họa: {counted}" if illustrative else counted, is_illustrative=illustrative)
    do_set_values([entry], acting_user=None, channel=channel, reason=reason or "Đếm khu dân cư được công nhận")
    return len(holding)


# -- reads ----------------------------------------------------------------------------------------------

STATES = {
    "certified": "Đã công nhận",
    "expired": "Hết hiệu lực",
    "pending": "Đủ điều kiện, chờ quyết định công nhận",
    "not_met": "Chưa đạt",
}


def readable(user: User | None, certification: Certification) -> bool:
    """Whether ``user`` may read ``certification``: decided ones are public."""
    return can_read_certification(user, certification.unit, decided=certification.certified)


def state_of(certification: Certification, today: date) -> str:
    if certification.certified:
        expired = certification.valid_until is not None and certification.valid_until < today
        return "expired" if expired else "certified"
    return "pending" if certification.meets else "not_met"


@dataclass(frozen=True)
class Standing:
    """A unit's latest assessment against one criteria set as a reader may see it, and its decision in force."""

    certification: Certification  # the latest readable assessment
    decided: Certification | None  # the latest decided one (may be the same)
    total: int
    failed: list[tuple[str, str]]  # (code, name)
    missing: list[tuple[str, str]]
    state: str  # of ``decided`` when there is one, else of the assessment

    @property
    def unit(self) -> Unit:
        return self.certification.unit

    @property
    def passed(self) -> int:
        return len(self.certification.passed)

    @property
    def label(self) -> str:
        return f"{self.passed}/{self.total} tiêu chí"

    @property
    def state_label(self) -> str:
        return STATES[self.state]

    @property
    def recheck(self) -> bool:
        """The latest assessment is a later one than the decision (a re-check, "duy trì")."""
        return self.decided is not None and self.decided.pk != self.certification.pk


def certifications_under(ward: Unit, user: User | None, *, today: date | None = None) -> list[Standing]:
    """The residential areas (any unit) under ``ward`` assessed against a criteria set, one row per unit and set:
    the latest assessment ``user`` may read (decided ones are public, the others only for whoever may read the
    unit's unpublished figures), with "7/10 tiêu chí", the criteria that fail or lack a figure, and the decision
    in force ("hết hiệu lực" past its validity)."""
    today = today or timezone.localdate()
    found = (Certification.objects.filter(unit__version=ward.version_id, unit__path__startswith=ward.path)
             .exclude(unit=ward).select_related("unit", "method"))
    by_key: dict[tuple[int, str], list[Certification]] = {}
    for c in found:
        if readable(user, c):
            by_key.setdefault((c.unit_id, c.method.code), []).append(c)
    names: dict[int, dict[str, str]] = {}
    rows = []
    for group in by_key.values():
        group.sort(key=lambda c: (Period.parse(c.period).end, Period.parse(c.period).start), reverse=True)
        latest = group[0]
        decided = next((c for c in group if c.certified), None)
        if latest.method_id not in names:
            names[latest.method_id] = _names(latest.method)
        named = names[latest.method_id]
        rows.append(Standing(
            latest, decided, len(named), [(c, named.get(c, c)) for c in latest.failed],
            [(c, named.get(c, c)) for c in latest.missing], state_of(decided or latest, today)))
    return sorted(rows, key=lambda s: (s.unit.name, s.certification.method.code))


def readable_certifications(unit: Unit, user: User | None, *, set_code: str = "") -> list[Certification]:
    """Every assessment of ``unit`` and the units under it (against the criteria set ``set_code``, or any) that
    ``user`` may read (``readable``: decided ones are public), by unit name, set and period, newest first."""
    found = (Certification.objects.filter(unit__version=unit.version_id, unit__path__startswith=unit.path)
             .select_related("unit", "unit__version", "method"))
    if set_code:
        found = found.filter(method__code=set_code)
    rows = [c for c in found if readable(user, c)]
    rows.sort(key=lambda c: (Period.parse(c.period).end, Period.parse(c.period).start), reverse=True)
    return sorted(rows, key=lambda c: (c.unit.name, c.method.code))
