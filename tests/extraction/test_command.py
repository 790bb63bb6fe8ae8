"""`chiso extract`: the table, the JSON, the evaluation and the refusals."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

GOLD = Path(__file__).with_name("gold.csv")


def _run(*args: str) -> str:
    out = StringIO()
    call_command("extract", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_prints_the_proposals_and_writes_the_json(tmp_path: Path) -> None:
    report = tmp_path / "bao-cao.txt"
    report.write_text("Báo cáo.\nĐến nay, quận hỗ trợ hơn 3.500 công dân; 12/12 chợ đã thanh toán số.\n", "utf-8")
    out_json = tmp_path / "figures.json"
    printed = _run(str(report), "--date", "2024-12-31", "--unit", "2024:491", "--json", str(out_json))
    lines = printed.splitlines()
    assert lines[0].split() == "# Loại Giá trị Trên tổng Đếm cái gì Yếu tố Đơn vị Kỳ Vị trí".split()
    assert lines[1].split() == "1 thực hiện hơn 3.500 công dân Quận Thanh Khê (2024:491) 2024-12-31 34–39".split()
    assert lines[2].split()[:5] == ["2", "thực", "hiện", "12", "12"]
    assert lines[3:] == ["2 số liệu đề xuất (chưa ghi gì: xem lại trước khi lưu).", f"Đã ghi 2 số liệu vào {out_json}."]
    figures = json.loads(out_json.read_text("utf-8"))["figures"]
    assert [(f["value"], f["qualifier"], f["of_total"], f["unit_code"], f["period"]) for f in figures] == [
        ("3500", "at_least", None, "491", "2024-12-31"),
        ("12", "exact", "12", "491", "2024-12-31"),
    ]


@pytest.mark.django_db
def test_it_evaluates_the_gold_set() -> None:
    printed = _run("--evaluate", str(GOLD), "--date", "2024-12-31", "--unit", "2024:491")
    assert "52 câu, 59 số liệu mong đợi, 59 số liệu đọc được, 58 đúng." in printed
    assert printed.splitlines()[-2:] == ["precision (độ chính xác): 0,983", "recall (độ phủ): 0,983"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bao-cao.xlsx"], "Tệp bao-cao.xlsx: không đọc được loại tệp này."),
        (["bao-cao.txt", "--unit", "2024:9999"], "--unit '2024:9999': không có đơn vị mã 9999"),
        (["bao-cao.txt", "--date", "31/12/2024"], "--date '31/12/2024': cần ngày dạng YYYY-MM-DD"),
        ([], "Thiếu tệp báo cáo"),
    ],
)
def test_it_refuses_in_vietnamese(tmp_path: Path, args: list[str], message: str) -> None:
    for name in ("bao-cao.xlsx", "bao-cao.txt"):
        (tmp_path / name).write_bytes(b"x")
    args = [str(tmp_path / a) if a.startswith("bao-cao") else a for a in args]
    with pytest.raises(CommandError) as refused:
        _run(*args)
    assert message in str(refused.value)
