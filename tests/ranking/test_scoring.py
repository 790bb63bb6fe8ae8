"""The scoring rules, the tree, ties, clamping, grades and the sensitivity band, with exact values (no database)."""

from __future__ import annotations

import pytest

from chiso.engine.criteria import CriteriaSet, Criterion, assess
from chiso.engine.scoring import (
    Component,
    Given,
    Grade,
    Index,
    RuleError,
    grade_of,
    parse_rule,
    points,
    score_units,
    shared_ranks,
)


@pytest.mark.parametrize("kind, params, maximum, given, best, expected", [
    ("steps", "4:20;3:15;2:10;1:5", 20, Given(3), None, 15.0),
    ("steps", "4:20;3:15;2:10;1:5", 20, Given(0.5), None, 0.0),
    ("steps", "1:5;4:25", 20, Given(4), None, 20.0),  # any order; capped at the maximum
    ("ratio", "", 40, Given(9000, 10000), None, 36.0),
    ("ratio", "", 40, Given(12, 10), None, 40.0),  # capped
    ("ratio", "", 40, Given(5, 0), None, 0.0),  # a zero denominator
    ("boolean", "", 10, Given("Có"), None, 10.0),
    ("boolean", "", 10, Given("không"), None, 0.0),
    ("boolean", "", 10, Given(1.0), None, 10.0),
    ("categorical", "Bí thư=10;Phó=5;*=0", 10, Given("bí thư"), None, 10.0),
    ("categorical", "Bí thư=10;Phó=5;*=0", 10, Given("Trưởng phòng"), None, 0.0),
    ("categorical", "Bí thư=10;Phó=5", 10, Given("Khác"), None, 0.0),  # no "*": nothing
    ("capped_count", "per=2", 10, Given(3), None, 6.0),
    ("capped_count", "per=2", 10, Given(30), None, 10.0),
    ("relative_to_best", "", 20, Given(30), 40.0, 15.0),
    ("relative_to_best", "", 20, Given(30), 0.0, 0.0),
    ("goalposts", "lo=20;hi=80", 10, Given(65), None, 7.5),
    ("goalposts", "lo=20;hi=80", 10, Given(10), None, 0.0),
    ("goalposts", "lo=20;hi=80", 10, Given(95), None, 10.0),
    ("goalposts", "lo=20;hi=0", 10, Given(5), None, 7.5),  # lower is better
    ("distance_to_target", "target=90", 50, Given(72), None, 40.0),
    ("distance_to_target", "target=90", 50, Given(99), None, 50.0),
    ("distance_to_target", "target=2;lower=1", 10, Given(4), None, 5.0),
    ("distance_to_target", "target=2;lower=1", 10, Given(1), None, 10.0),
    ("bonus", "", 5, Given(3), None, 3.0),
    ("bonus", "", 5, Given(8), None, 5.0),
    ("penalty", "", 5, Given(2), None, -2.0),
    ("penalty", "", 5, Given(-9), None, -5.0),
])
def test_each_rule(kind, params, maximum, given, best, expected):
    assert points(parse_rule(kind, params), maximum, given, best) == expected


@pytest.mark.parametrize("kind, params, message", [
    ("tuyến tính", "", "quy tắc 'tuyến tính' không có; chọn một trong: steps, ratio"),
    ("steps", "", "quy tắc steps cần các bậc"),
    ("steps", "4-20", "thiếu ':' trong '4-20'"),
    ("goalposts", "lo=5;hi=5", "quy tắc goalposts cần lo và hi khác nhau"),
    ("goalposts", "lo=0;hi=100;top=3", "tham số 'top' không dùng cho quy tắc goalposts (chỉ nhận hi, lo)"),
    ("distance_to_target", "target=0", "cần mục tiêu dương"),
    ("capped_count", "per=nan", "'nan' không phải số"),
    ("categorical", "*=0", "cần ít nhất một loại"),
])
def test_a_rule_that_cannot_be_read_says_why(kind, params, message):
    with pytest.raises(RuleError) as error:
        parse_rule(kind, params)
    assert message in str(error.value)


def test_a_word_where_a_number_is_needed_is_refused():
    with pytest.raises(RuleError, match="quy tắc steps cần một số, không phải 'nhiều'"):
        points(parse_rule("steps", "1:5"), 5, Given("nhiều"))
    with pytest.raises(RuleError, match="'có lẽ' không phải có/không"):
        points(parse_rule("boolean"), 5, Given("có lẽ"))


def test_ties_share_the_better_rank_and_the_next_rank_skips():
    assert shared_ranks([70.0, 89.02, 70.0, 55.5, 89.02]) == [3, 1, 3, 5, 1]
    assert shared_ranks([0.1 + 0.2, 0.3]) == [1, 1]  # equal to nine decimals
    assert shared_ranks([]) == []


def test_grades_take_the_highest_band_reached():
    bands = [Grade("trung bình", 0), Grade("khá", 65), Grade("tốt", 80), Grade("xuất sắc", 90)]
    assert [grade_of(t, bands) for t in (89.02, 70.16, 90, 64.99, 0)] == ["tốt", "khá", "xuất sắc", "trung bình",
                                                                         "trung bình"]
    assert grade_of(10, [Grade("khá", 65)]) == ""


def _index() -> Index:
    return Index((
        Component("CQS", "Chính quyền số", 60),
        Component("CQS-1", "Hồ sơ toàn trình", 30, "CQS", parse_rule("distance_to_target", "target=90")),
        Component("CQS-2", "Họp không giấy", 30, "CQS", parse_rule("steps", "12:30;6:15;1:5")),
        Component("XHS", "Xã hội số", 40, applies_to=frozenset({"phuong", "xa"})),
        Component("XHS-1", "Định danh", 40, "XHS", parse_rule("ratio")),
        Component("THUONG", "Thưởng", 10, rule=parse_rule("bonus")),
        Component("TRU", "Trừ", 10, rule=parse_rule("penalty")),
    ), (Grade("xuất sắc", 90), Grade("tốt", 80), Grade("khá", 65), Grade("trung bình", 0)))


INPUTS = {
    "A": {"CQS-1": Given(91.5), "CQS-2": Given(12), "XHS-1": Given(9000, 10000), "THUONG": Given(8)},
    "B": {"CQS-1": Given(72), "CQS-2": Given(6), "XHS-1": Given(8000, 10000)},
    "C": {"CQS-1": Given(72), "CQS-2": Given(6), "XHS-1": Given(8000, 10000)},
    "D": {"CQS-1": Given(72), "TRU": Given(40)},
    "Sở": {"CQS-1": Given(90), "CQS-2": Given(1)},
}


def test_groups_add_up_totals_clamp_and_ranks_share():
    scored = score_units(_index(), INPUTS, {"Sở": "so"})
    rows = [(s.unit, s.total, s.value, s.rank, s.grade, s.missing) for s in scored.scores]
    assert rows == [
        ("A", 100.0, 1.0, 1, "xuất sắc", []),  # 30 + 30 + 36 + 8 = 104, clamped to the scale of 100
        ("B", 71.0, 0.71, 2, "khá", []),
        ("C", 71.0, 0.71, 2, "khá", []),  # tied with B: both 2nd, the next is 4th
        ("Sở", 35.0, 0.583333, 4, "trung bình", []),  # Xã hội số does not apply: a scale of 60
        ("D", 14.0, 0.14, 5, "trung bình", ["CQS-2", "XHS-1"]),  # 24 − 10 (the penalty's cap); missing score 0
    ]
    a = scored.scores[0]
    assert a.components == {"CQS-1": 30.0, "CQS-2": 30.0, "CQS": 60.0, "XHS-1": 36.0, "XHS": 36.0, "THUONG": 8.0,
                            "TRU": 0.0}
    assert (a.scale, scored.scores[3].scale) == (100.0, 60.0)
    assert score_units(_index(), {"E": {"TRU": Given(10)}}).scores[0].total == 0.0  # never below zero


def test_without_sensitivity_the_band_is_the_rank():
    scored = score_units(_index(), INPUTS)
    assert [(s.rank_band, s.median_rank) for s in scored.scores] == [
        ((1, 1), 1.0), ((2, 2), 2.0), ((2, 2), 2.0), ((4, 4), 4.0), ((5, 5), 5.0)]


def test_the_sensitivity_band_holds_the_nominal_rank_and_the_same_seed_gives_the_same_bands():
    close = {  # X leads on the sum but has almost no Xã hội số; Y is balanced; Z trails both
        "X": {"CQS-1": Given(90), "CQS-2": Given(12), "XHS-1": Given(1, 100)},  # 30 + 30 + 0,4 = 60,4
        "Y": {"CQS-1": Given(45), "CQS-2": Given(1), "XHS-1": Given(100, 100)},  # 15 + 5 + 40 = 60
        "Z": {"CQS-1": Given(30), "CQS-2": Given(1), "XHS-1": Given(50, 100)},  # 10 + 5 + 20 = 35
    }
    first = score_units(_index(), close, sensitivity=200, seed=42)
    bands = [(s.unit, s.rank, s.rank_band, s.median_rank) for s in first.scores]
    # a geometric mean punishes X's near-zero group: in those runs X falls behind Z as well
    assert bands == [("X", 1, (1, 3), 2.0), ("Y", 2, (1, 2), 1.0), ("Z", 3, (2, 3), 3.0)]
    again = score_units(_index(), close, sensitivity=200, seed=42)
    assert [(s.unit, s.rank, s.rank_band, s.median_rank) for s in again.scores] == bands
    assert first.runs == 200


def test_k_of_n_criteria_and_missing_ones():
    kdc = CriteriaSet((
        Criterion("INTERNET", "Mọi hộ gia đình sử dụng internet", True, "at_least", 100),
        Criterion("VNEID", "Trên 90% người dân có tài khoản định danh điện tử", True, "more_than", 90),
        Criterion("BANK", "Trên 90% có tài khoản ngân hàng hoặc ví điện tử", False, "more_than", 90),
        Criterion("TMDT", "Trên 50% hộ kinh doanh bán trên sàn TMĐT", False, "more_than", 50),
        Criterion("BANDO", "Có bản đồ số tổ dân phố", False, "boolean"),
    ), k=2)
    assert assess(kdc, {"INTERNET": 100, "VNEID": 93, "BANK": 91, "TMDT": 40, "BANDO": "có"}).certified is True
    two_short = assess(kdc, {"INTERNET": 100, "VNEID": 93, "BANK": 91, "TMDT": 40, "BANDO": "không"})
    assert (two_short.certified, two_short.passed, two_short.failed) == (False, ["INTERNET", "VNEID", "BANK"],
                                                                          ["TMDT", "BANDO"])
    no_vneid = assess(kdc, {"INTERNET": 100, "BANK": 95, "TMDT": 60, "BANDO": "có"})
    assert (no_vneid.certified, no_vneid.missing) == (False, ["VNEID"])  # a missing mandatory criterion withholds
    assert CriteriaSet(kdc.criteria).needed == 3  # without k: every optional criterion
    assert CriteriaSet(kdc.criteria, k=9).needed == 3


def test_what_it_takes_to_reach_the_next_grade():
    from chiso.engine.scoring import next_grade

    index = _index()
    scores = {s.unit: s for s in score_units(index, INPUTS, {"Sở": "so"}).scores}
    b = next_grade(index, scores["B"])  # 71 "khá": tốt needs 9 more; CQS-2 has 15 to give
    assert (b.grade, b.points_needed, b.components, b.reachable) == ("tốt", 9.0, (("CQS-2", 15.0),), True)
    d = next_grade(index, scores["D"])  # 14 "trung bình": khá at 65 needs 51: XHS-1 40, then CQS-2 30
    assert (d.grade, d.points_needed, d.components, d.reachable) == ("khá", 51.0, (("XHS-1", 40.0), ("CQS-2", 30.0)),
                                                                     True)
    so = next_grade(index, scores["Sở"])  # 35 of 60 = 58,3 of 100: khá (65) is 6,7 of 100 = 4 of the sở's 60
    assert (so.grade, so.points_needed, so.components) == ("khá", 4.0, (("CQS-2", 25.0),))
    assert next_grade(index, scores["A"]) == next_grade(index, scores["A"])  # the best grade: nothing above
    assert next_grade(index, scores["A"]).grade == ""


def test_a_change_is_split_into_figures_and_method():
    from chiso.engine.scoring import split_change

    heavier_cqs = Index(tuple(
        Component(c.code, c.name, {"CQS": 70, "CQS-1": 40, "XHS": 30, "XHS-1": 30}.get(c.code, c.max_points),
                  c.parent, c.rule, c.applies_to) for c in _index().components))
    this_year = {**INPUTS, "B": {"CQS-1": Given(81), "CQS-2": Given(6), "XHS-1": Given(8000, 10000)}}
    change = split_change("B", (_index(), INPUTS), (heavier_cqs, this_year))
    # 71 (24 + 15 + 32) → 71 with this year's weights on last year's figures (32 + 15 + 24) → 75 (36 + 15 + 24)
    assert (change.before, change.bridge, change.after, change.from_method, change.from_figures) == (
        71.0, 71.0, 75.0, 0.0, 4.0)
    moved = split_change("D", (_index(), INPUTS), (heavier_cqs, INPUTS))
    assert (moved.before, moved.after, moved.from_method, moved.from_figures) == (14.0, 22.0, 8.0, 0.0)


def test_a_merged_unit_takes_the_mean_of_its_predecessors():
    from chiso.engine.scoring import merged_mean

    merged = merged_mean([{"CQS-1": Given(72), "XHS-1": Given(8000, 10000), "TCS": Given("có")},
                          {"CQS-1": Given(90), "XHS-1": Given(3000, 5000)},
                          {"CQS-2": Given(6)}])
    assert merged == {"CQS-1": Given(81.0), "XHS-1": Given(5500.0, 7500.0), "TCS": Given("có"), "CQS-2": Given(6.0)}
