"""403 and 404 pages in the site's layout, in Vietnamese or English (issue #11 item 9): what was wrong, where
to go; entry URLs of another ward or a bad period answer that page without leaking anything; the API keeps
JSON; the header links to entry and upload for signed-in users."""

from __future__ import annotations

import json
from html import unescape

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory
from django.urls import Resolver404

from chiso.web.errors import page_not_found, permission_denied, reason_of
from tests.collection.test_entry_support import put

pytestmark = [pytest.mark.django_db]  # the project URLconf: its handler403 and handler404

OTHER_WARD = "/nhap-lieu/2024/20212/BC-CDS-THANG-XA/2024-12/"  # Tân Chính's report, for Thạc Gián's officer


def page(response) -> str:
    return unescape(response.content.decode())


def test_another_ward_s_report_is_a_vietnamese_404_in_the_layout_that_leaks_nothing(client, officer_thac_gian):
    put("XHS-14", 4321, unit_code="20212", period="2021-05")  # a draft of Tân Chính
    client.force_login(officer_thac_gian)
    for url in (OTHER_WARD, "/nhap-lieu/2024/20212/BC-CDS-THANG-XA/2021-05/"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
        html = page(response)
        assert response.status_code == 404
        assert '<html lang="vi">' in html and 'class="site-header"' in html  # the site's own layout
        assert "<h1>Không tìm thấy trang</h1>" in html
        assert f"Không có trang nào ở địa chỉ <code>{url}</code>." in html
        assert ("Báo cáo của một đơn vị bạn không phụ trách cũng được trả lời như vậy, để không lộ số liệu chưa "
                "công bố.") in html
        assert "<strong>Lý do:</strong> <span>Không tìm thấy báo cáo.</span>" in html
        assert '<a href="/nhap-lieu/">Mở trang Nhập liệu</a>' in html
        assert "4321" not in html and "4.321" not in html and "Tân Chính" not in html and "XHS-14" not in html


def test_a_bad_period_or_unit_says_what_was_wrong(client, officer_thac_gian):
    client.force_login(officer_thac_gian)
    response = client.get("/nhap-lieu/2024/20221/BC-CDS-THANG-XA/2024-13/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 404
    assert "Kỳ báo cáo không hợp lệ: '2024-13' (tháng phải từ 01 đến 12)." in page(response)
    response = client.get("/nhap-lieu/2024/99999/BC-CDS-THANG-XA/2024-12/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 404
    assert "<span>Không có đơn vị mã 99999 trong phiên bản 2024.</span>" in page(response)
    response = client.get("/nhap-lieu/2024/20221/BC-CDS-THANG-XA/2024Q4/", HTTP_ACCEPT_LANGUAGE="vi")
    assert "Biểu mẫu BC-CDS-THANG-XA báo cáo theo tháng, không theo kỳ 2024Q4." in page(response)


def test_the_404_is_in_english_when_the_visitor_chose_english(client, officer_thac_gian):
    client.force_login(officer_thac_gian)
    response = client.get(OTHER_WARD, HTTP_ACCEPT_LANGUAGE="en")
    html = page(response)
    assert response.status_code == 404
    assert '<html lang="en">' in html and "<h1>Page not found</h1>" in html
    assert f"There is no page at <code>{OTHER_WARD}</code>." in html
    assert '<strong>Reason:</strong> <span lang="vi">Không tìm thấy báo cáo.</span>' in html  # ours: Vietnamese
    assert '<a href="/nhap-lieu/">Open the data-entry page</a>' in html
    assert "Không tìm thấy trang" not in html


def test_an_unknown_public_address_is_a_404_with_ways_out_and_no_django_text(client):
    response = client.get("/khong-co-trang-nay/", HTTP_ACCEPT_LANGUAGE="vi")
    html = page(response)
    assert response.status_code == 404
    assert "Không có trang nào ở địa chỉ <code>/khong-co-trang-nay/</code>." in html
    assert "Lý do" not in html and "tried" not in html and "Not Found" not in html
    assert "Mở trang Nhập liệu" not in html  # not an entry address
    assert '<li><a href="/">Về trang chủ</a></li>' in html and '<a href="/don-vi/">Xem danh sách đơn vị</a>' in html


def test_the_403_page_in_both_languages(officer_thac_gian):
    request = RequestFactory().get("/ke-hoach/48/", HTTP_ACCEPT_LANGUAGE="vi")
    request.user = officer_thac_gian
    response = permission_denied(request, PermissionDenied("Chỉ quản trị thành phố được mở kế hoạch này."))
    html = page(response)
    assert response.status_code == 403
    assert "<h1>Không có quyền truy cập</h1>" in html
    assert ("Tài khoản của bạn không được giao quyền mở <code>/ke-hoach/48/</code>. Nếu công việc của bạn cần, hãy "
            "đề nghị quản trị của đơn vị phân quyền.") in html
    assert "<span>Chỉ quản trị thành phố được mở kế hoạch này.</span>" in html
    from django.contrib.auth.models import AnonymousUser
    from django.utils import translation

    request = RequestFactory().get("/ke-hoach/48/")
    request.user = AnonymousUser()
    with translation.override("en"):
        html = page(permission_denied(request, PermissionDenied()))
    assert "<h1>Access denied</h1>" in html
    assert "The page <code>/ke-hoach/48/</code> is only for signed-in users who have been given the right." in html
    assert '<a href="/nhap-lieu/dang-nhap/?next=/ke-hoach/48/">Sign in</a>' in html


def test_a_404_handler_called_directly_keeps_its_status(officer_thac_gian):
    request = RequestFactory().get("/nhap-lieu/x/")
    request.user = officer_thac_gian
    assert page_not_found(request, Http404("Không có biểu mẫu mã X.")).status_code == 404


def test_reason_of_shows_our_sentences_only():
    assert reason_of(Http404("Không có biểu mẫu mã X.")) == "Không có biểu mẫu mã X."
    assert reason_of(Resolver404({"path": "x/", "tried": [["admin/"]]})) == ""
    assert reason_of(PermissionDenied()) == ""
    assert len(reason_of(Http404("x" * 5000))) == 400


def test_the_api_keeps_json_errors(client):
    response = client.get("/api/v1/khong-co")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["detail"].startswith("Không có địa chỉ API '/api/v1/khong-co'")


def test_the_header_links_entry_and_upload_for_signed_in_users(client, officer_thac_gian):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert '<li><a href="/nhap-lieu/">Nhập liệu</a></li>' in html
    assert 'href="/nhap-lieu/tai-len/"' not in html  # a visitor has nothing to upload
    client.force_login(officer_thac_gian)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert '<li><a href="/nhap-lieu/tai-len/">Tải lên</a></li>' in html
    html = client.get("/nhap-lieu/tai-len/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<li><a href="/nhap-lieu/tai-len/" aria-current="page">' in html


def test_a_form_sent_without_its_csrf_token_gets_the_403_page_saying_nothing_was_saved(officer_thac_gian):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(officer_thac_gian)
    url = "/nhap-lieu/2024/20221/BC-CDS-THANG-XA/2021-05/luu/"
    response = client.post(url, {"v-XHS-14": "5"}, HTTP_ACCEPT_LANGUAGE="vi")
    html = page(response)
    assert response.status_code == 403
    assert "<h1>Không có quyền truy cập</h1>" in html and 'class="site-header"' in html
    assert ("<span>Biểu mẫu bạn gửi đã cũ (phiên làm việc hết hạn hoặc bạn vừa đăng nhập lại ở thẻ khác), nên chưa "
            "có gì được lưu. Hãy tải lại trang, nhập lại rồi gửi.</span>") in html
    english = page(client.post(url, {"v-XHS-14": "5"}, HTTP_ACCEPT_LANGUAGE="en"))
    assert "<span>The form you sent is out of date (your session expired" in english


def test_a_hostile_path_is_escaped_and_cut(client):
    html = client.get("/<script>alert(1)</script>/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    long = client.get("/" + "a" * 3000 + "/").content.decode()
    assert f"Không có trang nào ở địa chỉ <code>/{'a' * 399}</code>." in long  # the message shows 400 characters
