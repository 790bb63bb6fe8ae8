"""Which language a page is written in; every channel that writes text for a person asks here."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, wraps
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import get_language


@cache
def _has_catalogue(lang: str) -> bool:
    return any(
        (Path(folder) / lang / "LC_MESSAGES" / "django.mo").exists() for folder in settings.LOCALE_PATHS
    )


def page_language() -> str:
    """The language pages are written in: the active one once chiso has its catalogue, else Vietnamese.

    Until the English translation lands, a browser asking for English still gets Vietnamese text,
    so its numbers, dates and ``<html lang>`` must be Vietnamese too, not a mix.
    """
    lang = (get_language() or "vi").split("-")[0]
    return lang if lang == "vi" or _has_catalogue(lang) else "vi"


def vietnamese_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For pages written in Vietnamese only (those not translated yet): render them, header included, in
    Vietnamese whatever language the visitor picked, rather than a page in two languages."""

    @wraps(view)
    def in_vietnamese(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        with translation.override("vi"):
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        response["Content-Language"] = "vi"
        return response

    return in_vietnamese
