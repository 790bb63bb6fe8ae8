"""The integration API (django-ninja, OpenAPI 3 at /api/v1/docs)."""

from ninja import NinjaAPI

api = NinjaAPI(title="chiso API", version="1", description="Chỉ số chuyển đổi số: đơn vị, chỉ tiêu, số liệu.")
