"""Plans through the API: reading a plan with its checks; setting targets and minimums, importing a plan and
granting roles with a token, answered 400/403/404/409 with the Vietnamese message; nothing stored on refusal."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chiso.accounts.models import RoleAssignment, RoleAssignmentHistory
from chiso.api.auth import create_token
from chiso.plans.models import Target, TargetHistory
from tests.conftest import _user, unit

pytestmark = pytest.mark.django_db

THAC_GIAN = "/api/v1/plans/2024/20221/2024"


def bearer(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user, 'test')[1]}"}


def put(client, url, body, user):  # type: ignore[no-untyped-def]
    return client.put(url, body, content_type="application/json", **bearer(user))


def test_reading_cam_les_plan_lists_its_checks(client):
    response = client.get("/api/v1/plans/2024/495/2024")
    assert response.status_code == 200
    body = response.json()
    assert (body["stated_total"], body["stated_by_pillar"]) == (23, [["KTS", 12], ["KTS", 3], ["XHS", 8]])
    assert body["checks"][0] == "Trụ cột KTS được ghi 2 lần trong văn bản (12 và 3 chỉ tiêu)."
    assert client.get("/api/v1/plans/2024/99999/2024").status_code == 404


def test_a_ward_officer_sets_its_target(client, officer_thac_gian):
    response = put(client, f"{THAC_GIAN}/targets/CQS-03", {"value": 82.5, "reason": "KH 12"}, officer_thac_gian)
    assert response.status_code == 200
    assert response.json() == {"unit": "20221", "version": "2024", "year": 2024, "indicator": "CQS-03",
                               "scope": "own", "value": 82.5, "target_date": "2024-12-31", "judged_on": "",
                               "qualifier": "exact", "revision": 1}
    history = TargetHistory.objects.get(target__plan__unit__code="20221", target__indicator__code="CQS-03")
    assert (history.channel, history.reason, history.changed_by) == ("api", "KH 12", officer_thac_gian)
    plan = client.get(THAC_GIAN).json()
    assert [(t["indicator"], t["value"]) for t in plan["targets"]] == [("CQS-03", 82.5)]


def test_a_target_stated_as_at_least(client, officer_thac_gian):
    response = put(client, f"{THAC_GIAN}/targets/CQS-03", {"value": 80, "qualifier": "at_least"}, officer_thac_gian)
    assert (response.status_code, response.json()["qualifier"]) == (200, "at_least")
    response = put(client, f"{THAC_GIAN}/targets/CQS-03", {"value": 80, "qualifier": "nearly"}, officer_thac_gian)
    assert (response.status_code, response.json()["kind"]) == (400, "invalid")
    assert response.json()["detail"].startswith("Không ghi chỉ tiêu CQS-03 năm 2024 của Phường Thạc Gián: 'nearly'")


def test_refused_403_another_wards_target_and_its_own_minimum(client, officer_thac_gian):
    response = put(client, "/api/v1/plans/2024/20212/2024/targets/CQS-03", {"value": 80}, officer_thac_gian)
    assert (response.status_code, response.json()["kind"]) == (403, "forbidden")
    assert response.json()["detail"].startswith("Bạn không có quyền đặt chỉ tiêu cho Phường Tân Chính")
    for url in ("/api/v1/plans/2024/491/2024/minimums/CQS-03", f"{THAC_GIAN}/minimums/CQS-03"):
        response = put(client, url, {"value": 10}, officer_thac_gian)
        assert response.status_code == 403
        assert response.json()["detail"].startswith("Bạn không có quyền giao mức tối thiểu")
    assert not Target.objects.filter(indicator__code="CQS-03", plan__year=2024,
                                     plan__unit__code__in=["20212", "491", "20221"]).exists()


def test_refused_403_a_viewer_and_401_without_credentials(client, viewer):
    assert put(client, f"{THAC_GIAN}/targets/CQS-03", {"value": 80}, viewer).status_code == 403
    response = client.put(f"{THAC_GIAN}/targets/CQS-03", {"value": 80}, content_type="application/json")
    assert response.status_code == 401
    assert not TargetHistory.objects.exclude(channel="demo").exists()


@pytest.mark.parametrize(("body", "detail"), [
    ({"value": 120}, "Không ghi chỉ tiêu CQS-03 năm 2024 của Phường Thạc Gián: tỷ lệ phải từ 0 đến 100 (%), "
                     "nhận được 120."),
    ({"value": "1e30"}, "Không ghi chỉ tiêu CQS-03 năm 2024 của Phường Thạc Gián: tỷ lệ phải từ 0 đến 100 (%), "
                        "nhận được 1E+30."),
    ({"value": 80, "target_date": "2025-01-31"}, "Không ghi chỉ tiêu CQS-03 năm 2024 của Phường Thạc Gián: thời "
                                                 "hạn 31/01/2025 nằm ngoài năm 2024 của kế hoạch. Chọn một ngày "
                                                 "trong năm 2024 (mặc định 31/12/2024)."),
])
def test_refused_400_invalid(client, city_admin, body, detail):
    response = put(client, f"{THAC_GIAN}/targets/CQS-03", body, city_admin)
    assert (response.status_code, response.json()["kind"], response.json()["detail"]) == (400, "invalid", detail)
    assert not Target.objects.filter(plan__unit__code="20221", indicator__code="CQS-03").exists()


def test_refused_400_or_422_not_a_finite_number(client, city_admin):
    for value in ("NaN", "Infinity", "abc"):
        response = put(client, f"{THAC_GIAN}/targets/CQS-03", {"value": value}, city_admin)
        assert response.status_code in (400, 422), value
    assert not Target.objects.filter(plan__unit__code="20221", indicator__code="CQS-03").exists()


def test_refused_400_below_the_minimum_assigned_above(client, city_admin):
    assert put(client, "/api/v1/plans/2024/491/2024/minimums/CQS-03", {"value": 65}, city_admin).status_code == 200
    response = put(client, f"{THAC_GIAN}/targets/CQS-03", {"value": 60}, city_admin)
    assert (response.status_code, response.json()["kind"]) == (400, "below_minimum")
    assert response.json()["detail"].endswith("60% thấp hơn mức tối thiểu 65% do Quận Thanh Khê giao. Hãy đặt ít "
                                              "nhất 65%.")
    assert client.get(THAC_GIAN).json()["minimums_above"] == [
        {"indicator": "CQS-03", "value": 65.0, "assigned_by": "491"}]


def test_refused_409_conflict(client, city_admin):
    assert put(client, f"{THAC_GIAN}/targets/CQS-03", {"value": 80, "revision": 0}, city_admin).status_code == 200
    assert put(client, f"{THAC_GIAN}/targets/CQS-03", {"value": 81, "revision": 1}, city_admin).status_code == 200
    response = put(client, f"{THAC_GIAN}/targets/CQS-03", {"value": 90, "revision": 1}, city_admin)
    assert (response.status_code, response.json()["kind"]) == (409, "conflict")
    assert Target.objects.get(plan__unit__code="20221", indicator__code="CQS-03").value == Decimal(81)


def test_refused_404_unknown_indicator(client, city_admin):
    response = put(client, f"{THAC_GIAN}/targets/XX-9", {"value": 80}, city_admin)
    assert (response.status_code, response.json()["detail"]) == (404, "Không có chỉ tiêu mã XX-9 trong danh mục.")


def test_importing_a_plan_file(client, city_admin, officer_thac_gian):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = "mã đơn vị,năm,mã chỉ tiêu,giá trị mục tiêu,thời hạn,lý do\n20221,2024,CQS-03,\"80,5\",,KH\n".encode()
    refused = client.post("/api/v1/plans/import", {"file": SimpleUploadedFile("kh.csv", content)},
                          **bearer(_user("t_tan_chinh_2", "reporter", unit("2024", "20212"))))
    assert refused.status_code == 403
    assert refused.json()["problems"][0].startswith("kh.csv, dòng 2, cột A (mã đơn vị): Bạn không có quyền")
    done = client.post("/api/v1/plans/import", {"file": SimpleUploadedFile("kh.csv", content)},
                       **bearer(officer_thac_gian))
    assert (done.status_code, done.json()) == (200, {"written": 1, "unchanged": 0})
    assert Target.objects.get(plan__unit__code="20221", indicator__code="CQS-03").value == Decimal("80.5")


def test_granting_and_revoking_roles(client, city_admin, officer_thac_gian):
    newcomer = _user("t_newcomer")
    body = {"user": "t_newcomer", "role": "reporter", "version": "2024", "unit": "20221", "reason": "Cán bộ mới"}
    refused = client.post("/api/v1/roles/grant", body, content_type="application/json", **bearer(officer_thac_gian))
    assert (refused.status_code, refused.json()["kind"]) == (403, "forbidden")
    granted = client.post("/api/v1/roles/grant", body, content_type="application/json", **bearer(city_admin))
    assert (granted.status_code, granted.json()["held"]) == (200, True)
    again = client.post("/api/v1/roles/grant", body, content_type="application/json", **bearer(city_admin))
    assert (again.status_code, again.json()["kind"]) == (409, "duplicate")
    revoked = client.post("/api/v1/roles/revoke", body, content_type="application/json", **bearer(city_admin))
    assert (revoked.status_code, revoked.json()["held"]) == (200, False)
    assert not RoleAssignment.objects.filter(user=newcomer).exists()
    assert list(RoleAssignmentHistory.objects.filter(user=newcomer).order_by("id").values_list("action", "channel")) \
        == [("grant", "api"), ("revoke", "api")]
