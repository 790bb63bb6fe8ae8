"""The site's URLs plus one page that fails, for the logging tests (``settings.ROOT_URLCONF``)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from chiso.urls import handler500
from chiso.urls import urlpatterns as site_urlpatterns

__all__ = ["handler500", "urlpatterns"]


def failing_page(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("hỏng thử: trang lỗi")


urlpatterns = [path("loi-thu/", failing_page), *site_urlpatterns]
