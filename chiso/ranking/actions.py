"""The one way a ranking round changes: open it, self-assess, verify, move it along ``ranking.workflow``,
freeze and publish. The pages, the API, the CLI and the demo all call these.

Each runs in one transaction, checks permission through ``accounts.access`` and the step through the
transition table, and leaves a trace: a ``RoundEvent`` for a round, an ``AssessmentHistory`` row for every
claim and verdict (old values stay in the earlier rows). Refusals are ``RankingError`` in Vietnamese.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import cast

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.models import User as Account
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from chiso.accounts.access import can_decide_round
from chiso.engine.numbers import NumberFormatError
from chiso.engine.scoring import Given, RuleError, parse_rule, points, read_number
from chiso.ranking.evidence import EvidenceFile, FileRefused, Upload
from chiso.ranking.evidence import read as read_evidence
from chiso.ranking.models import (
    PEER_TYPES,
    Assessment,
    AssessmentHistory,
    Component,
    Method,
    MethodKind,
    PeerGroup,
    RankedUnit,
    Round,
    RoundEvent,
    RoundStatus,
    Scorecard,
    ScorecardStatus,
    Verdict,
)
from chiso.ranking.workflow import ROUND_MOVES, SCORECARD_MOVES
from chiso.units.models import HierarchyVersion, Unit

__all__ = ["RankingError", "do_claim", "do_move_round", "do_move_scorecard", "do_open_round", "do_verify"]

User = AbstractBaseUser | AnonymousUser
LONGEST_TEXT = 100  # a claimed or verified value is a number or a word (có, Bí thư …), never a paragraph


class RankingRefusal(StrEnum):
    FORBIDDEN = "forbidden"
    WRONG_STEP = "wrong_step"
    INVALID = "invalid"


class RankingError(Exception):
    """A ranking change was refused; nothing was saved. ``field`` names the input it is about."""

    def __init__(self, kind: RankingRefusal, message: str, field: str = ""):
        self.kind, self.message, self.field = kind, message, field
        super().__init__(message)

    @property
    def status(self) -> int:
        return {RankingRefusal.FORBIDDEN: 403, RankingRefusal.WRONG_STEP: 409}.get(self.kind, 400)


def _signed_in(user: User | None) -> Account:
    if user is None or not user.is_authenticated:
        raise RankingError(RankingRefusal.FORBIDDEN, "Cần đăng nhập để thay đổi đợt xếp hạng.")
    return cast(Account, user)


@transaction.atomic
def do_open_round(method: Method, year: int, peer_group: str, version: HierarchyVersion, within: Unit, *,
                  acting_user: User | None, title: str = "", is_illustrative: bool = False,
                  sensitivity_runs: int = 200, seed: int = 1) -> Round:
    """Open the round of ``year`` for the units of ``peer_group`` under ``within`` (of ``version``): a draft
    scorecard each, at the self-assessment step."""
    user = _signed_in(acting_user)
    if method.kind != MethodKind.INDEX:
        raise RankingError(RankingRefusal.INVALID, f"'{method}' là bộ tiêu chí, không phải bộ chỉ số xếp hạng.")
    if not can_decide_round(user, within):
        raise RankingError(RankingRefusal.FORBIDDEN, f"Bạn không có quyền mở đợt xếp hạng trong {within.name}.")
    if within.version_id != version.pk:
        raise RankingError(RankingRefusal.INVALID, f"{within.name} không thuộc phiên bản địa giới {version.name}.")
    if peer_group not in PeerGroup.values:
        raise RankingError(RankingRefusal.INVALID, f"Nhóm xếp hạng '{peer_group}' không có; chọn một trong "
                           f"{', '.join(PEER_TYPES)}.", "peer_group")
    if not 0 <= sensitivity_runs <= 10_000:
        raise RankingError(RankingRefusal.INVALID, "Số lần thử độ vững phải từ 0 đến 10.000.", "sensitivity_runs")
    units = list(Unit.objects.filter(version=version, path__startswith=within.path,
                                     type__in=PEER_TYPES[PeerGroup(peer_group)]).exclude(pk=within.pk).order_by("name"))
    if not units:
        raise RankingError(RankingRefusal.INVALID, f"Không có đơn vị nào thuộc nhóm '{peer_group}' trong "
                           f"{within.name} ({version.name}).", "peer_group")
    if Round.objects.filter(year=year, peer_group=peer_group, within=within, method=method).exists():
        raise RankingError(RankingRefusal.WRONG_STEP, f"Đã có đợt xếp hạng năm {year} của nhóm này theo "
                           f"phương pháp '{method}'.")
    now = timezone.now()
    round_ = Round.objects.create(
        method=method, year=year, peer_group=peer_group, version=version, within=within,
        title=title or f"Xếp hạng chuyển đổi số năm {year}: {within.name}", is_illustrative=is_illustrative,
        sensitivity_runs=sensitivity_runs, seed=seed, created_by=user, created_at=now)
    Scorecard.objects.bulk_create([Scorecard(round=round_, unit=unit) for unit in units])
    RoundEvent.objects.create(round=round_, action="open", to_status=round_.status, by=user, at=now)
    return round_


@transaction.atomic
def do_move_round(round_: Round, action: str, *, acting_user: User | None, reason: str = "", decision: str = "",
                  decision_date: date | None = None) -> Round:
    """Move a round along ``ROUND_MOVES``; ``approve`` freezes every unit's result as the council decided it."""
    user = _signed_in(acting_user)
    move = ROUND_MOVES.get(action)
    if move is None:
        raise RankingError(RankingRefusal.INVALID, f"Thao tác '{action}' không có (có: {', '.join(ROUND_MOVES)}).")
    round_ = Round.objects.select_for_update().select_related("within", "method").get(pk=round_.pk)
    if round_.status not in move.sources:
        raise RankingError(RankingRefusal.WRONG_STEP, f"Không thể '{move.label.lower()}': đợt đang ở bước "
                           f"'{round_.get_status_display()}'.")
    if not move.allowed(user, round_.within):
        raise RankingError(RankingRefusal.FORBIDDEN, f"Bạn không có quyền '{move.label.lower()}' đợt xếp hạng này.")
    if move.needs_reason and not reason.strip():
        raise RankingError(RankingRefusal.INVALID, f"Cần ghi lý do để '{move.label.lower()}'.", "reason")
    if action == "council":
        waiting = round_.scorecards.exclude(status=ScorecardStatus.VERIFIED).select_related("unit")
        if waiting.exists():
            names = ", ".join(s.unit.name for s in waiting[:5])
            raise RankingError(RankingRefusal.WRONG_STEP, f"Chưa trình hội đồng được: {waiting.count()} đơn vị "
                               f"chưa thẩm định xong ({names}).")
    if action == "approve":
        if not decision.strip() or decision_date is None:
            raise RankingError(RankingRefusal.INVALID, "Cần số và ngày quyết định phê duyệt của hội đồng.",
                               "decision")
        round_.decision, round_.decision_date = decision.strip()[:100], decision_date
        _freeze(round_)
    if action == "reopen":
        round_.results.all().delete()
        round_.decision, round_.decision_date = "", None
    RoundEvent.objects.create(round=round_, action=action, from_status=round_.status, to_status=move.target,
                              reason=reason.strip(), by=user, at=timezone.now())
    round_.status = move.target
    round_.save()
    return round_


def _freeze(round_: Round) -> None:
    from chiso.ranking.queries import score_round

    result = score_round(round_)
    RankedUnit.objects.bulk_create([
        RankedUnit(round=round_, unit=card.unit, total=_decimal(score.total, 3), value=_decimal(score.value, 4),
                   rank=score.rank, grade=score.grade, band_low=score.rank_band[0], band_high=score.rank_band[1],
                   median_rank=_decimal(score.median_rank, 1), lines=result.lines[card.unit_id],
                   missing=score.missing)
        for card, score in result.by_card()])


def _decimal(value: float, places: int) -> Decimal:
    return Decimal(str(round(value, places)))


@transaction.atomic
def do_move_scorecard(scorecard: Scorecard, action: str, *, acting_user: User | None, reason: str = "") -> Scorecard:
    user = _signed_in(acting_user)
    move = SCORECARD_MOVES.get(action)
    if move is None:
        raise RankingError(RankingRefusal.INVALID, f"Thao tác '{action}' không có (có: {', '.join(SCORECARD_MOVES)}).")
    card = Scorecard.objects.select_for_update().select_related("round", "unit", "round__method").get(pk=scorecard.pk)
    if not move.allowed(user, card.unit):
        raise RankingError(RankingRefusal.FORBIDDEN, f"Bạn không có quyền '{move.label.lower()}' phiếu chấm của "
                           f"{card.unit.name}.")
    if card.round.status not in move.round_at or card.status not in move.sources:
        raise RankingError(RankingRefusal.WRONG_STEP, f"Không thể '{move.label.lower()}': phiếu đang ở bước "
                           f"'{card.get_status_display()}', đợt ở bước '{card.round.get_status_display()}'.")
    if move.needs_reason and not reason.strip():
        raise RankingError(RankingRefusal.INVALID, f"Cần ghi lý do để '{move.label.lower()}'.", "reason")
    claims = {a.component: a for a in card.assessments.all()}
    if action == "submit":
        unclaimed = [c.code for c in self_assessed(card) if c.code not in claims]
        if unclaimed:
            raise RankingError(RankingRefusal.INVALID, "Chưa gửi được: còn thiếu tự đánh giá của "
                               f"{', '.join(unclaimed)}. Nhập giá trị (0 hoặc 'không' nếu chưa đạt) rồi gửi lại.")
    if action == "verified":
        pending = sorted(code for code, a in claims.items() if a.verdict == Verdict.PENDING)
        if pending:
            raise RankingError(RankingRefusal.INVALID, f"Còn {len(pending)} thành phần chưa thẩm định: "
                               f"{', '.join(pending)}.")
    RoundEvent.objects.create(round=card.round, action=f"{action}:{card.unit.code}", from_status=card.status,
                              to_status=move.target, reason=reason.strip(), by=user, at=timezone.now())
    card.status = move.target
    card.save()
    return card


def self_assessed(card: Scorecard) -> list[Component]:
    """The components the unit scores itself (with evidence) that apply to its type."""
    return [c for c in card.round.method.components.all() if c.self_assessed and applies(c, card.unit)]


def applies(component: Component, unit: Unit) -> bool:
    """The component counts for the unit's type (no ``applies_to``: for every unit)."""
    return not component.applies_to or unit.type in _types(component)


def _types(component: Component) -> set[str]:
    return {t.strip() for t in component.applies_to.replace(",", ";").split(";") if t.strip()}


def _component(card: Scorecard, code: str) -> Component:
    found = next((c for c in self_assessed(card) if c.code == code), None)
    if found is None:
        raise RankingError(RankingRefusal.INVALID, f"'{code}' không phải thành phần tự đánh giá của "
                           f"{card.unit.name} trong phương pháp này.", "component")
    return found


def checked_value(component: Component, text: str, denominator: Decimal | None, field: str) -> tuple[str, float]:
    """The value as it will be scored and the points it earns alone (``relative_to_best`` as if best),
    refused in Vietnamese when the rule cannot score it."""
    text = (text or "").strip()
    if not text:
        raise RankingError(RankingRefusal.INVALID, f"{component.code}: cần một giá trị.", field)
    if len(text) > LONGEST_TEXT:
        raise RankingError(RankingRefusal.INVALID, f"{component.code}: giá trị quá dài (tối đa {LONGEST_TEXT} ký tự).",
                           field)
    value: float | str = text
    if component.rule not in ("boolean", "categorical"):
        try:
            value = read_number(text)
        except NumberFormatError:
            raise RankingError(RankingRefusal.INVALID, f"{component.code}: '{text}' không phải một số hữu hạn "
                               "(viết 91,5 hoặc 4).", field) from None
        if value < 0:
            raise RankingError(RankingRefusal.INVALID, f"{component.code}: giá trị không được âm.", field)
    best = value if isinstance(value, float) and value > 0 else None
    try:
        earned = points(parse_rule(component.rule, component.params), float(component.max_points),
                        Given(value, float(denominator) if denominator is not None else None), best=best)
    except RuleError as error:
        raise RankingError(RankingRefusal.INVALID, f"{component.code}: {error}", field) from None
    return text, earned


def _denominator(value: Decimal | str | None, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:  # a Decimal is a number already: str(Decimal("1.234")) read as Vietnamese text would be 1234
        number = value if isinstance(value, Decimal) else Decimal(str(read_number(str(value))))
    except (NumberFormatError, InvalidOperation):
        raise RankingError(RankingRefusal.INVALID, f"Mẫu số '{value}' không phải số.", field) from None
    if not number.is_finite() or number <= 0 or number >= Decimal("1e14"):
        raise RankingError(RankingRefusal.INVALID, "Mẫu số phải lớn hơn 0 và nhỏ hơn 10^14.", field)
    return number


@transaction.atomic
def do_claim(scorecard: Scorecard, component: str, value: str, *, acting_user: User | None,
             denominator: Decimal | str | None = None, evidence_number: str = "", evidence_date: date | None = None,
             evidence_title: str = "", evidence_excerpt: str = "", evidence_link: str = "",
             evidence_file: Upload | None = None) -> Assessment:
    """The unit's self-assessment of one component, with its evidence (số hiệu, ngày, tên, trích yếu, đường dẫn,
    tệp). A claim with points needs evidence: a document number and title, a link, or a file.

    ``evidence_file`` is a Django ``UploadedFile`` (from a form or the API) or a ``(name, bytes)`` pair, checked
    by ``ranking.evidence.read`` (PDF, JPEG, PNG, DOCX or XLSX by its first bytes, at most
    ``settings.EVIDENCE_FILE_MAX_BYTES``; its name kept only to show). Without one, a re-claim keeps the file
    attached before; a new one replaces it (the old file is removed once the claim is saved). Every history row
    notes the file's name and SHA-256."""
    user = _signed_in(acting_user)
    card = Scorecard.objects.select_for_update().select_related("round", "unit", "round__method").get(pk=scorecard.pk)
    from chiso.accounts.access import can_self_assess

    if not can_self_assess(user, card.unit):
        raise RankingError(RankingRefusal.FORBIDDEN, f"Bạn không có quyền tự đánh giá cho {card.unit.name}.")
    if card.round.status != RoundStatus.SELF_ASSESSMENT or card.status != ScorecardStatus.DRAFT:
        raise RankingError(RankingRefusal.WRONG_STEP, f"Phiếu của {card.unit.name} không còn ở bước tự đánh giá "
                           f"(phiếu: {card.get_status_display()}, đợt: {card.round.get_status_display()}).")
    found = _component(card, component)
    share = _denominator(denominator, "denominator")
    text, earned = checked_value(found, value, share, "value")
    evidence = [e.strip() for e in (evidence_number, evidence_title, evidence_excerpt, evidence_link)]
    if any(len(e) > 300 for e in evidence[:2]) or len(evidence[2]) > 4000 or len(evidence[3]) > 500:
        raise RankingError(RankingRefusal.INVALID, "Thông tin văn bản kiểm chứng quá dài.", "evidence")
    if evidence[3] and not evidence[3].startswith(("https://", "http://")):
        raise RankingError(RankingRefusal.INVALID, "Đường dẫn kiểm chứng phải bắt đầu bằng https:// hoặc http://.",
                           "evidence_link")
    attached = _evidence_file(found, evidence_file) if evidence_file is not None else None
    assessment = Assessment.objects.select_for_update().filter(scorecard=card, component=found.code).first()
    has_file = attached is not None or bool(assessment and assessment.evidence_file)
    if earned > 0 and not ((evidence[0] and evidence[1]) or evidence[3] or has_file):
        proof = found.evidence or "văn bản"
        raise RankingError(RankingRefusal.INVALID, f"{found.code}: cần tài liệu kiểm chứng ({proof}): ghi số hiệu "
                           "và tên văn bản, đường dẫn, hoặc đính kèm tệp.", "evidence_number")
    now = timezone.now()
    if assessment is None:
        assessment = Assessment(scorecard=card, component=found.code, claimed=text, claimed_by=user, claimed_at=now)
    else:
        assessment.revision += 1
    assessment.claimed, assessment.claimed_denominator = text, share
    assessment.evidence_number, assessment.evidence_title = evidence[0][:100], evidence[1]
    assessment.evidence_excerpt, assessment.evidence_link = evidence[2], evidence[3]
    assessment.evidence_date = evidence_date
    assessment.claimed_by, assessment.claimed_at = user, now
    assessment.verdict, assessment.verified, assessment.verified_denominator = Verdict.PENDING, "", None
    if attached is not None:
        assessment.evidence_file_name, assessment.evidence_file_type = attached.name, attached.content_type
        assessment.evidence_file_size, assessment.evidence_file_sha256 = attached.size, attached.sha256
    assessment.save()
    _history(assessment, "claim", "", user, now)
    if attached is not None:
        _keep(assessment, attached)
    return assessment


def _evidence_file(component: Component, upload: Upload) -> EvidenceFile:
    try:
        return read_evidence(upload, settings.EVIDENCE_FILE_MAX_BYTES)
    except FileRefused as refused:
        raise RankingError(RankingRefusal.INVALID, f"{component.code}: {refused.message}", "evidence_file") from None


def _keep(assessment: Assessment, attached: EvidenceFile) -> None:
    """Write the file under ``bang-chung/<round>/<assessment>/`` (0600, in the 0700 data folder), the claim's last
    write: if saving its path fails the file is removed at once; the file it replaces, once the claim commits."""
    replaced = assessment.evidence_file.name or ""
    storage = assessment.evidence_file.storage
    assessment.evidence_file.save(attached.stored_name, ContentFile(attached.content), save=False)
    kept = assessment.evidence_file.name or ""
    try:
        assessment.save(update_fields=["evidence_file"])
    except BaseException:
        storage.delete(kept)
        raise
    if replaced and replaced != kept:
        transaction.on_commit(lambda: storage.delete(replaced))


@transaction.atomic
def do_verify(assessment: Assessment, verdict: str, *, acting_user: User | None, value: str = "",
              denominator: Decimal | str | None = None, reason: str = "") -> Assessment:
    """The verifier's verdict on one claim: accept it, adjust it to ``value`` (a reason is required; the claim
    and the adjusted value are both kept and shown) or reject it (a reason is required; it scores nothing)."""
    user = _signed_in(acting_user)
    from chiso.accounts.access import can_verify_assessment

    found = Assessment.objects.select_for_update().select_related(
        "scorecard", "scorecard__round", "scorecard__unit", "scorecard__round__method").get(pk=assessment.pk)
    card = found.scorecard
    if not can_verify_assessment(user, card.unit):
        raise RankingError(RankingRefusal.FORBIDDEN, f"Bạn không có quyền thẩm định phiếu của {card.unit.name}.")
    if card.round.status != RoundStatus.VERIFICATION or card.status != ScorecardStatus.SUBMITTED:
        raise RankingError(RankingRefusal.WRONG_STEP, f"Phiếu của {card.unit.name} không ở bước thẩm định "
                           f"(phiếu: {card.get_status_display()}, đợt: {card.round.get_status_display()}).")
    if verdict not in (Verdict.ACCEPTED, Verdict.ADJUSTED, Verdict.REJECTED):
        raise RankingError(RankingRefusal.INVALID, "Chọn chấp nhận, điều chỉnh hoặc không chấp nhận.", "verdict")
    if verdict != Verdict.ACCEPTED and not reason.strip():
        raise RankingError(RankingRefusal.INVALID, "Cần ghi lý do khi điều chỉnh hoặc không chấp nhận.", "reason")
    component = _component(card, found.component)
    found.verified, found.verified_denominator = "", None
    if verdict == Verdict.ADJUSTED:
        share = _denominator(denominator, "denominator") if denominator not in (None, "") else found.claimed_denominator
        found.verified = checked_value(component, value, share, "value")[0]
        found.verified_denominator = share
    now = timezone.now()
    found.verdict, found.verify_reason, found.verified_by, found.verified_at = verdict, reason.strip(), user, now
    found.revision += 1
    found.save()
    _history(found, "verify", reason.strip(), user, now)
    return found


def _history(assessment: Assessment, step: str, reason: str, user: Account, at: datetime) -> None:
    AssessmentHistory.objects.create(assessment=assessment, revision=assessment.revision, step=step,
                                     claimed=assessment.claimed, verdict=assessment.verdict,
                                     verified=assessment.verified, evidence_file_name=assessment.evidence_file_name,
                                     evidence_file_sha256=assessment.evidence_file_sha256, reason=reason, by=user,
                                     at=at)
