"""The token page (/tai-khoan/ma-truy-cap/): a signed-in user lists their API tokens (never the token
itself), makes one (shown once, on the answer to the form: not cached, in no cookie) and revokes one.
Thin: ``accounts.tokens`` owns every rule; another user's token is a 404, as if it did not exist."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from chiso import conf
from chiso.accounts.models import TokenScope
from chiso.accounts.tokens import MAX_DAYS, TokenError, create_token, do_revoke_token, tokens_of


def _page(request: HttpRequest, *, token: str | None = None, error: str | None = None,
          status: int = 200) -> HttpResponse:
    response = render(request, "accounts/tokens.html", {
        "tokens": tokens_of(cast(User, request.user)), "now": timezone.now(), "new_token": token, "error": error,
        "scopes": TokenScope.choices, "default_days": conf.env_int("CHISO_TOKEN_DAYS"), "max_days": MAX_DAYS,
        "form": request.POST if error else {},
    }, status=status)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@login_required
def token_create(request: HttpRequest) -> HttpResponse:
    days_text = request.POST.get("days", "").strip()
    try:
        days = int(days_text) if days_text else None
    except ValueError:
        return _page(request, error=f"Số ngày hiệu lực phải là số nguyên từ 1 đến {MAX_DAYS}, không phải "
                                    f"'{days_text[:20]}'.", status=400)
    try:
        _, token = create_token(cast(User, request.user), request.POST.get("name", ""),
                                scope=request.POST.get("scope", TokenScope.READ), days=days)
    except TokenError as refused:
        return _page(request, error=refused.message, status=refused.status)
    return _page(request, token=token)


@require_POST
@login_required
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        row = do_revoke_token(token_id, acting_user=cast(User, request.user))
    except TokenError as refused:
        raise Http404(refused.message) from None
    messages.success(request, f"Đã thu hồi mã truy cập '{row.name}': mọi lời gọi dùng mã này bị từ chối từ nay.")
    return HttpResponseRedirect(reverse("accounts:tokens"))
