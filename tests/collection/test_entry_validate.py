"""``chiso validate``: violations over a subtree and periods, exit code 1 on errors, read-only."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from chiso.collection.management.commands.validate import read_periods
from tests.collection.test_entry_support import PERIOD, put

pytestmark = pytest.mark.django_db


def test_it_prints_each_violation_and_exits_1_on_errors():
    put("XHS-05", 100)
    put("XHS-06", 120)
    put("DS", 90, unit_code="20212")  # Tân Chính: 100 applications > 90 residents would be a warning
    put("XHS-05", 100, unit_code="20212")
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_code:
        call_command("validate", "--unit", "491", "--version", "2024", "--periods", f"2021-04,{PERIOD}",
                     stdout=out, stderr=err)
    assert exit_code.value.code == 1
    assert out.getvalue().splitlines() == [
        f"20212\t{PERIOD}\tXHS-05<=DS\tcảnh báo\tCảnh báo (Phường Tân Chính, kỳ {PERIOD}): Số hồ sơ định danh "
        "điện tử đã thu nhận (100) lớn hơn Dân số (90): thường không như vậy — kiểm tra lại; nếu đúng, ghi giải "
        "trình khi gửi báo cáo.",
        f"20221\t{PERIOD}\tXHS-06<=XHS-05\tLỖI\tLỗi (Phường Thạc Gián, kỳ {PERIOD}): Số tài khoản định danh điện "
        "tử đã kích hoạt (120) không được lớn hơn Số hồ sơ định danh điện tử đã thu nhận (100).",
    ]
    assert err.getvalue().strip() == "Quận Thanh Khê (491, 2024) và các đơn vị trực thuộc, 2 kỳ: 1 lỗi, 1 cảnh báo."


def test_warnings_alone_exit_0():
    put("DS", 90, unit_code="20212")
    put("XHS-05", 100, unit_code="20212")
    out = StringIO()
    call_command("validate", "--unit", "20212", "--version", "2024", "--periods", PERIOD, stdout=out)
    assert out.getvalue().splitlines()[-1] == (
        "Phường Tân Chính (20212, 2024) và các đơn vị trực thuộc, 1 kỳ: 0 lỗi, 1 cảnh báo.")


@pytest.mark.parametrize("args, message", [
    (["--unit", "99999", "--version", "2024", "--periods", "2024-01"],
     "Không có đơn vị mã 99999 trong phiên bản 2024."),
    (["--unit", "491", "--version", "1999", "--periods", "2024-01"], "Không có phiên bản danh mục '1999'."),
    (["--unit", "491", "--version", "2024", "--periods", " , "], "Cần ít nhất một kỳ trong --periods."),
])
def test_what_it_cannot_read_is_exit_2(args, message):
    with pytest.raises(CommandError) as error:
        call_command("validate", *args)
    assert (str(error.value), error.value.returncode) == (message, 2)


def test_periods_are_a_list_or_a_range():
    assert [str(p) for p in read_periods("2024-11..2025-02,2025Q3")] == [
        "2024-11", "2024-12", "2025-01", "2025-02", "2025Q3"]
