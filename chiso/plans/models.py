"""Yearly plans of a unit: which indicators, which targets.

The stated counts are kept as published ("28 chỉ tiêu: 13 XHS + 11 CQS + 4 KTS"), so the
consistency checks of a later issue can compare them with the targets actually listed.
"""

from __future__ import annotations

from django.db import models

from chiso.indicators.models import Indicator
from chiso.units.models import Unit
from chiso.values.models import Qualifier


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


class Target(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets", verbose_name="kế hoạch")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets",
                                  verbose_name="chỉ tiêu")
    value = models.DecimalField("giá trị mục tiêu", max_digits=20, decimal_places=6)
    qualifier = models.CharField("độ chính xác", max_length=12, choices=Qualifier.choices, default=Qualifier.EXACT)
    target_date = models.DateField("thời hạn")
    scope = models.CharField("phạm vi", max_length=20, choices=TargetScope.choices, default=TargetScope.OWN)
    source = models.TextField("nguồn", blank=True)

    class Meta:
        verbose_name = "chỉ tiêu kế hoạch"
        verbose_name_plural = "chỉ tiêu kế hoạch"
        constraints = [models.UniqueConstraint(fields=["plan", "indicator", "scope"],
                                               name="one_target_per_plan_indicator_scope")]

    def __str__(self) -> str:
        return f"{self.indicator.code} ≥ {self.value} ({self.plan})"
