"""The integration API (django-ninja, OpenAPI 3 at /api/v1/docs)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import Throttled, ValidationError

from chiso.api import (analytics, catalogue, changes, collection, criteria, dhis2, plans, rankings, registers, teams,
                       units, values)
from chiso.api.limits import AnonymousRateThrottle, TokenRateThrottle, throttled_detail
from chiso.api.queries import BadRequest, NotFound
from chiso.web.errors import api_server_error

api = NinjaAPI(
    title="chiso API", version="1", throttle=[AnonymousRateThrottle(), TokenRateThrottle()],
    description=("Chỉ số chuyển đổi số: đơn vị, chỉ tiêu, số liệu. Đọc không cần đăng nhập; gửi mã truy cập "
                 "(Authorization: Bearer <mã>) để đọc nhiều dòng hơn mỗi lần và không bị giới hạn tần suất. "
                 "Kết quả dài được chia trang: đọc tiếp theo liên kết 'next'."),
)


@api.exception_handler(NotFound)
def not_found(request: HttpRequest, error: NotFound) -> HttpResponse:
    return api.create_response(request, {"detail": str(error)}, status=404)


@api.exception_handler(BadRequest)
def bad_request(request: HttpRequest, error: BadRequest) -> HttpResponse:
    return api.create_response(request, {"detail": str(error)}, status=400)


_RULES = {
    "missing": "thiếu (tham số bắt buộc)",
    "int_parsing": "phải là số nguyên",
    "int_from_float": "phải là số nguyên",
    "float_parsing": "phải là số",
    "decimal_parsing": "phải là số",
    "bool_parsing": "phải là true hoặc false",
    "string_type": "phải là chuỗi ký tự",
    "list_type": "phải là một danh sách",
    "json_invalid": "không phải JSON hợp lệ",
    "model_attributes_type": "phải là một đối tượng JSON",
    "dict_type": "phải là một đối tượng JSON",
}


def _problem(error: dict[str, Any]) -> str:
    """One validation error of django-ninja (pydantic) as a Vietnamese sentence naming the parameter."""
    where = [str(part) for part in error.get("loc", ())]
    source = where[0] if where else ""
    name = ".".join(where[1:]) if len(where) > 1 else source
    kind, context = error.get("type", ""), error.get("ctx") or {}
    if kind == "less_than_equal":
        rule = f"phải nhỏ hơn hoặc bằng {context.get('le')}"
    elif kind == "greater_than_equal":
        rule = f"phải lớn hơn hoặc bằng {context.get('ge')}"
    elif kind in _RULES:
        rule = _RULES[kind]
    else:
        rule = f"không hợp lệ ({error.get('msg', kind)})"
    label = "Trường" if source == "body" else "Tham số"
    return f"{label} '{name}': {rule}." if name else f"Yêu cầu không hợp lệ: {rule}."


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """A parameter or body that does not fit the OpenAPI description: 422, in Vietnamese, one sentence each."""
    return api.create_response(
        request, {"detail": "Tham số không hợp lệ.", "problems": [_problem(e) for e in error.errors]}, status=422)


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, error: Throttled) -> HttpResponse:
    return api.create_response(request, {"detail": throttled_detail(request)}, status=429)


@api.exception_handler(Exception)
def server_error(request: HttpRequest, error: Exception) -> HttpResponse:
    """Any other exception: logged with its traceback and the request id, answered 500 in JSON with the id."""
    return api_server_error(api, request, error)


api.add_router("", units.router)
api.add_router("", catalogue.router)
api.add_router("", values.router)
api.add_router("", analytics.router)
api.add_router("", collection.router)
api.add_router("", plans.router)
api.add_router("", rankings.router)
api.add_router("", criteria.router)
api.add_router("", dhis2.router)
api.add_router("", changes.router)
api.add_router("", registers.router)
api.add_router("", teams.router)
