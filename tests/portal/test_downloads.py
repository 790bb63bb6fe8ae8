"""Downloads that open right (issue #11 item 6): a CSV in UTF-8 with a BOM, Vietnamese headers (English with
``?lang=en`` or the visitor's language), numbers rounded to the indicator's decimals, one table per file; an
XLSX with a title, source and licence rows, number formats, a frozen header and column widths; formulas in
text neutralised; a visitor's download holds only published figures, an officer's history only their ward's.

The CSV number format is a choice: no thousands grouping, the column's decimals, a decimal comma and ``;`` in
Vietnamese (Excel in a Vietnamese locale opens it as numbers; a program reads it without guessing what a dot
means), a decimal point and ``,`` in English.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from chiso.collection.exports import Column, Table, table_csv, tables_xlsx
from chiso.collection.models import Form, Status, Submission
from chiso.engine.periods import Period
from chiso.indicators.models import DataElement, Indicator
from chiso.portal import dashboard, queries
from chiso.values.actions import ValueEntry, do_set_values
from chiso.values.models import Channel
from tests.conftest import _user
from tests.portal.helpers import put, unit

BOM = b"\xef\xbb\xbf"
VINH_TRUNG = ("2024", "20218")  # a ward of quận Thanh Khê (2024) on which the small world has no figure
SCORE = "87.6549"  # CQS-14 is a score with 2 decimals: 87,65 / 87.65


# -- the shared writer, without a database --------------------------------------------------------------

def _table() -> Table:
    return Table("Theo năm", "XHS-06 – Số tài khoản: Phường Thanh Khê, theo năm",
                 [Column("Đơn vị", width=26), Column("Kỳ", width=14),
                  Column("Giá trị", number=True, decimals=2, width=14), Column("Hạng", number=True, decimals=0,
                                                                                width=7)],
                 [["Phường Thanh Khê", "Năm 2024", Decimal("95767.0536"), 1],
                  ["=HYPERLINK(\"http://x\")", "Năm 2025", Decimal("-3.005"), None],
                  ["Xã Hòa Vang", "Năm 2023", Decimal("1.2345"), 2]],
                 ["Nguồn: chiso.", "Giấy phép: CC BY 4.0"])


def test_the_csv_has_a_bom_vietnamese_headers_rounded_numbers_and_no_formula():
    assert table_csv(_table()) == BOM + (
        "Đơn vị;Kỳ;Giá trị;Hạng\r\n"
        "Phường Thanh Khê;Năm 2024;95767,05;1\r\n"
        "\"'=HYPERLINK(\"\"http://x\"\")\";Năm 2025;-3,01;\r\n"  # half up, away from zero
        "Xã Hòa Vang;Năm 2023;1,23;2\r\n").encode()


def test_the_english_csv_uses_commas_and_decimal_points():
    assert table_csv(_table(), "en").decode("utf-8").split("\r\n")[:2] == [
        "\ufeffĐơn vị,Kỳ,Giá trị,Hạng", "Phường Thanh Khê,Năm 2024,95767.05,1"]


def test_the_xlsx_has_title_source_licence_formats_frozen_header_and_widths():
    book = load_workbook(io.BytesIO(tables_xlsx([_table()])))
    sheet = book["Theo năm"]
    assert [sheet.cell(r, 1).value for r in range(1, 6)] == [
        "XHS-06 – Số tài khoản: Phường Thanh Khê, theo năm", "Nguồn: chiso.", "Giấy phép: CC BY 4.0", None, "Đơn vị"]
    assert sheet["A1"].font.bold and sheet["A5"].font.bold
    assert sheet.freeze_panes == "A6" and sheet.auto_filter.ref == "A5:D8"
    assert [sheet.column_dimensions[c].width for c in "ABCD"] == [26, 14, 14, 7]
    value, rank = sheet["C6"], sheet["D6"]
    assert (value.value, value.data_type, value.number_format) == (95767.05, "n", "#,##0.00")
    assert (rank.value, rank.number_format) == (1, "#,##0")
    formula = sheet["A7"]
    assert (formula.value, formula.data_type, formula.quotePrefix) == ('=HYPERLINK("http://x")', "s", True)
    assert sheet["C7"].value == -3.01


def test_the_writers_examples_hold():
    import doctest

    import chiso.collection.exports

    result = doctest.testmod(chiso.collection.exports)
    assert (result.failed, result.attempted) == (0, 11)


# -- the indicator page's downloads -------------------------------------------------------------------

@pytest.fixture
def score(db):
    """Phường Vĩnh Trung's published CQS-14 score at the month the page reads: 87.6549."""
    ward = unit(*VINH_TRUNG)
    month = dashboard.as_of(ward)
    assert month is not None
    put(ward, "CQS-14", str(month), SCORE)
    queries.clear_memo()
    return month


def _csv(client, query: str, **headers) -> list[list[str]]:
    response = client.get(f"/chi-tieu/CQS-14/tai-ve.csv?{query}", **headers)
    assert response.status_code == 200 and response.content.startswith(BOM)
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter="," if "lang=en" in query or headers else ";"))


@pytest.mark.django_db
def test_the_wards_csv_is_vietnamese_and_rounds_to_the_indicators_decimals(client, score):
    rows = _csv(client, "v=2024&don-vi=20218&bang=theo-don-vi")
    assert rows[0] == ["Hạng", "Mã chỉ tiêu", "Mã đơn vị", "Đơn vị", "Thuộc", "Danh mục đơn vị", "Kỳ",
                       "Giá trị (điểm)", "Độ chính xác", "Số liệu minh họa", "Ước tính"]
    mine = [r for r in rows if r[2] == "20218"]
    assert mine == [["1", "CQS-14", "20218", "Phường Vĩnh Trung", "Quận Thanh Khê", "2024",
                     score.vi_label(), "87,65", "Chính xác", "", ""]]


@pytest.mark.django_db
def test_the_csv_is_english_with_lang_en_or_the_visitors_language(client, score):
    for query, headers in (("v=2024&don-vi=20218&bang=theo-don-vi&lang=en", {}),
                           ("v=2024&don-vi=20218&bang=theo-don-vi", {"HTTP_ACCEPT_LANGUAGE": "en"})):
        rows = _csv(client, query, **headers)
        assert rows[0] == ["Rank", "Indicator code", "Unit code", "Unit", "Part of", "Hierarchy version", "Period",
                           "Value (điểm)", "Qualifier", "Illustrative", "Estimated"]
        assert [r for r in rows if r[2] == "20218"] == [
            ["1", "CQS-14", "20218", "Phường Vĩnh Trung", "Quận Thanh Khê", "2024", score.en_label(), "87.65",
             "exact", "", ""]]


@pytest.mark.django_db
def test_the_ward_time_series_is_a_file_of_its_own(client, score):
    response = client.get("/chi-tieu/CQS-14/tai-ve.csv?v=2024&don-vi=20218&bang=theo-thang")
    assert response["Content-Disposition"] == 'attachment; filename="chiso-CQS-14-2024-20218-theo-thang.csv"'
    lines = response.content.decode("utf-8-sig").split("\r\n")
    assert lines[0] == ("Mã chỉ tiêu;Mã đơn vị;Đơn vị;Danh mục đơn vị;Kỳ;Giá trị (điểm);Độ chính xác;Số liệu minh họa;"
                        "Ước tính")
    assert lines[1:] == [f"CQS-14;20218;Phường Vĩnh Trung;2024;{score.vi_label()};87,65;Chính xác;;", ""]
    assert client.get("/chi-tieu/CQS-14/tai-ve.csv?v=2024&bang=ca-hai").status_code == 404


@pytest.mark.django_db
def test_the_xlsx_has_every_table_with_formats_frozen_headers_and_the_licence(client, score):
    response = client.get("/chi-tieu/CQS-14/tai-ve.xlsx?v=2024&don-vi=20218")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Theo năm", "Theo tháng", "Theo phường, xã", "Nguồn"]  # the score is a real figure
    sheet = book["Theo phường, xã"]
    assert sheet["A1"].value == ("CQS-14 – Điểm Bộ chỉ số phục vụ người dân và doanh nghiệp (thang 100): "
                                 "các phường, xã của Quận Thanh Khê, "
                                 + score.vi_label().lower())
    assert sheet["A2"].value.startswith("Nguồn: chiso – Chỉ số chuyển đổi số Đà Nẵng; đơn vị công bố: Sở Khoa học")
    assert sheet["A3"].value.startswith("Giấy phép: Dữ liệu mở theo Điều 43") and "CC BY 4.0" in sheet["A3"].value
    header = next(r for r in range(1, 8) if sheet.cell(r, 1).value == "Hạng")
    assert sheet.freeze_panes == f"A{header + 1}"
    row = next(r for r in sheet.iter_rows(min_row=header + 1) if r[2].value == "20218")
    assert (row[7].value, row[7].number_format, row[0].number_format) == (87.65, "#,##0.00", "#,##0")
    assert (sheet.column_dimensions["D"].width, sheet.column_dimensions["H"].width) == (26, 14)


@pytest.mark.django_db
def test_the_english_xlsx_has_english_sheets_headers_and_names(client, score):
    book = load_workbook(io.BytesIO(client.get("/chi-tieu/CQS-14/tai-ve.xlsx?v=2024&don-vi=20218&lang=en").content))
    assert book.sheetnames == ["By year", "By month", "By ward, commune", "Source"]
    sheet = book["By year"]
    name = Indicator.objects.get(code="CQS-14").name_en
    assert sheet["A1"].value == f"CQS-14 – {name}: Phường Vĩnh Trung, by year"
    assert sheet["A2"].value.startswith("Source: chiso") and sheet["A3"].value.startswith("Licence: CC BY 4.0")


# -- who reads what -----------------------------------------------------------------------------------

@pytest.fixture
def tan_chinh_draft(db):
    """Tân Chính's December 2024 report reopened as a draft holding 777.777 accounts (XHS-06)."""
    ward = unit("2024", "20212")
    Submission.objects.filter(form=Form.objects.get(code="BC-CDS-THANG-XA"), unit=ward,
                              period="2024-12").update(status=Status.DRAFT)
    do_set_values([ValueEntry(DataElement.objects.get(code="XHS-06"), ward, Period.parse("2024-12"),
                              Decimal(777777))], acting_user=_user("t_dl_writer", is_superuser=True),
                  channel=Channel.WEB, reason="downloads")
    queries.clear_memo()


@pytest.mark.django_db
def test_a_visitors_download_has_only_published_figures(client, tan_chinh_draft, officer_tan_chinh):
    for reader in (None, officer_tan_chinh):  # the public download is the same for the ward's own officer
        if reader is not None:
            client.force_login(reader)
        for fmt, table in (("csv", "theo-don-vi"), ("csv", "theo-thang"), ("xlsx", "")):
            response = client.get(f"/chi-tieu/XHS-06/tai-ve.{fmt}?v=2024&don-vi=20212&bang={table or 'theo-nam'}")
            assert response.status_code == 200
            if fmt == "csv":
                assert b"777777" not in response.content
            else:
                book = load_workbook(io.BytesIO(response.content), read_only=True)
                cells = {c for s in book.worksheets for row in s.iter_rows(values_only=True) for c in row}
                assert 777777 not in cells and 777777.0 not in cells
        rows = list(csv.reader(io.StringIO(client.get(
            "/chi-tieu/XHS-06/tai-ve.csv?v=2024&don-vi=20212&bang=theo-don-vi").content.decode("utf-8-sig")),
            delimiter=";"))
        tan_chinh = [r[7] for r in rows if r[2] == "20212"]  # listed, with what is published (not the draft)
        assert len(tan_chinh) == 1 and tan_chinh != ["777777"]


@pytest.mark.django_db
def test_an_officers_history_download_has_only_their_wards_drafts(client, tan_chinh_draft, officer_tan_chinh,
                                                                    officer_thac_gian):
    client.force_login(officer_tan_chinh)
    own = client.get("/nhap-lieu/lich-su/2024/20212/tai-ve.csv?tu=2024-12&den=2024-12")
    text = b"".join(own.streaming_content).decode("utf-8")
    assert text.startswith("\ufeffMã chỉ tiêu;Chỉ tiêu;Mã đơn vị;Đơn vị;")
    assert ";777777;" in text and {line.split(";")[2] for line in text.split("\r\n")[1:] if line} == {"20212"}
    assert client.get("/nhap-lieu/lich-su/2024/20221/tai-ve.csv").status_code == 404
    xlsx = client.get("/nhap-lieu/lich-su/2024/20212/tai-ve.xlsx?tu=2024-12&den=2024-12")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A1"].value == "Lịch sử sửa số liệu: Phường Tân Chính (2024)"
    assert sheet.freeze_panes == "A5" and sheet["I5"].number_format == "General"
    client.force_login(officer_thac_gian)
    assert client.get("/nhap-lieu/lich-su/2024/20212/tai-ve.xlsx").status_code == 404


@pytest.mark.django_db
def test_the_annual_report_xlsx_has_frozen_headers_and_the_indicators_decimals(client):
    response = client.get("/bao-cao/2024/491/2024.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Kết quả"]
    assert (sheet.freeze_panes, book["Nguồn"].freeze_panes) == ("D4", "A2")
    formats = {row[1].value: (row[5].number_format, row[7].number_format) for row in sheet.iter_rows(min_row=4)}
    assert formats["XHS-06"] == ("#,##0", "#,##0") and formats["XHS-15"] == ("#,##0.0", "#,##0.0")
