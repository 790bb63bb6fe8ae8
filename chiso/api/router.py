"""The integration API (django-ninja, OpenAPI 3 at /api/v1/docs)."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from chiso.api import analytics, catalogue, collection, units, values
from chiso.api.queries import BadRequest, NotFound

api = NinjaAPI(title="chiso API", version="1", description="Chỉ số chuyển đổi số: đơn vị, chỉ tiêu, số liệu.")


@api.exception_handler(NotFound)
def not_found(request: HttpRequest, error: NotFound) -> HttpResponse:
    return api.create_response(request, {"detail": str(error)}, status=404)


@api.exception_handler(BadRequest)
def bad_request(request: HttpRequest, error: BadRequest) -> HttpResponse:
    return api.create_response(request, {"detail": str(error)}, status=400)


api.add_router("", units.router)
api.add_router("", catalogue.router)
api.add_router("", values.router)
api.add_router("", analytics.router)
api.add_router("", collection.router)
