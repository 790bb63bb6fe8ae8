"""The pull feed of published changes: ``/changes`` (``integration.feed``), for a platform that cannot receive
calls. Public: it carries only what is published; anonymous callers have the API's anonymous limits."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from chiso.api.limits import LIMIT, page_size
from chiso.api.queries import BadRequest
from chiso.api.schemas import ErrorOut
from chiso.integration.feed import BadCursor, page

router = Router(tags=["Tích hợp"])

DEFAULT_LIMIT = 100


class ChangePage(Schema):
    items: list[dict[str, Any]]
    next: str
    more: bool


@router.get("/changes", response={200: ChangePage, 400: ErrorOut}, summary="Luồng thay đổi đã công bố")
def changes(
    request: HttpRequest,
    since: str | None = Query(None, description="Con trỏ: giá trị 'next' của lần đọc trước; trống: từ đầu"),
    limit: int | None = Query(None, ge=1, description=LIMIT),
) -> ChangePage:
    """Changes that became public, oldest first: ``figures.published`` (a report's figures were approved, or a
    published figure changed), ``ranking.published`` and ``dataset.updated``. Each has ``id``, ``type``, ``at``,
    ``unit``, ``period`` and ``links`` (where to read it), and the published figures where cheap. Read on with
    ``since=<next>``: every change comes once, in order; an empty ``items`` means nothing new (poll again later
    with the same ``next``). ``more`` says another page is ready now."""
    size = page_size(request, limit, DEFAULT_LIMIT)
    try:
        found = page(since, size, request.build_absolute_uri("/"))
    except BadCursor as error:
        raise BadRequest(str(error)) from None
    return ChangePage(items=found.items, next=found.next, more=found.more)
