"""The ranking round in Debian's Chromium: phường Thạc Gián's officer self-assesses with evidence and submits,
the district's verifier adjusts one score with a reason and accepts the rest, the administrator sends the round
to the council, records the decision and publishes it, and the public ranking shows the ward's grade.

The setup loads a small method and opens a round of quận Thanh Khê's 10 phường (2024) through the ranking
actions, and fills the other nine wards' cards through them too, so the browser walks one ward's card.
Run with the other browser tests: ``pytest -m browser tests/browser`` (a live-server test: marked
``empties_database``, it runs last; the demo is put back after it, tests/browser/conftest.py).
Fails on any console error, page error, failed request or HTTP status >= 400; screenshots of the ranking table
and the scorecard at 1280 and 360 px go to ``test-artifacts/``.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread

from playwright.sync_api import Browser, Page, expect  # noqa: E402

from tests.browser.test_journeys import _axe  # noqa: E402
from tests.browser.test_smoke import Problems, _page, _shot, browser  # noqa: E402, F401
from tests.conftest import ensure_whole_demo  # noqa: E402
from tests.ranking.test_rounds import GRADES, METHOD  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.empties_database, pytest.mark.django_db(transaction=True)]
PASSWORD = "chiso-demo"
WARD = "20221"  # phường Thạc Gián, 2024
PLAN_PDF = b"%PDF-1.7\n% Ke hoach chuyen doi so 2024\n%%EOF\n"  # an evidence file the ward attaches


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    """The whole demo (its users: thacgian, pheduyet, admin), built again if an earlier live-server test emptied
    the database."""
    with django_db_blocker.unblock():
        ensure_whole_demo()


def _open_round(tmp_path: Path):  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import User

    from chiso.ranking.actions import do_claim, do_move_scorecard, do_open_round
    from chiso.ranking.methods import do_load_method
    from chiso.units.models import Unit

    admin = User.objects.get(username="admin")
    (tmp_path / "pp.csv").write_text(METHOD, encoding="utf-8")
    (tmp_path / "xl.csv").write_text(GRADES, encoding="utf-8")
    method = do_load_method("thu-nghiem-trinh-duyet", tmp_path / "pp.csv", grades=tmp_path / "xl.csv",
                            acting_user=admin, name="Bộ chỉ số thử trên trình duyệt")
    district = Unit.objects.get(version__name="2024", code="491")
    round_ = do_open_round(method, 2024, "phuong", district.version, district, acting_user=admin,
                           title="Xếp hạng thử 2024: các phường quận Thanh Khê", sensitivity_runs=50)
    for card in round_.scorecards.exclude(unit__code=WARD):
        do_claim(card, "NTS-1", "2", acting_user=admin, evidence_number="5/BB-UBND", evidence_title="Biên bản họp")
        do_claim(card, "NTS-2", "không", acting_user=admin)
        do_claim(card, "THUONG", "0", acting_user=admin)
        do_move_scorecard(card, "submit", acting_user=admin)
    return round_, admin


def _verify_the_others(round_, admin) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import User

    from chiso.ranking.actions import do_move_scorecard, do_verify
    from chiso.ranking.models import Verdict

    verifier = User.objects.get(username="pheduyet")
    for card in round_.scorecards.exclude(unit__code=WARD):
        for assessment in card.assessments.all():
            do_verify(assessment, Verdict.ACCEPTED, acting_user=verifier)
        do_move_scorecard(card, "verified", acting_user=verifier)


def _login(page: Page, base: str, username: str, path: str) -> None:
    page.goto(f"{base}/nhap-lieu/dang-nhap/?next={path}")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(base + path)


def _claim(page: Page, code: str, value: str, file: tuple[str, bytes] | None = None, **evidence: str) -> None:
    form = page.locator(f"form#tu-{code}")
    form.get_by_label("Giá trị").or_(form.get_by_label("Đạt? (có / không)")).fill(value)
    for label, text in evidence.items():
        form.get_by_label(label, exact=True).fill(text)
    if file is not None:
        form.get_by_label("Tệp kiểm chứng").set_input_files(
            files=[{"name": file[0], "mimeType": "application/pdf", "buffer": file[1]}])
    form.get_by_role("button", name="Lưu").click()
    expect(page.locator(".ranking-messages")).to_contain_text(f"Đã lưu tự đánh giá {code}: {value}.")


def _narrow(chromium: Browser, problems: Problems, url: str, name: str) -> None:
    narrow = _page(chromium, problems, 360)
    narrow.goto(url)
    _shot(narrow, f"{name}-360")
    width = narrow.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{url} scrolls sideways at 360 px ({width} px)"
    narrow.close()


def test_a_ward_self_assesses_the_verifier_adjusts_the_council_approves(live_server, browser, tmp_path):  # noqa: F811
    from chiso.ranking.actions import do_move_round
    from chiso.ranking.models import Assessment, RankedUnit

    round_, admin = _open_round(tmp_path)
    base, problems, findings = live_server.url, Problems(), {}
    card_path = f"/xep-hang/{round_.pk}/{WARD}/"
    round_path = f"/xep-hang/{round_.pk}/"

    # 1. The ward's officer: its own card only, a form per self-assessed component, evidence, then submit.
    ward = _page(browser, problems, 1280)
    _login(ward, base, "thacgian", card_path)
    expect(ward.get_by_role("heading", level=1)).to_have_text("Phiếu chấm: Phường Thạc Gián")
    _claim(ward, "NTS-1", "4", **{"Số hiệu văn bản": "12/BB-UBND", "Ngày văn bản": "2024-06-03",
                                  "Tên văn bản": "Biên bản các cuộc họp chuyên đề chuyển đổi số"})
    _claim(ward, "NTS-2", "có", file=("Kế hoạch 45.pdf", PLAN_PDF),
           **{"Số hiệu văn bản": "45/KH-UBND", "Tên văn bản": "Kế hoạch chuyển đổi số 2024",
              "Đường dẫn (nếu có)": "https://thacgian.danang.gov.vn/kh-45"})
    expect(ward.locator("#d-NTS-2")).to_contain_text(f"tệp Kế hoạch 45.pdf ({len(PLAN_PDF)} byte)")
    _claim(ward, "THUONG", "0")
    expect(ward.locator("#d-NTS-1")).to_contain_text("12/BB-UBND ngày 03/06/2024")
    ward.get_by_role("button", name="Gửi thẩm định").click()
    expect(ward.locator(".ranking-messages")).to_contain_text("Phiếu của Phường Thạc Gián: đã gửi thẩm định.")
    ward.goto(base + round_path)  # the ward sees its own row, no other ward's draft points, no rank
    expect(ward.locator("table.ranking-table tbody tr")).to_have_count(1)
    expect(ward.locator("table.ranking-table .grade")).to_have_text("xuất sắc")  # as claimed: 92,50
    expect(ward.locator("table.ranking-table .total")).to_have_text("92,50")
    expect(ward.locator("table.ranking-table th", has_text="Hạng")).to_have_count(0)
    _shot(ward, "ranking-round-ward-draft-1280")
    ward.close()

    do_move_round(round_, "verify", acting_user=admin)
    _verify_the_others(round_, admin)

    # 2. The district's verifier: adjust the meetings (one was not chaired by the leadership), accept the rest.
    verifier = _page(browser, problems, 1280)
    _login(verifier, base, "pheduyet", card_path)
    meetings = verifier.locator("form#td-NTS-1")
    meetings.get_by_role("radio", name="Điều chỉnh", exact=True).check()
    meetings.get_by_label("Giá trị điều chỉnh").fill("3")
    meetings.get_by_label("Lý do", exact=True).fill("Một cuộc họp không do lãnh đạo phường chủ trì")
    meetings.get_by_role("button", name="Lưu kết quả").click()
    expect(verifier.locator(".ranking-messages")).to_contain_text("Đã thẩm định NTS-1: điều chỉnh.")
    for code in ("NTS-2", "THUONG"):
        form = verifier.locator(f"form#td-{code}")
        form.get_by_role("radio", name="Chấp nhận", exact=True).check()
        form.get_by_role("button", name="Lưu kết quả").click()
        expect(verifier.locator(".ranking-messages")).to_contain_text(f"Đã thẩm định {code}: chấp nhận.")
    verifier.get_by_role("button", name="Hoàn thành thẩm định").click()
    expect(verifier.locator(".ranking-messages")).to_contain_text("Phiếu của Phường Thạc Gián: đã thẩm định.")
    verifier.close()
    adjusted = Assessment.objects.get(scorecard__round=round_, scorecard__unit__code=WARD, component="NTS-1")
    assert (adjusted.claimed, adjusted.verified, adjusted.verdict) == ("4", "3", "adjusted")

    # 3. The administrator: to the council, the council's decision, publication.
    chair = _page(browser, problems, 1280)
    _login(chair, base, "admin", round_path)
    expect(chair.locator(".progress-list")).to_contain_text("10 đã thẩm định")
    chair.get_by_role("button", name="Trình hội đồng").click()
    expect(chair.locator(".steps [aria-current=step]")).to_have_text("Hội đồng xét")
    chair.get_by_label("Số quyết định").fill("25/QĐ-UBND")
    chair.get_by_label("Ngày quyết định").fill("2024-12-20")
    chair.get_by_role("button", name="Phê duyệt kết quả").click()
    expect(chair.locator(".decision")).to_have_text("Quyết định phê duyệt: 25/QĐ-UBND ngày 20/12/2024")
    chair.get_by_role("button", name="Công bố").click()
    expect(chair.locator(".steps [aria-current=step]")).to_have_text("Đã công bố")
    chair.close()

    # 4. The public ranking, logged out: the ward's grade and total as the council decided them.
    # 3 meetings (15 points, not 20) + the plan 20 + 70,0% of the 80% target 52,5 = 87,50: "tốt", no longer
    # "xuất sắc" as claimed
    result = RankedUnit.objects.select_related("unit").get(round=round_, unit__code=WARD)
    assert (result.total, result.grade, result.rank) == (Decimal("87.500"), "tốt", 1)
    public = _page(browser, problems, 1280)
    public.goto(base + round_path)
    row = public.locator("table.ranking-table tbody tr", has=public.get_by_role("link", name="Phường Thạc Gián"))
    expect(row.locator(".grade")).to_have_text("tốt")
    expect(row.locator(".total")).to_have_text("87,50")
    expect(row.locator(".rank")).to_have_text("1")
    _shot(public, "ranking-round-1280")
    _axe(public, "ranking-round", findings)
    row.get_by_role("link", name="Phường Thạc Gián").click()
    expect(public).to_have_url(base + card_path)
    expect(public.locator("#d-NTS-1")).to_contain_text("tự đánh giá 4, thẩm định 3")
    expect(public.locator("#d-NTS-1")).to_contain_text("Lý do: Một cuộc họp không do lãnh đạo phường chủ trì")
    expect(public.locator(".score-facts .grade")).to_have_text("tốt")
    plan = public.locator("#d-NTS-2").get_by_role("link", name="Kế hoạch 45.pdf")  # the evidence file, public now
    download = public.request.get(base + (plan.get_attribute("href") or ""))
    assert (download.status, download.headers["content-type"], download.body()) == (200, "application/pdf", PLAN_PDF)

    # What-if: four meetings would give 20 points; nothing is saved.
    public.locator("input[name='wi-NTS-1']").fill("4")
    public.get_by_role("button", name="Thử", exact=True).click()
    expect(public.locator("#thu-ket-qua")).to_contain_text("NTS-1 20 điểm")
    expect(public.locator("#thu-ket-qua .total")).to_have_text("92,50")
    expect(public.locator("#thu-ket-qua .grade")).to_have_text("xuất sắc")
    _shot(public, "ranking-scorecard-1280")
    _axe(public, "ranking-scorecard", findings)
    assert RankedUnit.objects.get(pk=result.pk).total == result.total
    public.close()

    # 5. At 360 px: the tables scroll inside their box, the page does not.
    _narrow(browser, problems, base + round_path, "ranking-round")
    _narrow(browser, problems, base + card_path, "ranking-scorecard")
    assert problems == []
