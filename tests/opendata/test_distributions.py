"""The files of a dataset: exact CSV rows (BOM, headers, rounding), JSON and XLSX with the same rows, only
published figures (a draft never, a withheld total never), and the bulk ZIP."""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile

import pytest
from openpyxl import load_workbook

from chiso.opendata import catalogue, distributions
from tests.opendata.helpers import MONTHS, WARDS, Status, report, small_world_only, write

pytestmark = pytest.mark.django_db
HEADER_VI = "Mã đơn vị,Tên đơn vị,Phiên bản danh mục đơn vị,Kỳ,Giá trị,Tử số,Mẫu số,Độ chính xác,Số liệu minh họa,Nguồn"
HEADER_EN = "Unit code,Unit name,Hierarchy version,Period,Value,Numerator,Denominator,Qualifier,Illustrative,Source"
MADE_UP = "Số liệu minh họa do chiso sinh ra cho bản trình diễn — không phải số liệu thật."


def lines(ds_id: str, level: str, language: str = "vi") -> list[str]:
    body = distributions.render(catalogue.dataset(ds_id), level, "csv", language)
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM
    return body.decode("utf-8-sig").splitlines()


def ours(found: list[str]) -> list[str]:
    """The rows of the three wards of the small world, 10–12/2024 (the same in both test worlds)."""
    return [line for line in found if line.split(",")[0] in WARDS and line.split(",")[3] in MONTHS]


def test_the_ward_csv_has_one_row_per_unit_and_month_rounded_to_the_indicator_s_decimals():
    found = lines("cqs-01-2024", "phuong-xa")
    assert found[0] == HEADER_VI
    assert ours(found) == [  # 74 / 102 × 100 = 72,549… → 72.5; 100 / 127 × 100 = 78,740… → 78.7
        f"20209,Phường Xuân Hà,2024,2024-10,72.5,74,102,Chính xác,có,{MADE_UP}",
        f"20209,Phường Xuân Hà,2024,2024-11,73.5,75,102,Chính xác,có,{MADE_UP}",
        f"20209,Phường Xuân Hà,2024,2024-12,74.5,76,102,Chính xác,có,{MADE_UP}",
        f"20212,Phường Tân Chính,2024,2024-10,78.7,100,127,Chính xác,có,{MADE_UP}",
        f"20212,Phường Tân Chính,2024,2024-11,79.5,101,127,Chính xác,có,{MADE_UP}",
        f"20212,Phường Tân Chính,2024,2024-12,80.3,102,127,Chính xác,có,{MADE_UP}",
        f"20221,Phường Thạc Gián,2024,2024-10,79.8,87,109,Chính xác,có,{MADE_UP}",
        f"20221,Phường Thạc Gián,2024,2024-11,80.7,88,109,Chính xác,có,{MADE_UP}",
        f"20221,Phường Thạc Gián,2024,2024-12,81.7,89,109,Chính xác,có,{MADE_UP}",
    ]
    english = lines("cqs-01-2024", "phuong-xa", "en")
    assert english[0] == HEADER_EN
    assert ours(english)[0] == f"20209,Phường Xuân Hà,2024,2024-10,72.5,74,102,exact,true,{MADE_UP}"


@small_world_only
def test_the_city_csv_holds_the_published_totals():
    assert lines("cqs-01-2024", "thanh-pho") == [HEADER_VI] + [
        f"48,Thành phố Đà Nẵng,2024,{month},{value},{num},338,Chính xác,có,"
        "Tổng hợp từ các đơn vị trực thuộc (3/57 đơn vị có số liệu)"
        for month, value, num in (("2024-10", "77.2", 261), ("2024-11", "78.1", 264), ("2024-12", "79.0", 267))]
    assert lines("cqs-03-2023", "thanh-pho") == [  # a real figure, with its source
        HEADER_VI, "48,Thành phố Đà Nẵng,2024,2023-12,94.0,,,Chính xác,không,vnmedia.vn 01/2024"]


def test_a_draft_figure_is_in_no_distribution_and_its_total_is_withheld():
    ds = catalogue.dataset("cqs-01-2024")
    city_before = [line for line in lines("cqs-01-2024", "thanh-pho") if ",2024-12," in line]
    assert len(city_before) == 1
    report("20221", "2024-12", Status.RETURNED)  # Thạc Gián's December report reopened ...
    write("CQS-01.TS", "20221", "2024-12", "107")  # ... and a draft numerator written into it
    for level in ds.levels:
        for fmt in ("csv", "json", "xlsx"):
            cells = _cells_of(distributions.render(ds, level, fmt), fmt)
            assert [c for c in cells if c[0] in ("20221", "48") and c[1] == "2024-12"] == [], (level, fmt)
            assert len(cells) == len(lines("cqs-01-2024", level)) - 1
    assert [line for line in ours(lines("cqs-01-2024", "phuong-xa")) if line.startswith("20221,")] == [
        f"20221,Phường Thạc Gián,2024,2024-10,79.8,87,109,Chính xác,có,{MADE_UP}",
        f"20221,Phường Thạc Gián,2024,2024-11,80.7,88,109,Chính xác,có,{MADE_UP}",
    ]
    assert [line for line in lines("cqs-01-2024", "thanh-pho") if ",2024-12," in line] == []  # 2 of 3: withheld
    with tempfile.TemporaryFile() as target:
        distributions.write_zip(target)
        target.seek(0)
        with zipfile.ZipFile(target) as archive:
            for level in ds.levels:  # the same files as above, without the draft
                assert archive.read(f"cqs-01-2024-{level}.csv") == distributions.render(ds, level, "csv")


def _cells_of(body: bytes, fmt: str) -> list[tuple[str, str, object]]:
    """(unit code, period, numerator) of every row of a file."""
    if fmt == "json":
        return [(r["unit_code"], r["period"], r["numerator"]) for r in json.loads(body)["rows"]]
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(body)).active
        return [(r[0], r[3], r[5]) for r in sheet.iter_rows(min_row=6, values_only=True)]
    return [(r[0], r[3], r[5]) for r in csv.reader(body.decode("utf-8-sig").splitlines()[1:])]


def test_json_has_the_same_rows_as_numbers():
    ds = catalogue.dataset("cqs-01-2024")
    body = json.loads(distributions.render(ds, "phuong-xa", "json"))
    assert (body["dataset"], body["level"], body["licence"]) == (
        "cqs-01-2024", "phuong-xa", "https://creativecommons.org/licenses/by/4.0/")
    first = next(r for r in body["rows"] if r["unit_code"] == "20209" and r["period"] == "2024-10")
    assert first == {"unit_code": "20209", "unit_name": "Phường Xuân Hà", "hierarchy_version": "2024",
                     "period": "2024-10", "value": 72.5, "numerator": 74, "denominator": 102, "qualifier": "exact",
                     "illustrative": True, "source": MADE_UP}
    assert len(body["rows"]) == len(lines("cqs-01-2024", "phuong-xa")) - 1


def test_xlsx_has_title_source_licence_a_frozen_header_and_number_formats():
    ds = catalogue.dataset("cqs-01-2024")
    sheet = load_workbook(io.BytesIO(distributions.render(ds, "phuong-xa", "xlsx"))).active
    assert sheet["A1"].value == ("CQS-01 Tỷ lệ thủ tục hành chính cung cấp dịch vụ công trực tuyến toàn trình – năm "
                                 "2024 – Từng phường, xã")
    assert sheet["A2"].value.startswith("Nguồn: Sở Khoa học và Công nghệ thành phố Đà Nẵng; Công thức: ")
    assert sheet["A3"].value.startswith("Giấy phép: CC BY 4.0 https://creativecommons.org/licenses/by/4.0/ ")
    assert "số liệu minh họa" in sheet["A4"].value.lower()
    assert [c.value for c in sheet[5]] == HEADER_VI.split(",")
    assert sheet.freeze_panes == "A6"
    row = next(r for r in sheet.iter_rows(min_row=6) if r[0].value == "20209" and r[3].value == "2024-10")
    assert [c.value for c in row[:9]] == ["20209", "Phường Xuân Hà", "2024", "2024-10", 72.5, 74, 102, "Chính xác",
                                          "có"]
    assert (row[4].number_format, row[5].number_format) == ("#,##0.0", "#,##0")


def test_a_unit_name_cannot_become_a_formula():
    from chiso.units.models import Unit

    Unit.objects.filter(version__name="2024", code="20209").update(name="=HYPERLINK(\"http://x\")")
    found = ours(lines("cqs-01-2024", "phuong-xa"))
    assert found[0].startswith("20209,\"'=HYPERLINK(\"\"http://x\"\")\",2024,")


def test_the_zip_holds_every_distribution_as_csv_and_a_readme():
    every = catalogue.datasets()
    with tempfile.TemporaryFile() as target:
        names = distributions.write_zip(target)
        target.seek(0)
        with zipfile.ZipFile(target) as archive:
            assert archive.namelist() == names
            assert sorted(names) == sorted([f"{d.id}-{level}.csv" for d in every for level in d.levels]
                                           + ["README.txt"])
            assert archive.read("cqs-01-2024-phuong-xa.csv") == distributions.render(
                catalogue.dataset("cqs-01-2024"), "phuong-xa", "csv")
            readme = archive.read("README.txt").decode()
    assert readme.startswith("Dữ liệu mở chiso – Thành phố Đà Nẵng\n")
    assert "Giấy phép: CC BY 4.0 https://creativecommons.org/licenses/by/4.0/" in readme
    assert "cqs-03-2022-quan-huyen.csv" in readme


@small_world_only
def test_the_small_world_zip_has_116_files_each_the_dataset_s_own_download():
    with tempfile.TemporaryFile() as target:
        names = distributions.write_zip(target)  # read a year and level at a time, for every indicator at once
        target.seek(0)
        with zipfile.ZipFile(target) as archive:
            for name in names[:-1]:  # the same bytes as each file read alone
                slug, level = name[:11], name[12:-4]
                assert archive.read(name) == distributions.render(catalogue.dataset(slug), level, "csv"), name
    assert len(names) == 116 and names[:5] == ["cqs-03-2022-thanh-pho.csv", "cqs-03-2022-quan-huyen.csv",
                                               "cqs-03-2022-phuong-xa.csv", "cqs-03-2023-thanh-pho.csv",
                                               "xhs-06-2023-thanh-pho.csv"]
