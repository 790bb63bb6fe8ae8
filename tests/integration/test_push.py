"""Pushing to the city platform: a published report reaches a subscribed receiver once, signed, after a failure
and a retry; the OAuth2 token is fetched once; nothing unpublished is ever pushed."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from chiso.collection.models import Form
from chiso.collection.queries import published
from chiso.collection.workflow import do_transition, submission_for
from chiso.engine.periods import Period
from chiso.indicators.models import DataElement
from chiso.integration.actions import do_subscribe
from chiso.integration.changes import collect
from chiso.integration.delivery import deliver_due, enqueue
from chiso.integration.models import Change, Delivery, DeliveryAttempt
from chiso.values.actions import ValueEntry, do_set_values
from chiso.values.models import Channel, DataValue
from tests.conftest import _user, unit

pytestmark = pytest.mark.django_db
MONTHLY = "BC-CDS-THANG-XA"
SECRET = "khoa-ky-thu-nghiem"
LATER = timedelta(minutes=1)  # past CHISO_INTEGRATION_SETTLE_SECONDS


@pytest.fixture
def secrets(monkeypatch):
    monkeypatch.setenv("T_LGSP_SIGNING", SECRET)
    monkeypatch.setenv("T_LGSP_CLIENT_SECRET", "client-secret")


@pytest.fixture
def approver(db):
    return _user("t_approver_thanh_khe", "approver", unit("2024", "491"))


def subscribe(receiver, events=("figures.published",)):
    return do_subscribe(name="lgsp", url=f"{receiver.base}/hook", events=list(events), secret_env="T_LGSP_SIGNING",
                        token_url=f"{receiver.base}/token", client_id="chiso", client_secret_env="T_LGSP_CLIENT_SECRET",
                        scope="events.write")


def approve_thac_gian_december(officer, approver):
    """Thạc Gián's report of 12/2024 (approved in the small world) reopened, sent again and approved."""
    report = submission_for(Form.objects.get(code=MONTHLY), unit("2024", "20221"), "2024-12")
    do_transition(report, "reopen", acting_user=approver, reason="Kiểm tra lại")
    do_transition(report, "submit", acting_user=officer)
    do_transition(report, "approve", acting_user=approver)
    return report


def test_an_approval_is_pushed_once_signed_after_a_failure_and_a_retry(receiver, secrets, officer_thac_gian,
                                                                        approver):
    collect()  # the feed starts now
    subscribe(receiver)
    approve_thac_gian_december(officer_thac_gian, approver)
    start = timezone.now() + LATER
    made = collect(now=start)
    assert [c.type for c in made if c.type == "figures.published"] == ["figures.published"]
    assert enqueue(start) == 1
    receiver.statuses = [500]

    first = deliver_due(start)
    assert [(a.number, a.http_status, a.error) for a in first] == [(1, 500, "Máy nhận trả lời HTTP 500.")]
    assert deliver_due(start + timedelta(seconds=59)) == []  # the first wait is 60 s
    second = deliver_due(start + timedelta(seconds=60))
    assert [(a.number, a.http_status, a.error) for a in second] == [(2, 200, "")]
    assert deliver_due(start + timedelta(days=1)) == []
    assert enqueue(start + timedelta(days=1)) == 0

    hooks = receiver.on("/hook")
    assert len(hooks) == 2 and hooks[0].body == hooks[1].body
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.delivered_at) == (
        "delivered", 2, start + timedelta(seconds=60))
    assert list(DeliveryAttempt.objects.filter(delivery=delivery).values_list("number", "http_status", "error")) == [
        (1, 500, "Máy nhận trả lời HTTP 500."), (2, 200, "")]
    last = hooks[1]
    assert last.headers["X-Chiso-Event"] == "figures.published"
    assert last.headers["X-Chiso-Delivery"] == hooks[0].headers["X-Chiso-Delivery"] == str(delivery.pk)
    assert last.headers["X-Chiso-Timestamp"] == str(int((start + timedelta(seconds=60)).timestamp()))
    signed = last.headers["X-Chiso-Timestamp"].encode() + b"." + last.body
    expected_signature = hmac.new(SECRET.encode(), signed, hashlib.sha256).hexdigest()
    assert last.headers["X-Chiso-Signature"] == f"sha256={expected_signature}"
    assert last.headers["Authorization"] == "Bearer tok-1"
    assert len(receiver.on("/token")) == 1  # fetched once, reused for the retry
    token_call = receiver.on("/token")[0]
    assert token_call.body == b"grant_type=client_credentials&scope=events.write"
    assert token_call.headers["Authorization"] == "Basic Y2hpc286Y2xpZW50LXNlY3JldA=="  # chiso:client-secret

    event = json.loads(last.body)
    change = Change.objects.get(type="figures.published")
    assert event["id"] == str(change.pk)
    assert event["type"] == "figures.published"
    assert event["unit"] == {"code": "20221", "name": "Phường Thạc Gián", "version": "2024"}
    assert event["period"] == "2024-12"
    assert event["form"] == MONTHLY
    expected = published(DataValue.objects.filter(unit=unit("2024", "20221"), period="2024-12", is_deleted=False,
                                                  data_element__in=Form.objects.get(code=MONTHLY).elements.all()))
    assert sorted((f["data_element"], Decimal(f["value"])) for f in event["figures"]) == sorted(
        (v.data_element.code, v.value) for v in expected.select_related("data_element"))
    assert event["links"]["values"].startswith("http://127.0.0.1:8000/api/v1/values?unit=20221&version=2024"
                                               "&period=2024-12&data=")
    assert SECRET not in last.body.decode() and "client-secret" not in last.body.decode()


def test_the_approval_also_updates_the_datasets_of_its_indicators(receiver, secrets, officer_thac_gian, approver):
    collect()
    approve_thac_gian_december(officer_thac_gian, approver)
    made = collect(now=timezone.now() + LATER)
    datasets = {c.body["dataset"]: c for c in made if c.type == "dataset.updated"}
    assert "xhs-06-2024" in datasets
    xhs06 = datasets["xhs-06-2024"].body
    assert (xhs06["indicator"], xhs06["period"], xhs06["units"]) == ("XHS-06", "2024",
                                                                     [{"code": "20221", "version": "2024"}])
    assert xhs06["links"]["dataset"] == "/du-lieu-mo/xhs-06-2024/"


def test_a_lock_or_a_report_reopened_before_collect_makes_no_change(receiver, secrets, officer_thac_gian, approver,
                                                                      city_admin):
    collect()
    report = approve_thac_gian_december(officer_thac_gian, approver)
    do_transition(report, "reopen", acting_user=approver, reason="Sai số hộ")
    assert collect(now=timezone.now() + LATER) == []


def test_a_draft_figure_makes_no_change_and_no_delivery(receiver, secrets, officer_thac_gian):
    collect()
    subscribe(receiver, events=("figures.published", "dataset.updated"))
    thac_gian = unit("2024", "20221")
    do_set_values([ValueEntry(DataElement.objects.get(code="XHS-06"), thac_gian, Period.parse("2021-05"),
                              Decimal(123))], acting_user=officer_thac_gian, channel=Channel.WEB)
    do_transition(submission_for(Form.objects.get(code=MONTHLY), thac_gian, "2021-05"), "submit",
                  acting_user=officer_thac_gian)  # sent, not yet approved: still not public
    later = timezone.now() + LATER
    assert collect(now=later) == []
    assert enqueue(later) == 0
    assert deliver_due(later) == []
    assert receiver.requests == []
    assert Change.objects.count() == 0


def test_a_published_figure_the_system_changes_is_pushed_with_its_new_value(receiver, secrets):
    collect()
    xhs06, thac_gian = DataElement.objects.get(code="XHS-06"), unit("2024", "20221")
    do_set_values([ValueEntry(xhs06, thac_gian, Period.parse("2024-12"), Decimal(4321))], acting_user=None,
                  channel=Channel.DEMO, reason="Sửa theo quyết định")
    made = collect(now=timezone.now() + LATER)
    figures = [c for c in made if c.type == "figures.published"]
    assert len(figures) == 1
    assert (figures[0].unit_code, figures[0].period, figures[0].body["figures"]) == (
        "20221", "2024-12", [{"data_element": "XHS-06", "value": "4321.000000", "qualifier": "exact",
                              "is_illustrative": False}])


def test_a_row_younger_than_the_settle_time_waits_for_the_next_pass(officer_thac_gian, approver):
    collect()
    approve_thac_gian_december(officer_thac_gian, approver)
    assert collect(now=timezone.now()) == []
    assert "figures.published" in [c.type for c in collect(now=timezone.now() + LATER)]
