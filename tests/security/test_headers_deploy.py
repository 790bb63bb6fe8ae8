"""Secure cookies, HSTS and proxy headers (issue 8, defect 10): ``check --deploy`` warned 4 times and no
setting could quiet it. With the production settings of the README it is clean."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHISO = Path(sys.executable).parent / "chiso"
README = (ROOT / "README.md").read_text(encoding="utf-8")


# Set by the browser tests at import (Playwright's event loop), which a run of the whole suite collects.
TEST_ONLY = {"DJANGO_ALLOW_ASYNC_UNSAFE"}


def production_environment(data_dir: Path) -> dict[str, str]:
    """The production block of the README, as an environment."""
    block = README.split("```sh\n# production", 1)[1].split("```", 1)[0]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHISO_") and k not in TEST_ONLY}
    for line in block.splitlines():
        if line.startswith("export "):
            name, value = line.removeprefix("export ").split("=", 1)
            env[name] = value.strip("'\"")
    env["CHISO_SECRET_KEY"] = secrets.token_urlsafe(50)  # the README shows how to make one
    env["CHISO_DATA_DIR"] = str(data_dir)
    env["CHISO_DATABASE_URL"] = ""
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CHISO), *args], env=env, capture_output=True, text=True, timeout=120, cwd=ROOT)


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    done = run(["check", "--deploy", "--fail-level", "WARNING"], production_environment(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout
    assert "WARNING" not in done.stdout + done.stderr


def test_check_deploy_warns_without_them(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHISO_") and k not in TEST_ONLY}
    env.update(CHISO_DATA_DIR=str(tmp_path), CHISO_DATABASE_URL="")
    done = run(["check", "--deploy"], env)
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in done.stderr + done.stdout


def test_the_environment_sets_cookies_hsts_and_proxy_headers(tmp_path):
    code = ("import json; from django.conf import settings as s; print(json.dumps([s.SESSION_COOKIE_SECURE, "
            "s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
            "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, s.SECURE_PROXY_SSL_HEADER, "
            "s.USE_X_FORWARDED_HOST, s.AXES_CLIENT_IP_CALLABLE, s.DEBUG]))")
    done = run(["shell", "--no-imports", "-c", code], production_environment(tmp_path))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [True, True, True, True, 31536000, True, True,
                                       ["HTTP_X_FORWARDED_PROTO", "https"], True,
                                       "chiso.accounts.throttle.client_ip_behind_proxy", False]
