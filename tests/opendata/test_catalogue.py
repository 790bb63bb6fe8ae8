"""The catalogue: one dataset per indicator and year with a published figure, its metadata, the series,
the settings behind publisher and licence, and the count of datasets written as the city's CQS-20."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chiso.engine.periods import Period
from chiso.opendata import catalogue
from chiso.opendata.actions import SOURCE, do_record_dataset_count
from chiso.values.actions import ValueWriteError
from chiso.values.models import DataValue
from tests.opendata.helpers import Status, report, small_world_only, write

pytestmark = pytest.mark.django_db
EVERY_2024 = ([f"cqs-{n:02d}-2024" for n in range(1, 22)] + [f"kts-{n:02d}-2024" for n in range(1, 13)]
              + [f"xhs-{n:02d}-2024" for n in range(1, 17)])


@small_world_only
def test_the_small_world_has_a_dataset_for_each_indicator_and_year_with_a_published_figure():
    found = catalogue.datasets()
    assert sorted(d.id for d in found) == sorted([*EVERY_2024, "cqs-03-2022", "cqs-03-2023", "xhs-06-2023"])
    levels = {d.id: d.levels for d in found}
    assert levels["cqs-03-2022"] == ("thanh-pho", "quan-huyen", "phuong-xa")  # quận Thanh Khê's 2022 figure
    assert levels["cqs-01-2024"] == ("thanh-pho", "phuong-xa")
    assert levels["xhs-06-2024"] == ("thanh-pho", "quan-huyen", "phuong-xa", "to-dan-pho")
    assert catalogue.dataset("cqs-01-2024").periods == ("2024-10", "2024-11", "2024-12")
    assert catalogue.dataset("cqs-03-2023").illustrative is False  # vnmedia.vn's real figure
    assert len(catalogue.series()) == 49
    assert catalogue.series()[2].datasets == ("cqs-03-2022", "cqs-03-2023", "cqs-03-2024")


def test_a_dataset_says_what_it_is_where_when_who_and_how():
    ds = catalogue.dataset("cqs-01-2024")
    assert (ds.id, ds.series_id, ds.indicator_code, ds.year) == ("cqs-01-2024", "cqs-01", "CQS-01", 2024)
    assert ds.title_vi == "CQS-01 Tỷ lệ thủ tục hành chính cung cấp dịch vụ công trực tuyến toàn trình – năm 2024"
    assert ds.title_en == "CQS-01 Share of administrative procedures offered as full online public services – 2024"
    assert ds.themes == (catalogue.Theme("CQS", "Chính quyền số", "Digital government"),)
    assert ds.spatial == catalogue.Spatial("Thành phố Đà Nẵng", "48")
    assert ds.accrual_periodicity == "http://publications.europa.eu/resource/authority/frequency/MONTHLY"
    assert ds.licence.uri == "https://creativecommons.org/licenses/by/4.0/" and ds.licence.title == "CC BY 4.0"
    assert "Điều 43 Luật Giao dịch điện tử 2023" in ds.licence.text
    assert ds.contact_point.email == "sokhcn@danang.gov.vn"
    assert ds.method_vi == ("Công thức: (Số TTHC cung cấp DVCTT toàn trình) ÷ (Tổng số TTHC) × 100; cộng tử số và "
                            "mẫu số của các đơn vị báo cáo cả hai. Nguồn: số liệu các đơn vị báo cáo qua chiso, chỉ "
                            "lấy báo cáo đã được duyệt; căn cứ: QĐ 766/QĐ-TTg.")
    assert ds.keywords == ("CQS-01", "Chính quyền số", "chuyển đổi số", "Thành phố Đà Nẵng")
    assert (ds.landing_page, ds.indicator_page) == ("/du-lieu-mo/cqs-01-2024/", "/chi-tieu/CQS-01/")
    assert [d.id for d in ds.distributions][:3] == [
        "cqs-01-2024/thanh-pho.csv", "cqs-01-2024/thanh-pho.json", "cqs-01-2024/thanh-pho.xlsx"]
    assert ds.distribution("phuong-xa", "xlsx").download_url == "/du-lieu-mo/cqs-01-2024/phuong-xa.xlsx"
    assert ds.distribution("to-dan-pho", "csv") is None
    assert ds.illustrative is True
    newest = DataValue.objects.filter(data_element__code__in=["CQS-01.TS", "CQS-01.MS", "CQS-01"],
                                      period__startswith="2024").order_by("-updated_at").first()
    assert ds.modified == newest.updated_at  # every one of them is published in both test worlds


def test_a_draft_makes_no_dataset_and_its_approval_makes_one():
    write("XHS-06", "20221", "2021-06", "4321")
    assert catalogue.dataset("xhs-06-2021") is None
    assert "xhs-06-2021" not in [d.id for d in catalogue.datasets()]
    report("20221", "2021-06", Status.APPROVED)
    ds = catalogue.dataset("xhs-06-2021")
    assert ds.periods == ("2021-06",) and ds.levels == ("thanh-pho", "phuong-xa")
    assert (ds.temporal_start, ds.temporal_end) == (date(2021, 6, 1), date(2021, 6, 30))
    figure = DataValue.objects.get(data_element__code="XHS-06", period="2021-06")
    assert ds.modified == figure.updated_at and ds.issued == figure.updated_at.date()
    assert ds.illustrative is False
    report("20221", "2021-06", Status.RETURNED)  # reopened: no longer published
    assert catalogue.dataset("xhs-06-2021") is None


def test_a_slug_that_is_not_one_finds_nothing():
    assert [catalogue.dataset(s) for s in ("cqs-01", "CQS-01-2024", "cqs-01-24", "khong-co-2024", "")] == [None] * 5


def test_search_matches_words_without_marks_and_filters_by_pillar_and_year():
    every = catalogue.datasets()
    assert {d.series_id for d in catalogue.search(every, "dinh danh")} == {"xhs-04", "xhs-05", "xhs-06"}
    assert [d.id for d in catalogue.search(every, "", "kts", 2024)] == [f"kts-{n:02d}-2024" for n in range(1, 13)]
    assert catalogue.search(every, "định danh", "CQS") == []


def test_publisher_and_licence_are_settings(monkeypatch):
    monkeypatch.setenv("CHISO_PUBLISHER_NAME", "Sở A | Department A")
    monkeypatch.setenv("CHISO_PUBLISHER_URL", "https://a.example")
    monkeypatch.setenv("CHISO_PUBLISHER_EMAIL", "a@a.example")
    monkeypatch.setenv("CHISO_OPEN_DATA_LICENCE", "https://opendatacommons.org/licenses/odbl/1-0/ ODbL 1.0")
    assert catalogue.publisher() == catalogue.Publisher("Sở A", "Department A", "https://a.example", "a@a.example")
    assert catalogue.licence() == catalogue.Licence("https://opendatacommons.org/licenses/odbl/1-0/", "ODbL 1.0",
                                                    "ODbL 1.0")
    assert catalogue.dataset("cqs-01-2024").contact_point.name_en == "Department A"


def test_the_count_of_datasets_is_the_city_s_cqs_20(city_admin):
    count, result = do_record_dataset_count(Period.parse("2024-12"), acting_user=city_admin)
    assert count == len([d for d in catalogue.datasets() if d.year <= 2024]) and result.created == 1
    figure = DataValue.objects.get(data_element__code="CQS-20", unit__code="48", unit__version__name="2024",
                                   period="2024-12")
    assert (figure.value, figure.source, figure.is_illustrative) == (Decimal(count), SOURCE, True)
    assert figure.history.get().changed_by == city_admin


@small_world_only
def test_the_count_command_writes_52_for_the_small_world(city_admin, capsys):
    call_command("opendata", "count", "--user", city_admin.username, "--period", "2024-12")
    assert capsys.readouterr().out == "CQS-20 của thành phố, kỳ 2024-12: 52 tập dữ liệu mở (đã ghi).\n"


def test_the_count_needs_a_user_who_may_write_the_city(officer_thac_gian):
    with pytest.raises(ValueWriteError):
        do_record_dataset_count(Period.parse("2024-12"), acting_user=officer_thac_gian)
    with pytest.raises(CommandError, match="Không ghi: "):
        call_command("opendata", "count", "--user", officer_thac_gian.username, "--period", "2024-12")
    with pytest.raises(CommandError, match="cần một tháng dạng YYYY-MM"):
        call_command("opendata", "count", "--user", officer_thac_gian.username, "--period", "2024")
    assert not DataValue.objects.filter(data_element__code="CQS-20", unit__code="48", period="2024-12").exists()
