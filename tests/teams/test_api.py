"""The teams API: the list of a ward's teams, logs sent from a phone (idempotent), the officer's review."""

from __future__ import annotations

import json
import uuid

import pytest

from chiso.api.auth import create_token
from chiso.teams.models import ActivityLog
from tests.teams.support import MONTH_DAY, make_team

pytestmark = pytest.mark.django_db
LOGS = "/api/v1/teams/logs"


def bearer(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user, 'test')[1]}"}


def post(client, url, body, user=None):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(body), content_type="application/json", **(bearer(user) if user else {}))


def body(team, **changes):  # type: ignore[no-untyped-def]
    return {"client_id": str(uuid.uuid4()), "team": team.code, "date": MONTH_DAY.isoformat(),
            "activities": {"XHS-14": 12, "XHS-TCN-VNEID": 3}, "note": "Nhà văn hóa tổ 1"} | changes


def test_the_same_client_id_twice_answers_201_then_200_with_the_same_log(client, team, leader):
    sent = body(team)
    first = post(client, LOGS, sent, leader)
    again = post(client, LOGS, sent, leader)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert first.json()["activities"] == {"XHS-14": 12, "XHS-TCN-VNEID": 3}
    assert first.json()["status"] == "submitted" and first.json()["unit"] == "TDP-TG-01"
    assert ActivityLog.objects.filter(client_id=sent["client_id"]).count() == 1


def test_a_near_duplicate_is_flagged_in_the_answer(client, team, leader):
    first = post(client, LOGS, body(team), leader).json()
    second = post(client, LOGS, body(team), leader).json()
    assert second["possible_duplicate_of"] == first["id"]


@pytest.mark.parametrize(("change", "status", "field"), [
    ({"activities": {"XHS-14": "12"}}, 400, "activities.XHS-14"),
    ({"activities": {"XHS-14": 1e309}}, 400, "activities.XHS-14"),
    ({"activities": {"XHS-14": 10**12}}, 400, "activities.XHS-14"),
    ({"activities": {"DS": 5}}, 400, "activities.DS"),
    ({"date": "2099-01-01"}, 400, "date"),
    ({"note": "SĐT bà Lan 0905123456"}, 400, "note"),
    ({"location": {"lat": 91, "lon": 108.2}}, 400, "location"),
])
def test_bad_logs_are_refused_with_the_field_and_nothing_is_kept(client, team, leader, change, status, field):
    answer = post(client, LOGS, body(team, **change), leader)
    assert (answer.status_code, answer.json()["field"]) == (status, field)
    assert ActivityLog.objects.count() == 0


def test_another_team_is_404_and_no_credentials_401(client, team, leader, officer_thanh_khe):
    other = make_team(officer_thanh_khe, "TDP-TG-02")
    assert post(client, LOGS, body(other), leader).status_code == 404
    assert post(client, LOGS, body(team)).status_code == 401
    assert ActivityLog.objects.count() == 0


def test_the_officer_reviews_and_the_ward_figure_follows(client, team, leader, officer_thanh_khe, officer_elsewhere):
    log = post(client, LOGS, body(team), leader).json()
    url = f"{LOGS}/{log['id']}/review"
    assert post(client, url, {"decision": "approved"}, leader).status_code == 403  # reads it, may not review it
    assert post(client, url, {"decision": "approved"}, officer_elsewhere).status_code == 404
    refused = post(client, url, {"decision": "issues", "comment": ""}, officer_thanh_khe)
    assert (refused.status_code, refused.json()["field"]) == (400, "comment")
    approved = post(client, url, {"decision": "approved", "comment": ""}, officer_thanh_khe)
    assert (approved.status_code, approved.json()["status"]) == (200, "approved")
    figures = client.get("/api/v1/values?data=XHS-14&unit=20209&version=2025-07&period=2026-03",
                         **bearer(officer_thanh_khe)).json()
    assert [(r["value"], r["source"]) for r in figures["items"]] == [(12.0, "Nhật ký Tổ CNSCĐ, tháng 03/2026")]


def test_the_list_of_a_wards_teams_has_no_names_or_phones(client, team, leader):
    answer = client.get("/api/v1/teams?unit=20209")
    assert answer.status_code == 200
    rows = answer.json()
    assert [(r["code"], r["unit"], r["state"], r["members"]) for r in rows] == [("TCN-TDP-TG-01", "TDP-TG-01",
                                                                                 "active", 1)]
    text = answer.content.decode()
    assert "0905123456" not in text and "Nguyễn Văn An" not in text
    assert client.get("/api/v1/teams?unit=99999").status_code == 404


JPEG = (b"\xff\xd8" + b"\xff\xe1\x00\x10Exif\x00\x00GPS-here" + b"\xff\xdb\x00\x03x" + b"\xff\xda\x00\x02scan\xff\xd9")


def test_a_photo_is_kept_without_its_metadata_and_shown_only_to_the_team_and_ward(
        client, team, leader, officer_thanh_khe, officer_elsewhere, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    log = post(client, LOGS, body(team), leader).json()
    url = f"{LOGS}/{log['id']}/photo"

    def send(user, confirmed=True, data=JPEG):  # type: ignore[no-untyped-def]
        form = {"photo": SimpleUploadedFile("a.jpg", data, "image/jpeg")}
        if confirmed:
            form["not_id_document"] = "true"
        return client.post(url, form, **bearer(user))

    assert (send(leader, confirmed=False).json()["field"]) == "not_id_document"
    assert send(leader, data=b"GIF89a...").json()["field"] == "photo"
    assert send(officer_elsewhere).status_code == 404
    answer = send(leader)
    assert (answer.status_code, answer.json()["has_photo"]) == (200, True)
    stored = ActivityLog.objects.get(id=log["id"]).photo.read()
    assert stored == b"\xff\xd8\xff\xdb\x00\x03x\xff\xda\x00\x02scan\xff\xd9"  # no EXIF, no GPS
    page = f"/to-cns/nhat-ky/{log['id']}/anh/"
    client.force_login(officer_elsewhere)
    assert client.get(page).status_code == 404
    client.force_login(officer_thanh_khe)
    assert b"".join(client.get(page).streaming_content) == stored
