"""A target's what-if in Debian's Chromium: on phường Ba Đình's page (2025-07, a ward outside Đà Nẵng where
the demo writes nothing) a reader sees the chance of reaching XHS-01 64% and the pace it needs, types a
monthly pace and sees the date the target is reached move; a planner saves two scenarios and compares them.

The test writes four published monthly figures ending at the month the page reads (43, 47, 48, 52 %)
and a 2026 target six months after it. Fails on any console error, page error, failed request or HTTP status
>= 400; screenshots at 1280 and 360 px go to ``test-artifacts/``. A live-server test: ``empties_database``.
"""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread

from playwright.sync_api import expect  # noqa: E402

from tests.browser.test_journeys import _axe  # noqa: E402
from tests.browser.test_smoke import Problems, _page, _shot, browser  # noqa: E402, F401
from tests.conftest import ensure_whole_demo  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.empties_database, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-browser"
WAIT = 20_000  # ms: a box is redrawn by the server (2 000 bootstrap draws) on a machine that may be busy
VALUES = ["43", "47", "48", "52"]  # the ward exists from 07/2025; the demo reads to 10/2025


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_whole_demo()


def _world():  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import User

    from chiso.accounts.models import RoleAssignment
    from chiso.indicators.models import Indicator
    from chiso.plans.actions import do_set_target
    from chiso.portal import dashboard
    from tests.portal.helpers import BA_DINH, put, unit

    ward = unit(*BA_DINH)
    month = dashboard.as_of(ward, 2026)
    assert month is not None
    months = [month]
    for _ in range(3):
        months.insert(0, months[0].previous())
    for period, value in zip(months, VALUES, strict=True):
        put(ward, "XHS-01", str(period), value)
    planner = User.objects.create_user("t_ke_hoach_ba_dinh", password=PASSWORD)
    RoleAssignment.objects.create(user=planner, role="admin", unit=ward)
    deadline = month
    for _ in range(6):
        deadline = deadline.next()
    target = do_set_target(ward, 2026, Indicator.objects.get(code="XHS-01"), Decimal("64"), acting_user=planner,
                           target_date=deadline.end)
    return target, month, deadline


def _result(box):  # type: ignore[no-untyped-def]
    """The sentence of a box's scenario: the month the target is reached."""
    return box.locator(".scenario-result strong")


def _later(month, count):  # type: ignore[no-untyped-def]
    for _ in range(count):
        month = month.next()
    return f"tháng {month.start.month}/{month.year}"


def test_a_scenario_moves_the_date_the_target_is_reached_and_two_saved_ones_compare(live_server, browser):  # noqa: F811
    from chiso.plans.models import SavedScenario

    target, month, deadline = _world()
    assert deadline.end >= date(2026, 1, 1)
    base, problems, findings = live_server.url, Problems(), {}
    path = "/don-vi/2025-07/00004/?nam=2026"
    due = _later(month, 6)

    page = _page(browser, problems, 1280)
    page.goto(base + path + "#kich-ban")
    box = page.locator(f"#kich-ban-{target.id}")
    expect(box.locator(".scenario-probability")).to_have_text("khả năng đạt: 91%")  # 0,907
    expect(box.locator(".scenario-required")).to_have_text("cần tăng trung bình 2 điểm %/tháng từ tháng sau")
    expect(_result(box)).to_have_text(  # the trend's 2,8 a month
        f"Đạt 64 vào {_later(month, 5)}, trước hạn {due}.", timeout=WAIT)
    expect(box.locator(".scenario-chart svg")).to_have_count(1)  # ECharts drew it
    box.get_by_label("Nếu tốc độ mỗi tháng là").fill("3")
    box.get_by_role("button", name="Chạy kịch bản").click()
    expect(_result(box)).to_have_text(f"Đạt 64 vào {_later(month, 4)}, trước hạn {due}.", timeout=WAIT)
    expect(box.locator(".scenario-chart svg")).to_have_count(1)  # redrawn after the swap
    box.get_by_label("Nếu tốc độ mỗi tháng là").fill("1")
    box.get_by_role("button", name="Chạy kịch bản").click()
    expect(_result(box)).to_have_text(f"Đạt 64 vào {_later(month, 12)}, sau hạn {due}.", timeout=WAIT)
    assert SavedScenario.objects.count() == 0  # running saves nothing
    page.locator("#kich-ban").scroll_into_view_if_needed()
    _shot(page, "scenario-unit-1280")
    _axe(page, "scenario-unit", findings)
    page.close()

    narrow = _page(browser, problems, 360)
    narrow.goto(base + path + "#kich-ban")
    nbox = narrow.locator(f"#kich-ban-{target.id}")
    nbox.get_by_label("Nếu tốc độ mỗi tháng là").fill("3")
    nbox.get_by_role("button", name="Chạy kịch bản").click()
    expect(_result(nbox)).to_contain_text("trước hạn", timeout=WAIT)
    width = narrow.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the unit page scrolls sideways at 360 px ({width} px)"
    _shot(narrow, "scenario-unit-360")
    narrow.close()

    # A planner saves two scenarios and compares them side by side.
    planner = _page(browser, problems, 1280)
    planner.goto(f"{base}/nhap-lieu/dang-nhap/?next={path}")
    planner.get_by_label("Tên đăng nhập").fill("t_ke_hoach_ba_dinh")
    planner.get_by_label("Mật khẩu").fill(PASSWORD)
    planner.get_by_role("button", name="Đăng nhập").click()
    pbox = planner.locator(f"#kich-ban-{target.id}")
    for pace, name, months in (("3", "Tăng tốc", 4), ("1", "Giữ nhịp chậm", 12)):
        pbox.get_by_label("Nếu tốc độ mỗi tháng là").fill(pace)
        pbox.get_by_role("button", name="Chạy kịch bản").click()  # what is saved is the scenario shown
        expect(_result(pbox)).to_contain_text(f"Đạt 64 vào {_later(month, months)},", timeout=WAIT)
        pbox.get_by_label("Lưu kịch bản này với tên").fill(name)
        pbox.get_by_role("button", name="Lưu", exact=True).click()
        expect(pbox.locator(".notice")).to_have_text(f"Đã lưu kịch bản «{name}».", timeout=WAIT)
    expect(pbox.locator("table.scenario-saved tbody tr")).to_have_count(2)
    pbox.get_by_role("button", name="So sánh hai kịch bản").click()
    expect(planner.get_by_role("heading", level=1)).to_have_text("So sánh hai kịch bản")
    expect(planner.locator("table.scenario-comparison")).to_contain_text(f"Đạt 64 vào {_later(month, 4)}, trước hạn")
    expect(planner.locator("table.scenario-comparison")).to_contain_text(f"Đạt 64 vào {_later(month, 12)}, sau hạn")
    _shot(planner, "scenario-compare-1280")
    planner.close()
    assert not problems, problems
