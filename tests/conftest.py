"""Shared fixtures. The test database starts as the small world: every unit and the catalogue, the real figures,
targets and plans, and the demo's illustrative figures and reports of three wards of quận Thanh Khê (Thạc Gián,
Tân Chính, Xuân Hà) for three months (10–12/2024). A test that needs the whole Đà Nẵng demo (every ward, four
years, the 2025 reorganisation) is marked ``demo``: such tests run after the others, and the first of them
builds the rest of the demo over the small world (its figures are the demo's own, so nothing changes).
``CHISO_TEST_WORLD=demo`` starts from the whole demo instead: every test must pass on both.

Tests run inside transactions that are rolled back, so they may add or change anything.
Named users make permission tests read like sentences.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # Django models are imported lazily so the pure engine tests run without Django
    from django.contrib.auth.models import User

    from chiso.units.models import Unit


def pytest_configure(config: pytest.Config) -> None:
    """A fast password hasher: the suite creates many users, PBKDF2 would spend minutes on them. No public
    micro-cache: most tests read a page right after writing (tests/test_public_cache.py turns it on)."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PUBLIC_CACHE_SECONDS = 0
    _check_foreign_keys_on_postgresql_only()


def _check_foreign_keys_on_postgresql_only() -> None:
    """Django ends every database test with a check of deferred foreign keys. On PostgreSQL that is one
    ``SET CONSTRAINTS ALL IMMEDIATE``; on SQLite it is ``PRAGMA foreign_key_check`` over the whole demo
    database, 70 ms a test (90 s of the SQLite run). ``make test`` runs every test on PostgreSQL too, so a
    dangling reference still fails the suite there; the SQLite run skips the scan."""
    from django.test import TestCase

    should_check = TestCase._should_check_constraints

    def _should_check_constraints(self, connection) -> bool:  # type: ignore[no-untyped-def]
        return connection.vendor != "sqlite" and should_check(self, connection)

    TestCase._should_check_constraints = _should_check_constraints  # type: ignore[method-assign]


def small_world():  # type: ignore[no-untyped-def]
    from chiso.demo.builder import Scope

    return Scope(wards=frozenset({"20221", "20212", "20209"}), months=frozenset({"2024-10", "2024-11", "2024-12"}))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``demo`` ask for the whole demo and run after the others (which see only the small world);
    a test marked ``empties_database`` (a live-server test: Django empties the database after it, or
    tests/browser/conftest.py puts the demo back) runs last of all."""
    for item in items:
        if item.get_closest_marker("demo") is not None:
            item.fixturenames.insert(0, "whole_demo")  # type: ignore[attr-defined]
    items.sort(key=lambda item: (item.get_closest_marker("empties_database") is not None,
                                 item.get_closest_marker("demo") is not None))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # noqa: F811 - extends pytest-django's
    from chiso.demo.builder import ALL, build_demo
    from tests.collection.test_import_support import remember_the_demo

    with django_db_blocker.unblock():
        build_demo(scope=small_world() if os.environ.get("CHISO_TEST_WORLD", "small") == "small" else ALL)
        remember_the_demo()


@pytest.fixture(scope="session")
def whole_demo(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The whole Đà Nẵng demo, built once, over the small world, for the tests marked ``demo``."""
    with django_db_blocker.unblock():
        ensure_whole_demo()


def ensure_whole_demo() -> None:
    """Build the whole demo unless it is there (over the small world, or an emptied database)."""
    from chiso.demo.builder import build_demo
    from chiso.values.models import DataValue
    from tests.collection.test_import_support import remember_the_demo

    if not DataValue.objects.filter(unit__version__name="2025-07", period="2025-12").exists():
        build_demo()
        remember_the_demo()


def unit(version: str, code: str) -> Unit:
    from chiso.units.models import Unit

    return Unit.objects.get(version__name=version, code=code)


def _user(username: str, role: str | None = None, unit_obj: Unit | None = None, **flags) -> User:
    from django.contrib.auth.models import User

    from chiso.accounts.models import RoleAssignment

    user = User.objects.create_user(username, password="pw-for-tests", **flags)
    if role is not None and unit_obj is not None:
        RoleAssignment.objects.create(user=user, role=role, unit=unit_obj)
    return user


@pytest.fixture
def city_admin(db) -> User:
    return _user("t_city_admin", "admin", unit("2024", "48"))


@pytest.fixture
def officer_thac_gian(db) -> User:
    """Ward officer (reporter) of phường Thạc Gián as it was in 2024 (code 20221)."""
    return _user("t_officer_thac_gian", "reporter", unit("2024", "20221"))


@pytest.fixture
def officer_tan_chinh(db) -> User:
    """Ward officer (reporter) of phường Tân Chính, 2024 (code 20212)."""
    return _user("t_officer_tan_chinh", "reporter", unit("2024", "20212"))


@pytest.fixture
def viewer(db) -> User:
    return _user("t_viewer", "viewer", unit("2024", "48"))


@pytest.fixture(autouse=True)
def _page_language_reset():  # type: ignore[no-untyped-def]
    """Each test ends in the default language: a request of the test client with the English cookie leaves English
    active in the thread (LocaleMiddleware activates, nothing deactivates), and the next test calling a view's
    helpers directly would speak English."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_public_memo():  # type: ignore[no-untyped-def]
    """Each test starts with an empty public-read memo (portal.queries): a rolled-back test may leave the same
    data stamp behind another test's different figures (SQLite reuses ids after a rollback)."""
    from chiso.portal.queries import clear_memo

    clear_memo()
    yield
