"""The entry grid: who sees it, what it shows, checks as you type, saving, workflow buttons, start page."""

from __future__ import annotations

from decimal import Decimal
from html import unescape

import pytest

from chiso.collection.entry import grid
from chiso.collection.models import Form, Status, Submission
from chiso.collection.workflow import do_transition, submission_for
from chiso.values.models import Channel, DataValueHistory
from tests.collection.test_entry_support import ENTRY_URLS, MONTHLY, PERIOD, grid_url, hidden, put, stored
from tests.conftest import _user, unit

pytestmark = [pytest.mark.django_db, ENTRY_URLS]


@pytest.fixture
def approver_thanh_khe(db):
    return _user("t_approver_thanh_khe", "approver", unit("2024", "491"))


@pytest.fixture
def analyst_thanh_khe(db):
    return _user("t_analyst_thanh_khe", "analyst", unit("2024", "491"))


@pytest.fixture
def officer(client, officer_thac_gian):
    client.force_login(officer_thac_gian)
    return client


def report(code="20221", period=PERIOD):
    return submission_for(Form.objects.get(code=MONTHLY), unit("2024", code), period)


# -- access --------------------------------------------------------------------------------------------

def test_it_requires_login(client):
    response = client.get(grid_url())
    assert response.status_code == 302
    assert response["Location"] == f"/nhap-lieu/dang-nhap/?next={grid_url()}"


def test_it_checks_access(client, officer_tan_chinh, viewer):
    client.force_login(officer_tan_chinh)
    assert client.get(grid_url()).status_code == 404  # another ward's report, as if it did not exist
    assert client.post(grid_url(suffix="luu/"), {"v-XHS-14": "5"}).status_code == 404
    assert client.post(grid_url(suffix="kiem-tra/XHS-14/"), {"v-XHS-14": "5"}).status_code == 404
    assert client.get(grid_url(suffix="lich-su/XHS-14/")).status_code == 404
    client.force_login(viewer)  # a viewer reads published figures on public pages, never drafts
    assert client.get(grid_url()).status_code == 404
    assert stored("XHS-14") is None


@pytest.mark.parametrize("url", [
    grid_url(form="KHONG-CO"),                 # no such form
    grid_url(code="99999"),                    # no such unit
    grid_url(period="2021Q2"),                 # a monthly form has no quarters
    grid_url(period="2021-5"),                 # not the canonical period
    grid_url(code="491"),                      # the district is not given the wards' form
])
def test_reports_that_cannot_exist_are_404(officer, url):
    assert officer.get(url).status_code == 404


def test_the_login_page_logs_a_ward_officer_in(client, officer_thac_gian):
    page = client.get("/nhap-lieu/dang-nhap/")
    assert "Đăng nhập để nhập liệu" in page.content.decode()
    wrong = client.post("/nhap-lieu/dang-nhap/", {"username": "t_officer_thac_gian", "password": "x"})
    assert "Tên đăng nhập hoặc mật khẩu chưa đúng" in wrong.content.decode()
    response = client.post("/nhap-lieu/dang-nhap/", {"username": "t_officer_thac_gian", "password": "pw-for-tests"})
    assert (response.status_code, response["Location"]) == (302, "/nhap-lieu/")


# -- what the grid shows ---------------------------------------------------------------------------------

def test_the_grid_shows_figures_the_vietnamese_way_with_last_period(officer):
    put("XHS-05", 166039, period="2021-04")
    put("XHS-05", 3500, qualifier="at_least")
    put("CQS-15.MS", "1234567")
    html = officer.get(grid_url()).content.decode()
    assert "<h1>Báo cáo CĐS tháng — cấp phường, xã</h1>" in html
    assert '<th scope="col" class="col-prev">Tháng 4/2021</th>' in html
    assert hidden(html, "v-XHS-05") == "hơn 3.500"
    assert hidden(html, "r-XHS-05") == "1"
    assert hidden(html, "v-CQS-15.MS") == "1.234.567"
    assert hidden(html, "v-XHS-06") == "" and hidden(html, "r-XHS-06") == "0"
    row = html.split('data-code="XHS-05"', 1)[1].split("</tr>", 1)[0]
    assert '<span class="prev-label">Tháng 4/2021: </span>166.039' in row
    assert 'hx-post="/nhap-lieu/2024/20221/BC-CDS-THANG-XA/2021-05/kiem-tra/XHS-05/"' in row
    assert "Lưu bản nháp" in html and "Gửi báo cáo" in html
    assert "/static/vendor/htmx/htmx.min.js" in html and "/static/collection/entry.js" in html


def test_an_approved_report_is_locked_and_says_why(officer):
    html = officer.get(grid_url(period="2024-12")).content.decode()  # the demo approved 12/2024
    assert "Báo cáo đã được duyệt: muốn sửa, cấp trên phải mở lại báo cáo (kèm lý do)." in html
    assert hidden(html, "v-XHS-06") == "7.313"
    assert html.count("readonly aria-readonly") == 77
    assert "Lưu bản nháp" not in html
    response = officer.post(grid_url(period="2024-12", suffix="luu/"), {"v-XHS-06": "7.400", "o-XHS-06": "7.313"})
    assert response.status_code == 409
    assert stored("XHS-06", period="2024-12").value == Decimal("7313")


def test_an_analyst_reads_the_draft_but_cannot_write(client, analyst_thanh_khe):
    put("XHS-14", 5)
    client.force_login(analyst_thanh_khe)
    html = client.get(grid_url()).content.decode()
    assert "Bạn chỉ được xem báo cáo này" in html and hidden(html, "v-XHS-14") == "5"
    response = client.post(grid_url(suffix="luu/"), {"v-XHS-14": "6", "o-XHS-14": "5", "r-XHS-14": "1"})
    assert response.status_code == 403
    assert stored("XHS-14").value == Decimal("5")


# -- checks as you type -------------------------------------------------------------------------------

def test_a_cell_that_is_not_a_number_says_how_to_write_it(officer):
    html = unescape(officer.post(grid_url(suffix="kiem-tra/XHS-05/"), {"v-XHS-05": "1.23"}).content.decode())
    assert 'class="cell-state level-error" data-level="error"' in html
    assert ("'1.23' không phải số viết kiểu Việt Nam (dấu chấm '.' chỉ dùng để ngăn cách hàng nghìn và phải đứng "
            "trước đúng 3 chữ số; số thập phân dùng dấu phẩy, ví dụ 1,23)") in html
    html = officer.post(grid_url(suffix="kiem-tra/XHS-05/"), {"v-XHS-05": "gần 25"}).content.decode()
    assert 'data-level="changed"' in html and "Hợp lệ, chưa lưu" in html


@pytest.mark.parametrize(("typed", "why"), [
    ("-3,5", "Số đếm không được âm."),
    ("100.000.000.000.000.000.000", "Số quá lớn: tối đa 1.000.000.000.000 (10^12) cho kiểu số nguyên."),
])
def test_a_cell_the_write_would_refuse_says_so_as_typed_and_on_save(officer, typed, why):
    """The rule is the action's (check_values), shown on the cell as typed and again, once, when saving: the
    other cell of the save is written."""
    html = unescape(officer.post(grid_url(suffix="kiem-tra/XHS-14/"), {"v-XHS-14": typed}).content.decode())
    assert 'class="cell-state level-error" data-level="error"' in html
    assert f'<p class="note note-error">{why}</p>' in html
    response = officer.post(grid_url(suffix="luu/"), {"v-XHS-14": typed, "o-XHS-14": "", "r-XHS-14": "0",
                                                      "v-XHS-05": "7", "o-XHS-05": "", "r-XHS-05": "0"})
    saved = unescape(response.content.decode())
    assert response.status_code == 200
    assert "Đã lưu 1 số liệu; 1 ô chưa lưu, tô đỏ bên dưới: sửa rồi lưu lại." in saved
    assert saved.count(why) == 1
    assert stored("XHS-14") is None and stored("XHS-05").value == Decimal(7)
    assert hidden(saved, "v-XHS-14") == typed and hidden(saved, "o-XHS-05") == "7"


def test_rules_are_checked_with_the_proposed_figures_over_the_stored_ones(officer):
    put("XHS-05", 100)
    response = officer.post(grid_url(suffix="kiem-tra/XHS-06/"), {"v-XHS-06": "120"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<p class="note note-error">Số tài khoản định danh điện tử đã kích hoạt (120) không được '
                      "lớn hơn Số hồ sơ định danh điện tử đã thu nhận (100).</p>") == 1
    assert '1 ô có lỗi (xem lời giải thích ở từng ô):' in html  # the panel counts, the cell says
    assert '<section id="grid-checks" class="panel checks" hx-swap-oob="true"' in html
    html = officer.post(grid_url(suffix="kiem-tra/XHS-06/"), {"v-XHS-06": "120", "v-XHS-05": "130"}).content.decode()
    assert "note-error" not in html


@pytest.mark.demo
def test_a_figure_far_from_the_units_past_is_flagged_but_not_refused(officer):
    html = officer.post(grid_url(period="2024-12", suffix="kiem-tra/XHS-14/"), {"v-XHS-14": "99.999"}).content.decode()
    assert 'data-level="outlier"' in html
    assert "<p class=\"note note-outlier\">Số này gấp khoảng " in html
    assert " lần mức thường thấy của phường (khoảng " in html and "điểm z" not in html


# -- saving ----------------------------------------------------------------------------------------------

def test_save_writes_only_the_changed_cells_in_one_write(officer, officer_thac_gian):
    put("DS", 11597)
    page = officer.get(grid_url()).content.decode()
    response = officer.post(grid_url(suffix="luu/"), {
        "v-XHS-05": "5.151", "o-XHS-05": "", "r-XHS-05": "0",
        "v-XHS-06": " gần  4.000 ", "o-XHS-06": "", "r-XHS-06": "0",
        "v-DS": "11.597", "o-DS": hidden(page, "o-DS"), "r-DS": "1",
        "ly-do-sua": "Số liệu tháng 5 của phường",
    })
    assert (response.status_code, response["Location"]) == (302, grid_url())
    assert (stored("XHS-05").value, stored("XHS-05").qualifier) == (Decimal("5151"), "exact")
    assert (stored("XHS-06").value, stored("XHS-06").qualifier) == (Decimal("4000"), "approximate")
    history = DataValueHistory.objects.filter(data_value__unit=unit("2024", "20221"), data_value__period=PERIOD,
                                              changed_by=officer_thac_gian)
    assert sorted(history.values_list("data_value__data_element__code", "channel", "reason")) == [
        ("XHS-05", "web", "Số liệu tháng 5 của phường"), ("XHS-06", "web", "Số liệu tháng 5 của phường")]
    assert report().status == Status.DRAFT
    html = officer.get(grid_url()).content.decode()
    assert "Đã lưu 2 số liệu." in html
    assert hidden(html, "v-XHS-06") == "gần 4.000" and hidden(html, "r-XHS-06") == "1"


def test_save_keeps_a_figures_source_and_comment(officer):
    put("XHS-05", 100, source="Sổ theo dõi của phường", comment="đếm tay")
    officer.post(grid_url(suffix="luu/"), {"v-XHS-05": "110", "o-XHS-05": "100", "r-XHS-05": "1"})
    value = stored("XHS-05")
    assert (value.value, value.source, value.comment, value.revision) == (
        Decimal("110"), "Sổ theo dõi của phường", "đếm tay", 2)


def test_a_cell_written_wrong_keeps_its_text_in_red_and_the_others_save(officer, officer_thac_gian):
    response = officer.post(grid_url(suffix="luu/"), {
        "v-XHS-05": "5.151", "o-XHS-05": "", "r-XHS-05": "0", "v-XHS-06": "1.23", "o-XHS-06": "", "r-XHS-06": "0",
        "v-DS": "12.000", "o-DS": "", "r-DS": "0"})
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "Đã lưu 2 số liệu; 1 ô chưa lưu, tô đỏ bên dưới: sửa rồi lưu lại." in html
    assert hidden(html, "v-XHS-06") == "1.23" and hidden(html, "r-XHS-06") == "0"  # what was typed stays
    assert (hidden(html, "v-XHS-05"), hidden(html, "o-XHS-05"), hidden(html, "r-XHS-05")) == ("5.151", "5.151", "1")
    assert html.count("'1.23' không phải số viết kiểu Việt Nam") == 1
    row = html.split('data-code="XHS-06"', 1)[1].split("</tr>", 1)[0]
    assert 'aria-invalid="true"' in row and 'data-level="error"' in row
    assert (stored("XHS-05").value, stored("DS").value, stored("XHS-06")) == (Decimal(5151), Decimal(12000), None)
    history = DataValueHistory.objects.filter(data_value__unit=unit("2024", "20221"), data_value__period=PERIOD)
    assert sorted(history.values_list("data_value__data_element__code", "old_value", "value", "changed_by")) == [
        ("DS", None, Decimal(12000), officer_thac_gian.pk), ("XHS-05", None, Decimal(5151), officer_thac_gian.pk)]
    assert report().status == Status.DRAFT


def test_clearing_a_cell_removes_the_figure_and_keeps_its_history(officer):
    put("XHS-14", 5)
    officer.post(grid_url(suffix="luu/"), {"v-XHS-14": "", "o-XHS-14": "5", "r-XHS-14": "1"})
    assert (stored("XHS-14").value, stored("XHS-14").revision) == (None, 2)
    assert list(stored("XHS-14").history.values_list("old_value", "value")) == [(None, Decimal(5)), (Decimal(5), None)]


# -- workflow buttons ------------------------------------------------------------------------------------

def test_submit_approve_return_from_the_grid(client, officer_thac_gian, approver_thanh_khe):
    put("XHS-05", 100)
    client.force_login(officer_thac_gian)
    response = client.post(grid_url(suffix="thao-tac/submit/"))  # first what is being sent, then send
    assert response.status_code == 200 and report().status == Status.DRAFT
    assert 'id="confirm-send" autofocus>Xác nhận gửi</button>' in response.content.decode()
    response = client.post(grid_url(suffix="thao-tac/submit/"), {"xac-nhan": "1"})
    assert (response.status_code, response["Location"]) == (302, grid_url())
    assert report().status == Status.SUBMITTED
    html = client.get(grid_url()).content.decode()
    assert "Đã gửi báo cáo: báo cáo nay ở trạng thái &#x27;Đã gửi&#x27;." in html
    assert "Báo cáo đã gửi, đang chờ cấp trên duyệt" in html and "Duyệt" not in html.split('id="duyet"')[1]

    client.force_login(approver_thanh_khe)
    html = client.get(grid_url()).content.decode()
    assert 'class="btn-approve" data-workflow>Duyệt</button>' in html
    assert 'class="btn-return" data-workflow>Trả lại</button>' in html
    response = client.post(grid_url(suffix="thao-tac/return/"), {"ly-do": "  "})
    assert response.status_code == 400
    assert "Cần ghi lý do để &#x27;trả lại&#x27;." in response.content.decode()
    assert client.post(grid_url(suffix="thao-tac/return/"), {"ly-do": "Thiếu số hộ"}).status_code == 302
    assert report().status == Status.RETURNED
    assert client.post(grid_url(suffix="thao-tac/approve/")).status_code == 409  # returned: nothing to approve
    assert list(report().events.values_list("action", "by__username", "reason")) == [
        ("submit", "t_officer_thac_gian", ""), ("return", "t_approver_thanh_khe", "Thiếu số hộ")]


def test_submitting_needs_no_error_and_an_explanation_for_each_warning(officer):
    put("XHS-05", 100)
    put("DS", 80)  # 100 applications for 80 residents: a warning
    html = officer.get(grid_url()).content.decode()
    assert 'name="giai-trinh-XHS-05&lt;=DS"' in html
    response = officer.post(grid_url(suffix="thao-tac/submit/"))
    assert response.status_code == 400
    assert "Chưa gửi được: cần giải trình các cảnh báo." in response.content.decode()
    response = officer.post(grid_url(suffix="thao-tac/submit/"), {"giai-trinh-XHS-05<=DS": "Có người tạm trú"})
    assert response.status_code == 200  # the confirmation carries the explanation
    assert 'name="giai-trinh-XHS-05&lt;=DS" value="Có người tạm trú"' in response.content.decode()
    response = officer.post(grid_url(suffix="thao-tac/submit/"), {"giai-trinh-XHS-05<=DS": "Có người tạm trú",
                                                                  "xac-nhan": "1"})
    assert response.status_code == 302
    assert report().explanations == {"XHS-05<=DS": "Có người tạm trú"}


def test_a_reporter_cannot_approve_and_unknown_actions_are_404(officer):
    do_transition(report(), "submit", acting_user=_user("t_other_reporter", "reporter", unit("2024", "20221")))
    response = officer.post(grid_url(suffix="thao-tac/approve/"))
    assert response.status_code == 403
    assert "Bạn không có quyền &#x27;duyệt&#x27; báo cáo của Phường Thạc Gián." in response.content.decode()
    assert officer.post(grid_url(suffix="thao-tac/publish/")).status_code == 404
    assert report().status == Status.SUBMITTED


# -- start page ------------------------------------------------------------------------------------------

def test_the_start_page_lists_the_officers_forms_and_recent_reports(officer):
    html = officer.get("/nhap-lieu/").content.decode()
    assert "Phường Thạc Gián" in html and "Phường Tân Chính" not in html
    assert '<a href="/tai-khoan/ma-truy-cap/">Mã truy cập API</a>' in html  # the officer's own API tokens
    assert '<a href="/nhap-lieu/tai-len/">Tải lên tệp số liệu</a>' in html  # the other ways in
    assert '<a href="/doc-bao-cao/">Đọc số liệu từ báo cáo</a>' in html
    assert html.count('class="start-item"') == 5  # the ward's two forms and its three tổ dân phố
    assert ('href="/nhap-lieu/2024/20221/BC-CDS-THANG-XA/2024-12/"><span class="state-period">Tháng 12/2024</span> '
            '<span class="state-label">Đã duyệt</span>') in html


def test_the_start_page_opens_a_report_by_its_codes(officer):
    response = officer.get("/nhap-lieu/", {"phien_ban": "2024", "don_vi": "20221", "bieu_mau": MONTHLY, "ky": PERIOD})
    assert (response.status_code, response["Location"]) == (302, grid_url())


def test_an_approver_sees_the_reports_waiting_for_it(client, officer_thac_gian, approver_thanh_khe):
    do_transition(report(), "submit", acting_user=officer_thac_gian)
    client.force_login(approver_thanh_khe)
    html = client.get("/nhap-lieu/").content.decode()
    assert "Chờ bạn duyệt (7)" in html  # this one and the demo's six tổ dân phố reports of 12/2024
    assert f'href="{grid_url()}">Phường Thạc Gián · Báo cáo CĐS tháng — cấp phường, xã · 2021-05</a>' in html


def test_recent_periods_stop_at_the_end_of_a_former_unit():
    form = Form.objects.get(code=MONTHLY)
    assert [str(p) for p in grid.recent_periods(form, unit("2024", "20221"))] == [
        "2024-12", "2024-11", "2024-10", "2024-09", "2024-08", "2024-07"]


def test_submission_rows_are_not_created_by_reading(officer):
    officer.get(grid_url())
    officer.post(grid_url(suffix="kiem-tra/XHS-14/"), {"v-XHS-14": "5"})
    assert not Submission.objects.filter(unit=unit("2024", "20221"), period=PERIOD).exists()
    assert stored("XHS-14") is None
    assert Channel.WEB == "web"
