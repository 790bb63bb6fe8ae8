"""What the review workflow says when it refuses, in English for whoever chose English (the language cookie) and in
Vietnamese, exactly as before, for everyone else: a submit refused on the entry grid (errors left, warnings not
explained), a return or reopen without a reason, an approval by someone who may not approve, a report whose state
changed meanwhile, a report not complete enough to approve (the matrix's bulk action and the review page). The API
keeps answering in Vietnamese."""

from __future__ import annotations

from html import unescape

import pytest

from chiso.collection.models import Form, FormElement, Status, Submission, ValidationRule
from chiso.collection.workflow import WorkflowError, do_transition, submission_for
from chiso.indicators.models import DataElement
from tests.collection.test_entry_support import ENTRY_URLS, english, grid_url, put, vietnamese
from tests.conftest import _user, unit

pytestmark = [pytest.mark.django_db, ENTRY_URLS]
TDP = "BC-THANG-TDP"
BULK = "/nhap-lieu/duyet/xu-ly/"
GROUP = "Tổ dân phố 1 (Thạc Gián)"
INCOMPLETE = "Not enough figures: 5/6 lines hold a number (83%; 100% needed)."
INCOMPLETE_VI = "Chưa đủ số liệu: 5/6 dòng có số (83%; cần 100%)."


@pytest.fixture
def approver(db):
    return _user("t_approver_thanh_khe", "approver", unit("2024", "491"))


def text(response) -> str:
    return unescape(response.content.decode())


def waiting(code: str = "TDP-TG-01", period: str = "2024-12") -> Submission:
    return Submission.objects.get(form__code=TDP, unit__version__name="2024", unit__code=code, period=period)


def ward_report() -> Submission:
    from chiso.collection.entry import grid

    report = grid.find_report("BC-CDS-THANG-XA", "2024", "20221", "2021-05")
    return submission_for(report.form, report.unit, str(report.period))


def one_line_more() -> None:
    """The form gains a line after the groups submitted: they hold 5 of its 6 lines now."""
    FormElement.objects.create(form=Form.objects.get(code=TDP), data_element=DataElement.objects.get(code="DS-TT"),
                               order=99)


# -- the entry grid: submit, return, reopen ---------------------------------------------------------------

def test_a_submit_with_an_error_left_is_refused_in_english(client, officer_thac_gian):
    put("XHS-05", 100, user=officer_thac_gian)
    put("XHS-06", 120, user=officer_thac_gian)  # more accounts activated than applications: an error
    client.force_login(officer_thac_gian)
    response = english(client).post(grid_url(suffix="thao-tac/submit/"), {"xac-nhan": "1"})
    page = text(response)
    assert response.status_code == 400 and ward_report().status == Status.DRAFT
    assert '<div class="entry-problems" role="alert">\n  <ul><li>Not submitted yet: errors remain.</li></ul>' in page
    assert "Chưa gửi được" not in page
    page = text(vietnamese(client).post(grid_url(suffix="thao-tac/submit/"), {"xac-nhan": "1"}))
    assert '<div class="entry-problems" role="alert">\n  <ul><li>Chưa gửi được: còn lỗi.</li></ul>' in page
    assert "Not submitted" not in page


def test_a_submit_with_a_warning_unexplained_is_refused_in_english(client, officer_thac_gian):
    put("XHS-05", 100, user=officer_thac_gian)
    put("DS", 80, user=officer_thac_gian)  # 100 applications for 80 residents: a warning
    client.force_login(officer_thac_gian)
    page = text(english(client).post(grid_url(suffix="thao-tac/submit/"), {"xac-nhan": "1"}))
    assert "<li>Not submitted yet: the warnings need an explanation.</li>" in page
    page = text(vietnamese(client).post(grid_url(suffix="thao-tac/submit/"), {"xac-nhan": "1"}))
    assert "<li>Chưa gửi được: cần giải trình các cảnh báo.</li>" in page
    assert ward_report().status == Status.DRAFT


@pytest.mark.parametrize(("action", "english_words", "vietnamese_words"), [
    ("return", "Write a reason to return the report.", "Cần ghi lý do để 'trả lại'."),
    ("reopen", "Write a reason to reopen the report.", "Cần ghi lý do để 'mở lại'."),
])
def test_a_return_or_reopen_without_a_reason_is_refused_in_english(client, officer_thac_gian, approver, action,
                                                                    english_words, vietnamese_words):
    do_transition(ward_report(), "submit", acting_user=officer_thac_gian)
    if action == "reopen":
        do_transition(ward_report(), "approve", acting_user=approver)
    before = ward_report().status
    client.force_login(approver)
    response = english(client).post(grid_url(suffix=f"thao-tac/{action}/"), {"ly-do": "   "})
    page = text(response)
    assert response.status_code == 400 and f"<li>{english_words}</li>" in page and vietnamese_words not in page
    page = text(vietnamese(client).post(grid_url(suffix=f"thao-tac/{action}/"), {"ly-do": ""}))
    assert f"<li>{vietnamese_words}</li>" in page and english_words not in page
    assert ward_report().status == before


def test_the_action_says_each_refusal_in_both_languages(officer_thac_gian, officer_tan_chinh, approver):
    report = ward_report()
    with pytest.raises(WorkflowError) as error:
        do_transition(report, "approve", acting_user=approver)
    assert (error.value.message, error.value.message_en) == (
        "Không thể 'duyệt' báo cáo đang ở trạng thái 'Bản nháp'.", "Cannot approve a report in the state 'Draft'.")
    with pytest.raises(WorkflowError) as error:
        do_transition(report, "submit", acting_user=officer_tan_chinh)
    assert (error.value.message, error.value.message_en) == (
        "Bạn không có quyền 'gửi báo cáo' báo cáo của Phường Thạc Gián.",
        "You are not allowed to submit the report of Phường Thạc Gián.")
    with pytest.raises(WorkflowError) as error:
        do_transition(report, "publish", acting_user=approver)
    assert error.value.message_en == ("There is no action 'publish' (there are: submit, recall, approve, return, "
                                      "lock, reopen).")
    put("XHS-05", 100, user=officer_thac_gian)
    put("XHS-06", 120, user=officer_thac_gian)
    with pytest.raises(WorkflowError) as error:
        do_transition(report, "submit", acting_user=officer_thac_gian)
    assert (error.value.message, error.value.message_en) == ("Chưa gửi được: còn lỗi.",
                                                             "Not submitted yet: errors remain.")
    assert str(error.value).splitlines() == [  # what the API answers, as before
        "Chưa gửi được: còn lỗi.",
        "Lỗi (Phường Thạc Gián, kỳ 2021-05): Số tài khoản định danh điện tử đã kích hoạt (120) không được lớn hơn "
        "Số hồ sơ định danh điện tử đã thu nhận (100)."]


# -- the approval matrix and the review page ------------------------------------------------------------------

def test_an_officer_who_may_not_approve_is_told_so_in_english(client, officer_thac_gian):
    client.force_login(officer_thac_gian)
    page = text(english(client).post(BULK, {"bao-cao": [waiting().pk], "thao-tac": "approve"}, follow=True))
    assert (f"Not approved {GROUP} · Monthly report — residential group · period 2024-12: You are not allowed to "
            f"approve the report of {GROUP}.") in page
    assert "Bạn không có quyền" not in page
    page = text(vietnamese(client).post(BULK, {"bao-cao": [waiting().pk], "thao-tac": "approve"}, follow=True))
    assert (f"Chưa duyệt {GROUP} · Báo cáo tháng — tổ dân phố · kỳ 2024-12: Bạn không có quyền duyệt báo cáo của "
            f"{GROUP}.") in page
    assert set(Submission.objects.filter(pk=waiting().pk).values_list("status", flat=True)) == {Status.SUBMITTED}


def test_a_return_without_a_reason_and_a_report_already_approved_in_english(client, approver):
    client.force_login(approver)
    page = text(english(client).post(BULK, {"bao-cao": [waiting().pk], "thao-tac": "return", "ly-do": " "},
                                     follow=True))
    assert (f"Not returned {GROUP} · Monthly report — residential group · period 2024-12: Write a reason for "
            "returning, so that the unit knows what to correct.") in page
    approved = waiting(period="2024-11")
    page = text(client.post(BULK, {"bao-cao": [approved.pk], "thao-tac": "approve"}, follow=True))
    assert (f"Not approved {GROUP} · Monthly report — residential group · period 2024-11: The report is in the "
            "state 'Approved': only a submitted report can be approved.") in page
    page = text(vietnamese(client).post(BULK, {"bao-cao": [approved.pk], "thao-tac": "return", "ly-do": "x"},
                                        follow=True))
    assert (f"Không trả lại {GROUP} · Báo cáo tháng — tổ dân phố · kỳ 2024-11: Báo cáo đang ở trạng thái 'Đã "
            "duyệt': chỉ trả lại được báo cáo đã gửi.") in page
    assert waiting().status == Status.SUBMITTED


def test_an_incomplete_report_is_not_approved_in_english(client, approver):
    one_line_more()
    client.force_login(approver)
    page = text(english(client).post(BULK, {"bao-cao": [waiting().pk], "thao-tac": "approve"}, follow=True))
    assert f"Not approved {GROUP} · Monthly report — residential group · period 2024-12: {INCOMPLETE}" in page
    assert INCOMPLETE_VI not in page
    page = text(vietnamese(client).post(BULK, {"bao-cao": [waiting().pk], "thao-tac": "approve"}, follow=True))
    assert f"Chưa duyệt {GROUP} · Báo cáo tháng — tổ dân phố · kỳ 2024-12: {INCOMPLETE_VI}" in page
    assert waiting().status == Status.SUBMITTED


def test_the_review_page_says_why_a_report_cannot_be_approved_in_english(client, approver):
    one_line_more()
    ValidationRule.objects.create(code="T-HO", name_vi="Số hộ không vượt một phần năm số dân",
                                  name_en="Households at most a fifth of the population",
                                  left="5 * HO", operator="<=", right="DS", severity="error")
    client.force_login(approver)
    url = f"/nhap-lieu/duyet/2024/TDP-TG-01/{TDP}/2024-12/"
    page = text(english(client).get(url))
    rule = "Households at most a fifth of the population — needs 5 × Total households (117) ≤ Population (402)."
    assert (f"<ul><li>Rule broken: {rule}</li><li>{INCOMPLETE}</li></ul>") in page
    assert f"</span> {rule}</li>" in page  # the rule's line in the checks
    assert "Completeness: 5/6 lines hold a number (83%; 100% needed)." in page
    assert "Vi phạm quy tắc" not in page and "dòng có số" not in page and "Tổng số hộ" not in page
    matrix = text(client.get(f"/nhap-lieu/duyet/?phien_ban=2024&bieu_mau={TDP}&ky=2024-12&so_ky=1"))
    assert f'title="Rule broken: {rule} {INCOMPLETE}"' in matrix
    page = text(vietnamese(client).get(url))
    assert ("<ul><li>Vi phạm quy tắc: Số hộ không vượt một phần năm số dân — cần 5 × Tổng số hộ (117) ≤ Dân số "
            f"(402).</li><li>{INCOMPLETE_VI}</li></ul>") in page
    assert "Đầy đủ: 5/6 dòng có số (83%; cần 100%)." in page and "Rule broken" not in page


def test_the_api_keeps_answering_in_vietnamese(client, officer_thac_gian):
    client.force_login(officer_thac_gian)
    body = english(client).post("/api/v1/submissions/approve", {"reports": [
        {"form": TDP, "version": "2024", "unit": "TDP-TG-01", "period": "2024-12"}]},
        content_type="application/json").json()
    assert body["reports"][0]["reasons"] == [f"Bạn không có quyền duyệt báo cáo của {GROUP}."]


# -- one refusal, said by the action, whatever the channel ---------------------------------------------------------

def test_the_grid_says_the_actions_own_refusal_before_starting_a_transition(client, officer_thac_gian):
    """Not allowed (403) and not in this state (409) come from ``workflow.transition_refusal``, the words
    ``do_transition`` raises: the grid (before a submit's summary) answers them, not words of its own (the API too:
    test_workflow_api)."""
    client.force_login(officer_thac_gian)
    response = english(client).post(grid_url(suffix="thao-tac/approve/"))
    assert response.status_code == 403
    assert "<li>You are not allowed to approve the report of Phường Thạc Gián.</li>" in text(response)
    response = vietnamese(client).post(grid_url(suffix="thao-tac/approve/"))
    assert "<li>Bạn không có quyền &#x27;duyệt&#x27; báo cáo của Phường Thạc Gián.</li>" in response.content.decode()
    response = english(client).post(grid_url(suffix="thao-tac/recall/"))  # a draft cannot be recalled
    assert response.status_code == 409
    assert "<li>Cannot recall a report in the state &#x27;Draft&#x27;.</li>" in response.content.decode()
    with pytest.raises(WorkflowError) as raised:
        do_transition(ward_report(), "recall", acting_user=officer_thac_gian)
    assert (raised.value.status, raised.value.message, raised.value.message_en) == (
        409, "Không thể 'rút lại để sửa' báo cáo đang ở trạng thái 'Bản nháp'.",
        "Cannot recall a report in the state 'Draft'.")
