"""A report being reviewed: its text and the figures read out of it, kept until the officer stores them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from chiso.units.models import Unit


class ExtractionDraft(models.Model):
    """One pasted or uploaded report under review. ``proposals`` holds each figure read out of the text
    (``reading.Proposal.as_dict()``) plus the review: ``decision`` ("", "accept", "reject") and the officer's
    corrections. Only its writer reads it (``actions.access_draft_by_id``)."""

    text = models.TextField("văn bản")
    source = models.CharField("tên, số văn bản", max_length=300)
    document_date = models.DateField("ngày văn bản")
    main_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị chính")
    proposals = models.JSONField("số liệu đọc được", default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                   verbose_name="người tạo")
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    stored_at = models.DateTimeField("ghi lúc", null=True, blank=True)

    class Meta:
        verbose_name = "văn bản đang đọc số liệu"
        verbose_name_plural = "văn bản đang đọc số liệu"

    def __str__(self) -> str:
        return f"{self.source} ({self.document_date:%d/%m/%Y})"
