"""Login throttling with django-axes: after ``CHISO_LOGIN_FAILURE_LIMIT`` wrong passwords in a row for one
user name from one address, that pair is locked for ``CHISO_LOGIN_LOCKOUT_MINUTES`` (the right password
too is refused meanwhile). The lock answers 429 with the login page and a Vietnamese message: the ward
officers' login (/nhap-lieu/dang-nhap/) or the admin's. An administrator unlocks earlier with
``chiso axes_reset_username NAME`` or in Quản trị → Axes.

Only password logins count: API calls with a Bearer token never go through ``authenticate``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME / timedelta(minutes=1))
    limit = settings.AXES_FAILURE_LIMIT
    return (f"Đăng nhập tạm bị khóa: tên đăng nhập này đã nhập sai mật khẩu {limit} lần "
            f"liền từ máy này. Hãy thử lại sau {minutes} phút, hoặc nhờ quản trị thành phố mở khóa.")


class LoginThrottleBackend(AxesStandaloneBackend):
    """Axes' check before the password check. A call without a request (``Client.login`` in tests,
    a shell) is not a web login and is not counted."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None,  # type: ignore[override]
                     password: str | None = None, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict[str, Any] | None = None) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: the same login page again, with the lock explained, status 429."""
    message = lockout_message()
    next_url = request.POST.get(REDIRECT_FIELD_NAME, "") or request.GET.get(REDIRECT_FIELD_NAME, "")
    if request.path.startswith(reverse("admin:index")):
        context = {**admin.site.each_context(request), "title": "Đăng nhập",
                   "app_path": request.get_full_path(), "form": AdminAuthenticationForm(request),
                   "locked_out": message, "next": next_url, REDIRECT_FIELD_NAME: next_url}
        return render(request, "accounts/admin_login_locked.html", context, status=429)
    with translation.override("vi"):
        response = render(request, "collection/entry/login.html",
                          {"form": AuthenticationForm(request), "locked_out": message, "next": next_url},
                          status=429)
    response["Content-Language"] = "vi"
    return response


def client_ip_behind_proxy(request: HttpRequest) -> str | None:
    """With ``CHISO_BEHIND_PROXY``: the address the proxy saw, the last one in X-Forwarded-For (the
    ones before it are whatever the client sent)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    last = forwarded.rsplit(",", 1)[-1].strip()
    return last or request.META.get("REMOTE_ADDR")
