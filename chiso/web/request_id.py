"""Every request gets an id: in ``request.request_id``, in every log line written while it is handled, in
the ``X-Request-ID`` response header and on the error page, so a user's report leads to the traceback.

A proxy in front may send its own id (nginx ``$request_id``); it is kept only when it matches ``VALID``
(letters, digits, ``.``, ``_``, ``-``; 8 to 64 characters), so nothing odd reaches a log line or a header.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
VALID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")
current: ContextVar[str | None] = ContextVar("chiso_request_id", default=None)


def request_id_of(request: HttpRequest | None) -> str:
    """The id of ``request`` (or of the request being handled); ``-`` outside any request."""
    return getattr(request, "request_id", None) or current.get() or "-"


def incoming_or_new(value: str | None) -> str:
    """
    >>> incoming_or_new("0f8e6c2a9b7d4e1f")
    '0f8e6c2a9b7d4e1f'
    >>> len(incoming_or_new("short")), len(incoming_or_new("bad id\\n injected")), len(incoming_or_new(None))
    (32, 32, 32)
    """
    if value and VALID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First in MIDDLEWARE, so the id is set before anything else can log or fail."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = incoming_or_new(request.headers.get(HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        token = current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        response[HEADER] = request_id
        return response
