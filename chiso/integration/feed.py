"""The pull feed: the change log read in id order from a cursor, for a platform that cannot receive calls.

A cursor is opaque to the reader: ``base64url("chiso-changes:<last id>")``. The feed's order is the ids ``collect``
gives (one collect at a time, rows committed together), so reading from the ``next`` cursor of each answer
sees every change once, with no gap and no repeat; an answer with no change gives back the same cursor.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from chiso.integration.models import Change

_PREFIX = "chiso-changes:"


class BadCursor(ValueError):
    """A cursor this feed did not give out."""


def make_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{last_id}".encode()).decode().rstrip("=")


def read_cursor(cursor: str | None) -> int:
    """The last change id a cursor stands for; 0 (the start) without one."""
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not text.startswith(_PREFIX):
            raise ValueError
        last_id = int(text[len(_PREFIX):])
        if not 0 <= last_id < 2**62:  # beyond any id; a larger number would overflow the database's integer
            raise ValueError
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadCursor("Tham số 'since' không hợp lệ: dùng nguyên giá trị 'next' của lần đọc trước "
                        "(bỏ trống để đọc từ đầu).") from None
    return last_id


def event_of(change: Change, base_url: str) -> dict[str, Any]:
    """A change as the feed and the pushes carry it: links made absolute with ``base_url``."""
    body = dict(change.body)
    links = {name: base_url.rstrip("/") + path for name, path in body.pop("links", {}).items()}
    return {"id": str(change.pk), "type": change.type, "at": change.at.isoformat(), **body, "links": links}


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    next: str
    more: bool


def page(since: str | None, limit: int, base_url: str) -> Page:
    """Up to ``limit`` changes after the cursor ``since``, and the cursor to read on from."""
    after = read_cursor(since)
    rows = list(Change.objects.filter(id__gt=after).order_by("id")[:limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return Page([event_of(c, base_url) for c in rows], make_cursor(rows[-1].pk) if rows else (since or
                make_cursor(0)), more)
