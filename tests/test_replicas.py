"""Reads that may be a second behind go to a replica, a writer reads its own writes (issue #13 item 5).

The router and the middleware with made-up replica aliases: no replica is needed, so these run on SQLite and
PostgreSQL alike (tests/test_replica_streaming.py runs a real streaming replica on PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

from chiso.units.models import Unit
from chiso.web.replicas import PIN_COOKIE, ReadState, ReplicaMiddleware, ReplicaRouter, current

FAKE = ["replica1", "replica2"]
router = ReplicaRouter()


def middleware(view):
    handler = ReplicaMiddleware(view)
    handler.replicas = list(FAKE)
    handler.pin_seconds = 5
    return handler


def read_then_maybe_write(write: bool):
    """A view that notes where its reads go, before and after an optional write."""
    seen: list[str] = []

    def view(request):
        seen.append(router.db_for_read(Unit))
        if write:
            seen.append(router.db_for_write(Unit))
            seen.append(router.db_for_read(Unit))
        return HttpResponse("ok")

    return view, seen


def test_outside_a_request_everything_reads_and_writes_the_primary():
    assert current.get() is None
    assert (router.db_for_read(Unit), router.db_for_write(Unit)) == ("default", "default")


def test_a_read_only_request_reads_one_replica_and_sets_no_cookie():
    view, seen = read_then_maybe_write(write=False)
    response = middleware(view)(RequestFactory().get("/chi-tieu/XHS-06/"))
    assert len(seen) == 1 and seen[0] in FAKE
    assert PIN_COOKIE not in response.cookies


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_request_that_may_write_reads_the_primary_and_pins_its_client(method):
    view, seen = read_then_maybe_write(write=False)
    response = middleware(view)(getattr(RequestFactory(), method)("/api/v1/values"))
    assert seen == ["default"]
    cookie = response.cookies[PIN_COOKIE]
    assert (cookie.value, cookie["max-age"], cookie["httponly"], cookie["samesite"]) == ("1", 5, True, "Lax")


def test_a_client_that_wrote_in_the_last_seconds_reads_the_primary():
    view, seen = read_then_maybe_write(write=False)
    request = RequestFactory().get("/chi-tieu/XHS-06/")
    request.COOKIES[PIN_COOKIE] = "1"
    middleware(view)(request)
    assert seen == ["default"]


def test_a_get_that_writes_reads_the_primary_from_then_on_and_pins_its_client():
    view, seen = read_then_maybe_write(write=True)
    response = middleware(view)(RequestFactory().get("/tai-khoan/"))
    assert seen[0] in FAKE and seen[1:] == ["default", "default"]
    assert response.cookies[PIN_COOKIE]["max-age"] == 5


@pytest.mark.django_db
def test_reads_inside_a_transaction_go_to_the_primary():
    token = current.set(ReadState(replica="replica2"))
    try:
        outside = router.db_for_read(Unit)  # the test's own transaction does not count
        with transaction.atomic():
            inside = router.db_for_read(Unit)
        after = router.db_for_read(Unit)
    finally:
        current.reset(token)
    assert (outside, inside, after) == ("replica2", "default", "replica2")


def test_without_replicas_nothing_changes():
    view, seen = read_then_maybe_write(write=False)
    handler = ReplicaMiddleware(view)
    assert handler.replicas == []  # no CHISO_DATABASE_REPLICA_URLS in the test settings
    response = handler(RequestFactory().post("/nhap-lieu/"))
    assert seen == ["default"] and PIN_COOKIE not in response.cookies


def test_migrations_and_relations():
    assert router.allow_migrate("default", "values") is True
    assert router.allow_migrate("replica1", "values") is False
    assert router.allow_relation(object(), object()) is True
