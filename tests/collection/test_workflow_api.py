"""Writing through the API: POST /api/v1/values and POST /api/v1/submissions/…, tokens and sessions."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

import pytest
from django.test import Client

from chiso.accounts.models import ApiToken
from chiso.api.auth import create_token
from chiso.collection.models import Form, Status
from chiso.collection.workflow import submission_for
from tests.collection.test_entry_support import MONTHLY, PERIOD, put, stored
from tests.conftest import _user, unit

pytestmark = pytest.mark.django_db
NO_CREDENTIALS = ("Cần xác thực: gửi mã truy cập trong tiêu đề 'Authorization: Bearer <mã>' "
                  "hoặc đăng nhập trên web.")


def token_of(user) -> str:
    return create_token(user, "kiểm thử")[1]


def post(path: str, body: object, token: str | None = None, client: Client | None = None, **headers):
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    response = (client or Client()).post(f"/api/v1{path}", json.dumps(body), content_type="application/json",
                                         **headers)
    return response.status_code, response.json()


def figure(code="XHS-14", value=5, **extra):
    return {"data_element": code, "unit": "20221", "version": "2024", "period": PERIOD, "value": value, **extra}


def submission_path(action: str, code="20221", period=PERIOD) -> str:
    return f"/submissions/{MONTHLY}/2024/{code}/{period}/{action}"


@pytest.fixture
def approver_thanh_khe(db):
    return _user("t_approver_thanh_khe", "approver", unit("2024", "491"))


# -- POST /values --------------------------------------------------------------------------------------

def test_a_token_writes_figures_with_channel_api_and_the_reason(officer_thac_gian):
    token = token_of(officer_thac_gian)
    status, body = post("/values?reason=Đồng bộ từ LGSP", [figure(), figure("XHS-05", "3500", qualifier="at_least")],
                        token)
    assert (status, body) == (200, {"created": 2, "changed": 0, "unchanged": 0, "values": [
        {"data_element": "XHS-14", "unit": "20221", "version": "2024", "period": PERIOD, "value": 5.0,
         "qualifier": "exact", "revision": 1},
        {"data_element": "XHS-05", "unit": "20221", "version": "2024", "period": PERIOD, "value": 3500.0,
         "qualifier": "at_least", "revision": 1},
    ], "warnings": []})
    assert list(stored("XHS-05").history.values_list("channel", "reason", "changed_by__username")) == [
        ("api", "Đồng bộ từ LGSP", "t_officer_thac_gian")]
    assert ApiToken.objects.get(user=officer_thac_gian).last_used is not None


def test_the_version_defaults_to_the_one_in_force_at_the_end_of_the_period(officer_thac_gian):
    status, body = post("/values", [{"data_element": "XHS-14", "unit": "20221", "period": PERIOD, "value": 5}],
                        token_of(officer_thac_gian))
    assert (status, body["values"][0]["version"]) == (200, "2024")
    status, body = post("/values", [{"data_element": "XHS-14", "unit": "20221", "period": "2025-08", "value": 5}],
                        token_of(officer_thac_gian))
    assert (status, body) == (400, {"detail": "Không ghi gì: 1 giá trị không đọc được.", "problems": [
        "Giá trị 1 (XHS-14, 20221, kỳ 2025-08): không có đơn vị mã 20221 trong phiên bản 2025-07."]})


def test_source_and_comment_are_kept_unless_given(officer_thac_gian):
    put("XHS-14", 5, source="Sổ phường", comment="đếm tay")
    token = token_of(officer_thac_gian)
    assert post("/values", [figure(value=6)], token)[0] == 200
    assert (stored("XHS-14").source, stored("XHS-14").comment) == ("Sổ phường", "đếm tay")
    assert post("/values", [figure(value=6, source="LGSP", comment="")], token)[0] == 200
    assert (stored("XHS-14").source, stored("XHS-14").comment) == ("LGSP", "")


def test_unreadable_figures_are_400_and_nothing_is_written(officer_thac_gian):
    status, body = post("/values", [
        figure(), figure("KHONG-CO"), figure(period="2021-13"),
        {"data_element": "XHS-14", "unit": "99999", "version": "2024", "period": PERIOD, "value": 1},
    ], token_of(officer_thac_gian))
    assert status == 400
    assert body == {"detail": "Không ghi gì: 3 giá trị không đọc được.", "problems": [
        f"Giá trị 2 (KHONG-CO, 20221, kỳ {PERIOD}): không có yếu tố dữ liệu mã KHONG-CO.",
        "Giá trị 3 (XHS-14, 20221, kỳ 2021-13): Kỳ báo cáo không hợp lệ: '2021-13' (tháng phải từ 01 đến 12). "
        "Dùng dạng 2024, 2024Q3, 2024-07 hoặc 2024-07-15. / Invalid period '2021-13' (month must be 01..12). "
        "Use 2024, 2024Q3, 2024-07 or 2024-07-15.",
        f"Giá trị 4 (XHS-14, 99999, kỳ {PERIOD}): không có đơn vị mã 99999 trong phiên bản 2024.",
    ]}
    assert stored("XHS-14") is None
    assert post("/values", [], token_of(officer_thac_gian)) == (400, {"detail": "Không có giá trị nào để ghi.",
                                                                       "problems": []})


@pytest.mark.parametrize(("value", "extra", "problem"), [
    (-3.5, {}, "-3,5 — số đếm không được âm."),
    (1e30, {}, "1.000E+30 — số quá lớn: tối đa 1.000.000.000.000 (10^12) cho kiểu số nguyên."),
    ("1e999999999", {}, "1.000E+999999999 — số quá lớn: tối đa 1.000.000.000.000 (10^12) cho kiểu số nguyên."),
    (5, {"qualifier": "about"}, "độ chính xác 'about' không hợp lệ (có: exact, approximate, at_least, at_most)."),
])
def test_a_figure_the_action_refuses_is_400_in_vietnamese_and_nothing_is_stored(officer_thac_gian, value, extra,
                                                                                 problem):
    """Issue 14: the API stored -3,5 for XHS-14; issue 8: 1e30 answered 500 and was stored."""
    status, body = post("/values", [figure("XHS-05", 7), figure(value=value, **extra)], token_of(officer_thac_gian))
    assert (status, body) == (400, {"detail": "Không ghi gì: một số giá trị bị từ chối.", "problems": [
        f"XHS-14 (Phường Thạc Gián, kỳ {PERIOD}): {problem}"]})
    assert stored("XHS-14") is None and stored("XHS-05") is None


def test_an_implausible_figure_is_written_and_the_answer_warns(officer_thac_gian):
    status, body = post("/values", [figure(value=2_000_000_000)], token_of(officer_thac_gian))
    assert status == 200 and body["warnings"] == [
        f"XHS-14 (Phường Thạc Gián, kỳ {PERIOD}): số 2.000.000.000 lớn bất thường (trên 1.000.000.000): kiểm tra "
        "lại đơn vị tính."]


def test_another_wards_figures_are_403_and_nothing_is_written(officer_thac_gian):
    status, body = post("/values", [figure(), figure(unit="20212")], token_of(officer_thac_gian))
    assert (status, body) == (403, {"detail": "Không ghi gì: bạn không có quyền ghi một số giá trị.", "problems": [
        f"XHS-14 (Phường Tân Chính, kỳ {PERIOD}): bạn không có quyền ghi số liệu cho Phường Tân Chính (mã 20212, "
        "danh mục 2024). Bỏ số này, hoặc nhờ cán bộ của đơn vị đó nhập."]})
    assert stored("XHS-14") is None


def test_figures_of_an_approved_report_are_409(officer_thac_gian):
    status, body = post("/values", [figure(period="2024-12", value=1)], token_of(officer_thac_gian))
    assert (status, body["detail"]) == (409, "Không ghi gì: báo cáo chứa một số giá trị đã gửi hoặc đã duyệt.")
    assert body["problems"] == ["XHS-14 (Phường Thạc Gián, kỳ 2024-12): báo cáo chứa số liệu này đã gửi hoặc đã "
                                "duyệt; chỉ sửa được sau khi cấp trên trả lại hoặc mở lại báo cáo (có lý do)."]


def test_a_stale_revision_is_409_naming_the_other_change(officer_thac_gian):
    token = token_of(officer_thac_gian)
    assert post("/values", [figure(value=5, revision=0)], token)[1]["values"][0]["revision"] == 1
    assert post("/values", [figure(value=6, revision=1)], token)[0] == 200
    status, body = post("/values", [figure(value=7, revision=1)], token)
    assert (status, body["detail"]) == (409, "Không ghi gì: người khác đã sửa một số giá trị sau khi bạn đọc.")
    assert body["problems"][0].startswith(f"XHS-14 (Phường Thạc Gián, kỳ {PERIOD}): t_officer_thac_gian sửa lúc ")
    assert ", API: 5 → 6 — sau khi bạn mở số liệu (bạn thấy lần sửa 1, nay là lần sửa 2)." in body["problems"][0]
    assert stored("XHS-14").value == Decimal(6)


# -- authentication ------------------------------------------------------------------------------------

def test_without_credentials_it_is_401(db):
    assert post("/values", [figure()]) == (401, {"detail": NO_CREDENTIALS})
    assert post(submission_path("submit"), {}) == (401, {"detail": NO_CREDENTIALS})
    assert post("/values", [figure()], "chiso_not-a-token") == (
        401, {"detail": "Mã truy cập không hợp lệ hoặc đã bị thu hồi."})


def test_tokens_are_stored_hashed_and_die_with_their_user(officer_thac_gian):
    row, token = create_token(officer_thac_gian, "LGSP")
    assert token.startswith("chiso_") and len(token) > 40
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not ApiToken.objects.filter(token_hash=token).exists()
    officer_thac_gian.is_active = False
    officer_thac_gian.save()
    assert post("/values", [figure()], token)[0] == 401


def test_a_browser_session_writes_with_its_csrf_token(officer_thac_gian):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer_thac_gian)
    assert post("/values", [figure()], client=browser) == (
        403, {"detail": "Thiếu hoặc sai mã CSRF: tải lại trang rồi thử lại."})
    browser.get("/nhap-lieu/")  # a page with a form sets the CSRF cookie (public pages have none: they may be copies)
    csrf = browser.cookies["csrftoken"].value
    assert post("/values", [figure()], client=browser, HTTP_X_CSRFTOKEN=csrf)[0] == 200


def test_reading_stays_public(db):
    assert Client().get("/api/v1/values", {"unit": "20221", "version": "2024", "period": "2024-12"}).status_code == 200


# -- POST /submissions/… ---------------------------------------------------------------------------------

def test_submit_then_approve(officer_thac_gian, approver_thanh_khe):
    status, body = post(submission_path("submit"), {}, token_of(officer_thac_gian))
    assert status == 200
    assert {k: body[k] for k in ("form", "unit", "version", "period", "status", "status_label")} == {
        "form": MONTHLY, "unit": "20221", "version": "2024", "period": PERIOD, "status": "submitted",
        "status_label": "Đã gửi"}
    assert [(e["action"], e["by"]) for e in body["events"]] == [("submit", "t_officer_thac_gian")]
    status, body = post(submission_path("approve"), {}, token_of(approver_thanh_khe))
    assert (status, body["status"]) == (200, "approved")


def test_workflow_refusals_say_why(officer_thac_gian, officer_tan_chinh, approver_thanh_khe):
    officer, approver = token_of(officer_thac_gian), token_of(approver_thanh_khe)
    assert post(submission_path("approve"), {}, approver) == (409, {
        "detail": "Không thể 'duyệt' báo cáo đang ở trạng thái 'Bản nháp'.", "problems": []})
    assert post(submission_path("submit"), {}, officer)[0] == 200
    assert post(submission_path("approve"), {}, officer) == (403, {
        "detail": "Bạn không có quyền 'duyệt' báo cáo của Phường Thạc Gián.", "problems": []})
    assert post(submission_path("return"), {"reason": " "}, approver) == (400, {
        "detail": "Cần ghi lý do để 'trả lại'.", "problems": []})
    assert post(submission_path("publish"), {}, approver) == (400, {
        "detail": "Thao tác 'publish' không tồn tại (có: submit, recall, approve, return, lock, reopen).",
        "problems": []})
    assert post(submission_path("submit"), {}, token_of(officer_tan_chinh)) == (404, {
        "detail": "Không tìm thấy báo cáo.", "problems": []})  # another ward's draft: as if it did not exist
    assert post(f"/submissions/KHONG-CO/2024/20221/{PERIOD}/submit", {}, officer) == (404, {
        "detail": "Không có biểu mẫu mã KHONG-CO.", "problems": []})
    status, body = post(submission_path("return"), {"reason": "Thiếu số hộ"}, approver)
    assert (status, body["status"], body["events"][-1]["reason"]) == (200, "returned", "Thiếu số hộ")


def test_submitting_with_errors_lists_them_and_warnings_need_explanations(officer_thac_gian):
    put("XHS-05", 100)
    put("XHS-06", 120)
    token = token_of(officer_thac_gian)
    assert post(submission_path("submit"), {}, token) == (400, {"detail": "Chưa gửi được: còn lỗi.", "problems": [
        f"Lỗi (Phường Thạc Gián, kỳ {PERIOD}): Số tài khoản định danh điện tử đã kích hoạt (120) không được lớn "
        "hơn Số hồ sơ định danh điện tử đã thu nhận (100)."]})
    put("XHS-06", 90)
    put("DS", 80)
    status, body = post(submission_path("submit"), {}, token)
    assert (status, body["detail"]) == (400, "Chưa gửi được: cần giải trình các cảnh báo.")
    status, body = post(submission_path("submit"), {"explanations": {"XHS-05<=DS": "Có người tạm trú"}}, token)
    assert (status, body["status"]) == (200, "submitted")
    report = submission_for(Form.objects.get(code=MONTHLY), unit("2024", "20221"), PERIOD)
    assert (report.status, report.explanations) == (Status.SUBMITTED, {"XHS-05<=DS": "Có người tạm trú"})
