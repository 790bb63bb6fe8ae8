"""Subscribing a system to the pushed changes, and stopping it. A subscription starts after the newest change
(it receives what happens from then on; the pull feed has the earlier ones)."""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from chiso.integration.models import AuthKind, Change, ChangeType, Subscription
from chiso.integration.outbound import check_url

ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")


class SubscriptionError(Exception):
    """A subscription that cannot be made as asked; the message says why, in Vietnamese."""


def _env(name: str, what: str) -> str:
    if not ENV_NAME.match(name):
        raise SubscriptionError(f"Tên biến môi trường chứa {what} '{name}' không hợp lệ: chữ in hoa, số và dấu _ "
                                "(ví dụ LGSP_SECRET). Chỉ lưu tên biến, không lưu khóa.")
    return name


@transaction.atomic
def do_subscribe(*, name: str, url: str, events: list[str], secret_env: str, auth: str = AuthKind.OAUTH2,
                 token_url: str = "", client_id: str = "", client_secret_env: str = "", scope: str = "",
                 api_key_header: str = "", api_key_env: str = "") -> Subscription:
    """A new subscription, or a SubscriptionError saying what is wrong."""
    name = name.strip()
    if not name:
        raise SubscriptionError("Cần đặt tên cho đăng ký (--name).")
    if Subscription.objects.filter(name=name).exists():
        raise SubscriptionError(f"Đã có đăng ký tên '{name}': chọn tên khác.")
    try:
        check_url(url)
    except ValueError as error:
        raise SubscriptionError(str(error)) from None
    unknown = sorted(set(events) - set(ChangeType.values))
    if not events or unknown:
        raise SubscriptionError(f"Loại sự kiện không hợp lệ: {', '.join(unknown) or '(trống)'}. Có: "
                                f"{', '.join(ChangeType.values)}.")
    _env(secret_env, "khóa ký HMAC")
    if auth == AuthKind.OAUTH2:
        if not token_url or not client_id:
            raise SubscriptionError("Xác thực OAuth2 cần --token-url và --client-id (hoặc chọn --auth api_key/none).")
        try:
            check_url(token_url)
        except ValueError as error:
            raise SubscriptionError(str(error)) from None
        _env(client_secret_env, "client secret")
    elif auth == AuthKind.API_KEY:
        if not api_key_header:
            raise SubscriptionError("Xác thực bằng khóa API cần --api-key-header (ví dụ X-API-Key).")
        _env(api_key_env, "khóa API")
    elif auth != AuthKind.NONE:
        raise SubscriptionError(f"Cách xác thực '{auth}' không có (có: {', '.join(AuthKind.values)}).")
    newest = Change.objects.aggregate(m=Max("id"))["m"] or 0
    return Subscription.objects.create(
        name=name, url=url, events=sorted(set(events)), secret_env=secret_env, auth=auth, token_url=token_url,
        client_id=client_id, client_secret_env=client_secret_env, scope=scope, api_key_header=api_key_header,
        api_key_env=api_key_env, enqueued_through=newest, created_at=timezone.now())


def do_stop_subscription(name: str) -> Subscription:
    """Stop pushing to a subscription (its deliveries and log are kept)."""
    found = Subscription.objects.filter(name=name).first()
    if found is None:
        raise SubscriptionError(f"Không có đăng ký tên '{name}' (xem: chiso integration list).")
    Subscription.objects.filter(pk=found.pk).update(is_active=False)
    found.is_active = False
    return found
