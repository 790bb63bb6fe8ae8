"""DHIS2 exchange, done when: Thanh Khê's published 2024 figures go out as a DHIS2 data value set (JSON, CSV) and come
back into an empty database the same; drafts never leave to who may not read them; a ward officer's import for
another ward is refused whole, the conflict named; a bad period or an unknown orgUnit is named by record."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chiso.collection.models import Submission, SubmissionEvent
from chiso.engine.periods import Period
from chiso.exchange.importing import import_data_values
from chiso.indicators.models import DataElement
from chiso.values.actions import ValueEntry, do_set_values
from chiso.values.models import Channel, DataValue, DataValueHistory
from tests.conftest import unit

pytestmark = pytest.mark.django_db

THANH_KHE = ["--units", "491", "--version", "2024", "--periods", "2024-10..2024-12", "--subtree"]


def export(tmp_path, *extra: str, fmt: str = "json", name: str = "out") -> str:
    path = tmp_path / f"{name}.{fmt}"
    call_command("dhis2", "export", *THANH_KHE, "--format", fmt, "--out", str(path), *extra)
    return path.read_text(encoding="utf-8")


def published_figures_of_thanh_khe() -> set[tuple[str, str, str, Decimal, str, bool]]:
    from chiso.collection.queries import published

    thanh_khe = unit("2024", "491")
    found = published(DataValue.objects.filter(unit__path__startswith=thanh_khe.path, unit__version__name="2024",
                                               is_deleted=False, value__isnull=False,
                                               period_start__gte="2024-10-01", period_end__lte="2024-12-31"))
    return figures(found)


def figures(found) -> set[tuple[str, str, str, Decimal, str, bool]]:
    """(element, unit, period, value, qualifier, minh họa) of each figure."""
    return {(v.data_element.code, v.unit.code, v.period, v.value, v.qualifier, v.is_illustrative)
            for v in found.select_related("data_element", "unit")}


def empty_the_database() -> None:
    """What an empty chiso holds: the units, the catalogue, users; no figure, no report."""
    SubmissionEvent.objects.all().delete()
    Submission.objects.all().delete()
    DataValueHistory.objects.all().delete()
    DataValue.objects.all().delete()


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_thanh_khe_goes_out_and_comes_back_into_an_empty_database_the_same(tmp_path, city_admin, fmt):
    nearly = DataValue.objects.filter(unit=unit("2024", "20212"), period="2024-11", value__isnull=False,
                                      data_element__code="CBCC").get()
    do_set_values([ValueEntry(nearly.data_element, nearly.unit, Period.parse("2024-11"), nearly.value, "approximate",
                              "Sổ theo dõi", "Ước tính, chờ số chính thức")], acting_user=None, channel=Channel.WEB)
    expected = published_figures_of_thanh_khe()
    assert ("CBCC", "20212", "2024-11", nearly.value, "approximate", False) in expected
    assert len(expected) >= 30  # three wards, three months, several elements each
    assert {"20221", "20212", "20209"} <= {code for _, code, *_ in expected}  # the wards (and their tổ)
    text = export(tmp_path, "--published-only", "--user", city_admin.username, fmt=fmt)
    if fmt == "json":
        values = json.loads(text)["dataValues"]
        assert len(values) == len(expected)
        first = values[0]
        assert set(first) == {"dataElement", "period", "orgUnit", "categoryOptionCombo", "attributeOptionCombo",
                              "value", "storedBy", "lastUpdated", "comment", "followup"}
        assert first["categoryOptionCombo"] == first["attributeOptionCombo"] == "HllvX50cXC0"
        assert {v["period"] for v in values} <= {"202410", "202411", "202412", "2024Q4", "2024"}
    else:
        lines = text.splitlines()
        assert lines[0] == ("dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,"
                            "lastupdated,comment,followup")
    empty_the_database()
    assert DataValue.objects.count() == 0
    path = tmp_path / f"out.{fmt}"
    call_command("dhis2", "import", str(path), "--user", city_admin.username)
    after = figures(DataValue.objects.all())
    assert after == expected
    came_back = DataValue.objects.get(unit=unit("2024", "20212"), period="2024-11", data_element__code="CBCC")
    assert (came_back.source, came_back.comment) == ("Sổ theo dõi", "Ước tính, chờ số chính thức")
    assert set(DataValueHistory.objects.values_list("changed_by__username", "channel").distinct()) == {
        (city_admin.username, "import")}
    # the same file again changes nothing
    summary = import_data_values(path.name, path.read_bytes(), acting_user=city_admin, channel=Channel.IMPORT)
    assert summary.as_dhis2()["importCount"] == {"imported": 0, "updated": 0, "ignored": len(expected), "deleted": 0}
    assert summary.status == "SUCCESS"


@pytest.fixture
def draft(db):
    """A figure of Thạc Gián in no approved report: a draft only its own officers (and those above) may read."""
    element = DataElement.objects.get(code="XHS-06")
    do_set_values([ValueEntry(element, unit("2024", "20221"), Period.parse("2024Q4"), Decimal("4321"))],
                  acting_user=None, channel=Channel.WEB)
    return ("XHS-06", "2024Q4", "20221", "4321")


def _has(text: str, draft: tuple[str, str, str, str]) -> bool:
    return any((v["dataElement"], v["period"], v["orgUnit"], v["value"]) == draft
               for v in json.loads(text)["dataValues"])


def test_a_draft_never_leaves_to_who_may_not_read_it(tmp_path, draft, officer_thac_gian, officer_tan_chinh,
                                                     city_admin):
    assert _has(export(tmp_path, "--user", officer_thac_gian.username, name="own"), draft)
    assert _has(export(tmp_path, "--user", city_admin.username, name="admin"), draft)
    assert not _has(export(tmp_path, "--published-only", "--user", officer_thac_gian.username, name="po"), draft)
    assert not _has(export(tmp_path, "--published-only", "--user", city_admin.username, name="po2"), draft)
    assert not _has(export(tmp_path, "--user", officer_tan_chinh.username, name="other"), draft)
    assert not _has(export(tmp_path, name="anonymous"), draft)


def _set(*values: dict[str, str]) -> bytes:
    return json.dumps({"dataValues": list(values)}).encode()


def test_a_ward_officer_importing_for_another_ward_is_refused_whole(officer_thac_gian):
    own = {"dataElement": "XHS-06", "period": "2024Q3", "orgUnit": "20221", "value": "10"}
    other = {"dataElement": "XHS-06", "period": "2024Q3", "orgUnit": "20212", "value": "11"}
    before = DataValue.objects.count()
    summary = import_data_values("tep.json", _set(own, other), acting_user=officer_thac_gian, channel=Channel.API)
    answer = summary.as_dhis2()
    assert answer["status"] == "ERROR"
    assert answer["importCount"] == {"imported": 0, "updated": 0, "ignored": 2, "deleted": 0}
    assert len(answer["conflicts"]) == 1
    conflict = answer["conflicts"][0]
    assert conflict["object"] == "20212"
    assert conflict["property"] == "orgUnit"
    assert conflict["indexes"] == [1]
    assert conflict["value"].startswith("bản ghi dataValues[1], trường orgUnit: XHS-06 (Phường Tân Chính, kỳ "
                                        "2024Q3): bạn không có quyền ghi số liệu cho Phường Tân Chính")
    assert DataValue.objects.count() == before
    # its own figure alone goes in
    summary = import_data_values("tep.json", _set(own), acting_user=officer_thac_gian, channel=Channel.API)
    assert summary.as_dhis2()["importCount"] == {"imported": 1, "updated": 0, "ignored": 0, "deleted": 0}
    assert DataValue.objects.get(unit=unit("2024", "20221"), period="2024Q3",
                                 data_element__code="XHS-06").value == Decimal(10)


def test_a_weekly_period_and_an_unknown_org_unit_are_named_by_record(officer_thac_gian):
    good = {"dataElement": "XHS-06", "period": "202410", "orgUnit": "20221", "value": "10"}
    week = {**good, "period": "2024W1"}
    unknown = {**good, "orgUnit": "Xyz123AbcDe"}
    summary = import_data_values("tep.json", _set(good, week, unknown), acting_user=officer_thac_gian,
                                 channel=Channel.API)
    conflicts = summary.as_dhis2()["conflicts"]
    assert summary.status == "ERROR"
    assert [(c["object"], c["property"], c["indexes"]) for c in conflicts] == [
        ("2024W1", "period", [1]), ("Xyz123AbcDe", "orgUnit", [2])]
    assert conflicts[0]["value"] == (
        "bản ghi dataValues[1], trường period: kỳ '2024W1' là một tuần của DHIS2; chiso chỉ nhận năm yyyy (2024), "
        "quý yyyyQn (2024Q4), tháng yyyyMM (202410) hoặc ngày yyyyMMdd (20241015).")
    assert conflicts[1]["value"].startswith("bản ghi dataValues[2], trường orgUnit: orgUnit 'Xyz123AbcDe': không có "
                                            "dòng ánh xạ trong danh mục 2024, và không có đơn vị mã 'Xyz123AbcDe'")
    assert not DataValue.objects.filter(unit=unit("2024", "20221"), period="2024-10", data_element__code="XHS-06",
                                        value=10).exists()


def test_the_command_names_the_faults_of_a_csv_by_line_and_writes_nothing(tmp_path, officer_thac_gian):
    path = tmp_path / "sai.csv"
    path.write_text("dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\n"
                    "XHS-06,202410,20221,,,12\n"
                    "XHS-06,2024W1,20221,,,12\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Không nhập gì: 1 lỗi trong 2 số liệu"):
        call_command("dhis2", "import", str(path), "--user", officer_thac_gian.username)


def test_a_dry_run_checks_everything_and_writes_nothing(tmp_path, officer_thac_gian, capsys):
    path = tmp_path / "thu.json"
    path.write_bytes(_set({"dataElement": "XHS-06", "period": "2024Q3", "orgUnit": "20221", "value": "10"}))
    call_command("dhis2", "import", str(path), "--user", officer_thac_gian.username, "--dry-run")
    said = capsys.readouterr().out.splitlines()
    assert said == ["Sẽ nhập 1 số liệu: 1 mới, 0 thay đổi, 0 không đổi. Chạy thử (--dry-run): chưa ghi gì.",
                    '{"imported": 1, "updated": 0, "ignored": 0, "deleted": 0}']
    assert not DataValue.objects.filter(unit=unit("2024", "20221"), period="2024Q3").exists()


def test_the_export_names_an_unknown_unit_or_a_bad_span(tmp_path):
    with pytest.raises(CommandError, match="Không có đơn vị mã 99999 trong danh mục 2024."):
        call_command("dhis2", "export", "--units", "491,99999", "--version", "2024", "--periods", "2024",
                     "--out", str(tmp_path / "x.json"))
    with pytest.raises(CommandError, match="Khoảng kỳ '2024-12..2024-01' ngược: kỳ đầu sau kỳ cuối."):
        call_command("dhis2", "export", "--units", "491", "--version", "2024", "--periods", "2024-12..2024-01",
                     "--out", str(tmp_path / "x.json"))
