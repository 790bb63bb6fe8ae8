"""Every role against every write path, on the ward, another ward and the ward's district.

Roles are granted on a unit and cover its subtree. Reporters (and admins) enter figures and submit
their units' reports; approvers approve the units *below* theirs but never enter figures; analysts
read drafts and write nothing; viewers read published figures only (public pages); anonymous visitors
nothing. A draft is invisible to whoever may not read it: 404, as if it did not exist.

Each case reads as a sentence: "the reporter of Thạc Gián saves the grid of Tân Chính → 404".
Outcomes: an HTTP status, "login" (sent to the login page), or what happened ("saved", "submitted",
"approved"), always checked in the database too.
"""

from __future__ import annotations

import json
import unicodedata
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from chiso.api.auth import create_token
from chiso.collection.models import Form, FormAssignment, Status, Submission, SubmissionEvent
from chiso.collection.workflow import submission_for
from chiso.values.models import DataValue, DataValueHistory
from tests.collection.test_entry_support import ENTRY_URLS, MONTHLY, PERIOD, grid_url, stored
from tests.conftest import _user, unit

pytestmark = [pytest.mark.django_db, ENTRY_URLS]

ACTORS = {  # who: (role, unit code in the 2024 map); None is an anonymous visitor
    "the reporter of Thạc Gián": ("reporter", "20221"),
    "the approver of quận Thanh Khê": ("approver", "491"),
    "the analyst of quận Thanh Khê": ("analyst", "491"),
    "a viewer of the city": ("viewer", "48"),
    "the city admin": ("admin", "48"),
    "an anonymous visitor": None,
}
TARGETS = {"Thạc Gián": "20221", "Tân Chính": "20212", "quận Thanh Khê": "491"}

#                                     Thạc Gián     Tân Chính     quận Thanh Khê
READS_THE_GRID = {
    "the reporter of Thạc Gián":      ("200",        "404",        "404"),
    "the approver of quận Thanh Khê": ("200",        "200",        "200"),
    "the analyst of quận Thanh Khê":  ("200",        "200",        "200"),
    "a viewer of the city":           ("404",        "404",        "404"),
    "the city admin":                 ("200",        "200",        "200"),
    "an anonymous visitor":           ("login",      "login",      "login"),
}
SAVES_THE_GRID = {
    "the reporter of Thạc Gián":      ("saved",      "404",        "404"),
    "the approver of quận Thanh Khê": ("403",        "403",        "403"),
    "the analyst of quận Thanh Khê":  ("403",        "403",        "403"),
    "a viewer of the city":           ("404",        "404",        "404"),
    "the city admin":                 ("saved",      "saved",      "saved"),
    "an anonymous visitor":           ("login",      "login",      "login"),
}
SUBMITS_ON_THE_WEB = {
    "the reporter of Thạc Gián":      ("submitted",  "404",        "404"),
    "the approver of quận Thanh Khê": ("403",        "403",        "403"),
    "the analyst of quận Thanh Khê":  ("403",        "403",        "403"),
    "a viewer of the city":           ("404",        "404",        "404"),
    "the city admin":                 ("submitted",  "submitted",  "submitted"),
    "an anonymous visitor":           ("login",      "login",      "login"),
}
APPROVES_ON_THE_WEB = {
    "the reporter of Thạc Gián":      ("403",        "404",        "404"),
    "the approver of quận Thanh Khê": ("approved",   "approved",   "403"),
    "the analyst of quận Thanh Khê":  ("403",        "403",        "403"),
    "a viewer of the city":           ("404",        "404",        "404"),
    "the city admin":                 ("approved",   "approved",   "approved"),
    "an anonymous visitor":           ("login",      "login",      "login"),
}
POSTS_VALUES_TO_THE_API = {
    "the reporter of Thạc Gián":      ("saved",      "403",        "403"),
    "the approver of quận Thanh Khê": ("403",        "403",        "403"),
    "the analyst of quận Thanh Khê":  ("403",        "403",        "403"),
    "a viewer of the city":           ("403",        "403",        "403"),
    "the city admin":                 ("saved",      "saved",      "saved"),
    "an anonymous visitor":           ("401",        "401",        "401"),
}
SUBMITS_THROUGH_THE_API = {
    "the reporter of Thạc Gián":      ("submitted",  "404",        "404"),
    "the approver of quận Thanh Khê": ("403",        "403",        "403"),
    "the analyst of quận Thanh Khê":  ("403",        "403",        "403"),
    "a viewer of the city":           ("404",        "404",        "404"),
    "the city admin":                 ("submitted",  "submitted",  "submitted"),
    "an anonymous visitor":           ("401",        "401",        "401"),
}
APPROVES_THROUGH_THE_API = {
    "the reporter of Thạc Gián":      ("403",        "404",        "404"),
    "the approver of quận Thanh Khê": ("approved",   "approved",   "403"),
    "the analyst of quận Thanh Khê":  ("403",        "403",        "403"),
    "a viewer of the city":           ("404",        "404",        "404"),
    "the city admin":                 ("approved",   "approved",   "approved"),
    "an anonymous visitor":           ("401",        "401",        "401"),
}


def ascii_id(text: str) -> str:
    """pytest escapes test ids that are not ASCII; "Thạc Gián → 404" reads "Thac Gian -> 404"."""
    text = text.replace("→", "->").replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def cases(table: dict[str, tuple[str, ...]], verb: str) -> list:
    assert set(table) == set(ACTORS)
    return [pytest.param(actor, target, expected, id=ascii_id(f"{actor} {verb} {target} → {expected}"))
            for actor, outcomes in table.items() for target, expected in zip(TARGETS, outcomes, strict=True)]


@pytest.fixture(autouse=True)
def district_report(db):
    """The district reports on the wards' form too, so every target has a report to act on."""
    FormAssignment.objects.create(form=Form.objects.get(code=MONTHLY), unit=unit("2024", "491"))


def person(actor: str):
    grant = ACTORS[actor]
    if grant is None:
        return None
    role, code = grant
    return _user(f"t_{role}_{code}", role, unit("2024", code))


def browser(actor: str) -> Client:
    client, user = Client(), person(actor)
    if user is not None:
        client.force_login(user)
    return client


def web_outcome(response, done: str | None) -> str:
    if response.status_code == 302 and response["Location"].startswith("/nhap-lieu/dang-nhap/"):
        return "login"
    if response.status_code == 302 and done:
        return done
    return str(response.status_code)


def api_outcome(actor: str, path: str, body: object, done: str | None) -> str:
    user = person(actor)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {create_token(user, 'matrix')[1]}"} if user else {}
    response = Client().post(f"/api/v1{path}", json.dumps(body), content_type="application/json", **headers)
    if response.status_code == 200 and done:
        return done
    return str(response.status_code)


def status_of(code: str) -> str:
    found = Submission.objects.filter(form__code=MONTHLY, unit=unit("2024", code), period=PERIOD).first()
    return found.status if found else Status.DRAFT


def submitted(code: str) -> None:
    submission = submission_for(Form.objects.get(code=MONTHLY), unit("2024", code), PERIOD)
    Submission.objects.filter(pk=submission.pk).update(status=Status.SUBMITTED)


# -- the web ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("actor, target, expected", cases(READS_THE_GRID, "opens the grid of"))
def test_reading_a_draft_on_the_web(actor, target, expected):
    assert web_outcome(browser(actor).get(grid_url(TARGETS[target])), None) == expected


@pytest.mark.parametrize("actor, target, expected", cases(SAVES_THE_GRID, "saves the grid of"))
def test_saving_the_grid(actor, target, expected):
    code = TARGETS[target]
    response = browser(actor).post(grid_url(code, suffix="luu/"), {"v-XHS-14": "7", "o-XHS-14": "", "r-XHS-14": "0"})
    value = stored("XHS-14", code)
    assert web_outcome(response, "saved" if value is not None else None) == expected
    assert (value is not None and value.value == Decimal(7)) == (expected == "saved")


@pytest.mark.parametrize("actor, target, expected", cases(SUBMITS_ON_THE_WEB, "submits on the web the report of"))
def test_submitting_on_the_web(actor, target, expected):
    code = TARGETS[target]
    response = browser(actor).post(grid_url(code, suffix="thao-tac/submit/"), {"xac-nhan": "1"})  # confirmed
    assert web_outcome(response, status_of(code) if status_of(code) == Status.SUBMITTED else None) == expected
    assert (status_of(code) == Status.SUBMITTED) == (expected == "submitted")


@pytest.mark.parametrize("actor, target, expected", cases(APPROVES_ON_THE_WEB, "approves on the web the report of"))
def test_approving_on_the_web(actor, target, expected):
    code = TARGETS[target]
    submitted(code)
    response = browser(actor).post(grid_url(code, suffix="thao-tac/approve/"))
    assert web_outcome(response, status_of(code) if status_of(code) == Status.APPROVED else None) == expected
    assert (status_of(code) == Status.APPROVED) == (expected == "approved")


# -- the API ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("actor, target, expected", cases(POSTS_VALUES_TO_THE_API, "posts to the API figures of"))
def test_posting_values_to_the_api(actor, target, expected):
    code = TARGETS[target]
    body = [{"data_element": "XHS-14", "unit": code, "version": "2024", "period": PERIOD, "value": 7}]
    outcome = api_outcome(actor, "/values", body, "saved")
    assert outcome == expected
    assert (stored("XHS-14", code) is not None) == (expected == "saved")


@pytest.mark.parametrize("actor, target, expected",
                         cases(SUBMITS_THROUGH_THE_API, "submits through the API the report of"))
def test_submitting_through_the_api(actor, target, expected):
    code = TARGETS[target]
    outcome = api_outcome(actor, f"/submissions/{MONTHLY}/2024/{code}/{PERIOD}/submit", {}, "submitted")
    assert outcome == expected
    assert (status_of(code) == Status.SUBMITTED) == (expected == "submitted")


@pytest.mark.parametrize("actor, target, expected",
                         cases(APPROVES_THROUGH_THE_API, "approves through the API the report of"))
def test_approving_through_the_api(actor, target, expected):
    code = TARGETS[target]
    submitted(code)
    outcome = api_outcome(actor, f"/submissions/{MONTHLY}/2024/{code}/{PERIOD}/approve", {}, "approved")
    assert outcome == expected
    assert (status_of(code) == Status.APPROVED) == (expected == "approved")


# -- the command line ------------------------------------------------------------------------------------

def test_chiso_validate_only_reads(db):
    counts = [m.objects.count() for m in (DataValue, DataValueHistory, Submission, SubmissionEvent)]
    out = StringIO()
    call_command("validate", "--unit", "48", "--version", "2024", "--periods", "2024-01..2024-12", stdout=out)
    assert out.getvalue().splitlines()[-1] == (
        "Thành phố Đà Nẵng (48, 2024) và các đơn vị trực thuộc, 12 kỳ: 0 lỗi, 0 cảnh báo.")
    assert [m.objects.count() for m in (DataValue, DataValueHistory, Submission, SubmissionEvent)] == counts


IMPORTS_ON_THE_COMMAND_LINE = {  # `chiso import FILE --user NAME`; without --user it is the system itself
    "the reporter of Thạc Gián":      ("saved",      "refused",    "refused"),
    "the approver of quận Thanh Khê": ("refused",    "refused",    "refused"),
    "the analyst of quận Thanh Khê":  ("refused",    "refused",    "refused"),
    "a viewer of the city":           ("refused",    "refused",    "refused"),
    "the city admin":                 ("saved",      "saved",      "saved"),
}


@pytest.mark.parametrize("actor, target, expected", [
    pytest.param(actor, target, expected, id=ascii_id(f"{actor} imports with chiso import figures of {target} → "
                                                      f"{expected}"))
    for actor, outcomes in IMPORTS_ON_THE_COMMAND_LINE.items()
    for target, expected in zip(TARGETS, outcomes, strict=True)])
def test_importing_on_the_command_line(actor, target, expected, tmp_path):
    code = TARGETS[target]
    sheet = tmp_path / "so-lieu.csv"
    sheet.write_text(f"Mã đơn vị;Kỳ báo cáo;Mã chỉ tiêu;Giá trị\n{code};{PERIOD};XHS-14;7\n", encoding="utf-8")
    try:
        call_command("import", str(sheet), "--user", person(actor).username, stdout=StringIO(), stderr=StringIO())
        outcome = "saved"
    except CommandError:
        outcome = "refused"
    assert outcome == expected
    assert (stored("XHS-14", code) is not None) == (expected == "saved")
