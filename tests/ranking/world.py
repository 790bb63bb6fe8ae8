"""A small ranking round driven through the actions, shared by the API, annex and command tests: quận Thanh Khê
2024, its 10 phường, a method whose every component is self-assessed (so the totals do not depend on which
figures the test world holds).

Thạc Gián (20221): 4 meetings (20), a plan (20), 2.351 of 3.000 dossiers online (47,02), a bonus claimed 5 and
adjusted to 2 → 89,02 "tốt". Tân Chính (20212): 3 meetings (15), a plan (20), 1.500 of 3.000 (30), no bonus →
65 "trung bình khá". The 8 others: 1 meeting (5), no plan, dossiers rejected (missing) → 5, no grade, tied 3rd.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from chiso.ranking.actions import do_claim, do_move_round, do_move_scorecard, do_open_round, do_verify
from chiso.ranking.methods import do_load_method
from chiso.ranking.models import Method, Round, Scorecard, Verdict
from tests.conftest import _user, unit

METHOD = """code,parent,name,max_points,rule,params,source,applies_to,tài liệu kiểm chứng,đơn vị xác minh
NTS,,Nhận thức số,40,,,,,,
NTS-1,NTS,Số cuộc họp chuyên đề về chuyển đổi số,20,steps,4:20;3:15;2:10;1:5,tu-danh-gia,,Biên bản họp,Sở KH&CN
NTS-2,NTS,Ban hành kế hoạch chuyển đổi số,20,boolean,,tu-danh-gia,,Kế hoạch,Sở KH&CN
HT,,Hồ sơ trực tuyến,60,,,,,,
HT-1,HT,Tỷ lệ hồ sơ nộp trực tuyến,60,ratio,,tu-danh-gia,,Báo cáo thống kê,Sở KH&CN
THUONG,,Điểm thưởng,5,bonus,,tu-danh-gia,,Quyết định khen thưởng,Sở Nội vụ
"""
GRADES = "grade,min_score\nxuất sắc,90\ntốt,80\nkhá,70\ntrung bình khá,60\ntrung bình,50\n"
EVIDENCE = {"evidence_number": "12/BB-UBND", "evidence_title": "Biên bản họp chuyên đề",
            "evidence_date": date(2024, 6, 3)}
THAC_GIAN, TAN_CHINH = "20221", "20212"


def load_method(tmp_path: Path, admin) -> Method:  # type: ignore[no-untyped-def]
    (tmp_path / "pp.csv").write_text(METHOD, encoding="utf-8")
    (tmp_path / "xl.csv").write_text(GRADES, encoding="utf-8")
    return do_load_method("thu-nghiem", tmp_path / "pp.csv", grades=tmp_path / "xl.csv", acting_user=admin,
                          name="Bộ chỉ số thử", is_illustrative=True)


def approver_of_thanh_khe():  # type: ignore[no-untyped-def]
    return _user("t_approver_thanh_khe", "approver", unit("2024", "491"))


def open_round(method: Method, admin, peer_group: str = "phuong") -> Round:  # type: ignore[no-untyped-def]
    district = unit("2024", "491")
    title = "Xếp hạng chuyển đổi số phường năm 2024: quận Thanh Khê" if peer_group == "phuong" else ""
    return do_open_round(method, 2024, peer_group, district.version, district, acting_user=admin, title=title,
                         sensitivity_runs=50)


def card(round_: Round, code: str) -> Scorecard:
    return round_.scorecards.select_related("unit").get(unit__code=code)


def claim_thac_gian(round_: Round, officer) -> None:  # type: ignore[no-untyped-def]
    thac_gian = card(round_, THAC_GIAN)
    do_claim(thac_gian, "NTS-1", "4", acting_user=officer, **EVIDENCE)
    do_claim(thac_gian, "NTS-2", "có", acting_user=officer, evidence_number="45/KH-UBND",
             evidence_title="Kế hoạch chuyển đổi số năm 2024", evidence_date=date(2024, 2, 1))
    do_claim(thac_gian, "HT-1", "2.351", denominator="3.000", acting_user=officer,
             evidence_link="https://dichvucong.danang.gov.vn/bao-cao")
    do_claim(thac_gian, "THUONG", "5", acting_user=officer, evidence_number="7/QĐ-UBND",
             evidence_title="Quyết định khen thưởng")


def claim_the_others(round_: Round, admin) -> None:  # type: ignore[no-untyped-def]
    for scorecard in round_.scorecards.select_related("unit").exclude(unit__code=THAC_GIAN):
        tan_chinh = scorecard.unit.code == TAN_CHINH
        do_claim(scorecard, "NTS-1", "3" if tan_chinh else "1", acting_user=admin, **EVIDENCE)
        do_claim(scorecard, "NTS-2", "có" if tan_chinh else "không", acting_user=admin, **EVIDENCE)
        do_claim(scorecard, "HT-1", "1.500" if tan_chinh else "1.000", denominator="3.000", acting_user=admin,
                 **EVIDENCE)
        do_claim(scorecard, "THUONG", "0", acting_user=admin)
        do_move_scorecard(scorecard, "submit", acting_user=admin)


def verify_all(round_: Round, approver) -> None:  # type: ignore[no-untyped-def]
    for scorecard in round_.scorecards.select_related("unit"):
        for assessment in scorecard.assessments.all():
            if scorecard.unit.code == THAC_GIAN and assessment.component == "THUONG":
                do_verify(assessment, Verdict.ADJUSTED, value="2", reason="Chỉ một quyết định khen thưởng cấp quận",
                          acting_user=approver)
            elif scorecard.unit.code not in (THAC_GIAN, TAN_CHINH) and assessment.component == "HT-1":
                do_verify(assessment, Verdict.REJECTED, reason="Không có báo cáo thống kê", acting_user=approver)
            else:
                do_verify(assessment, Verdict.ACCEPTED, acting_user=approver)
        do_move_scorecard(scorecard, "verified", acting_user=approver)


def at_verification(method: Method, admin, officer, peer_group: str = "phuong") -> Round:  # type: ignore[no-untyped-def]
    """Every scorecard submitted, the round at verification."""
    round_ = open_round(method, admin, peer_group)
    claim_thac_gian(round_, officer)
    do_move_scorecard(card(round_, THAC_GIAN), "submit", acting_user=officer)
    claim_the_others(round_, admin)
    return do_move_round(round_, "verify", acting_user=admin)


def published(method: Method, admin, officer, approver, peer_group: str = "phuong") -> Round:  # type: ignore[no-untyped-def]
    """The whole round: claimed, verified, approved by decision 15/QĐ-UBND of 10/10/2024, published."""
    round_ = at_verification(method, admin, officer, peer_group)
    verify_all(round_, approver)
    do_move_round(round_, "council", acting_user=admin)
    do_move_round(round_, "approve", acting_user=admin, decision="15/QĐ-UBND", decision_date=date(2024, 10, 10))
    return do_move_round(round_, "publish", acting_user=admin)
