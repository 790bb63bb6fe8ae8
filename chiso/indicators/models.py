"""The indicator framework: pillars, data elements (what is reported) and indicators (formulas).

A **data element** is a figure a unit reports: a count of accounts, of dossiers, a population.
It says how it adds up over the hierarchy (sum, or not at all for a score) and over time
(a *flow* is counted within the period and summed; a *stock* is a level at a date, whose value for
a longer period is the last one).
An **indicator** is a formula over data elements: numerator ÷ denominator × factor, with a
direction (higher or lower is better). A count indicator's data element carries the indicator's
own code (XHS-06), and so does the element a unit uses to report a rate it only knows as a rate.
"""

from __future__ import annotations

from django.db import models


class Pillar(models.Model):
    code = models.CharField("mã", max_length=20, unique=True)
    name_vi = models.CharField("tên", max_length=200)
    name_en = models.CharField("tên tiếng Anh", max_length=200)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "trụ cột"
        verbose_name_plural = "trụ cột"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name_vi}"


class ValueType(models.TextChoices):
    INTEGER = "integer", "Số nguyên"
    NUMBER = "number", "Số thập phân"
    PERCENT = "percent", "Tỷ lệ phần trăm"
    SCORE = "score", "Điểm"


class OverTime(models.TextChoices):
    FLOW = "flow", "Phát sinh trong kỳ (cộng dồn)"
    STOCK = "stock", "Lũy kế đến thời điểm (lấy giá trị cuối kỳ)"


class OverHierarchy(models.TextChoices):
    SUM = "sum", "Cộng các đơn vị"
    NONE = "none", "Không cộng (tỷ lệ, điểm)"


class DataElement(models.Model):
    code = models.CharField("mã", max_length=40, unique=True)
    name_vi = models.CharField("tên", max_length=300)
    name_en = models.CharField("tên tiếng Anh", max_length=300)
    value_type = models.CharField("kiểu giá trị", max_length=20, choices=ValueType.choices)
    unit_of_measure = models.CharField("đơn vị tính", max_length=50, blank=True)
    over_time = models.CharField("cộng theo thời gian", max_length=10, choices=OverTime.choices)
    over_hierarchy = models.CharField("cộng theo cấp", max_length=10, choices=OverHierarchy.choices)
    description = models.TextField("ghi chú", blank=True)

    class Meta:
        verbose_name = "yếu tố dữ liệu"
        verbose_name_plural = "yếu tố dữ liệu"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name_vi}"


class IndicatorKind(models.TextChoices):
    RATE = "rate", "Tỷ lệ"
    COUNT = "count", "Số lượng"
    AVERAGE = "average", "Bình quân"
    SCORE = "score", "Điểm"


class Direction(models.TextChoices):
    UP = "up", "Càng cao càng tốt"
    DOWN = "down", "Càng thấp càng tốt"


class Indicator(models.Model):
    code = models.CharField("mã", max_length=40, unique=True)
    pillar = models.ForeignKey(Pillar, on_delete=models.PROTECT, related_name="indicators", verbose_name="trụ cột")
    name_vi = models.CharField("tên", max_length=300)
    name_en = models.CharField("tên tiếng Anh", max_length=300)
    unit_of_measure = models.CharField("đơn vị tính", max_length=50)
    kind = models.CharField("loại", max_length=10, choices=IndicatorKind.choices)
    direction = models.CharField("chiều", max_length=5, choices=Direction.choices, default=Direction.UP)
    over_time = models.CharField("cộng theo thời gian", max_length=10, choices=OverTime.choices)
    numerator = models.ForeignKey(
        DataElement, on_delete=models.PROTECT, related_name="as_numerator", null=True, blank=True,
        verbose_name="tử số",
    )
    denominator = models.ForeignKey(
        DataElement, on_delete=models.PROTECT, related_name="as_denominator", null=True, blank=True,
        verbose_name="mẫu số",
    )
    reported = models.ForeignKey(
        DataElement, on_delete=models.PROTECT, related_name="as_reported", verbose_name="giá trị báo cáo trực tiếp",
        help_text="Yếu tố mang mã của chính chỉ tiêu: số lượng, hoặc tỷ lệ khi chỉ biết tỷ lệ.",
    )
    factor = models.DecimalField("hệ số", max_digits=10, decimal_places=4, default=1)
    decimals = models.PositiveSmallIntegerField("số chữ số thập phân", default=1)
    legal_basis = models.CharField("căn cứ", max_length=300, blank=True)
    reference_target = models.CharField("chỉ tiêu tham chiếu", max_length=200, blank=True)
    is_local = models.BooleanField(
        "chỉ tiêu riêng của địa phương", default=False, help_text="Không có trong danh mục chung (mã DN-…)."
    )

    class Meta:
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "chỉ tiêu"
        ordering = ["pillar__order", "code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name_vi}"

    @property
    def is_ratio(self) -> bool:
        return self.numerator_id is not None and self.denominator_id is not None


class SanityBound(models.Model):
    """The range a data element's figure usually stays within for one kind of unit (a ward's population is
    some thousands, not millions). A figure outside it is still written, with a warning for the writer to
    check (``values.actions.check_values``); ``sanity_bounds.csv`` holds them."""

    data_element = models.ForeignKey(DataElement, on_delete=models.CASCADE, related_name="sanity_bounds",
                                     verbose_name="yếu tố dữ liệu")
    unit_type = models.CharField("loại đơn vị", max_length=30, help_text='Mã loại đơn vị, ví dụ "phuong".')
    low = models.DecimalField("thấp nhất thường gặp", max_digits=20, decimal_places=6, null=True, blank=True)
    high = models.DecimalField("cao nhất thường gặp", max_digits=20, decimal_places=6, null=True, blank=True)
    why = models.CharField("căn cứ", max_length=300, blank=True)

    class Meta:
        verbose_name = "khoảng hợp lý"
        verbose_name_plural = "khoảng hợp lý"
        ordering = ["data_element__code", "unit_type"]
        constraints = [models.UniqueConstraint(fields=["data_element", "unit_type"], name="sanity_bound_once")]

    def __str__(self) -> str:
        return f"{self.data_element.code} · {self.unit_type}: {self.low} – {self.high}"
