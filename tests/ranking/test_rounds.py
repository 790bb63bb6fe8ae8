"""The annual ranking round on the database: a method loaded as data (versioned), self-assessment with
evidence, verification (accept, adjust with a reason, reject), the council's approval that freezes the result,
publication; every step's permission and every refusal. On the small world: quận Thanh Khê 2024, 10 phường."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from chiso.accounts.models import RoleAssignment
from chiso.ranking.actions import RankingError, do_claim, do_move_round, do_move_scorecard, do_open_round, do_verify
from chiso.ranking.methods import MethodError, do_load_method, export_csv, export_xlsx
from chiso.ranking.models import AssessmentHistory, Method, RankedUnit, RoundEvent, RoundStatus, Verdict
from chiso.ranking.queries import explain, readable_rounds, score_round, what_if
from tests.conftest import _user, unit

METHOD = """code,parent,name,max_points,rule,params,source,applies_to,tài liệu kiểm chứng,đơn vị xác minh
NTS,,Nhận thức số,40,,,,,,
NTS-1,NTS,Số cuộc họp chuyên đề về chuyển đổi số,20,steps,4:20;3:15;2:10;1:5,tu-danh-gia,,Biên bản họp,Sở KH&CN
NTS-2,NTS,Ban hành kế hoạch chuyển đổi số,20,boolean,,tu-danh-gia,,Kế hoạch,Sở KH&CN
DVC,,Dịch vụ công trực tuyến,60,,,,,,
DVC-1,DVC,Tỷ lệ hồ sơ nộp trực tuyến,60,distance_to_target,target=80,CQS-03,,,
THUONG,,Điểm thưởng,5,bonus,,tu-danh-gia,,Quyết định khen thưởng,Sở Nội vụ
"""
GRADES = "grade,min_score\nxuất sắc,90\ntốt,80\nkhá,70\ntrung bình khá,60\ntrung bình,50\n"
EVIDENCE = {"evidence_number": "12/BB-UBND", "evidence_title": "Biên bản họp chuyên đề",
            "evidence_date": date(2024, 6, 3)}


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "pp.csv").write_text(METHOD, encoding="utf-8")
    (tmp_path / "xl.csv").write_text(GRADES, encoding="utf-8")
    return tmp_path / "pp.csv", tmp_path / "xl.csv"


@pytest.fixture
def method(files, city_admin) -> Method:
    return do_load_method("thu-nghiem", files[0], grades=files[1], acting_user=city_admin, name="Bộ chỉ số thử")


@pytest.fixture
def approver(db):
    return _user("t_approver_thanh_khe", "approver", unit("2024", "491"))


@pytest.fixture
def round_(method, city_admin):
    district = unit("2024", "491")
    return do_open_round(method, 2024, "phuong", district.version, district, acting_user=city_admin)


def card_of(round_, code: str):
    return round_.scorecards.get(unit__code=code)


def test_a_method_loads_as_data_and_a_changed_file_is_the_next_version(files, city_admin, tmp_path):
    first = do_load_method("thu-nghiem", files[0], grades=files[1], acting_user=city_admin, name="Bộ chỉ số thử")
    assert (first.version, first.components.count(), first.grades.count()) == (1, 6, 5)
    nts1 = first.components.get(code="NTS-1")
    assert (nts1.evidence, nts1.verifier, nts1.self_assessed) == ("Biên bản họp", "Sở KH&CN", True)
    assert first.components.get(code="DVC-1").self_assessed is False
    again = do_load_method("thu-nghiem", files[0], grades=files[1], acting_user=city_admin, name="Bộ chỉ số thử")
    assert again.pk == first.pk  # the same file: no new version
    changed = tmp_path / "moi.csv"
    changed.write_text(METHOD.replace("target=80", "target=90"), encoding="utf-8")
    second = do_load_method("thu-nghiem", changed, grades=files[1], acting_user=city_admin, name="Bộ chỉ số thử",
                            reason="Nâng mục tiêu hồ sơ trực tuyến")
    assert second.version == 2
    assert first.components.get(code="DVC-1").params == "target=80"  # the old version is untouched


def test_export_reads_back_as_the_same_method(method, city_admin, tmp_path):
    text, grades = export_csv(method)
    assert text.splitlines()[0] == "code,parent,name,max_points,rule,params,source,applies_to,evidence,verifier,ghi chú"
    assert "NTS-1,NTS,Số cuộc họp chuyên đề về chuyển đổi số,20,steps,4:20;3:15;2:10;1:5,tu-danh-gia,,Biên bản họp" \
        in text
    (tmp_path / "lai.xlsx").write_bytes(export_xlsx(method))
    back = do_load_method("thu-nghiem", tmp_path / "lai.xlsx", acting_user=city_admin, name="Bộ chỉ số thử")
    assert back.pk == method.pk  # identical: read back from the workbook, grades included
    assert grades is not None and grades.splitlines()[1] == "xuất sắc,90"


def test_a_faulty_method_names_file_row_and_column(city_admin, tmp_path):
    bad = tmp_path / "sai.csv"
    bad.write_text(METHOD.replace("4:20;3:15;2:10;1:5", "bốn:20"), encoding="utf-8")
    with pytest.raises(MethodError) as refused:
        do_load_method("thu-nghiem", bad, acting_user=city_admin, name="x")
    assert refused.value.problems[0].startswith("sai.csv, dòng 3, cột 'params':")
    assert not Method.objects.filter(code="thu-nghiem").exists()


def test_only_a_city_administrator_loads_a_method(files, officer_thac_gian, approver):
    for user in (officer_thac_gian, approver, None):
        with pytest.raises(MethodError):
            do_load_method("thu-nghiem", files[0], acting_user=user, name="x")


def test_a_round_opens_a_draft_scorecard_for_each_ward_of_the_district(round_):
    assert round_.status == RoundStatus.SELF_ASSESSMENT
    assert round_.scorecards.count() == 10
    assert sorted(round_.scorecards.values_list("unit__code", flat=True))[:3] == ["20203", "20206", "20207"]


def test_a_ward_officer_cannot_open_a_round_nor_claim_for_another_ward(method, round_, officer_thac_gian):
    district = unit("2024", "491")
    with pytest.raises(RankingError) as refused:
        do_open_round(method, 2025, "phuong", district.version, district, acting_user=officer_thac_gian)
    assert refused.value.status == 403
    with pytest.raises(RankingError) as refused:
        do_claim(card_of(round_, "20212"), "NTS-1", "4", acting_user=officer_thac_gian, **EVIDENCE)
    assert refused.value.status == 403


def test_a_claim_with_points_needs_evidence_and_a_value_the_rule_can_score(round_, officer_thac_gian):
    card = card_of(round_, "20221")
    with pytest.raises(RankingError, match="cần tài liệu kiểm chứng"):
        do_claim(card, "NTS-1", "4", acting_user=officer_thac_gian)
    with pytest.raises(RankingError, match="không phải một số hữu hạn"):
        do_claim(card, "NTS-1", "1e999", acting_user=officer_thac_gian, **EVIDENCE)
    with pytest.raises(RankingError, match="không được âm"):
        do_claim(card, "NTS-1", "-3", acting_user=officer_thac_gian, **EVIDENCE)
    with pytest.raises(RankingError, match="không phải có/không"):
        do_claim(card, "NTS-2", "=HYPERLINK(1)", acting_user=officer_thac_gian, **EVIDENCE)
    with pytest.raises(RankingError, match="không phải thành phần tự đánh giá"):
        do_claim(card, "DVC-1", "90", acting_user=officer_thac_gian, **EVIDENCE)
    zero = do_claim(card, "NTS-1", "0", acting_user=officer_thac_gian)  # nothing claimed, nothing to prove
    assert zero.claimed == "0"


def _claim_all(round_, user, *, meetings: str = "3") -> None:
    for card in round_.scorecards.all():
        do_claim(card, "NTS-1", meetings, acting_user=user, **EVIDENCE)
        do_claim(card, "NTS-2", "có", acting_user=user, **EVIDENCE)
        do_claim(card, "THUONG", "0", acting_user=user)
        do_move_scorecard(card, "submit", acting_user=user)


def test_the_whole_round_self_assess_verify_adjust_approve_publish(round_, officer_thac_gian, approver, city_admin):
    thac_gian = card_of(round_, "20221")
    do_claim(thac_gian, "NTS-1", "4", acting_user=officer_thac_gian, **EVIDENCE)
    do_claim(thac_gian, "NTS-2", "có", acting_user=officer_thac_gian, **EVIDENCE)
    with pytest.raises(RankingError, match="THUONG"):
        do_move_scorecard(thac_gian, "submit", acting_user=officer_thac_gian)
    do_claim(thac_gian, "THUONG", "2", acting_user=officer_thac_gian, evidence_link="https://danang.gov.vn/qd-1")
    do_move_scorecard(thac_gian, "submit", acting_user=officer_thac_gian)
    with pytest.raises(RankingError, match="không còn ở bước tự đánh giá"):
        do_claim(thac_gian, "NTS-1", "1", acting_user=officer_thac_gian, **EVIDENCE)
    others = round_.scorecards.exclude(pk=thac_gian.pk)
    for card in others:
        do_claim(card, "NTS-1", "2", acting_user=city_admin, **EVIDENCE)
        do_claim(card, "NTS-2", "không", acting_user=city_admin)
        do_claim(card, "THUONG", "0", acting_user=city_admin)
        do_move_scorecard(card, "submit", acting_user=city_admin)

    with pytest.raises(RankingError) as refused:
        do_move_round(round_, "verify", acting_user=approver)  # the district's approver does not decide the round
    assert refused.value.status == 403
    do_move_round(round_, "verify", acting_user=city_admin)
    with pytest.raises(RankingError):
        do_verify(thac_gian.assessments.get(component="NTS-1"), Verdict.ACCEPTED, acting_user=officer_thac_gian)
    meetings = thac_gian.assessments.get(component="NTS-1")
    with pytest.raises(RankingError, match="Cần ghi lý do"):
        do_verify(meetings, Verdict.ADJUSTED, value="3", acting_user=approver)
    do_verify(meetings, Verdict.ADJUSTED, value="3", reason="Một cuộc họp không do lãnh đạo chủ trì",
              acting_user=approver)
    do_verify(thac_gian.assessments.get(component="NTS-2"), Verdict.ACCEPTED, acting_user=approver)
    do_verify(thac_gian.assessments.get(component="THUONG"), Verdict.REJECTED, reason="Không có quyết định",
              acting_user=approver)
    with pytest.raises(RankingError, match="chưa thẩm định xong"):
        do_move_round(round_, "council", acting_user=city_admin)
    do_move_scorecard(thac_gian, "verified", acting_user=approver)
    for card in others:
        for assessment in card.assessments.all():
            do_verify(assessment, Verdict.ACCEPTED, acting_user=approver)
        do_move_scorecard(card, "verified", acting_user=approver)
    do_move_round(round_, "council", acting_user=city_admin)
    with pytest.raises(RankingError, match="số và ngày quyết định"):
        do_move_round(round_, "approve", acting_user=city_admin)
    do_move_round(round_, "approve", acting_user=city_admin, decision="15/QĐ-UBND", decision_date=date(2024, 10, 10))
    assert RankedUnit.objects.filter(round=round_).count() == 10
    assert readable_rounds(None).filter(pk=round_.pk).exists() is False  # approved, not yet published
    do_move_round(round_, "publish", acting_user=city_admin)
    assert readable_rounds(None).filter(pk=round_.pk).exists() is True

    result = RankedUnit.objects.get(round=round_, unit=thac_gian.unit)
    lines = {line["code"]: line for line in result.lines}
    # adjusted 3 meetings → 15 of 20; the plan → 20; the rejected bonus → 0 and the claim kept beside the verdict
    assert (lines["NTS-1"]["points"], lines["NTS-1"]["claimed"], lines["NTS-1"]["verified"]) == (15.0, "4", "3")
    assert (lines["NTS-2"]["points"], lines["THUONG"]["points"], lines["THUONG"]["verdict"]) == (20.0, 0.0, "rejected")
    assert lines["NTS-1"]["verify_reason"] == "Một cuộc họp không do lãnh đạo chủ trì"
    dvc = lines["DVC-1"]["points"]
    assert float(result.total) == pytest.approx(35.0 + dvc, abs=0.001)
    history = AssessmentHistory.objects.filter(assessment=meetings).values_list("step", "claimed", "verified",
                                                                                "by__username")
    assert list(history) == [("claim", "4", "", "t_officer_thac_gian"),
                             ("verify", "4", "3", "t_approver_thanh_khe")]
    assert list(RoundEvent.objects.filter(round=round_, action__in=["open", "verify", "council", "approve", "publish"])
                .values_list("action", flat=True)) == ["open", "verify", "council", "approve", "publish"]


def test_ties_share_a_rank_and_what_if_saves_nothing(round_, city_admin):
    _claim_all(round_, city_admin)
    result = score_round(round_, verified=False, sensitivity=False)
    assert [s.rank for s in result.scored.scores].count(1) >= 1
    card = card_of(round_, "20221")
    before = explain(round_, card)
    tried = what_if(round_, card, {"NTS-1": "4", "THUONG": "5"})
    assert tried.score.components["NTS-1"] == 20.0 and tried.score.components["THUONG"] == 5.0
    assert tried.score.total == pytest.approx(min(before.score.total + 10.0, 100.0), abs=1e-6)
    assert card.assessments.get(component="NTS-1").claimed == "3"  # nothing saved


def test_drafts_of_a_round_are_read_only_by_those_who_may(round_, officer_thac_gian, officer_tan_chinh, viewer,
                                                        approver, city_admin):
    from chiso.accounts.access import can_read_scorecard

    thac_gian = card_of(round_, "20221").unit
    assert can_read_scorecard(officer_thac_gian, thac_gian, published=False) is True
    assert can_read_scorecard(officer_tan_chinh, thac_gian, published=False) is False
    assert can_read_scorecard(viewer, thac_gian, published=False) is False
    assert can_read_scorecard(None, thac_gian, published=False) is False
    assert can_read_scorecard(approver, thac_gian, published=False) is True
    assert can_read_scorecard(None, thac_gian, published=True) is True
    seen = {user: readable_rounds(user).filter(pk=round_.pk).exists()
            for user in (viewer, officer_thac_gian, officer_tan_chinh, approver, city_admin, None)}
    assert seen == {viewer: False, officer_thac_gian: True, officer_tan_chinh: True, approver: True,
                    city_admin: True, None: False}


SELF_ONLY = """code,parent,name,max_points,rule,params,source,applies_to
NTS-1,,Số cuộc họp chuyên đề,20,steps,STEPS,tu-danh-gia,
NTS-2,,Ban hành kế hoạch,20,boolean,,tu-danh-gia,
"""


def _method(code: str, steps: str, user, tmp_path: Path) -> Method:
    path = tmp_path / f"{code}.csv"
    path.write_text(SELF_ONLY.replace("STEPS", steps), encoding="utf-8")
    return do_load_method(code, path, acting_user=user, name=code)


def test_a_merged_ward_is_compared_with_the_wards_it_came_from_by_succession_not_by_code(city_admin, tmp_path,
                                                                                       client):
    """Phường Thanh Khê (2025-07, code 20209) came from 9 of the 10 phường ranked in 2024 (not An Khê), among
    them Xuân Hà, which had the same code 20209. DTI rule: their mean input; the split of the change."""
    last_year = _method("nam-truoc", "4:20;3:15;2:10;1:5", city_admin, tmp_path)
    this_year = _method("nam-nay", "4:20;2:15;1:5", city_admin, tmp_path)
    district = unit("2024", "491")
    before = do_open_round(last_year, 2024, "phuong", district.version, district, acting_user=city_admin,
                           sensitivity_runs=0)
    for card in before.scorecards.select_related("unit"):
        do_claim(card, "NTS-1", "4" if card.unit.code == "20221" else "2", acting_user=city_admin, **EVIDENCE)
        do_claim(card, "NTS-2", "có", acting_user=city_admin, **EVIDENCE)
        do_move_scorecard(card, "submit", acting_user=city_admin)
    do_move_round(before, "verify", acting_user=city_admin)
    for card in before.scorecards.all():
        for assessment in card.assessments.all():
            do_verify(assessment, Verdict.ACCEPTED, acting_user=city_admin)
        do_move_scorecard(card, "verified", acting_user=city_admin)
    for move in ("council", "approve", "publish"):
        do_move_round(before, move, acting_user=city_admin, decision="1/QĐ", decision_date=date(2024, 12, 1))

    city = unit("2025-07", "48")
    RoleAssignment.objects.create(user=city_admin, role="admin", unit=city)
    now = do_open_round(this_year, 2025, "phuong", city.version, city, acting_user=city_admin, sensitivity_runs=0)
    thanh_khe = now.scorecards.get(unit__code="20209")
    do_claim(thanh_khe, "NTS-1", "4", acting_user=city_admin, **EVIDENCE)
    do_claim(thanh_khe, "NTS-2", "có", acting_user=city_admin, **EVIDENCE)
    history = explain(now, thanh_khe).history
    assert history is not None and history.previous == before and history.merged
    assert sorted(p.name for p in history.predecessors) == sorted([
        "Phường Chính Gián", "Phường Hòa Khê", "Phường Thanh Khê Tây", "Phường Thanh Khê Đông", "Phường Thạc Gián",
        "Phường Tam Thuận", "Phường Tân Chính", "Phường Vĩnh Trung", "Phường Xuân Hà"])
    # mean meetings (4 + 8 × 2) / 9 = 2,22: last year's steps give 10 + 20 = 30; this year's steps 15 + 20 = 35;
    # this year's 4 meetings 20 + 20 = 40: the method explains 5 points, the figures 5
    change = history.change
    assert (change.before, change.bridge, change.after, change.from_method, change.from_figures) == (
        30.0, 35.0, 40.0, 5.0, 5.0)
    assert history.reexpressed is not None and history.reexpressed.before == 30.0  # no figure-read component
    an_khe = now.scorecards.get(unit__code="20305")
    assert [p.name for p in explain(now, an_khe).history.predecessors] == ["Phường An Khê"]
    client.force_login(city_admin)
    page = client.get(f"/xep-hang/{now.pk}/20209/").content.decode()
    assert "Phường Thanh Khê hình thành từ 9 đơn vị được xếp hạng năm 2024" in page
    assert f'<a href="/xep-hang/{before.pk}/20209/">Phường Xuân Hà</a> 30 ' in page  # 2024's 20209, by succession
    assert "Quy tắc DTI: trung bình các đơn vị tiền thân" in page
