"""Reading files: encodings, delimiters, layouts, Vietnamese numbers and qualifiers, units, periods."""

from __future__ import annotations

import codecs
import doctest
from datetime import datetime
from decimal import Decimal

import pytest

from chiso.collection import importer
from chiso.collection.importer import cells, decoding, layout, resolve
from chiso.collection.importer.problems import ImportProblem
from chiso.collection.importer.template import template_for
from chiso.collection.models import Form
from chiso.engine.periods import Period
from tests.collection.test_import_support import cp1258, csv_text, figures, look, texts, xlsx
from tests.conftest import unit

pytestmark = pytest.mark.django_db

HEADER = "Mã đơn vị;Kỳ báo cáo;Mã chỉ tiêu;Giá trị;Ghi chú"
NOTE = "Số liệu của Công an phường Thạc Gián"


@pytest.mark.parametrize("module", [cells, decoding, resolve, layout], ids=lambda m: m.__name__)
def test_the_doctests_hold(module):
    assert doctest.testmod(module).failed == 0


# -- encodings and delimiters ---------------------------------------------------------------------

def vietnamese_rows(delimiter: str = ";") -> str:
    return csv_text(HEADER.replace(";", delimiter), f"20221{delimiter}2024-03{delimiter}DS{delimiter}12.000"
                    f"{delimiter}{NOTE}", f"Phường Tân Chính{delimiter}2024-03{delimiter}HO{delimiter}3.400"
                    f"{delimiter}Đã đối chiếu")


EXPECTED = [("20221", "DS", "2024-03", Decimal(12000), "exact"),
            ("20212", "HO", "2024-03", Decimal(3400), "exact")]


@pytest.mark.parametrize(("content", "encoding", "delimiter"), [
    (vietnamese_rows().encode("utf-8"), "UTF-8", ";"),
    (codecs.BOM_UTF8 + vietnamese_rows().encode("utf-8"), "UTF-8 (có BOM)", ";"),
    (codecs.BOM_UTF16_LE + vietnamese_rows("\t").encode("utf-16-le"), "UTF-16", "\t"),
    (codecs.BOM_UTF16_BE + vietnamese_rows("\t").encode("utf-16-be"), "UTF-16", "\t"),
    (vietnamese_rows("\t").encode("utf-16-le"), "UTF-16 LE", "\t"),
    (cp1258(vietnamese_rows()), "Windows-1258", ";"),
    (cp1258(vietnamese_rows(",")), "Windows-1258", ","),
], ids=["utf8", "utf8-bom", "utf16-le-bom-tab", "utf16-be-bom-tab", "utf16-no-bom", "cp1258", "cp1258-comma"])
def test_each_encoding_is_detected_and_read(content, encoding, delimiter):
    found = look("so-lieu.csv", content)
    assert texts(found) == []
    assert (found.info.encoding, found.info.delimiter) == (encoding, delimiter)
    assert figures(found) == EXPECTED
    assert [i.comment for i in found.items] == [NOTE, "Đã đối chiếu"]


def test_windows_1252_is_told_from_1258_by_the_vietnamese_it_yields():
    text = csv_text("unit;period;data_element;value;comment", "20221;2024-03;DS;12.000;Xã Hòa Thành Gián")
    found = look("so-lieu.csv", text.encode("cp1252"))
    assert texts(found) == []
    assert found.info.encoding == "Windows-1252"
    assert [i.comment for i in found.items] == ["Xã Hòa Thành Gián"]  # read as 1258 it would be "Xă Họa"


def test_a_file_both_code_pages_read_as_valid_vietnamese_is_refused_naming_both():
    text = csv_text("unit;period;data_element;value;comment", "20221;2024-03;DS;12.000;Lý")  # or "Lư" in 1258
    found = look("so-lieu.csv", text.encode("cp1252"))
    assert texts(found) == [
        "so-lieu.csv: Không xác định được bảng mã của tệp: tệp không phải UTF-8 hay UTF-16; có thể là "
        "Windows-1258 hoặc Windows-1252 nhưng không chắc cách đọc nào cho ra tiếng Việt đúng. Hãy mở tệp "
        "bằng Excel, chọn Lưu thành (Save As) › \"CSV UTF-8 (Comma delimited)\" rồi tải lên lại."]
    assert found.problems[0].text("en") == (
        "so-lieu.csv: Cannot tell the file's encoding: it is neither UTF-8 nor UTF-16; it could be "
        "Windows-1258 or Windows-1252 but it is not certain which reading gives correct Vietnamese. Open the "
        "file in Excel, Save As \"CSV UTF-8 (Comma delimited)\" and upload it again.")
    assert found.items == []


def test_bytes_that_are_no_vietnamese_in_either_code_page_are_refused():
    content = b"unit;period;data_element;value;comment\n20221;2024-03;DS;1;\xde\xcc\xd2\xf0\xfe\x8a\n"
    found = look("x.csv", content)
    assert [p.message_vi[:45] for p in found.problems] == ["Không xác định được bảng mã của tệp: tệp khôn"]


def test_a_broken_utf16_file_says_where_and_what_to_do():
    found = look("x.txt", codecs.BOM_UTF16_LE + "Mã".encode("utf-16-le") + b"\x00\xd8")
    assert texts(found) == ["x.txt: Tệp ghi là bảng mã UTF-16 nhưng có byte không hợp lệ ở vị trí 4. Hãy mở "
                            "tệp bằng Excel và lưu lại dạng \"CSV UTF-8\"."]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_sniffed_even_with_decimal_commas_in_the_data(delimiter):
    value = '"91,5"' if delimiter == "," else "91,5"
    rows = [HEADER.replace(";", delimiter), delimiter.join(["20221", "2024-03", "CQS-03", value, ""])]
    found = look("x.csv", csv_text(*rows).encode())
    assert texts(found) == []
    assert found.info.delimiter == delimiter
    assert figures(found) == [("20221", "CQS-03", "2024-03", Decimal("91.5"), "exact")]


def test_excel_sep_hint_line_is_honoured():
    found = look("x.csv", csv_text("sep=;", HEADER, "20221;2024-03;DS;12000;").encode())
    assert (texts(found), found.info.delimiter, figures(found)[0][3]) == ([], ";", Decimal(12000))


def test_headers_may_be_codes_or_labels_written_any_way():
    for header in ["unit,period,data_element,value", "Mã đơn vị,Kỳ báo cáo,Mã chỉ tiêu,Giá trị",
                   "ma don vi,ky bao cao,ma chi tieu,gia tri",
                   "MÃ ĐƠN VỊ (*),Kỳ báo cáo:,Mã chỉ tiêu,Giá trị (số)"]:
        found = look("x.csv", csv_text(header, "20221,2024-03,DS,12000").encode())
        expected = [("20221", "DS", "2024-03", Decimal(12000), "exact")]
        assert (texts(found), figures(found)) == ([], expected), header


def test_optional_columns_qualifier_source_comment_are_read():
    found = look("x.csv", csv_text("unit;period;data_element;value;qualifier;source;comment",
                                   "20221;2024-03;DS;12000;gần;Công an phường;ước tính").encode())
    item = found.items[0]
    assert (item.qualifier, item.source, item.comment) == ("approximate", "Công an phường", "ước tính")


def test_a_missing_required_column_is_named():
    found = look("x.csv", csv_text("Mã đơn vị;Kỳ báo cáo;Mã chỉ tiêu", "20221;2024-03;DS").encode())
    assert texts(found) == ["x.csv, dòng 1: thiếu cột 'Giá trị' (hoặc 'value')."]


def test_a_file_without_a_header_says_which_columns_are_needed():
    found = look("x.csv", csv_text("a;b", "1;2").encode())
    assert texts(found) == [
        "x.csv: không tìm thấy dòng tiêu đề trong 30 dòng đầu: cần cột 'Mã đơn vị' (hoặc 'Tên đơn vị'), 'Kỳ "
        "báo cáo', 'Mã chỉ tiêu', 'Giá trị' — hoặc dùng tệp mẫu tải từ trang nhập liệu."]


def test_a_row_wider_than_the_header_is_reported():
    found = look("x.csv", csv_text(HEADER, "20221;2024-03;DS;12000;ghi chú;thừa").encode())
    assert texts(found) == ["x.csv, dòng 2, cột F: dòng có nhiều cột hơn dòng tiêu đề (kiểm tra dấu phân "
                            "cách và dấu ngoặc kép)."]


# -- numbers and qualifiers ---------------------------------------------------------------------------

@pytest.mark.parametrize(("element", "cell", "value", "qualifier"), [
    ("DS", "166.039", "166039", "exact"),
    ("DS", "1.234.567", "1234567", "exact"),
    ("DS", "12 345", "12345", "exact"),
    ("CQS-03", "91,5", "91.5", "exact"),
    ("CQS-03", "91,5%", "91.5", "exact"),
    ("CQS-03", "0,834", "0.834", "exact"),
    ("CQS-03", "0.834", "0.834", "exact"),
    ("CQS-08", "1,234.5", "1234.5", "exact"),
    ("DS", "gần 25", "25", "approximate"),
    ("DS", "Gần 1.000.000", "1000000", "approximate"),
    ("DS", "khoảng 12", "12", "approximate"),
    ("DS", "~25", "25", "approximate"),
    ("DS", "hơn 3.500", "3500", "at_least"),
    ("DS", "trên 5", "5", "at_least"),
    ("DS", "ít nhất 7", "7", "at_least"),
    ("DS", ">3500", "3500", "at_least"),
    ("DS", "dưới 3", "3", "at_most"),
    ("DS", "không quá 9", "9", "at_most"),
    ("DS", "<4", "4", "at_most"),
    ("DS", "hon 3.500", "3500", "at_least"),
])
def test_vietnamese_numbers_and_written_qualifiers(element, cell, value, qualifier):
    found = look("x.csv", csv_text(HEADER, f"20221;2024-03;{element};{cell};").encode())
    assert texts(found) == []
    assert figures(found) == [("20221", element, "2024-03", Decimal(value), qualifier)]


@pytest.mark.parametrize(("element", "cell", "message"), [
    ("DS", "5%", "chỉ tiêu DS không phải tỷ lệ phần trăm; bỏ dấu %."),
    ("DS", "=1+2", "ô '=1+2' là công thức hoặc văn bản, không phải số. Ghi con số (ví dụ 166.039)."),
    ("DS", "12/12", "'12/12' không phải là số. Viết số kiểu Việt Nam (166.039 hoặc 91,5), có thể kèm độ "
                    "chính xác phía trước (gần 25, hơn 3.500)."),
    ("DS", "1,234", "'1,234' không rõ nghĩa: số nguyên 1234 hay số thập phân 1,234? Tệp này viết số kiểu "
                    "Việt Nam (1.234,5). Viết lại ô: 1234 nếu là số nguyên, 1,2340 nếu là số thập phân."),
])
def test_cells_that_are_not_acceptable_numbers_are_reported_with_their_place(element, cell, message):
    found = look("x.csv", csv_text(HEADER, f"20221;2024-03;{element};{cell};").encode())
    assert texts(found) == [f"x.csv, dòng 2, cột D (Giá trị): {message}"]
    assert found.items == []


@pytest.mark.parametrize(("element", "cell", "message"), [
    ("DS", "12,5", "12,5 — số đếm phải là số nguyên, không có phần thập phân."),
    ("DS", "-5", "-5 — số đếm không được âm."),
    ("DS", "123456789012345", "123.456.789.012.345 — số quá lớn: tối đa 1.000.000.000.000 (10^12) cho kiểu số "
                              "nguyên."),
    ("CQS-03", "0,1234567", "0,1234567 — quá 6 chữ số thập phân; làm tròn còn tối đa 6 chữ số."),
    ("CQS-03", "1.234,5", "1.234,5 — số quá lớn: tối đa 1.000 cho kiểu tỷ lệ phần trăm."),
])
def test_figures_the_write_would_refuse_are_reported_with_their_place(element, cell, message):
    """The rule is the write action's (``check_values``); the preview only places it on the file's cell."""
    found = look("x.csv", csv_text(HEADER, f"20221;2024-03;{element};{cell};").encode())
    assert texts(found) == [f"x.csv, dòng 2, cột D (Giá trị): {element} (Phường Thạc Gián, kỳ 2024-03): {message}"]
    with pytest.raises(importer.ImportRefused):
        importer.commit(found, acting_user=None)


def test_an_ambiguous_number_in_a_vietnamese_file_is_reported_not_guessed():
    found = look("x.csv", csv_text(HEADER, "20221;2024-03;CQS-03;12,5;", "20221;2024-03;DS;1,234;",
                                   "20221;2024-03;HO;1.234;").encode())
    assert found.number_style == "vi"
    assert texts(found) == [
        "x.csv, dòng 3, cột D (Giá trị): '1,234' không rõ nghĩa: số nguyên 1234 hay số thập phân 1,234? Tệp "
        "này viết số kiểu Việt Nam (1.234,5). Viết lại ô: 1234 nếu là số nguyên, 1,2340 nếu là số thập phân."]
    assert figures(found) == [("20221", "CQS-03", "2024-03", Decimal("12.5"), "exact"),
                              ("20221", "HO", "2024-03", Decimal(1234), "exact")]


def test_in_an_english_styled_file_1_234_is_a_thousand_and_1_dot_234_is_reported():
    found = look("x.csv", csv_text(HEADER, '20221;2024-03;CQS-08;1,234.5;', "20221;2024-03;DS;1,234;",
                                   "20221;2024-03;HO;1.234;").encode())
    assert found.number_style == "en"
    assert [p.text("en") for p in found.problems] == [
        "x.csv, row 4, column D (Giá trị): '1.234' is ambiguous: the whole number 1234 or the decimal 1.234? "
        "This file writes numbers the English way (1,234.5). Rewrite the cell: 1234 for the whole number, "
        "1.2340 for the decimal."]
    assert [f[3] for f in figures(found)] == [Decimal("1234.5"), Decimal(1234)]


def test_a_file_mixing_both_styles_reports_every_ambiguous_cell():
    found = look("x.csv", csv_text(HEADER, "20221;2024-03;CQS-03;12,5;", "20221;2024-03;XHS-04;12.5;",
                                   "20221;2024-03;DS;1.234;", "20221;2024-03;HO;1,234;").encode())
    assert found.number_style == "mixed"
    assert [(p.row, p.column) for p in found.problems] == [(4, "D"), (5, "D")]
    assert "Tệp này viết số lẫn cả kiểu Việt Nam (1.234,5) và kiểu tiếng Anh (1,234.5)." in texts(found)[0]


def test_the_qualifier_column_and_the_cell_must_agree():
    found = look("x.csv", csv_text("unit;period;data_element;value;qualifier", "20221;2024-03;DS;gần 25;hơn",
                                   "20221;2024-03;HO;25;chắc chắn").encode())
    assert texts(found) == [
        "x.csv, dòng 2, cột D (value): độ chính xác ghi trong ô khác với cột 'Độ chính xác'. "
        "Chỉ ghi một nơi.",
        "x.csv, dòng 3, cột E (qualifier): độ chính xác 'chắc chắn' không hiểu được. Ghi: chính xác, gần, "
        "hơn hoặc không quá (hoặc để trống)."]


# -- XLSX ---------------------------------------------------------------------------------------------

def test_xlsx_long_cells_that_are_numbers_are_not_parsed_again():
    content = xlsx(("Số liệu", [
        ["Mã đơn vị", "Kỳ báo cáo", "Mã chỉ tiêu", "Giá trị", "Ghi chú"],
        [20221, "2024-03", "DS", 12000, "số"],
        [20221, datetime(2024, 3, 1), "CQS-03", 0.915, None],  # Excel's 91,5% and its date for "2024-03"
        ["Phường Thạc Gián", 2024, "XHS-05", "gần 8.100", None],
        [20221, "2024-03", "HO", 3400.0, None],
    ]), percent_cells=("D3",))
    found = look("bao-cao.xlsx", content)
    assert texts(found) == []
    assert found.info.kind == "xlsx"
    assert figures(found) == [("20221", "DS", "2024-03", Decimal(12000), "exact"),
                              ("20221", "CQS-03", "2024-03", Decimal("91.5"), "exact"),
                              ("20221", "XHS-05", "2024", Decimal(8100), "approximate"),
                              ("20221", "HO", "2024-03", Decimal(3400), "exact")]


def test_xlsx_wide_with_a_period_column_and_errors_named_by_sheet_row_and_column():
    content = xlsx(("Tháng 3", [
        ["Mã đơn vị", "Tên đơn vị", "Kỳ báo cáo", "DS – Dân số", "HO"],
        ["20221", "Phường Thạc Gián", "2024-03", 12000, 3400],
        ["20212", "Phường Tân Chính", "2024-03", None, "ba nghìn"],
    ]))
    found = look("bao-cao.xlsx", content)
    assert texts(found) == [
        "bao-cao.xlsx, trang 'Tháng 3', dòng 3, cột E (HO): 'ba nghìn' không phải là số. Viết số kiểu Việt "
        "Nam (166.039 hoặc 91,5), có thể kèm độ chính xác phía trước (gần 25, hơn 3.500)."]
    assert figures(found) == [("20221", "DS", "2024-03", Decimal(12000), "exact"),
                              ("20221", "HO", "2024-03", Decimal(3400), "exact")]


def test_a_wide_column_that_is_no_element_code_is_an_error():
    content = xlsx(("A", [["Mã đơn vị", "Kỳ báo cáo", "DS", "Dân số nam"], ["20221", "2024-03", 1, 2]]))
    assert texts(look("b.xlsx", content)) == [
        "b.xlsx, trang 'A', dòng 1, cột D (Dân số nam): cột 'Dân số nam' không phải mã chỉ tiêu nào. Tiêu đề "
        "cột phải bắt đầu bằng mã chỉ tiêu (ví dụ XHS-06); sửa tiêu đề hoặc xóa cột."]


@pytest.mark.demo
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_generated_template_reads_back_with_its_period_given_once(fmt):
    form = Form.objects.get(code="BC-CDS-THANG-XA")
    content = template_for(form, [unit("2024", "20221"), unit("2024", "20212")], Period.parse("2024-03"), fmt)
    found = look(f"mau.{fmt}", content)
    assert texts(found) == []
    assert [lay.kind for lay in found.layouts] == ["wide"]
    assert {str(i.period) for i in found.items} == {"2024-03"}
    assert found.total == 2 * form.elements.count()  # pre-filled with what is stored
    assert found.new == 0


def test_an_empty_xlsx_and_an_empty_file_are_reported():
    assert texts(look("t.xlsx", xlsx(("Trống", [])))) == [
        "t.xlsx: Tệp không có số liệu nào để nhập (mọi ô giá trị đều trống)."]
    assert texts(look("t.csv", b"  \n")) == ["t.csv: Tệp trống, không có dữ liệu. Chọn đúng tệp rồi tải lên "
                                             "lại."]


def test_an_old_xls_or_a_damaged_xlsx_is_refused_with_what_to_do():
    assert texts(look("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)) == [
        "a.xls: Đây là tệp Excel cũ (.xls), chưa đọc được. Mở bằng Excel và lưu lại dạng .xlsx hoặc \"CSV "
        "UTF-8\"."]
    assert texts(look("b.xlsx", b"PK\x03\x04garbage")) == [
        "b.xlsx: Không đọc được tệp Excel (.xlsx): tệp hỏng hoặc không phải bảng tính. Mở bằng Excel, lưu "
        "lại dạng .xlsx rồi tải lên lại."]


# -- units, versions and periods -------------------------------------------------------------------

@pytest.mark.parametrize("written", ["20221", "Phường Thạc Gián", "thac gian", "P. Thạc Gián", "THẠC GIÁN",
                                     "phuong thac gian", "P.Thạc Gián"])
def test_a_unit_by_code_or_name_with_or_without_diacritics(written):
    found = look("x.csv", csv_text(HEADER, f"{written};2024-03;DS;12000;").encode())
    assert texts(found) == []
    assert [(i.unit.version.name, i.unit.code) for i in found.items] == [("2024", "20221")]


def test_a_unit_name_column_is_checked_against_the_code():
    found = look("x.csv", csv_text("Mã đơn vị;Tên đơn vị;Kỳ báo cáo;Mã chỉ tiêu;Giá trị",
                                   "20209;Phường Thanh Khê;2024-09;DS;5",
                                   "20209;Phường Thanh Khê;2025-09;DS;5").encode())
    assert texts(found) == [
        "x.csv, dòng 2, cột A (Mã đơn vị): mã 20209 trong danh mục 2024 là Phường Xuân Hà, không phải "
        "'Phường Thanh Khê'. Kiểm tra mã đơn vị và kỳ báo cáo (mã được dùng lại sau sắp xếp đơn vị)."]
    assert [(i.unit.version.name, i.unit.name) for i in found.items] == [("2025-07", "Phường Thanh Khê")]


def test_the_same_code_resolves_in_the_version_in_force_at_the_end_of_the_period():
    found = look("x.csv", csv_text(HEADER, "20209;2024-09;DS;5;", "20209;2025-03;DS;5;",
                                   "20209;2025-09;DS;5;",
                                   "20209;2025;HO;5;").encode())
    assert texts(found) == []
    assert [(i.unit.version.name, i.unit.name) for i in found.items] == [
        ("2024", "Phường Xuân Hà"), ("2025-01", "Phường Xuân Hà"), ("2025-07", "Phường Thanh Khê"),
        ("2025-07", "Phường Thanh Khê")]


def test_an_unknown_unit_names_the_nearest_candidates():
    found = look("x.csv", csv_text(HEADER, "Phường Thanh Khê;2024-09;DS;5;", "99999;2024-09;DS;5;",
                                   "Thanh Khê;2024-09;DS;5;").encode())
    assert texts(found) == [
        "x.csv, dòng 2, cột A (Mã đơn vị): không có đơn vị tên 'Phường Thanh Khê' trong danh mục 2024. Có "
        "phải: Quận Thanh Khê (mã 491, Thành phố Đà Nẵng); Phường Thanh Khê Tây (mã 20206, Quận Thanh Khê); "
        "Phường Thanh Khê Đông (mã 20207, Quận Thanh Khê)? Ghi mã đơn vị cho chắc.",
        "x.csv, dòng 3, cột A (Mã đơn vị): không có đơn vị mã '99999' trong danh mục 2024. Kiểm tra mã đơn "
        "vị và kỳ báo cáo (mã được dùng lại sau sắp xếp đơn vị)."]
    # "Thanh Khê" without a type word is exactly one name: the district
    assert [(i.unit.code, i.unit.name) for i in found.items] == [("491", "Quận Thanh Khê")]


def test_an_ambiguous_unit_name_lists_the_candidates_with_codes():
    found = look("x.csv", csv_text(HEADER, "Tân Phú;2025-09;DS;5;").encode())
    assert texts(found) == [
        "x.csv, dòng 2, cột A (Mã đơn vị): 'Tân Phú' trùng tên 6 đơn vị trong danh mục 2025-07: Xã Tân Phú "
        "(mã 17272, Tỉnh Nghệ An); Xã Tân Phú (mã 26116, Tỉnh Đồng Nai); Xã Tân Phú (mã 25549, Tỉnh Tây "
        "Ninh); Phường Tân Phú (mã 27031, Thành phố Hồ Chí Minh); Xã Tân Phú (mã 28468, Tỉnh Đồng Tháp); Xã "
        "Tân Phú (mã 28840, Tỉnh Vĩnh Long). Ghi mã đơn vị thay cho tên."]
    found = look("x.csv", csv_text(HEADER, "Phường Tân Phú;2025-09;DS;5;").encode())
    assert (texts(found), figures(found)[0][0]) == ([], "27031")  # the type word narrows it down


def test_a_forced_hierarchy_version_applies_to_every_row():
    found = look("x.csv", csv_text(HEADER, "20209;2025-09;DS;5;").encode(), hierarchy="2024")
    assert texts(found) == [
        "x.csv, dòng 2, cột A (Mã đơn vị): DS (Phường Xuân Hà, kỳ 2025-09): Phường Xuân Hà (mã 20209, danh mục "
        "2024) chỉ có hiệu lực … – 31/12/2024, không gồm ngày cuối kỳ (30/09/2025). Ghi số liệu cho đơn vị có "
        "hiệu lực vào cuối kỳ."]
    assert texts(look("x.csv", b"a", hierarchy="2030")) == [
        "x.csv: Không có phiên bản danh mục đơn vị '2030' (có: 2024, 2025-01, 2025-07)."]


@pytest.mark.parametrize(("written", "period"), [
    ("2024-07", "2024-07"), ("7/2024", "2024-07"), ("07/2024", "2024-07"), ("Tháng 7/2024", "2024-07"),
    ("tháng 7 năm 2024", "2024-07"), ("T7/2024", "2024-07"), ("2024Q3", "2024Q3"), ("Quý III/2024", "2024Q3"),
    ("Q3/2024", "2024Q3"), ("quý 3 năm 2024", "2024Q3"), ("Năm 2024", "2024"), ("2024", "2024"),
    ("15/07/2024", "2024-07-15"), ("2024-07-15", "2024-07-15"),
])
def test_periods_as_offices_write_them(written, period):
    assert str(resolve.parse_period(written)) == period


def test_a_bad_period_says_which_forms_are_accepted():
    found = look("x.csv", csv_text(HEADER, "20221;tháng 13/2024;DS;5;").encode())
    assert texts(found) == [
        "x.csv, dòng 2, cột B (Kỳ báo cáo): 'tháng 13/2024' không phải kỳ báo cáo. Viết 2024 (năm), 2024Q3 "
        "hoặc Quý III/2024 (quý), 2024-07 hoặc 07/2024 (tháng), 2024-07-15 (ngày)."]


def test_duplicated_rows_identical_are_skipped_and_conflicting_are_errors():
    found = look("x.csv", csv_text(HEADER, "20221;2024-03;DS;12000;", "20221;2024-03;DS;12000;",
                                   "20221;2024-03;DS;12001;").encode())
    assert texts(found) == ["x.csv, dòng 4, cột D (Giá trị): trùng đơn vị, chỉ tiêu DS và kỳ 2024-03 với "
                            "dòng 2 nhưng khác giá trị. Giữ lại một dòng."]
    assert [w.text() for w in found.warnings] == [
        "x.csv, dòng 3, cột D (Giá trị): trùng hệt dòng 2 (cùng đơn vị, chỉ tiêu, kỳ, giá trị), bỏ qua."]


def test_a_problem_renders_in_english_and_vietnamese():
    problem = ImportProblem("a.xlsx", "Tháng 3", 5, "D", "Giá trị", "ô trống.", "empty cell.")
    assert problem.text("vi") == "a.xlsx, trang 'Tháng 3', dòng 5, cột D (Giá trị): ô trống."
    assert problem.text("en") == "a.xlsx, sheet 'Tháng 3', row 5, column D (Giá trị): empty cell."
