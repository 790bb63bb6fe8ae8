"""The public micro-cache (chiso/web/public_cache.py): anonymous public reads answered from a copy at most
CHISO_PUBLIC_CACHE_SECONDS old; never a logged-in user's page, never a cookie, never a CSRF token.

The rest of the suite runs with the cache off (tests/conftest.py); these tests turn it on. Its clock is moved
rather than waited for, so a slow machine cannot make a copy expire in the middle of a test."""

from __future__ import annotations

import re
import threading
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.http import HttpResponse, StreamingHttpResponse
from django.test import Client, RequestFactory

from chiso.engine.periods import Period
from chiso.indicators.models import DataElement
from chiso.values.actions import ValueEntry, do_set_values
from chiso.values.models import Channel
from chiso.web import public_cache
from tests.conftest import _user, unit

pytestmark = pytest.mark.django_db

TTL = 30  # seconds: long enough that no copy expires unless a test moves the clock
PUBLISHED = "/api/v1/values?unit=20221&version=2024&data=XHS-14&period=2024-12"  # Thạc Gián's approved month
DRAFTS = "/api/v1/values?unit=20209&version=2025-07&data=XHS-14&period=2025-12"  # Thanh Khê's open month


@pytest.fixture(autouse=True)
def cache_on(settings):  # type: ignore[no-untyped-def]
    settings.PUBLIC_CACHE_SECONDS = TTL
    caches["public"].clear()
    yield
    caches["public"].clear()


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    """The cache's clock, moved by hand: ``clock.seconds += 31``."""

    class Clock:
        seconds = 1_000_000.0

    monkeypatch.setattr(public_cache, "now", lambda: Clock.seconds)
    return Clock


def _value(client: Client, url: str) -> float:
    return client.get(url).json()["items"][0]["value"]


def _write(element: str, unit_code: str, version: str, period: str, value: int, user=None) -> None:  # type: ignore[no-untyped-def]
    do_set_values([ValueEntry(DataElement.objects.get(code=element), unit(version, unit_code), Period.parse(period),
                              Decimal(value))], acting_user=user, channel=Channel.WEB if user else Channel.DEMO)


def test_a_second_anonymous_read_within_the_ttl_reads_nothing_and_gets_the_same_bytes(
        client, django_assert_num_queries):
    for path in ("/chi-tieu/", "/don-vi/", PUBLISHED):
        first = client.get(path)
        assert (first.status_code, first["X-Cache"]) == (200, "MISS"), path
        with django_assert_num_queries(0):
            second = client.get(path)
        assert (second.status_code, second["X-Cache"], second.content) == (200, "HIT", first.content), path
        assert second["Content-Type"] == first["Content-Type"]


def test_the_bench_paths_are_stored_and_hold_no_csrf_token(client):
    from chiso.bench.load import READ_PATHS

    for path in READ_PATHS:
        first = client.get(path)
        assert first.status_code == 200, path
        assert b"csrfmiddlewaretoken" not in first.content and "Set-Cookie" not in first, path
        assert client.get(path)["X-Cache"] == "HIT", path


def test_after_the_ttl_a_changed_published_figure_shows(client, clock):
    assert _value(client, PUBLISHED) == 58.0
    _write("XHS-14", "20221", "2024", "2024-12", 4321)  # the system corrects a figure of an approved report
    clock.seconds += TTL - 1
    assert _value(client, PUBLISHED) == 58.0  # a copy younger than the setting
    clock.seconds += 2
    stale = client.get(PUBLISHED)  # the first reader after the TTL gets the old copy, then renders it again
    assert (stale["X-Cache"], stale.json()["items"][0]["value"]) == ("STALE", 58.0)
    fresh = client.get(PUBLISHED)
    assert (fresh["X-Cache"], fresh.json()["items"][0]["value"]) == ("HIT", 4321.0)
    assert caches["public"].get(_key(PUBLISHED) + public_cache.LOCK) is None  # the lock let go


def test_while_another_request_renders_an_expired_copy_it_is_served_but_never_ten_times_too_old(client, clock):
    assert _value(client, PUBLISHED) == 58.0
    _write("XHS-14", "20221", "2024", "2024-12", 4321)
    clock.seconds += TTL + 1
    assert caches["public"].add(_key(PUBLISHED) + public_cache.LOCK, 1, timeout=60)  # another worker renders it
    for _ in range(2):
        stale = client.get(PUBLISHED)
        assert (stale["X-Cache"], stale.json()["items"][0]["value"]) == ("STALE", 58.0)
    clock.seconds += public_cache.STALE_FACTOR * TTL  # the copy is now too old to serve, lock or not
    fresh = client.get(PUBLISHED)
    assert (fresh["X-Cache"], fresh.json()["items"][0]["value"]) == ("MISS", 4321.0)


def test_a_conditional_request_on_an_expired_copy_gets_304_and_the_copy_is_rendered_whole(client, clock):
    first = client.get(PUBLISHED)
    clock.seconds += TTL + 1
    answer = client.get(PUBLISHED, headers={"If-None-Match": first["ETag"]})  # nothing changed: the reader's is good
    assert (answer.status_code, answer["X-Cache"]) == (304, "STALE")
    again = client.get(PUBLISHED)  # the refresh stored the whole answer, not a 304
    assert (again.status_code, again["X-Cache"], again.content) == (200, "HIT", first.content)


def test_a_head_gets_the_stale_copy_but_leaves_the_rendering_to_a_get(client, clock):
    client.get(PUBLISHED)
    clock.seconds += TTL + 1
    assert client.head(PUBLISHED)["X-Cache"] == "STALE"
    assert client.head(PUBLISHED)["X-Cache"] == "STALE"
    assert client.get(PUBLISHED)["X-Cache"] == "STALE"
    assert client.get(PUBLISHED)["X-Cache"] == "HIT"


def test_a_rendering_that_fails_lets_go_of_the_lock(caplog):
    def broken(request):  # type: ignore[no-untyped-def]
        raise RuntimeError("the database went away")

    request = _request_as_the_middleware_sees(PUBLISHED)
    key = _key(PUBLISHED)
    assert caches["public"].add(key + public_cache.LOCK, 1, timeout=60)
    public_cache.PublicCacheMiddleware(broken)._refresh(request, key)
    assert caches["public"].get(key + public_cache.LOCK) is None
    assert "public cache: rendering /api/v1/values again failed" in caplog.text


def test_a_cache_folder_that_fails_only_costs_the_copy(client, clock, monkeypatch, caplog):
    def full_disk(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as disk:
        disk.setattr(public_cache.FileCache, "set", full_disk)
        assert [(a.status_code, a["X-Cache"]) for a in (client.get("/chi-tieu/"), client.get("/chi-tieu/"))] == \
            [(200, "MISS"), (200, "MISS")]
    client.get("/chi-tieu/")
    clock.seconds += TTL + 1
    monkeypatch.setattr(public_cache.FileCache, "add", full_disk)  # the lock cannot be taken: the copy answers
    assert client.get("/chi-tieu/")["X-Cache"] == "STALE"
    monkeypatch.setattr(public_cache.FileCache, "get", full_disk)
    assert client.get("/chi-tieu/").status_code == 200
    assert caplog.text.count("No space left on device") == 4  # two copies not kept, a lock, a read


def _request_as_the_middleware_sees(path: str):  # type: ignore[no-untyped-def]
    request = RequestFactory().get(path)
    request.LANGUAGE_CODE = "vi"
    return request


def _key(path: str) -> str:
    return public_cache.cache_key(_request_as_the_middleware_sees(path))


def test_an_officer_never_gets_a_copy_nor_leaves_one_and_their_draft_never_reaches_the_public(client):
    officer = _user("t_officer_now", "reporter", unit("2025-07", "20209"))
    _write("XHS-14", "20209", "2025-07", "2025-12", 5, user=officer)
    empty = client.get(DRAFTS)  # an anonymous reader first: the copy holds no draft
    assert (empty["X-Cache"], empty.json()["count"]) == ("MISS", 0)
    mine = Client()
    mine.force_login(officer)
    for _ in range(2):
        answer = mine.get(DRAFTS)
        assert (answer.json()["count"], answer.json()["items"][0]["value"]) == (1, 5.0)  # their draft
        assert "X-Cache" not in answer
    assert (client.get(DRAFTS)["X-Cache"], client.get(DRAFTS).json()["count"]) == ("HIT", 0)
    caches["public"].clear()
    assert mine.get(DRAFTS).json()["count"] == 1  # the officer reads first now
    after = client.get(DRAFTS)
    assert (after["X-Cache"], after.json()["count"]) == ("MISS", 0)


def test_the_english_page_is_not_served_to_a_vietnamese_reader(client):
    english = client.get("/don-vi/", headers={"Accept-Language": "en"})
    assert re.search(rb'<html lang="(\w+)">', english.content).group(1) == b"en"
    vietnamese = client.get("/don-vi/", headers={"Accept-Language": "vi"})
    assert (vietnamese["X-Cache"], re.search(rb'<html lang="(\w+)">', vietnamese.content).group(1)) == ("MISS", b"vi")
    client.cookies["django_language"] = "en"
    by_cookie = client.get("/don-vi/", headers={"Accept-Language": "vi"})
    assert (by_cookie["X-Cache"], by_cookie.content) == ("HIT", english.content)


@pytest.mark.parametrize("cookie", ["sessionid", "messages", "chiso_primary"])
def test_a_request_with_a_session_messages_or_primary_cookie_is_rendered(client, cookie):
    client.get("/chi-tieu/")
    client.cookies[cookie] = "x"
    answer = client.get("/chi-tieu/")
    assert (answer.status_code, "X-Cache" in answer) == (200, False)


def test_a_request_with_an_authorization_header_is_rendered(client):
    client.get(PUBLISHED)
    answer = client.get(PUBLISHED, headers={"Authorization": "Bearer chiso_nope"})
    assert (answer.status_code, "X-Cache" in answer) == (401, False)  # the token is checked, not the copy read


def test_only_public_paths_are_shared():
    for path in ("/", "/chi-tieu/XHS-06/", "/don-vi/2025-07/48/", "/tim-kiem/", "/xep-hang/", "/du-lieu-mo/",
                 "/so-theo-doi/", "/bao-cao/2024/491/2024.pdf", "/api/v1/values", "/catalog.ttl",
                 "/api/3/action/package_list"):
        assert public_cache.is_public_path(path), path
    for path in ("/admin/", "/nhap-lieu/", "/nhap-lieu/dang-nhap/", "/nhap-lieu/dang-xuat/", "/nhap-lieu/tai-len/",
                 "/nhap-lieu/duyet/", "/ke-hoach/", "/doc-bao-cao/", "/tai-khoan/ma-truy-cap/", "/to-cns/",
                 "/tinh-hinh/", "/healthz", "/ngon-ngu/", "/static/portal/css/chiso.css"):
        assert not public_cache.is_public_path(path), path


def test_every_top_level_path_is_decided():
    """A new app's URLs are public (shared copies) or private by a decision, not by accident."""
    from chiso.urls import urlpatterns

    private = {"healthz", "ngon-ngu/", "admin/", "nhap-lieu/tai-len/", "nhap-lieu/duyet/", "nhap-lieu/", "ke-hoach/",
               "doc-bao-cao/", "tai-khoan/", "to-cns/"}
    public = {"api/v1/", "bao-cao/", "xep-hang/", "so-theo-doi/", "du-lieu-mo/", ""}  # "": the portal, catalogue
    assert {str(p.pattern) for p in urlpatterns} == private | public
    assert not any(public_cache.is_public_path("/" + p) for p in private)
    assert all(public_cache.is_public_path("/" + p) for p in public)


def test_a_refusal_is_not_stored(client):
    for _ in range(2):
        answer = client.get("/chi-tieu/KHONG-CO/")
        assert (answer.status_code, answer["X-Cache"]) == (404, "MISS")


def test_head_is_answered_from_the_copy_a_get_left(client):
    get = client.get("/chi-tieu/")
    head = client.head("/chi-tieu/")
    assert (head.status_code, head["X-Cache"], head["Content-Type"]) == (200, "HIT", get["Content-Type"])


def test_a_head_alone_stores_nothing(client):
    assert client.head("/chi-tieu/")["X-Cache"] == "MISS"
    assert client.get("/chi-tieu/")["X-Cache"] == "MISS"


def test_the_api_etag_answers_304_from_the_copy(client):
    etag = client.get("/api/v1/versions")["ETag"]
    answer = client.get("/api/v1/versions", headers={"If-None-Match": etag})
    assert (answer.status_code, answer["X-Cache"], answer.content) == (304, "HIT", b"")


def test_a_fragment_for_htmx_and_the_whole_page_are_two_copies(client):
    page = client.get("/chi-tieu/")
    fragment = client.get("/chi-tieu/", headers={"HX-Request": "true"})
    assert (page["X-Cache"], fragment["X-Cache"]) == ("MISS", "MISS")


def test_zero_seconds_turns_it_off(client, settings):
    settings.PUBLIC_CACHE_SECONDS = 0
    client.get("/chi-tieu/")
    assert "X-Cache" not in client.get("/chi-tieu/")


# -- what may be stored, one rule at a time -------------------------------------------------------------------


def _get(path: str = "/chi-tieu/"):  # type: ignore[no-untyped-def]
    request = RequestFactory().get(path)
    request.session = _Session()
    return request


class _Session:
    modified = False


def _page(**headers: str) -> HttpResponse:
    response = HttpResponse(b"<p>trang</p>")
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def test_a_plain_200_page_may_be_stored():
    assert public_cache.may_store(_get(), _page(Vary="Accept-Language, Cookie"))


def test_a_response_that_sets_a_cookie_is_not_stored():
    response = _page()
    response.set_cookie("csrftoken", "abc")
    assert not public_cache.may_store(_get(), response)


def test_a_page_that_used_the_csrf_token_is_not_stored():
    request = _get()
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    assert not public_cache.may_store(request, _page())


def test_a_saved_session_is_not_stored():
    request = _get()
    request.session.modified = True
    assert not public_cache.may_store(request, _page())


@pytest.mark.parametrize("control", ["private", "no-store", "no-cache", "max-age=0, private"])
def test_a_private_or_uncacheable_answer_is_not_stored(control):
    assert not public_cache.may_store(_get(), _page(Cache_Control=control))


@pytest.mark.parametrize("status", [201, 204, 301, 302, 304, 400, 403, 404, 429, 500, 503])
def test_only_200_is_stored(status):
    response = _page()
    response.status_code = status
    assert not public_cache.may_store(_get(), response)


def test_a_streamed_or_too_large_answer_is_not_stored():
    assert not public_cache.may_store(_get(), StreamingHttpResponse(iter([b"a"])))
    assert not public_cache.may_store(_get(), HttpResponse(b"x" * (public_cache.MAX_BYTES + 1)))


def test_an_answer_varying_on_another_header_is_not_stored():
    assert not public_cache.may_store(_get(), _page(Vary="User-Agent"))
    assert not public_cache.may_store(_get(), _page(Vary="*"))
    assert not public_cache.may_store(_get(), _page(Vary="Accept"))  # a page's key has no Accept
    assert public_cache.may_store(_get("/api/v1/dhis2/dataValueSets"), _page(Vary="Accept"))  # the API's has


# -- the lock: one process wins -----------------------------------------------------------------------------


def test_only_one_of_many_concurrent_adds_wins(tmp_path):
    store = public_cache.FileCache(str(tmp_path), {})
    results: list[bool] = []
    threads = [threading.Thread(target=lambda: results.append(store.add("lock", 1, timeout=5))) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(results) == [False] * 15 + [True]
    assert sorted(p.name for p in tmp_path.iterdir()) == [store._key_to_file("lock").rsplit("/", 1)[1]]


def test_an_expired_lock_can_be_taken_again(tmp_path):
    store = public_cache.FileCache(str(tmp_path), {})
    assert store.add("lock", 1, timeout=-1)  # already expired
    assert store.add("lock", 2, timeout=5)
    assert (store.add("lock", 3, timeout=5), store.get("lock")) == (False, 2)
