"""What the write action says about a figure, in English for whoever chose English (the language cookie) and in
Vietnamese, exactly as before, for everyone else: a refused figure and a cell that does not read (on the cell as
typed, on the cell and above the grid after saving), a figure outside its usual range (on the cell, in the submit
confirmation's list), a conflict, the upload preview's faults. Numbers stay written the Vietnamese way."""

from __future__ import annotations

from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.collection.test_entry_support import ENTRY_URLS, english, grid_url, put, stored, vietnamese
from tests.collection.test_import_support import csv_text

pytestmark = [pytest.mark.django_db, ENTRY_URLS]

NEGATIVE = "A count cannot be negative."
NOT_WHOLE = "A count must be a whole number, without decimals."
UNUSUAL = ("9.999.999 is unusually large for a ward: usually 500 – 300.000. Check for a digit too many or too few; "
           "if it is right, it can still be saved.")
UNUSUAL_VI = ("9.999.999 lớn bất thường cho một phường: thường trong khoảng 500 – 300.000 (Dân số một phường của Đà "
              "Nẵng: vài nghìn đến khoảng 200.000 người sau sắp xếp 2025). Kiểm tra lại xem có gõ thừa hay thiếu chữ "
              "số; nếu đúng vẫn lưu được.")


@pytest.fixture
def officer(client, officer_thac_gian):
    client.force_login(officer_thac_gian)
    return client


def checked(client, code: str, typed: str) -> str:
    """The cell's state as typed (the htmx check)."""
    return unescape(client.post(grid_url(suffix=f"kiem-tra/{code}/"), {f"v-{code}": typed}).content.decode())


def saved(client, code: str, typed: str):
    return client.post(grid_url(suffix="luu/"), {f"v-{code}": typed, f"o-{code}": "", f"r-{code}": "0"})


@pytest.mark.parametrize(("typed", "why", "vi"), [
    ("-3,5", NEGATIVE, "Số đếm không được âm."),
    ("12,5", NOT_WHOLE, "Số đếm phải là số nguyên, không có phần thập phân."),
    ("100.000.000.000.000.000.000", "Too large: at most 1.000.000.000.000 (10^12) for a whole number.",
     "Số quá lớn: tối đa 1.000.000.000.000 (10^12) cho kiểu số nguyên."),
])
def test_a_refused_figure_is_said_in_english_as_typed_and_on_save(officer, typed, why, vi):
    html = checked(english(officer), "XHS-14", typed)
    assert 'data-level="error"' in html and f'<p class="note note-error">{why}</p>' in html
    assert vi not in html
    response = saved(officer, "XHS-14", typed)
    page = unescape(response.content.decode())
    assert response.status_code == 400 and stored("XHS-14") is None
    assert "<li>Nothing saved: 1 cell not saved, in red below: correct it and save again.</li>" in page
    assert page.count(f'<p class="note note-error">{why}</p>') == 1 and vi not in page


@pytest.mark.parametrize(("typed", "vi"), [
    ("-3,5", "Số đếm không được âm."),
    ("12,5", "Số đếm phải là số nguyên, không có phần thập phân."),
])
def test_without_the_cookie_the_refusal_stays_vietnamese(officer, typed, vi):
    assert f'<p class="note note-error">{vi}</p>' in checked(officer, "XHS-14", typed)
    page = unescape(saved(officer, "XHS-14", typed).content.decode())
    assert "<li>Chưa lưu số nào: 1 ô chưa lưu, tô đỏ bên dưới: sửa rồi lưu lại.</li>" in page
    assert page.count(f'<p class="note note-error">{vi}</p>') == 1
    assert NEGATIVE not in page and NOT_WHOLE not in page


def test_a_cell_that_does_not_read_says_so_in_english(officer):
    why = ("'1.23' is not a number written the Vietnamese way (a dot '.' only separates thousands and must come "
           "before exactly 3 digits; decimals take a comma, for example 1,23). Written right: 166.039 or 91,5; a word "
           "may come first: gần 25, hơn 3.500.")
    assert f'<p class="note note-error">{why}</p>' in checked(english(officer), "XHS-05", "1.23")
    page = unescape(saved(officer, "XHS-05", "1.23").content.decode())
    assert page.count(f'<p class="note note-error">{why}</p>') == 1 and "không phải số" not in page
    vi = ("'1.23' không phải số viết kiểu Việt Nam (dấu chấm '.' chỉ dùng để ngăn cách hàng nghìn và phải đứng "
          "trước đúng 3 chữ số; số thập phân dùng dấu phẩy, ví dụ 1,23). Ví dụ đúng: 166.039 hoặc 91,5; có thể "
          "thêm chữ: gần 25, hơn 3.500.")
    assert f'<p class="note note-error">{vi}</p>' in checked(vietnamese(officer), "XHS-05", "1.23")


def test_a_figure_outside_its_usual_range_is_warned_about_in_english(officer):
    html = checked(english(officer), "DS", "9.999.999")
    assert 'data-level="warning"' in html and f'<p class="note note-warning">{UNUSUAL}</p>' in html
    assert "bất thường" not in html
    put("DS", 9999999)
    page = unescape(officer.post(grid_url(suffix="thao-tac/submit/")).content.decode())
    assert f'<li class="note note-warning">Population: {UNUSUAL}</li>' in page
    assert f'<p class="note note-warning">{UNUSUAL}</p>' in page and "bất thường" not in page


def test_without_the_cookie_the_warning_stays_vietnamese(officer):
    assert f'<p class="note note-warning">{UNUSUAL_VI}</p>' in checked(officer, "DS", "9.999.999")
    put("DS", 9999999)
    page = unescape(officer.post(grid_url(suffix="thao-tac/submit/")).content.decode())
    assert f'<li class="note note-warning">Dân số: {UNUSUAL_VI}</li>' in page and "unusually" not in page


def test_a_figure_past_what_its_type_usually_is_is_warned_about_in_english(officer):
    html = checked(english(officer), "XHS-14", "2.000.000.000")
    assert ('<p class="note note-warning">2.000.000.000 is unusually large (over 1.000.000.000): check the unit of '
            "measure.</p>") in html
    assert ('<p class="note note-warning">Số 2.000.000.000 lớn bất thường (trên 1.000.000.000): kiểm tra lại đơn vị '
            "tính.</p>") in checked(vietnamese(officer), "XHS-14", "2.000.000.000")


def test_a_conflict_is_said_in_english(officer):
    put("XHS-05", 100)
    page = unescape(saved(english(officer), "XHS-05", "120").content.decode())
    when = timezone.localtime(stored("XHS-05").history.get(revision=1).changed_at)
    assert (f"<p>XHS-05 (Phường Thạc Gián, period 2021-05): the system changed it at {when:%H:%M} on {when:%d/%m/%Y}, "
            "entered on the web: – → 100 — after you read it (you saw revision 0, now 1). Your figure (120) was not "
            "saved: look again, and save it again if it is still right.</p>") in page
    assert "sau khi bạn mở số liệu" not in page and "nhập trên web" not in page


def test_the_upload_preview_says_a_refused_figure_in_english(officer):
    content = csv_text("Mã đơn vị;Kỳ báo cáo;Mã chỉ tiêu;Giá trị", "20221;2021-05;XHS-14;-5").encode()
    response = english(officer).post("/nhap-lieu/tai-len/", {"file": SimpleUploadedFile("t.csv", content)})
    page = unescape(response.content.decode())
    assert "XHS-14 (Phường Thạc Gián, period 2021-05): -5 — a count cannot be negative." in page
    assert "không được âm" not in page
