"""The indicator catalogue as loaded from reference_data."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chiso.csvfiles import LoadError
from chiso.indicators.catalogue import REFERENCE_DIR, load_catalogue
from chiso.indicators.models import DataElement, Indicator

pytestmark = pytest.mark.django_db


def test_the_49_national_indicators_and_7_local_ones_are_loaded():
    assert Indicator.objects.filter(is_local=False).count() == 49
    assert Indicator.objects.filter(is_local=True).count() == 7
    assert dict(Indicator.objects.filter(is_local=False).values_list("pillar__code").annotate(
        n=__import__("django.db.models", fromlist=["Count"]).Count("id"))) == {"CQS": 21, "KTS": 12, "XHS": 16}


def test_a_count_indicator_is_reported_under_its_own_code():
    accounts = Indicator.objects.get(code="XHS-06")
    assert accounts.reported.code == "XHS-06"
    assert (accounts.kind, accounts.over_time, accounts.reported.over_hierarchy) == ("count", "stock", "sum")
    assert accounts.numerator is None and accounts.decimals == 0


def test_a_rate_is_a_ratio_of_two_data_elements_times_100():
    online = Indicator.objects.get(code="CQS-03")
    assert (online.numerator.code, online.denominator.code) == ("CQS-03.TS", "CQS-03.MS")
    assert online.numerator.name_vi == "Số hồ sơ nộp trực tuyến"
    assert (online.factor, online.decimals, online.direction) == (Decimal(100), 1, "up")
    assert online.reported.code == "CQS-03" and online.reported.over_hierarchy == "none"


def test_shared_denominators_are_one_data_element():
    assert sorted(Indicator.objects.filter(denominator__code="DS-TT").values_list("code", flat=True)) == [
        "XHS-01", "XHS-04", "XHS-10"]
    assert Indicator.objects.get(code="CQS-16").denominator == Indicator.objects.get(code="CQS-15").numerator
    assert Indicator.objects.get(code="CQS-08").direction == "down"


def test_flows_sum_and_stocks_take_the_last_value():
    assert DataElement.objects.get(code="CQS-03.MS").over_time == "flow"
    assert DataElement.objects.get(code="XHS-05").over_time == "stock"
    assert DataElement.objects.get(code="DTI").over_hierarchy == "none"


def test_an_indicator_naming_an_unknown_data_element_stops_the_load(tmp_path):
    text = (REFERENCE_DIR / "indicators.csv").read_text(encoding="utf-8")
    bad = tmp_path / "indicators.csv"
    bad.write_text(text.replace("Số hồ sơ nộp trực tuyến", "Số hồ sơ nộp qua mạng"), encoding="utf-8")
    before = Indicator.objects.get(code="CQS-03").numerator_id
    with pytest.raises(LoadError) as error:
        load_catalogue(indicator_files=(bad,))
    assert error.value.problems == [
        "indicators.csv, dòng 4, cột 'numerator': không có yếu tố dữ liệu tên 'Số hồ sơ nộp qua mạng' "
        "trong data_elements.csv."
    ]
    assert Indicator.objects.get(code="CQS-03").numerator_id == before
