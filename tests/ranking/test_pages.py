"""The ranking pages (/xep-hang/): who reads which round and scorecard, who may post what, and what the pages
show (ranks shared, Vietnamese numbers, the rank band, the evidence and the verdicts). On the small world:
quận Thanh Khê 2024 (unit ("2024", "491")) and its 10 phường, the round driven as tests/ranking/test_rounds.py
drives it."""

from __future__ import annotations

from datetime import date

import pytest

from chiso.ranking.actions import RankingError, do_move_round, do_move_scorecard, do_verify
from chiso.ranking.models import Assessment
from chiso.ranking.queries import WHAT_IF_LIMIT, what_if
from tests.ranking.test_rounds import EVIDENCE, approver, card_of, files, method, round_  # noqa: F401


def test_what_if_checks_every_value_and_how_many(round_):  # noqa: F811
    card = card_of(round_, "20221")
    with pytest.raises(RankingError) as refused:
        what_if(round_, card, {"NTS-1": "bốn"})
    assert (refused.value.field, refused.value.message) == ("NTS-1", "NTS-1: 'bốn' không phải một số hữu hạn "
                                                                      "(viết 91,5 hoặc 4).")
    with pytest.raises(RankingError, match="'KHONG-CO' không phải thành phần được chấm của Phường Thạc Gián"):
        what_if(round_, card, {"KHONG-CO": "1"})
    with pytest.raises(RankingError, match=f"tối đa {WHAT_IF_LIMIT} thành phần"):
        what_if(round_, card, {f"X{i}": "1" for i in range(WHAT_IF_LIMIT + 1)})
    assert what_if(round_, card, {"NTS-1": "2"}).score.components["NTS-1"] == 10.0


def _publish(ranked, city_admin, approver) -> None:  # noqa: F811
    from chiso.ranking.models import Verdict
    from tests.ranking.test_rounds import _claim_all

    _claim_all(ranked, city_admin)
    do_move_round(ranked, "verify", acting_user=city_admin)
    for card in ranked.scorecards.all():
        for assessment in card.assessments.all():
            do_verify(assessment, Verdict.ACCEPTED, acting_user=approver)
        do_move_scorecard(card, "verified", acting_user=approver)
    do_move_round(ranked, "council", acting_user=city_admin)
    do_move_round(ranked, "approve", acting_user=city_admin, decision="15/QĐ-UBND", decision_date=date(2024, 10, 10))
    do_move_round(ranked, "publish", acting_user=city_admin)


def _url(ranked, *parts: str) -> str:
    return "/".join([f"/xep-hang/{ranked.pk}", *parts]) + "/"


def _text(response) -> str:
    return response.content.decode()


def test_it_checks_access_to_an_unpublished_round(client, round_, viewer, officer_thac_gian,  # noqa: F811
                                                  officer_tan_chinh, approver, city_admin):  # noqa: F811
    for user in (None, viewer):
        if user is not None:
            client.force_login(user)
        assert client.get(_url(round_)).status_code == 404
        assert client.get(_url(round_, "20221")).status_code == 404
        assert client.get(_url(round_, "20221", "thu"), {"wi-NTS-1": "4"}).status_code == 404
        assert round_.title not in _text(client.get("/xep-hang/"))
    client.force_login(officer_thac_gian)
    listed = _text(client.get("/xep-hang/"))
    assert round_.title in listed and "Đơn vị tự đánh giá" in listed
    assert f'href="/xep-hang/{round_.pk}/20221/"' in listed
    page = client.get(_url(round_))
    assert page.status_code == 200
    assert "Phường Thạc Gián" in _text(page) and "Phường Tân Chính" not in _text(page)
    assert page.context["whole"] is False and [r.rank for r in page.context["rows"]] == [None]
    assert client.get(_url(round_, "20221")).status_code == 200
    assert client.get(_url(round_, "20212")).status_code == 404  # another ward's draft
    assert client.get(_url(round_, "20212", "thu"), {"wi-NTS-1": "4"}).status_code == 404
    for user in (approver, city_admin):  # the district's verifier and the round's administrator see every card
        client.force_login(user)
        page = client.get(_url(round_))
        assert page.context["whole"] is True and len(page.context["rows"]) == 10
        assert client.get(_url(round_, "20212")).status_code == 200
    client.force_login(officer_tan_chinh)
    assert client.get(_url(round_, "20221")).status_code == 404


def test_a_claim_for_another_ward_is_refused_and_stores_nothing(client, round_, officer_thac_gian):  # noqa: F811
    claim = {"component": "NTS-1", "value": "4", "evidence_number": "12/BB-UBND", "evidence_title": "Biên bản"}
    refused = client.post(_url(round_, "20212", "tu-danh-gia"), claim)
    assert refused.status_code == 403  # anonymous
    client.force_login(officer_thac_gian)
    refused = client.post(_url(round_, "20212", "tu-danh-gia"), claim)
    assert refused.status_code == 403
    assert "Bạn không có quyền tự đánh giá cho Phường Tân Chính." in _text(refused)
    assert "Số cuộc họp" not in _text(refused)  # the refusal alone, not the other ward's scorecard
    refused = client.post(_url(round_, "20212", "chuyen-buoc"), {"action": "submit"})
    assert refused.status_code == 403
    assert Assessment.objects.filter(scorecard__round=round_).count() == 0
    assert card_of(round_, "20212").status == "draft"


def test_csrf_stays_on(round_, officer_thac_gian):  # noqa: F811
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(officer_thac_gian)
    posted = client.post(_url(round_, "20221", "tu-danh-gia"), {"component": "NTS-1", "value": "0"})
    assert posted.status_code == 403
    assert Assessment.objects.filter(scorecard__round=round_).count() == 0


def test_the_ward_self_assesses_and_a_refusal_keeps_what_was_typed(client, round_, officer_thac_gian):  # noqa: F811
    client.force_login(officer_thac_gian)
    page = client.get(_url(round_, "20221"))
    assert [line.code for line in page.context["claim_lines"]] == ["NTS-1", "NTS-2", "THUONG"]
    assert f'action="/xep-hang/{round_.pk}/20221/tu-danh-gia/"' in _text(page)
    assert "Tài liệu kiểm chứng: Biên bản họp · đơn vị xác minh: Sở KH&amp;CN" in _text(page)

    typed = {"component": "NTS-1", "value": "4", "evidence_title": "Biên bản họp quý II", "evidence_number": ""}
    refused = client.post(_url(round_, "20221", "tu-danh-gia"), typed)
    assert refused.status_code == 400
    assert refused.context["errors"] == {"NTS-1": {"field": "evidence_number", "message": (
        "NTS-1: cần tài liệu kiểm chứng (Biên bản họp): ghi số hiệu và tên văn bản, đường dẫn, hoặc đính kèm tệp.")}}
    html = _text(refused)
    assert 'value="Biên bản họp quý II"' in html and 'name="value" maxlength="100" required value="4"' in html
    bad_date = client.post(_url(round_, "20221", "tu-danh-gia"), {**typed, "evidence_number": "12/BB-UBND",
                                                                   "evidence_date": "31/02/2024"})
    assert bad_date.status_code == 400
    assert bad_date.context["errors"]["NTS-1"] == {"field": "evidence_date", "message": (
        "Ngày văn bản '31/02/2024' không phải ngày: ghi ngày/tháng/năm, ví dụ 03/06/2024.")}
    assert Assessment.objects.filter(scorecard__round=round_).count() == 0

    saved = client.post(_url(round_, "20221", "tu-danh-gia"), {**typed, "evidence_number": "12/BB-UBND",
                                                               "evidence_date": "2024-06-03"})
    assert saved.status_code == 302 and saved["Location"] == _url(round_, "20221") + "#tu-NTS-1"
    stored = Assessment.objects.get(scorecard__round=round_, component="NTS-1")
    assert (stored.claimed, stored.evidence_number, stored.evidence_date, stored.claimed_by) == (
        "4", "12/BB-UBND", date(2024, 6, 3), officer_thac_gian)
    refused = client.post(_url(round_, "20221", "chuyen-buoc"), {"action": "submit"})
    assert refused.status_code == 400
    assert refused.context["errors"]["move"]["message"] == (
        "Chưa gửi được: còn thiếu tự đánh giá của NTS-2, THUONG. Nhập giá trị (0 hoặc 'không' nếu chưa đạt) rồi "
        "gửi lại.")
    client.post(_url(round_, "20221", "tu-danh-gia"), {"component": "NTS-2", "value": "không"})
    client.post(_url(round_, "20221", "tu-danh-gia"), {"component": "THUONG", "value": "0"})
    assert client.post(_url(round_, "20221", "chuyen-buoc"), {"action": "submit"}).status_code == 302
    assert card_of(round_, "20221").status == "submitted"
    html = _text(client.get(_url(round_, "20221")))
    assert "Phiếu của Phường Thạc Gián: đã gửi thẩm định." in html
    assert 'value="submit"' not in html and "tu-danh-gia/" not in html  # no forms once submitted


def test_the_verifier_adjusts_with_a_reason(client, round_, city_admin, approver, officer_thac_gian):  # noqa: F811
    from tests.ranking.test_rounds import _claim_all

    _claim_all(round_, city_admin)
    do_move_round(round_, "verify", acting_user=city_admin)
    meetings = card_of(round_, "20221").assessments.get(component="NTS-1")
    client.force_login(officer_thac_gian)  # the ward may not verify itself
    refused = client.post(_url(round_, "20221", "tham-dinh"), {"assessment": meetings.pk, "verdict": "accepted"})
    assert refused.status_code == 403
    client.force_login(approver)
    page = client.get(_url(round_, "20221"))
    assert page.context["verifying"] is True and "Hoàn thành thẩm định" in _text(page)
    refused = client.post(_url(round_, "20221", "tham-dinh"), {"assessment": meetings.pk, "verdict": "adjusted",
                                                               "value": "2"})
    assert refused.status_code == 400
    assert refused.context["errors"]["NTS-1"]["message"] == "Cần ghi lý do khi điều chỉnh hoặc không chấp nhận."
    assert 'name="value" maxlength="100" value="2"' in _text(refused)
    done = client.post(_url(round_, "20221", "tham-dinh"), {"assessment": meetings.pk, "verdict": "adjusted",
                                                            "value": "2", "reason": "Một biên bản không hợp lệ"})
    assert done.status_code == 302
    meetings.refresh_from_db()
    assert (meetings.verdict, meetings.claimed, meetings.verified, meetings.verify_reason) == (
        "adjusted", "3", "2", "Một biên bản không hợp lệ")
    other = card_of(round_, "20212").assessments.get(component="NTS-1")  # a claim of another card: not this one's
    assert client.post(_url(round_, "20221", "tham-dinh"), {"assessment": other.pk, "verdict": "accepted"}
                       ).status_code == 404
    line = next(line for line in client.get(_url(round_, "20221")).context["lines"] if line.code == "NTS-1")
    assert (line.points, line.verdict_label) == (15.0, "Điều chỉnh")  # a preview reads the claims until council
    html = _text(client.get(_url(round_, "20221")))
    assert "tự đánh giá 3, thẩm định 2" in html and "Lý do: Một biên bản không hợp lệ" in html


def test_round_moves_are_the_administrators(client, round_, city_admin, approver, officer_thac_gian):  # noqa: F811
    client.force_login(approver)
    assert client.get(_url(round_)).context["decides"] is False
    refused = client.post(_url(round_, "chuyen-buoc"), {"action": "verify"})
    assert refused.status_code == 403
    assert refused.context["problem"]["message"] == "Bạn không có quyền 'chuyển sang thẩm định' đợt xếp hạng này."
    client.force_login(officer_thac_gian)
    assert client.post(_url(round_, "chuyen-buoc"), {"action": "verify"}).status_code == 403
    client.logout()
    assert client.post(_url(round_, "chuyen-buoc"), {"action": "verify"}).status_code == 403
    client.force_login(city_admin)
    page = client.get(_url(round_))
    assert [name for name, _ in page.context["moves"]] == ["verify"]
    assert page.context["progress"] == [("Đang tự đánh giá", 10), ("Đã gửi thẩm định", 0), ("Đã thẩm định", 0)]
    assert client.post(_url(round_, "chuyen-buoc"), {"action": "verify"}).status_code == 302
    round_.refresh_from_db()
    assert round_.status == "verification"
    refused = client.post(_url(round_, "chuyen-buoc"), {"action": "council"})
    assert refused.status_code == 409 and "10 đơn vị chưa thẩm định xong" in refused.context["problem"]["message"]


def test_a_published_round_is_public_with_shared_ranks(client, round_, city_admin, approver):  # noqa: F811
    from chiso.engine.numbers import format_number
    from chiso.ranking.models import RankedUnit

    _publish(round_, city_admin, approver)
    page = client.get(_url(round_))
    assert page.status_code == 200
    frozen = list(RankedUnit.objects.filter(round=round_).order_by("rank", "unit__name"))
    assert [r.rank for r in page.context["rows"]] == [r.rank for r in frozen] == [1, 2, 3, 4, 4, 4, 4, 4, 4, 4]
    html = _text(page)
    thac_gian = next(r for r in frozen if r.unit.code == "20221")
    assert f'<td class="num total">{format_number(thac_gian.total, 2)}</td>' in html
    assert "Quyết định phê duyệt: 15/QĐ-UBND ngày 10/10/2024" in html
    assert '<span class="grade grade-0">xuất sắc</span>' in html  # the best band's colour
    assert "Khoảng hạng: hạng của đơn vị trong 90% số lần thử lại" in html
    assert f'href="/bao-cao/xep-hang/{round_.pk}/phu-luc.pdf"' in html
    card = client.get(_url(round_, "20221"))
    assert card.status_code == 200
    assert card.context["score"].rank == thac_gian.rank and card.context["explained"].frozen is True
    html = _text(card)
    for words in ("bậc thang 4:20; 3:15; 2:10; 1:5 (ngưỡng: điểm)", "tỷ lệ so với mục tiêu 80",
                  "12/BB-UBND ngày 03/06/2024: Biên bản họp chuyên đề", "số liệu công bố CQS-03, năm 2024"):
        assert words in html
    assert 'href="/don-vi/2024/20221/"' in html
    assert "chưa có số liệu công bố" in _text(client.get(_url(round_, "20203")))  # An Khê: no 2024 figure
    assert client.get("/xep-hang/").status_code == 200 and round_.title in _text(client.get("/xep-hang/"))


def test_what_if_shows_new_points_and_saves_nothing(client, round_, city_admin, officer_thac_gian):  # noqa: F811
    from tests.ranking.test_rounds import _claim_all

    _claim_all(round_, city_admin)  # 3 meetings claimed: 15 points
    client.force_login(officer_thac_gian)
    tried = client.get(_url(round_, "20221", "thu"), {"wi-NTS-1": "4", "wi-NTS-2": ""}, HTTP_HX_REQUEST="true")
    assert tried.status_code == 200
    before = tried.context["result"]["score"].total - 5.0
    assert tried.context["result"]["changed"] == [("NTS-1", "Số cuộc họp chuyên đề về chuyển đổi số", 20.0)]
    assert "Nếu như vậy (không lưu)" in _text(tried) and "<html" not in _text(tried)
    assert "Hạng" not in _text(tried)  # a ward does not see a rank made of other wards' drafts
    assert Assessment.objects.get(scorecard__unit__code="20221", scorecard__round=round_, component="NTS-1"
                                  ).claimed == "3"
    assert before == pytest.approx(client.get(_url(round_, "20221")).context["score"].total)
    refused = client.get(_url(round_, "20221", "thu"), {"wi-NTS-1": "bốn"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200 and "NTS-1: &#x27;bốn&#x27; không phải một số hữu hạn" in _text(refused)
    plain = client.get(_url(round_, "20221", "thu"), {"wi-NTS-1": "bốn"})
    assert plain.status_code == 400 and 'value="bốn"' in _text(plain)
    assert "Không lưu gì." in _text(client.get(_url(round_, "20221")))


def test_the_main_navigation_names_the_rankings(client, db):
    html = _text(client.get("/xep-hang/"))
    assert '<a href="/xep-hang/" aria-current="page">Xếp hạng</a>' in html
    assert "Chưa có đợt xếp hạng nào được công bố." in html or 'class="round-list"' in html


def test_the_pages_read_in_english(client, round_, city_admin, approver):  # noqa: F811
    _publish(round_, city_admin, approver)
    client.cookies["django_language"] = "en"
    html = _text(client.get(_url(round_)))
    assert '<html lang="en">' in html and '<a href="/xep-hang/" aria-current="page">Rankings</a>' in html
    assert ">Ranking table</h2>" in html and "Khoảng hạng" not in html
    assert "Rank band: the unit's rank in 90% of 200 re-runs (5th–95th percentile)" in html
    html = _text(client.get(_url(round_, "20221")))
    assert "steps 4:20; 3:15; 2:10; 1:5 (threshold: points)" in html and "share of the target 80" in html
    assert '<td class="num total">' not in html and "<h1>Scorecard: Phường Thạc Gián</h1>" in html
