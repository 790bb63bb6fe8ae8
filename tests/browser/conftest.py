"""One whole demo for the whole browser run, put back after each test instead of built again.

A browser test drives pytest-django's live server, which needs ``django_db(transaction=True)``; Django ends
such a test by emptying the database (``flush``), and each module then built the whole demo again (about 25 s,
ten times a run). On the test run's in-memory SQLite database the demo is now built once, copied with SQLite's
online backup into a second in-memory database, and that copy is written back over the test database where the
flush was: every test still starts from the freshly built demo, byte for byte, and nothing it wrote survives it.
On any other database (PostgreSQL, a file) the flush stays, and each module's ``ensure_whole_demo`` builds the
demo again as before.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from tests.collection.test_import_support import counts
from tests.conftest import ensure_whole_demo


@pytest.fixture(scope="session", autouse=True)
def demo_put_back_after_each_test(django_db_setup, django_db_blocker) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Build the whole demo, keep a copy, and make a transactional test's teardown restore the copy."""
    from django.db import connection
    from django.test import TransactionTestCase

    with django_db_blocker.unblock():
        ensure_whole_demo()
        in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
        if in_memory:
            connection.ensure_connection()
            copy = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(copy)
            built = counts()  # (figures, history rows) of the demo
    if not in_memory:
        yield
        return

    flush = TransactionTestCase._fixture_teardown

    def _put_the_demo_back(self: TransactionTestCase) -> None:
        if set(self._databases_names(include_mirrors=False)) != {connection.alias}:
            flush(self)
            return
        from django.contrib.contenttypes.models import ContentType

        connection.ensure_connection()
        copy.backup(connection.connection)
        ContentType.objects.clear_cache()  # ids are the copy's again
        assert counts() == built, "the demo put back still holds figures written by the test before"

    TransactionTestCase._fixture_teardown = _put_the_demo_back  # type: ignore[method-assign]
    try:
        yield
    finally:
        TransactionTestCase._fixture_teardown = flush  # type: ignore[method-assign]
        copy.close()
