"""The query engine on hand-computed cases. Figures are written for 2021, a year the demo leaves empty."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chiso.analytics.queries import QueryError, evaluate, resolve_units
from chiso.engine.periods import Period
from chiso.indicators.models import DataElement
from chiso.units.models import HierarchyVersion, Succession, Unit
from chiso.values.actions import ValueEntry, do_set_values
from chiso.values.models import Channel
from tests.conftest import unit

pytestmark = pytest.mark.django_db

THAC_GIAN, TAN_CHINH, THANH_KHE = "20221", "20212", "491"


def put(code: str, unit_code: str, period: str, value: str | int, version: str = "2024", **kw) -> None:
    do_set_values([ValueEntry(DataElement.objects.get(code=code), unit(version, unit_code), Period.parse(period),
                              Decimal(value), **kw)], acting_user=None, channel=Channel.CLI)


def one(code: str, unit_code: str, period: str, version: str = "2024"):
    [row] = evaluate([code], [unit(version, unit_code)], [Period.parse(period)])
    return row


def test_a_rate_over_wards_is_the_ratio_of_sums_not_the_average_of_rates():
    put("CQS-03.TS", THAC_GIAN, "2021", 9)
    put("CQS-03.MS", THAC_GIAN, "2021", 10)  # 90 %
    put("CQS-03.TS", TAN_CHINH, "2021", 50)
    put("CQS-03.MS", TAN_CHINH, "2021", 100)  # 50 %; the average of rates would be 70 %
    row = one("CQS-03", THANH_KHE, "2021")
    assert (row.numerator, row.denominator, row.value) == (Decimal(59), Decimal(110), Decimal("53.6"))
    assert (row.reported, row.expected, row.completeness) == (2, 10, 0.2)


def test_flows_sum_over_months_and_stocks_take_the_last_value():
    put("XHS-14", THAC_GIAN, "2021-01", 5)
    put("XHS-14", THAC_GIAN, "2021-02", 7)
    put("XHS-06", THAC_GIAN, "2021-03", 100)
    put("XHS-06", THAC_GIAN, "2021-06", 150)
    assert one("XHS-14", THAC_GIAN, "2021Q1").value == Decimal(12)
    assert one("XHS-14", THAC_GIAN, "2021").value == Decimal(12)
    assert one("XHS-06", THAC_GIAN, "2021").value == Decimal(150)
    assert one("XHS-06", THAC_GIAN, "2021Q1").value == Decimal(100)


def test_a_total_with_a_nearly_figure_is_nearly():
    put("XHS-06", THAC_GIAN, "2021-12", 150)
    put("XHS-06", TAN_CHINH, "2021-12", 50, qualifier="approximate")
    row = one("XHS-06", THANH_KHE, "2021")
    assert (row.value, row.qualifier) == (Decimal(200), "approximate")


def test_a_units_own_figure_and_its_childrens_total_are_never_added():
    put("XHS-06", THAC_GIAN, "2021-12", 150)
    put("XHS-06", TAN_CHINH, "2021-12", 50)
    put("XHS-06", THANH_KHE, "2021", 210)
    row = one("XHS-06", THANH_KHE, "2021")
    assert (row.value, row.own_value, row.children_value, row.differs) == (
        Decimal(210), Decimal(210), Decimal(200), True)
    city = one("XHS-06", "48", "2021")
    assert city.value == Decimal(210)  # Thanh Khê counts once, with its own figure


def test_a_saved_value_is_visible_in_every_ancestor_on_the_next_read():
    put("XHS-06", THAC_GIAN, "2021-12", 150)
    assert one("XHS-06", "48", "2021").value == Decimal(150)
    put("XHS-06", TAN_CHINH, "2021-12", 7)
    assert one("XHS-06", THANH_KHE, "2021").value == Decimal(157)
    assert one("XHS-06", "48", "2021").value == Decimal(157)


def test_today_s_thanh_khe_is_nine_former_wards_and_part_of_hoa_minh():
    wards_2024 = Unit.objects.filter(version__name="2024", parent__code=THANH_KHE).order_by("code")
    for n, ward in enumerate(wards_2024, start=1):
        put("DS", ward.code, "2021", 1000 * n)  # 1000, 2000, … 10000; An Khê (20224) is the 9th
    put("DS", "20200", "2021", 10000)  # Hòa Minh; 26,12 % went to Thanh Khê Tây
    row = one("DS", "20209", "2021", version="2025-07")
    nine = sum(1000 * n for n in range(1, 11)) - 9000
    assert row.value == Decimal(nine) + Decimal("2612")
    assert (row.estimated, row.reported, row.expected) == (True, 10, 10)
    an_khe = one("DS", "20305", "2021", version="2025-07")  # An Khê + Hòa An + Hòa Phát
    assert (an_khe.value, an_khe.estimated) == (Decimal(9000), False)
    assert (an_khe.reported, an_khe.expected) == (1, 3)


def test_the_tree_as_it_was_shows_the_district():
    put("DS", THAC_GIAN, "2021", 11000)
    assert one("DS", THANH_KHE, "2021").value == Decimal(11000)
    with pytest.raises(QueryError):
        resolve_units(THANH_KHE, HierarchyVersion.objects.get(name="2025-07"))


def test_an_unknown_share_keeps_the_figure_with_its_former_unit_until_an_administrator_estimates_one():
    put("HO-COTU", "20296", "2025-03", 100, version="2025-01")  # xã Hòa Liên, split in 7/2025
    put("HO-COTU", "20293", "2025-03", 262, version="2025-01")  # xã Hòa Bắc, whole into Hải Vân
    row = one("HO-COTU", "20194", "2025Q1", version="2025-07")  # phường Hải Vân
    assert row.value == Decimal(262)
    assert row.notes == ["Một phần Xã Hòa Liên (2025-01) đã chuyển vào Phường Hải Vân nhưng chưa rõ tỷ lệ: số liệu "
                         "của phần này giữ ở đơn vị cũ, không cộng vào đây."]
    Succession.objects.filter(from_unit=unit("2025-01", "20296"), to_unit=unit("2025-07", "20194")).update(
        estimated_share=Decimal("0.4"))
    row = one("HO-COTU", "20194", "2025Q1", version="2025-07")
    assert (row.value, row.estimated, row.notes) == (Decimal("302"), True, [])


def test_units_can_be_named_as_children_or_by_level():
    version = HierarchyVersion.objects.get(name="2024")
    assert len(resolve_units("491/children", version)) == 10
    assert len(resolve_units("48/level-3", version)) == 56
    today = HierarchyVersion.objects.get(name="2025-07")
    assert len(resolve_units("48/level-3", today)) == 94
