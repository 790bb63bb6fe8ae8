"""Reported figures and their history.

A data value is keyed by (data element, unit, period). It carries a qualifier (exact, nearly,
more than, at most), where it came from (source), a comment, who last changed it and when, and
through which channel. It is never deleted: removing a figure marks it deleted, and every change,
the first entry included, is a row of ``DataValueHistory``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from chiso.indicators.models import DataElement
from chiso.units.models import Unit


class Qualifier(models.TextChoices):
    EXACT = "exact", "Chính xác"
    APPROXIMATE = "approximate", "Gần, khoảng"
    AT_LEAST = "at_least", "Hơn, ít nhất"
    AT_MOST = "at_most", "Không quá"


QUALIFIER_WORDS = {  # how a Vietnamese text writes the qualifier before the number
    Qualifier.EXACT: "",
    Qualifier.APPROXIMATE: "gần",
    Qualifier.AT_LEAST: "hơn",
    Qualifier.AT_MOST: "không quá",
}


class Channel(models.TextChoices):
    WEB = "web", "Nhập trên web"
    IMPORT = "import", "Nhập từ tệp"
    API = "api", "API"
    CLI = "cli", "Dòng lệnh"
    ADMIN = "admin", "Trang quản trị"
    DEMO = "demo", "Dữ liệu mẫu"
    TEAMS = "teams", "Nhật ký Tổ công nghệ số cộng đồng"
    REGISTER = "register", "Sổ theo dõi (chợ, trường, sản phẩm OCOP, …)"


# A channel in an English sentence (the catalogue's words for the labels above).
CHANNEL_EN: dict[str, str] = {
    Channel.WEB: "Entered on the web", Channel.IMPORT: "Imported from a file", Channel.API: "API",
    Channel.CLI: "Command line", Channel.ADMIN: "Admin pages", Channel.DEMO: "Sample data",
    Channel.TEAMS: "Community digital technology team logs",
    Channel.REGISTER: "Registers (markets, schools, OCOP products, …)"}


class DataValue(models.Model):
    # No index of their own: one_value_per_cell and value_element_period lead with data_element,
    # value_unit_element_end with unit; a fourth and fifth index would only slow every write.
    data_element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="values",
                                     verbose_name="yếu tố dữ liệu", db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="values", verbose_name="đơn vị",
                             db_index=False)
    period = models.CharField("kỳ", max_length=12, help_text="2024, 2024Q3, 2024-07 hoặc 2024-07-15")
    period_start = models.DateField("từ ngày")
    period_end = models.DateField("đến ngày")
    value = models.DecimalField("giá trị", max_digits=20, decimal_places=6, null=True, blank=True)
    qualifier = models.CharField("độ chính xác", max_length=12, choices=Qualifier.choices, default=Qualifier.EXACT)
    source = models.TextField("nguồn", blank=True)
    comment = models.TextField("ghi chú", blank=True)
    is_illustrative = models.BooleanField(
        "số liệu minh họa", default=False, help_text="Sinh tự động cho bản trình diễn, không phải số liệu thật."
    )
    is_deleted = models.BooleanField("đã xóa", default=False)
    revision = models.PositiveIntegerField("lần sửa", default=1)
    channel = models.CharField("kênh", max_length=10, choices=Channel.choices)
    # Not indexed: nothing reads figures by their last writer, and every change of a figure would update it
    # (deleting a user, refused while they wrote figures, reads the table once).
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="người cập nhật", db_index=False)
    updated_at = models.DateTimeField("cập nhật lúc")

    class Meta:
        verbose_name = "số liệu"
        verbose_name_plural = "số liệu"
        constraints = [
            models.UniqueConstraint(fields=["data_element", "unit", "period"], name="one_value_per_cell"),
        ]
        indexes = [
            models.Index(fields=["unit", "data_element", "period_end"], name="value_unit_element_end"),
            # Not folded into one_value_per_cell reordered (element, period, unit): PostgreSQL 15 then takes a query's
            # unit = ANY(3.321 communes) into the index scan as 3.321 descents per element and period (35 ms for
            # one month of every commune, against 10 ms through this index with the units as a filter).
            models.Index(fields=["data_element", "period"], name="value_element_period"),
        ]

    def __str__(self) -> str:
        return f"{self.data_element.code} · {self.unit.code} · {self.period} = {self.value}"


class WriteRun(models.Model):
    """A write too large for one short transaction on SQLite (a large import), done in batches: the journal that
    keeps it all or nothing. Its history rows name it (``DataValueHistory.run``). A run that is refused mid-way
    (a figure moved, a report closed) is undone at once; one whose process died while ``writing`` is undone by
    the next ``chiso import`` (or ``chiso import --recover``). ``values.actions`` writes and undoes runs."""

    class Status(models.TextChoices):
        WRITING = "writing", "Đang ghi"
        DONE = "done", "Đã ghi xong"
        UNDONE = "undone", "Đã hoàn tác"

    status = models.CharField("trạng thái", max_length=10, choices=Status.choices, default=Status.WRITING)
    channel = models.CharField("kênh", max_length=10, choices=Channel.choices)
    reason = models.TextField("lý do", blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="người ghi", db_index=False)
    started_at = models.DateTimeField("bắt đầu lúc")
    finished_at = models.DateTimeField("xong lúc", null=True, blank=True)
    figures = models.PositiveIntegerField("số liệu", default=0)
    host = models.CharField("máy", max_length=255, blank=True)
    pid = models.PositiveIntegerField("tiến trình", null=True, blank=True)
    note = models.TextField("ghi chú", blank=True, help_text="Vì sao lần ghi bị hoàn tác.")

    class Meta:
        verbose_name = "lần ghi theo đợt"
        verbose_name_plural = "lần ghi theo đợt"

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_status_display()} ({self.figures} số liệu)"


class DataValueHistory(models.Model):
    """One row per change of a data value: the state after the change, who, when, how, why."""

    data_value = models.ForeignKey(DataValue, on_delete=models.PROTECT, related_name="history",
                                   db_index=False)  # one_history_row_per_revision leads with it
    revision = models.PositiveIntegerField("lần sửa")
    old_value = models.DecimalField("giá trị cũ", max_digits=20, decimal_places=6, null=True, blank=True)
    value = models.DecimalField("giá trị", max_digits=20, decimal_places=6, null=True, blank=True)
    qualifier = models.CharField("độ chính xác", max_length=12, choices=Qualifier.choices)
    source = models.TextField("nguồn", blank=True)
    comment = models.TextField("ghi chú", blank=True)
    is_deleted = models.BooleanField("đã xóa", default=False)
    channel = models.CharField("kênh", max_length=10, choices=Channel.choices)
    reason = models.TextField("lý do", blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="người sửa", db_index=False)  # as updated_by
    changed_at = models.DateTimeField("lúc")
    is_illustrative = models.BooleanField("số liệu minh họa", default=False)  # the state after: an undo restores it
    run = models.ForeignKey(WriteRun, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                            verbose_name="lần ghi theo đợt", db_index=False)  # history_of_a_run

    class Meta:
        verbose_name = "lịch sử số liệu"
        verbose_name_plural = "lịch sử số liệu"
        ordering = ["data_value_id", "revision"]
        constraints = [
            models.UniqueConstraint(fields=["data_value", "revision"], name="one_history_row_per_revision"),
        ]
        indexes = [  # the newest write of the system (portal.queries.data_stamp), found without a scan
            models.Index(fields=["-id"], name="history_written_by_the_system", condition=Q(changed_by__isnull=True)),
            # the rows a batched write wrote (to undo it); the rows of ordinary writes are not in it
            models.Index(fields=["run", "id"], name="history_of_a_run", condition=Q(run__isnull=False)),
        ]
