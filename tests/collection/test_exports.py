"""Exports cannot be turned into formulas: every CSV and XLSX cell goes through safe_cell."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from chiso.collection import importer
from chiso.collection.exports import SheetData, csv_bytes, history_export, safe_cell, xlsx_bytes
from chiso.collection.importer.template import template_for
from chiso.collection.models import Form
from chiso.engine.periods import Period
from chiso.indicators.models import DataElement
from chiso.values.actions import ValueEntry, do_set_values
from chiso.values.models import Channel, DataValueHistory
from tests.conftest import unit

FORMULAS = ["=1+2", "+1+2", "-1+2", "@SUM(A1:A2)", "\t=1", "\r=1", '=HYPERLINK("http://x","bấm")', "-", "=",
            "-cmd|' /C calc'!A0"]


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_like_text_gets_an_apostrophe(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["-12", "-1.234,5", "-91,5%", -12, Decimal("-3.5"), 0.5, None,
                                   "Phường Thạc Gián",
                                   "2024-07", "'=already"])
def test_numbers_and_ordinary_text_are_left_alone(value):
    assert safe_cell(value) == value


def test_csv_export_neutralises_every_cell_and_writes_numbers_the_vietnamese_way():
    content = csv_bytes(["=A1", "b"], [["@x", Decimal("1234.5")], ["-5", Decimal("1.234")]])
    assert content.startswith("\ufeff".encode())
    assert content.decode("utf-8-sig").splitlines() == ["'=A1;b", "'@x;1234,5", "-5;1,2340"]


def test_xlsx_export_stores_formula_like_text_as_text():
    content = xlsx_bytes([SheetData("S", [["=1+2", "+A1", 5, "-5"]])])
    book = load_workbook(io.BytesIO(content))  # not data_only: a formula would show as "=1+2"
    cells = next(book.worksheets[0].iter_rows())
    assert [(c.value, c.data_type, c.quotePrefix) for c in cells] == [
        ("=1+2", "s", True), ("+A1", "s", True), (5, "n", False), ("-5", "s", False)]  # quote prefix: text


@pytest.mark.demo
@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_template_download_neutralises_a_stored_formula_and_imports_back_unchanged(fmt):
    form = Form.objects.get(code="BC-CDS-THANG-XA")
    form.name_vi = "=HYPERLINK(\"http://evil\")"
    form.save()
    element = DataElement.objects.get(code="DS")
    element.name_vi = "@SUM(1+1)"
    element.save()
    content = template_for(form, [unit("2024", "20221")], Period.parse("2024-03"), fmt)
    if fmt == "xlsx":
        rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(content)).worksheets[0].iter_rows()]
        assert rows[0][2] == "=HYPERLINK(\"http://evil\")"  # a string cell with the quote prefix
        assert rows[3][2] == "DS – @SUM(1+1)"  # not at the start: harmless
    else:
        lines = content.decode("utf-8-sig").splitlines()
        assert lines[0] == "Biểu mẫu;BC-CDS-THANG-XA;\"'=HYPERLINK(\"\"http://evil\"\")\""
    assert importer.preview(f"t.{fmt}", content, acting_user=None).problems == []


@pytest.mark.django_db
def test_the_history_export_neutralises_sources_and_the_importer_strips_the_apostrophe_again():
    entry = ValueEntry(DataElement.objects.get(code="XHS-04"), unit("2025-07", "20209"),
                       Period.parse("2025-09"),
                       Decimal(50), source="=cmd|'/C calc'!A0")
    do_set_values([entry], acting_user=None, channel=Channel.WEB)
    history = DataValueHistory.objects.filter(data_value__period="2025-09", data_value__unit__code="20209",
                                              data_value__data_element__code="XHS-04").select_related(
        "data_value__data_element", "data_value__unit__version", "changed_by")
    line = history_export(history, "csv").decode("utf-8-sig").splitlines()[1]
    assert ";Chính xác;'=cmd|'/C calc'!A0;" in line
    cells = list(load_workbook(io.BytesIO(history_export(history, "xlsx"))).worksheets[0].iter_rows())[4]
    assert (cells[10].value, cells[10].data_type, cells[10].quotePrefix) == ("=cmd|'/C calc'!A0", "s", True)
    again = importer.preview("a.csv", b"unit;period;data_element;value;source\n20209;2025-09;XHS-04;50;"
                             b"'=cmd|'/C calc'!A0\n", acting_user=None)
    assert (again.problems, again.unchanged) == ([], 1)
