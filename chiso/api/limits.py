"""Bounded work per request: how many rows one answer holds, the link to the next page, and the rate
an anonymous caller may call at.

* Rows per answer: ``CHISO_API_MAX_ROWS`` for a caller with a token or login, ``CHISO_API_ANONYMOUS_MAX_ROWS``
  otherwise (``chiso.conf``). A ``limit`` above the caller's cap is refused (400) before anything is read.
* Beyond one page the answer carries ``next``: the same request with a signed, opaque ``cursor``
  (``next_page``; ``page_start`` reads it). A cursor is ``django.core.signing`` data bound to the path and
  the other parameters, so a tampered or foreign cursor is refused (400) instead of read. It stands for a
  position in the list's stable order (tree order, codes, ids), so walking the ``next`` links of an
  unchanging list gives every row once. ``offset`` still works for clients that count themselves (and
  not together with ``cursor``).
* Anonymous callers are throttled per IP address (``CHISO_API_ANONYMOUS_RATE``), each token on its own
  (``CHISO_TOKEN_RATE``); a logged-in browser is not. A 429 always carries ``Retry-After`` (seconds) and a
  Vietnamese ``detail`` saying whose limit it was.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core import signing
from django.http import HttpRequest, QueryDict
from ninja.errors import HttpError
from ninja.throttling import AnonRateThrottle

from chiso import conf
from chiso.api.auth import reader, token_of
from chiso.api.queries import BadRequest
from chiso.engine.numbers import format_number

MAX_OFFSET = 1_000_000_000  # far beyond any table here, far below what a database integer holds
_CURSOR_SALT = "chiso.api.cursor"
LIMIT = ("Số dòng mỗi trang; mặc định 100, tối đa CHISO_API_MAX_ROWS (5.000) với mã truy cập hoặc đăng nhập, "
         "CHISO_API_ANONYMOUS_MAX_ROWS (1.000) nếu không")


def max_rows(request: HttpRequest) -> int:
    """The caller's cap on rows per answer."""
    signed_in = reader(request) is not None
    return conf.env_int("CHISO_API_MAX_ROWS" if signed_in else "CHISO_API_ANONYMOUS_MAX_ROWS")


def page_size(request: HttpRequest, limit: int | None, default: int | None = None) -> int:
    """The rows of this answer: ``limit`` if the caller may have that many, else a 400 saying the cap."""
    cap = max_rows(request)
    if limit is None:
        return cap if default is None else min(default, cap)
    if limit > cap:
        more = "" if reader(request) is not None else (
            f" Gửi mã truy cập (Authorization: Bearer <mã>) hoặc đăng nhập để đọc tới "
            f"{format_number(conf.env_int('CHISO_API_MAX_ROWS'))} dòng mỗi lần.")
        raise BadRequest(f"Tối đa {format_number(cap)} dòng mỗi lần (tham số limit = {format_number(limit)}): "
                         f"hãy giảm limit và đọc tiếp theo liên kết 'next'.{more}")
    return limit


def next_link(request: HttpRequest, **replace: object) -> str:
    """This request's absolute URL with some query parameters replaced (the following page)."""
    query: QueryDict = request.GET.copy()
    for name, value in replace.items():
        query[name] = str(value)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def _fingerprint(parts: tuple[object, ...]) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:16]


def make_cursor(offset: int, query: tuple[object, ...]) -> str:
    """An opaque, signed token for "the rows of ``query`` from ``offset`` on"."""
    return signing.dumps({"o": offset, "q": _fingerprint(query)}, salt=_CURSOR_SALT, compress=True)


def _decode(cursor: str, query: tuple[object, ...]) -> int:
    try:
        data = signing.loads(cursor, salt=_CURSOR_SALT)
        offset, fingerprint = int(data["o"]), str(data["q"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise BadRequest("Tham số 'cursor' không hợp lệ: dùng nguyên liên kết 'next' của trang trước.") from None
    if fingerprint != _fingerprint(query):
        raise BadRequest("Tham số 'cursor' thuộc một truy vấn khác: giữ nguyên các tham số khác của liên kết "
                         "'next'.")
    if not 0 <= offset <= MAX_OFFSET:
        raise BadRequest("Tham số 'cursor' không hợp lệ: dùng nguyên liên kết 'next' của trang trước.")
    return offset


def read_cursor(cursor: str | None, query: tuple[object, ...], total: int) -> int:
    """The offset a cursor stands for; 0 without one. A cursor of another query, altered, or past the end
    is a 400."""
    if not cursor:
        return 0
    offset = _decode(cursor, query)
    if not offset < max(total, 1):
        raise BadRequest("Tham số 'cursor' đã quá cuối kết quả: bắt đầu lại từ trang đầu.")
    return offset


CURSOR = "Trang sau: lấy nguyên từ liên kết 'next' của trang trước (dùng thay cho offset)"
_PAGING = ("cursor", "offset", "limit")


def _list_query(request: HttpRequest) -> tuple[object, ...]:
    """What a list's cursor belongs to: the path and every parameter but the paging ones."""
    return (request.path, *sorted((k, v) for k, values in request.GET.lists() if k not in _PAGING for v in values))


def page_start(request: HttpRequest, cursor: str | None, offset: int) -> int:
    """Where a list's page starts: at its ``cursor`` (from a ``next`` link), else at ``offset`` (kept for
    clients that count themselves); both at once is a 400."""
    if not cursor:
        return offset
    if offset:
        raise BadRequest("Dùng 'cursor' hoặc 'offset', không dùng cả hai: liên kết 'next' chỉ mang 'cursor'.")
    return _decode(cursor, _list_query(request))


def next_page(request: HttpRequest, start: int, size: int, count: int) -> str | None:
    """The link to the page after ``start`` … ``start + size - 1`` of ``count`` rows (a cursor), or None."""
    stop = start + size
    if stop >= count:
        return None
    query: QueryDict = request.GET.copy()
    query.pop("offset", None)
    query["cursor"], query["limit"] = make_cursor(stop, _list_query(request)), str(size)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


class _SettingRate(AnonRateThrottle):
    """A throttle at the rate of a setting, read on each request; when it refuses, it marks the request with
    its ``kind`` (for the 429's wording) and always says how long to wait (``Retry-After``)."""

    setting = ""
    kind = ""

    def __init__(self) -> None:
        super().__init__(rate=conf.env_str(self.setting))

    def allow_request(self, request: HttpRequest) -> bool:
        rate = conf.env_str(self.setting)
        if rate != self.rate:
            self.rate = rate
            self.num_requests, self.duration = self.parse_rate(rate)
        allowed = super().allow_request(request)
        if not allowed:
            request._chiso_throttled = self.kind  # type: ignore[attr-defined]
        return allowed

    def wait(self) -> float:
        """Seconds until the oldest request that must leave the window has left it (at least 1)."""
        count, duration = self.num_requests or 1, self.duration or 1
        oldest = self.history[count - 1] if len(self.history) >= count else self.now
        return max(1.0, duration - (self.now - oldest))


class AnonymousRateThrottle(_SettingRate):
    """django-ninja's anonymous throttle, for callers without a valid token or login (a read endpoint has
    no ``auth``, so ``request.auth`` alone cannot tell), per IP address, at ``CHISO_API_ANONYMOUS_RATE``."""

    scope = "chiso_api_anonymous"
    setting = "CHISO_API_ANONYMOUS_RATE"
    kind = "anonymous"

    def get_cache_key(self, request: HttpRequest) -> Any:
        try:
            if reader(request) is not None:
                return None
        except HttpError:  # a token that is not valid: counted as anonymous; the handler answers 401
            pass
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenRateThrottle(_SettingRate):
    """Each valid token, at ``CHISO_TOKEN_RATE`` (a logged-in browser is not throttled)."""

    scope = "chiso_api_token"
    setting = "CHISO_TOKEN_RATE"
    kind = "token"

    def get_cache_key(self, request: HttpRequest) -> Any:
        try:
            reader(request)
        except HttpError:
            return None  # counted as anonymous above
        token = token_of(request)
        return None if token is None else self.cache_format % {"scope": self.scope, "ident": token.pk}


def throttled_detail(request: HttpRequest) -> str:
    """The 429's Vietnamese detail: whose limit, what it is, what to do."""
    if getattr(request, "_chiso_throttled", "") == "token":
        return (f"Quá nhiều yêu cầu: mỗi mã truy cập được gọi tối đa {conf.env_str('CHISO_TOKEN_RATE')}. "
                "Hãy chờ số giây trong tiêu đề Retry-After rồi thử lại.")
    return (f"Quá nhiều yêu cầu: khách chưa đăng nhập được gọi tối đa {conf.env_str('CHISO_API_ANONYMOUS_RATE')}. "
            "Hãy chờ rồi thử lại, hoặc gửi mã truy cập (Authorization: Bearer <mã>).")
