"""A schemathesis run of the OpenAPI document (/api/v1/openapi.json): 0 server errors (issue 8 item 7,
issue 14 item 10).

Every operation, reads and writes, is called through the WSGI app with requests generated from the
document (valid and invalid ones), as an anonymous caller and as a ward officer holding an API token.
The only check is ``not_a_server_error``: a refusal is fine, a 500 is not. Deterministic (``derandomize``)
and bounded (``max_examples``), so it runs in well under a minute.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error

from chiso.api.auth import create_token

pytestmark = pytest.mark.django_db

EXAMPLES = 5
BOUNDED = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                   phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))


def _load():
    from chiso.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


schema = _load()  # the document is built from the routers alone: no database needed


@pytest.fixture(autouse=True)
def generous_rate(monkeypatch):
    monkeypatch.setenv("CHISO_API_ANONYMOUS_RATE", "100000/min")  # the run itself is one anonymous caller


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Calls go straight to the WSGI app, whose request signals would close the test's database connection
    (inside the test's transaction, PostgreSQL's is "obsolete"); Django's own test client disconnects the
    same handler for the same reason."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def officer_token(officer_thac_gian) -> str:
    return create_token(officer_thac_gian, "schemathesis")[1]


@schema.parametrize()
@BOUNDED
def test_no_server_error_for_an_anonymous_caller(case):
    case.call_and_validate(checks=[not_a_server_error])


@schema.parametrize()
@BOUNDED
def test_no_server_error_for_a_ward_officer_with_a_token(case, officer_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {officer_token}"}, checks=[not_a_server_error])


@pytest.mark.parametrize("value", [5, "1e30", "1e14", "1e999999999", "-3.5", "0.0000000001", None, "NaN",
                                   "Infinity", "-0", 123456789012345678901234567890])
def test_writing_an_extreme_figure_is_refused_or_stored_never_a_server_error(client, officer_token, value):
    """The values schemathesis rarely makes by chance (issue 8, defect 1): a draft figure of Thạc Gián."""
    import json

    body = [{"data_element": "XHS-14", "unit": "20221", "version": "2024", "period": "2021-05", "value": value}]
    response = client.post("/api/v1/values", json.dumps(body) if not isinstance(value, str) else
                           json.dumps(body).replace(f'"{value}"', value if value[0] in "-0123456789" else f'"{value}"'),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {officer_token}")
    assert response.status_code in (200, 400, 403, 409, 422), response.content
    assert response.json()["detail" if response.status_code != 200 else "values"]
