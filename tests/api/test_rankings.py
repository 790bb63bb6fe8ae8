"""Rankings through the API: the payloads of a small round (quận Thanh Khê 2024, tests/ranking/world.py) as the
council decided it, every point of a scorecard explained, the methods; the round driven through the write
endpoints; the refusals in Vietnamese; and who reads and writes what, before and after publication."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.db import transaction

from chiso.api.auth import create_token
from chiso.ranking.actions import do_move_round, do_move_scorecard, do_verify
from chiso.ranking.models import Assessment, AssessmentHistory, RoundStatus
from tests.ranking import world
from tests.ranking.world import TAN_CHINH, THAC_GIAN

pytestmark = pytest.mark.django_db


@pytest.fixture
def approver(db):  # type: ignore[no-untyped-def]
    return world.approver_of_thanh_khe()


@pytest.fixture
def method(tmp_path, city_admin):  # type: ignore[no-untyped-def]
    return world.load_method(tmp_path, city_admin)


@pytest.fixture
def published(method, city_admin, officer_thac_gian, approver):  # type: ignore[no-untyped-def]
    return world.published(method, city_admin, officer_thac_gian, approver)


def bearer(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user, 'test')[1]}"}


def post(client, url, body, headers):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


ROUND = {"title": "Xếp hạng chuyển đổi số phường năm 2024: quận Thanh Khê", "year": 2024, "peer_group": "phuong",
         "peer_group_label": "Phường", "within": "491", "version": "2024",
         "method": {"code": "thu-nghiem", "version": 1, "name": "Bộ chỉ số thử", "is_illustrative": True},
         "is_illustrative": True, "status": "published", "status_label": "Đã công bố", "decision": "15/QĐ-UBND",
         "decision_date": "2024-10-10", "ranking_readable": True}
OTHERS = ["20203", "20206", "20207", "20209", "20215", "20218", "20224", "20225"]  # the 8 wards tied 3rd


def test_a_published_ranking_reads_as_the_council_decided_it(client, published):
    listed = client.get("/api/v1/rankings").json()
    assert [item for item in listed["items"] if item["id"] == published.pk] == [{"id": published.pk, **ROUND}]
    body = client.get(f"/api/v1/rankings/{published.pk}").json()
    assert body["round"] == {"id": published.pk, **ROUND}
    assert (body["frozen"], body["count"], body["next"]) == (True, 10, None)
    assert body["groups"] == [{"code": "NTS", "name": "Nhận thức số", "max_points": 40.0},
                              {"code": "HT", "name": "Hồ sơ trực tuyến", "max_points": 60.0},
                              {"code": "THUONG", "name": "Điểm thưởng", "max_points": 5.0}]
    assert body["units"][:2] == [
        {"unit": "20221", "name": "Phường Thạc Gián", "version": "2024", "total": 89.02, "value": 0.8902, "rank": 1,
         "grade": "tốt", "rank_band": [1, 1], "median_rank": 1.0, "missing": [],
         "groups": {"NTS": 40.0, "HT": 47.02, "THUONG": 2.0}},
        {"unit": "20212", "name": "Phường Tân Chính", "version": "2024", "total": 65.0, "value": 0.65, "rank": 2,
         "grade": "trung bình khá", "rank_band": [2, 2], "median_rank": 2.0, "missing": [],
         "groups": {"NTS": 35.0, "HT": 30.0, "THUONG": 0.0}},
    ]
    tied = sorted(body["units"][2:], key=lambda u: u["unit"])
    assert [u["unit"] for u in tied] == OTHERS
    assert {json.dumps({k: v for k, v in u.items() if k not in ("unit", "name")}) for u in tied} == {json.dumps(
        {"version": "2024", "total": 5.0, "value": 0.05, "rank": 3, "grade": "", "rank_band": [3, 3],
         "median_rank": 3.0, "missing": ["HT-1"], "groups": {"NTS": 5.0, "HT": 0.0, "THUONG": 0.0}})}


def test_a_scorecard_explains_every_point(client, published):
    body = client.get(f"/api/v1/rankings/{published.pk}/units/{THAC_GIAN}").json()
    lines = {line["code"]: line for line in body.pop("lines")}
    assert body == {"round": published.pk, "unit": "20221", "name": "Phường Thạc Gián", "version": "2024",
                    "status": "verified", "status_label": "Đã thẩm định", "frozen": True, "total": 89.02,
                    "value": 0.8902, "rank": 1, "grade": "tốt", "rank_band": [1, 1], "median_rank": 1.0,
                    "missing": [], "next_grade": {"grade": "xuất sắc", "points_needed": 0.98,
                                                  "components": [["HT-1", 12.98]], "reachable": True},
                    "change": None}
    assert list(lines) == ["NTS", "NTS-1", "NTS-2", "HT", "HT-1", "THUONG"]
    assert lines["THUONG"] == {
        "code": "THUONG", "name": "Điểm thưởng", "parent": "", "kind": "self", "rule": "bonus", "params": "",
        "max_points": 5.0, "source": "tu-danh-gia", "evidence_required": "Quyết định khen thưởng",
        "verifying_agency": "Sở Nội vụ", "input": "2,00", "points": 2.0, "missing": False, "period": None,
        "withheld": False, "claimed": "5", "claimed_denominator": None, "claimed_by": "t_officer_thac_gian",
        "evidence": {"number": "7/QĐ-UBND", "date": "", "title": "Quyết định khen thưởng", "excerpt": "",
                     "link": "", "file": None},
        "verdict": "adjusted", "verified": "2", "verify_reason": "Chỉ một quyết định khen thưởng cấp quận",
        "verified_by": "t_approver_thanh_khe"}
    assert {k: lines["HT-1"][k] for k in ("rule", "input", "points", "claimed", "claimed_denominator", "evidence",
                                          "verdict")} == {
        "rule": "ratio", "input": "2.351,00 / 3.000,00", "points": 47.02, "claimed": "2.351",
        "claimed_denominator": 3000.0, "verdict": "accepted",
        "evidence": {"number": "", "date": "", "title": "", "excerpt": "",
                     "link": "https://dichvucong.danang.gov.vn/bao-cao", "file": None}}
    assert {k: lines["NTS"][k] for k in ("kind", "points", "max_points", "claimed", "verdict")} == {
        "kind": "group", "points": 40.0, "max_points": 40.0, "claimed": None, "verdict": None}
    other = client.get(f"/api/v1/rankings/{published.pk}/units/20224").json()
    rejected = next(line for line in other["lines"] if line["code"] == "HT-1")
    assert (rejected["points"], rejected["missing"], rejected["verdict"], rejected["verify_reason"]) == (
        0.0, True, "rejected", "Không có báo cáo thống kê")


def test_methods_are_public_reference_data(client, method):
    listed = client.get("/api/v1/rankings/methods?code=thu-nghiem").json()
    assert listed["count"] == 1
    assert {k: v for k, v in listed["items"][0].items() if k != "created_at"} == {
        "code": "thu-nghiem", "version": 1, "kind": "index", "name": "Bộ chỉ số thử", "legal_basis": "", "note": "",
        "is_illustrative": True, "optional_needed": None, "reason": ""}
    detail = client.get("/api/v1/rankings/methods/thu-nghiem/1").json()
    assert detail["components"][1] == {
        "position": 2, "code": "NTS-1", "parent": "NTS", "name": "Số cuộc họp chuyên đề về chuyển đổi số",
        "max_points": 20.0, "rule": "steps", "params": "4:20;3:15;2:10;1:5", "source": "tu-danh-gia",
        "applies_to": "", "evidence": "Biên bản họp", "verifier": "Sở KH&CN", "kind": "", "note": ""}
    assert [c["code"] for c in detail["components"]] == ["NTS", "NTS-1", "NTS-2", "HT", "HT-1", "THUONG"]
    assert detail["grades"] == [{"name": "xuất sắc", "min_score": 90.0}, {"name": "tốt", "min_score": 80.0},
                                {"name": "khá", "min_score": 70.0}, {"name": "trung bình khá", "min_score": 60.0},
                                {"name": "trung bình", "min_score": 50.0}]
    missing = client.get("/api/v1/rankings/methods/thu-nghiem/2")
    assert (missing.status_code, missing.json()["detail"]) == (404, "Không có phương pháp 'thu-nghiem' phiên bản 2.")
    assert client.get("/api/v1/rankings/methods?kind=diem").status_code == 400


def test_a_round_driven_through_the_api(client, method, city_admin, officer_thac_gian, approver):
    round_ = world.open_round(method, city_admin)
    base = f"/api/v1/rankings/{round_.pk}"
    officer, admin, verifier = bearer(officer_thac_gian), bearer(city_admin), bearer(approver)
    claims = [
        {"component": "NTS-1", "value": 4, "evidence_number": "12/BB-UBND", "evidence_title": "Biên bản họp",
         "evidence_date": "2024-06-03"},
        {"component": "NTS-2", "value": "có", "evidence_link": "https://danang.gov.vn/kh-45"},
        {"component": "HT-1", "value": 2351, "denominator": "3.000", "evidence_link": "https://danang.gov.vn/bc"},
        {"component": "THUONG", "value": 5, "evidence_link": "https://danang.gov.vn/qd-7"},
    ]
    answers = [post(client, f"{base}/units/{THAC_GIAN}/claims", c, officer) for c in claims]
    assert [a.status_code for a in answers] == [200, 200, 200, 200]
    assert answers[0].json() == {
        "round": round_.pk, "unit": "20221", "component": "NTS-1", "claimed": "4", "claimed_denominator": None,
        "evidence": {"number": "12/BB-UBND", "date": "2024-06-03", "title": "Biên bản họp", "excerpt": "",
                     "link": "", "file": None},
        "verdict": "pending", "verified": "", "verify_reason": "", "revision": 1}
    assert (answers[2].json()["claimed"], answers[2].json()["claimed_denominator"]) == ("2351", 3000.0)
    moved = post(client, f"{base}/units/{THAC_GIAN}/moves", {"action": "submit"}, officer)
    assert moved.json() == {"round": round_.pk, "unit": "20221", "status": "submitted",
                            "status_label": "Đã gửi thẩm định"}
    world.claim_the_others(round_, city_admin)
    answer = post(client, f"{base}/moves", {"action": "verify"}, admin)
    assert (answer.status_code, answer.json()["status"], answer.json()["ranking_readable"]) == (
        200, "verification", True)
    adjusted = post(client, f"{base}/units/{THAC_GIAN}/verdicts",
                    {"component": "THUONG", "verdict": "adjusted", "value": 2,
                     "reason": "Chỉ một quyết định khen thưởng cấp quận"}, verifier)
    assert (adjusted.status_code, adjusted.json()["verdict"], adjusted.json()["verified"],
            adjusted.json()["revision"]) == (200, "adjusted", "2", 2)
    for code in ("NTS-1", "NTS-2", "HT-1"):
        assert post(client, f"{base}/units/{THAC_GIAN}/verdicts", {"component": code, "verdict": "accepted"},
                    verifier).status_code == 200
    assert post(client, f"{base}/units/{THAC_GIAN}/moves", {"action": "verified"}, verifier).status_code == 200
    for card in round_.scorecards.exclude(unit__code=THAC_GIAN):  # the others through the actions
        for assessment in card.assessments.all():
            do_verify(assessment, "accepted", acting_user=approver)
        do_move_scorecard(card, "verified", acting_user=approver)
    assert post(client, f"{base}/moves", {"action": "council"}, admin).status_code == 200
    approved = post(client, f"{base}/moves", {"action": "approve", "decision": "15/QĐ-UBND",
                                              "decision_date": "2024-10-10"}, admin)
    assert (approved.json()["status"], approved.json()["decision"], approved.json()["decision_date"]) == (
        "approved", "15/QĐ-UBND", "2024-10-10")
    assert client.get(base).status_code == 404  # approved, not yet published: not public
    assert post(client, f"{base}/moves", {"action": "publish"}, admin).status_code == 200
    public = client.get(base).json()
    assert [(u["unit"], u["total"], u["grade"]) for u in public["units"][:2]] == [
        ("20221", 89.02, "tốt"), ("20212", 65.0, "trung bình khá")]
    history = AssessmentHistory.objects.filter(assessment__scorecard__unit__code=THAC_GIAN,
                                               assessment__component="THUONG", assessment__scorecard__round=round_)
    assert list(history.values_list("step", "claimed", "verified", "by__username")) == [
        ("claim", "5", "", "t_officer_thac_gian"), ("verify", "5", "2", "t_approver_thanh_khe")]


@pytest.mark.parametrize(("value", "stored"), [(91.5, "91,5"), (1.234, "1,234"), ("1.234", "1.234"), (4, "4")])
def test_a_json_number_is_stored_as_the_vietnamese_number_it_is(client, method, city_admin, value, stored):
    round_ = world.open_round(method, city_admin)
    answer = post(client, f"/api/v1/rankings/{round_.pk}/units/{THAC_GIAN}/claims",
                  {"component": "HT-1", "value": value, "denominator": 3000.0}, bearer(city_admin))
    assert answer.status_code == 400  # a ratio with points needs evidence: refused, but after reading the number
    assert answer.json() == {"detail": "HT-1: cần tài liệu kiểm chứng (Báo cáo thống kê): ghi số hiệu và tên văn "
                                       "bản, đường dẫn, hoặc đính kèm tệp.", "field": "evidence_number"}
    answer = post(client, f"/api/v1/rankings/{round_.pk}/units/{THAC_GIAN}/claims",
                  {"component": "HT-1", "value": value, "denominator": 3000.0,
                   "evidence_link": "https://danang.gov.vn/bc"}, bearer(city_admin))
    assert (answer.status_code, answer.json()["claimed"], answer.json()["claimed_denominator"]) == (200, stored, 3000.0)


def test_refusals_say_what_and_where_in_vietnamese(client, method, city_admin, officer_thac_gian, approver):
    round_ = world.open_round(method, city_admin)
    base = f"/api/v1/rankings/{round_.pk}"
    officer, admin = bearer(officer_thac_gian), bearer(city_admin)
    answer = post(client, f"{base}/units/{THAC_GIAN}/claims", {"component": "NTS-1", "value": "nhiều"}, officer)
    assert (answer.status_code, answer.json()) == (400, {
        "detail": "NTS-1: 'nhiều' không phải một số hữu hạn (viết 91,5 hoặc 4).", "field": "value"})
    answer = post(client, f"{base}/units/{THAC_GIAN}/claims", {"component": "NTS-9", "value": "1"}, officer)
    assert (answer.status_code, answer.json()["field"]) == (400, "component")
    answer = post(client, f"{base}/units/{TAN_CHINH}/claims", {"component": "NTS-1", "value": "0"}, officer)
    assert (answer.status_code, answer.json()["detail"]) == (
        403, "Bạn không có quyền tự đánh giá cho Phường Tân Chính.")
    answer = post(client, f"{base}/units/{THAC_GIAN}/verdicts", {"component": "NTS-1", "verdict": "accepted"},
                  bearer(approver))
    assert (answer.status_code, answer.json()) == (404, {
        "detail": "Phiếu của Phường Thạc Gián chưa có tự đánh giá thành phần 'NTS-1'.", "field": "component"})
    answer = post(client, f"{base}/units/{THAC_GIAN}/moves", {"action": "submit"}, officer)
    assert (answer.status_code, answer.json()["detail"]) == (
        400, "Chưa gửi được: còn thiếu tự đánh giá của NTS-1, NTS-2, HT-1, THUONG. Nhập giá trị (0 hoặc 'không' "
             "nếu chưa đạt) rồi gửi lại.")
    answer = post(client, f"{base}/moves", {"action": "approve"}, admin)
    assert (answer.status_code, answer.json()["detail"]) == (
        409, "Không thể 'phê duyệt kết quả': đợt đang ở bước 'Đơn vị tự đánh giá'.")
    answer = post(client, f"{base}/moves", {"action": "xoa"}, admin)
    assert (answer.status_code, answer.json()["detail"]) == (
        400, "Thao tác 'xoa' không có (có: verify, council, approve, publish, reopen).")
    answer = post(client, f"{base}/units/{THAC_GIAN}/claims", {"component": "NTS-1", "value": "1",
                                                               "evidence_date": "3/6/2024"}, officer)
    assert answer.status_code == 422
    assert answer.json()["problems"][0].startswith("Trường 'payload.evidence_date': không hợp lệ")
    assert post(client, f"/api/v1/rankings/{round_.pk + 999}/moves", {"action": "verify"}, admin).status_code == 404
    answer = post(client, f"{base}/units/99999/claims", {"component": "NTS-1", "value": "0"}, officer)
    assert (answer.status_code, answer.json()["detail"]) == (
        404, f"Không có phiếu chấm điểm của đơn vị mã 99999 trong đợt xếp hạng số {round_.pk} (hoặc phiếu chưa "
             "công bố).")
    assert not Assessment.objects.filter(scorecard__round=round_).exists()


def test_before_publication_only_who_sees_the_whole_round_reads_its_ranking(
        client, method, city_admin, officer_thac_gian, officer_tan_chinh, approver):
    """Who decides the round, or verifies every ward of it (the district's approver), reads the ranking computed
    now; a ward reads its own scorecard, without a rank made of the other wards' unpublished points."""
    round_ = world.at_verification(method, city_admin, officer_thac_gian)
    url = f"/api/v1/rankings/{round_.pk}"
    preview = client.get(url, **bearer(city_admin)).json()
    assert (preview["frozen"], preview["round"]["status"]) == (False, "verification")
    # the claims, not yet verified: Thạc Gián's bonus of 5 and the others' dossiers still count
    assert [(u["unit"], u["total"], u["grade"]) for u in preview["units"][:2]] == [
        ("20221", 92.02, "xuất sắc"), ("20212", 65.0, "trung bình khá")]
    assert client.get(url, **bearer(approver)).json()["units"][0]["total"] == 92.02
    listed = client.get("/api/v1/rankings", **bearer(officer_thac_gian)).json()["items"]
    assert [(i["status"], i["ranking_readable"]) for i in listed if i["id"] == round_.pk] == [("verification", False)]
    draft = client.get(f"{url}/units/{THAC_GIAN}", **bearer(officer_thac_gian)).json()
    assert (draft["frozen"], draft["total"], draft["grade"], draft["rank"]) == (False, 92.02, "xuất sắc", None)
    for user in (officer_thac_gian, officer_tan_chinh):
        answer = client.get(url, **bearer(user))
        assert (answer.status_code, answer.json()["detail"]) == (
            404, f"Không có đợt xếp hạng số {round_.pk} (hoặc đợt chưa công bố).")
    world.verify_all(round_, approver)
    do_move_round(round_, "council", acting_user=city_admin)
    do_move_round(round_, "approve", acting_user=city_admin, decision="15/QĐ-UBND", decision_date=date(2024, 10, 10))
    decided = client.get(url, **bearer(city_admin)).json()
    assert (decided["frozen"], decided["units"][0]["total"]) == (True, 89.02)
    assert client.get(url).status_code == 404
    mine = client.get(f"{url}/units/{THAC_GIAN}", **bearer(officer_thac_gian)).json()
    assert (mine["frozen"], mine["total"], mine["grade"], mine["rank"], mine["rank_band"], mine["median_rank"]) == (
        True, 89.02, "tốt", None, None, None)
    theirs = client.get(f"{url}/units/{THAC_GIAN}", **bearer(approver)).json()
    assert (theirs["rank"], theirs["rank_band"]) == (1, [1, 1])


def test_rows_are_capped_and_paged(client, published, monkeypatch):
    page = client.get(f"/api/v1/rankings/{published.pk}?limit=2&offset=2").json()
    assert [u["rank"] for u in page["units"]] == [3, 3]
    assert page["next"].startswith(f"http://testserver/api/v1/rankings/{published.pk}?limit=2&cursor=")
    assert client.get(page["next"]).json()["units"] == client.get(
        f"/api/v1/rankings/{published.pk}?limit=2&offset=4").json()["units"]
    monkeypatch.setenv("CHISO_API_ANONYMOUS_MAX_ROWS", "5")
    answer = client.get(f"/api/v1/rankings/{published.pk}?limit=6")
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("Tối đa 5 dòng mỗi lần (tham số limit = 6)")
    assert client.get(f"/api/v1/rankings/{published.pk}").json()["limit"] == 5


# -- who reads and writes what ----------------------------------------------------------------------------

PEOPLE = ("anonymous", "viewer", "officer", "other_officer", "approver", "admin")


@pytest.fixture
def people(viewer, officer_thac_gian, officer_tan_chinh, approver, city_admin):  # type: ignore[no-untyped-def]
    users = (viewer, officer_thac_gian, officer_tan_chinh, approver, city_admin)
    return {"anonymous": {}, **{name: bearer(user) for name, user in zip(PEOPLE[1:], users, strict=True)}}


def _outcomes(client, people, verb: str, url: str, body: dict | None = None, *, listed: int | None = None):  # type: ignore[no-untyped-def]
    """Each person's answer to one request (a write is rolled back, so each person meets the same state); for
    the list, whether round ``listed`` is in it."""
    found = []
    for name in PEOPLE:
        with transaction.atomic():
            if verb == "get":
                answer = client.get(url, **people[name])
            else:
                answer = post(client, url, body, people[name])
            transaction.set_rollback(True)
        if listed is not None:
            found.append("listed" if any(i["id"] == listed for i in answer.json()["items"]) else "-")
        else:
            found.append(answer.status_code)
    return tuple(found)


def _matrix(client, people, round_, requests):  # type: ignore[no-untyped-def]
    base = f"/api/v1/rankings/{round_.pk}"
    return {name: _outcomes(client, people, verb, url.format(base=base), body, listed=round_.pk if name == "list"
                            else None) for name, (verb, url, body) in requests.items()}


READS = {
    "list": ("get", "/api/v1/rankings", None),
    "ranking": ("get", "{base}", None),
    "scorecard": ("get", "{base}/units/20221", None),
}
CLAIM = ("post", "{base}/units/20221/claims", {"component": "NTS-1", "value": "4", "evidence_link": "https://x.vn/1"})
VERDICT = ("post", "{base}/units/20221/verdicts", {"component": "NTS-1", "verdict": "accepted"})


def test_who_reads_and_writes_a_round_at_self_assessment(client, people, method, city_admin, officer_thac_gian):
    round_ = world.open_round(method, city_admin)
    world.claim_thac_gian(round_, officer_thac_gian)
    assert _matrix(client, people, round_, {
        **READS, "claim": CLAIM, "verdict": VERDICT,
        "submit": ("post", "{base}/units/20221/moves", {"action": "submit"}),
        "round": ("post", "{base}/moves", {"action": "verify"}),
    }) == {
        #             anonymous viewer    officer   other     approver  admin
        "list":      ("-",      "-",      "listed", "listed", "listed", "listed"),
        "ranking":   (404,      404,      404,      404,      200,      200),
        "scorecard": (404,      404,      200,      404,      200,      200),
        "claim":     (401,      403,      200,      403,      403,      200),
        "verdict":   (401,      403,      403,      403,      409,      409),
        "submit":    (401,      403,      200,      403,      403,      200),
        "round":     (401,      403,      403,      403,      403,      200),
    }


def test_who_reads_and_writes_a_round_at_verification(client, people, method, city_admin, officer_thac_gian):
    round_ = world.at_verification(method, city_admin, officer_thac_gian)
    assert _matrix(client, people, round_, {
        **READS, "claim": CLAIM, "verdict": VERDICT,
        "return": ("post", "{base}/units/20221/moves", {"action": "return", "reason": "Thiếu biên bản"}),
        "round": ("post", "{base}/moves", {"action": "council"}),
    }) == {
        #             anonymous viewer    officer   other     approver  admin
        "list":      ("-",      "-",      "listed", "listed", "listed", "listed"),
        "ranking":   (404,      404,      404,      404,      200,      200),
        "scorecard": (404,      404,      200,      404,      200,      200),
        "claim":     (401,      403,      409,      403,      403,      409),
        "verdict":   (401,      403,      403,      403,      200,      200),
        "return":    (401,      403,      403,      403,      200,      200),
        "round":     (401,      403,      403,      403,      403,      409),  # no scorecard verified yet
    }


def test_who_reads_and_writes_a_published_round(client, people, published):
    assert published.status == RoundStatus.PUBLISHED
    assert _matrix(client, people, published, {
        **READS, "claim": CLAIM, "verdict": VERDICT,
        "submit": ("post", "{base}/units/20221/moves", {"action": "submit"}),
        "round": ("post", "{base}/moves", {"action": "reopen", "reason": "Sai số liệu"}),
    }) == {
        #             anonymous viewer    officer   other     approver  admin
        "list":      ("listed", "listed", "listed", "listed", "listed", "listed"),
        "ranking":   (200,      200,      200,      200,      200,      200),
        "scorecard": (200,      200,      200,      200,      200,      200),
        "claim":     (401,      403,      409,      403,      403,      409),
        "verdict":   (401,      403,      403,      403,      409,      409),
        "submit":    (401,      403,      409,      403,      403,      409),
        "round":     (401,      409,      409,      409,      409,      409),  # the step is checked first
    }
