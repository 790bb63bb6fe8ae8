"""Roles, each granted on a unit and everything below it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from chiso import conf
from chiso.units.models import Unit


class Role(models.TextChoices):
    ADMIN = "admin", "Quản trị (cấp thành phố)"
    APPROVER = "approver", "Phê duyệt (cấp trên)"
    REPORTER = "reporter", "Cán bộ nhập liệu (phường, xã)"
    ANALYST = "analyst", "Phân tích (xem cả bản nháp)"
    VIEWER = "viewer", "Xem"


# What each role may do in its subtree. Later issues add workflow actions here, nowhere else.
WRITE_ROLES = frozenset({Role.ADMIN, Role.REPORTER})
READ_DRAFT_ROLES = frozenset({Role.ADMIN, Role.APPROVER, Role.REPORTER, Role.ANALYST})
PLAN_ROLES = frozenset({Role.ADMIN, Role.APPROVER})


class RoleAssignment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles",
                             verbose_name="người dùng")
    role = models.CharField("vai trò", max_length=10, choices=Role.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="role_assignments",
                             verbose_name="đơn vị (cả các đơn vị trực thuộc)")

    class Meta:
        verbose_name = "phân quyền"
        verbose_name_plural = "phân quyền"
        constraints = [models.UniqueConstraint(fields=["user", "role", "unit"], name="role_assignment_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit.name}"


class RoleChange(models.TextChoices):
    GRANT = "grant", "Cấp quyền"
    REVOKE = "revoke", "Thu hồi quyền"


class RoleAssignmentHistory(models.Model):
    """One row per grant or revocation (who got or lost which role on which unit, who did it, when, why),
    written by ``accounts.actions`` in the same transaction. Kept when the assignment itself is gone."""

    action = models.CharField("thao tác", max_length=10, choices=RoleChange.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_history",
                             verbose_name="người được cấp/thu hồi")
    role = models.CharField("vai trò", max_length=10, choices=Role.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="role_history", verbose_name="đơn vị")
    reason = models.TextField("lý do", blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="người thực hiện")
    changed_at = models.DateTimeField("lúc")
    channel = models.CharField("kênh", max_length=10, default="web")

    class Meta:
        verbose_name = "lịch sử phân quyền"
        verbose_name_plural = "lịch sử phân quyền"
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.user} · {self.get_role_display()} · {self.unit.name}"


class TokenScope(models.TextChoices):
    READ = "read", "Chỉ đọc"
    WRITE = "write", "Đọc và ghi"


def default_token_expiry() -> datetime:
    """Now plus ``CHISO_TOKEN_DAYS``."""
    return timezone.now() + timedelta(days=conf.env_int("CHISO_TOKEN_DAYS"))


class ApiToken(models.Model):
    """A key for the API (``Authorization: Bearer <token>``), acting as its user within its scope until it
    expires or is revoked. Only the SHA-256 of the token is stored: the token itself is shown once, when it
    is created (``accounts.tokens``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name="người dùng")
    name = models.CharField("tên", max_length=100, help_text="Dùng cho việc gì, ví dụ: LGSP thành phố")
    token_hash = models.CharField("mã băm SHA-256", max_length=64, unique=True, editable=False)
    scope = models.CharField("phạm vi", max_length=5, choices=TokenScope.choices, default=TokenScope.WRITE)
    created = models.DateTimeField("tạo lúc", auto_now_add=True)
    expires_at = models.DateTimeField("hết hạn lúc", default=default_token_expiry)
    last_used = models.DateTimeField("dùng lần cuối", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", editable=False, verbose_name="người thu hồi")

    class Meta:
        verbose_name = "mã truy cập API"
        verbose_name_plural = "mã truy cập API"
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"


class TokenUse(models.Model):
    """One row per write request (POST, PUT, PATCH, DELETE) made with a token, whatever its answer: which
    token, when, the method, the path (no query, no body) and the status answered."""

    token = models.ForeignKey(ApiToken, on_delete=models.PROTECT, related_name="uses", verbose_name="mã truy cập")
    at = models.DateTimeField("lúc")
    method = models.CharField("phương thức", max_length=7)
    path = models.CharField("đường dẫn", max_length=300)
    status = models.PositiveSmallIntegerField("mã trả lời")

    class Meta:
        verbose_name = "lượt ghi bằng mã truy cập"
        verbose_name_plural = "lượt ghi bằng mã truy cập"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.method} {self.path} → {self.status}"
