"""Certification against a criteria set on the database ("Khu dân cư công nghệ số"): residential areas under a
ward, the assessment k of n from published figures and answers with evidence, the decision with its validity,
the ward's count of certified areas written as a figure, who may do and read what, the ward page, the demo.
On the small world: the test's areas are under phường Tân Chính 2024 (20212) of quận Thanh Khê (491), one under
Thạc Gián (20221), whose own areas are the demo's (KDC Tam Giác 3): a test passes whether the builder added them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from chiso.csvfiles import LoadError
from chiso.engine.periods import Period
from chiso.indicators.models import DataElement
from chiso.ranking.actions import RankingError
from chiso.ranking.certification import (
    certifications_under,
    certified_count,
    do_assess,
    do_certify,
    readable,
)
from chiso.ranking.methods import do_load_method
from chiso.ranking.models import Certification, CertificationHistory, MethodKind
from chiso.units.models import Succession, Unit
from chiso.units.residential import load_residential_units
from chiso.values.actions import ValueEntry, do_set_values
from chiso.values.models import Channel, DataValue, DataValueHistory
from tests.conftest import _user, unit
from tests.portal.helpers import page_text, put

# k = 1: the three mandatory criteria and one of the two optional ones.
CRITERIA = """code,name,kind,rule,params,source
VNEID,Trên 90% người dân có tài khoản định danh điện tử,mandatory,more_than,90,XHS-04
THANHTOAN,Trên 90% người dân có tài khoản thanh toán,mandatory,more_than,90,XHS-07
TMDT,Trên 50% hộ kinh doanh có tài khoản trên sàn thương mại điện tử,mandatory,more_than,50,tu-danh-gia
BANDO,Có bản đồ số khu dân cư,optional,boolean,,tu-danh-gia
WIFI,Có wifi miễn phí ở nhà văn hóa,optional,boolean,,tu-danh-gia
k,Số tiêu chí không bắt buộc phải đạt,,,1,
"""
AREAS = """version,code,name,type,parent_code,lat,lon,source
2024,KDC-T1,Khu dân cư Thử Một,Khu dân cư,20212,,,thử
2024,KDC-T2,Khu dân cư Thử Hai,Khu dân cư,20212,,,thử
2024,KDC-T3,Khu dân cư Thử Ba,Khu dân cư,20221,,,thử
"""
MAP = {"value": "có", "evidence": "Bản đồ số khu dân cư, lập 6/2024"}
SHOPS = {"value": "55", "evidence": "Danh sách hộ kinh doanh trên sàn, 7/2024"}
DECISION = {"decision": "12/QĐ-UBND", "decision_date": date(2024, 8, 5), "valid_until": date(2026, 8, 4)}


@pytest.fixture
def method(city_admin, tmp_path: Path):
    (tmp_path / "kdc.csv").write_text(CRITERIA, encoding="utf-8")
    return do_load_method("kdc-cong-nghe-so", tmp_path / "kdc.csv", acting_user=city_admin, kind=MethodKind.CRITERIA,
                          name="Khu dân cư công nghệ số (thử)")


@pytest.fixture
def areas(db, tmp_path: Path) -> dict[str, Unit]:
    (tmp_path / "kdc-units.csv").write_text(AREAS, encoding="utf-8")
    return {u.code: u for u in load_residential_units(tmp_path / "kdc-units.csv")}


@pytest.fixture
def approver(db):
    return _user("t_approver_thanh_khe", "approver", unit("2024", "491"))


def good_figures(area: Unit, period: str = "2024-07") -> None:
    put(area, "XHS-04", period, "93.5")
    put(area, "XHS-07", period, "91.2")


def test_an_area_is_added_under_its_ward_and_carried_into_the_later_maps(areas):
    one = areas["KDC-T1"]
    assert (one.type, one.parent.code, one.version.name, one.level) == ("khu_dan_cu", "20212", "2024", 4)
    assert one.path.startswith(unit("2024", "20212").path)
    later = Unit.objects.filter(code="KDC-T1").exclude(pk=one.pk).order_by("version__valid_from")
    assert [(u.version.name, u.parent.code) for u in later] == [("2025-01", "20215"), ("2025-07", "20209")]
    assert Succession.objects.filter(from_unit=one, to_unit=later[0], kind="unchanged").count() == 1


def test_an_area_needs_a_ward_of_its_version_above_it(db, tmp_path: Path):
    bad = tmp_path / "sai.csv"
    bad.write_text("version,code,name,type,parent_code,lat,lon,source\n"
                   "2024,KDC-X,Khu X,Khu dân cư,491,,,\n2024,KDC-Y,Khu Y,Phường,20221,,,\n"
                   "2024,KDC-Z,Khu Z,Khu dân cư,99999,,,\n", encoding="utf-8")
    with pytest.raises(LoadError) as refused:
        load_residential_units(bad)
    assert refused.value.problems == [
        "sai.csv, dòng 2, cột 'parent_code': Quận Thanh Khê (491) không phải phường, xã, thị trấn hay đặc khu.",
        "sai.csv, dòng 3, cột 'type': 'Phường' không phải loại dưới phường, xã (Khu dân cư, Tổ dân phố, Thôn).",
        "sai.csv, dòng 4, cột 'parent_code': không có đơn vị mã 99999 trong phiên bản 2024.",
    ]
    assert not Unit.objects.filter(code__in=["KDC-X", "KDC-Y", "KDC-Z"]).exists()


def test_k_of_n_with_exact_passed_failed_and_missing_lists(method, areas, officer_tan_chinh):
    area = areas["KDC-T1"]
    put(area, "XHS-04", "2024-07", "93.5")
    put(area, "XHS-07", "2024-07", "87")
    first = do_assess(method, area, "2024-07", acting_user=officer_tan_chinh, answers={"TMDT": SHOPS, "BANDO": MAP})
    assert (first.passed, first.failed, first.missing, first.meets) == (
        ["VNEID", "TMDT", "BANDO"], ["THANHTOAN"], ["WIFI"], False)
    assert first.inputs == {"VNEID": 93.5, "THANHTOAN": 87.0, "TMDT": 55.0, "BANDO": "có"}
    assert first.answers["BANDO"] == {"value": "có", "evidence": "Bản đồ số khu dân cư, lập 6/2024"}
    put(area, "XHS-07", "2024-07", "91.2")
    second = do_assess(method, area, "2024-07", acting_user=officer_tan_chinh, answers={"TMDT": SHOPS, "BANDO": MAP})
    assert (second.pk, second.revision) == (first.pk, 2)
    assert (second.passed, second.failed, second.missing, second.meets) == (
        ["VNEID", "THANHTOAN", "TMDT", "BANDO"], [], ["WIFI"], True)  # k = 1: the map is enough
    third = do_assess(method, area, "2024-07", acting_user=officer_tan_chinh,
                      answers={"TMDT": SHOPS, "BANDO": {"value": "không"}})
    assert (third.failed, third.missing, third.meets) == (["BANDO"], ["WIFI"], False)  # 0 of the k = 1 optional
    assert list(CertificationHistory.objects.filter(certification=third).values_list("revision", "step", "meets")) \
        == [(1, "assess", False), (2, "assess", True), (3, "assess", False)]


def test_a_missing_figure_is_listed_not_skipped(method, areas, officer_tan_chinh):
    area = areas["KDC-T1"]
    put(area, "XHS-04", "2024-07", "93.5")  # no XHS-07 at all; XHS-04 of another month does not count
    put(area, "XHS-07", "2024-06", "95")
    found = do_assess(method, area, "2024-07", acting_user=officer_tan_chinh, answers={"TMDT": SHOPS, "BANDO": MAP})
    assert (found.passed, found.failed, found.missing, found.meets) == (
        ["VNEID", "TMDT", "BANDO"], [], ["THANHTOAN", "WIFI"], False)


def test_a_draft_figure_does_not_count_a_published_one_does(method, areas, officer_tan_chinh):
    area = areas["KDC-T1"]
    put(area, "XHS-04", "2024-07", "93.5")
    draft = ValueEntry(data_element=DataElement.objects.get(code="XHS-07"), unit=area, period=Period.parse("2024-07"),
                       value=Decimal("95"))
    do_set_values([draft], acting_user=officer_tan_chinh, channel=Channel.WEB)  # entered, no approved report
    found = do_assess(method, area, "2024-07", acting_user=officer_tan_chinh, answers={"TMDT": SHOPS, "BANDO": MAP})
    assert (found.missing, found.meets) == (["THANHTOAN", "WIFI"], False)
    put(area, "XHS-07", "2024-07", "95")  # now in an approved report
    found = do_assess(method, area, "2024-07", acting_user=officer_tan_chinh, answers={"TMDT": SHOPS, "BANDO": MAP})
    assert (found.passed, found.missing, found.meets) == (["VNEID", "THANHTOAN", "TMDT", "BANDO"], ["WIFI"], True)
    assert found.inputs["THANHTOAN"] == 95.0


def test_a_rate_criterion_compares_the_rate_in_percent_from_numerator_and_denominator(method, areas,
                                                                                      officer_tan_chinh):
    area = areas["KDC-T1"]
    put(area, "XHS-04.TS", "2024-07", "905")  # 905 of 1.000 adults: 90,5% > 90
    put(area, "DS-TT", "2024-07", "1000")
    put(area, "XHS-07", "2024-07", "90")  # 90 is not more than 90
    found = do_assess(method, area, "2024-07", acting_user=officer_tan_chinh, answers={})
    assert (found.inputs, found.passed, found.failed) == ({"VNEID": 90.5, "THANHTOAN": 90.0}, ["VNEID"], ["THANHTOAN"])
    assert found.missing == ["TMDT", "BANDO", "WIFI"]


def test_a_manual_answer_needs_evidence_and_a_value_its_rule_can_judge(method, areas, officer_tan_chinh):
    area = areas["KDC-T1"]

    def refused(answers: dict) -> str:
        with pytest.raises(RankingError) as error:
            do_assess(method, area, "2024-07", acting_user=officer_tan_chinh, answers=answers)
        assert error.value.status == 400
        return error.value.message

    assert refused({"BANDO": {"value": "có"}}) == ("BANDO (Có bản đồ số khu dân cư): trả lời 'có' cần tài liệu kiểm "
                                                   "chứng: ghi số hiệu và tên văn bản, biên bản hoặc đường dẫn.")
    assert refused({"TMDT": {"value": "60"}}).startswith("TMDT (Trên 50% hộ kinh doanh")  # a passing number too
    assert refused({"BANDO": {"value": "chắc có", "evidence": "x"}}) == "BANDO: 'chắc có' không phải có/không."
    assert refused({"TMDT": {"value": "năm mươi", "evidence": "x"}}) == \
        "TMDT: 'năm mươi' không phải một số hữu hạn (viết 55 hoặc 55,5)."
    assert refused({"VNEID": {"value": "95", "evidence": "x"}}).startswith(
        "VNEID: tiêu chí này đọc từ số liệu đã công bố (XHS-04), không nhập tay.")
    assert refused({"TC-99": {"value": "có"}}) == "'TC-99' không phải tiêu chí của bộ tiêu chí này."
    with pytest.raises(RankingError, match="Kỳ '2024-13' không hợp lệ"):
        do_assess(method, area, "2024-13", acting_user=officer_tan_chinh, answers={})
    with pytest.raises(RankingError, match="không có hiệu lực vào cuối kỳ 2025-03"):
        do_assess(method, area, "2025-03", acting_user=officer_tan_chinh, answers={})
    assert not Certification.objects.filter(unit=area).exists()
    found = do_assess(method, area, "2024-07", acting_user=officer_tan_chinh,
                      answers={"BANDO": {"value": "không"}, "TMDT": {"value": "45,5"}})  # no proof needed to fail
    assert (found.failed, found.inputs) == (["TMDT", "BANDO"], {"TMDT": 45.5, "BANDO": "không"})


def test_an_officer_of_another_ward_and_an_anonymous_caller_are_refused(method, areas, officer_thac_gian,
                                                                         officer_tan_chinh):
    for user in (officer_thac_gian, None):
        with pytest.raises(RankingError) as refused:
            do_assess(method, areas["KDC-T1"], "2024-07", acting_user=user, answers={})
        assert refused.value.status == 403
    good_figures(areas["KDC-T1"])
    found = do_assess(method, areas["KDC-T1"], "2024-07", acting_user=officer_tan_chinh,
                      answers={"TMDT": SHOPS, "BANDO": MAP})
    for user in (officer_tan_chinh, officer_thac_gian):  # the ward does not certify itself
        with pytest.raises(RankingError) as refused:
            do_certify(found, acting_user=user, **DECISION)
        assert refused.value.status == 403
    assert Certification.objects.get(unit=areas["KDC-T1"]).decision == ""


def test_an_undecided_assessment_is_read_only_by_those_who_may_read_the_units_drafts(
        method, areas, officer_tan_chinh, officer_thac_gian, approver, client):
    ward = unit("2024", "20212")
    found = do_assess(method, areas["KDC-T1"], "2024-07", acting_user=officer_tan_chinh, answers={"BANDO": MAP})
    assert [readable(u, found) for u in (None, officer_thac_gian, officer_tan_chinh, approver)] == \
        [False, False, True, True]
    assert certifications_under(ward, None) == []
    assert certifications_under(ward, officer_thac_gian) == []
    [seen] = certifications_under(ward, officer_tan_chinh)
    assert (seen.label, seen.state, seen.failed, [c for c, _ in seen.missing]) == (
        "1/5 tiêu chí", "not_met", [], ["VNEID", "THANHTOAN", "TMDT", "WIFI"])
    assert "Khu dân cư công nghệ số" not in page_text(client, "/don-vi/2024/20212/")  # nothing public to show
    client.force_login(officer_tan_chinh)
    text = page_text(client, "/don-vi/2024/20212/")
    assert "Khu dân cư Thử Một" in text and "1/5 tiêu chí" in text
    assert "Thiếu số liệu: Trên 90% người dân có tài khoản định danh điện tử <code>VNEID</code>;" in text


def test_only_an_area_that_meets_the_set_is_certified_and_the_ward_count_is_written(method, areas,
                                                                                   officer_tan_chinh, approver):
    ward = unit("2024", "20212")
    short = do_assess(method, areas["KDC-T2"], "2024-07", acting_user=officer_tan_chinh, answers={"BANDO": MAP})
    with pytest.raises(RankingError) as refused:
        do_certify(short, acting_user=approver, **DECISION)
    assert refused.value.status == 409
    assert refused.value.message.startswith("Khu dân cư Thử Hai chưa đạt bộ tiêu chí kỳ 2024-07 (1/5 tiêu chí; thiếu "
                                            "số liệu: Trên 90% người dân có tài khoản định danh điện tử,")
    good_figures(areas["KDC-T1"])
    found = do_assess(method, areas["KDC-T1"], "2024-07", acting_user=officer_tan_chinh,
                      answers={"TMDT": SHOPS, "BANDO": MAP})
    with pytest.raises(RankingError, match="Cần ngày hết hiệu lực, sau ngày quyết định"):
        do_certify(found, acting_user=approver, **(DECISION | {"valid_until": date(2024, 8, 1)}))
    with pytest.raises(RankingError, match="Cần số quyết định"):
        do_certify(found, acting_user=approver, **(DECISION | {"decision": " "}))
    certified = do_certify(found, acting_user=approver, **DECISION, reason="Tờ trình 3/TTr")
    assert (certified.certified, certified.decision, certified.valid_until) == (True, "12/QĐ-UBND", date(2026, 8, 4))
    assert list(certified.history.values_list("revision", "step", "decision", "reason")) == [
        (1, "assess", "", ""), (2, "certify", "12/QĐ-UBND", "Tờ trình 3/TTr")]
    count = DataValue.objects.get(data_element__code="XHS-KDC", unit=ward, period="2024-07")
    assert (count.value, count.revision, count.updated_by) == (Decimal(1), 1, None)
    [row] = DataValueHistory.objects.filter(data_value=count)
    assert (row.old_value, row.value, row.channel) == (None, Decimal(1), Channel.WEB)
    assert row.reason == ("Công nhận Khu dân cư Thử Một (quyết định 12/QĐ-UBND ngày 05/08/2024, người ghi: "
                          "t_approver_thanh_khe)")
    assert "Khu dân cư Thử Một: 12/QĐ-UBND" in count.source
    with pytest.raises(RankingError) as refused:  # the decided period is not assessed again
        do_assess(method, areas["KDC-T1"], "2024-07", acting_user=officer_tan_chinh, answers={})
    assert refused.value.status == 409
    with pytest.raises(RankingError, match="đã được công nhận"):
        do_certify(certified, acting_user=approver, **DECISION)
    good_figures(areas["KDC-T2"], "2024-09")  # a second area, later: the count of 2024-09 holds both
    later = do_assess(method, areas["KDC-T2"], "2024-09", acting_user=officer_tan_chinh,
                      answers={"TMDT": SHOPS, "BANDO": MAP})
    do_certify(later, acting_user=approver,
               **(DECISION | {"decision": "20/QĐ-UBND", "decision_date": date(2024, 10, 1)}))
    assert DataValue.objects.get(data_element__code="XHS-KDC", unit=ward, period="2024-09").value == Decimal(2)
    assert DataValue.objects.get(data_element__code="XHS-KDC", unit=ward, period="2024-07").value == Decimal(1)
    assert DataValue.objects.filter(data_element__code="XHS-KDC", unit=unit("2024", "20209")).count() == 0


def test_a_certification_past_its_validity_reads_as_expired(method, areas, officer_tan_chinh, approver, client):
    ward = unit("2024", "20212")
    good_figures(areas["KDC-T1"])
    found = do_assess(method, areas["KDC-T1"], "2024-07", acting_user=officer_tan_chinh,
                      answers={"TMDT": SHOPS, "BANDO": MAP})
    do_certify(found, acting_user=approver, **(DECISION | {"valid_until": date(2024, 11, 30)}))
    [before] = certifications_under(ward, None, today=date(2024, 11, 30))
    [after] = certifications_under(ward, None, today=date(2024, 12, 1))  # public once decided
    assert (before.state, before.state_label, after.state, after.state_label) == (
        "certified", "Đã công nhận", "expired", "Hết hiệu lực")
    assert (certified_count(ward, Period.parse("2024-11"), "kdc-cong-nghe-so"),
            certified_count(ward, Period.parse("2024-12"), "kdc-cong-nghe-so"),
            certified_count(ward, Period.parse("2024-06"), "kdc-cong-nghe-so")) == (1, 0, 0)
    text = page_text(client, "/don-vi/2024/20212/")  # anonymous, today (after 30/11/2024)
    assert "Khu dân cư công nghệ số" in text and "4/5 tiêu chí" in text
    assert "Hết hiệu lực" in text
    assert "Quyết định 12/QĐ-UBND ngày 05/08/2024; hiệu lực đến 30/11/2024" in text


def test_a_recheck_is_an_assessment_of_a_later_period(method, areas, officer_tan_chinh, approver):
    ward = unit("2024", "20212")
    good_figures(areas["KDC-T1"])
    found = do_assess(method, areas["KDC-T1"], "2024-07", acting_user=officer_tan_chinh,
                      answers={"TMDT": SHOPS, "BANDO": MAP})
    do_certify(found, acting_user=approver, **DECISION)
    do_assess(method, areas["KDC-T1"], "2024-12", acting_user=officer_tan_chinh, answers={"BANDO": MAP})
    [insider] = certifications_under(ward, officer_tan_chinh, today=date(2025, 1, 1))
    assert (insider.certification.period, insider.decided.period, insider.recheck, insider.state) == (
        "2024-12", "2024-07", True, "certified")
    [public] = certifications_under(ward, None, today=date(2025, 1, 1))  # the re-check is not public yet
    assert (public.certification.period, public.recheck, public.label) == ("2024-07", False, "4/5 tiêu chí")


def test_the_demo_certifies_kdc_tam_giac_3(db):
    from chiso.demo.certifications import add_certifications

    add_certifications()  # the builder may have run it already: the state is the same either way
    ward = unit("2024", "20221")
    by_area = {c.unit.code: c for c in Certification.objects.select_related("unit", "method")}
    tam_giac = by_area["KDC-TAMGIAC3"]
    assert (tam_giac.unit.name, tam_giac.unit.parent.code, tam_giac.period) == ("Khu dân cư Tam Giác 3", "20221",
                                                                                "2024-07")
    assert (tam_giac.passed, tam_giac.failed, tam_giac.missing, tam_giac.meets) == (
        ["INTERNET", "SMARTPHONE", "VNEID", "THANHTOAN", "TMDT", "BANDO"], [], ["TC-7", "TC-8", "TC-9", "TC-10"], True)
    assert (tam_giac.decision, tam_giac.is_illustrative, tam_giac.method.is_illustrative) == (
        "245/QĐ-UBND (minh họa)", True, True)
    assert (by_area["KDC-TG-MH1"].failed, by_area["KDC-TG-MH1"].meets) == (["THANHTOAN", "BANDO"], False)
    assert by_area["KDC-TG-MH2"].missing == ["INTERNET", "SMARTPHONE", "VNEID", "THANHTOAN", "TC-7", "TC-8", "TC-9",
                                             "TC-10"]  # its report is still a draft
    count = DataValue.objects.get(data_element__code="XHS-KDC", unit=ward, period="2024-07")
    assert (count.value, count.is_illustrative, count.channel) == (Decimal(1), True, Channel.DEMO)
    [public] = certifications_under(ward, None, today=date(2026, 12, 7))
    assert (public.unit.code, public.label, public.state) == ("KDC-TAMGIAC3", "6/10 tiêu chí", "certified")
    history = CertificationHistory.objects.count(), DataValueHistory.objects.count()
    assert add_certifications() == {"certifications": 0, "certified": 0}  # again: nothing changes
    assert (CertificationHistory.objects.count(), DataValueHistory.objects.count()) == history
