"""``chiso index score`` and ``chiso criteria check``: methods tried on tables of inputs, without a database
(no test here asks for one), faults named by file, row and column."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

DEFINITION = """code,parent,name,max_points,rule,params,source,applies_to,tài liệu kiểm chứng
CQS,,Chính quyền số,60,,,,,
CQS-1,CQS,Hồ sơ trực tuyến toàn trình,30,distance_to_target,target=90,CQS-03,,
CQS-2,CQS,Số cuộc họp không giấy,30,steps,12:30;6:15;1:5,tu-danh-gia,,Biên bản họp
XHS,,Xã hội số,40,,,,phuong;xa,
XHS-1,XHS,Tỷ lệ dân có tài khoản định danh,40,ratio,,XHS-06/XHS-05,,
THUONG,,Điểm thưởng,10,bonus,,tu-danh-gia,,Quyết định khen thưởng
TRU,,Điểm trừ,10,penalty,,tu-danh-gia,,
"""
GRADES = "grade,min_score\nxuất sắc,90\ntốt,80\nkhá,65\ntrung bình khá,50\ntrung bình,0\n"
INPUTS = """unit,component,value,denominator,unit_type
Phường A,CQS-1,"91,5",,phuong
Phường A,CQS-2,12,,phuong
Phường A,XHS-1,9.000,10.000,phuong
Phường A,THUONG,3,,phuong
Phường B,CQS-1,72,,phuong
Phường B,CQS-2,6,,phuong
Phường B,XHS-1,8000,10000,phuong
Phường C,CQS-1,72,,phuong
Phường C,XHS-1,8000,10000,phuong
Phường C,TRU,20,,phuong
Sở X,CQS-1,90,,so
Sở X,CQS-2,1,,so
"""


def _files(tmp_path: Path, **texts: str) -> dict[str, Path]:
    paths = {}
    for name, text in texts.items():
        paths[name] = tmp_path / f"{name}.csv"
        paths[name].write_text(text, encoding="utf-8")
    return paths


def _score(tmp_path: Path, *extra: str, definition: str = DEFINITION, inputs: str = INPUTS) -> tuple[str, dict]:
    files = _files(tmp_path, definition=definition, grades=GRADES, inputs=inputs)
    out, result = StringIO(), tmp_path / "out.json"
    call_command("index", "score", str(files["definition"]), "--grades", str(files["grades"]), "--inputs",
                 str(files["inputs"]), "--json", str(result), *extra, stdout=out)
    return out.getvalue(), json.loads(result.read_text(encoding="utf-8"))


def test_score_prints_the_ranking_and_writes_every_point(tmp_path):
    printed, result = _score(tmp_path)
    rows = [(u["unit"], u["total"], u["value"], u["rank"], u["grade"], u["missing"], u["rank_band"])
            for u in result["units"]]
    assert rows == [
        ("Phường A", 99.0, 0.99, 1, "xuất sắc", [], [1, 1]),
        ("Phường B", 71.0, 0.71, 2, "khá", [], [2, 2]),
        ("Sở X", 35.0, 0.583333, 3, "trung bình khá", [], [3, 3]),  # no Xã hội số for a sở: 35 of 60 is 58,3
        ("Phường C", 46.0, 0.46, 4, "trung bình", ["CQS-2"], [4, 4]),  # 24 + 0 (missing) + 32 − 10
    ]
    assert result["units"][0]["components"] == {"CQS-1": 30.0, "CQS-2": 30.0, "CQS": 60.0, "XHS-1": 36.0,
                                                "XHS": 36.0, "THUONG": 3.0, "TRU": 0.0}
    lines = printed.splitlines()
    assert lines[1].split() == ["1", "Phường", "A", "99,00", "99,0%", "xuất", "sắc"]
    assert lines[4].split() == ["4", "Phường", "C", "46,00", "46,0%", "trung", "bình", "thiếu", "CQS-2"]


def test_sensitivity_is_reproducible_with_its_seed(tmp_path):
    _, first = _score(tmp_path, "--sensitivity", "100", "--seed", "5")
    _, again = _score(tmp_path, "--sensitivity", "100", "--seed", "5")
    assert first == again
    assert first["runs"] == 100
    assert all(u["rank_band"][0] <= u["rank"] <= u["rank_band"][1] for u in first["units"])


@pytest.mark.parametrize("definition, inputs, faults", [
    (DEFINITION.replace("distance_to_target,target=90", "tuyen_tinh,"), INPUTS,
     ["definition.csv, dòng 3, cột 'rule': quy tắc 'tuyen_tinh' không có; chọn một trong: steps, ratio, boolean, "
      "categorical, capped_count, relative_to_best, goalposts, distance_to_target, bonus, penalty."]),
    (DEFINITION.replace("12:30;6:15;1:5", "12-30"), INPUTS,
     ["definition.csv, dòng 4, cột 'params': tham số '12-30' của quy tắc steps: thiếu ':' trong '12-30'. Viết "
      "dạng 4:20;3:15 (ngưỡng:điểm)."]),
    (DEFINITION.replace("XHS-1,XHS,", "XHS-1,XHX,").replace("CQS-2,CQS,Số cuộc họp không giấy,30",
                                                             "CQS-2,CQS,Số cuộc họp không giấy,ba mươi"), INPUTS,
     ["definition.csv, dòng 4, cột 'max_points': 'ba mươi' không phải là số hữu hạn (viết 91,5 hoặc 91.5).",
      "definition.csv, dòng 6, cột 'parent': không có thành phần mã 'XHX'. Sửa mã cấp trên hoặc để trống nếu là "
      "nhóm gốc.",
      "definition.csv, dòng 5, cột 'rule': 'XHS' không có quy tắc tính điểm và không có thành phần con. Ghi quy "
      "tắc (ví dụ steps) hoặc thêm thành phần con."]),
    (DEFINITION, INPUTS + "Phường B,CQS-2,7,,phuong\nPhường D,XHS-1,5,không,phuong\n",
     ["inputs.csv, dòng 14, cột 'component': 'CQS-2' của 'Phường B' đã có ở dòng 7; mỗi đơn vị một giá trị.",
      "inputs.csv, dòng 15, cột 'denominator': 'không' không phải là số hữu hạn (viết 91,5 hoặc 91.5)."]),
])
def test_a_faulty_file_names_every_fault_and_scores_nothing(tmp_path, definition, inputs, faults):
    with pytest.raises(CommandError) as error:
        _score(tmp_path, definition=definition, inputs=inputs)
    assert str(error.value).splitlines() == [f"Không chấm điểm ({len(faults)} lỗi):", *faults]
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize("written", ["nhiều", "1e999999", "inf", "NaN", '=HYPERLINK("x")'])
def test_a_word_or_an_unbounded_number_is_refused_with_the_rule(tmp_path, written):
    quoted = written.replace('"', '""')
    expected = f"Không chấm điểm: quy tắc steps cần một số, không phải '{re.escape(written)}'."
    with pytest.raises(CommandError, match=expected):
        _score(tmp_path, inputs=INPUTS.replace("Phường A,CQS-2,12", f'Phường A,CQS-2,"{quoted}"'))


KDC = """code,name,kind,rule,params,source
INTERNET,Mọi hộ gia đình sử dụng internet,mandatory,at_least,100,XHS-01
SMARTPHONE,Mọi người dân có điện thoại thông minh,mandatory,at_least,100,XHS-02
VNEID,Trên 90% người dân có tài khoản định danh điện tử,mandatory,more_than,90,XHS-06
BANK,Trên 90% có tài khoản ngân hàng hoặc ví điện tử,mandatory,more_than,90,KTS-05
TMDT,Trên 50% hộ kinh doanh bán trên sàn thương mại điện tử,mandatory,more_than,50,KTS-06
BANDO,Có bản đồ số tổ dân phố (khuyến khích),optional,boolean,,tu-danh-gia
k,,,,0,
"""
KDC_INPUTS = """unit,component,value
Tam Giác 3,INTERNET,100
Tam Giác 3,SMARTPHONE,100
Tam Giác 3,VNEID,"93,5"
Tam Giác 3,BANK,91
Tam Giác 3,TMDT,52
Tam Giác 3,BANDO,có
Tổ 7,INTERNET,100
Tổ 7,SMARTPHONE,98
Tổ 7,VNEID,95
Tổ 7,BANK,92
"""


def test_criteria_check_certifies_k_of_n(tmp_path):
    files = _files(tmp_path, set=KDC, inputs=KDC_INPUTS)
    out, result = StringIO(), tmp_path / "kdc.json"
    call_command("criteria", "check", str(files["set"]), "--inputs", str(files["inputs"]), "--json", str(result),
                 stdout=out)
    assert json.loads(result.read_text(encoding="utf-8")) == {"units": [
        {"unit": "Tam Giác 3", "certified": True, "passed": ["INTERNET", "SMARTPHONE", "VNEID", "BANK", "TMDT",
                                                            "BANDO"], "failed": [], "missing": []},
        {"unit": "Tổ 7", "certified": False, "passed": ["INTERNET", "VNEID", "BANK"], "failed": ["SMARTPHONE"],
         "missing": ["TMDT", "BANDO"]},
    ]}
    assert out.getvalue().splitlines()[:2] == [
        "Tam Giác 3                     6/6 tiêu chí  ĐẠT",
        "Tổ 7                           3/6 tiêu chí  chưa đạt  (không đạt SMARTPHONE; thiếu số liệu TMDT, BANDO)",
    ]


def test_a_faulty_criteria_set_is_refused(tmp_path):
    files = _files(tmp_path, set=KDC.replace("mandatory,more_than,90,XHS-06", "bat_buoc,more_than,,XHS-06")
                   .replace("k,,,,0,", 'k,,,,"1,5",'), inputs=KDC_INPUTS)
    with pytest.raises(CommandError) as error:
        call_command("criteria", "check", str(files["set"]), "--inputs", str(files["inputs"]))
    assert str(error.value).splitlines() == [
        "Không kiểm tra (3 lỗi):",
        "set.csv, dòng 4, cột 'kind': 'bat_buoc' không hợp lệ; giá trị cho phép: mandatory, optional.",
        "set.csv, dòng 4, cột 'params': bắt buộc nhưng đang để trống. Điền giá trị rồi nạp lại.",
        "set.csv, dòng 8, cột 'params': k phải là số nguyên không âm, không phải '1,5'.",
    ]


PRESETS = Path(__file__).resolve().parents[2] / "chiso" / "reference_data" / "methods"


def test_the_dti_922_preset_is_nine_indicators_and_1000_points():
    from chiso.engine.scoring import Given, score_units
    from chiso.ranking.files import read_index

    dti = read_index(PRESETS / "dti-922.csv")
    assert [(c.code, c.max_points) for c in dti.components] == [
        ("NTS", 100), ("TCS", 100), ("HTS", 100), ("NLS", 100), ("ATTT", 100), ("DTTM", 0), ("CQS", 200),
        ("KTS", 150), ("XHS", 150)]
    points = {"NTS": 90, "TCS": 85, "HTS": 80, "NLS": 75, "ATTT": 90, "CQS": 170, "KTS": 120, "XHS": 123.5}
    score = score_units(dti, {"Đà Nẵng": {code: Given(p) for code, p in points.items()}}).scores[0]
    assert (score.total, score.value, score.scale, score.missing) == (833.5, 0.8335, 1000.0, ["DTTM"])


def test_the_danang_2386_preset_scores_a_ward_and_a_department_on_their_own_scales(tmp_path):
    inputs = """unit,component,value,denominator,unit_type
Phường Thanh Khê,NTS-1,4,,phuong
Phường Thanh Khê,TCS-1,có,,phuong
Phường Thanh Khê,HTS-1,81,,phuong
Phường Thanh Khê,UDS-1,95,,phuong
Phường Thanh Khê,DVC-1,64,,phuong
Phường Thanh Khê,DVC-2,97,,phuong
Phường Thanh Khê,NLS-1,100,,phuong
Phường Thanh Khê,XHS-1,"85,5",,phuong
Phường Thanh Khê,XHS-2,55,60,phuong
Sở Khoa học và Công nghệ,NTS-1,4,,so
Sở Khoa học và Công nghệ,TCS-1,có,,so
Sở Khoa học và Công nghệ,HTS-1,90,,so
Sở Khoa học và Công nghệ,UDS-1,99,,so
Sở Khoa học và Công nghệ,DVC-1,90,,so
Sở Khoa học và Công nghệ,DVC-2,100,,so
Sở Khoa học và Công nghệ,NLS-1,100,,so
Sở Khoa học và Công nghệ,TRU,2,,so
Phường Khác,NTS-1,1,,phuong
"""
    files = _files(tmp_path, inputs=inputs)
    result = tmp_path / "out.json"
    call_command("index", "score", str(PRESETS / "danang-2386.csv"), "--grades", str(PRESETS / "danang-grades.csv"),
                 "--inputs", str(files["inputs"]), "--json", str(result), stdout=StringIO())
    rows = [(u["unit"], u["total"], u["value"], u["rank"], u["grade"], len(u["missing"]))
            for u in json.loads(result.read_text(encoding="utf-8"))["units"]]
    assert rows == [
        ("Sở Khoa học và Công nghệ", 78.0, 0.975, 1, "xuất sắc", 0),  # 80 − 2 of a sở's 80 (no xã hội số)
        ("Phường Thanh Khê", 93.166667, 0.931667, 2, "xuất sắc", 0),  # 10+10+9+15+12+8,5+10+9,5+9,17 of 100
        ("Phường Khác", 2.5, 0.025, 3, "", 8),  # one input of nine, eight missing: below every band
    ]


def test_the_kdc_preset_certifies_tam_giac_3(tmp_path):
    inputs = ("unit,component,value\nTam Giác 3,INTERNET,100\nTam Giác 3,SMARTPHONE,100\nTam Giác 3,VNEID,\"93,5\"\n"
              "Tam Giác 3,THANHTOAN,91\nTam Giác 3,TMDT,52\n")
    files = _files(tmp_path, inputs=inputs)
    out = StringIO()
    call_command("criteria", "check", str(PRESETS / "kdc-cong-nghe-so.csv"), "--inputs", str(files["inputs"]),
                 stdout=out)
    assert out.getvalue().splitlines() == [
        "Tam Giác 3                     5/10 tiêu chí  ĐẠT  (thiếu số liệu BANDO, TC-7, TC-8, TC-9, TC-10)"]


def test_score_against_last_year_splits_the_change_and_says_what_the_next_grade_takes(tmp_path):
    last_year = _files(tmp_path, previous=DEFINITION.replace("12:30;6:15;1:5", "12:30;6:10;1:5"),
                       previous_inputs=INPUTS.replace("Phường B,CQS-1,72", "Phường B,CQS-1,63"))
    printed, result = _score(tmp_path, "--previous-definition", str(last_year["previous"]),
                             "--previous-inputs", str(last_year["previous_inputs"]))
    b = next(u for u in result["units"] if u["unit"] == "Phường B")
    # last year 21 + 10 + 32 = 63; this year's method on last year's figures 21 + 15 + 32 = 68; now 24 + 15 + 32
    assert b["change"] == {"before": 63.0, "after": 71.0, "from_figures": 3.0, "from_method": 5.0}
    assert b["next_grade"] == {"grade": "tốt", "points_needed": 9.0, "reachable": True, "components": {"CQS-2": 15.0}}
    assert "Phường B" in printed and "(so với năm trước 8,00: số liệu 3,00, phương pháp 5,00)" in printed
    with pytest.raises(CommandError, match="Cần cả --previous-definition và --previous-inputs"):
        _score(tmp_path, "--previous-inputs", str(last_year["previous_inputs"]))
