"""The change log other systems read (``Change``: the pull feed), who receives it pushed (``Subscription``), and
every push (``Delivery`` per subscription and change, one ``DeliveryAttempt`` per try).

Changes are not written by the layers below: ``chiso integration collect`` (``changes.collect``) reads the audit
tables they already write (``collection.SubmissionEvent``, ``values.DataValueHistory``, ``ranking.RoundEvent``)
from where it stopped (``CollectMark``) and stores what became public. Secrets are never stored: a subscription
holds the *names* of the environment variables that hold them.
"""

from __future__ import annotations

from django.db import models


class ChangeType(models.TextChoices):
    FIGURES_PUBLISHED = "figures.published", "Số liệu được công bố"
    RANKING_PUBLISHED = "ranking.published", "Kết quả xếp hạng được công bố"
    DATASET_UPDATED = "dataset.updated", "Bộ dữ liệu mở được cập nhật"


class Change(models.Model):
    """One published change, as the feed and the pushes carry it. Its id is the feed's order."""

    type = models.CharField("loại", max_length=20, choices=ChangeType.choices)
    at = models.DateTimeField("lúc", help_text="Lúc thay đổi xảy ra (theo bảng nhật ký nguồn).")
    unit_code = models.CharField("mã đơn vị", max_length=20, blank=True)
    period = models.CharField("kỳ", max_length=12, blank=True)
    body = models.JSONField("nội dung", help_text="Nội dung sự kiện (đường dẫn tương đối, chỉ thông tin đã công bố).")
    source = models.CharField("nguồn", max_length=40, help_text="Bảng nhật ký và dòng đã sinh ra thay đổi.")
    collected_at = models.DateTimeField("thu thập lúc")

    class Meta:
        verbose_name = "thay đổi đã công bố"
        verbose_name_plural = "thay đổi đã công bố"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.type} {self.unit_code} {self.period}"


class CollectMark(models.Model):
    """How far ``collect`` has read one audit table (the last id it read)."""

    source = models.CharField("bảng nhật ký", max_length=40, unique=True)
    last_id = models.BigIntegerField("đã đọc tới id", default=0)

    class Meta:
        verbose_name = "mốc thu thập"
        verbose_name_plural = "mốc thu thập"

    def __str__(self) -> str:
        return f"{self.source} ≤ {self.last_id}"


class AuthKind(models.TextChoices):
    OAUTH2 = "oauth2", "OAuth2 client credentials"
    API_KEY = "api_key", "Khóa API tĩnh trong tiêu đề"
    NONE = "none", "Không xác thực (chỉ chữ ký)"


class Subscription(models.Model):
    """A system that receives changes pushed to ``url``. Every secret is the name of an environment variable."""

    name = models.CharField("tên", max_length=100, unique=True)
    url = models.URLField("địa chỉ nhận", max_length=500)
    events = models.JSONField("loại sự kiện", help_text='Ví dụ ["figures.published", "ranking.published"]')
    secret_env = models.CharField("biến môi trường chứa khóa ký HMAC", max_length=100)
    auth = models.CharField("xác thực", max_length=10, choices=AuthKind.choices, default=AuthKind.OAUTH2)
    token_url = models.URLField("địa chỉ lấy token OAuth2", max_length=500, blank=True)
    client_id = models.CharField("client id OAuth2", max_length=200, blank=True)
    client_secret_env = models.CharField("biến môi trường chứa client secret", max_length=100, blank=True)
    scope = models.CharField("scope OAuth2", max_length=200, blank=True)
    api_key_header = models.CharField("tiêu đề khóa API", max_length=100, blank=True)
    api_key_env = models.CharField("biến môi trường chứa khóa API", max_length=100, blank=True)
    is_active = models.BooleanField("đang nhận", default=True)
    enqueued_through = models.BigIntegerField(
        "đã xếp hàng tới thay đổi", default=0,
        help_text="Thay đổi có id lớn hơn số này chưa được xếp hàng gửi; lúc đăng ký là thay đổi mới nhất.")
    created_at = models.DateTimeField("đăng ký lúc")

    class Meta:
        verbose_name = "đăng ký nhận tin"
        verbose_name_plural = "đăng ký nhận tin"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Chờ gửi"
    DELIVERED = "delivered", "Đã gửi"
    FAILED = "failed", "Thất bại (hết số lần thử)"


class Delivery(models.Model):
    """One change to one subscription: sent until it succeeds once or the attempts run out."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries",
                                     verbose_name="đăng ký")
    change = models.ForeignKey(Change, on_delete=models.PROTECT, related_name="deliveries", verbose_name="thay đổi")
    status = models.CharField("trạng thái", max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField("số lần đã thử", default=0)
    next_attempt_at = models.DateTimeField("thử lại lúc")
    delivered_at = models.DateTimeField("gửi thành công lúc", null=True, blank=True)

    class Meta:
        verbose_name = "lượt gửi"
        verbose_name_plural = "lượt gửi"
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["subscription", "change"], name="one_delivery_per_change")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.change.type} → {self.subscription.name}"


class DeliveryAttempt(models.Model):
    """The delivery log: one row per try."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="log", verbose_name="lượt gửi")
    number = models.PositiveIntegerField("lần thử")
    at = models.DateTimeField("lúc")
    http_status = models.PositiveIntegerField("mã HTTP", null=True, blank=True)
    error = models.CharField("lỗi", max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField("thời gian (ms)")

    class Meta:
        verbose_name = "nhật ký gửi"
        verbose_name_plural = "nhật ký gửi"
        ordering = ["delivery_id", "number"]
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="one_log_row_per_attempt")]

    def __str__(self) -> str:
        return f"{self.delivery_id} lần {self.number}: {self.http_status or self.error}"
