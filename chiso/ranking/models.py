"""Ranking methods (bộ chỉ số đánh giá, xếp hạng) and criteria sets as data, and the annual round on them.

A ``Method`` is one version of an index (a tree of components with points, rules, sources, evidence and a
verifying agency, plus grade bands) or of a criteria set (mandatory and optional criteria, k of n). A version
is never edited: loading a changed file makes the next version, and every round records the version it used.

A ``Round`` (đợt đánh giá) ranks one peer group (phường, xã, sở/ngành …) of one map version for one year,
optionally within one unit (Thanh Khê's wards). Each ranked unit has a ``Scorecard``; each self-assessed
component of it an ``Assessment`` (the unit's claim with its evidence, then the verifier's verdict). Every
change is an action in ``ranking.actions`` (one transition table in ``ranking.workflow``) and leaves a
``RoundEvent`` or an ``AssessmentHistory`` row. When the council approves, the result is frozen as
``RankedUnit`` rows: the published ranking is read from them, as it was decided.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from chiso.units.models import HierarchyVersion, Unit


class MethodKind(models.TextChoices):
    INDEX = "index", "Bộ chỉ số xếp hạng"
    CRITERIA = "criteria", "Bộ tiêu chí công nhận"


class Method(models.Model):
    code = models.SlugField("mã", max_length=60, help_text="ví dụ danang-2386")
    version = models.PositiveIntegerField("phiên bản")
    kind = models.CharField("loại", max_length=10, choices=MethodKind.choices)
    name = models.CharField("tên", max_length=300)
    legal_basis = models.CharField("căn cứ", max_length=300, blank=True)
    note = models.TextField("ghi chú", blank=True, help_text="Nguồn, mức độ chắc chắn, điều gì là minh họa")
    is_illustrative = models.BooleanField("minh họa", default=False,
                                          help_text="Điểm hoặc quy tắc không công bố: đặt để thử phương pháp.")
    optional_needed = models.PositiveSmallIntegerField(
        "số tiêu chí không bắt buộc phải đạt (k)", null=True, blank=True, help_text="Chỉ cho bộ tiêu chí")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="người tải lên")
    created_at = models.DateTimeField("lúc")
    reason = models.TextField("lý do thay đổi", blank=True)

    class Meta:
        verbose_name = "phương pháp"
        verbose_name_plural = "phương pháp"
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="one_method_version")]

    def __str__(self) -> str:
        return f"{self.name} (phiên bản {self.version})"


class Component(models.Model):
    """A row of the method's table: a group (no rule) or a scored sub-indicator; for a criteria set, a
    criterion (``kind`` mandatory or optional)."""

    method = models.ForeignKey(Method, on_delete=models.CASCADE, related_name="components")
    position = models.PositiveIntegerField("STT")
    code = models.CharField("mã", max_length=40)
    parent = models.CharField("mã nhóm", max_length=40, blank=True)
    name = models.CharField("chỉ số", max_length=500)
    max_points = models.DecimalField("điểm tối đa", max_digits=10, decimal_places=3, default=0)
    rule = models.CharField("cách tính điểm", max_length=30, blank=True)
    params = models.CharField("tham số", max_length=300, blank=True)
    source = models.CharField("nguồn", max_length=60, blank=True,
                              help_text="Mã chỉ tiêu hoặc yếu tố dữ liệu (tự động), hoặc tu-danh-gia")
    applies_to = models.CharField("áp dụng cho", max_length=200, blank=True, help_text="loại đơn vị, cách nhau ;")
    evidence = models.CharField("tài liệu kiểm chứng", max_length=500, blank=True)
    verifier = models.CharField("đơn vị xác minh", max_length=200, blank=True)
    kind = models.CharField("bắt buộc / không bắt buộc", max_length=10, blank=True)
    note = models.CharField("ghi chú", max_length=500, blank=True)

    class Meta:
        ordering = ["method", "position"]
        constraints = [models.UniqueConstraint(fields=["method", "code"], name="one_component_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def self_assessed(self) -> bool:
        return bool(self.rule) and self.source in ("", SELF_ASSESSED)


SELF_ASSESSED = "tu-danh-gia"


class GradeBand(models.Model):
    method = models.ForeignKey(Method, on_delete=models.CASCADE, related_name="grades")
    name = models.CharField("xếp loại", max_length=60)
    min_score = models.DecimalField("điểm tối thiểu", max_digits=10, decimal_places=3)

    class Meta:
        ordering = ["method", "-min_score"]


class PeerGroup(models.TextChoices):
    WARD = "phuong", "Phường"
    COMMUNE = "xa", "Xã"
    WARD_COMMUNE = "phuong-xa", "Phường, xã, đặc khu"
    DISTRICT = "quan-huyen", "Quận, huyện"
    AGENCY = "so-nganh", "Sở, ban, ngành"


PEER_TYPES = {
    PeerGroup.WARD: ("phuong",),
    PeerGroup.COMMUNE: ("xa",),
    PeerGroup.WARD_COMMUNE: ("phuong", "xa", "thi_tran", "dac_khu"),
    PeerGroup.DISTRICT: ("quan", "huyen", "thi_xa", "thanh_pho_thuoc_tinh"),
    PeerGroup.AGENCY: ("co_quan",),
}


class RoundStatus(models.TextChoices):
    SELF_ASSESSMENT = "self_assessment", "Đơn vị tự đánh giá"
    VERIFICATION = "verification", "Thẩm định"
    COUNCIL = "council", "Hội đồng xét"
    APPROVED = "approved", "Đã phê duyệt"
    PUBLISHED = "published", "Đã công bố"


class Round(models.Model):
    method = models.ForeignKey(Method, on_delete=models.PROTECT, related_name="rounds", verbose_name="phương pháp")
    year = models.PositiveIntegerField("năm")
    peer_group = models.CharField("nhóm xếp hạng", max_length=12, choices=PeerGroup.choices)
    version = models.ForeignKey(HierarchyVersion, on_delete=models.PROTECT, related_name="+",
                                verbose_name="phiên bản địa giới")
    within = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="trong phạm vi")
    title = models.CharField("tên", max_length=300)
    status = models.CharField("trạng thái", max_length=16, choices=RoundStatus.choices,
                              default=RoundStatus.SELF_ASSESSMENT)
    decision = models.CharField("số quyết định", max_length=100, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    sensitivity_runs = models.PositiveIntegerField("số lần thử độ vững", default=200)
    seed = models.PositiveIntegerField("hạt giống", default=1)
    is_illustrative = models.BooleanField("minh họa", default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("lúc")

    class Meta:
        verbose_name = "đợt xếp hạng"
        verbose_name_plural = "đợt xếp hạng"
        ordering = ["-year", "title"]
        constraints = [models.UniqueConstraint(fields=["year", "peer_group", "within", "method"],
                                               name="one_round_per_group_and_method")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == RoundStatus.PUBLISHED


class RoundEvent(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    reason = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]


class ScorecardStatus(models.TextChoices):
    DRAFT = "draft", "Đang tự đánh giá"
    SUBMITTED = "submitted", "Đã gửi thẩm định"
    VERIFIED = "verified", "Đã thẩm định"


class Scorecard(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="scorecards")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("trạng thái", max_length=10, choices=ScorecardStatus.choices,
                              default=ScorecardStatus.DRAFT)

    class Meta:
        ordering = ["round", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="one_scorecard_per_unit")]

    def __str__(self) -> str:
        return f"{self.round} · {self.unit.name}"


class Verdict(models.TextChoices):
    PENDING = "pending", "Chờ thẩm định"
    ACCEPTED = "accepted", "Chấp nhận"
    ADJUSTED = "adjusted", "Điều chỉnh"
    REJECTED = "rejected", "Không chấp nhận"


def evidence_path(assessment: Assessment, filename: str) -> str:
    """Where an evidence file is kept in the data folder: by round and assessment id, never by unit name
    (``filename`` is already the safe ASCII name of ``ranking.evidence``)."""
    return f"bang-chung/{assessment.scorecard.round_id}/{assessment.pk}/{filename}"


class Assessment(models.Model):
    """One self-assessed component of a scorecard: the unit's claim with its evidence, the verifier's verdict."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="assessments")
    component = models.CharField("mã thành phần", max_length=40)
    claimed = models.CharField("giá trị tự đánh giá", max_length=100)
    claimed_denominator = models.DecimalField("mẫu số", max_digits=20, decimal_places=6, null=True, blank=True)
    evidence_number = models.CharField("số hiệu văn bản", max_length=100, blank=True)
    evidence_date = models.DateField("ngày văn bản", null=True, blank=True)
    evidence_title = models.CharField("tên văn bản", max_length=300, blank=True)
    evidence_excerpt = models.TextField("trích yếu", blank=True)
    evidence_link = models.URLField("đường dẫn", max_length=500, blank=True)
    evidence_file = models.FileField("tệp kiểm chứng", upload_to=evidence_path, max_length=300, blank=True)
    evidence_file_name = models.CharField("tên tệp", max_length=200, blank=True,
                                          help_text="Tên tệp như đơn vị gửi, chỉ để hiển thị và tải về")
    evidence_file_type = models.CharField("loại tệp", max_length=100, blank=True,
                                          help_text="Kiểu nội dung theo chữ ký đầu tệp (PDF, JPEG, PNG, DOCX, XLSX)")
    evidence_file_size = models.PositiveBigIntegerField("dung lượng (byte)", null=True, blank=True)
    evidence_file_sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    verdict = models.CharField("kết quả thẩm định", max_length=10, choices=Verdict.choices, default=Verdict.PENDING)
    verified = models.CharField("giá trị sau thẩm định", max_length=100, blank=True)
    verified_denominator = models.DecimalField("mẫu số sau thẩm định", max_digits=20, decimal_places=6, null=True,
                                               blank=True)
    verify_reason = models.TextField("lý do", blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    claimed_at = models.DateTimeField()
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["scorecard", "component"]
        constraints = [models.UniqueConstraint(fields=["scorecard", "component"], name="one_assessment_per_component")]


class AssessmentHistory(models.Model):
    """The state of an assessment after each change: who, when, which step (claim or verify), why, and which
    evidence file (name and SHA-256) was attached then."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="history")
    revision = models.PositiveIntegerField()
    step = models.CharField(max_length=10)  # claim | verify
    claimed = models.CharField(max_length=100)
    verdict = models.CharField(max_length=10)
    verified = models.CharField(max_length=100, blank=True)
    evidence_file_name = models.CharField(max_length=200, blank=True)  # the file attached at this revision
    evidence_file_sha256 = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["assessment", "revision"]
        constraints = [models.UniqueConstraint(fields=["assessment", "revision"], name="one_assessment_revision")]


class RankedUnit(models.Model):
    """A unit's result as the council approved it: frozen, so a published ranking reads as it was decided."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField("tổng điểm", max_digits=12, decimal_places=3)
    value = models.DecimalField("giá trị 0–1", max_digits=8, decimal_places=4)
    rank = models.PositiveIntegerField("hạng")
    grade = models.CharField("xếp loại", max_length=60, blank=True)
    band_low = models.PositiveIntegerField("hạng tốt nhất (5%)")
    band_high = models.PositiveIntegerField("hạng kém nhất (95%)")
    median_rank = models.DecimalField("hạng trung vị", max_digits=8, decimal_places=1)
    lines = models.JSONField("từng thành phần", default=list)  # [{code, input, points, source, verdict, …}]
    missing = models.JSONField("thiếu", default=list)

    class Meta:
        ordering = ["round", "rank", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="one_result_per_unit")]


class Certification(models.Model):
    """A unit (a residential area, tổ dân phố, thôn …) assessed against a criteria set for a period: the
    inputs (figures read, manual criteria answered with evidence), the verdict k of n, and, when certified,
    the decision, its date and how long it holds (``valid_until``; a re-check, "duy trì", is a new period)."""

    method = models.ForeignKey(Method, on_delete=models.PROTECT, related_name="certifications",
                               verbose_name="bộ tiêu chí")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị")
    period = models.CharField("kỳ", max_length=12)
    answers = models.JSONField("trả lời tiêu chí thủ công", default=dict)  # {code: {"value", "evidence"}}
    inputs = models.JSONField("giá trị đã xét", default=dict)  # {code: value as judged}
    passed = models.JSONField("đạt", default=list)
    failed = models.JSONField("chưa đạt", default=list)
    missing = models.JSONField("thiếu số liệu", default=list)
    meets = models.BooleanField("đủ điều kiện", default=False)
    decision = models.CharField("số quyết định công nhận", max_length=100, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    valid_until = models.DateField("hiệu lực đến", null=True, blank=True)
    is_illustrative = models.BooleanField("minh họa", default=False)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField()
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "đánh giá công nhận"
        verbose_name_plural = "đánh giá công nhận"
        ordering = ["unit__name", "-period"]
        constraints = [models.UniqueConstraint(fields=["method", "unit", "period"],
                                               name="one_certification_per_period")]

    @property
    def certified(self) -> bool:
        return self.meets and bool(self.decision)


class CertificationHistory(models.Model):
    certification = models.ForeignKey(Certification, on_delete=models.PROTECT, related_name="history")
    revision = models.PositiveIntegerField()
    step = models.CharField(max_length=12)  # assess | certify
    meets = models.BooleanField()
    passed = models.JSONField(default=list)
    failed = models.JSONField(default=list)
    decision = models.CharField(max_length=100, blank=True)
    reason = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["certification", "revision"]
        constraints = [models.UniqueConstraint(fields=["certification", "revision"],
                                               name="one_certification_revision")]


class PublishedScore(models.Model):
    """A score a ranking decision made public before chiso held the round (a fact with its source): shown as
    published, never recomputed. Đà Nẵng 2023: UBND quận Thanh Khê 89,02 "tốt" (QĐ 2901/QĐ-UBND)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị")
    year = models.PositiveIntegerField("năm")
    method = models.CharField("phương pháp", max_length=300)
    decision = models.CharField("quyết định", max_length=200, blank=True)
    total = models.DecimalField("tổng điểm", max_digits=8, decimal_places=2)
    grade = models.CharField("xếp loại", max_length=60, blank=True)
    rank = models.PositiveIntegerField("hạng", null=True, blank=True, help_text="Trống: hạng không được công bố")
    source = models.TextField("nguồn")

    class Meta:
        verbose_name = "điểm đã công bố"
        verbose_name_plural = "điểm đã công bố"
        ordering = ["-year", "-total"]
        constraints = [models.UniqueConstraint(fields=["unit", "year", "method"], name="one_published_score")]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.year}: {self.total}"
