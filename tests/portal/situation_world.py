"""A tiny world for «Tình hình đơn vị» outside Đà Nẵng (the demo writes nothing there, so a test owns every
figure): three wards of Thành phố Hà Nội (2025-07) with six published monthly figures each, on straight lines
that end at the month the portal reads, and 2026 targets dated six months after that month.

    ward         XHS-01 (%)            target  forecast  XHS-06 (accounts)          target  forecast
    Ba Đình      40, 41, … 45 (+1)     60      51        1.000, 1.100, … 1.500      3.000   2.100
    Ngọc Hà      50, 52, … 60 (+2)     80      72        –
    Giảng Võ     70, 71, … 75 (+1)     80      81 (met)  –

Hà Nội's own target: XHS-06 4.000 (its total is Ba Đình's, 1.500 → forecast 2.100). So the targets that will be
missed, furthest behind first: Hà Nội XHS-06 (52,5% of its target), Ba Đình XHS-06 (70%), Ba Đình XHS-01 (85%),
Ngọc Hà XHS-01 (90%); Giảng Võ's is met.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User

from chiso.accounts.models import RoleAssignment
from chiso.engine.periods import Period
from chiso.indicators.models import Indicator
from chiso.plans.actions import do_set_target
from chiso.plans.models import Target
from chiso.portal import dashboard
from tests.portal.helpers import put, unit

HANOI = ("2025-07", "01")
WARDS = {"00004": "Phường Ba Đình", "00008": "Phường Ngọc Hà", "00025": "Phường Giảng Võ"}
SERIES = {  # ward → code → (first value, monthly step, target)
    "00004": {"XHS-01": (40, 1, 60), "XHS-06": (1000, 100, 3000)},
    "00008": {"XHS-01": (50, 2, 80)},
    "00025": {"XHS-01": (70, 1, 80)},
}
CITY_TARGETS = {"XHS-06": 4000}
MONTHS = 6


def months_to(last: Period, count: int) -> list[Period]:
    found = [last]
    while len(found) < count:
        found.insert(0, found[0].previous())
    return found


def later(month: Period, count: int) -> Period:
    for _ in range(count):
        month = month.next()
    return month


def build(planner_name: str = "t_ke_hoach_ha_noi", password: str = "pw-for-tests"
          ) -> tuple[Period, date, dict[tuple[str, str], Target]]:
    """Write the figures and targets; return the month read, the targets' date and the targets by (ward, code)."""
    city = unit(*HANOI)
    month = dashboard.as_of(city, 2026)
    assert month is not None
    deadline = later(month, MONTHS).end
    planner = User.objects.create_user(planner_name, password=password)
    RoleAssignment.objects.create(user=planner, role="admin", unit=city)
    targets = {}
    for code, codes in SERIES.items():
        ward = unit(HANOI[0], code)
        for element, (first, step, goal) in codes.items():
            for i, period in enumerate(months_to(month, MONTHS)):
                put(ward, element, str(period), str(first + step * i))
            targets[(code, element)] = do_set_target(
                ward, 2026, Indicator.objects.get(code=element), Decimal(goal), acting_user=planner,
                target_date=deadline)
    for element, goal in CITY_TARGETS.items():
        targets[(HANOI[1], element)] = do_set_target(
            city, 2026, Indicator.objects.get(code=element), Decimal(goal), acting_user=planner, target_date=deadline)
    return month, deadline, targets
