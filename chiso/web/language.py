"""Which language a page is written in; every channel that writes text for a person asks here."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings
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
