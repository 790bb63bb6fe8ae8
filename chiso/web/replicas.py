"""Reads that may be a second behind go to a read-only replica; everything else goes to the primary.

``CHISO_DATABASE_REPLICA_URLS`` names the replicas (``replica1``, ``replica2``, … in ``DATABASES``). Only a
request can send a read to a replica, and only when all of these hold:

- it is a GET, HEAD or OPTIONS request (a form sent, a login, an API write: the primary);
- its client did not write in the last ``CHISO_REPLICA_PIN_SECONDS`` (the ``chiso_primary`` cookie set on the
  answer to a write): a writer reads its own writes;
- nothing was written earlier in the same request (a session saved, a token's use logged): from then on the
  request reads the primary;
- no transaction is open on the primary (``atomic``: a read inside a transaction is part of it).

Commands, imports, the demo builder, background work and tests outside a request read the primary.
Writes always go to the primary (``db_for_write``); migrations run on the primary only.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

PIN_COOKIE = "chiso_primary"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass
class ReadState:
    """What the request being handled may read from: ``replica`` (an alias) until it writes."""

    replica: str | None
    wrote: bool = False


current: ContextVar[ReadState | None] = ContextVar("chiso_read_state", default=None)


def replica_aliases() -> list[str]:
    """The replicas' aliases (``replica1``, …), added in settings from CHISO_DATABASE_REPLICA_URLS."""
    return [alias for alias in connections if alias.startswith("replica")]


def in_transaction() -> bool:
    """An ``atomic`` block is open on the primary (one a test case opened around the whole test is not one)."""
    connection = connections[DEFAULT_DB_ALIAS]
    return connection.in_atomic_block and any(
        not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks
    )


class ReplicaRouter:
    """Django's database router (``DATABASE_ROUTERS``): the request's replica, or the primary."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        state = current.get()
        if state is None or state.replica is None or state.wrote or in_transaction():
            return DEFAULT_DB_ALIAS
        return state.replica

    def db_for_write(self, model: type, **hints: Any) -> str:
        state = current.get()
        if state is not None:
            state.wrote = True  # the rest of this request reads what it wrote
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: object, obj2: object, **hints: Any) -> bool:
        return True  # the replicas hold the primary's very rows

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReplicaMiddleware:
    """Decides, per request, whether its reads may go to a replica, and pins a client that wrote."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.replicas = replica_aliases()
        self.pin_seconds = int(getattr(settings, "REPLICA_PIN_SECONDS", 5))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        writes = request.method not in SAFE_METHODS
        may_lag = bool(self.replicas) and not writes and PIN_COOKIE not in request.COOKIES
        state = ReadState(replica=random.choice(self.replicas) if may_lag else None)  # noqa: S311 - not secret
        token = current.set(state)
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        if self.replicas and (writes or state.wrote):
            response.set_cookie(PIN_COOKIE, "1", max_age=self.pin_seconds, httponly=True, samesite="Lax",
                                secure=settings.SESSION_COOKIE_SECURE)
        return response
