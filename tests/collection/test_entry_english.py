"""The officer's pages in English for whoever chose it (the language cookie), Vietnamese for everyone else:
the entry start page, the grid and what saving says, the upload page, the approval matrix and what a bulk
approval says."""

from __future__ import annotations

import pytest

from chiso.collection.models import Submission
from tests.collection.test_entry_support import english, put
from tests.conftest import _user, unit

pytestmark = pytest.mark.django_db
GRID = "/nhap-lieu/2024/20221/BC-CDS-THANG-XA/2021-05/"  # a month before the demo's: a draft not started
MATRIX = "/nhap-lieu/duyet/?phien_ban=2024&bieu_mau=BC-THANG-TDP&ky=2024-12&so_ky=3"


@pytest.fixture
def approver(client, db):
    user = _user("t_approver_thanh_khe", "approver", unit("2024", "491"))
    client.force_login(user)
    return client


@pytest.fixture
def officer(client, officer_thac_gian):
    client.force_login(officer_thac_gian)
    return client


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_start_page_in_english(officer):
    html = page(english(officer), "/nhap-lieu/")
    assert '<html lang="en">' in html
    for shown in ["<h1>Data entry and report approval</h1>", "<h2>Reports of the units you are responsible for</h2>",
                  '<h2 id="mo-bao-cao">Open a report</h2>', '<button type="submit" class="btn-primary">Open</button>',
                  '<a href="/nhap-lieu/tai-len/">Upload a file of figures</a>', "(20221, version 2024)",
                  '<span class="state-period">December 2024</span> <span class="state-label">Approved</span>',
                  "Monthly digital-transformation report — ward/commune", "Sign out", "API tokens"]:
        assert shown in html
    for hidden in ["Nhập liệu và duyệt báo cáo", "Báo cáo của các đơn vị bạn phụ trách", "Mở một báo cáo",
                   "Tháng 12/2024", "Đã duyệt", "Đăng xuất", "danh mục 2024"]:
        assert hidden not in html


def test_the_grid_and_what_saving_says_in_english(officer):
    html = page(english(officer), GRID)
    for shown in ["<h1>Monthly digital-transformation report — ward/commune</h1>",
                  '<span class="state state-draft" id="report-status">Draft</span>',
                  '<th scope="col" class="col-prev">April 2021</th><th scope="col" class="col-value">May 2021</th>'
                  '<th scope="col" class="col-state">Checks</th>',
                  '<h2 class="section-title">Digital government</h2>', "Common figures",
                  '<button type="submit" class="btn-primary" id="save-button">Save draft</button>',
                  '<h2 id="duyet">Submit and approve the report</h2>', ">Submit report</button>",
                  'data-changed="{n} cell(s) changed, not saved"', "Type numbers the Vietnamese way"]:
        assert shown in html
    for hidden in ["Lưu bản nháp", "Gửi và duyệt báo cáo", "Chính quyền số", "Số liệu chung", "Tháng 5/2021",
                   "Bản nháp", "Kiểm tra"]:
        assert hidden not in html
    saved = officer.post(GRID + "luu/", {"v-DS": "11.597", "o-DS": "", "r-DS": "0"}, follow=True)
    assert "Saved 1 figure." in saved.content.decode()
    again = officer.post(GRID + "luu/", {"v-DS": "11.597", "o-DS": "11.597", "r-DS": "1"}, follow=True)
    assert "No cell changed: nothing to save." in again.content.decode()


def test_a_cells_history_in_english_keeps_the_grids_way_of_writing_figures(officer):
    put("DS", 11597)
    html = page(english(officer), GRID + "lich-su/DS/")
    assert ('<th scope="col">Revision</th><th scope="col">When</th><th scope="col">Changed by</th>'
            '<th scope="col">Old → new</th><th scope="col">Channel, reason</th>') in html
    assert "<td>system</td>" in html and "<td>– →  11.597</td>" in html  # as typed in the grid, not 11,597
    assert "<td>Entered on the web</td>" in html and "History page of this figure" in html


def test_the_upload_page_in_english(officer):
    html = page(english(officer), "/nhap-lieu/tai-len/")
    for shown in ["<h1>Import figures from a file</h1>", '<h2 id="chon-tep">Choose a file</h2>',
                  '<button class="button" type="submit">Upload and preview</button>',
                  '<h2 id="tep-mau">Template for the units you are responsible for</h2>',
                  ">Download the template</button>", "Monthly digital-transformation report — ward/commune"]:
        assert shown in html
    for hidden in ["Nhập số liệu từ tệp", "Tải lên và xem trước", "Tải tệp mẫu"]:
        assert hidden not in html


def test_the_approval_matrix_and_a_bulk_approval_in_english(approver):
    html = page(english(approver), MATRIX)
    for shown in ["<h1>Approve reports</h1>", "Waiting for your approval: <strong>6</strong> report(s)",
                  '<option value="to_dan_pho">residential groups</option>',
                  '<li><span class="state state-submitted">Awaiting approval</span> <strong>6</strong></li>',
                  '<li><span class="state state-approved">Approved</span> <strong>12</strong></li>',
                  '<button type="submit" name="thao-tac" value="approve" class="primary">Approve the ticked reports'
                  "</button>", '<th scope="col">Unit</th><th scope="col">December 2024</th>',
                  'data-untick="Untick all"']:
        assert shown in html
    for hidden in ["Duyệt báo cáo", "Chờ duyệt", "Duyệt các báo cáo đã chọn", "tổ dân phố</option>",
                   "Tháng 12/2024"]:
        assert hidden not in html
    waiting = Submission.objects.get(form__code="BC-THANG-TDP", unit__version__name="2024", unit__code="TDP-TG-01",
                                     period="2024-12")
    done = approver.post("/nhap-lieu/duyet/xu-ly/", {"bao-cao": [waiting.pk], "thao-tac": "approve"}, follow=True)
    assert "Approved 1 report(s): Tổ dân phố 1 (Thạc Gián)" in done.content.decode()
    nothing = approver.post("/nhap-lieu/duyet/xu-ly/", {"thao-tac": "approve"}, follow=True)
    assert "No report ticked: tick the “Awaiting approval” cells to act on." in nothing.content.decode()


def test_the_pages_stay_vietnamese_by_default(officer, officer_thac_gian):
    start, grid, upload = (page(officer, url) for url in ("/nhap-lieu/", GRID, "/nhap-lieu/tai-len/"))
    assert '<html lang="vi">' in start
    assert "<h1>Nhập liệu và duyệt báo cáo</h1>" in start and "Data entry and report approval" not in start
    assert ('<span class="state-period">Tháng 12/2024</span> <span class="state-label">Đã duyệt</span>'
            in start)
    assert '<button type="submit" class="btn-primary" id="save-button">Lưu bản nháp</button>' in grid
    assert '<th scope="col" class="col-prev">Tháng 4/2021</th>' in grid and "Save draft" not in grid
    assert "<h1>Nhập số liệu từ tệp</h1>" in upload and "Import figures from a file" not in upload
    officer.force_login(_user("t_approver_thanh_khe", "approver", unit("2024", "491")))
    matrix = page(officer, MATRIX)
    assert "<h1>Duyệt báo cáo</h1>" in matrix and "Approve reports" not in matrix
    assert '<li><span class="state state-submitted">Chờ duyệt</span> <strong>6</strong></li>' in matrix
    assert '<option value="to_dan_pho">tổ dân phố</option>' in matrix
