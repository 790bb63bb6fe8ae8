"""Certifications through the API (``/api/v1/criteria/certifications``): the exact items, decided ones public,
undecided ones only for whoever may read the unit's unpublished figures. Under phường Tân Chính 2024, the
areas of tests/ranking/test_certification.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from chiso.api.auth import create_token
from chiso.ranking.certification import do_assess, do_certify
from tests.ranking.test_certification import DECISION, MAP, SHOPS, good_figures
from tests.ranking.test_certification import approver as approver  # noqa: F401 - a fixture
from tests.ranking.test_certification import areas as areas  # noqa: F401 - a fixture
from tests.ranking.test_certification import method as method  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db
VALID_UNTIL = timezone.localdate() + timedelta(days=730)  # in force today, whatever today is
URL = "/api/v1/criteria/certifications?unit=20212&version=2024"


@pytest.fixture
def assessed(method, areas, officer_tan_chinh, approver):  # noqa: F811
    good_figures(areas["KDC-T1"])
    found = do_assess(method, areas["KDC-T1"], "2024-07", acting_user=officer_tan_chinh,
                      answers={"TMDT": SHOPS, "BANDO": MAP})
    do_certify(found, acting_user=approver, **(DECISION | {"valid_until": VALID_UNTIL}))
    do_assess(method, areas["KDC-T2"], "2024-07", acting_user=officer_tan_chinh, answers={"BANDO": MAP})


def bearer(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user, 'test')[1]}"} if user is not None else {}


CERTIFIED = {"unit": "KDC-T1", "name": "Khu dân cư Thử Một", "version": "2024", "set": "kdc-cong-nghe-so",
             "set_version": 0, "set_name": "Khu dân cư công nghệ số (thử)", "period": "2024-07",
             "passed": ["VNEID", "THANHTOAN", "TMDT", "BANDO"], "failed": [], "missing": ["WIFI"],
             "label": "4/5 tiêu chí", "meets": True, "certified": True, "decision": "12/QĐ-UBND",
             "decision_date": "2024-08-05", "valid_until": VALID_UNTIL.isoformat(), "state": "certified",
             "state_label": "Đã công nhận", "is_illustrative": False}


def test_a_decided_certification_is_public_and_exact(client, assessed, method):  # noqa: F811
    body = client.get(URL).json()
    certified = CERTIFIED | {"set_version": method.version}  # 2 when the demo's set was loaded before
    assert body == {"count": 1, "limit": 100, "offset": 0, "next": None, "items": [certified]}
    assert client.get(URL + "&set=khac").json()["count"] == 0
    assert client.get("/api/v1/criteria/certifications?unit=KDC-T1&version=2024").json()["items"] == [certified]


def test_it_checks_access(client, assessed, viewer, officer_thac_gian, officer_tan_chinh, approver, city_admin):  # noqa: F811
    seen = [[i["unit"] for i in client.get(URL, **bearer(user)).json()["items"]]
            for user in (None, viewer, officer_thac_gian, officer_tan_chinh, approver, city_admin)]
    decided, both = ["KDC-T1"], ["KDC-T2", "KDC-T1"]  # by name: Thử Hai, Thử Một
    assert seen == [decided, decided, decided, both, both, both]
    draft = client.get(URL, **bearer(officer_tan_chinh)).json()["items"][0]
    assert {k: draft[k] for k in ("label", "meets", "certified", "state", "state_label", "missing")} == {
        "label": "1/5 tiêu chí", "meets": False, "certified": False, "state": "not_met", "state_label": "Chưa đạt",
        "missing": ["VNEID", "THANHTOAN", "TMDT", "WIFI"]}


def test_an_unknown_unit_is_a_404_in_vietnamese(client):
    answer = client.get("/api/v1/criteria/certifications?unit=99999&version=2024")
    assert (answer.status_code, answer.json()["detail"]) == (404, "Không tìm thấy đơn vị mã '99999' trong phiên bản "
                                                                 "2024.")
    assert client.get("/api/v1/criteria/certifications").status_code == 422


ASSESS = {"set": "kdc-cong-nghe-so", "unit": "KDC-T1", "version": "2024", "period": "2024-07",
          "answers": {"TMDT": {"value": 55, "evidence": "Danh sách hộ kinh doanh trên sàn, 7/2024"},
                      "BANDO": {"value": "có", "evidence": "Bản đồ số khu dân cư, lập 6/2024"}}}
CERTIFY = {"set": "kdc-cong-nghe-so", "unit": "KDC-T1", "version": "2024", "period": "2024-07",
           "decision": "12/QĐ-UBND", "decision_date": "2024-08-05", "valid_until": VALID_UNTIL.isoformat()}


def _post(client, path: str, body: dict, user) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    answer = client.post(f"/api/v1/criteria/{path}", body, content_type="application/json", **bearer(user))
    return answer.status_code, answer.json()


def test_an_area_is_assessed_and_certified_through_the_api(client, method, areas, officer_tan_chinh,  # noqa: F811
                                                           approver):  # noqa: F811
    from chiso.values.models import DataValue

    good_figures(areas["KDC-T1"])
    status, body = _post(client, "assessments", ASSESS, officer_tan_chinh)
    assert status == 200
    assert {k: body[k] for k in ("passed", "failed", "missing", "label", "meets", "state")} == {
        "passed": ["VNEID", "THANHTOAN", "TMDT", "BANDO"], "failed": [], "missing": ["WIFI"],
        "label": "4/5 tiêu chí", "meets": True, "state": "pending"}
    assert _post(client, "certifications", CERTIFY, officer_tan_chinh)[0] == 403  # the ward does not certify itself
    status, body = _post(client, "certifications", CERTIFY, approver)
    assert (status, body["state"], body["decision"], body["certified"]) == (200, "certified", "12/QĐ-UBND", True)
    count = DataValue.objects.get(data_element__code="XHS-KDC", unit__code="20212", period="2024-07")
    assert (count.value, count.channel) == (1, "api")
    status, body = _post(client, "assessments", ASSESS, officer_tan_chinh)
    assert status == 409 and "đã được công nhận cho kỳ 2024-07" in body["detail"]


def test_the_api_refuses_what_the_actions_refuse(client, method, areas, officer_tan_chinh, officer_thac_gian,  # noqa: F811
                                                  approver):  # noqa: F811
    assert client.post("/api/v1/criteria/assessments", ASSESS, content_type="application/json").status_code == 401
    status, body = _post(client, "assessments", ASSESS, officer_thac_gian)  # another ward's area
    assert status == 403 and body["detail"].startswith("Bạn không có quyền đánh giá Khu dân cư Thử Một")
    unproven = ASSESS | {"answers": {"BANDO": {"value": "có", "evidence": ""}}}
    status, body = _post(client, "assessments", unproven, officer_tan_chinh)
    assert (status, body["field"]) == (400, "BANDO")  # the criterion the answer is about
    assert _post(client, "assessments", ASSESS | {"set": "khong-co"}, officer_tan_chinh)[0] == 404
    assert _post(client, "assessments", ASSESS | {"period": "2024-13"}, officer_tan_chinh)[0] == 400
    status, body = _post(client, "certifications", CERTIFY, approver)  # nothing assessed yet
    assert (status, body["field"]) == (404, "period")
    too_many = ASSESS | {"answers": {f"X{i}": {"value": "có", "evidence": "x"} for i in range(51)}}
    assert _post(client, "assessments", too_many, officer_tan_chinh)[0] == 400
