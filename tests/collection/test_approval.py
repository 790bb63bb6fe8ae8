"""The approval matrix (/nhap-lieu/duyet/), bulk approve and return, the review page and the API twins.

The small world (and the whole demo alike) leaves the six tổ dân phố reports of 12/2024 (map 2024, under quận
Thanh Khê) submitted; the other reports of 10–12/2024 of their form are approved. The tests read the three
months 10–12/2024 so the counts are the same on both worlds.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from chiso.collection.approval import matrix as matrices
from chiso.collection.models import Form, FormElement, Status, Submission, SubmissionEvent, ValidationRule
from chiso.collection.review import do_approve_reports, do_return_reports
from chiso.indicators.models import DataElement
from tests.conftest import _user, unit

pytestmark = pytest.mark.django_db
TDP = "BC-THANG-TDP"
MATRIX = "/nhap-lieu/duyet/"
VIEW = MATRIX + "?phien_ban=2024&bieu_mau=BC-THANG-TDP&ky=2024-12&so_ky=3"
GROUPS = ["TDP-TC-01", "TDP-TC-02", "TDP-TC-03", "TDP-TG-01", "TDP-TG-02", "TDP-TG-03"]


@pytest.fixture
def approver_thanh_khe(db):
    return _user("t_approver_thanh_khe", "approver", unit("2024", "491"))


@pytest.fixture
def approver_hai_chau(db):
    return _user("t_approver_hai_chau", "approver", unit("2024", "492"))


def waiting(code: str) -> Submission:
    return Submission.objects.get(form__code=TDP, unit__version__name="2024", unit__code=code, period="2024-12")


def states() -> dict[str, str]:
    return {s.unit.code: s.status for s in Submission.objects.filter(
        form__code=TDP, unit__code__in=GROUPS, unit__version__name="2024", period="2024-12").select_related("unit")}


def review_url(code: str) -> str:
    return f"{MATRIX}2024/{code}/{TDP}/2024-12/"


# -- the matrix ---------------------------------------------------------------------------------------

def test_the_district_approver_sees_true_counts_and_can_tick_the_waiting_reports(client, approver_thanh_khe):
    client.force_login(approver_thanh_khe)
    response = client.get(VIEW)
    m = response.context["m"]
    assert response.status_code == 200
    assert (m.version, m.form.code, [str(p) for p in m.periods]) == ("2024", TDP, ["2024-12", "2024-11", "2024-10"])
    assert m.counts == {"approved": 12, "submitted": 6}
    assert m.waiting == 6
    assert [r.unit.code for r in m.rows] == GROUPS
    assert [[c.state for c in r.cells] for r in m.rows] == [["submitted", "approved", "approved"]] * 6
    assert [c.reviewable for r in m.rows for c in r.cells].count(True) == 6
    assert all(c.blockers == [] for r in m.rows for c in r.cells)
    assert [(c.value, c.label) for c in m.districts] == [("491", "Quận Thanh Khê")]
    text = response.content.decode()
    assert text.count('name="bao-cao"') == 6 and "Chờ bạn duyệt: <strong>6</strong>" in text


def test_the_default_view_opens_on_the_form_and_month_waiting(client, approver_thanh_khe):
    client.force_login(approver_thanh_khe)
    m = client.get(MATRIX).context["m"]
    assert (m.version, m.form.code, str(m.periods[0]), len(m.periods)) == ("2024", TDP, "2024-12", 6)
    assert m.counts["submitted"] == 6


def test_filters_by_state_peer_group_and_district(client, approver_thanh_khe):
    client.force_login(approver_thanh_khe)
    assert client.get(VIEW + "&trang_thai=submitted").context["m"].total_rows == 6
    assert client.get(VIEW + "&trang_thai=returned").context["m"].total_rows == 0
    assert client.get(VIEW + "&nhom=to_dan_pho").context["m"].total_rows == 6
    assert client.get(VIEW + "&nhom=phuong").context["m"].total_rows == 0
    assert client.get(VIEW + "&quan=491").context["m"].total_rows == 6
    assert client.get(VIEW + "&quan=492").context["m"].total_rows == 0
    one = client.get(VIEW.replace("so_ky=3", "so_ky=1")).context["m"]
    assert ([str(p) for p in one.periods], one.counts) == (["2024-12"], {"submitted": 6})


def test_rows_come_a_page_at_a_time_with_the_true_total(client, approver_thanh_khe, monkeypatch):
    monkeypatch.setattr(matrices, "PAGE_ROWS", 4)
    client.force_login(approver_thanh_khe)
    first = client.get(VIEW)
    m = first.context["m"]
    assert (len(m.rows), m.total_rows, m.pages, m.counts["submitted"]) == (4, 6, 2, 6)
    assert "đơn vị 1–4 trong 6 (trang 1/2)" in first.content.decode()
    second = client.get(VIEW + "&trang=2").context["m"]
    assert [r.unit.code for r in second.rows] == GROUPS[4:]


def test_an_approver_of_another_district_sees_nothing_of_thanh_khe(client, approver_hai_chau):
    client.force_login(approver_hai_chau)
    response = client.get(VIEW)
    assert response.context["m"].waiting == 0
    assert response.context["m"].rows == []
    assert "Tổ dân phố" not in response.content.decode()


def test_a_viewer_sees_no_draft_in_the_matrix(client, viewer):
    client.force_login(viewer)
    response = client.get(VIEW)
    assert response.status_code == 200
    assert (response.context["m"].form, response.context["m"].rows, response.context["m"].waiting) == (None, [], 0)
    assert "Chờ duyệt" not in response.content.decode()


def test_a_ward_officer_sees_its_own_groups_without_a_box_to_tick(client, officer_thac_gian):
    client.force_login(officer_thac_gian)
    m = client.get(VIEW).context["m"]
    assert [r.unit.code for r in m.rows] == ["TDP-TG-01", "TDP-TG-02", "TDP-TG-03"]
    assert (m.counts, m.waiting) == ({"approved": 6, "submitted": 3}, 0)
    assert not any(c.reviewable for r in m.rows for c in r.cells)


def test_the_pages_need_a_login(client):
    for url in (MATRIX, review_url("TDP-TG-01")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/nhap-lieu/dang-nhap/")


# -- bulk approve and return (the page) ------------------------------------------------------------------

def test_bulk_approve_of_three_reports(client, approver_thanh_khe):
    client.force_login(approver_thanh_khe)
    ids = [waiting(c).pk for c in GROUPS[:3]]
    response = client.post("/nhap-lieu/duyet/xu-ly/", {"bao-cao": ids, "thao-tac": "approve",
                                                       "quay-lai": "phien_ban=2024&bieu_mau=BC-THANG-TDP"})
    assert response.status_code == 302 and response["Location"] == MATRIX + "?phien_ban=2024&bieu_mau=BC-THANG-TDP"
    assert states() == {c: "approved" for c in GROUPS[:3]} | {c: "submitted" for c in GROUPS[3:]}
    assert SubmissionEvent.objects.filter(submission_id__in=ids, action="approve",
                                          by=approver_thanh_khe).count() == 3
    after = client.get(VIEW)
    assert after.context["m"].counts == {"approved": 15, "submitted": 3}
    assert "Đã duyệt 3 báo cáo" in after.content.decode()


def test_bulk_return_needs_a_reason_and_keeps_it(client, approver_thanh_khe):
    client.force_login(approver_thanh_khe)
    ids = [waiting(c).pk for c in GROUPS[:2]]
    client.post("/nhap-lieu/duyet/xu-ly/", {"bao-cao": ids, "thao-tac": "return", "ly-do": "  "})
    assert set(states().values()) == {"submitted"}
    client.post("/nhap-lieu/duyet/xu-ly/", {"bao-cao": ids, "thao-tac": "return", "ly-do": "Số hộ chưa khớp"})
    assert [states()[c] for c in GROUPS] == ["returned"] * 2 + ["submitted"] * 4
    assert list(SubmissionEvent.objects.filter(submission_id__in=ids, action="return")
                .values_list("reason", flat=True)) == ["Số hộ chưa khớp"] * 2


def test_an_approver_of_another_district_cannot_approve_by_posting_ids(client, approver_hai_chau):
    client.force_login(approver_hai_chau)
    response = client.post("/nhap-lieu/duyet/xu-ly/", {"bao-cao": [waiting("TDP-TG-01").pk], "thao-tac": "approve"})
    assert response.status_code == 404
    response = client.post("/nhap-lieu/duyet/xu-ly/", {"bao-cao": [waiting("TDP-TG-01").pk], "thao-tac": "return",
                                                       "ly-do": "x"})
    assert response.status_code == 404
    assert set(states().values()) == {"submitted"}


def test_a_ward_officer_cannot_approve_its_own_groups(client, officer_thac_gian):
    client.force_login(officer_thac_gian)
    response = client.post("/nhap-lieu/duyet/xu-ly/", {"bao-cao": [waiting("TDP-TG-01").pk], "thao-tac": "approve"},
                           follow=True)
    assert set(states().values()) == {"submitted"}
    assert ("Chưa duyệt Tổ dân phố 1 (Thạc Gián) · Báo cáo tháng — tổ dân phố · kỳ 2024-12: Bạn không có quyền "
            "duyệt báo cáo của Tổ dân phố 1 (Thạc Gián).") in response.content.decode()


def test_a_viewer_cannot_post_either(client, viewer):
    client.force_login(viewer)
    response = client.post("/nhap-lieu/duyet/xu-ly/", {"bao-cao": [waiting("TDP-TG-01").pk], "thao-tac": "approve"})
    assert response.status_code == 404
    assert set(states().values()) == {"submitted"}


def test_nothing_ticked_is_said(client, approver_thanh_khe):
    client.force_login(approver_thanh_khe)
    response = client.post("/nhap-lieu/duyet/xu-ly/", {"thao-tac": "approve"}, follow=True)
    assert "Chưa chọn báo cáo nào" in response.content.decode()


# -- the rule: only reports that pass their checks ---------------------------------------------------------

def test_reports_that_fail_their_checks_are_left_alone_with_why(approver_thanh_khe):
    # the form gains a line after the groups submitted: they hold 5 of its 6 lines now
    blocked = waiting("TDP-TG-01")
    form = Form.objects.get(code=TDP)
    FormElement.objects.create(form=form, data_element=DataElement.objects.get(code="DS-TT"), order=99)
    outcomes = do_approve_reports([blocked, waiting("TDP-TG-02"), waiting("TDP-TG-02")], acting_user=approver_thanh_khe)
    assert [(o.submission.unit.code, o.done) for o in outcomes] == [("TDP-TG-01", False), ("TDP-TG-02", False)]
    assert [r.message for r in outcomes[0].reasons] == ["Chưa đủ số liệu: 5/6 dòng có số (83%; cần 100%)."]
    assert set(states().values()) == {"submitted"}
    form.completeness_threshold = Decimal(80)
    form.save()
    outcomes = do_approve_reports([blocked], acting_user=approver_thanh_khe)
    assert [o.done for o in outcomes] == [True]
    assert states()["TDP-TG-01"] == "approved"


def test_an_error_rule_refuses_in_words(approver_thanh_khe):
    ValidationRule.objects.create(code="T-HO", name_vi="Số hộ không vượt một phần năm số dân",
                                  name_en="Households at most a fifth of the population",
                                  left="5 * HO", operator="<=", right="DS", severity="error")
    [outcome] = do_approve_reports([waiting("TDP-TG-01")], acting_user=approver_thanh_khe)
    assert not outcome.done
    assert [r.message for r in outcome.reasons] == [
        "Vi phạm quy tắc: Số hộ không vượt một phần năm số dân — cần 5 × Tổng số hộ (117) ≤ Dân số (402)."]
    assert states()["TDP-TG-01"] == "submitted"


def test_only_submitted_reports_are_approved_or_returned(approver_thanh_khe):
    approved = Submission.objects.get(form__code=TDP, unit__version__name="2024", unit__code="TDP-TG-01",
                                      period="2024-11")
    [outcome] = do_approve_reports([approved], acting_user=approver_thanh_khe)
    assert [r.message for r in outcome.reasons] == [
        "Báo cáo đang ở trạng thái 'Đã duyệt': chỉ duyệt được báo cáo đã gửi."]
    [outcome] = do_return_reports([approved], acting_user=approver_thanh_khe, reason="x")
    assert [r.message for r in outcome.reasons] == [
        "Báo cáo đang ở trạng thái 'Đã duyệt': chỉ trả lại được báo cáo đã gửi."]
    assert Submission.objects.get(pk=approved.pk).status == Status.APPROVED


# -- the review page -----------------------------------------------------------------------------------------

def test_the_review_page_opens_on_the_checks_with_the_buttons_on_top(client, approver_thanh_khe):
    ValidationRule.objects.create(code="T-HO", name_vi="Số hộ không vượt một phần năm số dân",
                                  name_en="Households at most a fifth of the population",
                                  left="5 * HO", operator="<=", right="DS", severity="warning")
    client.force_login(approver_thanh_khe)
    response = client.get(review_url("TDP-TG-01"))
    text = response.content.decode()
    assert response.status_code == 200
    assert text.index(">Duyệt</button>") < text.index("Kiểm tra quy tắc") < text.index("Số liệu đã nhập")
    assert ("Số hộ không vượt một phần năm số dân — cần 5 × Tổng số hộ (117) ≤ Dân số (402). "
            "(Chưa có giải trình.)") in text
    assert "T-HO" not in text and "5 * HO" not in text


def test_the_review_page_shows_the_rates_beside_last_period(client, approver_thanh_khe):
    client.force_login(approver_thanh_khe)
    response = client.get(f"{MATRIX}2024/20221/BC-CDS-THANG-XA/2024-12/")
    rates = {r.indicator.code: r for r in response.context["s"].rates}
    cqs01 = rates["CQS-01"]
    assert (cqs01.numerator, cqs01.denominator) == (Decimal(89), Decimal(109))
    text = response.content.decode()
    assert "89 / 109" in text and "81,7%" in text and "80,7%" in text
    assert text.index("Các tỷ lệ") < text.index("Số liệu đã nhập")
    assert ">Duyệt</button>" not in text  # approved already: nothing to press


def test_the_review_page_is_a_404_to_outsiders_and_viewers(client, approver_hai_chau, viewer):
    for user in (approver_hai_chau, viewer):
        client.force_login(user)
        assert client.get(review_url("TDP-TG-01")).status_code == 404


def test_a_ward_officer_reads_the_review_page_without_buttons(client, officer_thac_gian):
    client.force_login(officer_thac_gian)
    response = client.get(review_url("TDP-TG-01"))
    assert response.status_code == 200 and ">Duyệt</button>" not in response.content.decode()
    assert client.get(review_url("TDP-TC-01")).status_code == 404


# -- the API twins --------------------------------------------------------------------------------------------

def _body(*codes: str) -> dict:
    return {"reports": [{"form": TDP, "version": "2024", "unit": c, "period": "2024-12"} for c in codes]}


def test_the_api_approves_through_the_same_rule(client, approver_thanh_khe):
    client.force_login(approver_thanh_khe)
    response = client.post("/api/v1/submissions/approve", _body("TDP-TG-01", "TDP-TG-02"),
                           content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["done"] == 2 and response.json()["refused"] == 0
    again = client.post("/api/v1/submissions/approve", _body("TDP-TG-01"), content_type="application/json").json()
    assert again["reports"] == [{"form": TDP, "unit": "TDP-TG-01", "version": "2024", "period": "2024-12",
                                 "done": False, "status": "approved",
                                 "reasons": ["Báo cáo đang ở trạng thái 'Đã duyệt': chỉ duyệt được báo cáo đã gửi."]}]
    returned = client.post("/api/v1/submissions/return", _body("TDP-TG-03") | {"reason": "Thiếu số hộ"},
                           content_type="application/json").json()
    assert (returned["done"], states()["TDP-TG-03"]) == (1, "returned")


def test_the_api_refuses_outsiders_viewers_and_officers(client, approver_hai_chau, viewer, officer_thac_gian):
    for user in (approver_hai_chau, viewer):
        client.force_login(user)
        response = client.post("/api/v1/submissions/approve", _body("TDP-TG-01"), content_type="application/json")
        assert response.status_code == 404
        assert client.post("/api/v1/submissions/return", _body("TDP-TG-01") | {"reason": "x"},
                           content_type="application/json").status_code == 404
    client.force_login(officer_thac_gian)
    body = client.post("/api/v1/submissions/approve", _body("TDP-TG-01"), content_type="application/json").json()
    assert (body["done"], body["reports"][0]["reasons"]) == (
        0, ["Bạn không có quyền duyệt báo cáo của Tổ dân phố 1 (Thạc Gián)."])
    assert client.post("/api/v1/submissions/return", _body("TDP-TG-01"),
                       content_type="application/json").status_code == 400
    assert set(states().values()) == {"submitted"}


def test_odd_input_gets_a_clear_answer_and_changes_nothing(client, approver_thanh_khe):
    client.force_login(approver_thanh_khe)
    text = client.get(MATRIX + "?phien_ban=1999&ky=khong-phai-ky&so_ky=99999999999&trang=-3").content.decode()
    assert "Không có danh mục đơn vị “1999” nào có biểu mẫu giao cho các đơn vị bạn phụ trách." in text
    m = client.get(VIEW.replace("ky=2024-12", "ky=2024-Q4") + "&trang=99999999").context["m"]
    assert (str(m.periods[0]), m.page) == ("2024-12", 1)  # a quarter for a monthly form: the default month
    response = client.post("/nhap-lieu/duyet/xu-ly/", {"bao-cao": ["9" * 30, "=1+1"], "thao-tac": "approve"},
                           follow=True)
    assert "Chưa chọn báo cáo nào" in response.content.decode()
    assert client.post("/nhap-lieu/duyet/xu-ly/", {"bao-cao": ["987654321"], "thao-tac": "approve"}).status_code == 404
    assert set(states().values()) == {"submitted"}


def test_many_refusals_are_named_ten_at_a_time(client, approver_thanh_khe, monkeypatch):
    from chiso.collection.approval import views

    monkeypatch.setattr(views, "NAMED", 2)
    FormElement.objects.create(form=Form.objects.get(code=TDP), data_element=DataElement.objects.get(code="DS-TT"))
    client.force_login(approver_thanh_khe)
    response = client.post("/nhap-lieu/duyet/xu-ly/", {"bao-cao": [waiting(c).pk for c in GROUPS],
                                                       "thao-tac": "approve"}, follow=True)
    text = response.content.decode().split('<ul class="entry-messages">')[1].split("</ul>")[0]
    assert text.count("Chưa đủ số liệu: 5/6 dòng có số (83%; cần 100%).") == 2
    assert "Chưa duyệt 4 báo cáo khác vì các lý do tương tự" in text
    assert set(states().values()) == {"submitted"}


def test_an_outlier_is_said_in_words_not_as_a_score(client, approver_thanh_khe, monkeypatch):
    from chiso.collection.approval import sheet
    from chiso.collection.validation import Outlier

    far = Outlier("DS", 40043.3, "gấp khoảng 40 lần mức thường thấy của tổ dân phố (khoảng 10)")
    monkeypatch.setattr(sheet, "outliers", lambda unit, period, values: {"DS": far} if "DS" in values else {})
    client.force_login(approver_thanh_khe)
    text = client.get(review_url("TDP-TG-01")).content.decode()
    assert "Dân số: 402 — gấp khoảng 40 lần mức thường thấy của tổ dân phố (khoảng 10)." in text
    assert "40.043" not in text and "điểm z" not in text
