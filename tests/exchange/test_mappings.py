"""The mapping tables: a CSV file an administrator edits, loaded all or nothing, exported back unchanged, and used
both ways (out: DHIS2's identifiers; in: the chiso element and unit)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chiso.exchange.export import Selection, data_values
from chiso.exchange.importing import import_data_values
from chiso.exchange.mappings import export_mappings
from chiso.exchange.models import ElementMapping, UnitMapping
from chiso.values.models import Channel, DataValue
from tests.conftest import unit

pytestmark = pytest.mark.django_db

FILE = ("kind,chiso_version,chiso_code,dhis2_id,category_option_combo\n"
        "data_element,,XHS-06,fbfJHSPpUQD,pq2XI5kz2BY\n"
        "unit,2024,20221,ImspTQPwCqd,\n")


@pytest.fixture
def mapped(tmp_path):
    path = tmp_path / "anh-xa.csv"
    path.write_text(FILE, encoding="utf-8")
    call_command("dhis2", "mappings", "load", str(path))


def test_the_file_loads_and_exports_back_unchanged(mapped, tmp_path):
    assert export_mappings() == FILE
    path = tmp_path / "ra.csv"
    call_command("dhis2", "mappings", "export", str(path))
    assert path.read_text(encoding="utf-8") == FILE


def test_mapped_identifiers_go_out_and_come_back_in(mapped, officer_thac_gian):
    thac_gian = unit("2024", "20221")
    out = data_values(Selection([thac_gian], date(2024, 10, 1), date(2024, 10, 31)), reader=None,
                      published_only=True)
    sent = [v for v in out if v["dataElement"] == "fbfJHSPpUQD"]
    assert len(sent) == 1
    assert (sent[0]["orgUnit"], sent[0]["categoryOptionCombo"], sent[0]["period"]) == (
        "ImspTQPwCqd", "pq2XI5kz2BY", "202410")
    assert {v["orgUnit"] for v in out} == {"ImspTQPwCqd"}  # every figure of the ward, other elements by code
    body = {"dataValues": [{"dataElement": "fbfJHSPpUQD", "categoryOptionCombo": "pq2XI5kz2BY", "period": "2024Q3",
                            "orgUnit": "ImspTQPwCqd", "value": "77"}]}
    summary = import_data_values("x.json", json.dumps(body).encode(), acting_user=officer_thac_gian,
                                 channel=Channel.API)
    assert summary.status == "SUCCESS"
    assert DataValue.objects.get(unit=thac_gian, period="2024Q3", data_element__code="XHS-06").value == Decimal(77)
    # the pair is mapped, so another category option combo of the same element is named, not guessed
    body["dataValues"][0]["categoryOptionCombo"] = "HllvX50cXC0"
    refused = import_data_values("x.json", json.dumps(body).encode(), acting_user=officer_thac_gian,
                                 channel=Channel.API).as_dhis2()
    assert refused["conflicts"][0]["value"] == (
        "bản ghi dataValues[0], trường dataElement: dataElement 'fbfJHSPpUQD' có trong bảng ánh xạ nhưng không với "
        "categoryOptionCombo 'HllvX50cXC0'. Thêm dòng ánh xạ cho cặp này (chiso dhis2 mappings load).")


def test_a_faulty_file_is_refused_whole_naming_row_and_column(mapped, tmp_path):
    path = tmp_path / "sai.csv"
    path.write_text("kind,chiso_version,chiso_code,dhis2_id,category_option_combo\n"
                    "data_element,,XHS-05,abcdefghijk,\n"
                    "unit,2099,20221,ImspTQPwCqd,\n"
                    "unit,2024,20221,,\n"
                    "thing,,X,Y,\n"
                    "data_element,,XHS-05,zzz,\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("dhis2", "mappings", "load", str(path))
    lines = str(refused.value).splitlines()
    assert lines[0] == "Không nạp, bảng ánh xạ giữ nguyên (4 lỗi):"
    assert lines[1].startswith("sai.csv, dòng 3, cột B (chiso_version): không có phiên bản danh mục đơn vị '2099'")
    assert lines[2:] == [
        "sai.csv, dòng 4, cột D (dhis2_id): thiếu mã DHIS2 (UID hoặc code).",
        "sai.csv, dòng 5, cột A (kind): loại 'thing' không hợp lệ: ghi data_element hoặc unit.",
        "sai.csv, dòng 6, cột C (chiso_code): trùng với dòng 2: mỗi yếu tố dữ liệu và mỗi cặp "
        "dataElement/categoryOptionCombo chỉ ánh xạ một lần."]
    assert list(ElementMapping.objects.values_list("data_element__code", "dhis2_id")) == [("XHS-06", "fbfJHSPpUQD")]
    assert UnitMapping.objects.count() == 1
