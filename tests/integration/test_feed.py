"""The pull feed /api/v1/changes: in order from a cursor, no gap, no repeat, public, only published changes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from chiso.collection.models import Form
from chiso.collection.workflow import do_transition, submission_for
from chiso.integration.changes import collect
from chiso.integration.feed import make_cursor
from chiso.integration.models import Change
from chiso.ranking.actions import do_move_round
from tests.conftest import _user, unit
from tests.ranking.world import at_verification, load_method, verify_all

pytestmark = pytest.mark.django_db
URL = "/api/v1/changes"


def some_changes(count: int) -> list[int]:
    now = timezone.now()
    made = Change.objects.bulk_create([
        Change(type="figures.published", at=now, unit_code="20221", period=f"2024-{i:02d}", collected_at=now,
               body={"unit": {"code": "20221"}, "period": f"2024-{i:02d}",
                     "links": {"values": f"/api/v1/values?p={i}"}},
               source=f"test:{i}") for i in range(1, count + 1)])
    return [c.pk for c in made]


def test_the_feed_pages_with_its_cursor_without_gaps_or_duplicates(client):
    ids = some_changes(7)
    seen, since, pages = [], None, 0
    for _ in range(10):  # bounded
        answer = client.get(URL, {"limit": 3, **({"since": since} if since else {})})
        assert answer.status_code == 200
        data = answer.json()
        seen += [int(item["id"]) for item in data["items"]]
        pages += 1
        since = data["next"]
        if not data["more"]:
            break
    assert seen == ids
    assert pages == 3
    empty = client.get(URL, {"since": since}).json()
    assert empty == {"items": [], "next": since, "more": False}
    later = some_changes(1)
    assert [int(i["id"]) for i in client.get(URL, {"since": since}).json()["items"]] == later


def test_an_item_names_what_changed_and_where_to_read_it(client):
    some_changes(1)
    item = client.get(URL).json()["items"][0]
    assert set(item) == {"id", "type", "at", "unit", "period", "links"}
    assert item["type"] == "figures.published"
    assert item["links"] == {"values": "http://testserver/api/v1/values?p=1"}


@pytest.mark.parametrize("since", ["abc", "é", make_cursor(2**64), "Y2hpc28tY2hhbmdlczotMQ"])  # the last: id -1
def test_a_cursor_it_did_not_give_is_refused_in_vietnamese(client, since):
    answer = client.get(URL, {"since": since})
    assert answer.status_code == 400
    assert answer.json() == {"detail": "Tham số 'since' không hợp lệ: dùng nguyên giá trị 'next' của lần đọc trước "
                                       "(bỏ trống để đọc từ đầu)."}


def test_an_anonymous_reader_has_the_anonymous_row_cap(client):
    answer = client.get(URL, {"limit": 1001})
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("Tối đa 1.000 dòng mỗi lần (tham số limit = 1.001)")


def test_an_unpublished_report_never_appears_and_an_approved_one_does(client, officer_thac_gian):
    collect()
    approver = _user("t_approver_thanh_khe", "approver", unit("2024", "491"))
    report = submission_for(Form.objects.get(code="BC-CDS-THANG-XA"), unit("2024", "20221"), "2024-12")
    do_transition(report, "reopen", acting_user=approver, reason="Kiểm tra lại")
    do_transition(report, "submit", acting_user=officer_thac_gian)
    collect(now=timezone.now() + timedelta(minutes=1))
    assert client.get(URL).json()["items"] == []
    do_transition(report, "approve", acting_user=approver)
    collect(now=timezone.now() + timedelta(minutes=1))
    items = client.get(URL).json()["items"]
    assert (items[0]["type"], items[0]["unit"]["code"], items[0]["period"]) == ("figures.published", "20221", "2024-12")
    assert {i["type"] for i in items} == {"figures.published", "dataset.updated"}


def test_a_published_ranking_is_a_change_and_an_unpublished_one_is_not(client, tmp_path, city_admin,
                                                                       officer_thac_gian):
    collect()
    approver = _user("t_approver_thanh_khe", "approver", unit("2024", "491"))
    round_ = at_verification(load_method(tmp_path, city_admin), city_admin, officer_thac_gian)
    verify_all(round_, approver)
    do_move_round(round_, "council", acting_user=city_admin)
    do_move_round(round_, "approve", acting_user=city_admin, decision="15/QĐ-UBND", decision_date=date(2024, 10, 10))
    assert collect(now=timezone.now() + timedelta(minutes=1)) == []  # approved, not yet published
    do_move_round(round_, "publish", acting_user=city_admin)
    made = collect(now=timezone.now() + timedelta(minutes=1))
    assert [(c.type, c.unit_code, c.period, c.body["round"], c.body["decision"]) for c in made] == [
        ("ranking.published", "491", "2024", round_.pk, "15/QĐ-UBND")]
    item = client.get(URL, {"since": make_cursor(made[0].pk - 1)}).json()["items"][0]
    assert item["links"] == {"ranking": f"http://testserver/api/v1/rankings/{round_.pk}"}
    assert item["is_illustrative"] is True
