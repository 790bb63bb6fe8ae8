"""API tokens: made here, shown once, stored only as their SHA-256 (``ApiToken.token_hash``); each has a
scope (read or write), expires, and can be revoked. Every rule about a token lives here; the admin, the
token page, ``chiso tokens`` and ``api.auth`` only call these functions.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from chiso import conf
from chiso.accounts.models import ApiToken, TokenScope, TokenUse

TOKEN_PREFIX = "chiso_"
MAX_DAYS = 730  # two years
LAST_USED_STEP = timedelta(minutes=1)  # how stale ``ApiToken.last_used`` may get before a use rewrites it
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# The prefix and 43 URL-safe characters (secrets.token_urlsafe(32)); a little slack for older tokens.
_SHAPE = re.compile(rf"^{TOKEN_PREFIX}[A-Za-z0-9_-]{{1,100}}$")


class TokenError(Exception):
    """A refusal in Vietnamese, with the HTTP status an API answers it with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.status = message, status


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_days(days: int | None) -> int:
    """The days a new token is valid: ``days``, else ``CHISO_TOKEN_DAYS``; 1 to 730."""
    chosen = conf.env_int("CHISO_TOKEN_DAYS") if days is None else days
    if not 1 <= chosen <= MAX_DAYS:
        raise TokenError(f"Thời hạn mã truy cập phải từ 1 đến {MAX_DAYS} ngày (2 năm), không phải {chosen}.")
    return chosen


def create_token(user: User, name: str, *, scope: str = TokenScope.WRITE,
                 days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the stored row and the token text, which is never stored."""
    name = name.strip()
    if not name or len(name) > 100:
        raise TokenError("Tên mã truy cập phải có từ 1 đến 100 ký tự, ví dụ: LGSP thành phố.")
    if scope not in TokenScope.values:
        raise TokenError(f"Phạm vi mã truy cập phải là 'read' (chỉ đọc) hoặc 'write' (đọc và ghi), không phải "
                         f"'{scope}'.")
    expires = timezone.now() + timedelta(days=token_days(days))
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(user=user, name=name, token_hash=hash_token(token), scope=scope,
                                  expires_at=expires)
    return row, token


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (revoked and expired ones included)."""
    return ApiToken.objects.filter(user=user).order_by("-created", "-id")


def do_revoke_token(token_id: int, *, acting_user: User) -> ApiToken:
    """Revoke one of ``acting_user``'s own tokens (another's is as if it did not exist: 404)."""
    with transaction.atomic():
        found = ApiToken.objects.select_for_update().filter(pk=token_id, user=acting_user).first()
        if found is None:
            raise TokenError(f"Không có mã truy cập số {token_id} của {acting_user.get_username()}.", 404)
        if found.revoked_at is None:
            found.revoked_at, found.revoked_by = timezone.now(), acting_user
            found.save(update_fields=["revoked_at", "revoked_by"])
        return found


def _date(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def token_in_use(token: str, *, now: datetime | None = None) -> ApiToken:
    """The token behind a Bearer header, if it may be used now; otherwise a ``TokenError`` (401) saying
    why: not a chiso token, unknown, revoked, expired, or of a deactivated user."""
    token = token.strip()
    if not _SHAPE.match(token):
        raise TokenError(f"Mã truy cập sai định dạng: mã có dạng '{TOKEN_PREFIX}' và 43 ký tự chữ, số, '-' hoặc "
                         "'_', gửi nguyên văn sau 'Authorization: Bearer '.", 401)
    found = ApiToken.objects.select_related("user").filter(token_hash=hash_token(token)).first()
    if found is None or not found.user.is_active:
        raise TokenError("Mã truy cập không hợp lệ hoặc đã bị thu hồi.", 401)
    if found.revoked_at is not None:
        raise TokenError(f"Mã truy cập '{found.name}' đã bị thu hồi lúc {_date(found.revoked_at)}: tạo mã mới "
                         "tại /tai-khoan/ma-truy-cap/.", 401)
    now = now or timezone.now()
    if found.expires_at <= now:
        raise TokenError(f"Mã truy cập '{found.name}' đã hết hạn lúc {_date(found.expires_at)}: tạo mã mới tại "
                         "/tai-khoan/ma-truy-cap/.", 401)
    if found.last_used is None or now - found.last_used >= LAST_USED_STEP:
        # not a write per read: a token used all day gets one write a minute (the page shows minutes)
        ApiToken.objects.filter(pk=found.pk).update(last_used=now)
        found.last_used = now
    return found


def may_write(token: ApiToken) -> None:
    """A read-only token is refused on every write (403)."""
    if token.scope != TokenScope.WRITE:
        raise TokenError(f"Mã truy cập '{token.name}' chỉ được đọc (phạm vi 'read'): dùng một mã có phạm vi "
                         "'write' để ghi.", 403)


def record_use(token: ApiToken, method: str, path: str, status: int) -> TokenUse | None:
    """The trace of a write made with ``token`` (nothing for a read): no body, no query, path ≤ 300."""
    if method.upper() not in WRITE_METHODS:
        return None
    return TokenUse.objects.create(token=token, at=timezone.now(), method=method.upper()[:7], path=path[:300],
                                   status=status)
