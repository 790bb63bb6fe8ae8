"""``/api/v1/dhis2/dataValueSets``: read with the caller's rights (JSON, CSV), import with the caller's rights (all or
nothing, DHIS2's import summary)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from chiso.api.auth import create_token
from chiso.collection.queries import published
from chiso.values.models import DataValue
from tests.conftest import unit
from tests.exchange.test_roundtrip import draft as draft  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db
URL = "/api/v1/dhis2/dataValueSets"


@pytest.fixture(autouse=True)
def fresh_rate_counts():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def bearer(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user, 'test')[1]}"} if user is not None else {}


def test_it_reads_the_published_figures_of_a_ward_as_dhis2_data_values(client):
    expected = {(v.data_element.code, str(v.value.normalize()) if v.value % 1 else str(int(v.value)))
                for v in published(DataValue.objects.filter(unit=unit("2024", "20221"), period="2024-10",
                                                             is_deleted=False, value__isnull=False))}
    assert len(expected) >= 5
    answer = client.get(f"{URL}?orgUnit=20221&period=202410")
    assert answer.status_code == 200
    values = answer.json()["dataValues"]
    assert {(v["dataElement"], v["value"]) for v in values} == expected
    assert {(v["orgUnit"], v["period"], v["categoryOptionCombo"]) for v in values} == {
        ("20221", "202410", "HllvX50cXC0")}


def test_it_answers_csv_on_request(client):
    for answer in (client.get(f"{URL}?orgUnit=20221&period=202410&format=csv"),
                   client.get(f"{URL}?orgUnit=20221&period=202410", HTTP_ACCEPT="text/csv")):
        assert answer.status_code == 200
        assert answer["Content-Type"] == "text/csv; charset=utf-8"
        assert answer.content.decode().splitlines()[0] == (
            "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,"
            "comment,followup")


def test_it_checks_access_to_drafts(client, draft, officer_thac_gian, officer_tan_chinh):  # noqa: F811
    def seen(user) -> bool:  # type: ignore[no-untyped-def]
        answer = client.get(f"{URL}?orgUnit=491&children=true&period=2024Q4", **bearer(user))
        assert answer.status_code == 200
        return any((v["dataElement"], v["period"], v["orgUnit"], v["value"]) == draft
                   for v in answer.json()["dataValues"])

    assert seen(officer_thac_gian)
    assert not seen(officer_tan_chinh)
    assert not seen(None)


def test_it_names_what_it_cannot_read(client):
    unknown = client.get(f"{URL}?orgUnit=Xyz123AbcDe&period=202410")
    assert unknown.status_code == 404
    assert unknown.json()["detail"].startswith("OrgUnit 'Xyz123AbcDe': không có dòng ánh xạ trong danh mục 2024")
    week = client.get(f"{URL}?orgUnit=20221&period=2024W1")
    assert week.status_code == 400
    assert week.json()["detail"] == "Kỳ '2024W1' không đọc được. Viết 202410 (tháng), 2024Q4 (quý), 2024 (năm)."
    no_period = client.get(f"{URL}?orgUnit=20221")
    assert no_period.status_code == 400
    form = client.get(f"{URL}?orgUnit=20221&period=202410&dataSet=KHONG-CO")
    assert form.status_code == 404
    assert form.json()["detail"].startswith("Không có biểu mẫu (dataSet) mã KHONG-CO (có: ")


def _post(client, body: bytes, user, content_type: str = "application/json", query: str = ""):  # type: ignore[no-untyped-def]
    return client.post(f"{URL}{query}", data=body, content_type=content_type, **bearer(user))


OWN = {"dataElement": "XHS-06", "period": "2024Q3", "orgUnit": "20221", "value": "10",
       "comment": "Theo sổ theo dõi\n[chiso qualifier=approximate]"}
OTHER = {"dataElement": "XHS-06", "period": "2024Q3", "orgUnit": "20212", "value": "11"}


def stored(code: str) -> DataValue | None:
    return DataValue.objects.filter(unit=unit("2024", code), period="2024Q3", data_element__code="XHS-06").first()


def test_an_import_needs_credentials(client):
    answer = _post(client, json.dumps({"dataValues": [OWN]}).encode(), None)
    assert answer.status_code == 401
    assert stored("20221") is None


def test_a_ward_officer_imports_its_own_figures_and_is_refused_another_wards_whole(client, officer_thac_gian):
    refused = _post(client, json.dumps({"dataValues": [OWN, OTHER]}).encode(), officer_thac_gian)
    assert refused.status_code == 403
    summary = refused.json()
    assert summary["status"] == "ERROR"
    assert summary["importCount"] == {"imported": 0, "updated": 0, "ignored": 2, "deleted": 0}
    assert [(c["object"], c["property"], c["indexes"]) for c in summary["conflicts"]] == [("20212", "orgUnit", [1])]
    assert stored("20221") is None and stored("20212") is None

    dry = _post(client, json.dumps({"dataValues": [OWN]}).encode(), officer_thac_gian, query="?dryRun=true")
    assert dry.status_code == 200
    assert dry.json()["importCount"] == {"imported": 1, "updated": 0, "ignored": 0, "deleted": 0}
    assert dry.json()["dryRun"] is True
    assert stored("20221") is None

    done = _post(client, json.dumps({"dataValues": [OWN]}).encode(), officer_thac_gian)
    assert done.status_code == 200
    assert done.json()["status"] == "SUCCESS"
    figure = stored("20221")
    assert (figure.value, figure.qualifier, figure.comment, figure.channel) == (
        Decimal(10), "approximate", "Theo sổ theo dõi", "api")

    csv = ("dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\n"
           "XHS-06,2024Q3,20221,HllvX50cXC0,HllvX50cXC0,12\n")
    again = _post(client, csv.encode(), officer_thac_gian, content_type="application/csv")
    assert again.status_code == 200
    assert again.json()["importCount"] == {"imported": 0, "updated": 1, "ignored": 0, "deleted": 0}
    assert stored("20221").value == Decimal(12)


def test_a_body_that_is_no_data_value_set_is_a_400_in_the_summary_shape(client, officer_thac_gian):
    answer = _post(client, b'{"values": []}', officer_thac_gian)
    assert answer.status_code == 400
    assert answer.json()["status"] == "ERROR"
    assert answer.json()["conflicts"][0]["value"].startswith("thiếu danh sách 'dataValues'")
