"""The language switch in every page's header (chiso/web/language.py): a GET that sets the language cookie and
goes back to a page of this site, so public pages hold no CSRF token and may be shared copies."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_language_switch_is_a_get_form_without_a_token(client):
    text = client.get("/don-vi/").content.decode()
    assert '<form class="lang-switch" action="/ngon-ngu/" method="get">' in text
    assert '<input name="next" type="hidden" value="/don-vi/">' in text
    assert "csrfmiddlewaretoken" not in text


def test_the_language_switch_sets_the_cookie_and_goes_back(client):
    answer = client.get("/ngon-ngu/", {"language": "en", "next": "/chi-tieu/?v=2024"})
    assert (answer.status_code, answer["Location"]) == (302, "/chi-tieu/?v=2024")
    assert answer.cookies["django_language"].value == "en"
    assert "no-store" in answer["Cache-Control"]
    assert re.search(r'<html lang="(\w+)">', client.get("/chi-tieu/").content.decode()).group(1) == "en"


@pytest.mark.parametrize("target", ["https://example.com/", "//example.com/chi-tieu/", "http://testserver.evil/",
                                    "javascript:alert(1)", ""])
def test_the_language_switch_goes_home_rather_than_to_another_site(client, target):
    answer = client.get("/ngon-ngu/", {"language": "en", "next": target})
    assert (answer.status_code, answer["Location"]) == (302, "/")


def test_an_unknown_language_changes_nothing(client):
    answer = client.get("/ngon-ngu/", {"language": "fr", "next": "/don-vi/"})
    assert (answer.status_code, answer["Location"], "django_language" in answer.cookies) == (302, "/don-vi/", False)
