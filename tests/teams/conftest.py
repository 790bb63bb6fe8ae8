from __future__ import annotations

import pytest

from tests.conftest import _user, unit
from tests.teams.support import make_leader, make_team


@pytest.fixture
def officer_thanh_khe(db):
    """Ward officer of today's phường Thanh Khê (2025-07, code 20209), where Thạc Gián's tổ dân phố now are."""
    return _user("t_officer_thanh_khe", "reporter", unit("2025-07", "20209"))


@pytest.fixture
def officer_elsewhere(db):
    """Ward officer of another phường of today's Đà Nẵng."""
    from chiso.units.models import Unit

    other = Unit.objects.filter(version__name="2025-07", type="phuong", parent__code="48").exclude(code="20209")
    return _user("t_officer_elsewhere", "reporter", other.order_by("code").first())


@pytest.fixture
def team(officer_thanh_khe):
    """The team of tổ dân phố TDP-TG-01 (one of Thạc Gián's, under today's phường Thanh Khê)."""
    return make_team(officer_thanh_khe)


@pytest.fixture
def leader(team, officer_thanh_khe):
    return make_leader(team, officer_thanh_khe)


@pytest.fixture(autouse=True)
def _without_the_demo_teams(db):
    """The whole demo has its own teams (chiso/demo/teams.py): each test here starts from an empty register."""
    from chiso.teams.models import ActivityLog, Team

    ActivityLog.objects.all().delete()
    Team.objects.update(merged_into=None)
    Team.objects.all().delete()
