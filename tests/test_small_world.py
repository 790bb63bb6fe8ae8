"""The small world most database tests run on (tests/conftest.py): three wards, three months, the demo's own
figures. Tests marked ``demo`` run after these, over the whole demo."""

from __future__ import annotations

import os

import pytest
from django.db.models import Count

from chiso.collection.models import Submission
from chiso.demo.builder import ALL, Scope
from chiso.units.models import Unit
from chiso.values.models import DataValue
from tests.conftest import small_world

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(os.environ.get("CHISO_TEST_WORLD", "small") != "small", reason="the run starts from the demo"),
]


def test_the_illustrative_figures_are_three_wards_and_their_groups_for_three_months():
    areas = DataValue.objects.filter(is_illustrative=True, unit__type="khu_dan_cu")  # the KDC demo, its own months
    assert sorted(areas.values_list("unit__code", "period").distinct()) == [
        ("KDC-TAMGIAC3", "2024-07"), ("KDC-TG-MH1", "2024-09"), ("KDC-TG-MH2", "2024-09")]
    counted = DataValue.objects.filter(data_element__code="XHS-KDC")  # the ward's count of certified areas
    illustrative = DataValue.objects.filter(is_illustrative=True).exclude(pk__in=areas).exclude(pk__in=counted)
    assert sorted(illustrative.values_list("period", flat=True).distinct()) == ["2024-10", "2024-11", "2024-12"]
    by_unit = dict(illustrative.values_list("unit__name").annotate(n=Count("id")).order_by())
    assert sorted(by_unit) == ["Phường Thạc Gián", "Phường Tân Chính", "Phường Xuân Hà",
                               "Tổ dân phố 1 (Thạc Gián)", "Tổ dân phố 1 (Tân Chính)", "Tổ dân phố 2 (Thạc Gián)",
                               "Tổ dân phố 2 (Tân Chính)", "Tổ dân phố 3 (Thạc Gián)", "Tổ dân phố 3 (Tân Chính)"]
    assert {by_unit["Phường Thạc Gián"], by_unit["Phường Xuân Hà"]} == {3 * 77}  # 77 generated elements
    assert set(illustrative.values_list("unit__version__name", flat=True).distinct()) == {"2024"}


def test_the_real_figures_and_every_unit_are_all_there():
    assert DataValue.objects.filter(is_illustrative=False).count() == 28
    assert Unit.objects.count() == 3477 + 18 + 9  # and six tổ dân phố and three khu dân cư in each of three versions
    assert Submission.objects.filter(unit__code="20221", unit__version__name="2024", period="2024-12").count() == 1


def test_a_scope_takes_its_wards_groups_and_months():
    thac_gian = Unit.objects.select_related("version").get(version__name="2024", code="20221")
    hoa_khe = Unit.objects.select_related("version").get(version__name="2024", code="20215")
    today = Unit.objects.select_related("version").get(version__name="2025-07", code="20209")
    group = Unit.objects.select_related("version").get(version__name="2024", code="TDP-TG-01")
    world = small_world()
    assert (world.takes(thac_gian), world.takes(hoa_khe), world.takes(today), world.takes(group, "20221")) == (
        True, False, False, True)
    assert world.months_of(["2024-09", "2024-10", "2025-01"]) == ["2024-10"]
    assert (ALL.takes(today), ALL.months_of(["2024-09"]), Scope(months=frozenset()).months_of(["2024-09"])) == (
        True, ["2024-09"], [])
