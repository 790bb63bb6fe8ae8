"""Helpers for the teams tests: a team founded in 2022 on a tổ dân phố of phường Thạc Gián (2024), carried by the
successions to today's phường Thanh Khê (2025-07), and its leader with an account."""

from __future__ import annotations

import uuid
from datetime import date

from chiso.teams.actions import do_add_member, do_found_team
from chiso.teams.models import Team
from tests.conftest import _user, unit

MONTH_DAY = date(2026, 3, 12)  # after the demo's months: no figure and no report of 2026-03 in either world


def make_team(officer, code: str = "TDP-TG-01"):  # type: ignore[no-untyped-def]
    return do_found_team(unit("2025-07", code), name=f"Tổ CNSCĐ {code}", decision_number="12/QĐ-UBND",
                         decision_date=date(2022, 5, 30), decision_signer="Chủ tịch UBND phường",
                         founded_on=date(2022, 6, 1), acting_user=officer)


def make_leader(team: Team, officer, username: str = "t_leader"):  # type: ignore[no-untyped-def]
    account = _user(username)
    do_add_member(team, name="Nguyễn Văn An", role="leader", phone="0905123456", joined_on=date(2022, 6, 1),
                  user=account, acting_user=officer)
    return account


def new_id() -> uuid.UUID:
    return uuid.uuid4()
