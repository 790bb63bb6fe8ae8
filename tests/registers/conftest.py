"""Named users of today's map (2025-07) for the registers: a ward officer of phường Thanh Khê and one of phường Hải
Châu. Their months from 2026 on hold no report, so a register write is not refused by a closed report."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import _user, unit


@pytest.fixture
def officer_thanh_khe(db):  # type: ignore[no-untyped-def]
    return _user("t_officer_thanh_khe", "reporter", unit("2025-07", "20209"))


@pytest.fixture
def officer_hai_chau(db):  # type: ignore[no-untyped-def]
    return _user("t_officer_hai_chau", "reporter", unit("2025-07", "20242"))


@pytest.fixture(autouse=True)
def no_demo_entries(request, db):  # type: ignore[no-untyped-def]
    """Each test starts with empty registers (the demo's entries of Thanh Khê removed; rolled back after), so its
    counts are its own; a module that reads the demo's entries says ``KEEP_DEMO_ENTRIES = True``."""
    from chiso.registers.models import Entry, EntryEvent

    if getattr(request.module, "KEEP_DEMO_ENTRIES", False):
        return

    EntryEvent.objects.all().delete()
    Entry.objects.all().delete()


MARCH, MAY, AUGUST = date(2026, 3, 10), date(2026, 5, 2), date(2026, 8, 1)
