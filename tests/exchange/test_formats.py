"""DHIS2 periods, the comment's tags and the two formats, without the database."""

from __future__ import annotations

import doctest
import json

import pytest

from chiso.engine.periods import Period
from chiso.exchange import export, formats, periods
from chiso.exchange.formats import FormatError, Notes, read, read_comment, write_comment
from chiso.exchange.periods import DhisPeriodError, from_dhis2, to_dhis2


@pytest.mark.parametrize("module", [periods, export])
def test_the_doctests_hold(module):
    assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize(("dhis2", "chiso"), [("2024", "2024"), ("2024Q4", "2024Q4"), ("202410", "2024-10"),
                                              ("20240229", "2024-02-29")])
def test_periods_go_both_ways(dhis2, chiso):
    assert str(from_dhis2(dhis2)) == chiso
    assert to_dhis2(Period.parse(chiso)) == dhis2


@pytest.mark.parametrize(("text", "said"), [
    ("2024W1", "kỳ '2024W1' là một tuần của DHIS2"),
    ("202401B", "kỳ '202401B' là hai tháng của DHIS2"),
    ("2024S1", "kỳ '2024S1' là nửa năm của DHIS2"),
    ("2024April", "kỳ '2024April' là một năm tài chính của DHIS2"),
    ("202413", "kỳ '202413' không hợp lệ (tháng phải từ 01 đến 12)"),
    ("2024Q5", "kỳ '2024Q5' không hợp lệ (quý phải từ 1 đến 4)"),
    ("2024-10", "kỳ '2024-10' không đúng dạng kỳ của DHIS2"),
    ("", "thiếu kỳ"),
])
def test_periods_chiso_has_not_are_refused_saying_what_to_send(text, said):
    with pytest.raises(DhisPeriodError) as refused:
        from_dhis2(text)
    assert refused.value.vi.startswith(said)


def test_the_comment_carries_qualifier_source_and_the_illustrative_label_back():
    notes = Notes("Theo báo cáo quý\n[không phải thẻ]", "approximate", "Sở TT&TT  Đà Nẵng", True)
    text = write_comment(notes)
    assert text == ("Theo báo cáo quý\n[không phải thẻ]\n[chiso qualifier=approximate]\n"
                    "[chiso source=Sở TT&TT Đà Nẵng]\n[chiso illustrative]")
    assert read_comment(text) == Notes("Theo báo cáo quý\n[không phải thẻ]", "approximate", "Sở TT&TT Đà Nẵng", True)
    assert write_comment(Notes()) == ""
    assert read_comment("") == Notes()


def test_a_csv_is_read_by_position_after_its_header_and_a_json_set_shares_its_period_and_org_unit():
    csv_rows = read("dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\n"
                    "\n"
                    "XHS-06,202410,20221,,,12\n".encode("utf-8-sig"))
    assert [(r.index, r.place, r.get("dataElement"), r.get("period"), r.get("value")) for r in csv_rows] == [
        (0, "dòng 3", "XHS-06", "202410", "12")]
    body = {"period": "202411", "orgUnit": "20212", "dataValues": [{"dataElement": "XHS-06", "value": 3},
                                                                   {"dataElement": "XHS-05", "value": "4",
                                                                    "orgUnit": "20221"}]}
    rows = read(json.dumps(body).encode())
    assert [(r.place, r.get("period"), r.get("orgUnit"), r.get("value")) for r in rows] == [
        ("bản ghi dataValues[0]", "202411", "20212", "3"), ("bản ghi dataValues[1]", "202411", "20221", "4")]


@pytest.mark.parametrize(("content", "said"), [
    (b'{"dataValues": 3}', "thiếu danh sách 'dataValues'"),
    (b'{"dataValues": [', "JSON không hợp lệ (dòng 1, cột 17"),
    (b"", "tệp CSV trống"),
    ("giá".encode("cp1252"), "nội dung không phải UTF-8"),
])
def test_a_body_that_is_no_data_value_set_is_refused(content, said):
    with pytest.raises(FormatError) as refused:
        read(content)
    assert refused.value.vi.startswith(said)


def test_a_csv_is_written_in_dhis2_column_order():
    value = dict(zip(formats.FIELDS, "de pe ou coc aoc 1.5 u t c false".split(), strict=True))
    assert formats.write_csv([value]).splitlines() == [
        "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,"
        "followup", "de,pe,ou,coc,aoc,1.5,u,t,c,false"]


def test_a_formula_like_cell_is_neutralised_in_the_csv_and_read_back_as_written():
    value = dict(zip(formats.FIELDS, ["XHS-06", "202410", "20221", "", "", "-12", "=cmd|' /C calc'!A0", "",
                                      "@SUM(A1)\n[chiso source=+84 905]", "false"], strict=True))
    text = formats.write_csv([value])
    assert text.splitlines()[1].startswith("XHS-06,202410,20221,,,-12,'=cmd|' /C calc'!A0,,\"'@SUM(A1)")
    (record,) = read(text.encode())
    assert (record.get("value"), record.get("storedBy"), record.get("comment")) == (
        "-12", "=cmd|' /C calc'!A0", "@SUM(A1)\n[chiso source=+84 905]")
