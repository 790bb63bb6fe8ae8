"""A new API token (issue 8, defect 10) used to travel in the messages cookie: now it is shown once, on the
answer to the admin form, and is in no cookie and no log line."""

from __future__ import annotations

import logging
import re

from django.test import Client

from chiso.accounts.models import ApiToken
from chiso.api.auth import hash_token


def test_a_new_token_is_shown_on_the_page_and_never_in_a_cookie_or_the_log(city_admin, django_user_model,
                                                                          caplog):
    superuser = django_user_model.objects.create_superuser("t_root", password="pw-for-tests")
    client = Client()
    client.force_login(superuser)
    with caplog.at_level(logging.DEBUG):
        response = client.post("/admin/accounts/apitoken/add/",
                               {"user": city_admin.pk, "name": "LGSP thành phố"})
    assert response.status_code == 200
    page = response.content.decode()
    tokens = re.findall(r"chiso_[A-Za-z0-9_-]{40,}", page)
    assert len(set(tokens)) == 1
    token = tokens[0]
    assert ApiToken.objects.get(name="LGSP thành phố", user=city_admin).token_hash == hash_token(token)
    assert "Hãy chép mã này ngay: nó chỉ hiện một lần" in page
    assert "no-store" in response["Cache-Control"]
    set_cookies = [m.output() for m in response.cookies.values()]
    assert not any(token in c for c in set_cookies)
    assert "messages" not in response.cookies
    assert token not in caplog.text
    listing = client.get("/admin/accounts/apitoken/")
    assert listing.status_code == 200 and token not in listing.content.decode()
    # The token authenticates (the empty body is then refused, 422, where a wrong token is 401).
    assert Client().post("/api/v1/values", {}, content_type="application/json",
                         HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 422
