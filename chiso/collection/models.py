"""Report forms, validation rules, and the review workflow of a (form, unit, period).

A **form** (biểu mẫu báo cáo) is a named list of data elements for a kind of unit and a period type.
A **submission** is the review state of one form for one unit and period: draft → submitted →
approved → locked, or returned with a reason (``workflow.py`` holds the one transition table).
A figure is *published* once a submission of a form holding its element, for its unit and period, is
approved or locked; public pages and exports show published figures only.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from chiso.indicators.models import DataElement
from chiso.units.models import Unit


class PeriodType(models.TextChoices):
    YEAR = "year", "Năm"
    QUARTER = "quarter", "Quý"
    MONTH = "month", "Tháng"
    ANY = "any", "Bất kỳ (số liệu đã công bố)"


class Form(models.Model):
    code = models.CharField("mã", max_length=40, unique=True)
    name_vi = models.CharField("tên", max_length=200)
    name_en = models.CharField("tên tiếng Anh", max_length=200)
    unit_types = models.JSONField("loại đơn vị áp dụng", default=list, help_text='Ví dụ ["phuong", "xa"]')
    period_type = models.CharField("loại kỳ", max_length=10, choices=PeriodType.choices)
    elements = models.ManyToManyField(DataElement, through="FormElement", related_name="forms",
                                      verbose_name="yếu tố dữ liệu")
    completeness_threshold = models.DecimalField(
        "ngưỡng đầy đủ để công bố (%)", max_digits=5, decimal_places=2, default=Decimal(100),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text="Số liệu tổng hợp của một đơn vị cấp trên cho một kỳ chỉ được công bố khi tỷ lệ "
                  "đơn vị được giao biểu mẫu đã có báo cáo được duyệt đạt ngưỡng này (mặc định 100%: "
                  "tất cả). Các trang công khai giữ kỳ đầy đủ gần nhất.")
    due_day = models.PositiveSmallIntegerField(
        "hạn nộp (ngày của tháng sau kỳ)", default=10,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text="Báo cáo của một kỳ phải gửi chậm nhất vào ngày này của tháng ngay sau kỳ (tháng 2 có "
                  "ít ngày hơn thì là ngày cuối tháng). Ví dụ 10: báo cáo tháng 3 hạn 10/4, quý I hạn 10/4, "
                  "năm 2024 hạn 10/01/2025. Không áp dụng cho biểu mẫu không theo kỳ.")

    class Meta:
        verbose_name = "biểu mẫu báo cáo"
        verbose_name_plural = "biểu mẫu báo cáo"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_vi


class FormElement(models.Model):
    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="form_elements")
    data_element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="yếu tố dữ liệu")
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    section = models.CharField("nhóm", max_length=100, blank=True)

    class Meta:
        verbose_name = "dòng biểu mẫu"
        verbose_name_plural = "dòng biểu mẫu"
        ordering = ["form", "order"]
        constraints = [models.UniqueConstraint(fields=["form", "data_element"], name="form_element_once")]


class FormAssignment(models.Model):
    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="form_assignments", verbose_name="đơn vị")

    class Meta:
        verbose_name = "giao biểu mẫu"
        verbose_name_plural = "giao biểu mẫu"
        constraints = [models.UniqueConstraint(fields=["form", "unit"], name="form_assigned_once")]


class Severity(models.TextChoices):
    ERROR = "error", "Lỗi (chặn gửi báo cáo)"
    WARNING = "warning", "Cảnh báo (cần giải trình)"


class ValidationRule(models.Model):
    """``left operator right`` over a unit's figures for one period, e.g. ``XHS-06 <= XHS-05``.

    Sides are sums of terms separated by spaces: ``XHS-05``, ``2 * DS``, ``CQS-03.TS + CQS-04.TS``.
    A rule whose figures are not all there is skipped, not failed.
    """

    code = models.CharField("mã", max_length=60, unique=True)
    name_vi = models.CharField("tên", max_length=300)
    name_en = models.CharField("tên tiếng Anh", max_length=300)
    left = models.CharField("vế trái", max_length=300)
    operator = models.CharField("so sánh", max_length=2, choices=[(o, o) for o in ("<=", "<", ">=", ">", "==", "!=")])
    right = models.CharField("vế phải", max_length=300)
    severity = models.CharField("mức độ", max_length=10, choices=Severity.choices, default=Severity.ERROR)
    is_active = models.BooleanField("đang áp dụng", default=True)

    class Meta:
        verbose_name = "quy tắc kiểm tra"
        verbose_name_plural = "quy tắc kiểm tra"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.left} {self.operator} {self.right}"


class Status(models.TextChoices):
    DRAFT = "draft", "Bản nháp"
    SUBMITTED = "submitted", "Đã gửi"
    RETURNED = "returned", "Bị trả lại"
    APPROVED = "approved", "Đã duyệt"
    LOCKED = "locked", "Đã khóa"


EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})
PUBLISHED = frozenset({Status.APPROVED, Status.LOCKED})


class Submission(models.Model):
    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="submissions", verbose_name="biểu mẫu")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="submissions", verbose_name="đơn vị")
    period = models.CharField("kỳ", max_length=12)
    status = models.CharField("trạng thái", max_length=10, choices=Status.choices, default=Status.DRAFT)
    explanations = models.JSONField("giải trình cảnh báo", default=dict, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "báo cáo"
        verbose_name_plural = "báo cáo"
        constraints = [models.UniqueConstraint(fields=["form", "unit", "period"], name="one_submission_per_cell")]
        indexes = [models.Index(fields=["unit", "period", "status"], name="submission_unit_period")]

    def __str__(self) -> str:
        return f"{self.form.code} · {self.unit.name} · {self.period} · {self.get_status_display()}"


class SubmissionEvent(models.Model):
    """Every transition of a submission: who, when, from what to what, why."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="events")
    action = models.CharField("thao tác", max_length=10)
    from_status = models.CharField("từ", max_length=10, choices=Status.choices)
    to_status = models.CharField("sang", max_length=10, choices=Status.choices)
    reason = models.TextField("lý do", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+")
    at = models.DateTimeField("lúc", auto_now_add=True)

    class Meta:
        verbose_name = "lịch sử duyệt"
        verbose_name_plural = "lịch sử duyệt"
        ordering = ["submission_id", "at", "id"]
