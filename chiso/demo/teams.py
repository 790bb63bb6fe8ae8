"""The demo's community digital technology teams (Tổ công nghệ số cộng đồng) of quận Thanh Khê.

Thanh Khê set up its teams in 2022 (556 across the district, 36 in phường Tân Chính), one per tổ dân phố. The demo
registers one for each of its six tổ dân phố of Thạc Gián and Tân Chính, founded in 2022 on the 2024 map and
carried by the successions to today's phường Thanh Khê; each has seven members whose names and phone numbers are
**illustrative** (made up, marked so), and a month of logs (12/2025) reviewed by the ward officer ``thanhkhe``:
most approved, two returned with issues, the rest waiting. ``totruong`` (password ``chiso-demo``) leads the team of
Tổ dân phố 1 (Thạc Gián), today in phường Thanh Khê.
Everything goes through ``teams.actions``: the figures of 12/2025 come from the approved logs.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.contrib.auth.models import User

from chiso.demo import illustrative as gen
from chiso.engine.periods import Period
from chiso.teams.actions import do_add_member, do_found_team, do_recount_teams, do_review_log, do_submit_log
from chiso.teams.models import Team
from chiso.units.models import Unit

LEADER = "totruong"
OFFICER = "thanhkhe"
GROUPS = ("TDP-TG-01", "TDP-TG-02", "TDP-TG-03", "TDP-TC-01", "TDP-TC-02", "TDP-TC-03")
MONTH = (2025, 12)
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Huỳnh", "Ngô")
MIDDLE = ("Văn", "Thị", "Minh", "Ngọc", "Hữu", "Thanh", "Đức", "Thu")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Hà", "Hải", "Hạnh", "Hùng", "Lan", "Linh", "Mai", "Nam", "Phúc", "Quang",
         "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy")
ROLES = ("leader", "deputy", "police", "women", "youth", "volunteer", "volunteer")


def _name(*keys: object) -> str:
    r = gen.rng("team member", *keys)
    return f"{r.choice(FAMILY)} {r.choice(MIDDLE)} {r.choice(GIVEN)}"


def add_teams() -> dict[str, int]:
    """Teams, members (illustrative) and the logs of 12/2025; returns what was made. Run once, after the demo users
    and reports (the figures of 12/2025 are still a draft, so the approved logs can be written)."""
    if Team.objects.filter(code="TCN-TDP-TG-01").exists():
        return {}
    from chiso.demo.builder import _demo_account

    leader = _demo_account(LEADER, superuser=False)
    officer = User.objects.get(username=OFFICER)
    teams = []
    for i, code in enumerate(GROUPS):
        unit = Unit.objects.select_related("version").get(version__name="2024", code=code)
        team = do_found_team(unit, name=f"Tổ CNSCĐ {unit.name}",
                             decision_number=f"{40 + i}/QĐ-UBND (minh họa)", decision_date=date(2022, 4, 18),
                             decision_signer="Chủ tịch UBND phường (minh họa)", founded_on=date(2022, 4, 20),
                             acting_user=None, is_illustrative=True)
        for n, role in enumerate(ROLES):
            do_add_member(team, name=_name(code, n), role=role, joined_on=date(2022, 4, 20), acting_user=None,
                          phone=f"0900{i:02d}{n:04d}" if role in ("leader", "deputy") else "",
                          user=leader if (i, role) == (0, "leader") else None, is_illustrative=True)
        teams.append(team)
    logs = _month_of_logs(teams, leader, officer)
    ward = teams[0].unit.parent
    assert ward is not None
    do_recount_teams(ward, Period.of_month(*MONTH), acting_user=officer)
    return {"teams": len(teams), "team_members": len(teams) * len(ROLES), "team_logs": logs}


def _month_of_logs(teams: list[Team], leader: User, officer: User) -> int:
    made = 0
    year, month = MONTH
    for t, team in enumerate(teams):
        r = gen.rng("team logs", team.code)
        days = sorted(r.sample(range(1, 29), 6))
        for k, day in enumerate(days):
            counts = {"XHS-14": r.randint(4, 25), "XHS-TCN-VNEID": r.randint(0, 6), "XHS-TCN-DVC": r.randint(0, 8),
                      "XHS-TCN-CKS": r.randint(0, 3), "XHS-TCN-TTTT": r.randint(0, 4)}
            if k % 3 == 2:
                counts |= {"XHS-TCN-HVS": 1, "XHS-TCN-HVS.NG": r.randint(12, 35)}
            counts = {c: n for c, n in counts.items() if n}
            log, _ = do_submit_log(team, client_id=uuid.UUID(int=gen.rng("log id", team.code, day).getrandbits(128)),
                                   day=date(year, month, day), activities=counts, note="Minh họa.",
                                   acting_user=leader if t == 0 else None, channel="demo", is_illustrative=True)
            made += 1
            if k == len(days) - 1:
                continue  # the month's last log of each team waits for the officer
            if (t, k) in ((1, 2), (4, 1)):
                do_review_log(log, decision="issues", comment="Số buổi học và số người dự chưa khớp sổ theo dõi.",
                              acting_user=officer, channel="demo")
            else:
                do_review_log(log, decision="approved", acting_user=officer, channel="demo")
    return made
