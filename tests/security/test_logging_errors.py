"""Logs a maintainer can use (issue 8, item 6): a 500 used to leave no trace. Now every request has an id,
sent back in ``X-Request-ID``, shown on the error page and in every log line, and an unhandled exception is
logged with its traceback, on pages and in the API alike."""

from __future__ import annotations

import logging
import re

import pytest
from django.conf import settings
from django.test import Client

from chiso.web.logs import FORMAT, RequestIdFilter

URLS = "tests.security.urls_raising"


@pytest.fixture
def logged(caplog):
    """caplog's records, with the request id as the configured handlers add it."""
    caplog.handler.addFilter(RequestIdFilter())
    caplog.set_level(logging.INFO)
    return caplog


def _server_errors(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "django.request" and r.levelno == logging.ERROR]


def test_a_page_s_500_is_logged_with_its_traceback_and_the_id_shown_to_the_user(db, settings, logged):
    settings.ROOT_URLCONF = URLS
    response = Client(raise_request_exception=False).get("/loi-thu/")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    page = response.content.decode()
    assert "<h1>Lỗi máy chủ</h1>" in page
    assert f'<code class="request-id">{request_id}</code>' in page
    assert "<script" not in page
    [record] = _server_errors(logged)
    assert record.request_id == request_id
    line = logging.Formatter(FORMAT).format(record)
    assert f"ERROR [{request_id}] django.request: Internal Server Error: /loi-thu/" in line
    assert "Traceback (most recent call last)" in line
    assert "RuntimeError: hỏng thử: trang lỗi" in line


def test_an_api_500_answers_json_with_the_id_and_is_logged(db, monkeypatch, logged):
    def failing_versions():
        raise RuntimeError("hỏng thử: API")

    monkeypatch.setattr("chiso.api.queries.versions", failing_versions)
    response = Client().get("/api/v1/versions", HTTP_X_REQUEST_ID="nginx-5f1c2e9a")
    assert response.status_code == 500
    assert response["X-Request-ID"] == "nginx-5f1c2e9a"
    assert response.json() == {
        "detail": ("Lỗi máy chủ: yêu cầu chưa được thực hiện. Lỗi đã được ghi lại; khi báo cho quản trị, "
                   "hãy gửi kèm mã yêu cầu nginx-5f1c2e9a."),
        "request_id": "nginx-5f1c2e9a",
    }
    [record] = _server_errors(logged)
    line = logging.Formatter(FORMAT).format(record)
    assert "ERROR [nginx-5f1c2e9a] django.request: Internal Server Error: /api/v1/versions" in line
    assert "RuntimeError: hỏng thử: API" in line and "Traceback (most recent call last)" in line


def test_an_api_404_stays_a_404(db):
    response = Client().get("/api/v1/units/2024/99999999")
    assert response.status_code == 404


@pytest.mark.parametrize("incoming", ["short", "has space 12345", "x" * 65, "-starts-dash", "é-unicode-1234"])
def test_an_incoming_id_that_does_not_fit_is_replaced(db, incoming):
    response = Client().get("/api/v1/versions", HTTP_X_REQUEST_ID=incoming)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_each_request_gets_its_own_id(db):
    client = Client()
    assert client.get("/").headers["X-Request-ID"] != client.get("/").headers["X-Request-ID"]


def test_the_log_goes_to_standard_error_through_the_id_filter():
    config = settings.LOGGING
    assert config["handlers"]["stderr"]["class"] == "logging.StreamHandler"
    assert config["handlers"]["stderr"]["filters"] == ["request_id"]
    assert config["root"]["handlers"] == ["stderr"]
    assert config["loggers"]["django"] == {"handlers": [], "level": "INFO", "propagate": True}
