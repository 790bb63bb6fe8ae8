"""chiso.values.queries.latest_values: one figure per data element, the latest period, by pillar.

Figures are written on phường Ba Đình (Hà Nội, 2025-07), where the demo writes none.
"""

from __future__ import annotations

import pytest

from chiso.indicators.models import DataElement
from chiso.values.actions import do_delete_value
from chiso.values.models import Channel, DataValue
from chiso.values.queries import group_by_pillar, latest_values
from tests.portal.helpers import BA_DINH, put, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def ba_dinh():
    return unit(*BA_DINH)


def _shown(ba_dinh):
    return [
        (v.data_value.data_element.code, v.data_value.period, format(v.data_value.value.normalize(), "f"))
        for v in latest_values(ba_dinh)
    ]


def test_a_unit_without_figures_has_none(ba_dinh):
    assert latest_values(ba_dinh) == []


def test_the_latest_period_wins_for_each_element(ba_dinh, django_assert_num_queries):
    put(ba_dinh, "XHS-06", "2025-08", "100")
    put(ba_dinh, "XHS-06", "2025-10", "120")
    put(ba_dinh, "XHS-06", "2025-09", "110")
    put(ba_dinh, "XHS-05", "2025Q3", "300")
    with django_assert_num_queries(2):
        shown = _shown(ba_dinh)
    assert shown == [("XHS-05", "2025Q3", "300"), ("XHS-06", "2025-10", "120")]


def test_among_periods_ending_the_same_day_the_year_wins(ba_dinh):
    put(ba_dinh, "XHS-06", "2025-12", "130")
    put(ba_dinh, "XHS-06", "2025Q4", "131")
    put(ba_dinh, "XHS-06", "2025", "132")
    assert _shown(ba_dinh) == [("XHS-06", "2025", "132")]


def test_a_deleted_figure_gives_way_to_the_one_before(ba_dinh):
    put(ba_dinh, "XHS-06", "2025-08", "100")
    put(ba_dinh, "XHS-06", "2025-09", "999")
    wrong = DataValue.objects.get(unit=ba_dinh, period="2025-09")
    do_delete_value(wrong, acting_user=None, channel=Channel.DEMO, reason="nhập nhầm")
    assert _shown(ba_dinh) == [("XHS-06", "2025-08", "100")]


def test_an_illustrative_latest_figure_brings_the_latest_real_one(ba_dinh):
    put(ba_dinh, "XHS-06", "2025-08", "5151", source="Bài báo thật")
    put(ba_dinh, "XHS-06", "2025-12", "7313", illustrative=True)
    put(ba_dinh, "XHS-05", "2025-12", "9000", illustrative=True)
    by_code = {v.data_value.data_element.code: v for v in latest_values(ba_dinh)}
    accounts = by_code["XHS-06"]
    assert (accounts.data_value.value, accounts.data_value.is_illustrative) == (7313, True)
    assert (accounts.real_value.period, accounts.real_value.value, accounts.real_value.source) == (
        "2025-08",
        5151,
        "Bài báo thật",
    )
    assert by_code["XHS-05"].real_value is None


def test_a_real_latest_figure_needs_no_companion(ba_dinh):
    put(ba_dinh, "XHS-06", "2025-08", "90", illustrative=True)
    put(ba_dinh, "XHS-06", "2025-09", "100")
    (only,) = latest_values(ba_dinh)
    assert only.real_value is None and not only.data_value.is_illustrative


def test_figures_are_grouped_by_the_pillar_of_the_indicator_using_them_and_khac_last(ba_dinh):
    DataElement.objects.create(
        code="ZZ-KHAC",
        name_vi="Yếu tố không chỉ tiêu nào dùng",
        name_en="Unused",
        value_type="integer",
        over_time="stock",
        over_hierarchy="sum",
    )
    put(ba_dinh, "ZZ-KHAC", "2025", "1")
    put(ba_dinh, "XHS-06", "2025", "2")
    put(ba_dinh, "CQS-03.TS", "2025", "3")  # numerator of CQS-03
    put(ba_dinh, "KTS-11.MS", "2025", "4")  # denominator of KTS-11
    groups = group_by_pillar(latest_values(ba_dinh))
    assert [
        (g.pillar.code if g.pillar else None, [v.data_value.data_element.code for v in g.values])
        for g in groups
    ] == [
        ("CQS", ["CQS-03.TS"]),
        ("KTS", ["KTS-11.MS"]),
        ("XHS", ["XHS-06"]),
        (None, ["ZZ-KHAC"]),
    ]
