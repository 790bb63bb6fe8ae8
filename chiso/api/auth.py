"""Who is calling the API's write endpoints: an API token or the browser's session.

* ``Authorization: Bearer <token>``: the token's SHA-256 is looked up in ``ApiToken``; the call acts
  as the token's user, with that user's roles, within the token's scope (a read token is refused on every
  write with 403); a malformed, unknown, revoked or expired token is refused with 401
  (``accounts.tokens.token_in_use`` says why). Tokens are made on /tai-khoan/ma-truy-cap/, with
  ``chiso tokens create`` or in the admin (shown once). The token resolved is kept on the request
  (``token_of``), so that ``api.middleware`` records every write it makes (``TokenUse``).
* Otherwise the Django session of a logged-in user, with Django's CSRF check (the browser).
Read endpoints need neither. A refusal is a 401 (or 403 for a failed CSRF check) with a Vietnamese
``detail``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from chiso.accounts.models import ApiToken
from chiso.accounts.tokens import TOKEN_PREFIX, TokenError, create_token, hash_token, may_write, token_in_use

__all__ = ["TOKEN_PREFIX", "WRITE_AUTH", "create_token", "hash_token"]
NO_CREDENTIALS = ("Cần xác thực: gửi mã truy cập trong tiêu đề 'Authorization: Bearer <mã>' "
                  "hoặc đăng nhập trên web.")



def _resolve(request: HttpRequest, token: str) -> ApiToken:
    """The token of this request (checked once, remembered on the request), or a 401 saying why."""
    if not hasattr(request, "_chiso_token"):
        try:
            request._chiso_token = token_in_use(token)  # type: ignore[attr-defined]
        except TokenError as error:
            raise HttpError(error.status, error.message) from None
    return request._chiso_token  # type: ignore[attr-defined, no-any-return]


def token_of(request: HttpRequest) -> ApiToken | None:
    """The valid token this request was made with, once resolved (None for a session or anonymous call)."""
    return getattr(request, "_chiso_token", None)


class TokenAuth(HttpBearer):
    """A write endpoint's token: valid, and of scope 'write' (a read token is a 403)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = _resolve(request, token)
        try:
            may_write(found)
        except TokenError as error:
            raise HttpError(error.status, error.message) from None
        return found.user


class SessionAuth(APIKeyCookie):
    """The logged-in browser user; a write must carry Django's CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            raise HttpError(401, NO_CREDENTIALS)
        if check_csrf(request) is not None:
            raise HttpError(403, "Thiếu hoặc sai mã CSRF: tải lại trang rồi thử lại.")
        return user


# Order matters: a Bearer header is tried first; without one, the session (which refuses with 401).
WRITE_AUTH = [TokenAuth(), SessionAuth()]


def reader(request: HttpRequest) -> Any:
    """Who is calling a read endpoint: the user of a valid Bearer token, else the logged-in session user,
    else None (an anonymous caller). Reads need neither; a token or login lifts the anonymous limits and
    lets the caller see the drafts its roles cover. A token that is not valid is refused (401), so a
    mistyped token is not silently read as anonymous. Remembered on the request."""
    if not hasattr(request, "_chiso_reader"):
        user = None
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() == "bearer":
            user = _resolve(request, token).user
        else:
            session = getattr(request, "user", None)
            user = session if session is not None and session.is_authenticated else None
        request._chiso_reader = user  # type: ignore[attr-defined]
    return request._chiso_reader  # type: ignore[attr-defined]
