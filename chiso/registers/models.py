"""Register entries and their history.

An ``Entry`` is one tracked thing (a market, a school, an OCOP product, the count of one thôn's households
without a smartphone) on a unit, of a kind of ``registers.kinds``, with its attributes as the kind declares them.
It is never deleted: it is retired. Every write is an ``EntryEvent``: what changed (field, old → new), who,
when, through which channel, why, the day it takes effect, and the entry as it is after the event (its unit,
name, attributes, whether active). The events are the entry's timeline: the counts of a month are read from the
state each entry had at the month's end (``registers.counts``). Only ``registers.actions`` writes them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from chiso.units.models import Unit
from chiso.values.models import Channel


class Entry(models.Model):
    kind = models.CharField("loại sổ", max_length=30)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="register_entries", verbose_name="đơn vị")
    name = models.CharField("tên", max_length=200)
    attributes = models.JSONField("thuộc tính", default=dict)
    active = models.BooleanField("đang theo dõi", default=True)
    effective_on = models.DateField("hiệu lực từ", help_text="Ngày có hiệu lực của lần ghi gần nhất")
    is_illustrative = models.BooleanField("minh họa", default=False,
                                          help_text="Mục do bản trình diễn tạo ra, không phải mục có thật.")
    revision = models.PositiveIntegerField("lần sửa", default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="người cập nhật", db_index=False)
    updated_at = models.DateTimeField("cập nhật lúc")

    class Meta:
        verbose_name = "mục sổ theo dõi"
        verbose_name_plural = "mục sổ theo dõi"
        ordering = ["kind", "name", "id"]
        indexes = [models.Index(fields=["unit", "kind"], name="entry_unit_kind")]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind}, {self.unit.code})"


class EntryEvent(models.Model):
    class Action(models.TextChoices):
        ADD = "add", "Thêm"
        CHANGE = "change", "Sửa"
        RETIRE = "retire", "Thôi theo dõi"
        MOVE = "move", "Chuyển theo sắp xếp đơn vị"

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="events", db_index=False)
    revision = models.PositiveIntegerField("lần sửa")
    action = models.CharField("thao tác", max_length=10, choices=Action.choices)
    changes = models.JSONField("thay đổi", default=list, help_text="[{field, label, old, new}]: cũ → mới")
    effective_on = models.DateField("hiệu lực từ")
    # the entry as it is after the event
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị")
    name = models.CharField("tên", max_length=200)
    attributes = models.JSONField("thuộc tính", default=dict)
    active = models.BooleanField("đang theo dõi")
    channel = models.CharField("kênh", max_length=10, choices=Channel.choices)
    reason = models.TextField("lý do", blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="người sửa", db_index=False)
    changed_at = models.DateTimeField("lúc")

    class Meta:
        verbose_name = "lịch sử mục sổ theo dõi"
        verbose_name_plural = "lịch sử mục sổ theo dõi"
        ordering = ["entry_id", "revision"]
        constraints = [models.UniqueConstraint(fields=["entry", "revision"], name="one_event_per_entry_revision")]

    def __str__(self) -> str:
        return f"{self.entry_id} #{self.revision} {self.action}"
