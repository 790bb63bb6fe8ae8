"""``chiso index load`` and ``chiso index export``: a method file loaded as a version through
``ranking.methods.do_load_method``, exported back, and an export loaded again makes no new version."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from chiso.ranking.models import Method
from tests.ranking.world import GRADES, METHOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "pp.csv").write_text(METHOD, encoding="utf-8")
    (tmp_path / "xl.csv").write_text(GRADES, encoding="utf-8")
    return tmp_path / "pp.csv", tmp_path / "xl.csv"


def index(*args: str) -> str:
    out = StringIO()
    call_command("index", *args, stdout=out)
    return out.getvalue()


def load(path: Path, *extra: str, user: str = "t_city_admin") -> str:
    return index("load", "thu-nghiem", str(path), "--name", "Bộ chỉ số thử", "--user", user, *extra)


def test_load_prints_the_version_made_and_an_unchanged_file_makes_none(files, city_admin):
    assert load(files[0], "--grades", str(files[1]), "--illustrative", "--reason", "Lần đầu") == (
        "Đã nạp 'thu-nghiem' phiên bản 1 (6 thành phần, 5 xếp loại).\n")
    method = Method.objects.get(code="thu-nghiem")
    assert (method.version, method.is_illustrative, method.reason, method.created_by) == (1, True, "Lần đầu",
                                                                                           city_admin)
    assert load(files[0], "--grades", str(files[1])) == (
        "Không có thay đổi: 'thu-nghiem' vẫn là phiên bản 1 (6 thành phần, 5 xếp loại).\n")
    assert Method.objects.filter(code="thu-nghiem").count() == 1


def test_every_fault_is_named_by_file_row_and_column_and_nothing_is_loaded(tmp_path, city_admin):
    bad = tmp_path / "sai.csv"
    bad.write_text(METHOD.replace("4:20;3:15;2:10;1:5", "bốn:20").replace("boolean", "co-khong"), encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        load(bad)
    lines = str(refused.value).splitlines()
    assert lines[0] == f"Không nạp, chưa ghi gì ({len(lines) - 1} lỗi):"
    assert lines[1].startswith("sai.csv, dòng 3, cột 'params':")
    assert lines[2].startswith("sai.csv, dòng 4, cột 'rule':")
    assert not Method.objects.filter(code="thu-nghiem").exists()


def test_load_acts_as_the_named_user(files, officer_thac_gian):
    with pytest.raises(CommandError, match="Không có người dùng 'ai-do'"):
        load(files[0], user="ai-do")
    with pytest.raises(CommandError) as refused:
        load(files[0], user="t_officer_thac_gian")
    assert str(refused.value).splitlines()[1] == (
        "Bạn không có quyền nạp phương pháp xếp hạng: chỉ quản trị cấp thành phố.")
    assert not Method.objects.filter(code="thu-nghiem").exists()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_exported_method_loads_back_as_the_same_version(files, city_admin, tmp_path, suffix):
    load(files[0], "--grades", str(files[1]))
    out = tmp_path / f"lai{suffix}"
    printed = index("export", "thu-nghiem", "--out", str(out))
    assert printed.splitlines()[0] == f"Đã ghi {out} ('thu-nghiem' phiên bản 1)."
    grades = []
    if suffix == ".csv":
        bands = tmp_path / "lai-xep-loai.csv"
        assert printed.splitlines()[1] == f"Đã ghi {bands} (xếp loại; nạp lại với --grades lai-xep-loai.csv)."
        assert bands.read_text(encoding="utf-8").splitlines()[:2] == ["grade,min_score", "xuất sắc,90"]
        grades = ["--grades", str(bands)]
    else:
        book = load_workbook(out)
        assert book.sheetnames == ["phuong-phap", "xep-loai"]
        assert [c.value for c in book["phuong-phap"][4]][:6] == ["NTS-1", "NTS", "Số cuộc họp chuyên đề về chuyển "
                                                                 "đổi số", "20", "steps", "4:20;3:15;2:10;1:5"]
    assert load(out, *grades) == "Không có thay đổi: 'thu-nghiem' vẫn là phiên bản 1 (6 thành phần, 5 xếp loại).\n"
    assert Method.objects.filter(code="thu-nghiem").count() == 1


def test_a_changed_export_is_the_next_version_and_an_old_one_exports_still(files, city_admin, tmp_path):
    load(files[0], "--grades", str(files[1]))
    out = tmp_path / "lai.csv"
    index("export", "thu-nghiem", "--out", str(out))
    out.write_text(out.read_text(encoding="utf-8").replace("4:20;3:15", "5:20;3:15"), encoding="utf-8")
    assert load(out, "--grades", str(tmp_path / "lai-xep-loai.csv"), "--reason", "Năm cuộc họp") == (
        "Đã nạp 'thu-nghiem' phiên bản 2 (6 thành phần, 5 xếp loại).\n")
    old = tmp_path / "cu.csv"
    index("export", "thu-nghiem", "--version", "1", "--out", str(old))
    assert "4:20;3:15;2:10;1:5" in old.read_text(encoding="utf-8")


def test_export_names_what_it_cannot_do(files, city_admin, tmp_path):
    with pytest.raises(CommandError, match="Không có phương pháp 'khong-co'. Xem các phương pháp"):
        index("export", "khong-co", "--out", str(tmp_path / "x.csv"))
    load(files[0])
    with pytest.raises(CommandError, match="Không có phương pháp 'thu-nghiem' phiên bản 7."):
        index("export", "thu-nghiem", "--version", "7", "--out", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match=r"--out x.json: chọn tệp .csv hoặc .xlsx."):
        index("export", "thu-nghiem", "--out", str(tmp_path / "x.json"))
