"""The Đà Nẵng demo: real figures with their sources, and illustrative figures that agree with them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum

from chiso.accounts.models import RoleAssignment, RoleAssignmentHistory
from chiso.demo.builder import generated_elements
from chiso.demo.facts import read_facts
from chiso.plans.models import Plan, Target, TargetHistory
from chiso.values.models import DataValue

pytestmark = [pytest.mark.django_db, pytest.mark.demo]  # the demo itself: every ward, every month

THANH_KHE_SOURCE = 'Bài báo "Đẩy mạnh chuyển đổi số để phục vụ người dân, doanh nghiệp" (Trần Trúc)'


def value(version: str, unit: str, element: str, period: str) -> DataValue:
    return DataValue.objects.get(unit__version__name=version, unit__code=unit, data_element__code=element,
                                 period=period)


def test_thanh_khe_2024_shows_133713_activated_accounts_with_its_source():
    accounts = value("2024", "491", "XHS-06", "2024")
    assert (accounts.value, accounts.qualifier, accounts.is_illustrative) == (Decimal(133713), "exact", False)
    assert accounts.source == THANH_KHE_SOURCE
    assert accounts.comment == "lũy kế"
    assert value("2024", "491", "XHS-05", "2024").value == Decimal(166039)


def test_thac_gian_has_5151_accounts_over_11597_residents():
    assert value("2024", "20221", "XHS-06", "2023").value == Decimal(5151)
    assert value("2024", "20221", "DS", "2023").value == Decimal(11597)
    assert value("2024", "20221", "DS", "2023").source == 'Bài báo "Chuyển đổi số từ cơ sở" (Ngọc Hà)'


def test_qualifiers_and_same_as_above_sources_are_kept():
    nearly = value("2024", "491", "CT-CKS", "2024")
    assert (nearly.value, nearly.qualifier, nearly.source) == (Decimal(25), "approximate", THANH_KHE_SOURCE)
    assert value("2024", "491", "XHS-11", "2024").qualifier == "at_least"
    assert value("2025-07", "48", "TO-CNSCD", "2025-12-25").value == Decimal(3766)
    assert value("2024", "48", "DTI", "2023").value == Decimal("0.8340")


def test_every_real_figure_is_placed_exactly_once():
    facts = read_facts()
    real_values = DataValue.objects.filter(is_illustrative=False).exclude(channel="register").count()  # not counts
    assert len(facts) == 41
    stated = Plan.objects.get(unit__version__name="2024", unit__code="20203", year=2025).statement
    assert (real_values, Plan.objects.exclude(stated_total=None).count(), Target.objects.count(),
            stated.count("Chỉ tiêu 2025")) == (28, 4, 4, 5)
    assert real_values + 4 + 4 + 5 == len(facts)


def test_every_real_target_was_set_by_the_action_with_its_history_row():
    rows = sorted(TargetHistory.objects.values_list(
        "target__plan__unit__code", "target__indicator__code", "revision", "old_value", "value", "qualifier",
        "channel", "changed_by__username", "reason"))
    reason = "Số liệu thật từ facts_danang.csv"
    assert rows == [
        ("492", "KTS-09", 1, None, Decimal(50), "exact", "demo", "admin", reason),
        ("492", "KTS-12", 1, None, Decimal(35), "exact", "demo", "admin", reason),
        ("493", "DN-CQS-01", 1, None, Decimal(2), "at_least", "demo", "admin", reason),
        ("493", "DN-CQS-02", 1, None, Decimal(100), "exact", "demo", "admin", reason),
    ]


def test_tam_thuans_2025_targets_are_kept_as_written_not_judged():
    """Phường Tam Thuận (2024) joined Xuân Hà on 1/1/2025, before its targets' date: the action refuses to
    date a target after its unit ceased, so the plan keeps them word for word and judges none."""
    plan = Plan.objects.get(unit__version__name="2024", unit__code="20203", year=2025)
    assert plan.targets.count() == 0
    assert plan.statement.splitlines() == [
        "Chỉ tiêu 2025: tỷ lệ người dân và doanh nghiệp được trang bị kỹ năng số (DN-XHS-01): 90%",
        "Chỉ tiêu 2025: tỷ lệ hộ gia đình có tài khoản thương mại điện tử (DN-XHS-02): 50%",
        "Chỉ tiêu 2025: tỷ lệ doanh nghiệp có tài khoản thương mại điện tử (DN-KTS-01): 90%",
        "Chỉ tiêu 2025: tỷ lệ thanh toán không dùng tiền mặt trong thương mại điện tử (DN-KTS-02): 50%",
        "Chỉ tiêu 2025: tỷ lệ dân số mua sắm trực tuyến (DN-XHS-03): 50%",
        "Phường Tam Thuận thôi tồn tại sau ngày 31/12/2024 (sắp xếp đơn vị hành chính), trước thời hạn của các "
        "chỉ tiêu này: chúng được giữ nguyên văn, không dùng để đánh giá.",
    ]


def test_every_demo_role_was_granted_by_the_action_with_its_history_row():
    granted = sorted(RoleAssignmentHistory.objects.filter(channel="demo").values_list(
        "user__username", "role", "unit__version__name", "unit__code", "changed_by__username", "action"))
    assert granted == [
        ("admin", "admin", "2024", "48", "admin", "grant"),
        ("admin", "admin", "2025-01", "48", "admin", "grant"),
        ("admin", "admin", "2025-07", "48", "admin", "grant"),
        ("lanhdao", "viewer", "2025-07", "48", "admin", "grant"),
        ("pheduyet", "approver", "2024", "491", "admin", "grant"),
        ("tanchinh", "reporter", "2024", "20212", "admin", "grant"),
        ("thacgian", "reporter", "2024", "20221", "admin", "grant"),
        ("thanhkhe", "reporter", "2025-07", "20209", "admin", "grant"),
    ]
    assert RoleAssignment.objects.count() == len(granted)


def test_plans_keep_the_pillar_counts_as_written_even_when_inconsistent():
    cam_le = Plan.objects.get(unit__version__name="2024", unit__code="495", year=2024)
    assert (cam_le.stated_total, cam_le.stated_by_pillar) == (23, [["KTS", 12], ["KTS", 3], ["XHS", 8]])
    thanh_khe = Plan.objects.get(unit__version__name="2024", unit__code="491", year=2024)
    assert thanh_khe.stated_by_pillar == [["XHS", 13], ["CQS", 11], ["KTS", 4]]
    son_tra = Target.objects.get(plan__unit__code="493", indicator__code="DN-CQS-01")
    assert (son_tra.value, son_tra.qualifier, str(son_tra.target_date)) == (Decimal(2), "at_least", "2024-12-31")


def ward_total(element: str, period: str, district: str = "491") -> Decimal:
    return DataValue.objects.filter(
        unit__version__name="2024", unit__parent__code=district, data_element__code=element, period=period,
        is_illustrative=True,
    ).aggregate(total=Sum("value"))["total"]


@pytest.mark.parametrize("element, real", [("XHS-06", 133713), ("XHS-05", 166039), ("KTS-11.TS", 12),
                                           ("KTS-11.MS", 12), ("XHS-15.TS", 36), ("XHS-15.MS", 36)])
def test_illustrative_wards_add_up_to_the_real_district_figure(element, real):
    assert ward_total(element, "2024-12") == Decimal(real)


def test_illustrative_signatures_respect_more_than_3500():
    assert ward_total("XHS-11", "2024-12") == Decimal(3535)


def test_thac_gian_illustrative_series_passes_through_its_real_figures():
    assert value("2024", "20221", "XHS-06", "2023-12").value == Decimal(5151)
    assert value("2024", "20221", "DS", "2023-12").value == Decimal(11597)
    assert value("2024", "20221", "XHS-06", "2023-12").is_illustrative


def test_illustrative_rates_reproduce_the_real_online_dossier_rates():
    online = sum(ward_total("CQS-03.TS", f"2022-{m:02d}") for m in range(1, 12))
    received = sum(ward_total("CQS-03.MS", f"2022-{m:02d}") for m in range(1, 12))
    assert round(online / received * 100, 1) == Decimal("91.0")
    city = DataValue.objects.filter(unit__version__name="2024", data_element__code__in=["CQS-03.TS", "CQS-03.MS"],
                                    period="2023-12", is_illustrative=True)
    totals = {code: sum(v.value for v in city if v.data_element.code == code) for code in ("CQS-03.TS", "CQS-03.MS")}
    assert round(totals["CQS-03.TS"] / totals["CQS-03.MS"] * 100, 1) == Decimal("94.0")


def test_illustrative_figures_are_flagged_and_say_so_in_their_source():
    made_up = DataValue.objects.filter(is_illustrative=True)
    assert made_up.exclude(source__startswith="Số liệu minh họa").count() == 0
    assert made_up.filter(unit__version__name="2024", period="2024-12", unit__code="20221",
                          data_element__code__in=generated_elements()).count() == 77  # not the registers' own counts


def test_the_reorganisation_keeps_the_demo_consistent():
    """Phường Thạc Gián of 2025-01 (20218) is the old Thạc Gián plus Vĩnh Trung: its residents add up."""
    first = value("2025-01", "20218", "DS", "2025-01").value
    parts = [value("2024", code, "DS", "2024-12").value for code in ("20221", "20218")]
    assert abs(first - sum(parts)) / sum(parts) < Decimal("0.002")  # one month of 1%-a-year growth


def test_residential_groups_report_a_few_elements_in_every_version():
    groups = DataValue.objects.filter(unit__code="TDP-TG-01", data_element__code="DS")
    assert sorted({v.unit.version.name for v in groups}) == ["2024", "2025-01", "2025-07"]
    assert groups.count() == 48
