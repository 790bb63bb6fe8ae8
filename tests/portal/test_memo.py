"""The public pages' memo (portal.queries): it is kept while only unpublished figures change, dropped when a
published figure may have changed, and computed once when many readers miss it together."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest

from chiso.engine.periods import Period
from chiso.indicators.models import DataElement, Indicator
from chiso.plans.actions import do_set_target
from chiso.portal import queries
from chiso.values.actions import ValueEntry, do_set_values
from chiso.values.models import Channel
from tests.analytics.test_completeness import approve
from tests.conftest import _user, unit

pytestmark = pytest.mark.django_db


def _draft(user, value: int) -> None:  # type: ignore[no-untyped-def]
    """A figure of phường Thanh Khê's open 2025-12 report, as its officer types it."""
    do_set_values([ValueEntry(DataElement.objects.get(code="XHS-14"), unit("2025-07", "20209"),
                              Period.parse("2025-12"), Decimal(value))], acting_user=user, channel=Channel.WEB)


@pytest.fixture
def officer_now(db):  # type: ignore[no-untyped-def]
    return _user("t_officer_now", "reporter", unit("2025-07", "20209"))


def test_a_draft_or_an_open_import_keeps_the_stamp(officer_now):
    before = queries.data_stamp()
    _draft(officer_now, 5)
    _draft(officer_now, 6)
    assert queries.data_stamp() == before


@pytest.mark.demo
def test_a_system_write_an_approval_and_a_target_change_it(officer_now, city_admin):
    stamps = [queries.data_stamp()]
    do_set_values([ValueEntry(DataElement.objects.get(code="XHS-14"), unit("2024", "20221"), Period.parse("2024-12"),
                              Decimal(4321))], acting_user=None, channel=Channel.DEMO)
    stamps.append(queries.data_stamp())
    admin_now = _user("t_admin_now", "admin", unit("2025-07", "48"))
    _draft(officer_now, 7)
    approve(unit("2025-07", "20209"), "2025-12", admin_now)
    stamps.append(queries.data_stamp())
    do_set_target(unit("2024", "20221"), 2024, Indicator.objects.get(code="CQS-03"), Decimal(77),
                  acting_user=city_admin, reason="kiểm tra")
    stamps.append(queries.data_stamp())
    assert len(set(stamps)) == 4, stamps


def test_readers_missing_the_same_key_compute_it_once(monkeypatch):
    monkeypatch.setattr(queries, "data_stamp", lambda: "fixed")
    queries.clear_memo()
    calls = []

    def slow() -> str:
        calls.append(1)
        time.sleep(0.2)
        return "figures"

    answers: list[object] = []
    readers = [threading.Thread(target=lambda: answers.append(queries._memoised("k", slow))) for _ in range(8)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join(timeout=10)
    queries.clear_memo()
    assert (len(calls), answers) == (1, ["figures"] * 8)
