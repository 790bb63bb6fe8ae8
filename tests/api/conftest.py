"""Every API test starts with a fresh anonymous rate count (the throttle keeps it in Django's cache, and the
test client always calls from 127.0.0.1)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def fresh_rate_counts():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
