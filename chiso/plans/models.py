"""Yearly plans of a unit: which indicators, which targets.

The stated counts are kept as published ("28 chỉ tiêu: 13 XHS + 11 CQS + 4 KTS"), so the
consistency checks of a later issue can compare them with the targets actually listed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from chiso.indicators.models import Indicator
from chiso.units.models import Unit
from chiso.values.models import Channel, Qualifier


class Plan(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="plans", verbose_name="đơn vị")
    year = models.PositiveSmallIntegerField("năm")
    title = models.CharField("tên kế hoạch", max_length=300, blank=True)
    stated_total = models.PositiveSmallIntegerField("số chỉ tiêu theo văn bản", null=True, blank=True)
    stated_by_pillar = models.JSONField(
        "số chỉ tiêu theo trụ cột (như văn bản ghi)", default=list, blank=True,
        help_text='Danh sách [mã trụ cột, số lượng] đúng như văn bản, kể cả khi một trụ cột bị ghi hai lần.',
    )
    statement = models.TextField("nguyên văn", blank=True)
    source = models.TextField("nguồn", blank=True)

    class Meta:
        verbose_name = "kế hoạch CĐS năm"
        verbose_name_plural = "kế hoạch CĐS năm"
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="one_plan_per_unit_year")]
        ordering = ["year", "unit__code"]

    def __str__(self) -> str:
        return f"Kế hoạch {self.year} – {self.unit.name}"


class TargetScope(models.TextChoices):
    OWN = "own", "Chỉ tiêu của đơn vị"
    CHILDREN_MINIMUM = "children_minimum", "Mức tối thiểu giao cho mỗi đơn vị trực thuộc"


class JudgedOn(models.TextChoices):
    """What a target is judged on. Empty on a target: the indicator's default (engine.progress)."""

    PERIOD = "period", "Cả kỳ (tỷ lệ cả năm, cộng dồn cả năm, hoặc mức cuối năm)"
    LEVEL_AT_DATE = "level_at_date", "Mức tại ngày đến hạn"


class Target(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets", verbose_name="kế hoạch")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets",
                                  verbose_name="chỉ tiêu")
    value = models.DecimalField("giá trị mục tiêu", max_digits=20, decimal_places=6)
    qualifier = models.CharField("độ chính xác", max_length=12, choices=Qualifier.choices, default=Qualifier.EXACT)
    target_date = models.DateField("thời hạn")
    scope = models.CharField("phạm vi", max_length=20, choices=TargetScope.choices, default=TargetScope.OWN)
    source = models.TextField("nguồn", blank=True)
    judged_on = models.CharField(
        "đánh giá theo", max_length=16, choices=JudgedOn.choices, blank=True, default="",
        help_text="Để trống: chỉ tiêu phát sinh/tỷ lệ đánh giá theo cả kỳ, chỉ tiêu lũy kế theo mức tại ngày đến hạn.")
    revision = models.PositiveIntegerField(
        "lần sửa", default=1, help_text="Tăng ở mỗi lần đổi; người sửa gửi lại số này để phát hiện xung đột.")

    class Meta:
        verbose_name = "chỉ tiêu kế hoạch"
        verbose_name_plural = "chỉ tiêu kế hoạch"
        constraints = [models.UniqueConstraint(fields=["plan", "indicator", "scope"],
                                               name="one_target_per_plan_indicator_scope")]

    def __str__(self) -> str:
        return f"{self.indicator.code} ≥ {self.value} ({self.plan})"


class TargetHistory(models.Model):
    """One row per change of a target or a minimum (old → new, who, when, why), written by
    ``plans.actions`` in the same transaction as the change. Never edited."""

    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="history",
                               verbose_name="chỉ tiêu")
    revision = models.PositiveIntegerField("lần sửa")
    old_value = models.DecimalField("giá trị cũ", max_digits=20, decimal_places=6, null=True, blank=True)
    value = models.DecimalField("giá trị mới", max_digits=20, decimal_places=6)
    old_target_date = models.DateField("thời hạn cũ", null=True, blank=True)
    target_date = models.DateField("thời hạn mới")
    old_judged_on = models.CharField("đánh giá theo (cũ)", max_length=16, choices=JudgedOn.choices, blank=True)
    judged_on = models.CharField("đánh giá theo (mới)", max_length=16, choices=JudgedOn.choices, blank=True)
    old_qualifier = models.CharField("độ chính xác (cũ)", max_length=12, choices=Qualifier.choices, blank=True)
    qualifier = models.CharField("độ chính xác (mới)", max_length=12, choices=Qualifier.choices, blank=True)
    channel = models.CharField("kênh", max_length=10, choices=Channel.choices)
    reason = models.TextField("lý do", blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="người sửa")
    changed_at = models.DateTimeField("lúc")

    class Meta:
        verbose_name = "lịch sử chỉ tiêu kế hoạch"
        verbose_name_plural = "lịch sử chỉ tiêu kế hoạch"
        ordering = ["-changed_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["target", "revision"],
                                               name="one_history_row_per_target_revision")]

    def __str__(self) -> str:
        return f"{self.target} · lần {self.revision}"


class SavedScenario(models.Model):
    """A what-if a signed-in user chose to keep: "if the monthly pace of this target becomes N from the month
    after ``as_of``" and what it gave then (``analytics.scenarios.do_save_scenario``; who and when are on the
    row). Seen by its author and by whoever may plan the target's unit."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="scenarios",
                               verbose_name="chỉ tiêu")
    name = models.CharField("tên kịch bản", max_length=120)
    monthly_pace = models.DecimalField("tốc độ mỗi tháng", max_digits=20, decimal_places=6)
    as_of = models.CharField("số liệu đến tháng", max_length=7)
    reached = models.CharField("tháng đạt mục tiêu", max_length=7, blank=True,
                               help_text="Để trống: không đạt trong tầm nhìn của kịch bản.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="người lưu")
    created_at = models.DateTimeField("lúc lưu")

    class Meta:
        verbose_name = "kịch bản chỉ tiêu"
        verbose_name_plural = "kịch bản chỉ tiêu"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["target", "created_by", "name"],
                                               name="one_scenario_name_per_author_target")]

    def __str__(self) -> str:
        return f"{self.name} · {self.target}"
