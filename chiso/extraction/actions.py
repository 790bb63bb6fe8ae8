"""Reviewing the figures read out of a report, then storing the accepted ones through the one write path.

``do_create_draft`` reads a text and keeps it with its proposals (``ExtractionDraft``); ``do_review_figures``
keeps the officer's decisions (accept, correct, reject) so nothing is lost on reload; ``do_store_reviewed``
writes the accepted actuals through ``values.actions.do_set_values`` and the accepted targets through
``plans.actions.do_set_target``, each with "<document> (<date>): «<sentence>»" as its source, all or nothing.
Plan counts ("28 chỉ tiêu: 13 … 11 … 4") are not figures: ``plan_counts`` checks them with ``plans.checks``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone

from chiso.accounts.access import can_write_unit
from chiso.engine.numbers import NumberFormatError, parse_number
from chiso.engine.periods import Period, PeriodError
from chiso.engine.text import fold
from chiso.extraction import reading
from chiso.extraction.models import ExtractionDraft
from chiso.indicators.models import DataElement, Indicator, Pillar
from chiso.plans import checks
from chiso.plans.actions import PlanError, PlanRefusalKind, do_set_target
from chiso.plans.models import Plan, TargetScope
from chiso.units.models import HierarchyVersion, Unit
from chiso.values.actions import ValueEntry, ValueWriteError, do_set_values
from chiso.values.models import Channel, DataValue, Qualifier

User = AbstractBaseUser | AnonymousUser
VERDICTS = ("", "accept", "reject")
CORRECTABLE = ("value", "qualifier", "data_element", "unit_code", "period")
MAX_TEXT = 200_000  # characters of one report


class ReviewError(Exception):
    """Nothing was stored. ``message`` is Vietnamese; ``figures`` maps a proposal's index to why it was
    refused (shown next to the figure); ``status`` is what a page answers."""

    def __init__(self, message: str, *, figures: dict[int, list[str]] | None = None, status: int = 400):
        self.message, self.figures, self.status = message, figures or {}, status
        super().__init__(message)


@dataclass(frozen=True)
class Decision:
    """The officer's verdict on proposal ``index``; a correction replaces what was read (None keeps it)."""

    index: int
    verdict: str  # "accept", "reject" or "" (not decided)
    value: str | None = None  # as typed, Vietnamese format ("1.250", "91,5")
    qualifier: str | None = None
    data_element: str | None = None  # a data element's code
    unit_code: str | None = None  # a unit's code in the map in force at the period
    period: str | None = None  # chiso period text ("2025-12")


@dataclass
class StoreResult:
    values: list[DataValue] = field(default_factory=list)
    targets: list[Any] = field(default_factory=list)  # plans.models.Target


def do_create_draft(text: str, *, source: str, document_date: date, main_unit: Unit,
                    acting_user: User) -> ExtractionDraft:
    """Read ``text`` and keep it for review. The main unit (a figure whose sentence names none) must be one
    the reader may write figures for."""
    if not acting_user.is_authenticated:
        raise ReviewError("Hãy đăng nhập để đọc số liệu từ báo cáo.", status=403)
    if not can_write_unit(acting_user, main_unit):
        raise ReviewError(f"Bạn không có quyền nhập số liệu cho {main_unit.name}: chọn đơn vị chính là đơn vị "
                          "bạn phụ trách.", status=403)
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise ReviewError("Chưa có nội dung: dán đoạn văn bản hoặc tải tệp báo cáo lên.")
    if len(text) > MAX_TEXT:
        raise ReviewError(f"Văn bản dài {len(text):,} ký tự, quá giới hạn {MAX_TEXT:,}: chia thành nhiều phần "
                          "rồi đọc từng phần.".replace(",", "."))
    if not source.strip():
        raise ReviewError("Chưa có tên hoặc số văn bản: ghi nguồn (ví dụ “Báo cáo số 12/BC-UBND”).")
    proposals = [dict(p.as_dict(), decision="") for p in reading.read_text(text, on=document_date,
                                                                           main_unit=main_unit)]
    return ExtractionDraft.objects.create(text=text, source=source.strip()[:300], document_date=document_date,
                                          main_unit=main_unit, proposals=proposals, created_by_id=acting_user.pk)


def access_draft_by_id(draft_id: int, acting_user: User) -> ExtractionDraft:
    """The draft, for its writer only; anyone else gets ``ExtractionDraft.DoesNotExist`` (a 404)."""
    if not acting_user.is_authenticated:
        raise ExtractionDraft.DoesNotExist
    return ExtractionDraft.objects.select_related("main_unit__version").get(pk=draft_id, created_by_id=acting_user.pk)


def do_review_figures(draft: ExtractionDraft, decisions: Sequence[Decision], *, acting_user: User) -> None:
    """Keep the officer's decisions and corrections on the draft (nothing is stored as a figure)."""
    if draft.created_by_id != getattr(acting_user, "pk", None):
        raise ReviewError("Đây không phải văn bản bạn đang đọc.", status=404)
    for d in decisions:
        if not 0 <= d.index < len(draft.proposals):
            raise ReviewError(f"Không có số liệu thứ {d.index + 1} trong văn bản này: tải lại trang.")
        if d.verdict not in VERDICTS:
            raise ReviewError(f"Số liệu thứ {d.index + 1}: chỉ chọn được nhận, sửa hoặc bỏ.")
        row = draft.proposals[d.index]
        row["decision"] = d.verdict
        row["corrected"] = {name: getattr(d, name) for name in CORRECTABLE
                            if getattr(d, name) is not None and str(getattr(d, name)) != _shown(row, name)}
    draft.save(update_fields=["proposals"])


def _shown(row: dict[str, Any], name: str) -> str:
    """What the review form shows for a field before the officer touches it."""
    if name == "value":
        return show_value(row["value"])
    return str(row.get(name) or "")


def show_value(plain: str | None) -> str:
    from chiso.engine.numbers import format_number

    return "" if plain in (None, "") else format_number(Decimal(plain))


def figure(row: dict[str, Any]) -> dict[str, Any]:
    """A proposal with the officer's corrections applied."""
    merged = dict(row)
    for name, value in (row.get("corrected") or {}).items():
        merged[name] = value
    if "value" in (row.get("corrected") or {}):
        merged["value_typed"] = merged["value"]
    return merged


def source_of(draft: ExtractionDraft, sentence: str) -> str:
    """The figure's source: the document and the sentence it was read from."""
    return f"{draft.source} ({draft.document_date:%d/%m/%Y}): «{sentence.strip()}»"


@transaction.atomic
def do_store_reviewed(draft: ExtractionDraft, decisions: Sequence[Decision], *, acting_user: User) -> StoreResult:
    """Store what the officer accepted, all or nothing: actuals through ``do_set_values`` (every rule and
    permission of the one write action applies), targets through ``do_set_target``. A refusal names the
    figure by its sentence; nothing is stored then."""
    do_review_figures(draft, decisions, acting_user=acting_user)
    problems: dict[int, list[str]] = {}
    actuals: list[tuple[int, ValueEntry]] = []
    targets: list[tuple[int, dict[str, Any]]] = []
    for index, row in enumerate(draft.proposals):
        if row.get("decision") != "accept" or row["kind"] == "plan_count":
            continue
        resolved = _resolve(figure(row), draft, problems.setdefault(index, []))
        if resolved is None:
            continue
        if row["kind"] == "target":
            targets.append((index, resolved))
        else:
            actuals.append((index, ValueEntry(resolved["element"], resolved["unit"], resolved["period"],
                                              resolved["value"], resolved["qualifier"],
                                              source=source_of(draft, row["sentence"]))))
    problems = {i: p for i, p in problems.items() if p}
    if not actuals and not targets and not problems:
        raise ReviewError("Chưa nhận số liệu nào: chọn “Nhận” hoặc “Sửa” ở những số liệu cần ghi.")
    result, forbidden = StoreResult(), False
    if not problems and actuals:
        try:
            do_set_values([entry for _, entry in actuals], acting_user=acting_user, channel=Channel.IMPORT,
                          reason=f"Đọc từ báo cáo: {draft.source}")
        except ValueWriteError as refused:
            forbidden = refused.status == 403
            for refusal in refused.refusals:
                at = actuals[refusal.index][0] if refusal.index is not None else actuals[0][0]
                problems.setdefault(at, []).append(refusal.message)
    if not problems:
        for index, resolved in targets:
            indicator = Indicator.objects.filter(code=resolved["element"].code).first()
            if indicator is None:
                problems[index] = [f"Yếu tố {resolved['element'].code} không phải một chỉ tiêu của kế hoạch: "
                                   "sửa lại yếu tố dữ liệu là mã chỉ tiêu, hoặc bỏ số liệu này."]
                continue
            try:
                result.targets.append(do_set_target(
                    resolved["unit"], resolved["period"].year, indicator, resolved["value"],
                    acting_user=acting_user, source=source_of(draft, draft.proposals[index]["sentence"]),
                    qualifier=resolved["qualifier"], channel=Channel.IMPORT,
                    reason=f"Đọc từ báo cáo: {draft.source}"))
            except PlanError as refused:
                forbidden = forbidden or refused.kind == PlanRefusalKind.FORBIDDEN
                problems[index] = [refused.message]
    if problems:  # raised inside the transaction: the targets already set are undone too
        first = min(problems)
        raise ReviewError(
            f"Chưa ghi gì: {len(problems)} số liệu không ghi được, đầu tiên là "
            f"«{_short(draft.proposals[first]['sentence'])}» — {problems[first][0]} Sửa hoặc bỏ các số liệu đó "
            "rồi lưu lại.", figures=problems, status=403 if forbidden else 400)
    result.values = list(DataValue.objects.filter(
        data_element__in=[e.data_element for _, e in actuals], unit__in=[e.unit for _, e in actuals],
        period__in=[str(e.period) for _, e in actuals]).select_related("data_element", "unit"))
    result.values = [v for v in result.values if (v.data_element_id, v.unit_id, v.period) in
                     {(e.data_element.pk, e.unit.pk, str(e.period)) for _, e in actuals}]
    draft.stored_at = timezone.now()
    draft.save(update_fields=["stored_at"])
    return result


def _short(sentence: str, limit: int = 120) -> str:
    sentence = " ".join(sentence.split())
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"


def _resolve(row: dict[str, Any], draft: ExtractionDraft, problems: list[str]) -> dict[str, Any] | None:
    """The element, unit, period, value and qualifier of an accepted figure, or None with the reasons."""
    element = DataElement.objects.filter(code=(row.get("data_element") or "").strip()).first()
    if element is None:
        problems.append("chưa rõ số liệu này là yếu tố dữ liệu nào: chọn mã yếu tố (ví dụ XHS-06) ở ô “Yếu tố”."
                        if not row.get("data_element") else
                        f"không có yếu tố dữ liệu mã “{row['data_element']}”: sửa lại mã (ví dụ XHS-06).")
    period = None
    try:
        period = Period.parse(row.get("period") or "")
    except (PeriodError, TypeError):
        problems.append(f"kỳ “{row.get('period') or ''}” không hợp lệ: ghi năm (2025), quý (2025Q4) hoặc tháng "
                        "(2025-12).")
    try:
        value = parse_number(str(row["value"])) if "value_typed" in row else Decimal(str(row["value"]))
    except (NumberFormatError, ArithmeticError, ValueError):
        value = None
        problems.append(f"giá trị “{row['value']}” không phải một số: viết kiểu Việt Nam, ví dụ 1.250 hoặc 91,5.")
    qualifier = row.get("qualifier") or Qualifier.EXACT
    if qualifier not in Qualifier.values:
        problems.append("chọn lại mức chính xác: chính xác, gần, hơn hoặc không quá.")
    unit = _unit(row, draft, period)
    if unit is None:
        problems.append(f"không tìm thấy đơn vị mã “{row.get('unit_code')}” trên bản đồ hành chính của kỳ này: "
                        "sửa lại mã đơn vị.")
    if problems:
        return None
    return {"element": element, "period": period, "value": value, "qualifier": qualifier, "unit": unit}


def _unit(row: dict[str, Any], draft: ExtractionDraft, period: Period | None) -> Unit | None:
    code = (row.get("unit_code") or "").strip()
    if not code:
        return draft.main_unit
    corrected = "unit_code" in (row.get("corrected") or {})
    if row.get("unit_version") and not corrected:
        return Unit.objects.filter(version__name=row["unit_version"], code=code).first()
    day = period.end if period is not None else draft.document_date
    for version in HierarchyVersion.objects.all():
        if version.covers(day):
            return Unit.objects.filter(version=version, code=code).first()
    return None


@dataclass(frozen=True)
class PlanCount:
    """A plan's counts as the text states them, beside what the plan lists, and what the checks say."""

    sentence: str
    stated_total: int | None
    stated: list[tuple[str, int]]  # (pillar code or the phrase read, count), in reading order
    listed: dict[str, int]  # pillar code -> targets the plan lists
    year: int | None
    problems: list[str]


def plan_counts(draft: ExtractionDraft) -> list[PlanCount]:
    """Each sentence of plan counts, checked with ``plans.checks`` against the main unit's plan of its year."""
    by_sentence: dict[str, list[dict[str, Any]]] = {}
    for row in draft.proposals:
        if row["kind"] == "plan_count":
            by_sentence.setdefault(row["sentence"], []).append(row)
    pillars = {fold(p.name_vi): p.code for p in Pillar.objects.all()}
    found = []
    for sentence, rows in by_sentence.items():
        total, stated = None, []
        for row in rows:
            pillar = _pillar(row.get("measure") or "", pillars)
            if pillar is None and total is None:
                total = int(Decimal(row["value"]))
            else:
                stated.append((pillar or row.get("measure") or "?", int(Decimal(row["value"]))))
        year = _year(rows[0], draft)
        plan = Plan.objects.filter(unit=draft.main_unit, year=year).first() if year else None
        listed: dict[str, int] = {}
        records = []
        if plan is not None:
            for target in plan.targets.filter(scope=TargetScope.OWN).select_related("indicator__pillar"):
                code = target.indicator.pillar.code
                listed[code] = listed.get(code, 0) + 1
                records.append(checks.TargetRecord(target.indicator.code, code, target.indicator.direction,
                                                   target.value, True))
        if plan is None:  # no plan to compare with: check the text against itself (a pillar named twice, the sum)
            records = [checks.TargetRecord("", str(p), "up", Decimal(0), True) for p, n in stated for _ in range(n)]
        problems = checks.check(total, stated, records, [])
        found.append(PlanCount(sentence, total, stated, listed, year, problems))
    return found


def _pillar(measure: str, pillars: dict[str, str]) -> str | None:
    folded = fold(measure)
    for name, code in pillars.items():
        if name in folded or folded == fold(code):
            return code
    return None


def _year(row: dict[str, Any], draft: ExtractionDraft) -> int | None:
    try:
        return Period.parse(row.get("period") or "").year
    except (PeriodError, TypeError):
        return draft.document_date.year
