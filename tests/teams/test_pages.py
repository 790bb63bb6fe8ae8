"""The teams pages: who sees what (phones only for the ward officer), the phone page and its files, the review."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from chiso.teams.actions import do_set_retention, do_submit_log
from chiso.teams.models import LogStatus, TeamMember
from chiso.values.models import DataValue
from tests.conftest import _user, unit
from tests.teams.support import MONTH_DAY, make_team

pytestmark = pytest.mark.django_db
PHONE, NAME = "0905123456", "Nguyễn Văn An"


def page(client, user, url):  # type: ignore[no-untyped-def]
    if user is not None:
        client.force_login(user)
    return client.get(url)


def test_it_shows_phones_only_to_the_ward_officer(client, team, leader, officer_thanh_khe, officer_elsewhere, viewer):
    url = f"/to-cns/to/{team.code}/"
    do_submit_log(team, client_id=uuid.uuid4(), day=MONTH_DAY, activities={"XHS-14": 9}, note="Nhà văn hóa",
                  acting_user=leader)
    public = page(client, None, url).content.decode()
    assert team.name in public and PHONE not in public and NAME not in public and "tổ trưởng 1" in public
    assert "Nhà văn hóa" not in public and "Hoạt động theo tháng" not in public  # logs: the team and the ward
    for outsider in (viewer, officer_elsewhere):
        text = page(client, outsider, url).content.decode()
        assert PHONE not in text and NAME not in text
    own = page(client, leader, url).content.decode()
    assert NAME in own and PHONE not in own and "Nhà văn hóa" in own
    officer = page(client, officer_thanh_khe, url).content.decode()
    assert NAME in officer and PHONE in officer


def test_it_checks_access_to_the_ward_page(client, team, officer_thanh_khe, officer_elsewhere, leader):
    url = "/to-cns/phuong/2025-07/20209/"
    assert page(client, officer_elsewhere, url).status_code == 404
    assert page(client, leader, url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    answer = page(client, officer_thanh_khe, url)
    text = answer.content.decode()
    assert answer.status_code == 200 and team.name in text and "chưa có nhật ký nào" in text
    assert PHONE not in text


def test_the_phone_page_and_its_files(client, team, leader, officer_thanh_khe):
    assert client.get("/to-cns/ghi/").status_code == 302
    answer = page(client, leader, "/to-cns/ghi/")
    text = answer.content.decode()
    assert answer.status_code == 200 and team.name in text and 'rel="manifest"' in text and "XHS-TCN-HVS.NG" in text
    assert f"/to-cns/ghi/{team.code}/" in text  # the share link
    other = make_team(officer_thanh_khe, "TDP-TG-02")
    assert page(client, leader, f"/to-cns/ghi/{other.code}/").status_code == 404
    manifest = client.get("/to-cns/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    assert manifest.json()["start_url"] == "/to-cns/ghi/" and manifest.json()["display"] == "standalone"
    worker = client.get("/to-cns/sw.js")
    assert worker["Content-Type"].startswith("text/javascript") and "/static/teams/log.js" in worker.content.decode()
    assert re.search(r'const CACHE = "chiso-teams-[0-9a-f]{12}";', worker.content.decode())  # new files, new cache
    assert client.get("/static/teams/icon-192.png").status_code == 200


def test_the_officer_reviews_on_the_web(client, team, leader, officer_thanh_khe, officer_elsewhere):
    log, _ = do_submit_log(team, client_id=uuid.uuid4(), day=MONTH_DAY, activities={"XHS-14": 9}, acting_user=leader)
    assert str(log.pk) in page(client, officer_thanh_khe, "/to-cns/phuong/2025-07/20209/").content.decode()
    url = f"/to-cns/nhat-ky/{log.pk}/duyet/"
    client.force_login(officer_elsewhere)
    assert client.post(url, {"decision": "approved"}).status_code == 404
    client.force_login(officer_thanh_khe)
    assert client.post(url, {"decision": "approved", "next": "/to-cns/phuong/2025-07/20209/"}).status_code == 302
    log.refresh_from_db()
    assert log.status == LogStatus.APPROVED
    ward = DataValue.objects.get(unit=unit("2025-07", "20209"), period="2026-03", data_element__code="XHS-14")
    assert ward.value == 9


def test_leaving_on_the_web_erases_the_member_when_the_ward_keeps_nothing(client, team, leader, officer_thanh_khe):
    do_set_retention(unit("2025-07", "20209"), 0, acting_user=officer_thanh_khe)
    member = TeamMember.objects.get(team=team)
    client.force_login(officer_thanh_khe)
    client.post(f"/to-cns/thanh-vien/{member.pk}/roi-to/", {"left_on": timezone.localdate().isoformat()})
    assert TeamMember.objects.filter(id=member.pk).values_list("name", "phone").get() == (None, None)
    text = client.get(f"/to-cns/to/{team.code}/").content.decode()
    assert NAME not in text and "Đã xóa dữ liệu cá nhân" in text


def test_quiet_teams_are_listed(client, team, leader, officer_thanh_khe):
    do_submit_log(team, client_id=uuid.uuid4(), day=timezone.localdate() - timedelta(days=3),
                  activities={"XHS-14": 1}, acting_user=leader)
    quiet = make_team(officer_thanh_khe, "TDP-TG-02")
    text = page(client, officer_thanh_khe, "/to-cns/phuong/2025-07/20209/").content.decode()
    section = text.split('id="im-lang"', 1)[1].split("</section>", 1)[0]
    assert quiet.name in section and team.name not in section


def test_a_plain_account_is_told_what_to_do(client, db):
    answer = page(client, _user("t_nobody"), "/to-cns/ghi/")
    assert "chưa là tổ trưởng" in answer.content.decode()
