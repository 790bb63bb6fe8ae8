"""Malformed input never makes the importer raise and never writes part of a file."""

from __future__ import annotations

import codecs
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from chiso.collection import importer
from tests.collection.test_import_support import counts, cp1258, xlsx
from tests.collection.test_import_upload import URL, urlpatterns  # noqa: F401 - the upload page's urls

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow])

UNITS = ["20221", "20212", "20209", "Phường Thạc Gián", "thac gian", "Tân Phú", "99999", "", "=1+2",
         "P. Thạc Gián"]
PERIODS = ["2024-03", "2025-09", "2024", "2024Q5", "tháng 3/2024", "", "1899", "2100-12", "Quý III/2024"]
ELEMENTS = ["DS", "XHS-04", "CQS-03", "HO", "NOPE", "", "ds", "XHS-01"]
HEADERS = ["Mã đơn vị", "Kỳ báo cáo", "Mã chỉ tiêu", "Giá trị", "Độ chính xác", "Nguồn", "Ghi chú", "unit",
           "value", "Tên đơn vị", "DS", "XHS-04", "STT", "junk", ""]

numbers = st.one_of(
    st.integers(min_value=-10**20, max_value=10**20).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["1,234", "1.234", "12,5", "1,234.5", "gần 25", "hơn 3.500", "~", "<", "91,5%",
                     "=SUM(A1)",
                     "@x", "-", "+5", "1e9", "∞", "NaN", " ", "١٢٣", "12/12", "0,1234567", "-0", "00012"]),
    st.text(max_size=12),
)
cells = st.one_of(st.sampled_from(UNITS + PERIODS + ELEMENTS), numbers, st.text(max_size=20))


@st.composite
def table(draw) -> list[list[str]]:
    header = draw(st.one_of(
        st.just(["Mã đơn vị", "Kỳ báo cáo", "Mã chỉ tiêu", "Giá trị", "Độ chính xác", "Nguồn"]),
        st.just(["Mã đơn vị", "Tên đơn vị", "Kỳ báo cáo", "DS", "XHS-04"]),
        st.lists(st.sampled_from(HEADERS), max_size=7)))
    row = st.one_of(
        st.tuples(st.sampled_from(UNITS), st.sampled_from(PERIODS), st.sampled_from(ELEMENTS), numbers,
                  st.sampled_from(["", "gần", "hơn", "không quá", "??"]), cells).map(list),
        st.lists(cells, max_size=8))
    rows = draw(st.lists(row, max_size=8))
    if rows and draw(st.booleans()):
        rows += draw(st.lists(st.sampled_from(rows), max_size=3))  # duplicated rows
    return [header, *rows]


@st.composite
def csv_files(draw) -> bytes:
    rows = draw(table())
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    quote = draw(st.sampled_from(["", '"', "'"]))
    lines = [delimiter.join(f"{quote}{c}{quote if draw(st.booleans()) else ''}" if quote else c for c in r)
             for r in rows]
    text = draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)
    encodings = ["utf-8", "utf-8-sig", "utf-16", "cp1258", "cp1252", "bom+cp1252", "latin-1"]
    encoding = draw(st.sampled_from(encodings))
    if encoding == "cp1258":
        return cp1258(text.encode("cp1258", errors="replace").decode("cp1258"))
    if encoding == "bom+cp1252":  # a UTF-8 mark over Western bytes: a lie the decoder must catch
        return codecs.BOM_UTF8 + text.encode("cp1252", errors="replace")
    return text.encode(encoding, errors="replace")


@st.composite
def xlsx_files(draw) -> bytes:
    sheets = draw(st.lists(st.tuples(st.sampled_from(["Sheet", "Tháng 3", "Hướng dẫn", "A"]), table()),
                           min_size=1, max_size=3, unique_by=lambda s: s[0]))
    book = xlsx(*[(title, [[_typed(c) for c in r] for r in rows]) for title, rows in sheets])
    damage = draw(st.sampled_from(["none", "truncate", "flip"]))
    at = draw(st.integers(min_value=0, max_value=9999)) * len(book) // 10000  # the size varies with the clock
    if damage == "truncate":
        return book[:at]
    if damage == "flip":
        return book[:at] + bytes([book[at] ^ 0xFF]) + book[at + 1:]
    return book


def _typed(cell: str) -> object:
    """A cell as a spreadsheet would hold it: whole numbers as numbers, text without control characters."""
    text = ILLEGAL_CHARACTERS_RE.sub("", cell)
    try:
        return int(text) if len(text) < 15 else text
    except ValueError:
        return text


@st.composite
def zips(draw) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        parts = ["xl/workbook.xml", "[Content_Types].xml", "xl/worksheets/sheet1.xml",
                 "xl/_rels/workbook.xml.rels", "random.bin"]
        for name in draw(st.lists(st.sampled_from(parts), max_size=5, unique=True)):
            archive.writestr(name, draw(st.one_of(st.binary(max_size=200), st.just(b"<workbook/>"),
                                                  st.just(b"<?xml version='1.0'?><x>"))))
    return buffer.getvalue()


@st.composite
def mostly_valid(draw) -> bytes:
    """Long CSV files that are often clean, so the write path is exercised too."""
    decimals = st.decimals(min_value=0, max_value=100, places=1).map(lambda d: str(d).replace(".", ","))
    odd = st.sampled_from(["gần 25", "hơn 3.500", "~7", "không quá 9", "1.234", "1,234", "-3", "x"])
    value = st.one_of(st.integers(min_value=0, max_value=10**6).map(str), decimals, odd)
    where = st.sampled_from([("20221", "2024-03"), ("Phường Thạc Gián", "Tháng 3/2024"),
                             ("thac gian", "2024-03"), ("20209", "2025-09"), ("20221", "2025-09")])
    rows = draw(st.lists(st.tuples(where, st.sampled_from(["XHS-04", "XHS-01", "KTS-01", "XHS-02"]), value),
                         min_size=1, max_size=5))
    text = "\n".join(["unit;period;data_element;value", *(f"{u};{p};{e};{v}" for (u, p), e, v in rows)])
    return text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"])))


EXTREME = ["1e30", "1E+14", "100.000.000.000.000.000.000", "1e999999999", "-1e999999999", "Infinity", "-inf",
           "NaN", "sNaN", "999999999999999999999999", "0,0000001", "1000000000001", "-0,5", "1001%"]


@st.composite
def extreme_values(draw) -> bytes:
    """Valid rows whose figures are oversized, non-finite or beyond their type (issue 8, defect 1): as text in a
    CSV, or as numbers in an XLSX (floats include inf and nan, which openpyxl writes as they are)."""
    value = st.one_of(st.sampled_from(EXTREME), st.decimals(allow_nan=True, allow_infinity=True).map(str),
                      st.integers(min_value=10**11, max_value=10**30).map(str))
    rows = draw(st.lists(st.tuples(st.sampled_from(["DS", "XHS-04", "CQS-03", "HO"]), value), min_size=1,
                         max_size=4))
    if draw(st.booleans()):
        return "\n".join(["unit;period;data_element;value", *(f"20221;2024-03;{e};{v}" for e, v in rows)]).encode()
    numbers = draw(st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(
        min_value=-10**30, max_value=10**30)), min_size=1, max_size=4))
    return xlsx(("Sheet", [["unit", "period", "data_element", "value"],
                           *[["20221", "2024-03", "DS", n] for n in numbers]]))


anything = st.one_of(st.binary(max_size=3000), csv_files(), xlsx_files(), zips(), mostly_valid(),
                     mostly_valid(),
                     st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b))


def check_all_or_nothing(found: importer.Preview, user) -> None:
    event("refused" if found.problems else "written")
    before = counts()
    if found.problems:
        with pytest.raises(importer.ImportRefused):
            importer.commit(found, acting_user=user)
        assert counts() == before
        return
    result = importer.commit(found, acting_user=user)
    assert counts() == (before[0] + found.new, before[1] + found.new + found.changed)
    assert (result.created, result.changed, result.unchanged) == (found.new, found.changed, found.unchanged)


@FAST
@given(content=anything, name=st.sampled_from(["a.csv", "b.xlsx", "c.txt", ""]))
def test_the_importer_never_raises_and_never_writes_part_of_a_file(content, name):
    found = importer.preview(name, content, acting_user=None)
    assert all(p.message_vi and p.message_en for p in found.problems)
    check_all_or_nothing(found, None)


@FAST
@given(content=st.one_of(csv_files(), xlsx_files(), mostly_valid()))
def test_for_a_ward_officer_too(content, officer_thac_gian):
    found = importer.preview("a.csv", content, acting_user=officer_thac_gian)
    check_all_or_nothing(found, officer_thac_gian)


@FAST
@given(content=extreme_values())
def test_oversized_and_non_finite_figures_never_reach_the_database(content, officer_thac_gian):
    from decimal import Decimal

    from chiso.values.models import DataValue

    found = importer.preview("x.csv", content, acting_user=officer_thac_gian)
    check_all_or_nothing(found, officer_thac_gian)
    for value, value_type in DataValue.objects.filter(unit__code="20221", period="2024-03").values_list(
            "value", "data_element__value_type"):
        assert value is None or (value.is_finite() and abs(value) <= Decimal(10) ** 12), value
        assert value is None or value_type != "percent" or Decimal(0) <= value <= 1000


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(content=anything)
def test_the_upload_page_answers_every_file_with_a_page_not_a_server_error(content, client,
                                                                             officer_thac_gian):
    client.force_login(officer_thac_gian)
    before = counts()
    response = client.post(URL, {"file": SimpleUploadedFile("tep.csv", content)})
    assert response.status_code == 200
    page = response.content.decode()
    found = response.context["preview"]
    assert ('class="problem"' in page) == bool(found.problems)
    assert counts() == before
    if not found.problems:
        confirm = client.post(URL + "xac-nhan/", {"token": response.context["token"], "digest": found.digest})
        assert confirm.status_code == 200
        assert counts() in (before, (before[0] + found.new, before[1] + found.new + found.changed))
