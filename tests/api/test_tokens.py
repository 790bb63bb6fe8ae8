"""API tokens (issue 10, item 5): made on the command line or on /tai-khoan/ma-truy-cap/ (shown once), scoped
(read or write), expiring and revocable; every write made with one leaves a TokenUse row; refusals are exact."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from chiso.accounts.models import ApiToken, TokenUse
from chiso.accounts.tokens import TokenError, create_token, do_revoke_token, hash_token
from tests.collection.test_entry_support import PERIOD, stored

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r"^chiso_[A-Za-z0-9_-]{43}$")
AT = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)  # 02/01/2026 10:04 in Hà Nội time


def figure(unit_code: str = "20221", value: int = 5) -> dict:
    return {"data_element": "XHS-14", "unit": unit_code, "version": "2024", "period": PERIOD, "value": value}


def write(token: str, unit_code: str = "20221"):
    return Client().post("/api/v1/values", json.dumps([figure(unit_code)]), content_type="application/json",
                         HTTP_AUTHORIZATION=f"Bearer {token}")


def read(token: str):
    return Client().get("/api/v1/units", {"version": "2024", "parent": "491"}, HTTP_AUTHORIZATION=f"Bearer {token}")


def tokens_cli(*args: str) -> list[str]:
    out = StringIO()
    call_command("tokens", *args, stdout=out)
    return out.getvalue().splitlines()


# -- the command line ------------------------------------------------------------------------------------

def test_the_cli_prints_the_token_alone_on_the_last_line_and_it_works(officer_thac_gian):
    lines = tokens_cli("create", "--user", "t_officer_thac_gian", "--name", "LGSP thành phố")
    token = lines[-1]
    assert TOKEN.match(token) and sum(token in line for line in lines) == 1
    row = ApiToken.objects.get(user=officer_thac_gian)
    assert (row.name, row.scope, row.token_hash) == ("LGSP thành phố", "write", hash_token(token))
    assert timedelta(days=364) < row.expires_at - timezone.now() <= timedelta(days=365)
    assert write(token).status_code == 200
    listing = tokens_cli("list", "--user", "t_officer_thac_gian")
    assert len(listing) == 1 and token not in listing[0]
    assert listing[0].startswith(f"{row.pk}\tLGSP thành phố\twrite\t") and listing[0].endswith("\tcòn hiệu lực")
    assert tokens_cli("revoke", str(row.pk), "--user", "t_officer_thac_gian")[0].startswith(
        f"Đã thu hồi mã truy cập số {row.pk} 'LGSP thành phố' lúc ")
    assert read(token).status_code == 401


def test_the_cli_takes_scope_and_days_and_refuses_more_than_two_years(officer_thac_gian, officer_tan_chinh):
    token = tokens_cli("create", "--user", "t_officer_thac_gian", "--name", "đọc", "--scope", "read",
                       "--expires", "30")[-1]
    row = ApiToken.objects.get(token_hash=hash_token(token))
    assert row.scope == "read" and timedelta(days=29) < row.expires_at - timezone.now() <= timedelta(days=30)
    with pytest.raises(CommandError, match=r"^Thời hạn mã truy cập phải từ 1 đến 730 ngày \(2 năm\), không phải "
                                           r"731\.$"):
        tokens_cli("create", "--user", "t_officer_thac_gian", "--name", "x", "--expires", "731")
    with pytest.raises(CommandError, match=f"^Không có mã truy cập số {row.pk} của t_officer_tan_chinh.$"):
        tokens_cli("revoke", str(row.pk), "--user", "t_officer_tan_chinh")
    assert ApiToken.objects.get(pk=row.pk).revoked_at is None
    with pytest.raises(CommandError, match="^Không có người dùng 'khong_co'.$"):
        tokens_cli("list", "--user", "khong_co")


def test_the_default_lifetime_is_the_setting(officer_thac_gian, monkeypatch):
    monkeypatch.setenv("CHISO_TOKEN_DAYS", "10")
    row, _ = create_token(officer_thac_gian, "mười ngày")
    assert timedelta(days=9) < row.expires_at - timezone.now() <= timedelta(days=10)
    with pytest.raises(TokenError):
        create_token(officer_thac_gian, "x", scope="admin")


# -- refusals --------------------------------------------------------------------------------------------

def test_an_expired_token_is_refused(officer_thac_gian):
    row, token = create_token(officer_thac_gian, "LGSP")
    ApiToken.objects.filter(pk=row.pk).update(expires_at=AT)
    for response in (read(token), write(token)):
        assert (response.status_code, response.json()) == (401, {"detail": (
            "Mã truy cập 'LGSP' đã hết hạn lúc 02/01/2026 10:04: tạo mã mới tại /tai-khoan/ma-truy-cap/.")})
    assert stored("XHS-14") is None and not TokenUse.objects.exists()


def test_a_revoked_token_is_refused(officer_thac_gian):
    row, token = create_token(officer_thac_gian, "LGSP")
    assert read(token).status_code == 200
    revoked = do_revoke_token(row.pk, acting_user=officer_thac_gian)
    assert revoked.revoked_by == officer_thac_gian
    ApiToken.objects.filter(pk=row.pk).update(revoked_at=AT)
    for response in (read(token), write(token)):
        assert (response.status_code, response.json()) == (401, {"detail": (
            "Mã truy cập 'LGSP' đã bị thu hồi lúc 02/01/2026 10:04: tạo mã mới tại /tai-khoan/ma-truy-cap/.")})


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Bearer chiso_ä", "Bearer chiso_", "Bearer "])
def test_a_malformed_token_is_refused(header):
    for response in (Client().get("/api/v1/units", HTTP_AUTHORIZATION=header),
                     Client().post("/api/v1/values", "[]", content_type="application/json",
                                   HTTP_AUTHORIZATION=header)):
        assert response.status_code == 401, header
        assert response.json() == {"detail": (
            "Mã truy cập sai định dạng: mã có dạng 'chiso_' và 43 ký tự chữ, số, '-' hoặc '_', gửi nguyên văn "
            "sau 'Authorization: Bearer '.")}


def test_an_unknown_token_is_refused():
    response = read("chiso_" + "x" * 43)
    assert (response.status_code, response.json()) == (401, {"detail": "Mã truy cập không hợp lệ hoặc đã bị thu hồi."})


def _write_operations() -> list[tuple[str, str]]:
    spec = Client().get("/api/v1/openapi.json").json()
    return [(method.upper(), re.sub(r"\{[^}]+\}", "1", path)) for path, item in spec["paths"].items()
            for method in item if method in ("post", "put", "patch", "delete")]


def test_a_read_token_reads_and_is_refused_on_every_write_endpoint(officer_thac_gian):
    row, token = create_token(officer_thac_gian, "chỉ đọc", scope="read")
    assert read(token).status_code == 200
    operations = _write_operations()
    assert ("POST", "/api/v1/values") in operations and len(operations) >= 10
    for method, path in operations:
        response = Client().generic(method, path, "{}", content_type="application/json",
                                    HTTP_AUTHORIZATION=f"Bearer {token}")
        assert (response.status_code, response.json()) == (403, {"detail": (
            "Mã truy cập 'chỉ đọc' chỉ được đọc (phạm vi 'read'): dùng một mã có phạm vi 'write' để ghi.")}), path
    assert stored("XHS-14") is None


def test_a_ward_officers_write_token_cannot_write_another_ward(officer_thac_gian):
    _, token = create_token(officer_thac_gian, "LGSP")
    response = write(token, "20212")  # Tân Chính
    assert (response.status_code, response.json()) == (403, {
        "detail": "Không ghi gì: bạn không có quyền ghi một số giá trị.",
        "problems": ["XHS-14 (Phường Tân Chính, kỳ 2021-05): bạn không có quyền ghi số liệu cho Phường Tân Chính "
                     "(mã 20212, danh mục 2024). Bỏ số này, hoặc nhờ cán bộ của đơn vị đó nhập."]})
    assert stored("XHS-14", "20212") is None
    assert write(token, "20221").status_code == 200 and stored("XHS-14").value == 5


# -- which token made a write ----------------------------------------------------------------------------

def test_a_write_with_a_token_leaves_one_token_use_naming_it(officer_thac_gian):
    row, token = create_token(officer_thac_gian, "LGSP")
    assert read(token).status_code == 200
    assert write(token).status_code == 200
    assert list(TokenUse.objects.values_list("token", "method", "path", "status")) == [
        (row.pk, "POST", "/api/v1/values", 200)]
    assert write(token, "20212").status_code == 403
    assert TokenUse.objects.filter(token=row).count() == 2
    assert TokenUse.objects.order_by("-id").first().status == 403


def test_a_session_write_leaves_no_token_use(officer_thac_gian):
    client = Client()
    client.force_login(officer_thac_gian)
    response = client.post("/api/v1/values", json.dumps([figure()]), content_type="application/json")
    assert response.status_code in (200, 403)  # without the CSRF token: refused; either way, no token
    assert not TokenUse.objects.exists()


def test_a_token_is_in_no_log_line(officer_thac_gian, caplog):
    row, token = create_token(officer_thac_gian, "LGSP")
    ApiToken.objects.filter(pk=row.pk).update(revoked_at=AT)
    with caplog.at_level(logging.DEBUG):
        assert write(token).status_code == 401
        assert read("chiso_" + "y" * 43).status_code == 401
    assert caplog.records and token not in caplog.text and "y" * 43 not in caplog.text


# -- the token page --------------------------------------------------------------------------------------

PAGE = "/tai-khoan/ma-truy-cap/"


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_needs_a_login():
    response = Client().get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/nhap-lieu/dang-nhap/")


def test_the_page_makes_a_token_shown_once_and_lists_only_ones_own(officer_thac_gian, officer_tan_chinh):
    theirs, _ = create_token(officer_tan_chinh, "Của Tân Chính")
    client = _signed_in(officer_thac_gian)
    made = client.post(PAGE + "tao/", {"name": "LGSP thành phố", "scope": "read", "days": "90"})
    assert made.status_code == 200 and "no-store" in made["Cache-Control"]
    page = made.content.decode()
    tokens = set(re.findall(r"chiso_[A-Za-z0-9_-]{43}", page))
    assert len(tokens) == 1
    token = tokens.pop()
    assert "Chép mã này ngay và cất vào nơi an toàn: nó chỉ hiện một lần." in page
    assert '<button type="button" id="copy-token" hidden>Chép mã</button>' in page and "accounts/tokens.js" in page
    assert not any(token in c.output() for c in made.cookies.values())
    row = ApiToken.objects.get(user=officer_thac_gian)
    assert (row.name, row.scope, row.token_hash) == ("LGSP thành phố", "read", hash_token(token))
    assert timedelta(days=89) < row.expires_at - timezone.now() <= timedelta(days=90)
    listing = client.get(PAGE).content.decode()
    assert token not in listing and "LGSP thành phố" in listing and "read (chỉ đọc)" in listing
    assert "Của Tân Chính" not in listing and "chưa dùng" in listing and "còn hiệu lực" in listing
    assert theirs.name not in page


def test_the_page_refuses_a_bad_form_and_keeps_the_values(officer_thac_gian):
    response = _signed_in(officer_thac_gian).post(PAGE + "tao/", {"name": "x", "scope": "write", "days": "800"})
    assert response.status_code == 400
    assert "Thời hạn mã truy cập phải từ 1 đến 730 ngày (2 năm), không phải 800." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_one_revokes_only_ones_own_token(officer_thac_gian, officer_tan_chinh):
    mine, token = create_token(officer_thac_gian, "Của tôi")
    theirs, their_token = create_token(officer_tan_chinh, "Của Tân Chính")
    client = _signed_in(officer_thac_gian)
    assert client.post(f"{PAGE}{theirs.pk}/thu-hoi/").status_code == 404
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None and read(their_token).status_code == 200
    response = client.post(f"{PAGE}{mine.pk}/thu-hoi/", follow=True)
    assert response.redirect_chain == [(PAGE, 302)]
    assert "Đã thu hồi mã truy cập &#x27;Của tôi&#x27;" in response.content.decode()
    mine.refresh_from_db()
    assert mine.revoked_by == officer_thac_gian and mine.revoked_at is not None
    assert read(token).status_code == 401
    assert client.get(f"{PAGE}{mine.pk}/thu-hoi/").status_code == 405


def test_the_page_checks_csrf(officer_thac_gian):
    mine, _ = create_token(officer_thac_gian, "Của tôi")
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer_thac_gian)
    assert client.post(PAGE + "tao/", {"name": "x", "scope": "write"}).status_code == 403
    assert client.post(f"{PAGE}{mine.pk}/thu-hoi/").status_code == 403
    assert ApiToken.objects.count() == 1 and ApiToken.objects.get().revoked_at is None
