"""The public micro-cache: an anonymous reader of a public page or of the read API gets a copy at most
``CHISO_PUBLIC_CACHE_SECONDS`` old (default 1 s, as a streaming replica may lag), without touching the database.

nginx's "microcaching", done in the app so it works without a proxy. It sits in MIDDLEWARE right after the
authentication (the language and the user are known; everything that may add a cookie runs inside it) and
answers from the ``public`` cache (``FileCache``: files in the machine's temporary folder, ``conf.public_cache_dir``,
that every gunicorn worker shares) when

* the request is a GET or HEAD of a public path (``PUBLIC_PREFIXES``: the portal, rankings, registers, open
  data, reports, the read API; never /admin/, the login, entry, upload, approval, plan, account or team pages,
  nor /healthz),
* by an anonymous reader: no ``Authorization`` header, no session, messages or ``chiso_primary`` cookie;

keyed by scheme, host, path with the whole query string, language, ``HX-Request`` and, for the API,
``Accept`` (the only request headers a view reads to choose what it writes).

It stores only what every such reader would get: a GET answered 200, not streamed, at most ``MAX_BYTES``,
without a cookie (Set-Cookie, a session saved, a message queued), without ``Cache-Control: private``,
``no-store`` or ``no-cache``, whose rendering did not use the CSRF token (a cached form would hand one
visitor's token to the others) and that does not vary on another request header.

An expired copy is served (stale-while-revalidate, never older than ``STALE_FACTOR`` times the setting) and
rendered again by one request (a lock taken with ``add``) after that request has its answer, as nginx's
``proxy_cache_background_update``: no reader waits for a page to be rendered again, the others keep getting the
stale copy until the new one is stored. With no copy at all, requests render. ``X-Cache`` says HIT, STALE or
MISS on every request the cache could answer.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable
from functools import partial
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import translation
from django.utils.cache import get_conditional_response

from chiso.web.replicas import PIN_COOKIE

logger = logging.getLogger(__name__)

CACHE_ALIAS = "public"  # settings.CACHES
HEADER = "X-Cache"
STALE_FACTOR = 10  # a stale copy is served while one request renders, up to this many times the setting
MAX_BYTES = 2 * 1024 * 1024  # larger answers (a PDF report, the open-data zip) are rendered each time
FORMAT = 1  # part of every key: a change of the stored tuple below changes it
CONDITIONS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")
LOCK = ":lock"  # key + LOCK: taken by the one request that renders an expired copy again

PUBLIC_PREFIXES = (
    "/don-vi/", "/chi-tieu/", "/tim-kiem/", "/phien-ban/",  # the portal (and "/" itself)
    "/xep-hang/", "/so-theo-doi/", "/du-lieu-mo/", "/bao-cao/",  # rankings, registers, open data, reports
    "/api/v1/", "/api/3/action/", "/api/action/", "/catalog.ttl", "/catalog.jsonld",  # read API, catalogue
)
KEYED_VARY = {"accept-language", "cookie", "authorization", "hx-request"}  # and the API's "accept": cache_key
COMMAS = re.compile(r"\s*,\s*")


def now() -> float:
    """The clock copies are dated by (tests move it)."""
    return time.time()


def is_public_path(path: str) -> bool:
    return path == "/" or path.startswith(PUBLIC_PREFIXES)


def is_shared_read(request: HttpRequest) -> bool:
    """Whether this request reads what every anonymous reader reads (and so may be answered by a copy)."""
    private_cookies = (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name, PIN_COOKIE)
    return (
        request.method in ("GET", "HEAD")
        and is_public_path(request.path)
        and "Authorization" not in request.headers
        and not any(name in request.COOKIES for name in private_cookies)
        and not request.user.is_authenticated
    )


def cache_key(request: HttpRequest) -> str:
    """GET and HEAD share a key; every request header a view reads to choose its answer is in it."""
    parts = [request.scheme or "", request.get_host(), request.get_full_path(),
             getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE), request.headers.get("HX-Request", "")]
    if request.path.startswith("/api/"):
        parts.append(request.headers.get("Accept", ""))
    return f"page:{FORMAT}:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def may_store(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Whether ``response`` is what every anonymous reader of the same key would get."""
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if not isinstance(response, HttpResponse) or len(response.content) > MAX_BYTES:
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    control = {d.split("=")[0].strip().lower() for d in COMMAS.split(response.get("Cache-Control", ""))}
    if control & {"private", "no-store", "no-cache"}:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # get_token() was called: Django 5.2's only mark
        return False  # the page holds a CSRF token: it is this visitor's
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False  # the session middleware will send a cookie
    messages = getattr(request, "_messages", None)
    if messages is not None and getattr(messages, "added_new", False):
        return False  # the messages middleware will send a cookie
    vary = {v.strip().lower() for v in COMMAS.split(response.get("Vary", "")) if v.strip()}
    return vary <= (KEYED_VARY | {"accept"} if request.path.startswith("/api/") else KEYED_VARY)


class Copy(NamedTuple):
    """A stored answer: when its rendering started, its status, headers and body."""

    at: float
    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes

    @classmethod
    def of(cls, response: HttpResponse, at: float) -> Copy:
        return cls(at, response.status_code, tuple(response.headers.items()), response.content)

    def answer(self, request: HttpRequest, how: str) -> HttpResponseBase:
        response = HttpResponse(self.content, status=self.status)
        for name, value in self.headers:
            response[name] = value
        answer: HttpResponseBase = response
        if response.has_header("ETag"):  # the API's: a 304 to If-None-Match, as its middleware answers
            answer = get_conditional_response(request, etag=response["ETag"], response=response) or response
        answer[HEADER] = how
        return answer


class PublicCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        seconds = settings.PUBLIC_CACHE_SECONDS
        if seconds <= 0 or not is_shared_read(request):
            return self.get_response(request)
        store = caches[CACHE_ALIAS]
        key = cache_key(request)
        copy = _read(store, key)
        if copy is not None:
            age = now() - copy.at
            if 0 <= age < seconds:
                return copy.answer(request, "HIT")
            if age < STALE_FACTOR * seconds:
                answer = copy.answer(request, "STALE")
                if request.method == "GET" and _lock(store, key, STALE_FACTOR * seconds):
                    # this request renders it again once the stale copy is sent: the WSGI server then closes the
                    # answer, which runs its closers (Django's list) before request_finished
                    answer._resource_closers.append(partial(self._refresh, request, key))  # type: ignore[attr-defined]
                return answer
        started = now()
        response = self.get_response(request)
        if may_store(request, response):
            _write(store, key, Copy.of(response, started), STALE_FACTOR * seconds)  # type: ignore[arg-type]
        response[HEADER] = "MISS"
        return response

    def _refresh(self, request: HttpRequest, key: str) -> None:
        """Render ``request`` again and keep the answer, then let go of the lock. Runs in the thread that served
        the stale copy, after the reader has it; reads go to the primary (the replica middleware is done)."""
        store = caches[CACHE_ALIAS]
        for condition in CONDITIONS:  # the reader's If-None-Match was for the stale copy: render the whole answer
            request.META.pop(condition, None)
        try:
            with translation.override(getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)):
                started = now()
                response = self.get_response(request)
                if may_store(request, response):
                    _write(store, key, Copy.of(response, started),  # type: ignore[arg-type]
                           STALE_FACTOR * settings.PUBLIC_CACHE_SECONDS)
        except Exception:  # the reader has its answer: log, and the next request after the lock tries again
            logger.exception("public cache: rendering %s again failed", request.path)
        finally:
            store.delete(key + LOCK)


def _read(store: Any, key: str) -> Copy | None:
    try:
        found = store.get(key)
    except OSError as error:  # the cache folder unreadable: render, as without a cache
        logger.warning("public cache: cannot read %s: %s", key, error)
        return None
    return Copy(*found) if isinstance(found, tuple) and len(found) == len(Copy._fields) else None


def _lock(store: Any, key: str, timeout: float) -> bool:
    try:
        return bool(store.add(key + LOCK, 1, timeout=timeout))
    except OSError as error:  # no refresh now; the stale copy still answers, and a later request tries again
        logger.warning("public cache: cannot lock %s: %s", key, error)
        return False


def _write(store: Any, key: str, copy: Copy, timeout: float) -> None:
    try:
        store.set(key, tuple(copy), timeout=timeout)
    except OSError as error:  # a full disk: the page was rendered, it is just not kept
        logger.warning("public cache: cannot store %s: %s", key, error)


class FileCache(FileBasedCache):
    """Django's file cache, shared by every process on the machine, with an ``add`` that only one process can
    win (Django's checks, then writes: two workers could both take the lock). The entry is written to a
    temporary file, then linked to its name, which fails when the name exists."""

    def add(self, key: str, value: Any, timeout: float | None = DEFAULT_TIMEOUT,  # type: ignore[override]
            version: int | None = None) -> bool:
        if self.has_key(key, version):  # also deletes an expired entry, so the link below can take its name
            return False
        django: Any = self  # FileBasedCache's own helpers, which django-stubs does not list
        django._createdir()
        name = django._key_to_file(key, version)
        descriptor, temporary = tempfile.mkstemp(dir=django._dir)
        try:
            with open(descriptor, "wb") as file:
                django._write_content(file, timeout, value)
            os.link(temporary, name)
        except FileExistsError:
            return False
        finally:
            os.remove(temporary)
        return True
