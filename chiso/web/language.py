"""Which language a page is written in; every channel that writes text for a person asks here. And the
switch every page's header sends a reader's choice to (``/ngon-ngu/``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, wraps
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from chiso.engine.periods import Period, PeriodError


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


def name_in_page_language(thing: object) -> str:
    """A catalogue name (indicator, pillar, data element, form) in the page's language: the English one on an
    English page when there is one, else the Vietnamese one (the ``name_of`` filter, the entry and approval pages)."""
    if page_language() == "en" and getattr(thing, "name_en", ""):
        return str(thing.name_en)  # type: ignore[attr-defined]
    return str(getattr(thing, "name_vi", thing))


def in_page_language(vietnamese: str, english: str) -> str:
    """Words said in both languages, in the page's: the English ones on an English page when there are any."""
    return english if english and page_language() == "en" else vietnamese


def message_in_page_language(said: object) -> str:
    """What an action said (a refusal or warning of ``values.actions``, a cell that does not read) in the page's
    language: its ``message_en`` on an English page when there is one, else its ``message`` (Vietnamese)."""
    return in_page_language(str(said.message), str(getattr(said, "message_en", "")))  # type: ignore[attr-defined]


def period_words(period: Period) -> str:
    """"Tháng 5/2021", or "May 2021" on an English page (the ``period_label`` filter)."""
    return period.en_label() if page_language() == "en" else period.vi_label()


def previous_period_words(period: Period) -> str:
    """The words of the period before ``period`` ("Kỳ trước" / "Previous period" before the calendar starts)."""
    try:
        return period_words(period.previous())
    except PeriodError:
        return _("Kỳ trước")


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


@never_cache
def switch_language(request: HttpRequest) -> HttpResponseRedirect:
    """``GET /ngon-ngu/?language=en&next=/chi-tieu/``: the language cookie set to a language of
    ``settings.LANGUAGES`` (anything else is ignored), then back to ``next`` when it is a page of this site, else
    to the home page. A GET with no CSRF token, so that public pages hold no visitor's token and can be served
    from the public cache (chiso/web/public_cache.py); choosing a language changes nothing but the cookie."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    language = request.GET.get("language", "")
    if language in dict(settings.LANGUAGES):
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                            path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
                            secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                            samesite=settings.LANGUAGE_COOKIE_SAMESITE)
    return response
