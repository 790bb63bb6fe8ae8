"""The production server (issue #13 item 4): ``chiso serve``, compressed static files with hashed names and a
year's cache, ``/healthz``, one log line per request, the trimmed ECharts build."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client, override_settings

from chiso.web import health
from chiso.web.management.commands import serve
from chiso.web.static import ONE_YEAR

STATIC = Path(__file__).resolve().parent.parent / "chiso" / "portal" / "static"


# -- /healthz --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_says_ok_when_the_database_answers_and_every_migration_is_applied(client, monkeypatch):
    monkeypatch.setattr(health, "_migrated", False)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "migrations": "ok"}


@pytest.mark.django_db
def test_healthz_says_pending_when_a_migration_is_not_applied(client, monkeypatch):
    monkeypatch.setattr(health, "_migrated", False)
    last = MigrationRecorder.Migration.objects.filter(app="values").order_by("-applied", "-id").first()
    MigrationRecorder.Migration.objects.filter(pk=last.pk).delete()  # as if the upgrade skipped chiso migrate
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "error", "database": "ok", "migrations": "pending"}
    assert health._migrated is False  # asked again on the next call, not remembered


@pytest.mark.django_db
def test_healthz_says_unreachable_without_the_error_text_when_the_database_fails(client, monkeypatch, caplog):
    monkeypatch.setattr(health, "_migrated", False)

    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "10.0.0.9", port 5432 failed: password authentication')

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b'{"status": "error", "database": "unreachable", "migrations": "unknown"}'
    assert [r.getMessage() for r in caplog.records if r.name == "chiso.health"] == [
        "healthz: the database did not answer"]


@pytest.mark.django_db
def test_healthz_answers_get_and_head_only(client):
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 200


# -- one log line per request ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_request_writes_one_line_with_method_path_status_duration_and_request_id(client, caplog):
    caplog.set_level(logging.INFO, logger="chiso.request")
    ok = client.get("/healthz?secret=x")
    missing = client.get("/khong-co-trang-nay/", HTTP_X_REQUEST_ID="proxy-id-12345678")
    lines = [r for r in caplog.records if r.name == "chiso.request"]
    assert len(lines) == 2
    first, second = lines
    assert re.fullmatch(r"GET /healthz 200 \d+ ms", first.getMessage())  # no query string
    assert (first.method, first.path, first.status, first.request_id) == ("GET", "/healthz", 200, ok["X-Request-ID"])
    assert first.duration_ms >= 0 and first.levelno == logging.INFO
    assert re.fullmatch(r"GET /khong-co-trang-nay/ 404 \d+ ms", second.getMessage())
    assert (second.status, second.request_id, missing["X-Request-ID"]) == (404, "proxy-id-12345678",
                                                                          "proxy-id-12345678")


# -- static files: hashed, compressed, cached a year -----------------------------------------------------


@pytest.fixture(scope="module")
def collected(tmp_path_factory, django_db_blocker):
    """``collectstatic`` of the portal's files and the vendored libraries (the admin's and the API docs' files
    left out: 25 s of compression that would test nothing more) into a folder of its own."""
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root):
        call_command("collectstatic", interactive=False, verbosity=0,
                     ignore_patterns=["admin", "ninja", "accounts", "collection", "extraction", "plans", "ranking"])
    return root


def test_collectstatic_writes_hashed_gzip_and_brotli_copies_and_a_manifest(collected):
    manifest = json.loads((collected / "staticfiles.json").read_text())["paths"]
    hashed = manifest["vendor/echarts/echarts.min.js"]
    assert re.fullmatch(r"vendor/echarts/echarts\.min\.[0-9a-f]{12}\.js", hashed)
    for suffix in ("", ".gz", ".br"):
        assert (collected / (hashed + suffix)).is_file()
    size = (collected / hashed).stat().st_size
    assert (collected / (hashed + ".br")).stat().st_size < (collected / (hashed + ".gz")).stat().st_size < size / 2


@pytest.mark.django_db
def test_static_files_are_sent_compressed_with_a_year_s_cache(collected):
    with override_settings(STATIC_ROOT=collected):
        client = Client()  # its WhiteNoise reads the collected folder
        page = client.get("/chi-tieu/XHS-06/").content.decode()
        url = re.search(r'src="(/static/vendor/echarts/echarts\.min\.[0-9a-f]{12}\.js)"', page).group(1)
        plain = (STATIC / "vendor" / "echarts" / "echarts.min.js").read_bytes()
        answers = {encoding: client.get(url, HTTP_ACCEPT_ENCODING=encoding)
                   for encoding in ("gzip, deflate, br", "gzip", "identity")}
        unhashed = client.get("/static/vendor/echarts/echarts.min.js")
    brotli, gzip, identity = answers.values()
    for answer in answers.values():
        assert answer.status_code == 200
        assert answer["Cache-Control"] == f"max-age={ONE_YEAR}, public, immutable"
        assert answer["Vary"] == "Accept-Encoding"
        assert answer["Content-Type"] == 'text/javascript; charset="utf-8"'
    assert ONE_YEAR == 31_536_000
    assert (brotli["Content-Encoding"], gzip["Content-Encoding"], identity.get("Content-Encoding")) == ("br", "gzip",
                                                                                                        None)
    assert int(identity["Content-Length"]) == len(plain)
    assert int(brotli["Content-Length"]) < int(gzip["Content-Length"]) < len(plain) / 2
    assert unhashed["Cache-Control"] == "max-age=60, public"  # the plain name may change: a minute only


@pytest.mark.django_db
def test_without_collectstatic_pages_link_the_plain_names(client):
    page = client.get("/chi-tieu/XHS-06/").content.decode()
    assert 'src="/static/vendor/echarts/echarts.min.js"' in page
    assert client.get("/static/vendor/echarts/echarts.min.js").status_code == 200


# -- the ECharts build -----------------------------------------------------------------------------------


def test_the_echarts_build_holds_only_what_chiso_draws():
    folder = STATIC / "vendor" / "echarts"
    build = (folder / "echarts.min.js").read_text(encoding="utf-8")
    assert len(build.encode()) == 544_016  # the npm package's dist/echarts.min.js: 1.034.102
    assert build.startswith("/*! Apache ECharts 5.6.0 (https://echarts.apache.org), Apache-2.0; chiso's build: line, "
                            "scatter, grid, legend, markLine, tooltip, visualMap (continuous), SVG renderer.")
    for licence in ("LICENSE", "NOTICE", "LICENSE-zrender", "LICENSE-tslib", "README.md"):
        assert (folder / licence).is_file()
    used = {chart for js in ("charts.js", "scenarios.js")
            for chart in re.findall(r'type: "(line|bar|pie|scatter|map|heatmap|gauge|radar)"',
                                    (STATIC / "portal" / "js" / js).read_text(encoding="utf-8"))}
    assert used == {"line", "scatter"}  # a new chart type needs a rebuild (vendor/echarts/README.md)


# -- chiso serve ------------------------------------------------------------------------------------------


def test_serve_help_lists_its_options():
    text = serve.Command().create_parser("chiso", "serve").format_help()
    for option in ("--host", "--port", "--workers", "--threads", "--timeout", "--no-collectstatic"):
        assert option in text
    assert f"2 × số CPU + 1 = {serve.default_workers()}" in " ".join(text.split())


def test_serve_replaces_itself_with_gunicorn(monkeypatch, capsys):
    started = []
    monkeypatch.setattr(serve.os, "execv", lambda program, argv: started.append((program, argv)))
    call_command("serve", "--port", "8109", "--workers", "3", "--threads", "2", "--no-collectstatic")
    (program, argv), = started
    assert argv[:12] == [program, "-m", "gunicorn", "chiso.wsgi:application", "--bind", "127.0.0.1:8109",
                         "--workers", "3", "--worker-class", "gthread", "--threads", "2"]
    assert argv[argv.index("--timeout") + 1] == "120"
    assert capsys.readouterr().out == "chiso serve: 3 tiến trình × 2 luồng tại http://127.0.0.1:8109/\n"


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--workers", "0", "--workers phải là số nguyên dương, không phải 0."),
    ("--threads", "-1", "--threads phải là số nguyên dương, không phải -1."),
    ("--port", "70000", "--port phải từ 1 đến 65535, không phải 70000."),
])
def test_serve_refuses_impossible_numbers(monkeypatch, option, value, message):
    monkeypatch.setattr(serve.os, "execv", lambda *a: pytest.fail("started"))
    with pytest.raises(CommandError) as error:
        call_command("serve", option, value, "--no-collectstatic")
    assert str(error.value) == message


# -- the database settings: pool and replicas ------------------------------------------------------------


def _settings_with(tmp_path, **env):
    code = ("import json; from django.conf import settings as s; print(json.dumps({'databases': {a: {"
            "'options': d.get('OPTIONS', {}), 'age': d['CONN_MAX_AGE'], 'host': d['HOST'], 'test': d.get('TEST', {})}"
            " for a, d in s.DATABASES.items()}, 'routers': getattr(s, 'DATABASE_ROUTERS', []), "
            "'middleware': s.MIDDLEWARE[:4], 'pin': s.REPLICA_PIN_SECONDS}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120,
                          env={**os.environ, "DJANGO_SETTINGS_MODULE": "chiso.settings",
                               "CHISO_DATA_DIR": str(tmp_path), **env},
                          cwd=Path(__file__).resolve().parent.parent)
    return json.loads(done.stdout)


def test_a_pool_and_two_replicas_from_the_environment(tmp_path):
    found = _settings_with(tmp_path, CHISO_DATABASE_URL="postgres://chiso@db1:5432/chiso", CHISO_DATABASE_POOL="6",
                           CHISO_DATABASE_REPLICA_URLS="postgres://chiso@db2/chiso, postgres://chiso@db3/chiso",
                           CHISO_REPLICA_PIN_SECONDS="3")
    pool = {"pool": {"min_size": 1, "max_size": 6, "timeout": 10}}
    assert found["databases"] == {
        "default": {"options": pool, "age": 0, "host": "db1", "test": {}},
        "replica1": {"options": pool, "age": 0, "host": "db2", "test": {"MIRROR": "default"}},
        "replica2": {"options": pool, "age": 0, "host": "db3", "test": {"MIRROR": "default"}},
    }
    assert found["routers"] == ["chiso.web.replicas.ReplicaRouter"]
    assert found["middleware"][:3] == ["chiso.web.request_id.RequestIdMiddleware",
                                       "chiso.web.request_log.RequestLogMiddleware",
                                       "chiso.web.replicas.ReplicaMiddleware"]
    assert found["pin"] == 3


def test_without_them_one_database_kept_sixty_seconds_and_no_router(tmp_path):
    found = _settings_with(tmp_path, CHISO_DATABASE_URL="postgres://chiso@db1:5432/chiso")
    assert found["databases"] == {"default": {"options": {}, "age": 60, "host": "db1", "test": {}}}
    assert found["routers"] == []
    assert "chiso.web.replicas.ReplicaMiddleware" not in found["middleware"]
