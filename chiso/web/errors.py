"""The 500 page (Vietnamese, with the request id) and the API's 500 (JSON, with the request id).

Django logs a page's unhandled exception itself (``django.request``, traceback included); django-ninja
catches an API handler's exception before Django sees it, so ``api_server_error`` logs it the same way.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils.log import log_response
from ninja import NinjaAPI

from chiso.web.request_id import request_id_of

API_MESSAGE = ("Lỗi máy chủ: yêu cầu chưa được thực hiện. Lỗi đã được ghi lại; khi báo cho quản trị, "
               "hãy gửi kèm mã yêu cầu {request_id}.")


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
