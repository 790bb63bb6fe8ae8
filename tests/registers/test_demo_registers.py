"""The demo's registers reproduce quận Thanh Khê's published 2024 figures (facts_danang.csv), and every register
count equals the figure it feeds."""

from __future__ import annotations

from datetime import date

import pytest

from chiso.demo.registers import THANH_KHE_WARDS
from chiso.registers.models import Entry
from chiso.values.models import DataValue
from tests.registers.helpers import mismatches

pytestmark = pytest.mark.django_db
KEEP_DEMO_ENTRIES = True  # tests/registers/conftest.py: this module reads the demo's entries


def _district_total(code: str, period: str = "2024-12") -> int:
    return int(sum(v.value for v in DataValue.objects.filter(
        data_element__code=code, period=period, unit__version__name="2024", unit__code__in=THANH_KHE_WARDS)))


@pytest.mark.demo
def test_every_demo_register_count_is_its_figure():
    assert Entry.objects.filter(unit__code="20221", unit__version__name="2024", kind="di-tich").get().name == \
        "Đình Thạc Gián"
    assert mismatches(date(2023, 8, 1)) == []


@pytest.mark.demo
def test_the_demo_registers_reproduce_thanh_khes_published_figures():
    totals = {code: _district_total(code) for code in ("KTS-11.MS", "KTS-11.TS", "TIEUTHUONG-PM", "XHS-15.MS",
                                                      "XHS-15.TS", "OCOP", "OCOP-TMDT", "DT-SOHOA", "TP-KDTM",
                                                      "TD-KDTM")}
    assert totals == {"KTS-11.MS": 12, "KTS-11.TS": 12, "TIEUTHUONG-PM": 1889, "XHS-15.MS": 36, "XHS-15.TS": 36,
                      "OCOP": 13, "OCOP-TMDT": 5, "DT-SOHOA": 2, "TP-KDTM": 4, "TD-KDTM": 18}
    relics = Entry.objects.filter(kind="di-tich").order_by("name")
    assert [(r.name, r.attributes["technology"], r.is_illustrative) for r in relics] == [
        ("Nhà Mẹ Nhu", "Số hóa", True), ("Đình Thạc Gián", "VR360", False)]
    htx = Entry.objects.get(kind="ocop", attributes__producer="HTX Mây tre An Khê")
    assert (htx.unit.name, htx.attributes["platforms"], htx.is_illustrative) == (
        "Phường An Khê", ["Postmart", "Shopee", "Alibaba"], False)
    hoa_bac = {c: DataValue.objects.get(data_element__code=c, unit__code="20293", unit__version__name="2024",
                                        period="2023-12").value for c in ("HO-COTU", "HO-COTU-KDTTM")}
    assert hoa_bac == {"HO-COTU": 262, "HO-COTU-KDTTM": 50}
    assert not Entry.objects.filter(kind="ho-chua-co-dtdm").exclude(is_illustrative=True).exists()
    assert mismatches(date(2023, 8, 1)) == []
