"""Importing a plan spreadsheet (page, CLI): all rows or none; every fault names file, row and column."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chiso.plans.importer import PlanImportRefused, import_plan
from chiso.plans.models import Target, TargetHistory, TargetScope
from tests.conftest import unit

pytestmark = pytest.mark.django_db

HEADER = "mã đơn vị;năm;mã chỉ tiêu;giá trị mục tiêu;thời hạn;lý do;đánh giá theo;phạm vi\n"


def _csv(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode("utf-8")


def test_a_csv_plan_is_written_with_its_history(city_admin):
    content = _csv("491;2024;CQS-03;65;;KH quận;;tối thiểu",
                   "20221;2024;CQS-03;82,5;30/09/2024;KH 12/KH-UBND;mức tại ngày;",
                   "20221;2024;XHS-06;1.200;;KH 12/KH-UBND;;chỉ tiêu")
    result = import_plan("ke-hoach.csv", content, acting_user=city_admin)
    assert (result.written, result.unchanged) == (3, 0)
    rows = sorted(Target.objects.filter(plan__year=2024, plan__unit__code__in=["491", "20221"],
                                        indicator__code__in=["CQS-03", "XHS-06"])
                  .values_list("plan__unit__code", "indicator__code", "scope", "value", "target_date", "judged_on"))
    assert rows == [("20221", "CQS-03", "own", Decimal("82.5"), date(2024, 9, 30), "level_at_date"),
                    ("20221", "XHS-06", "own", Decimal("1200"), date(2024, 12, 31), ""),
                    ("491", "CQS-03", "children_minimum", Decimal("65"), date(2024, 12, 31), "")]
    written = TargetHistory.objects.exclude(channel="demo")
    assert set(written.values_list("channel", "reason")) == {("import", "KH quận"), ("import", "KH 12/KH-UBND")}
    again = import_plan("ke-hoach.csv", content, acting_user=city_admin)
    assert (again.written, again.unchanged) == (0, 3)


def test_an_xlsx_plan_with_numeric_and_date_cells(city_admin):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Mã đơn vị", "Năm", "Mã chỉ tiêu", "Giá trị mục tiêu", "Thời hạn", "Lý do"])
    sheet.append(["20221", 2024, "CQS-03", 80, datetime(2024, 12, 31), "Nghị quyết"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert import_plan("ke-hoach.xlsx", buffer.getvalue(), acting_user=city_admin).written == 1
    assert Target.objects.get(plan__unit=unit("2024", "20221"), indicator__code="CQS-03").value == 80


def test_faults_name_file_row_and_column_and_nothing_is_written(city_admin):
    content = _csv("20221;2024;CQS-03;80;;;;",
                   "99999;2024;CQS-03;80;;;;",
                   "20221;2024;XX-1;8.0;31/02/2024;;sai;",
                   "20221;năm;CQS-03;80;;;;")
    with pytest.raises(PlanImportRefused) as caught:
        import_plan("ke-hoach.csv", content, acting_user=city_admin)
    assert [p.text() for p in caught.value.problems] == [
        "ke-hoach.csv, dòng 3, cột A (mã đơn vị): không có đơn vị mã 99999 trong phiên bản danh mục 2024.",
        "ke-hoach.csv, dòng 4, cột C (mã chỉ tiêu): không có chỉ tiêu mã 'XX-1' trong danh mục; ví dụ đúng: CQS-03.",
        "ke-hoach.csv, dòng 4, cột D (giá trị mục tiêu): Số không hợp lệ: '8.0' (dấu chấm '.' chỉ dùng để ngăn cách "
        "hàng nghìn và phải đứng trước đúng 3 chữ số; số thập phân dùng dấu phẩy, ví dụ 8,0). Ví dụ đúng: 166.039 "
        "hoặc 1.234,5",
        "ke-hoach.csv, dòng 4, cột E (thời hạn): '31/02/2024' không phải ngày: ghi ngày/tháng/năm, ví dụ 31/12/2025, "
        "hoặc để trống (31/12 của năm).",
        "ke-hoach.csv, dòng 4, cột G (đánh giá theo): 'sai' không phải cách đánh giá: ghi 'cả kỳ', 'mức tại ngày' "
        "hoặc để trống (theo loại chỉ tiêu).",
        "ke-hoach.csv, dòng 5, cột B (năm): 'năm' không phải năm: ghi năm bằng 4 chữ số, ví dụ 2025.",
    ]
    assert not Target.objects.filter(plan__unit=unit("2024", "20221")).exists()


def test_a_refused_row_rolls_back_the_rows_before_it(officer_thac_gian):
    content = _csv("20221;2024;CQS-03;80;;;;", "20212;2024;CQS-03;80;;;;", "20221;2024;CQS-04;101;;;;")
    with pytest.raises(PlanImportRefused) as caught:
        import_plan("ke-hoach.csv", content, acting_user=officer_thac_gian)
    assert caught.value.status == 403
    assert [p.text() for p in caught.value.problems] == [
        "ke-hoach.csv, dòng 3, cột A (mã đơn vị): Bạn không có quyền đặt chỉ tiêu cho Phường Tân Chính: chỉ cán bộ "
        "của đơn vị, quản trị hoặc cấp phê duyệt phía trên được đặt.",
        "ke-hoach.csv, dòng 4, cột D (giá trị mục tiêu): Không ghi chỉ tiêu CQS-04 năm 2024 của Phường Thạc Gián: "
        "tỷ lệ phải từ 0 đến 100 (%), nhận được 101.",
    ]
    assert not Target.objects.filter(plan__unit__code__in=["20221", "20212"], plan__year=2024).exists()
    assert not TargetHistory.objects.exclude(channel="demo").exists()


def test_a_missing_column_is_named():
    with pytest.raises(PlanImportRefused) as caught:
        import_plan("ke-hoach.csv", "mã đơn vị,năm,giá trị\n20221,2024,80\n".encode(), acting_user=None)
    [problem] = caught.value.problems
    assert problem.text().startswith("ke-hoach.csv, dòng 1: Thiếu cột mã chỉ tiêu. Dòng tiêu đề đang có: "
                                     "'mã đơn vị', 'năm', 'giá trị'.")


def test_the_cli_names_its_user(tmp_path, city_admin, capsys):
    path = tmp_path / "ke-hoach.csv"
    path.write_bytes(_csv("491;2024;CQS-03;65;;KH quận;;tối thiểu"))
    with pytest.raises(CommandError, match="Không có người dùng 'ai-do'"):
        call_command("plans", "import", str(path), "--user", "ai-do")
    call_command("plans", "import", str(path), "--user", city_admin.username)
    assert "Đã nhập ke-hoach.csv: 1 chỉ tiêu mới hoặc thay đổi, 0 không đổi." in capsys.readouterr().out
    history = TargetHistory.objects.get(target__scope=TargetScope.CHILDREN_MINIMUM, target__plan__unit__code="491")
    assert (history.channel, history.changed_by) == ("cli", city_admin)


def test_the_cli_refuses_without_user(tmp_path):
    with pytest.raises(CommandError):
        call_command("plans", "import", str(tmp_path / "x.csv"))


def test_the_upload_form_on_the_plan_page(client, city_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(city_admin)
    upload = SimpleUploadedFile("ke-hoach.csv", _csv("20221;2024;CQS-03;180;;;;"), content_type="text/csv")
    response = client.post("/ke-hoach/2024/20221/2024/nhap-tep/", {"file": upload})
    html = response.content.decode()
    assert response.status_code == 400 and "Không nhập, chưa ghi gì:" in html
    assert "ke-hoach.csv, dòng 2, cột D (giá trị mục tiêu): Không ghi chỉ tiêu CQS-03" in html
    upload = SimpleUploadedFile("ke-hoach.csv", _csv("20221;2024;CQS-03;80;;;;"), content_type="text/csv")
    response = client.post("/ke-hoach/2024/20221/2024/nhap-tep/", {"file": upload})
    assert response.status_code == 200
    assert "Đã nhập tệp ke-hoach.csv: 1 chỉ tiêu mới hoặc thay đổi, 0 không đổi." in response.content.decode()
