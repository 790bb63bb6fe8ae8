"""Login throttling (issue 8, defect 6): 50 wrong passwords, then the right one, used to be accepted."""

from __future__ import annotations

import pytest
from django.test import Client

from chiso.api.auth import create_token

ENTRY_LOGIN = "/nhap-lieu/dang-nhap/"
ADMIN_LOGIN = "/admin/login/"
PASSWORD = "pw-for-tests"  # tests/conftest.py's users
LOCKED = "Đăng nhập tạm bị khóa: tên đăng nhập này đã nhập sai mật khẩu 5 lần liền từ máy này."


def _try(client: Client, url: str, username: str, password: str, address: str = "10.1.1.1"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("url", [ENTRY_LOGIN, ADMIN_LOGIN])
def test_it_refuses_the_right_password_after_50_wrong_ones(db, url, django_user_model):
    django_user_model.objects.create_user("t_staff_officer", password=PASSWORD, is_staff=True)
    client = Client()
    for _ in range(50):
        assert _try(client, url, "t_staff_officer", "sai-mat-khau").status_code in (200, 429)
    response = _try(client, url, "t_staff_officer", PASSWORD)
    assert response.status_code == 429
    assert not _logged_in(client)
    assert LOCKED in response.content.decode()
    assert "Hãy thử lại sau 15 phút, hoặc nhờ quản trị thành phố mở khóa." in response.content.decode()


def test_it_locks_at_the_configured_limit_on_the_officers_login_page(officer_thac_gian):
    client = Client()
    for _ in range(4):
        response = _try(client, ENTRY_LOGIN, "t_officer_thac_gian", "sai")
        assert response.status_code == 200
        assert "Tên đăng nhập hoặc mật khẩu chưa đúng" in response.content.decode()
    response = _try(client, ENTRY_LOGIN, "t_officer_thac_gian", "sai")  # the 5th: locked from now on
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED in page and "<h1>Đăng nhập để nhập liệu</h1>" in page
    assert response["Content-Language"] == "vi"


def test_it_locks_one_user_name_from_one_address_only(officer_thac_gian, officer_tan_chinh):
    client = Client()
    for _ in range(5):
        _try(client, ENTRY_LOGIN, "t_officer_thac_gian", "sai", address="10.1.1.1")
    assert _try(client, ENTRY_LOGIN, "t_officer_thac_gian", PASSWORD, address="10.1.1.1").status_code == 429
    assert _try(Client(), ENTRY_LOGIN, "t_officer_tan_chinh", PASSWORD, address="10.1.1.1").status_code == 302
    other_place = Client()
    response = _try(other_place, ENTRY_LOGIN, "t_officer_thac_gian", PASSWORD, address="10.2.2.2")
    assert response.status_code == 302
    assert _logged_in(other_place)


def test_a_successful_login_starts_the_count_again(officer_thac_gian):
    for _ in range(2):
        client = Client()
        for _ in range(4):
            _try(client, ENTRY_LOGIN, "t_officer_thac_gian", "sai")
        assert _try(client, ENTRY_LOGIN, "t_officer_thac_gian", PASSWORD).status_code == 302


def test_a_locked_user_s_api_token_still_works(officer_thac_gian):
    client = Client()
    for _ in range(5):
        _try(client, ENTRY_LOGIN, "t_officer_thac_gian", "sai")
    _, token = create_token(officer_thac_gian, "LGSP")
    api = Client()
    # Authentication passes (the body is then refused as incomplete, 422); a wrong token is 401.
    assert api.post("/api/v1/values", {}, content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 422
    assert api.post("/api/v1/values", {}, content_type="application/json",
                    HTTP_AUTHORIZATION="Bearer chiso_wrong").status_code == 401


def test_the_test_client_s_login_still_works(officer_thac_gian):
    """``Client.login`` passes no request to ``authenticate``: not a web login, not throttled."""
    assert Client().login(username="t_officer_thac_gian", password=PASSWORD)
