"""Administrative units on a map that changes.

A **hierarchy version** is the map in force during an interval ("2024", "2025-01", "2025-07").
A **unit** belongs to exactly one version and is identified by (version, code): the same code may
name different places in different versions (20209 was phường Xuân Hà, is now phường Thanh Khê).
A **succession** links a unit to what it became in the next version (merge, split part, rename,
unchanged), with the share of its population that went along when known.
"""

from __future__ import annotations

from datetime import date

from django.db import models

from chiso.units.types import AGENCY_TYPES, LEVEL, UnitType


class HierarchyVersion(models.Model):
    name = models.CharField("mã phiên bản", max_length=20, unique=True)
    label = models.CharField("tên", max_length=200)
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True, help_text="Trống: không giới hạn đầu")
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True, help_text="Trống: đang có hiệu lực")
    legal_basis = models.CharField("căn cứ pháp lý", max_length=300, blank=True)

    class Meta:
        verbose_name = "phiên bản danh mục đơn vị"
        verbose_name_plural = "phiên bản danh mục đơn vị"
        # An open start (the oldest version) sorts first on every database: PostgreSQL puts NULL last.
        ordering = [models.F("valid_from").asc(nulls_first=True)]

    def __str__(self) -> str:
        return self.label or self.name

    def covers(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class Unit(models.Model):
    version = models.ForeignKey(
        HierarchyVersion, on_delete=models.PROTECT, related_name="units", verbose_name="phiên bản"
    )
    code = models.CharField("mã", max_length=40, db_index=True)
    name = models.CharField("tên", max_length=200)
    type = models.CharField("loại", max_length=30, choices=UnitType.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name="cấp trên"
    )
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)
    # Materialised path of ids ("/12/40/311/"), so a subtree is one indexed prefix query.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    latitude = models.FloatField("vĩ độ", null=True, blank=True)
    longitude = models.FloatField("kinh độ", null=True, blank=True)
    search_key = models.CharField(max_length=200, editable=False, default="", db_index=True)
    source = models.TextField("nguồn", blank=True)

    class Meta:
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unit_code_unique_in_version")]
        ordering = [models.F("version__valid_from").asc(nulls_first=True), "path"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code}, {self.version.name})"

    @property
    def level(self) -> int | None:
        """0 country … 4 thôn/tổ dân phố; None for an agency (school, market board)."""
        return LEVEL.get(UnitType(self.type))

    @property
    def is_agency(self) -> bool:
        return self.type in AGENCY_TYPES

    def effective_from(self) -> date | None:
        return self.valid_from or self.version.valid_from

    def effective_to(self) -> date | None:
        return self.valid_to or self.version.valid_to


class SuccessionKind(models.TextChoices):
    UNCHANGED = "unchanged", "Giữ nguyên"
    MERGE = "merge", "Sáp nhập (toàn bộ)"
    SPLIT_PART = "split_part", "Tách (một phần)"
    RENAME = "rename", "Đổi tên, đổi cấp"


class Succession(models.Model):
    from_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="successions", verbose_name="đơn vị cũ"
    )
    to_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="predecessions", verbose_name="đơn vị mới"
    )
    kind = models.CharField("hình thức", max_length=20, choices=SuccessionKind.choices)
    effective_date = models.DateField("ngày hiệu lực")
    population_share = models.DecimalField(
        "tỷ lệ dân số chuyển sang",
        max_digits=6,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="Phần dân số của đơn vị cũ chuyển sang đơn vị mới (0–1). Trống: chưa biết.",
    )
    estimated_share = models.DecimalField(
        "tỷ lệ ước tính",
        max_digits=6,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="Quản trị viên nhập khi chưa có tỷ lệ chính thức; số liệu tính theo tỷ lệ này được đánh dấu ước tính.",
    )
    share_note = models.TextField("ghi chú tỷ lệ", blank=True)
    source = models.TextField("nguồn", blank=True)

    class Meta:
        verbose_name = "kế thừa đơn vị"
        verbose_name_plural = "kế thừa đơn vị"
        constraints = [models.UniqueConstraint(fields=["from_unit", "to_unit"], name="succession_unique_link")]

    def __str__(self) -> str:
        return f"{self.from_unit.name} → {self.to_unit.name} ({self.get_kind_display()})"


class MapStamp(models.Model):
    """One row: how many times the map changed, counted by the database itself (triggers of migration 0004) each
    time a unit is added or removed or its parent, depth or version changes, whichever program or statement did
    it. The roll-ups (``chiso.totals``) are read only while it is the count they were built on; it is one row to
    read where adding up every unit took 30 ms at 100.000 units, on every analytics read."""

    changes = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "dấu thay đổi bản đồ"
        verbose_name_plural = "dấu thay đổi bản đồ"
