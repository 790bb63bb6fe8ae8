"""The upload page /nhap-lieu/tai-len/: preview, confirm, limits, lock, downloads."""

from __future__ import annotations

import html
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import include, path

import chiso.urls
from chiso.collection.importer import MAX_UPLOAD_BYTES
from chiso.collection.upload import storage
from chiso.engine.periods import Period
from chiso.indicators.models import DataElement
from chiso.values.actions import ValueEntry, do_set_values
from chiso.values.models import Channel
from tests.collection.test_import_support import counts, csv_text, open_march_2024, stored  # noqa: F401
from tests.conftest import unit

# Until chiso/urls.py includes the upload page, these tests mount it themselves.
urlpatterns = [path("nhap-lieu/tai-len/", include("chiso.collection.upload.urls")), *chiso.urls.urlpatterns]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

URL = "/nhap-lieu/tai-len/"
FILE = csv_text("Mã đơn vị;Kỳ báo cáo;Mã chỉ tiêu;Giá trị", "20221;2024-03;DS;12.000",
                "20221;2024-03;XHS-04;91,5").encode()


def send(client, content: bytes, name: str = "thang-3.csv", **data):
    return client.post(URL, {"file": SimpleUploadedFile(name, content), **data})


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def officer(client, officer_thac_gian):
    client.force_login(officer_thac_gian)
    return officer_thac_gian


def test_it_checks_access(client):
    response = client.get(URL)
    assert (response.status_code, response["Location"]) == (302, f"/nhap-lieu/dang-nhap/?next={URL}")
    assert client.post(URL + "xac-nhan/").status_code == 302


def test_the_page_offers_the_upload_form_and_the_templates(client, officer):
    page = text(client.get(URL))
    assert "Nhập số liệu từ tệp" in page
    assert 'name="file"' in page
    assert '<option value="BC-CDS-THANG-XA">' in page


@pytest.mark.demo
@pytest.mark.usefixtures("open_march_2024")
def test_an_upload_shows_counts_changes_and_a_confirm_button_and_writes_nothing(client, officer):
    before = counts()
    response = send(client, FILE)
    page = text(response)
    assert response.status_code == 200
    assert '<dd data-count="new">1</dd>' in page and '<dd data-count="changed">1</dd>' in page
    assert "11.625 → 12.000" in page
    assert "Xác nhận ghi 1 giá trị mới và 1 thay đổi" in page
    assert counts() == before


@pytest.mark.demo
@pytest.mark.usefixtures("open_march_2024")
def test_confirm_writes_the_file_all_at_once(client, officer):
    preview = send(client, FILE).context
    before = counts()
    confirmation = {"token": preview["token"], "digest": preview["preview"].digest}
    response = client.post(URL + "xac-nhan/", confirmation)
    assert ("Đã nhập tệp thang-3.csv: 1 giá trị mới, 1 giá trị thay đổi, 0 giá trị không đổi."
            in text(response))
    assert counts() == (before[0] + 1, before[1] + 2)
    assert stored("2024", "20221", "XHS-04", "2024-03").value == Decimal("91.5")
    assert storage.load(officer.pk, preview["token"]) is None  # the waiting file is gone
    again = client.post(URL + "xac-nhan/", confirmation)
    assert "Bản xem trước đã hết hạn hoặc không còn. Tải tệp lên lại." in text(again)
    history = client.get(URL + "lich-su.csv")
    rows = history.content.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("Mã chỉ tiêu;Chỉ tiêu;Mã đơn vị;Đơn vị;Danh mục;Kỳ báo cáo;Lần sửa;Giá trị cũ")
    assert len(rows) == 3


@pytest.mark.usefixtures("open_march_2024")
def test_errors_are_listed_with_their_place_and_there_is_no_confirm_button(client, officer):
    page = text(send(client, FILE + b"20212;2024-03;XHS-04;5\n"))
    assert ("thang-3.csv, dòng 4, cột A (Mã đơn vị)</td><td>XHS-04 (Phường Tân Chính, kỳ 2024-03): bạn không có "
            "quyền ghi số liệu cho Phường Tân Chính (mã 20212, danh mục 2024). Bỏ số này, hoặc nhờ cán bộ của đơn "
            "vị đó nhập.") in page
    assert "Xác nhận ghi" not in page


def test_in_english_the_problems_are_in_english(client, officer, monkeypatch):
    monkeypatch.setattr("chiso.collection.upload.views.page_language", lambda: "en")
    page = text(send(client, "unit;period;data_element;value\n20221;2024-03;DS;nhiều\n".encode()))
    assert ("thang-3.csv, row 2, column D (value)</td><td>'nhiều' is not a number. Write it the Vietnamese "
            "way (166.039 or 91,5), optionally with a qualifier before it (gần 25, hơn 3.500).") in page


def test_the_upload_checks_the_csrf_token_after_the_size(officer):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(officer)
    assert send(strict, FILE).status_code == 403
    huge = strict.post(URL, data=b"", content_type="multipart/form-data; boundary=x",
                       CONTENT_LENGTH=str(30 * 1024 * 1024))
    assert huge.status_code == 413  # refused before the body (and its token) is read


def test_a_file_over_20_mb_is_refused(client, officer):
    response = send(client, b"x" * (MAX_UPLOAD_BYTES + 1))
    assert response.status_code == 413
    assert "Tệp lớn hơn 20 MB. Chia tệp thành nhiều phần rồi tải lên từng phần." in text(response)


def test_a_body_declared_over_the_limit_is_refused_before_it_is_read(client, officer):
    response = client.post(URL, data=b"", content_type="multipart/form-data; boundary=x",
                           CONTENT_LENGTH=str(30 * 1024 * 1024))
    assert response.status_code == 413


@pytest.mark.usefixtures("open_march_2024")
def test_a_second_upload_while_one_runs_is_refused(client, officer):
    with storage.upload_lock(officer.pk) as held:
        assert held
        response = send(client, FILE)
        assert response.status_code == 409
        assert "Bạn đang tải lên một tệp khác. Chờ tệp đó xử lý xong rồi thử lại." in text(response)
        with storage.upload_lock(officer.pk) as second:
            assert not second
    assert send(client, FILE).status_code == 200  # released


@pytest.mark.usefixtures("open_march_2024")
def test_figures_changed_since_the_preview_are_shown_again_not_written(client, officer):
    preview = send(client, FILE).context
    someone = ValueEntry(DataElement.objects.get(code="DS"), unit("2024", "20221"), Period.parse("2024-03"),
                         Decimal(11700))
    do_set_values([someone], acting_user=None, channel=Channel.WEB)
    confirmation = {"token": preview["token"], "digest": preview["preview"].digest}
    response = client.post(URL + "xac-nhan/", confirmation)
    assert "Số liệu đã thay đổi kể từ lúc xem trước" in text(response)
    assert "11.700 → 12.000" in text(response)
    assert stored("2024", "20221", "XHS-04", "2024-03") is None


@pytest.mark.demo
def test_the_template_of_a_form_for_the_users_units(client, officer):
    from openpyxl import load_workbook

    response = client.get(URL + "mau/", {"form": "BC-CDS-THANG-XA", "period": "2024-03", "fmt": "xlsx"})
    assert response["Content-Disposition"] == 'attachment; filename="BC-CDS-THANG-XA_2024-03.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[1][:2] == ["Kỳ báo cáo", "2024-03"]
    assert rows[3][:3] == ["Mã đơn vị", "Tên đơn vị", "DS – Dân số"]
    assert [r[:2] for r in rows[4:]] == [["20221", "Phường Thạc Gián"]]
    csv_response = client.get(URL + "mau/", {"form": "BC-CDS-THANG-XA", "period": "2024-03", "fmt": "csv"})
    first_unit = csv_response.content.decode("utf-8-sig").splitlines()[4]
    assert first_unit.startswith("20221;Phường Thạc Gián;11625;")
    nothing = client.get(URL + "mau/", {"form": "BC-CDS-THANG-XA", "period": "2025-09", "fmt": "xlsx"})
    assert "Bạn không phụ trách đơn vị nào dùng biểu mẫu BC-CDS-THANG-XA vào kỳ 2025-09." in text(nothing)


@pytest.mark.demo
@pytest.mark.usefixtures("open_march_2024")
def test_the_preview_downloads_as_csv(client, officer):
    send(client, FILE)
    rows = client.get(URL + "xem-truoc.csv").content.decode("utf-8-sig").splitlines()
    assert rows == ["Loại;Trang;Dòng;Cột;Mã đơn vị;Đơn vị;Mã chỉ tiêu;Kỳ;Giá trị cũ;Giá trị mới;Ghi chú",
                    "Thay đổi;;2;D;20221;Phường Thạc Gián;DS;2024-03;11.625;12.000;",
                    "Mới;;3;D;20221;Phường Thạc Gián;XHS-04;2024-03;;91,5;"]
