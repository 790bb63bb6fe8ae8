"""The demo's rankings (issue 9), every step through the ranking actions, so each leaves its history:

* the scores a decision made public (UBND quận Thanh Khê 89,02 "tốt" in 2023, QĐ 2901/QĐ-UBND), as facts with
  their source (``reference_data/methods/danang-diem-cong-bo.csv``);
* 2024: quận Thanh Khê ranks its 10 phường under an **illustrative** method (``danang-2024-minh-hoa.csv``);
* 2025: the city ranks today's 23 phường under QĐ 2386/QĐ-UBND's 8 groups with **illustrative** points. The
  round is under way, as it would be while the year's last reports are still being approved: every phường has
  self-assessed and sent its scorecard except phường Thanh Khê, whose officer (``thanhkhe``) has yet to do it.

Automatic components read the demo's published figures (themselves illustrative); the self-assessed ones are
illustrative claims with illustrative evidence, entered by the ward's demo officer where there is one, else by
the administrator; in 2024 the verifier accepts them and adjusts one with a reason, and the council's decision
is marked "minh họa".
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import User

from chiso.csvfiles import read_rows
from chiso.demo.builder import DEMO_ADMIN
from chiso.ranking.actions import do_claim, do_move_round, do_move_scorecard, do_open_round, do_verify
from chiso.ranking.methods import do_load_method
from chiso.ranking.models import Method, PublishedScore, Round, Verdict
from chiso.units.models import HierarchyVersion, Unit

METHODS = Path(__file__).resolve().parent.parent / "reference_data" / "methods"
OFFICERS = {("2024", "20221"): "thacgian", ("2024", "20212"): "tanchinh", ("2025-07", "20209"): "thanhkhe"}
VERIFIERS = {"2024": "pheduyet", "2025-07": DEMO_ADMIN}
PRESETS = (  # code (file name), name, legal basis, illustrative, note
    ("dti-922", "Chỉ số đánh giá chuyển đổi số cấp tỉnh (DTI)", "QĐ 922/QĐ-BTTTT năm 2022", False,
     "9 chỉ số chính, 1.000 điểm, như đã công bố; mỗi chỉ số chính nhận điểm đã chấm (chưa nhập bảng chỉ số thành "
     "phần)."),
    ("dti-405", "Chỉ số đánh giá chuyển đổi số cấp tỉnh (DTI, 2025)", "QĐ 405/QĐ-BKHCN ngày 03/4/2025", True,
     "8 chỉ số chính như đã công bố; điểm từng chỉ số chưa công bố nên SUY LUẬN từ QĐ 922 (bỏ chỉ số 0 điểm)."),
)


def add_rankings() -> dict[str, int]:
    """Load the methods and the published scores, and run the two demo rounds to publication (once)."""
    admin = User.objects.get(username=DEMO_ADMIN)
    made = {"published_scores": _published_scores()}
    grades = METHODS / "danang-grades.csv"
    before = do_load_method(
        "danang-2024-minh-hoa", METHODS / "danang-2024-minh-hoa.csv", grades=grades, acting_user=admin,
        name="Bộ chỉ số đánh giá chuyển đổi số phường năm 2024 (minh họa)", is_illustrative=True,
        note="Minh họa: QĐ 2901/QĐ-UBND (2023) không công bố điểm chi tiết; nhóm, điểm và quy tắc dựng để thử. "
             "Xếp loại suy ra từ các điểm đã công bố năm 2023.")
    after = do_load_method(
        "danang-2386", METHODS / "danang-2386.csv", grades=grades, acting_user=admin,
        name="Bộ chỉ số đánh giá chuyển đổi số (QĐ 2386/QĐ-UBND), điểm minh họa", is_illustrative=True,
        legal_basis="QĐ 2386/QĐ-UBND ngày 05/11/2025",
        note="8 nhóm theo QĐ 2386/QĐ-UBND; điểm, chỉ số thành phần và quy tắc chưa công bố nên là minh họa. "
             "Xếp loại suy ra từ các điểm đã công bố năm 2023.")
    for code, name, basis, illustrative, note in PRESETS:  # on the methods page beside the ones in use
        do_load_method(code, METHODS / f"{code}.csv", acting_user=admin, name=name, legal_basis=basis,
                       is_illustrative=illustrative, note=note)
    made["rounds"] = sum((
        _round(before, 2024, "2024", "491", admin, decided=date(2024, 12, 20)),
        _round(after, 2025, "2025-07", "48", admin, decided=None),
    ))
    return made


def _published_scores() -> int:
    made = 0
    for row in read_rows(METHODS / "danang-diem-cong-bo.csv", ["version", "code", "year", "total", "source"]):
        unit = Unit.objects.get(version__name=row.get("version"), code=row.get("code"))
        _, created = PublishedScore.objects.get_or_create(
            unit=unit, year=int(row.get("year")), method=row.get("method"),
            defaults={"decision": row.get("decision"), "total": Decimal(row.get("total").replace(",", ".")),
                      "grade": row.get("grade"), "rank": int(row.get("rank")) if row.get("rank") else None,
                      "source": row.get("source")})
        made += created
    return made


def _seed(*parts: str) -> int:
    return int(hashlib.sha256("|".join(parts).encode()).hexdigest()[:8], 16)


def _claims(unit: Unit, year: int) -> dict[str, tuple[str, bool]]:
    """Illustrative self-assessment of a unit: {component: (value, needs evidence)}."""
    seed = _seed(unit.version.name, unit.code, str(year))
    meetings = 1 + seed % 4
    plan = "có" if seed % 5 else "không"
    bonus = (seed // 7) % 3
    penalty = 1 if seed % 11 == 0 else 0
    return {"NTS-1": (str(meetings), True), "TCS-1": (plan, plan == "có"), "THUONG": (str(bonus), bonus > 0),
            "TRU": (str(penalty), False)}


def _round(method: Method, year: int, version_name: str, within_code: str, admin: User, *,
           decided: date | None) -> int:
    """Open the round and self-assess; with ``decided``, verify, approve on that date and publish; without,
    leave it at self-assessment with the demo officer's own ward still to do."""
    version = HierarchyVersion.objects.get(name=version_name)
    within = Unit.objects.get(version=version, code=within_code)
    if Round.objects.filter(year=year, peer_group="phuong", within=within, method=method).exists():
        return 0
    round_ = do_open_round(method, year, "phuong", version, within, acting_user=admin, is_illustrative=True,
                           title=f"Xếp hạng chuyển đổi số các phường năm {year}: {within.name} (minh họa)")
    cards = list(round_.scorecards.select_related("unit"))
    for card in cards:
        officer = OFFICERS.get((version_name, card.unit.code))
        if decided is None and officer:
            continue  # left for the officer
        by = User.objects.get(username=officer) if officer else admin
        for code, (value, proven) in _claims(card.unit, year).items():
            evidence = {"evidence_number": f"{_seed(card.unit.code, code) % 90 + 10}/BC-UBND (minh họa)",
                        "evidence_title": f"Báo cáo kết quả {code} năm {year} của {card.unit.name} (minh họa)",
                        "evidence_date": date(year, 11, 28)} if proven else {}
            do_claim(card, code, value, acting_user=by, **evidence)
        do_move_scorecard(card, "submit", acting_user=by)
    if decided is None:
        return 1
    do_move_round(round_, "verify", acting_user=admin)
    verifier = User.objects.get(username=VERIFIERS[version_name])
    adjusted = max(cards, key=lambda c: (int(_claims(c.unit, year)["NTS-1"][0]), c.unit.code))
    for card in cards:
        for assessment in card.assessments.all():
            if card == adjusted and assessment.component == "NTS-1" and int(assessment.claimed) > 1:
                do_verify(assessment, Verdict.ADJUSTED, value=str(int(assessment.claimed) - 1),
                          reason="Một cuộc họp không do lãnh đạo chủ trì nên không tính (minh họa).",
                          acting_user=verifier)
            else:
                do_verify(assessment, Verdict.ACCEPTED, acting_user=verifier)
        do_move_scorecard(card, "verified", acting_user=verifier)
    do_move_round(round_, "council", acting_user=admin)
    do_move_round(round_, "approve", acting_user=admin, decision=f"Minh họa, không phải quyết định thật ({year})",
                  decision_date=decided)
    do_move_round(round_, "publish", acting_user=admin)
    return 1
