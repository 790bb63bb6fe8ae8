"""The upload preview's rule checks and unusual figures in English for whoever chose English (the language
cookie), in Vietnamese exactly as before for everyone else. Numbers stay written the Vietnamese way."""

from __future__ import annotations

from decimal import Decimal
from html import unescape
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.collection.importer.checks import Outlier
from chiso.engine.periods import Period
from tests.collection.test_entry_support import english, vietnamese
from tests.collection.test_import_support import csv_text, open_march_2024  # noqa: F401

URL = "/nhap-lieu/tai-len/"
# more accounts activated than applications collected (a broken rule), and both figures far above the ward's past
FILE = csv_text("Mã đơn vị;Kỳ báo cáo;Mã chỉ tiêu;Giá trị", "20221;2024-03;XHS-06;9.000",
                "20221;2024-03;DS;50.000").encode()

RULE_EN = ("<li>Error (Phường Thạc Gián, period 2024-03): Electronic identity accounts activated (9.000) must not be "
           "greater than Electronic identity applications collected (8.054).</li>")
RULE_VI = ("<li>Lỗi (Phường Thạc Gián, kỳ 2024-03): Số tài khoản định danh điện tử đã kích hoạt (9.000) không được "
           "lớn hơn Số hồ sơ định danh điện tử đã thu nhận (8.054).</li>")
OUTLIERS_EN = ('<ul class="outliers">'
               "<li>Phường Thạc Gián · XHS-06 · 2024-03: 9.000 — about 2 times the ward's usual level "
               "(about 4.012)</li>"
               "<li>Phường Thạc Gián · DS · 2024-03: 50.000 — about 4 times the ward's usual level "
               "(about 11.507)</li>"
               "</ul>")
OUTLIERS_VI = ('<ul class="outliers">'
               "<li>Phường Thạc Gián · XHS-06 · 2024-03: 9.000 — gấp khoảng 2 lần mức thường thấy của phường "
               "(khoảng 4.012)</li>"
               "<li>Phường Thạc Gián · DS · 2024-03: 50.000 — gấp khoảng 4 lần mức thường thấy của phường "
               "(khoảng 11.507)</li>"
               "</ul>")


@pytest.fixture
def officer(client, officer_thac_gian):
    client.force_login(officer_thac_gian)
    return client


def preview(client) -> str:
    response = client.post(URL, {"file": SimpleUploadedFile("thang-3.csv", FILE)})
    assert response.status_code == 200
    return unescape(response.content.decode())


@pytest.mark.django_db
@pytest.mark.demo
@pytest.mark.usefixtures("open_march_2024")
def test_the_broken_rule_and_the_unusual_figures_are_said_in_english(officer):
    page = preview(english(officer))
    assert f'<ul class="violations">{RULE_EN}</ul>' in page
    assert OUTLIERS_EN in page
    assert "không được lớn hơn" not in page and "mức thường thấy" not in page and "z-score" not in page


@pytest.mark.django_db
@pytest.mark.demo
@pytest.mark.usefixtures("open_march_2024")
def test_without_the_cookie_they_stay_vietnamese(officer):
    page = preview(vietnamese(officer))
    assert f'<ul class="violations">{RULE_VI}</ul>' in page
    assert OUTLIERS_VI in page
    assert "must not be" not in page and "usual level" not in page


def test_an_outlier_without_words_shows_its_z_score_in_either_language():
    far = Outlier(SimpleNamespace(name="Phường Thạc Gián"), SimpleNamespace(code="DS"),  # type: ignore[arg-type]
                  Period.parse("2024-03"), Decimal(50000), 455.47)
    assert (far.message, far.message_en) == ("Phường Thạc Gián · DS · 2024-03: 50.000 (điểm z 455,5)",
                                             "Phường Thạc Gián · DS · 2024-03: 50.000 (z-score 455,5)")
