"""The 403, 404 and 500 pages (Vietnamese, or English when the visitor chose it; 403 and 404 inside the
site's layout, saying what was wrong and where to go) and the API's 500 (JSON, with the request id). Under
/api/v1/ the 403 and 404 pages become JSON again (``api.middleware``).

Django logs a page's unhandled exception itself (``django.request``, traceback included); django-ninja
catches an API handler's exception before Django sees it, so ``api_server_error`` logs it the same way.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import Resolver404
from django.utils.log import log_response
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from chiso.web.language import page_language
from chiso.web.request_id import request_id_of

API_MESSAGE = ("Lỗi máy chủ: yêu cầu chưa được thực hiện. Lỗi đã được ghi lại; khi báo cho quản trị, "
               "hãy gửi kèm mã yêu cầu {request_id}.")


ENTRY_PREFIX = "/nhap-lieu/"
SHOWN = 400  # characters of a path or a reason shown at most


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler404``: what was not found (the reason our code gave, if any) and where to go instead."""
    return _error_page(request, "404.html", 404, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler403``: what the visitor may not do, how to get the right, where to go instead."""
    return _error_page(request, "403.html", 403, exception)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: a form sent from a page left open past its session, or from elsewhere."""
    return _error_page(request, "403.html", 403, PermissionDenied(), reason=_(
        "Biểu mẫu bạn gửi đã cũ (phiên làm việc hết hạn hoặc bạn vừa đăng nhập lại ở thẻ khác), nên chưa có gì "
        "được lưu. Hãy tải lại trang, nhập lại rồi gửi."))


def _error_page(request: HttpRequest, template: str, status: int, exception: Exception, reason: str = "",
                ) -> HttpResponse:
    return render(request, template, {
        "path": request.path[:SHOWN], "reason": reason or reason_of(exception),
        # our reasons are written in Vietnamese; one given here is already in the page's language
        "reason_lang": "vi" if page_language() != "vi" and not reason else "",
        "in_entry": request.path.startswith(ENTRY_PREFIX),
    }, status=status)


def reason_of(exception: Exception) -> str:
    """The sentence our code raised with (``Http404("Không có đơn vị mã 99999 …")``); "" for Django's own
    "no such URL" (its argument is the list of patterns tried, not for visitors).

    >>> reason_of(Http404("Không có biểu mẫu mã X."))
    'Không có biểu mẫu mã X.'
    >>> reason_of(Resolver404({"path": "x", "tried": []})), reason_of(PermissionDenied())
    ('', '')
    """
    if isinstance(exception, Resolver404) or not exception.args or not isinstance(exception.args[0], str):
        return ""
    return exception.args[0][:SHOWN]


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: the page shown for an unhandled exception (nothing here may touch the database)."""
    html = loader.get_template("500.html").render({"request_id": request_id_of(request)})
    return HttpResponseServerError(html)


def api_server_error(api: NinjaAPI, request: HttpRequest, error: Exception) -> HttpResponse:
    """The API's handler for any exception no other handler took."""
    if settings.DEBUG or isinstance(error, (Http404, PermissionDenied, SuspiciousOperation, BadRequest)):
        raise error  # Django's own answer: the debug page, 404, 403, 400
    request_id = request_id_of(request)
    response = api.create_response(
        request, {"detail": API_MESSAGE.format(request_id=request_id), "request_id": request_id}, status=500)
    log_response("%s: %s", "Internal Server Error", request.path, response=response, request=request,
                 exception=error)
    return response
