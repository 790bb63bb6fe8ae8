"""Calls to other systems: one short POST, no redirect followed, http(s) only, and the connector's credentials.

The connector is an adapter (``Subscription.auth``): an OAuth2 client-credentials token (RFC 6749 §4.4; the client
authenticates with HTTP Basic; the token is kept in this process until 30 s before it expires) by default, a static
API-key header, or nothing but the signature. Secrets come from environment variables named in the subscription
and never appear in the log or the delivery log.
"""

from __future__ import annotations

import base64
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from chiso import conf
from chiso.integration.models import AuthKind, Subscription

EARLY = 30  # seconds before its expiry a cached token is fetched again


class DeliveryFailure(Exception):
    """A call that did not succeed: a short Vietnamese reason, and the HTTP status when there was one."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def check_url(url: str) -> str:
    """``url`` if it is an http(s) address with a host; else a Vietnamese refusal (ValueError)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"Địa chỉ '{url}' không hợp lệ: chỉ nhận địa chỉ http:// hoặc https:// có tên máy.")
    return url


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> None:
        raise DeliveryFailure(f"Máy nhận chuyển hướng ({code}) tới {urllib.parse.urlsplit(newurl).netloc}: "
                              "không theo chuyển hướng, hãy đăng ký đúng địa chỉ.", code)


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes


def post(url: str, body: bytes, headers: dict[str, str]) -> Response:
    """POST ``body``; a 2xx is returned, anything else (status, timeout, refused connection) raises."""
    check_url(url)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=conf.env_int("CHISO_INTEGRATION_TIMEOUT_SECONDS")) as answer:
            return Response(answer.status, answer.read(65536))
    except urllib.error.HTTPError as error:
        raise DeliveryFailure(f"Máy nhận trả lời HTTP {error.code}.", error.code) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DeliveryFailure(f"Không gọi được {urllib.parse.urlsplit(url).netloc}: {reason}"[:300]) from None


def secret(name: str, what: str) -> str:
    """The value of environment variable ``name`` (never logged); a clear refusal when it is not set."""
    value = os.environ.get(name, "") if name else ""
    if not value:
        raise DeliveryFailure(f"Chưa đặt biến môi trường {name or '(chưa khai báo)'} chứa {what}.")
    return value


_TOKENS: dict[tuple[str, str, str], tuple[str, float]] = {}


def clear_tokens() -> None:
    """Forget every cached OAuth2 token (tests; a changed client secret)."""
    _TOKENS.clear()


def oauth2_token(subscription: Subscription) -> str:
    """An access token of the subscription's client, from the cache while it is valid."""
    key = (subscription.token_url, subscription.client_id, subscription.scope)
    cached = _TOKENS.get(key)
    if cached is not None and cached[1] > time.monotonic():
        return cached[0]
    client_secret = secret(subscription.client_secret_env, "client secret OAuth2")
    basic = base64.b64encode(f"{subscription.client_id}:{client_secret}".encode()).decode()
    form = {"grant_type": "client_credentials"}
    if subscription.scope:
        form["scope"] = subscription.scope
    try:
        answer = post(subscription.token_url, urllib.parse.urlencode(form).encode(), {
            "Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json"})
    except DeliveryFailure as failure:
        raise DeliveryFailure(f"Lấy token OAuth2 thất bại: {failure}", failure.status) from None
    try:
        data = json.loads(answer.body)
        token, lifetime = str(data["access_token"]), int(data.get("expires_in") or 300)
    except (ValueError, KeyError, TypeError):
        raise DeliveryFailure("Máy cấp token OAuth2 trả lời không có access_token.") from None
    _TOKENS[key] = (token, time.monotonic() + max(lifetime - EARLY, 0))
    return token


def credentials(subscription: Subscription) -> dict[str, str]:
    """The headers that authenticate a call to the subscription's system."""
    if subscription.auth == AuthKind.OAUTH2:
        return {"Authorization": f"Bearer {oauth2_token(subscription)}"}
    if subscription.auth == AuthKind.API_KEY:
        return {subscription.api_key_header: secret(subscription.api_key_env, "khóa API")}
    return {}
