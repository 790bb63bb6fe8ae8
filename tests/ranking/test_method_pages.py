"""The methods pages: every method and version public as the published table and as files; a new version
uploaded by a city administrator through ``do_load_method`` (faults by file, row and column, nothing written);
refused to everyone else."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from chiso.ranking.methods import do_load_method
from chiso.ranking.models import Method
from tests.ranking.test_rounds import GRADES, METHOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def method(city_admin, tmp_path) -> Method:
    (tmp_path / "pp.csv").write_text(METHOD, encoding="utf-8")
    (tmp_path / "xl.csv").write_text(GRADES, encoding="utf-8")
    return do_load_method("thu-nghiem", tmp_path / "pp.csv", grades=tmp_path / "xl.csv", acting_user=city_admin,
                          name="Bộ chỉ số thử", is_illustrative=True)


def _upload(client, text: str, name: str = "pp.csv", **fields):
    data = {"code": "thu-nghiem", "name": "Bộ chỉ số thử", "kind": "index", "reason": "Nâng mục tiêu",
            "definition": SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv"), **fields}
    return client.post("/xep-hang/phuong-phap/", data)


def test_it_lists_methods_and_shows_a_version_as_the_published_table(client, method):
    listing = client.get("/xep-hang/phuong-phap/").content.decode()
    assert 'href="/xep-hang/phuong-phap/thu-nghiem/1/">Bộ chỉ số thử</a>' in listing
    assert "Nạp phương pháp" not in listing  # an anonymous reader reads, does not upload
    page = client.get("/xep-hang/phuong-phap/thu-nghiem/1/").content.decode()
    assert "bậc thang 4:20; 3:15; 2:10; 1:5 (ngưỡng: điểm)" in page
    assert "Biên bản họp" in page and "Sở KH&amp;CN" in page and "minh họa" in page
    assert "khá: từ 70 điểm" in page
    assert client.get("/xep-hang/phuong-phap/thu-nghiem/2/").status_code == 404


def test_downloads_are_the_method_as_files(client, method):
    answer = client.get("/xep-hang/phuong-phap/thu-nghiem/1/phuong-phap.csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["code", "parent", "name", "max_points"] and rows[2][:5] == [
        "NTS-1", "NTS", "Số cuộc họp chuyên đề về chuyển đổi số", "20", "steps"]
    grades = client.get("/xep-hang/phuong-phap/thu-nghiem/1/xep-loai.csv").content.decode("utf-8-sig")
    assert grades.splitlines()[:2] == ["grade,min_score", "xuất sắc,90"]
    book = load_workbook(io.BytesIO(client.get("/xep-hang/phuong-phap/thu-nghiem/1/phuong-phap.xlsx").content))
    assert book.sheetnames == ["phuong-phap", "xep-loai"]
    assert [c.value for c in book["phuong-phap"][4]][:2] == ["NTS-1", "NTS"]  # under the two header rows
    assert client.get("/xep-hang/phuong-phap/thu-nghiem/1/phuong-phap.pdf").status_code == 404


def test_a_city_administrator_uploads_the_next_version(client, city_admin, method):
    client.force_login(city_admin)
    answer = _upload(client, METHOD.replace("target=80", "target=90"))
    assert answer.status_code == 302 and answer["Location"] == "/xep-hang/phuong-phap/thu-nghiem/2/"
    second = Method.objects.get(code="thu-nghiem", version=2)
    assert (second.components.get(code="DVC-1").params, second.reason, second.created_by) == (
        "target=90", "Nâng mục tiêu", city_admin)
    assert _upload(client, METHOD.replace("target=80", "target=90")).status_code == 302  # unchanged: no version 3
    assert Method.objects.filter(code="thu-nghiem").count() == 2


def test_a_faulty_file_is_refused_by_row_and_column_and_nothing_is_written(client, city_admin, method):
    client.force_login(city_admin)
    answer = _upload(client, METHOD.replace("4:20;3:15;2:10;1:5", "bốn:20"), name="sua.csv")
    text = answer.content.decode()
    assert answer.status_code == 400
    assert "sua.csv, dòng 3, cột &#x27;params&#x27;" in text and "Chưa nạp: 1 lỗi." in text
    assert 'value="Nâng mục tiêu"' in text  # what was typed is kept
    wrong = _upload(client, "x", name="pp.pdf")
    assert wrong.status_code == 400 and "pp.pdf: chỉ nhận tệp .csv hoặc .xlsx." in wrong.content.decode()
    assert Method.objects.filter(code="thu-nghiem").count() == 1


def test_no_one_else_uploads(client, officer_thac_gian, viewer, method):
    assert _upload(client, METHOD).status_code == 403
    for user in (officer_thac_gian, viewer):
        client.force_login(user)
        assert "Nạp phương pháp" not in client.get("/xep-hang/phuong-phap/").content.decode()
        assert _upload(client, METHOD.replace("target=80", "target=90")).status_code == 403
    assert Method.objects.filter(code="thu-nghiem").count() == 1


def test_the_methods_pages_read_in_english(client, method):
    listing = client.get("/xep-hang/phuong-phap/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Ranking methods and criteria sets" in listing and "Versions:" in listing
    page = client.get("/xep-hang/phuong-phap/thu-nghiem/1/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "How points are given" in page and "Verifying agency" in page and "Version 1" in page
