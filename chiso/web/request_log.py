"""One log line per request: ``GET /chi-tieu/ 200 12 ms`` (logger ``chiso.request``, level INFO).

The request id is in the line's ``[…]`` (``chiso.web.logs.FORMAT``), so a line leads to the other lines of the
same request and to the error page a user saw. The query string is left out (it may hold what a person
searched for). Every line is INFO, whatever the status: a 500's traceback is Django's own ERROR line
(``django.request``), with the same request id.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from chiso.web.request_id import request_id_of

logger = logging.getLogger("chiso.request")


class RequestLogMiddleware:
    """Second in MIDDLEWARE, right after the request id: it times everything the others do."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        milliseconds = (time.perf_counter() - started) * 1000
        status = response.status_code
        logger.info("%s %s %d %.0f ms", request.method, request.path, status, milliseconds,
                   extra={"request_id": request_id_of(request), "method": request.method, "path": request.path,
                          "status": status, "duration_ms": round(milliseconds, 1)})
        return response
