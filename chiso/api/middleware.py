"""What every answer under /api/v1/ goes through, after the handler:

* a write (POST, PUT, PATCH, DELETE) made with a token leaves a ``TokenUse`` row (token, when, method,
  path, status), whatever its answer;
* a successful GET carries an ``ETag`` (a hash of its body) and answers 304, without a body, to an
  ``If-None-Match`` naming it;
* an error that is not already JSON (an unknown path, a method the path does not take) becomes JSON with a
  Vietnamese ``detail``, like every other refusal of the API.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils.cache import get_conditional_response, patch_vary_headers

from chiso.accounts.tokens import record_use
from chiso.api.auth import token_of

PREFIX = "/api/v1/"


def _detail(request: HttpRequest, response: HttpResponseBase) -> str:
    if response.status_code == 404:
        return (f"Không có địa chỉ API '{request.path[:200]}': xem danh sách địa chỉ tại /api/v1/docs "
                "(OpenAPI: /api/v1/openapi.json).")
    if response.status_code == 405:
        allowed = response.get("Allow", "")
        return (f"Địa chỉ '{request.path[:200]}' không nhận phương thức {request.method}"
                + (f": dùng {allowed}." if allowed else "."))
    return f"Yêu cầu không được chấp nhận (mã {response.status_code}): xem /api/v1/docs."


class ApiMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not request.path.startswith(PREFIX):
            return response
        token = token_of(request)
        if token is not None:
            record_use(token, request.method or "", request.path, response.status_code)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith("application/json"):
            answer = JsonResponse({"detail": _detail(request, response)}, status=response.status_code,
                                  json_dumps_params={"ensure_ascii": False})
            for header in ("Allow", "Retry-After", "X-Request-ID"):
                if header in response:
                    answer[header] = response[header]
            return answer
        if request.method in ("GET", "HEAD") and response.status_code == 200 and isinstance(response, HttpResponse):
            response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
            patch_vary_headers(response, ["Authorization"])
            conditional = get_conditional_response(request, etag=response["ETag"], response=response)
            if conditional is not None:
                return conditional
        return response
