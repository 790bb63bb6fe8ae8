"""``chiso integration``: subscribe, list, remove, collect and deliver; the admin only shows the log."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from chiso.integration.actions import SubscriptionError, do_subscribe
from chiso.integration.delivery import deliver_due, enqueue, run
from chiso.integration.models import Change, Delivery, DeliveryAttempt, Subscription

pytestmark = pytest.mark.django_db


def chiso(*args: str) -> str:
    out = StringIO()
    call_command("integration", *args, stdout=out)
    return out.getvalue()


def a_change() -> Change:
    now = timezone.now()
    return Change.objects.create(type="ranking.published", at=now, unit_code="491", period="2024", collected_at=now,
                                 body={"unit": {"code": "491"}, "period": "2024", "links": {}}, source="test:1")


def test_subscribe_list_and_remove(receiver):
    said = chiso("subscribe", "--name", "lgsp", "--url", f"{receiver.base}/hook", "--events",
                 "ranking.published,figures.published", "--secret-env", "T_SIGN", "--auth", "api_key",
                 "--api-key-header", "X-API-Key", "--api-key-env", "T_KEY")
    assert said == f"Đã đăng ký 'lgsp' → {receiver.base}/hook (figures.published, ranking.published).\n"
    made = Subscription.objects.get()
    assert (made.secret_env, made.api_key_env, made.auth) == ("T_SIGN", "T_KEY", "api_key")  # names, not secrets
    assert chiso("list") == (f"lgsp\t{receiver.base}/hook\tfigures.published,ranking.published\tapi_key\tđang nhận\t"
                             "chờ 0, đã gửi 0, thất bại 0\n")
    assert chiso("remove", "lgsp") == "Đã ngừng gửi tới 'lgsp'.\n"
    assert Subscription.objects.get().is_active is False
    with pytest.raises(CommandError, match="Không có đăng ký tên 'khac' "):
        chiso("remove", "khac")


@pytest.mark.parametrize(("change", "message"), [
    ({"url": "ftp://127.0.0.1/x"}, "Địa chỉ 'ftp://127.0.0.1/x' không hợp lệ: chỉ nhận địa chỉ http:// hoặc https:// "
                                   "có tên máy."),
    ({"events": ["figures.deleted"]}, "Loại sự kiện không hợp lệ: figures.deleted. Có: figures.published, "
                                      "ranking.published, dataset.updated."),
    ({"secret_env": "khoa bi mat"}, "Tên biến môi trường chứa khóa ký HMAC 'khoa bi mat' không hợp lệ: chữ in hoa, "
                                    "số và dấu _ (ví dụ LGSP_SECRET). Chỉ lưu tên biến, không lưu khóa."),
    ({"token_url": ""}, "Xác thực OAuth2 cần --token-url và --client-id (hoặc chọn --auth api_key/none)."),
])
def test_a_subscription_that_cannot_work_is_refused(change, message):
    asked = {"name": "lgsp", "url": "https://lgsp.danang.gov.vn/hook", "events": ["figures.published"],
             "secret_env": "T_SIGN", "token_url": "https://lgsp.danang.gov.vn/token", "client_id": "chiso",
             "client_secret_env": "T_CLIENT"} | change
    with pytest.raises(SubscriptionError) as error:
        do_subscribe(**asked)
    assert str(error.value) == message
    assert Subscription.objects.count() == 0


def test_a_subscription_receives_the_changes_after_it_only(receiver, monkeypatch):
    monkeypatch.setenv("T_SIGN", "s")
    a_change()
    do_subscribe(name="lgsp", url=f"{receiver.base}/hook", events=["ranking.published"], secret_env="T_SIGN",
                 auth="none")
    assert enqueue() == 0
    later = a_change()
    assert enqueue() == 1
    assert Delivery.objects.get().change == later


def test_the_api_key_adapter_sends_its_header_and_a_missing_secret_is_a_logged_failure(receiver, monkeypatch):
    monkeypatch.setenv("T_SIGN", "s")
    do_subscribe(name="lgsp", url=f"{receiver.base}/hook", events=["ranking.published"], secret_env="T_SIGN",
                 auth="api_key", api_key_header="X-API-Key", api_key_env="T_KEY")
    a_change()
    now = timezone.now()
    enqueue(now)
    assert [(a.http_status, a.error) for a in deliver_due(now)] == [
        (None, "Chưa đặt biến môi trường T_KEY chứa khóa API.")]
    assert receiver.requests == []
    monkeypatch.setenv("T_KEY", "khoa-api")
    assert [a.http_status for a in deliver_due(now + timedelta(minutes=1))] == [200]
    assert receiver.on("/hook")[0].headers["X-API-Key"] == "khoa-api"


def test_after_the_last_attempt_a_delivery_is_failed_and_not_tried_again(receiver, monkeypatch):
    monkeypatch.setenv("T_SIGN", "s")
    monkeypatch.setenv("CHISO_INTEGRATION_MAX_ATTEMPTS", "2")
    do_subscribe(name="lgsp", url=f"{receiver.base}/hook", events=["ranking.published"], secret_env="T_SIGN",
                 auth="none")
    a_change()
    receiver.statuses = [503, 503, 503]
    now = timezone.now()
    enqueue(now)
    deliver_due(now)
    deliver_due(now + timedelta(minutes=1))
    assert deliver_due(now + timedelta(days=30)) == []
    assert Delivery.objects.get().status == "failed"
    assert list(DeliveryAttempt.objects.values_list("number", "http_status")) == [(1, 503), (2, 503)]


def test_a_redirect_is_not_followed(receiver, monkeypatch):
    monkeypatch.setenv("T_SIGN", "s")
    do_subscribe(name="lgsp", url=f"{receiver.base}/hook", events=["ranking.published"], secret_env="T_SIGN",
                 auth="none")
    a_change()
    receiver.statuses = [302]
    receiver.redirect_to = "http://127.0.0.2:9/elsewhere"
    now = timezone.now()
    enqueue(now)
    [attempt] = deliver_due(now)
    assert attempt.http_status == 302
    assert attempt.error == ("Máy nhận chuyển hướng (302) tới 127.0.0.2:9: không theo chuyển hướng, hãy đăng ký "
                             "đúng địa chỉ.")
    assert len(receiver.requests) == 1


def test_the_worker_loop_is_bounded(receiver):
    sleeps: list[float] = []
    totals = run(once=False, max_seconds=45, pause=15, sleep=sleeps.append)
    assert sleeps == [15, 15]
    assert totals == {"changes": 0, "queued": 0, "attempts": 0, "delivered": 0}
    assert chiso("deliver", "--once") == "Thay đổi mới: 0; xếp hàng: 0; lần gửi: 0, thành công: 0.\n"
    assert chiso("collect") == "Đã ghi 0 thay đổi vào luồng.\n"


def test_the_delivery_log_is_shown_read_only_in_the_admin(admin_client, receiver, monkeypatch):
    monkeypatch.setenv("T_SIGN", "s")
    do_subscribe(name="lgsp", url=f"{receiver.base}/hook", events=["ranking.published"], secret_env="T_SIGN",
                 auth="none")
    a_change()
    receiver.statuses = [500]
    now = timezone.now()
    enqueue(now)
    deliver_due(now)
    delivery = Delivery.objects.get()
    page = admin_client.get(f"/admin/integration/delivery/{delivery.pk}/change/").content.decode()
    assert "Máy nhận trả lời HTTP 500." in page
    assert "Chọn lượt gửi để xem" in admin_client.get("/admin/integration/delivery/").content.decode()
    assert admin_client.get("/admin/integration/subscription/add/").status_code == 403
